#!/usr/bin/env bash
# Poll end to end: `outpost poll --once` next to `newsboat -x reload` on the
# same N generated feeds x M items served on 127.0.0.1, cold (empty
# database) and warm (nothing new). See README.md beside this file.
#
#   bench/poll/run.sh [FEEDS] [ITEMS]        # default 1000 50
#
# Environment: CARGO_TARGET_DIR (where the release build goes), OUTPOST_BIN
# (a prebuilt outpost to measure instead, e.g. to compare two builds),
# POLL_BENCH_PORT (first port, default 18700), POLL_BENCH_SITES (how many
# ports/origins the feeds are spread over, default FEEDS/10),
# POLL_BENCH_NEWSBOAT_THREADS (newsboat's reload-threads, default 8, the
# same as Outpost's global fetch limit).
set -euo pipefail
cd "$(dirname "$0")/../.."

N=${1:-1000}
M=${2:-50}
PORT=${POLL_BENCH_PORT:-18700}
SITES=${POLL_BENCH_SITES:-$(( N / 10 > 0 ? N / 10 : 1 ))}
NB_THREADS=${POLL_BENCH_NEWSBOAT_THREADS:-8}
NEWSBOAT=${NEWSBOAT:-/usr/bin/newsboat}
OUT=bench/out/poll
RUNS=$OUT/runs
TARGET=${CARGO_TARGET_DIR:-target}
OUTPOST=${OUTPOST_BIN:-$TARGET/release/outpost}
COMMAND="bench/poll/run.sh $*"

command -v python3 >/dev/null || { echo "run.sh: python3 is needed" >&2; exit 2; }
[ -x "$NEWSBOAT" ] || { echo "run.sh: newsboat not found at $NEWSBOAT (apt-get install newsboat)" >&2; exit 2; }
if [ ! -x /usr/bin/time ]; then
    echo "run.sh: installing GNU time (Debian package 'time') for peak memory" >&2
    apt-get install -y time >/dev/null
fi

if [ -z "${OUTPOST_BIN:-}" ]; then
    echo "== building outpost (release) into $TARGET"
    cargo build --release -p outpost-cli
else
    echo "== measuring the prebuilt $OUTPOST"
fi

echo "== generating $N feeds x $M items"
python3 bench/poll/gen.py "$N" "$M" --out "$OUT" --base-port "$PORT" --sites "$SITES"
rm -rf "$RUNS"
mkdir -p "$RUNS"

SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.2
        done
        kill -9 "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== serving on 127.0.0.1:$PORT..$((PORT + SITES - 1))"
python3 bench/poll/serve.py "$OUT/feeds" --base-port "$PORT" --sites "$SITES" \
    >"$RUNS/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
    grep -q '^ready' "$RUNS/serve.log" 2>/dev/null && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "run.sh: the feed server did not start:" >&2
        cat "$RUNS/serve.log" >&2
        exit 1
    fi
    sleep 0.2
done
grep -q '^ready' "$RUNS/serve.log" || { echo "run.sh: the feed server took too long to start" >&2; exit 1; }
cat "$RUNS/serve.log"

http_get() {
    python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' "$1"
}

# timed NAME CMD...: runs CMD under GNU time with zeroed server counters,
# keeping its output, its time report and the server's counters for NAME.
timed() {
    local name=$1
    shift
    http_get "http://127.0.0.1:$PORT/__reset" >/dev/null
    echo "== $name: $*"
    local rc=0
    /usr/bin/time -v -o "$RUNS/$name.time" "$@" >"$RUNS/$name.out" 2>"$RUNS/$name.err" || rc=$?
    http_get "http://127.0.0.1:$PORT/__stats" >"$RUNS/$name.stats.json"
    echo "$rc" >"$RUNS/$name.rc"
    if [ "$rc" -ne 0 ]; then
        echo "run.sh: $name exited with $rc; its stderr:" >&2
        tail -20 "$RUNS/$name.err" >&2
    fi
    head -c 2000 "$RUNS/$name.out"
    grep -E 'Elapsed|Maximum resident' "$RUNS/$name.time" | sed 's/^\s*/   /'
}

# count NAME DB TABLE: how many articles DB holds after run NAME.
count() {
    python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(f"SELECT count(*) FROM {sys.argv[2]}").fetchone()[0])' \
        "$2" "$3" >"$RUNS/$1.articles"
}

# Outpost: an empty database, the sources and one watchlist, then a poll.
DB=$RUNS/outpost.db
"$OUTPOST" --db "$DB" sources import "$OUT/feeds.opml" </dev/null
"$OUTPOST" --db "$DB" watchlists add --name Border \
    --query '"Tajik-Afghan border" OR (Tajik* NEAR/3 Afghan*)' </dev/null
timed outpost-cold "$OUTPOST" --db "$DB" poll --once --no-notify --json
count outpost-cold "$DB" articles

# The sources are now not due until their interval passes; `--all` polls
# every one of them now, with the ETag and Last-Modified the cold run stored.
timed outpost-warm "$OUTPOST" --db "$DB" poll --once --all --no-notify --json
count outpost-warm "$DB" articles

# newsboat: a fresh cache and its own HOME so nothing of the user's is read.
# It runs three times: newsboat 2.21 learns each feed's ETag and
# Last-Modified on the first reload but writes them before the feed's row
# exists, so they are lost and the second reload downloads everything again;
# only the third reload is conditional. Both warm runs are reported.
NB=$RUNS/newsboat
mkdir -p "$NB/home"
cat >"$NB/config" <<EOF
reload-threads $NB_THREADS
download-timeout 30
max-items 0
EOF
for run in cold warm warm3; do
    timed "newsboat-$run" env HOME="$PWD/$NB/home" "$NEWSBOAT" \
        -u "$OUT/urls.txt" -c "$NB/cache.db" -C "$NB/config" -x reload </dev/null
    count "newsboat-$run" "$NB/cache.db" rss_item
done

echo
python3 bench/poll/report.py --runs "$RUNS" --feeds "$N" --items "$M" --sites "$SITES" \
    --newsboat-config "$NB/config" --command "$COMMAND" \
    --out "$OUT/RESULTS-${N}x${M}.md"
if [ "$N" = 1000 ] && [ "$M" = 50 ]; then
    cp "$OUT/RESULTS-${N}x${M}.md" bench/poll/RESULTS.md
    echo "(written to bench/poll/RESULTS.md)"
fi
