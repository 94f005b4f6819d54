#!/usr/bin/env bash
# Runs every test suite: native core, wasm in headless Chromium, the package build with
# its size budgets, the report estimator's SQL in DuckDB against the native decoder,
# end-to-end tests of the demo shop and of the packed npm package.
# Installs what is missing first (idempotent), so it works on a fresh machine.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1
export PATH="$PWD/node_modules/.bin:$PATH"   # the npm wasm-opt, never Debian's

passed=0
failed=0
failures=()
suite() {
  local name=$1
  shift
  echo
  echo "=== $name: $*"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "=== $name: ok ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "=== $name: FAILED ($((SECONDS - start)) s)"
  fi
}

suite "native core" cargo test --quiet
suite "wasm in Chromium" cargo test --target wasm32-unknown-unknown --test web
suite "package build + size budget" node scripts/build.mjs
suite "demo catalogue" cargo run --quiet --release --bin make-catalogue
suite "portable SQL = native decoder (DuckDB)" target/sql-venv/bin/python tests/sql/check_sql.py
if [ -f pkg/package.json ] && [ -f www/data/catalogue.json ]; then
  suite "browser end-to-end" npx playwright test
else
  failed=$((failed + 1))
  failures+=("browser end-to-end (not run: no package or catalogue)")
fi

echo
[ ${#failures[@]} -gt 0 ] && printf 'failed suite: %s\n' "${failures[@]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
