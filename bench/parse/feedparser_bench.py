#!/usr/bin/env python3
"""Times Python feedparser over every feed-*.xml in a folder.

Prints one line: `feedparser ITEMS_PER_SECOND items/s (ITEMS items, best of R rounds)`.
Usage: feedparser_bench.py DIR ROUNDS
"""
import sys
import time
from pathlib import Path

import feedparser


def main():
    folder, rounds = Path(sys.argv[1]), int(sys.argv[2])
    docs = [p.read_bytes() for p in sorted(folder.glob("feed-*.xml"))]
    best = None
    items = 0
    for _ in range(rounds):
        start = time.perf_counter()
        items = 0
        for d in docs:
            items += len(feedparser.parse(d).entries)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    print(f"feedparser {feedparser.__version__}: {items / best:.0f} items/s ({items} items, {len(docs)} feeds, best of {rounds} rounds)")


if __name__ == "__main__":
    main()
