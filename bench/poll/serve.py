#!/usr/bin/env python3
"""Serves the generated feeds on 127.0.0.1, as a well-behaved news site does.

Every file in FEEDS_DIR is served at /feeds/NAME on each of the ports
BASE_PORT .. BASE_PORT+SITES-1 (one ThreadingHTTPServer per port, each a
separate origin for the clients' per-host limits), over HTTP/1.1 keep-alive,
with:
  * ETag (a strong hash of the body) and If-None-Match -> 304,
  * Last-Modified (the feed's lastBuildDate) and If-Modified-Since -> 304
    (ignored when If-None-Match is present, as RFC 9110 says),
  * gzip when the request accepts it (bodies compressed once at start-up, so
    the server spends as little as possible of the shared CPU during a run).

Counters (per status, gzip, bytes, with/without validators) are read with
GET /__stats and zeroed with GET /__reset on any port; these two requests
are not counted. The server writes "ready" to stdout once every port
listens, and stops on SIGTERM or SIGINT.
"""

import argparse
import email.utils
import gzip
import hashlib
import json
import os
import re
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LAST_BUILD = re.compile(rb"<lastBuildDate>([^<]+)</lastBuildDate>")


class Feed:
    __slots__ = ("body", "gz", "etag", "last_modified", "lm_ts")

    def __init__(self, body):
        self.body = body
        self.gz = gzip.compress(body, compresslevel=6, mtime=0)
        self.etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        m = LAST_BUILD.search(body[:4096])
        dt = email.utils.parsedate_to_datetime(m.group(1).decode()) if m else None
        self.lm_ts = int(dt.timestamp()) if dt else None
        self.last_modified = email.utils.format_datetime(dt, usegmt=True) if dt else None


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.counts = {}

    def add(self, **kv):
        with self.lock:
            for k, v in kv.items():
                self.counts[k] = self.counts.get(k, 0) + v

    def snapshot(self):
        with self.lock:
            return dict(self.counts)


def etag_matches(header, etag):
    if header.strip() == "*":
        return True
    # Weak comparison, as If-None-Match asks for: W/"x" equals "x".
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return etag in tags


def make_handler(feeds, stats):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "OutpostPollBench/1"

        def log_message(self, fmt, *args):
            # A line per request would cost more CPU than serving it.
            pass

        def send_bytes(self, status, body, ctype, extra=()):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in extra:
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path == "/__stats":
                body = json.dumps(stats.snapshot(), sort_keys=True).encode()
                return self.send_bytes(200, body, "application/json")
            if path == "/__reset":
                stats.reset()
                return self.send_bytes(200, b"{}", "application/json")
            feed = feeds.get(path.removeprefix("/feeds/")) if path.startswith("/feeds/") else None
            if feed is None:
                stats.add(requests=1, status_404=1)
                return self.send_bytes(404, b"not found\n", "text/plain")
            validators = [("ETag", feed.etag), ("Cache-Control", "max-age=0")]
            if feed.last_modified:
                validators.append(("Last-Modified", feed.last_modified))
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            stats.add(requests=1, with_if_none_match=int(inm is not None),
                      with_if_modified_since=int(ims is not None))
            fresh = False
            if inm is not None:
                fresh = etag_matches(inm, feed.etag)
            elif ims is not None and feed.lm_ts is not None:
                try:
                    fresh = feed.lm_ts <= int(email.utils.parsedate_to_datetime(ims).timestamp())
                except (TypeError, ValueError):
                    fresh = False
            if fresh:
                stats.add(status_304=1)
                self.send_response(304)
                for k, v in validators:
                    self.send_header(k, v)
                self.end_headers()
                return None
            accepts_gzip = "gzip" in (self.headers.get("Accept-Encoding") or "")
            body = feed.gz if accepts_gzip else feed.body
            extra = validators + [("Vary", "Accept-Encoding")]
            if accepts_gzip:
                extra.append(("Content-Encoding", "gzip"))
            stats.add(status_200=1, gzip=int(accepts_gzip), bytes_sent=len(body))
            return self.send_bytes(200, body, "application/rss+xml; charset=utf-8", extra)

    return Handler


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("feeds_dir")
    ap.add_argument("--base-port", type=int, default=18700)
    ap.add_argument("--sites", type=int, required=True)
    a = ap.parse_args()

    feeds = {}
    for name in sorted(os.listdir(a.feeds_dir)):
        with open(os.path.join(a.feeds_dir, name), "rb") as f:
            feeds[name] = Feed(f.read())
    if not feeds:
        sys.exit(f"serve.py: no feeds in {a.feeds_dir}; run gen.py first")
    stats = Stats()
    handler = make_handler(feeds, stats)

    servers = []
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 128
    try:
        for port in range(a.base_port, a.base_port + a.sites):
            servers.append(ThreadingHTTPServer(("127.0.0.1", port), handler))
    except OSError as e:
        for s in servers:
            s.server_close()
        sys.exit(f"serve.py: cannot listen on 127.0.0.1:{port}: {e}; "
                 f"choose another POLL_BENCH_PORT")
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for t in threads:
        t.start()

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    print(f"ready: {len(feeds)} feeds on 127.0.0.1:{a.base_port}-{a.base_port + a.sites - 1}",
          flush=True)
    # The signal may land on a server thread, which does not wake a main
    # thread blocked in wait(); waking regularly lets Python run the handler.
    while not done.wait(0.2):
        pass
    # shutdown() waits for each serve_forever loop in turn (half a second
    # apiece); closing the sockets and leaving lets the daemon threads end
    # with the process at once.
    for s in servers:
        s.server_close()


if __name__ == "__main__":
    main()
