#!/usr/bin/env bash
# A query mix (point lookups by primary key and by secondary index, a range scan with LIMIT, a
# two-table join, a GROUP BY over all N rows) against orbitd and against a PostgreSQL 15 started
# here, on the same data; prints per-query latency and the orbit/pg latency ratio.
#
# usage: bench/query_mix/run.sh [path-to-orbitd]      (default: build-release/orbitd)
# env:   N=1000000 RUNS=3 SECS=5 MODE=prepared LOAD_BATCH=5000
#        ORBIT_ARGS="..." (extra orbitd flags)  ONLY=orbit|postgres (run one side)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
orbitd="${1:-$root/build-release/orbitd}"
exec /usr/bin/python3 "$here/bench.py" "$orbitd"
