#!/usr/bin/env bash
# pgbench against orbitd and against a PostgreSQL 15 started here: pgbench -i -s SCALE, then the
# TPC-B (sort of) workload with -M simple and -M prepared and the select-only workload (-S);
# prints the init time, TPS and average latency for both and the orbit/pg ratios.
#
# usage: bench/pgbench/run.sh [path-to-orbitd]      (default: build-release/orbitd)
# env:   SCALE=10 CLIENTS=8 JOBS=2 SECS=30 INIT_STEPS=dtgvp ORBIT_ARGS="..." ONLY=orbit|postgres
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
orbitd="${1:-$root/build-release/orbitd}"
exec /usr/bin/python3 "$here/bench.py" "$orbitd"
