#!/usr/bin/env bash
# Fuzzes the generator for SECONDS (default 600) with libFuzzer.
#
# Seeds the corpus with api.json, the checker fixtures and the saved regressions, then
# runs the `parse_check_emit` target. Crashes land in artifacts/parse_check_emit/; copy
# each into ../tests/fuzz_regressions/ (replayed by `cargo test -p sherpa-codegen`) once
# fixed.
#
# Needs `cargo install cargo-fuzz`. This machine has only stable Rust, so nightly-only
# flags (the address sanitizer) are enabled with RUSTC_BOOTSTRAP=1; pass
# `--sanitizer none` as an extra argument if that ever fails.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-600}"
shift || true

corpus=corpus/parse_check_emit
mkdir -p "$corpus"
cp ../../api.json "$corpus/seed-api.json"
for f in ../../tests/fixtures/*.json ../../tests/fixtures/invalid/*.json ../tests/fuzz_regressions/*; do
  [ -f "$f" ] && cp "$f" "$corpus/seed-$(basename "$f")"
done

RUSTC_BOOTSTRAP=1 cargo fuzz run "$@" parse_check_emit "$corpus" -- \
  -dict=sherpadoc.dict -max_total_time="$seconds" -max_len=262144 -timeout=20 \
  -print_final_stats=1
