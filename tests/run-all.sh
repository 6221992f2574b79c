#!/usr/bin/env bash
# Runs every check and test of the project: formatting, lints, the Rust test
# suites of every crate (which include the TypeScript and Node suites), in the
# order that fails fastest.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] && [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
