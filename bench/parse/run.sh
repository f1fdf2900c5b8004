#!/usr/bin/env bash
# Parse throughput of outpost-feeds against Python feedparser on the same
# generated files, in the same run. Not a test: it prints figures.
#
#   bench/parse/run.sh [FEEDS] [ITEMS_PER_FEED] [ROUNDS]
#
# Needs python3 (with venv) and network access to PyPI on the first run.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/bench/out/parse"
feeds="${1:-40}"
items="${2:-250}"
rounds="${3:-3}"

mkdir -p "$out"
python3 "$here/gen.py" "$out/feeds" "$feeds" "$items"

if [ ! -x "$out/venv/bin/python" ]; then
    python3 -m venv "$out/venv"
    "$out/venv/bin/pip" install --quiet feedparser
fi

echo "corpus: $feeds feeds x $items items in $out/feeds ($(du -sh "$out/feeds" | cut -f1))"
rust_out="$(OUTPOST_BENCH_FEEDS="$out/feeds" OUTPOST_BENCH_ROUNDS="$rounds" \
    cargo bench --quiet -p outpost-feeds --bench parse 2>/dev/null)"
rust_line="$(echo "$rust_out" | grep '^outpost-feeds')"
py_line="$("$out/venv/bin/python" "$here/feedparser_bench.py" "$out/feeds" "$rounds")"
echo "$rust_out"
echo "$py_line"
rust_rate="$(echo "$rust_line" | awk '{print $2}')"
py_rate="$(echo "$py_line" | awk '{print $3}')"
python3 -c "print(f'ratio: outpost-feeds is {$rust_rate / $py_rate:.1f}x feedparser')"
