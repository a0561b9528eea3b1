#!/usr/bin/env bash
# Install the real CometBFT binary (pinned) into the project's .tools/bin. Idempotent.
# `install-cometbft.sh abci-cli` installs CometBFT's abci-cli of the same version instead
# (its kvstore served over an ABCI socket is a benchmark baseline: scripts/bench/).
set -euo pipefail
VERSION="0.38.19"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.tools/bin"
if [ "${1:-}" = "abci-cli" ]; then
    if [ -x "$BIN/abci-cli" ]; then exit 0; fi
    command -v go >/dev/null 2>&1 || { echo "error: Go is required to install abci-cli" >&2; exit 1; }
    mkdir -p "$BIN"
    echo "installing abci-cli v$VERSION into $BIN (go install)..." >&2
    GOBIN="$BIN" GOFLAGS="-mod=mod" go install "github.com/cometbft/cometbft/abci/cmd/abci-cli@v$VERSION"
    exit 0
fi
if [ -x "$BIN/cometbft" ] && [ "$("$BIN/cometbft" version 2>/dev/null)" = "$VERSION" ]; then
    exit 0
fi
if ! command -v go >/dev/null 2>&1; then
    echo "error: Go is required to install CometBFT v$VERSION (go install)." >&2
    echo "       Install Go 1.22+ from https://go.dev/dl/ and run this again," >&2
    echo "       or put a cometbft v$VERSION binary at $BIN/cometbft." >&2
    exit 1
fi
mkdir -p "$BIN"
echo "installing CometBFT v$VERSION into $BIN (go install; about a minute the first time)..." >&2
GOBIN="$BIN" GOFLAGS="-mod=mod" go install "github.com/cometbft/cometbft/cmd/cometbft@v$VERSION"
got="$("$BIN/cometbft" version)"
if [ "$got" != "$VERSION" ]; then
    echo "error: installed cometbft reports version '$got', expected $VERSION" >&2
    exit 1
fi
echo "cometbft $got installed at $BIN/cometbft" >&2
