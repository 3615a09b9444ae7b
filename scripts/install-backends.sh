#!/usr/bin/env bash
# Installs the lock servers the test suites start (on their own loopback ports),
# with Debian's packages, when their binaries are missing. Safe to run twice.
set -euo pipefail

missing=()
# binary (on PATH, or a path glob) → Debian package
need() {
  if [[ "$1" == /* ]]; then
    compgen -G "$1" >/dev/null && return
  else
    command -v "$1" >/dev/null 2>&1 && return
  fi
  missing+=("$2")
}
need redis-server redis-server
need redis-benchmark redis-tools
# Debian keeps PostgreSQL's server binaries off PATH, under /usr/lib/postgresql/<version>/bin
need '/usr/lib/postgresql/*/bin/initdb' postgresql
need '/usr/lib/postgresql/*/bin/pgbench' postgresql-client
need mariadbd mariadb-server
need mariadb-install-db mariadb-server
need mysqlslap mariadb-client
need etcd etcd-server
need etcdctl etcd-client
need /usr/share/java/zookeeper.jar zookeeper
need java default-jre-headless
# the HTML report is checked in headless Chromium (playwright-core drives Debian's chromium)
need chromium chromium

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-backends: all server binaries present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-backends: missing ${missing[*]} and not root; install them with apt-get" >&2
  exit 1
fi
echo "install-backends: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
