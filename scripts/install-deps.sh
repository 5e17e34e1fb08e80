#!/usr/bin/env bash
# Installs, from Debian 12's own archive, what building and testing Orbit needs and the machine
# lacks. Safe to run again: it does nothing when everything is there. Needs root (or sudo).
# The README says why each package is there.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config           # compiler and build
  libpg-query-dev                            # PostgreSQL's own parser
  librocksdb-dev                             # storage with transactions
  libuv1-dev                                 # event loops
  libprotobuf-c-dev protobuf-c-compiler      # actor/node messages
  libgmp-dev                                 # exact numeric arithmetic
  libssl-dev openssl                         # OpenSSL: TLS for pgwire, SCRAM-SHA-256 / md5 passwords; openssl: test certificates
  libfaiss-dev libopenblas-dev               # vector indexes
  libcmocka-dev                              # unit tests
  postgresql postgresql-client python3 python3-psycopg2 python3-psycopg  # reference server and clients in tests (psycopg 3: test_pgadmin sends as pgAdmin 4)
  redis-tools python3-redis                  # RESP clients in tests (redis-cli, redis-py)
  redis-server                               # reference Redis: test_resp compares replies; benchmark
)

missing=()
for p in "${PACKAGES[@]}"; do
  if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" != "installed" ]; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
