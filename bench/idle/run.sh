#!/usr/bin/env bash
# bench/idle: the release app at rest, beside Liferea in the same X server.
# CPU (as % of one core) and PSS of every process of each program, over
# IDLE_SECS (60) shown and again minimised; memory after a cold poll of
# FEEDS x ITEMS generated articles against the app's resting memory; and
# the CLI's memory over 1,000 poll cycles with no news. See README.md.
#
#   bench/idle/run.sh [FEEDS] [ITEMS] [CYCLES]      # default 125 500 1000
#
# 125 x 500 generated items make about 50,000 articles (the generator
# repeats some stories across feeds, which the archive stores once).
#
# Environment: CARGO_TARGET_DIR; OUTPOST_APP / OUTPOST_BIN (prebuilt
# binaries to measure instead of building); IDLE_SECS; IDLE_BENCH_PORT
# (first port of the feed server, default 18900).
set -euo pipefail
cd "$(dirname "$0")/../.."

N=${1:-125}
M=${2:-500}
CYCLES=${3:-1000}
PORT=${IDLE_BENCH_PORT:-18900}
SITES=$(( N / 10 > 0 ? N / 10 : 1 ))
OUT=bench/out/idle
TARGET=${CARGO_TARGET_DIR:-target}
APP=${OUTPOST_APP:-$TARGET/release/outpost-app}
CLI=${OUTPOST_BIN:-$TARGET/release/outpost}

for tool in python3 xvfb-run dbus-run-session liferea xdotool openbox; do
    command -v "$tool" >/dev/null || {
        echo "run.sh: $tool is needed (apt-get install -y liferea xdotool openbox xvfb dbus)" >&2
        exit 2
    }
done
if [ -z "${OUTPOST_APP:-}" ]; then
    echo "== building the app and the CLI (release) into $TARGET"
    (cd ui && npm run --silent build)
    cargo build --release -p outpost-app -p outpost-cli
fi

echo "== generating $N feeds x $M items"
python3 bench/poll/gen.py "$N" "$M" --out "$OUT" --base-port "$PORT" --sites "$SITES" >/dev/null
rm -rf "$OUT/runs"
mkdir -p "$OUT/runs"

python3 bench/poll/serve.py "$OUT/feeds" --base-port "$PORT" --sites "$SITES" >"$OUT/runs/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
    grep -q '^ready' "$OUT/runs/serve.log" 2>/dev/null && break
    sleep 0.2
done
grep -q '^ready' "$OUT/runs/serve.log" || { echo "run.sh: the feed server did not start" >&2; exit 1; }

xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
    python3 bench/idle/measure.py --app "$APP" --cli "$CLI" --opml "$OUT/feeds.opml" \
    --runs "$OUT/runs" --secs "${IDLE_SECS:-60}" --cycles "$CYCLES" \
    --articles $(( N * M )) --command "bench/idle/run.sh $*" --out "$OUT/RESULTS.md"
if [ "$N" = 125 ] && [ "$M" = 500 ]; then
    cp "$OUT/RESULTS.md" bench/idle/RESULTS.md
    echo "(written to bench/idle/RESULTS.md)"
fi
