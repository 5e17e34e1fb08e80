#!/usr/bin/env bash
# Bulk-loads the same generated data with psql's \copy into orbitd and into a PostgreSQL 15
# started here; prints rows/s for both and the orbit/pg ratio (median of RUNS).
#
# usage: bench/copy/run.sh [path-to-orbitd]      (default: build-release/orbitd)
# env:   N=1000000 NVEC=100000 DIM=128 RUNS=3 ORBIT_ARGS="..." ONLY=orbit|postgres
#        TABLES=mixed,vector (which loads to run)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
orbitd="${1:-$root/build-release/orbitd}"
exec /usr/bin/python3 "$here/bench.py" "$orbitd"
