#!/usr/bin/env bash
# Run the whole test suite (installs what the tests need first). Extra args go to pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
"$ROOT/scripts/bootstrap.sh" "test,evm"
if [ -f "$ROOT/package.json" ]; then
    if [ -L "$ROOT/node_modules" ]; then
        # Shared from another checkout: `npm ci` would empty the link's target for everyone.
        echo "node_modules is a link to $(readlink -f "$ROOT/node_modules"); not reinstalling" >&2
    elif [ ! -d "$ROOT/node_modules" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
        echo "installing npm test tools (anvil, solc) ..." >&2
        (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >&2)
    fi
fi
"$ROOT/.venv/bin/ruff" check "$ROOT"
# Types (cosmpy ships no stubs: they are generated from its descriptors first). A type error
# fails the run, after the tests have run too.
"$ROOT/.venv/bin/python" "$ROOT/scripts/typing_stubs.py"
set +e
"$ROOT/.venv/bin/mypy" zrchain evm_bridge genesis abci_app.py scripts/bench
types=$?
"$ROOT/.venv/bin/python" -m pytest "$@"
code=$?
set -e
if [ "$code" -eq 5 ]; then
    echo "error: pytest collected no tests" >&2
    exit 1
fi
if [ "$types" -ne 0 ]; then
    echo "error: mypy found type errors (listed before the tests)" >&2
    [ "$code" -eq 0 ] && code=1
fi
exit "$code"
