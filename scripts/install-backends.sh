#!/usr/bin/env bash
# Installs the lock servers the test suites start (on their own loopback ports),
# with Debian's packages, when their binaries are missing. Safe to run twice.
set -euo pipefail

missing=()
# binary → Debian package; each later backend adds its line here
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need redis-server redis-server

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
