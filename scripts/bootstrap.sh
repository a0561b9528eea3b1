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
# The stamp holds pyproject.toml's hash and the extras installed with it. The same hash with
# every wanted extra already installed needs nothing (the node's run after the tests' does
# not reinstall); otherwise the project is installed with the union of both extras lists.
STAMP="$ROOT/.venv/.zrchain-installed"
HASH="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
HAVE=""
[ -f "$STAMP" ] && HAVE="$(sed -n 2p "$STAMP")"
missing() {
    local e
    for e in ${EXTRAS//,/ }; do
        case ",$HAVE," in *",$e,"*) ;; *) return 0 ;; esac
    done
    return 1
}
if [ ! -f "$STAMP" ] || [ "$(sed -n 1p "$STAMP")" != "$HASH" ] || missing; then
    ALL="$(printf '%s\n' ${HAVE//,/ } ${EXTRAS//,/ } | sort -u | paste -sd, -)"
    echo "installing zrchain${ALL:+[$ALL]} and its dependencies into .venv ..." >&2
    "$ROOT/.venv/bin/python" -m pip install -q --upgrade pip >&2
    SPEC="$ROOT"
    [ -n "$ALL" ] && SPEC="$ROOT[$ALL]"
    "$ROOT/.venv/bin/python" -m pip install -q -e "$SPEC" >&2
    printf '%s\n%s\n' "$HASH" "$ALL" > "$STAMP"
fi
# Bytecode for the project's own sources, written even where PYTHONDONTWRITEBYTECODE is set
# (Python still reads it): every zrchaind command and node is a new process, and compiling
# ~300 modules on each start cost ~1 s of its ~2.2 s. Up to date, this takes ~0.2 s.
"$ROOT/.venv/bin/python" -m compileall -q -j 0 "$ROOT/zrchain" "$ROOT/evm_bridge" \
    "$ROOT/genesis" "$ROOT/abci_app.py" >&2
"$ROOT/scripts/build-native.sh"
"$ROOT/scripts/install-cometbft.sh"
