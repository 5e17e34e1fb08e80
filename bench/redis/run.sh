#!/usr/bin/env bash
# Redis benchmark: redis-benchmark against orbitd's RESP port and against a redis-server this
# script starts, durable (appendonly yes, appendfsync always: a write is on disk when
# acknowledged, as orbitd's default) and without persistence; ops/s per command and the
# orbitd/redis ratios. See bench/README.md.
#
# usage: bench/redis/run.sh [path-to-orbitd]      (default: build-release/orbitd)
# env:   TESTS="set,get,incr,lpush,rpush,lpop,rpop,sadd,hset,zadd,mset" REQUESTS=100000
#        CLIENTS=50 PIPELINES="1 16" RUNS=3 KEYSPACE=100000 ONLY=orbit|orbit-everysec|redis|redis-everysec|redis-nopersist
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
orbitd="${1:-$root/build-release/orbitd}"
exec /usr/bin/python3 "$here/bench.py" "$orbitd"
