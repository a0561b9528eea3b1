#!/usr/bin/env bash
# Create .venv and install the project (with optional extras) when pyproject.toml changed;
# build the Rust extensions (threshold signing, tx envelope reader); install CometBFT. Usage: scripts/bootstrap.sh [extras, e.g. "test,evm"]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXTRAS="${1:-}"
PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    echo "error: Python 3.11+ is required (found: $("$PY" --version 2>&1 || echo none))." >&2
    exit 1
fi
if [ ! -x "$ROOT/.venv/bin/python" ]; then
    echo "creating virtualenv in $ROOT/.venv ..." >&2
    "$PY" -m venv "$ROOT/.venv"
fi
STAMP="$ROOT/.venv/.zrchain-installed"
WANT="$( (cat "$ROOT/pyproject.toml"; echo "extras=$EXTRAS") | sha256sum | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
    echo "installing zrchain${EXTRAS:+[$EXTRAS]} and its dependencies into .venv ..." >&2
    "$ROOT/.venv/bin/python" -m pip install -q --upgrade pip >&2
    SPEC="$ROOT"
    [ -n "$EXTRAS" ] && SPEC="$ROOT[$EXTRAS]"
    "$ROOT/.venv/bin/python" -m pip install -q -e "$SPEC" >&2
    echo "$WANT" > "$STAMP"
fi
# Bytecode for the project's own sources, written even where PYTHONDONTWRITEBYTECODE is set
# (Python still reads it): every zrchaind command and node is a new process, and compiling
# ~300 modules on each start cost ~1 s of its ~2.2 s. Up to date, this takes ~0.2 s.
"$ROOT/.venv/bin/python" -m compileall -q -j 0 "$ROOT/zrchain" "$ROOT/evm_bridge" \
    "$ROOT/genesis" "$ROOT/abci_app.py" >&2
"$ROOT/scripts/build-native.sh"
"$ROOT/scripts/install-cometbft.sh"
