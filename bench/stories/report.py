#!/usr/bin/env python3
"""Writes the stories benchmark's table from bench/out/stories/runs."""

import argparse
import datetime
import json
import os
import re


def wall(path):
    text = open(path).read()
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
    parts = [float(p) for p in m.group(1).split(":")]
    secs = 0.0
    for p in parts:
        secs = secs * 60 + p
    cpu = sum(float(re.search(rf"{k} time \(seconds\): (\S+)", text).group(1))
              for k in ("User", "System"))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
    return secs, cpu, rss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", required=True)
    ap.add_argument("--sizes", required=True)
    ap.add_argument("--archive", required=True)
    ap.add_argument("--items", type=int, required=True)
    ap.add_argument("--query", required=True)
    ap.add_argument("--command", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--append", action="store_true",
                    help="add to the RESULTS.md of an earlier run instead of replacing it")
    a = ap.parse_args()
    run = lambda name: (wall(os.path.join(a.runs, name + ".time")),
                        json.load(open(os.path.join(a.runs, name + ".counts"))))
    load = open("/proc/loadavg").read().split()[:3]
    lines = [
        "# Stories at scale: results",
        "",
        f"Run on {datetime.date.today()} on the project's shared 2-core machine "
        f"(load average at the end: {' '.join(load)}), with `{a.command}`.",
        "",
        f"Broad watchlist: `{a.query}` (matches every generated article).",
    ]
    sizes = [n for n in a.sizes.split(",") if n]
    if sizes:
        lines += [
            "",
            "## Cold poll: one broad watchlist beside none",
            "",
            "| feeds x items | watchlist | wall s | CPU s | peak RSS MB | articles | alerts | stories |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
    verdicts = []
    for n in sizes:
        (none, nc), (broad, bc) = run(f"poll-{n}-none"), run(f"poll-{n}-broad")
        for label, (w, c, r), counts in (("none", none, nc), ("broad", broad, bc)):
            lines.append(f"| {n} x {a.items} | {label} | {w:.1f} | {c:.1f} | {r:.0f} | "
                         f"{counts['articles']:,} | {counts['alerts']:,} | {counts['stories']:,} |")
        ratio = broad[0] / none[0]
        met = "met" if ratio <= 1.5 else "missed"
        verdicts.append(f"* {int(n) * a.items:,} articles: broad / none = **{ratio:.2f}x** "
                        f"wall, {broad[1] / none[1]:.2f}x CPU (target at most 1.5x: {met})")
    if verdicts:
        lines += [""] + verdicts
    (w, c, r), counts = run(f"backfill-{a.archive}")
    (pw, _, _), _ = run(f"poll-{a.archive}-none")
    rate = counts["articles"] / w
    met = "met" if rate >= 5000 else "missed"
    lines += [
        "",
        "## Back-fill of a broad new watchlist",
        "",
        "| archive articles | wall s | CPU s | peak RSS MB | alerts | stories | articles/s |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {counts['articles']:,} | {w:.1f} | {c:.1f} | {r:.0f} | {counts['alerts']:,} | "
        f"{counts['stories']:,} | {rate:,.0f} |",
        "",
        f"* back-fill: **{rate:,.0f} articles/s** (target at least 5,000/s: {met}); "
        f"the cold poll that built the archive took {pw:.1f} s.",
        "",
    ]
    if a.append and os.path.exists(a.out):
        lines = open(a.out).read().rstrip("\n").split("\n") + [""] + lines[2:]
    with open(a.out, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
