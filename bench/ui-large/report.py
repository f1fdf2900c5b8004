#!/usr/bin/env python3
"""Renders bench/ui-large's results.json as the Markdown table of RESULTS.md."""

import argparse
import json
import os
import platform
import time


def ms(v):
    return "–" if v is None else f"{v:.1f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--command", required=True)
    ap.add_argument("--articles", type=int, required=True)
    ap.add_argument("--alerts", type=int, required=True)
    ap.add_argument("--feeds", type=int, required=True)
    ap.add_argument("--items", type=int, required=True)
    a = ap.parse_args()
    t = json.load(open(a.results))["table"]
    out = []
    out.append("# bench/ui-large: a big archive in the real window\n")
    out.append(f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.machine()} Linux, "
               f"{os.cpu_count()} cores shared with other jobs; the release app in its own WebKitGTK webview "
               "under Xvfb, driven over WebDriver (tauri-driver + WebKitWebDriver).\n")
    out.append(f"Command: `{a.command}`: an archive of {a.articles:,} articles and {a.alerts:,} alerts, "
               f"and a cold poll of {a.feeds:,} generated feeds × {a.items} items that starts with the window "
               f"({t.get('pollRounds', 0)} rounds of measurements fitted in it). Times are taken inside the page "
               "(performance.now(), to the frame after the DOM shows the result), so WebDriver's own round "
               "trips are not counted.\n")
    out.append("| what | target | during the cold poll p50 / p95 (n) | idle p50 / p95 (n) |")
    out.append("|---|---|---|---|")

    def row(name, target, poll, idle):
        cell = lambda s: "–" if not s or s.get("n", 0) == 0 else f"{ms(s['p50'])} / {ms(s['p95'])} ms ({s['n']})"
        out.append(f"| {name} | {target} | {cell(poll)} | {cell(idle)} |")

    p, i = t.get("poll", {}), t.get("idle", {})
    row("start to first alerts (from asking for the window)", "< 1,500 ms", t.get("startPoll"), t.get("startIdle"))
    row("start to first alerts (from the page's start)", "", t.get("startPollPage"), t.get("startIdlePage"))
    row("opening an alert (`o` to the reader painted)", "< 100 ms", p.get("open"), i.get("open"))
    row("search (typed query to results painted, incl. the 250 ms typing pause)", "< 200 ms after the pause", p.get("search"), i.get("search"))
    row("`j` over 1,000 rows: work per key (script, style, layout)", "< 16 ms", p.get("jWork"), i.get("jWork"))
    row("`j` over 1,000 rows: frame interval", "≈ 16.7 ms (60 Hz)", p.get("jInterval"), i.get("jInterval"))
    out.append("")
    out.append(f"Frames over 20 ms while holding `j`: during the poll {p.get('jDropped', '–')}, idle {i.get('jDropped', '–')}.")
    out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
