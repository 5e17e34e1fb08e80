#!/usr/bin/env bash
# Loads N rows with multi-row INSERTs and runs primary-key point selects with pgbench, against
# orbitd and against a PostgreSQL 15 started here; prints rows/s, queries/s and orbit/pg ratios.
#
# usage: bench/insert_select/run.sh [path-to-orbitd]      (default: build-release/orbitd)
# env:   N=100000 BATCH=1000 CLIENTS=4 JOBS=2 SECONDS_PER_RUN=10 RUNS=3 MODE=simple
#        ORBIT_ARGS="..." (extra orbitd flags)  ONLY=orbit|postgres (run one side)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
orbitd="${1:-$root/build-release/orbitd}"
exec /usr/bin/python3 "$here/bench.py" "$orbitd"
