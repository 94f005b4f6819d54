#!/usr/bin/env bash
# The benchmark of issue 6: Tailor (the built package) against a like-for-like pure-JS
# ranker (bench/baseline-ranker.mjs) in headless Chromium, on catalogues of 1k, 10k and
# 92k real products. Prints one table and the machine. A few minutes; never a test.
# Installs what is missing first (the same setup as scripts/demo.sh and scripts/test.sh),
# builds the package and the benchmark catalogues when they are missing.
# BENCH_REBUILD=1 rebuilds the package even when pkg/ exists; BENCH_EVENTS and
# BENCH_QUICK are passed to bench/run.mjs (see there).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$PATH"   # the npm wasm-opt, never Debian's
if [ ! -f pkg/package.json ] || [ "${BENCH_REBUILD:-0}" = 1 ]; then
  node scripts/build.mjs
fi
for size in 1k 10k 92k; do
  if [ ! -f "target/bench/catalogue-$size.json" ] || [ ! -f "target/bench/scenario-$size.json" ]; then
    cargo run --quiet --release --bin make-bench-catalogues
    break
  fi
done
exec node bench/run.mjs
