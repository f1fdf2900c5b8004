#!/usr/bin/env bash
# bench/ui-large: the release app's own WebKitGTK window over a large
# archive, driven over WebDriver, while a cold poll of FEEDS generated feeds
# runs and while idle. See README.md beside this file.
#
#   bench/ui-large/run.sh [ARTICLES] [ALERTS] [FEEDS] [ITEMS]   # default 1000000 100000 1000 50
#
# Environment: CARGO_TARGET_DIR; OUTPOST_APP/OUTPOST_BIN (prebuilt binaries);
# UI_LARGE_PORT (first port of the feed server, default 19100);
# UI_LARGE_DRIVER_PORT (tauri-driver, default 4460). The generated archive
# is kept in bench/out/ui-large and reused by a run of the same size.
set -euo pipefail
cd "$(dirname "$0")/../.."

ARTICLES=${1:-1000000}
ALERTS=${2:-100000}
N=${3:-1000}
M=${4:-50}
PORT=${UI_LARGE_PORT:-19100}
DRIVER=${UI_LARGE_DRIVER_PORT:-4460}
SITES=$(( N / 10 > 0 ? N / 10 : 1 ))
OUT=bench/out/ui-large
TARGET=${CARGO_TARGET_DIR:-target}
APP=${OUTPOST_APP:-$TARGET/release/outpost-app}
CLI=${OUTPOST_BIN:-$TARGET/release/outpost}
GEN=$TARGET/release/examples/ui_large
export PATH="$HOME/.cargo/bin:$PATH"

if [ -z "${OUTPOST_APP:-}" ]; then
    echo "== building the app, the CLI and the archive generator (release)"
    (cd ui && npm run --silent build)
    cargo build --release -p outpost-app -p outpost-cli
fi
cargo build --release -p outpost-store --example ui_large
[ -d tests/e2e/node_modules/webdriverio ] || (cd tests/e2e && npm ci --silent)
command -v tauri-driver >/dev/null || { echo "run.sh: tauri-driver is needed (cargo install tauri-driver --locked)" >&2; exit 2; }

mkdir -p "$OUT/runs"
ARCHIVE="$OUT/archive-${ARTICLES}-${ALERTS}.db"
if [ ! -f "$ARCHIVE" ]; then
    echo "== generating an archive of $ARTICLES articles and $ALERTS alerts"
    rm -f "$ARCHIVE.tmp"*
    /usr/bin/time -f "   %e s, %M kB peak" "$GEN" "$ARCHIVE.tmp" "$ARTICLES" "$ALERTS"
    mv "$ARCHIVE.tmp" "$ARCHIVE"
fi

echo "== generating $N feeds x $M items"
python3 bench/poll/gen.py "$N" "$M" --out "$OUT" --base-port "$PORT" --sites "$SITES" >/dev/null
python3 bench/poll/serve.py "$OUT/feeds" --base-port "$PORT" --sites "$SITES" >"$OUT/runs/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
    grep -q '^ready' "$OUT/runs/serve.log" 2>/dev/null && break
    sleep 0.2
done
grep -q '^ready' "$OUT/runs/serve.log" || { echo "run.sh: the feed server did not start" >&2; exit 1; }

# One copy polls the feeds cold at start; the other has nothing due.
POLL_DB="$OUT/runs/poll.db"
IDLE_DB="$OUT/runs/idle.db"
rm -f "$POLL_DB"* "$IDLE_DB"*
cp "$ARCHIVE" "$POLL_DB"
cp "$ARCHIVE" "$IDLE_DB"
"$CLI" --db "$POLL_DB" sources import "$OUT/feeds.opml" </dev/null >/dev/null
"$CLI" --db "$POLL_DB" watchlists add --name "Border (feeds)" \
    --query '"Tajik-Afghan border" OR (Tajik* NEAR/3 Afghan*)' </dev/null >/dev/null

export XDG_DATA_HOME="$PWD/$OUT/runs/data" XDG_CONFIG_HOME="$PWD/$OUT/runs/config" XDG_CACHE_HOME="$PWD/$OUT/runs/cache"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash -c '
    tauri-driver --port '"$DRIVER"' --native-port '"$((DRIVER + 1))"' >"'"$OUT"'/runs/tauri-driver.log" 2>&1 &
    driver=$!
    for _ in $(seq 1 100); do curl -fsS http://127.0.0.1:'"$DRIVER"'/status >/dev/null 2>&1 && break; sleep 0.1; done
    node bench/ui-large/measure.mjs --app "'"$APP"'" --db "'"$POLL_DB"'" --idle-db "'"$IDLE_DB"'" \
        --port '"$DRIVER"' --out "'"$OUT"'/results.json"
    rc=$?
    kill $driver 2>/dev/null; wait $driver 2>/dev/null
    exit $rc'
python3 bench/ui-large/report.py "$OUT/results.json" --command "bench/ui-large/run.sh $*" \
    --articles "$ARTICLES" --alerts "$ALERTS" --feeds "$N" --items "$M" >"$OUT/RESULTS.md"
cat "$OUT/RESULTS.md"
cp "$OUT/RESULTS.md" bench/ui-large/RESULTS.md
