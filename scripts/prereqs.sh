#!/usr/bin/env bash
# Installs what the tests need and is missing: redis-server (Debian package), the Go
# modules of go/ and tests/interop/, and Python's jsonschema (PyPI) for the schema export
# test. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null 2>&1; then
  echo "prereqs: installing redis-server"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "prereqs: redis-server is missing; install it with 'apt-get install redis-server'" >&2; exit 1; }
    sudo_cmd="sudo"
  fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq redis-server >/dev/null
fi

if ! python3 -c 'import jsonschema' >/dev/null 2>&1; then
  echo "prereqs: installing the Python package jsonschema"
  python3 -m pip install --quiet 'jsonschema>=4'
fi

if ! command -v go >/dev/null 2>&1; then
  echo "prereqs: Go is missing; install Go 1.22 or later (https://go.dev/doc/install) and rerun" >&2
  exit 1
fi

(cd go && go mod download)
(cd tests/interop && go mod download)
