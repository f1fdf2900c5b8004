#!/usr/bin/env bash
# The analyst's reads while a poll runs: p50/p95 of the alert list, search
# and article load, idle and during a cold poll of FEEDS/2 feeds (the other
# half fill the archive first). See README.md beside this file.
#
#   bench/responsiveness/run.sh [FEEDS] [ITEMS]      # default 1000 50
set -euo pipefail
cd "$(dirname "$0")/../.."

N=${1:-1000}
M=${2:-50}
PORT=${RESP_BENCH_PORT:-18900}
SITES=$(( N / 10 > 0 ? N / 10 : 1 ))
OUT=bench/out/responsiveness
TARGET=${CARGO_TARGET_DIR:-target}
COMMAND="bench/responsiveness/run.sh $*"

echo "== building the bench (release)"
cargo build --release -p outpost-engine --example responsiveness

echo "== generating $N feeds x $M items"
python3 bench/poll/gen.py "$N" "$M" --out "$OUT" --base-port "$PORT" --sites "$SITES"

SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT
python3 bench/poll/serve.py "$OUT/feeds" --base-port "$PORT" --sites "$SITES" >"$OUT/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
    grep -q '^ready' "$OUT/serve.log" 2>/dev/null && break
    sleep 0.2
done
grep -q '^ready' "$OUT/serve.log" || { echo "run.sh: the feed server did not start" >&2; cat "$OUT/serve.log" >&2; exit 1; }

rm -f "$OUT/outpost.db" "$OUT/outpost.db-wal" "$OUT/outpost.db-shm"
{
    echo "# Responsiveness: the analyst's reads during a cold poll"
    echo
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(uname -m) Linux, $(nproc) cores shared with other jobs."
    echo
    echo "Command: \`$COMMAND\` ($N feeds x $M items; the first half fill the archive, the second half are polled cold during the measurement)."
    echo
    "$TARGET/release/examples/responsiveness" "$OUT/outpost.db" "$OUT/urls.txt"
} | tee "$OUT/RESULTS-${N}x${M}.md"
if [ "$N" = 1000 ] && [ "$M" = 50 ]; then
    cp "$OUT/RESULTS-${N}x${M}.md" bench/responsiveness/RESULTS.md
    echo "(written to bench/responsiveness/RESULTS.md)"
fi
