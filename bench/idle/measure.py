#!/usr/bin/env python3
"""Runs inside Xvfb + a private D-Bus session (see run.sh): starts a window
manager, Outpost's release app and Liferea, and measures each program's
processes (the program and every descendant: WebKit's web and network
processes) at rest: CPU as % of one core over a window of SECS, and PSS
from /proc/PID/smaps_rollup. The X server's CPU is reported apart.

Phases: (1) the app on an empty archive, shown: its resting memory;
(2) the app on an archive of the generated sources, after its first (cold)
poll has ended, shown; (3) the same, minimised; (4) the same, hidden
(unmapped, as hiding to the tray does); then (5) `outpost poll
--bench-cycles` over the same sources with nothing new. Liferea runs beside
the app in (1)-(4), in the same state (shown, minimised, hidden).
"""

import argparse
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def children_map():
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def tree(root):
    kids = children_map()
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except OSError:
        return 0


def smaps(pid, field):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


def xvfb_pid():
    display = os.environ["DISPLAY"]
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/cmdline", "rb") as f:
                    args = f.read().split(b"\0")
            except OSError:
                continue
            if args and args[0].endswith(b"Xvfb") and display.encode() in args:
                return int(d)
    return None


def window(secs, groups):
    """CPU % of a core and PSS (kB) of each group over `secs`."""
    before = {name: {p: ticks(p) for p in (tree(root) if tree_ else [root])} for name, (root, tree_) in groups.items()}
    t0 = time.monotonic()
    time.sleep(secs)
    elapsed = time.monotonic() - t0
    out = {}
    for name, (root, tree_) in groups.items():
        pids = tree(root) if tree_ else [root]
        used = sum(ticks(p) - before[name].get(p, 0) for p in pids)
        out[name] = {
            "cpu": 100.0 * used / TICK / elapsed,
            "pss": sum(smaps(p, "Pss") for p in pids),
            "procs": ", ".join(sorted({comm(p) for p in pids})),
        }
    return out


def pss_of(root):
    return sum(smaps(p, "Pss") for p in tree(root))


def windows_of(pid):
    r = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid), ""],
                       capture_output=True, text=True)
    return r.stdout.split()


def all_windows_of(pid):
    r = subprocess.run(["xdotool", "search", "--pid", str(pid), ""], capture_output=True, text=True)
    return r.stdout.split()


def wait_window(pid, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if windows_of(pid):
            return
        time.sleep(0.3)
    raise SystemExit(f"measure.py: no window of pid {pid} after {timeout} s")


def stop(proc):
    if proc.poll() is not None:
        return
    pids = tree(proc.pid)
    for p in reversed(pids):
        try:
            os.kill(p, signal.SIGTERM)
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        for p in pids:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait()


def start_app(app, db, runs, name, extra=()):
    env = dict(os.environ)
    home = os.path.join(runs, name)
    for sub in ("data", "config", "cache"):
        os.makedirs(os.path.join(home, sub), exist_ok=True)
    env.update(XDG_DATA_HOME=f"{home}/data", XDG_CONFIG_HOME=f"{home}/config", XDG_CACHE_HOME=f"{home}/cache")
    log = open(os.path.join(runs, f"{name}.log"), "w")
    return subprocess.Popen([app, "--db", db, *extra], env=env, stdout=log, stderr=subprocess.STDOUT)


def fetched(db):
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM sources WHERE last_fetch_at IS NOT NULL").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--app", required=True)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--opml", required=True)
    ap.add_argument("--runs", required=True)
    ap.add_argument("--secs", type=float, default=60)
    ap.add_argument("--cycles", type=int, default=1000)
    ap.add_argument("--articles", type=int, required=True)
    ap.add_argument("--command", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    runs = os.path.abspath(a.runs)
    lines = []

    def say(msg):
        print(msg, flush=True)

    wm = subprocess.Popen(["openbox"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    xvfb = xvfb_pid()

    lhome = os.path.join(runs, "liferea-home")
    os.makedirs(lhome, exist_ok=True)
    lenv = dict(os.environ, HOME=lhome, XDG_CONFIG_HOME=f"{lhome}/.config",
                XDG_DATA_HOME=f"{lhome}/.local/share", XDG_CACHE_HOME=f"{lhome}/.cache")
    liferea = subprocess.Popen(["liferea"], env=lenv, stdout=open(f"{runs}/liferea.log", "w"),
                               stderr=subprocess.STDOUT)
    results = {}
    try:
        # (1) The app on an empty archive: its resting memory.
        empty_db = os.path.join(runs, "empty.db")
        app = start_app(a.app, empty_db, runs, "app-empty", ["--no-seed"])
        wait_window(app.pid)
        wait_window(liferea.pid)
        time.sleep(10)
        say(f"== at rest on an empty archive, shown: {a.secs:.0f} s")
        results["empty"] = window(a.secs, {"outpost": (app.pid, True), "liferea": (liferea.pid, True),
                                           "xvfb": (xvfb, False)})
        say(str(results["empty"]))
        stop(app)

        # (2) The app on the generated sources: the cold poll, then rest.
        db = os.path.join(runs, "outpost.db")
        subprocess.run([a.cli, "--db", db, "sources", "import", a.opml], check=True,
                       stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        total = sqlite3.connect(db).execute("SELECT count(*) FROM sources").fetchone()[0]
        t0 = time.monotonic()
        app = start_app(a.app, db, runs, "app")
        peak = 0
        while fetched(db) < total:
            peak = max(peak, pss_of(app.pid))
            if app.poll() is not None:
                raise SystemExit("measure.py: the app stopped during its first poll")
            time.sleep(0.5)
        poll_secs = time.monotonic() - t0
        articles = sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute("SELECT count(*) FROM articles").fetchone()[0]
        peak = max(peak, pss_of(app.pid))
        say(f"== first poll: {total} sources, {articles} articles in {poll_secs:.1f} s; peak PSS {peak} kB")
        time.sleep(20)
        say(f"== at rest after the poll, shown: {a.secs:.0f} s")
        results["shown"] = window(a.secs, {"outpost": (app.pid, True), "liferea": (liferea.pid, True),
                                           "xvfb": (xvfb, False)})
        say(str(results["shown"]))

        # (3) Minimised, both programs.
        for w in windows_of(app.pid) + windows_of(liferea.pid):
            subprocess.run(["xdotool", "windowminimize", w], check=False)
        time.sleep(3)
        say(f"== minimised: {a.secs:.0f} s")
        results["minimised"] = window(a.secs, {"outpost": (app.pid, True), "liferea": (liferea.pid, True),
                                               "xvfb": (xvfb, False)})
        say(str(results["minimised"]))

        # (4) Hidden (unmapped), as the tray's hide does.
        for w in all_windows_of(app.pid) + all_windows_of(liferea.pid):
            subprocess.run(["xdotool", "windowmap", w], check=False, stderr=subprocess.DEVNULL)
        time.sleep(2)
        hidden_windows = windows_of(app.pid) + windows_of(liferea.pid)
        for w in hidden_windows:
            subprocess.run(["xdotool", "windowunmap", w], check=False, stderr=subprocess.DEVNULL)
        time.sleep(3)
        say(f"== hidden: {a.secs:.0f} s")
        results["hidden"] = window(a.secs, {"outpost": (app.pid, True), "liferea": (liferea.pid, True),
                                            "xvfb": (xvfb, False)})
        say(str(results["hidden"]))
        stop(app)
    finally:
        stop(liferea)
        wm.terminate()

    # (5) Poll cycles with no news, on the polled archive (every feed
    # answers 304 to the validators the first poll stored).
    cycles_db = os.path.join(runs, "cycles.db")
    shutil.copy(db, cycles_db)
    say(f"== {a.cycles} poll cycles with no news")
    t0 = time.monotonic()
    out = subprocess.run([a.cli, "--db", cycles_db, "poll", "--bench-cycles", str(a.cycles)],
                         capture_output=True, text=True, check=True).stdout
    cycles_secs = time.monotonic() - t0
    say(out)
    cyc = {}
    for line in out.splitlines():
        n = int(line.split(":")[0].split()[1])
        rss = int(line.split("rss ")[1].split()[0])
        pss = int(line.split("pss ")[1].split()[0])
        sqlite = int(line.split("sqlite ")[1].split()[0])
        cyc[n] = (rss, pss, sqlite)

    rest = results["empty"]["outpost"]["pss"]
    after = results["shown"]["outpost"]["pss"]
    first, last = cyc[min(cyc)], cyc[max(cyc)]
    md = []
    md.append("# bench/idle: the app at rest, beside Liferea\n")
    md.append(f"Command: `{a.command}` (release build, Xvfb 1280x800, openbox, a private D-Bus session; "
              f"{a.secs:.0f} s per window). Machine: {os.cpu_count()} cores, shared.\n")
    md.append("CPU is the sum over every process of the program (the app or Liferea and each "
              "WebKit web and network process it started), as % of one core; PSS is their "
              "proportional set size summed (from /proc/PID/smaps_rollup) at the window's end. "
              "The X server is shared by both programs and reported apart.\n")
    md.append("| window | Outpost CPU | Liferea CPU | Xvfb CPU | Outpost PSS | Liferea PSS |")
    md.append("|---|---|---|---|---|---|")
    labels = {"empty": "at rest, empty archive, shown", "shown": f"at rest after a {articles:,}-article poll, shown",
              "minimised": "the same, minimised", "hidden": "the same, hidden (unmapped)"}
    for k, label in labels.items():
        r = results[k]
        md.append(f"| {label} | {r['outpost']['cpu']:.2f}% | {r['liferea']['cpu']:.2f}% | {r['xvfb']['cpu']:.2f}% "
                  f"| {r['outpost']['pss'] / 1024:.0f} MB | {r['liferea']['pss'] / 1024:.0f} MB |")
    md.append("")
    md.append(f"Processes: Outpost = {results['shown']['outpost']['procs']}; Liferea = {results['shown']['liferea']['procs']}.\n")
    md.append("## Memory\n")
    md.append(f"* The first poll: {total} sources, {articles:,} new articles in {poll_secs:.1f} s; "
              f"the app's PSS peaked at {peak / 1024:.0f} MB during it.")
    md.append(f"* At rest after it: {after / 1024:.0f} MB against {rest / 1024:.0f} MB at rest on an empty "
              f"archive: **{after / rest:.2f}×** (target: within 2×).")
    md.append(f"* `outpost poll --bench-cycles {a.cycles}` (each cycle an hour ahead on the engine's clock, every "
              f"source due, every feed answering 304), {cycles_secs:.0f} s in all:")
    md.append("")
    md.append("| cycle | RSS | PSS | SQLite (page caches, statements) | PSS without SQLite |")
    md.append("|---|---|---|---|---|")
    for n in sorted(cyc):
        md.append(f"| {n} | {cyc[n][0] / 1024:.1f} MB | {cyc[n][1] / 1024:.1f} MB | {cyc[n][2] / 1024:.1f} MB "
                  f"| {(cyc[n][1] - cyc[n][2]) / 1024:.1f} MB |")
    md.append("")
    rest_first, rest_last = first[1] - first[2], last[1] - last[2]
    md.append(f"  Growth from cycle {min(cyc)} to {max(cyc)}: {100.0 * (last[1] - first[1]) / first[1]:+.1f}% PSS, "
              f"{100.0 * (last[0] - first[0]) / first[0]:+.1f}% RSS; without SQLite's caches (bounded by each "
              f"connection's cache_size) **{100.0 * (rest_last - rest_first) / rest_first:+.1f}%** (target: under 10%).")
    with open(a.out, "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
