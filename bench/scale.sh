#!/usr/bin/env bash
# The data-scale benchmark: builds the release server and runs bench/scale.py on it
# (see there for what is measured). Extra arguments go to scale.py, e.g.
#   bench/scale.sh --sizes 10000,100000           # a quicker run
#   bench/scale.sh --sizes 10000,100000,1000000,10000000
#   bench/scale.sh OLD_BINARY                      # compare with an older build
# Needs python3. Everything runs on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET="${CARGO_TARGET_DIR:-target}"
cargo build --release -p server --bin server >&2
args=()
bins=()
for a in "$@"; do
  if [[ "$a" != -* && -x "$a" ]]; then bins+=("$a"); else args+=("$a"); fi
done
# Other builds first: the data is made with the first binary (see scale.py).
exec python3 bench/scale.py "${args[@]}" "${bins[@]}" "$TARGET/release/server"
