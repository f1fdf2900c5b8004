#!/bin/sh
# Archive search and ingest benchmark (see README.md in this folder).
#
#   bench/search/run.sh                 # 1,000,000 articles (tens of minutes)
#   OUTPOST_BENCH_ARTICLES=50000 bench/search/run.sh
#
# The generated archive is kept (OUTPOST_BENCH_DB, default in the system temp
# folder) and reused by the next run of the same size, which then only
# measures the queries.
set -eu
cd "$(dirname "$0")/../.."
exec cargo bench -p outpost-store --bench search
