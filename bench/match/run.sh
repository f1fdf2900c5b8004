#!/usr/bin/env bash
# Matching throughput: the compiled watchlist matcher next to the reference
# evaluator, in one run, one thread. See README.md beside this file.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec cargo bench -p outpost-core --bench matcher "$@"
