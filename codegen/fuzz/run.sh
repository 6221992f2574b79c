#!/usr/bin/env bash
# Fuzzes the generator for SECONDS (default 600) with libFuzzer; MAX_LEN (default
# 262144, enough for api.json) caps the input size: smaller runs many more inputs.
#
# Seeds the corpus with api.json, the schemas of the test suites and the saved
# regressions, then runs the `parse_check_emit` target. Crashes land in artifacts/parse_check_emit/; copy
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
for f in ../../tests/fixtures/*.json ../../tests/fixtures/invalid/*.json \
  ../../tests/fixtures/rust/*.json ../../tests/ts/*.json ../tests/fuzz_regressions/*; do
  if [ -f "$f" ]; then cp "$f" "$corpus/seed-$(basename "$f")"; fi
done

RUSTC_BOOTSTRAP=1 cargo fuzz run "$@" parse_check_emit "$corpus" -- \
  -dict=sherpadoc.dict -max_total_time="$seconds" -max_len="${MAX_LEN:-262144}" -timeout=20 \
  -print_final_stats=1
