#!/usr/bin/env bash
# Runs every check and test of the project: formatting, lints, rustdoc, the Rust test
# suites of every crate (which include the TypeScript and Node suites), in the
# order that fails fastest.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] && [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
RUSTDOCFLAGS='-D warnings' cargo doc --workspace --no-deps --locked
cargo test --workspace --locked
