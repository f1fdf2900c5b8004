#!/usr/bin/env bash
# Stories at scale: a cold poll with one broad watchlist (every article an
# alert, every alert placed in a story) beside the same poll with no
# watchlist, and a back-fill of a broad new watchlist over a large archive.
# See README.md beside this file.
#
#   bench/stories/run.sh [SIZES] [ARCHIVE]     # default 40,100 1000
#
# SIZES: feed counts (x 1,000 items each) for the poll pair, comma-separated;
# "" for none (a back-fill run alone).
# ARCHIVE: feeds (x 1,000 items) polled into the archive the back-fill scans.
# Environment: CARGO_TARGET_DIR, OUTPOST_BIN (a prebuilt outpost),
# STORIES_BENCH_PORT (first port, default 18800).
set -euo pipefail
cd "$(dirname "$0")/../.."

SIZES=${1-40,100}
ARCHIVE=${2:-1000}
ITEMS=1000
PORT=${STORIES_BENCH_PORT:-18800}
OUT=bench/out/stories
RUNS=$OUT/runs
TARGET=${CARGO_TARGET_DIR:-target}
OUTPOST=${OUTPOST_BIN:-$TARGET/release/outpost}
COMMAND="bench/stories/run.sh $*"
# Matches every generated article: a frequent word of each language.
QUERY='the OR в OR дар OR در OR په OR va OR ta'

command -v python3 >/dev/null || { echo "run.sh: python3 is needed" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "run.sh: GNU time is needed (apt-get install time)" >&2; exit 2; }
if [ -z "${OUTPOST_BIN:-}" ]; then
    echo "== building outpost (release) into $TARGET"
    cargo build --release -p outpost-cli
fi
rm -rf "$RUNS"
mkdir -p "$RUNS"

SERVER_PID=""
stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}
trap stop_server EXIT
trap 'exit 130' INT TERM

# serve N: generates N feeds x ITEMS items and serves them.
serve() {
    local n=$1 sites=$(( $1 / 10 > 0 ? $1 / 10 : 1 ))
    echo "== generating $n feeds x $ITEMS items"
    python3 bench/poll/gen.py "$n" "$ITEMS" --out "$OUT/gen" --base-port "$PORT" --sites "$sites"
    python3 bench/poll/serve.py "$OUT/gen/feeds" --base-port "$PORT" --sites "$sites" \
        >"$RUNS/serve-$n.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 3000); do
        grep -q '^ready' "$RUNS/serve-$n.log" 2>/dev/null && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.2
    done
    echo "run.sh: the feed server did not start:" >&2
    cat "$RUNS/serve-$n.log" >&2
    exit 1
}

# timed NAME CMD...: runs CMD under GNU time, keeping its output.
timed() {
    local name=$1
    shift
    echo "== $name: $*"
    /usr/bin/time -v -o "$RUNS/$name.time" "$@" >"$RUNS/$name.out" 2>"$RUNS/$name.err" \
        || { echo "run.sh: $name failed:" >&2; tail -20 "$RUNS/$name.err" >&2; exit 1; }
    grep -E 'Elapsed' "$RUNS/$name.time" | sed 's/^\s*/   /'
}

# counts NAME DB: articles, alerts and stories in DB after run NAME.
counts() {
    python3 - "$2" >"$RUNS/$1.counts" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
q = lambda t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
print(json.dumps({"articles": q("articles"), "alerts": q("alerts"), "stories": q("stories")}))
PY
    cat "$RUNS/$1.counts"
}

# poll NAME DB [QUERY]: a fresh archive, the sources, the watchlist if any,
# then a cold poll.
poll() {
    local name=$1 db=$2 query=${3:-}
    rm -f "$db" "$db-wal" "$db-shm"
    "$OUTPOST" --db "$db" sources import "$OUT/gen/feeds.opml" </dev/null >/dev/null
    if [ -n "$query" ]; then
        "$OUTPOST" --db "$db" watchlists add --name Broad --query "$query" </dev/null >/dev/null
    fi
    timed "$name" "$OUTPOST" --db "$db" poll --once --no-notify --json
    counts "$name" "$db"
}

for n in ${SIZES//,/ }; do
    serve "$n"
    # Alternate the order so neither run always meets a warmer machine.
    poll "poll-$n-none" "$RUNS/poll-$n-none.db"
    poll "poll-$n-broad" "$RUNS/poll-$n-broad.db" "$QUERY"
    stop_server
    if [ "$n" != "$ARCHIVE" ]; then
        rm -f "$RUNS"/poll-"$n"-*.db*
    fi
done

DB=$RUNS/poll-$ARCHIVE-none.db
if [ ! -f "$DB" ]; then
    serve "$ARCHIVE"
    poll "poll-$ARCHIVE-none" "$DB"
    stop_server
fi
rm -rf "$OUT/gen/feeds"
timed "backfill-$ARCHIVE" "$OUTPOST" --db "$DB" watchlists add --name Broad \
    --query "$QUERY" --backfill
counts "backfill-$ARCHIVE" "$DB"

# STORIES_BENCH_APPEND=1 adds this run's tables to bench/stories/RESULTS.md
# (e.g. a separate large back-fill run) instead of replacing it.
APPEND=()
if [ -n "${STORIES_BENCH_APPEND:-}" ]; then
    APPEND=(--append)
    cp bench/stories/RESULTS.md "$OUT/RESULTS.md"
fi
python3 bench/stories/report.py --runs "$RUNS" --sizes "$SIZES" --archive "$ARCHIVE" \
    --items "$ITEMS" --query "$QUERY" --command "$COMMAND" --out "$OUT/RESULTS.md" "${APPEND[@]}"
cp "$OUT/RESULTS.md" bench/stories/RESULTS.md
echo "(written to bench/stories/RESULTS.md)"
