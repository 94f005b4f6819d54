#!/usr/bin/env bash
# Builds everything and serves the demo shop on http://localhost:${PORT:-8080}/.
# Installs what is missing first (idempotent), so it works on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$PATH"   # the npm wasm-opt, never Debian's
node scripts/build.mjs
cargo run --quiet --release --bin make-catalogue
exec node scripts/serve.mjs "${PORT:-8080}"
