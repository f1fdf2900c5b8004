#!/usr/bin/env python3
"""Start-up time and memory of Outpost and Liferea, one after the other, in
the same X server and D-Bus session (run by bench/startup/run.sh).

For each app, in a fresh profile subscribed to the same FEEDS local feeds:

1. Poll: start it on the new profile; both fetch every feed at start
   (Outpost's sources are due, Liferea's startup-feed-action is 0). When the
   feed server has answered every feed and the app's CPU time has stopped
   growing, record the PSS of all its processes, then stop it.
2. Start: start it again on the same, now filled profile (nothing due,
   Liferea told not to update at start). Record the time from launch to the
   first window showing data and, once it is idle, the PSS again.

"First window showing data": for Outpost, the moment its log says "first
window with data" (the UI reports it one frame after it painted the alert
list from the archive); for Liferea, the moment its main window is mapped
(it loads its feed list before showing the window). Both are also given the
time until their window is mapped, the same measure for each.

PSS (proportional set size, /proc/PID/smaps_rollup) is summed over the app
process and all its descendants (the WebKit web and network processes), so
shared libraries count once across them.

Usage: measure.py OUT_DIR APP_BIN CLI_BIN FEEDS_OPML STATS_URL FEEDS RUNS
Writes OUT_DIR/results.json.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET

out_dir, app_bin, cli_bin, opml, stats_url, n_feeds, runs = sys.argv[1:8]
n_feeds = int(n_feeds)
runs = int(runs)
TICKS = os.sysconf("SC_CLK_TCK")


def log(msg):
    print(f"startup: {msg}", flush=True)


def http_json(url):
    return json.loads(urllib.request.urlopen(url, timeout=10).read().decode())


def descendants(pid):
    """pid and every process below it."""
    parents = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                parents.setdefault(ppid, []).append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(parents.get(p, []))
    return found


def pss_kib(pid):
    total = 0
    for p in descendants(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def cpu_ticks(pid):
    total = 0
    for p in descendants(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total


def wait_idle(pid, limit=90):
    """Until the process tree used under 5% of a core for 3 s in a row."""
    start = time.monotonic()
    quiet = 0
    last = cpu_ticks(pid)
    while time.monotonic() - start < limit:
        time.sleep(1)
        now = cpu_ticks(pid)
        quiet = quiet + 1 if (now - last) / TICKS < 0.05 else 0
        last = now
        if quiet >= 3:
            return True
    return False


def window_mapped(args):
    r = subprocess.run(["xdotool", "search", "--onlyvisible", *args],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return r.returncode == 0 and r.stdout.strip() != ""


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        for p in descendants(proc.pid):
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        proc.wait()
    time.sleep(1)


# ---- the two apps ---------------------------------------------------------

class Outpost:
    name = "Outpost"
    window = ["--name", "^Outpost$"]

    def __init__(self, home):
        self.home = home
        self.db = os.path.join(home, "outpost.db")
        self.env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=f"{home}/config",
                        XDG_DATA_HOME=f"{home}/data", XDG_STATE_HOME=f"{home}/state",
                        XDG_CACHE_HOME=f"{home}/cache")
        self.log_dir = f"{home}/state/outpost"

    def prepare(self):
        subprocess.run([cli_bin, "--db", self.db, "sources", "import", opml], env=self.env,
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([cli_bin, "--db", self.db, "watchlists", "add", "--name", "Border", "--query",
                        '"Tajik-Afghan border" OR (Tajik* NEAR/3 Afghan*)'],
                       env=self.env, check=True, stdout=subprocess.DEVNULL)

    def start(self, for_poll):
        self.log_seen = self._log_text()
        return subprocess.Popen([app_bin, "--db", self.db, "--no-seed"], env=self.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _log_text(self):
        text = ""
        for root, _, files in os.walk(self.home):
            for f in files:
                if f.startswith("outpost-app.log"):
                    with open(os.path.join(root, f), errors="replace") as fh:
                        text += fh.read()
        return text

    def data_shown(self):
        return self._log_text().count("first window with data") > self.log_seen.count("first window with data")


class Liferea:
    name = "Liferea"
    window = ["--class", "^liferea$"]

    def __init__(self, home):
        self.home = home
        self.env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=f"{home}/config",
                        XDG_DATA_HOME=f"{home}/data", XDG_CACHE_HOME=f"{home}/cache",
                        GSETTINGS_BACKEND="keyfile")

    def prepare(self):
        conf = f"{self.home}/config/liferea"
        os.makedirs(conf, exist_ok=True)
        body = []
        for i, o in enumerate(ET.parse(opml).iter("outline")):
            url = o.get("xmlUrl")
            if url:
                t = (o.get("text") or url).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
                body.append(f'<outline title="{t}" text="{t}" type="rss" id="bench{i:05d}" '
                            f'xmlUrl="{url}" updateInterval="-1"/>')
        with open(f"{conf}/feedlist.opml", "w", encoding="utf-8") as f:
            f.write('<?xml version="1.0"?>\n<opml version="1.0"><head><title>Liferea Feed List Export'
                    '</title></head><body>\n' + "\n".join(body) + "\n</body></opml>\n")

    def _settings(self, update_at_start):
        d = f"{self.home}/config/glib-2.0/settings"
        os.makedirs(d, exist_ok=True)
        with open(f"{d}/keyfile", "w") as f:
            # 0 = update every subscription at start (inverse logic, see the schema).
            f.write(f"[net/sf/liferea]\nstartup-feed-action={0 if update_at_start else 1}\n"
                    "intranet-connectivity=true\n")

    def start(self, for_poll):
        self._settings(for_poll)
        proc = subprocess.Popen(["liferea"], env=self.env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        if for_poll:
            # Without NetworkManager on a system bus Liferea starts offline
            # and updates nothing; its D-Bus interface turns it online and
            # asks for the update of every subscription.
            t0 = time.monotonic()
            while time.monotonic() - t0 < 60 and not self._call("Ping"):
                time.sleep(0.2)
            self._call("SetOnline", "true")
            self._call("Refresh")
        return proc

    def _call(self, method, *args):
        r = subprocess.run(["gdbus", "call", "--session", "--dest", "org.gnome.feed.Reader",
                            "--object-path", "/org/gnome/feed/Reader",
                            "--method", f"org.gnome.feed.Reader.{method}", *args],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        return r.returncode == 0

    def data_shown(self):
        return window_mapped(self.window)


# ---- the runs ---------------------------------------------------------------

def one(app_cls, run):
    home = os.path.join(out_dir, f"{app_cls.name.lower()}-{run}")
    shutil.rmtree(home, ignore_errors=True)
    os.makedirs(home)
    app = app_cls(home)
    app.prepare()
    r = {"app": app.name, "run": run}

    # 1. Poll.
    http_json(stats_url.replace("__stats", "__reset"))
    proc = app.start(True)
    t0 = time.monotonic()
    while time.monotonic() - t0 < 900:
        s = http_json(stats_url)
        if s.get("status_200", 0) + s.get("status_304", 0) >= n_feeds:
            break
        time.sleep(0.5)
    stats = http_json(stats_url)
    r["poll_requests"] = stats.get("status_200", 0) + stats.get("status_304", 0)
    r["poll_fetch_s"] = round(time.monotonic() - t0, 1)
    r["poll_idle"] = wait_idle(proc.pid)
    r["pss_after_poll_kib"] = pss_kib(proc.pid)
    log(f"{app.name} run {run}: {r['poll_requests']} feeds fetched in {r['poll_fetch_s']} s, "
        f"PSS after the poll {r['pss_after_poll_kib'] / 1024:.0f} MiB")
    stop(proc)

    # 2. Start on the filled profile.
    t0 = time.monotonic()
    proc = app.start(False)
    mapped = shown = None
    while time.monotonic() - t0 < 60 and (mapped is None or shown is None):
        el = time.monotonic() - t0
        if mapped is None and window_mapped(app.window):
            mapped = el
        if shown is None and app.data_shown():
            shown = el
        time.sleep(0.01)
    r["window_mapped_s"] = None if mapped is None else round(mapped, 3)
    r["first_window_with_data_s"] = None if shown is None else round(shown, 3)
    time.sleep(3)
    r["start_idle"] = wait_idle(proc.pid)
    r["pss_after_start_kib"] = pss_kib(proc.pid)
    log(f"{app.name} run {run}: window {r['window_mapped_s']} s, with data "
        f"{r['first_window_with_data_s']} s, PSS after start {r['pss_after_start_kib'] / 1024:.0f} MiB")
    stop(proc)
    return r


results = []
for run in range(1, runs + 1):
    for cls in (Outpost, Liferea):
        results.append(one(cls, run))
with open(os.path.join(out_dir, "results.json"), "w") as f:
    json.dump(results, f, indent=1)
