#!/usr/bin/env bash
# ANN benchmark: HNSW and IVFFlat through the SQL path (orbitd over libpq) and through faiss
# in-process, on the same deterministic clustered dataset; recall@10, QPS, p50/p99 latency per
# ef_search / probes, build times, SQL/faiss QPS ratio at equal recall. See bench/README.md.
#
# usage: bench/ann/run.sh [path-to-orbitd]      (default: build-release/orbitd)
# env:   N=100000 DIM=128 NQ=1000 CLUSTERS=1000 SIGMA=0.5 SEED=42 THREADS=<cores> MIN_SECS=2 RUNS=3
#        LISTS=<N/1000, 1000 from 1M> EF="10 20 40 80 160 320" PROBES="1 2 4 8 16 32 64"
#        LOAD=auto|copy|insert BATCH=5000 ORBIT_ARGS="..." ONLY=faiss|sql ORBIT_KEEP_TMP=1
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
orbitd="${1:-$root/build-release/orbitd}"
out="${ANN_BIN:-$root/build-release/bench_ann}"
mkdir -p "$(dirname "$out")"
if [ ! -x "$out" ] || [ "$here/ann.cpp" -nt "$out" ] || [ "$here/run.sh" -nt "$out" ]; then
    # shellcheck disable=SC2046
    g++ -std=c++17 -O2 -g -Wall -Wextra -Werror -o "$out" "$here/ann.cpp" \
        $(pkg-config --cflags libpq) -lfaiss -fopenmp -lblas -llapack \
        $(pkg-config --libs libpq) -lpthread
fi
# idle OpenMP threads of the build must not spin on the cores the client threads use
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
exec "$out" "$orbitd"
