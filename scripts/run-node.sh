#!/usr/bin/env bash
# Start a single-validator zrChain localnet in .localnet/ (created on first run; resumed
# after). Installs what it needs first. Ctrl-C stops it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/bootstrap.sh"
exec "$ROOT/.venv/bin/python" -m zrchain.localnet run --home "$ROOT/.localnet/node0" "$@"
