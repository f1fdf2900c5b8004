#!/usr/bin/env python3
"""Turns measure.py's results.json into the RESULTS.md table.

Usage: report.py results.json COMMAND FEEDS ITEMS
"""
import json
import os
import platform
import statistics
import subprocess
import sys

path, command, feeds, items = sys.argv[1:5]
rows = json.load(open(path))


def med(app, key):
    vals = [r[key] for r in rows if r["app"] == app and r.get(key) is not None]
    return statistics.median(vals) if vals else None


def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip().splitlines()[0]
    except Exception:
        return "?"


def fmt_s(v):
    return "—" if v is None else f"{v:.2f} s"


def fmt_mib(v):
    return "—" if v is None else f"{v / 1024:.0f} MiB"


runs = len([r for r in rows if r["app"] == "Outpost"])
print("# Start-up and memory: Outpost vs Liferea\n")
print(f"Command: `{command.strip()}` ({feeds} local feeds × {items} items, {runs} run(s), medians).")
print(f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other jobs; Xvfb 1280×800, "
      f"a private D-Bus session, NO_AT_BRIDGE=1 for both. Liferea: `{version(['dpkg-query', '-W', '-f', '${Version}', 'liferea'])}` (Debian).\n")
print("| measure | Outpost | Liferea | target |")
print("|---|---|---|---|")
o, l = "Outpost", "Liferea"
print(f"| launch → window mapped | {fmt_s(med(o, 'window_mapped_s'))} | {fmt_s(med(l, 'window_mapped_s'))} | |")
print(f"| launch → first window showing data | {fmt_s(med(o, 'first_window_with_data_s'))} | "
      f"{fmt_s(med(l, 'first_window_with_data_s'))} | Outpost ≤ 1.0 s |")
print(f"| PSS of all processes after start (idle) | {fmt_mib(med(o, 'pss_after_start_kib'))} | "
      f"{fmt_mib(med(l, 'pss_after_start_kib'))} | Outpost ≤ Liferea |")
print(f"| PSS of all processes after a {feeds}-feed poll | {fmt_mib(med(o, 'pss_after_poll_kib'))} | "
      f"{fmt_mib(med(l, 'pss_after_poll_kib'))} | Outpost ≤ Liferea |")
print(f"| feeds answered in the poll / seconds to fetch them | {med(o, 'poll_requests')} / {med(o, 'poll_fetch_s')} | "
      f"{med(l, 'poll_requests')} / {med(l, 'poll_fetch_s')} | |")
print()
print("\"Showing data\": Outpost's UI reports one animation frame after it painted the alert list read "
      "from the archive (its log line \"first window with data\"); Liferea loads its feed list before it "
      "maps its window, so its mapped window is taken as showing data. PSS sums /proc/PID/smaps_rollup "
      "over the app and every descendant (WebKit's web and network processes). The start is measured on "
      "the profile the poll run filled, with nothing due (Liferea's startup-feed-action set to 1).")
print()
print("Raw results: `bench/out/startup/results.json`.")
