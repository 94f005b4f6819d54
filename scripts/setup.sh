#!/usr/bin/env bash
# Installs everything Tailor's build and tests need on a fresh machine, skipping what is
# already there. Called by scripts/demo.sh and scripts/test.sh; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen crate version in Cargo.lock

need_root() { if [ "$(id -u)" -ne 0 ]; then echo sudo; fi; }

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  echo "setup: installing Debian chromium + chromium-driver"
  $(need_root) apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $(need_root) apt-get install -y -qq chromium chromium-driver >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  echo "setup: installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes)"
  # Not --locked: the CLI's own lock file names a crate the registry lacks.
  cargo install -q wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# npm ci is exact but slow; skip it when node_modules already matches the lock file.
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.tailor-lock; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.tailor-lock
fi

# DuckDB for the portable-SQL check (tests/sql/check_sql.py): a Python venv under target/,
# pinned by tests/sql/requirements.txt; reinstalled only when that file changes.
SQL_VENV=target/sql-venv
if ! cmp -s tests/sql/requirements.txt "$SQL_VENV/.tailor-requirements"; then
  echo "setup: Python venv with DuckDB for the SQL check ($SQL_VENV)"
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then   # Debian's python3 lacks them
    $(need_root) apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $(need_root) apt-get install -y -qq python3-venv >/dev/null
  fi
  python3 -m venv "$SQL_VENV"
  "$SQL_VENV/bin/pip" install -q --disable-pip-version-check -r tests/sql/requirements.txt
  cp tests/sql/requirements.txt "$SQL_VENV/.tailor-requirements"
fi
