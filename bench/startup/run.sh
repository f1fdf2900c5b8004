#!/usr/bin/env bash
# Start-up time and memory: Outpost (release build) next to Liferea (Debian's
# GTK + WebKit feed reader), in the same Xvfb + D-Bus session, one after the
# other, on the same FEEDS generated local feeds. See README.md beside this
# file; measure.py does the measuring.
#
#   bench/startup/run.sh [FEEDS] [ITEMS] [RUNS]     # default 1000 20 1
#
# Environment: CARGO_TARGET_DIR, OUTPOST_PREBUILT=1 (measure the release
# binaries already in the target directory), STARTUP_BENCH_PORT (first
# port, default 18900).
set -euo pipefail
cd "$(dirname "$0")/../.."

N=${1:-1000}
M=${2:-20}
RUNS=${3:-1}
PORT=${STARTUP_BENCH_PORT:-18900}
SITES=$(( N / 10 > 0 ? N / 10 : 1 ))
OUT=bench/out/startup
TARGET=${CARGO_TARGET_DIR:-target}
COMMAND="bench/startup/run.sh $*"

for tool in liferea xvfb-run dbus-run-session xdotool; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (apt-get install liferea xvfb dbus xdotool)" >&2; exit 2; }
done
if [ "${OUTPOST_PREBUILT:-0}" != 1 ]; then
  echo "== building outpost-app and outpost (release) into $TARGET"
  (cd ui && npm run --silent build)
  cargo build --release -p outpost-app -p outpost-cli
fi
APP=$(realpath "$TARGET/release/outpost-app")
CLI=$(realpath "$TARGET/release/outpost")

rm -rf "$OUT" && mkdir -p "$OUT"
echo "== generating $N feeds x $M items"
python3 bench/poll/gen.py "$N" "$M" --out "$OUT" --base-port "$PORT" --sites "$SITES" >/dev/null
python3 bench/poll/serve.py "$OUT/feeds" --base-port "$PORT" --sites "$SITES" >"$OUT/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do grep -q '^ready' "$OUT/serve.log" 2>/dev/null && break; sleep 0.2; done
grep -q '^ready' "$OUT/serve.log" || { echo "run.sh: the feed server did not start" >&2; exit 1; }

# No accessibility bus for either app: it is the same fixed cost for both
# and not part of either program.
NO_AT_BRIDGE=1 xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
  python3 bench/startup/measure.py "$(realpath "$OUT")" "$APP" "$CLI" "$(realpath "$OUT/feeds.opml")" \
  "http://127.0.0.1:$PORT/__stats" "$N" "$RUNS"

python3 bench/startup/report.py "$OUT/results.json" "$COMMAND" "$N" "$M" > "$OUT/RESULTS.md"
cat "$OUT/RESULTS.md"
if [ "$N" = 1000 ]; then cp "$OUT/RESULTS.md" bench/startup/RESULTS.md; fi
