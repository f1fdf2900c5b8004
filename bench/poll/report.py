#!/usr/bin/env python3
"""Turns the files run.sh left in RUNS into the Markdown results table.

For each run NAME, RUNS holds NAME.time (GNU time -v), NAME.stats.json (the
feed server's counters for that run alone), NAME.articles (rows stored
after the run), NAME.out (stdout; Outpost's JSON summary) and NAME.rc.
"""

import argparse
import datetime
import json
import os
import platform
import re

RUNS = ["outpost-cold", "outpost-warm", "newsboat-cold", "newsboat-warm", "newsboat-warm3"]
LABELS = {"cold": "cold", "warm": "warm", "warm3": "warm, 3rd run"}
TARGET_COLD_RATIO = 5.0
TARGET_WARM_SECS = 1.0
TARGET_RSS_MB = 150.0


def parse_time(path):
    text = open(path).read()

    def field(label):
        m = re.search(re.escape(label) + r".*?:\s*([0-9:.]+)\s*$", text, re.M)
        if not m:
            raise SystemExit(f"report.py: no '{label}' in {path}; was it written by GNU time -v?")
        return m.group(1)

    wall = 0.0
    for part in field("Elapsed (wall clock) time").split(":"):
        wall = wall * 60 + float(part)
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    rss_mb = int(field("Maximum resident set size (kbytes)")) / 1024
    return wall, cpu, rss_mb


def read(runs, name, ext, default=None):
    path = os.path.join(runs, f"{name}.{ext}")
    if not os.path.exists(path):
        return default
    return open(path).read().strip()


def outpost_summary(runs, name):
    try:
        return json.loads(read(runs, name, "out", ""))
    except json.JSONDecodeError:
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", required=True)
    ap.add_argument("--feeds", type=int, required=True)
    ap.add_argument("--items", type=int, required=True)
    ap.add_argument("--sites", type=int, required=True)
    ap.add_argument("--newsboat-config", required=True)
    ap.add_argument("--command", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    rows = {}
    for name in RUNS:
        wall, cpu, rss = parse_time(os.path.join(a.runs, f"{name}.time"))
        stats = json.loads(read(a.runs, name, "stats.json", "{}"))
        rows[name] = {
            "wall": wall,
            "cpu": cpu,
            "rss": rss,
            "s200": stats.get("status_200", 0),
            "s304": stats.get("status_304", 0),
            "other": stats.get("requests", 0) - stats.get("status_200", 0) - stats.get("status_304", 0),
            "mb": stats.get("bytes_sent", 0) / 1e6,
            "gzip": stats.get("gzip", 0),
            "cond": max(stats.get("with_if_none_match", 0), stats.get("with_if_modified_since", 0)),
            "articles": read(a.runs, name, "articles", "?"),
            "rc": read(a.runs, name, "rc", "?"),
        }

    lines = []
    out = lines.append
    out(f"# Poll end to end: {a.feeds} feeds x {a.items} items")
    out("")
    out(f"Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC on "
        f"{platform.machine()} Linux, {os.cpu_count()} cores shared with other jobs "
        "(the machine was loaded while this ran, so absolute times wobble; the ratios "
        "compare runs made one after another on the same feeds and server).")
    out("")
    out(f"Command: `{a.command.strip()}` "
        f"(feeds spread over {a.sites} origins, i.e. ports of 127.0.0.1).")
    out("")
    out("| tool | run | wall s | CPU s | peak RSS MB | requests 200 / 304 | with validators | "
        "MB sent | articles stored | exit |")
    out("|---|---|---:|---:|---:|---|---:|---:|---:|---:|")
    for name in RUNS:
        r = rows[name]
        tool, run = name.split("-")
        reqs = f"{r['s200']} / {r['s304']}" + (f" (+{r['other']} other)" if r["other"] else "")
        out(f"| {tool} | {LABELS[run]} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['rss']:.1f} | {reqs} | "
            f"{r['cond']} | {r['mb']:.1f} | {r['articles']} | {r['rc']} |")
    out("")

    def ratio(x, y):
        return x / y if y > 0 else float("inf")

    cold = ratio(rows["newsboat-cold"]["wall"], rows["outpost-cold"]["wall"])
    warm = ratio(rows["newsboat-warm"]["wall"], rows["outpost-warm"]["wall"])
    warm3 = ratio(rows["newsboat-warm3"]["wall"], rows["outpost-warm"]["wall"])
    peak = max(rows["outpost-cold"]["rss"], rows["outpost-warm"]["rss"])
    warm_secs = rows["outpost-warm"]["wall"]

    def verdict(ok):
        return "met" if ok else "MISSED"

    out(f"* newsboat cold / outpost cold (wall): **{cold:.1f}x** "
        f"(target at least {TARGET_COLD_RATIO:.0f}x: {verdict(cold >= TARGET_COLD_RATIO)})")
    out(f"* newsboat warm / outpost warm (wall): **{warm:.1f}x**; outpost warm took "
        f"{warm_secs:.2f} s (target under {TARGET_WARM_SECS:.0f} s: {verdict(warm_secs < TARGET_WARM_SECS)})")
    out(f"* newsboat warm 3rd run / outpost warm (wall): **{warm3:.1f}x** (newsboat's "
        "first reload loses the validators it received, so only its third reload is conditional)")
    out(f"* outpost peak RSS: {peak:.1f} MB (target under {TARGET_RSS_MB:.0f} MB: "
        f"{verdict(peak < TARGET_RSS_MB)})")
    for name in ("outpost-cold", "outpost-warm"):
        s = outpost_summary(a.runs, name)
        if s:
            out(f"* {name} summary: {s.get('sources')} sources, {s.get('ok')} ok, "
                f"{s.get('not_modified')} not modified, {s.get('failed')} failed; "
                f"{s.get('new_articles')} new, {s.get('updated_articles')} updated articles; "
                f"{s.get('alerts')} alerts")
    out("")
    config = " / ".join(l.strip() for l in open(a.newsboat_config) if l.strip())
    out(f"newsboat {newsboat_version()} settings: `{config}`; run as "
        "`newsboat -u urls.txt -c cache.db -C config -x reload` with a fresh cache "
        "(cold) and twice more on that cache (warm, warm 3rd run). Outpost: `outpost --db DB poll --once "
        "--no-notify --json` after `sources import feeds.opml` and one watchlist; the warm "
        "run is `poll --once --all --no-notify --json`, which polls every source now. "
        "Wall time and peak RSS from GNU `time -v`; requests counted by the feed server "
        "for each run alone.")
    text = "\n".join(lines) + "\n"
    with open(a.out, "w") as f:
        f.write(text)
    print(text)


def newsboat_version():
    try:
        import subprocess
        v = subprocess.run(["newsboat", "--version"], capture_output=True, text=True, timeout=10)
        return v.stdout.split()[1]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "(version unknown)"


if __name__ == "__main__":
    main()
