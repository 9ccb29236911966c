#!/usr/bin/env bash
# Runs every test: Rust unit and integration tests (a real redis-server per test), the UI
# (compile-error) tests, the Go interop tests against Go asynq v0.26.0, and the Go
# package's own tests on the shared signing vectors.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/prereqs.sh
cargo test --workspace --locked
(cd go && go test ./...)
(cd tests/interop && go vet ./... && go test ./...)
echo "all tests passed"
