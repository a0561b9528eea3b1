#!/usr/bin/env bash
# Build the project's Rust extensions (PyO3, with maturin) and install them into .venv:
#   crates/zrchain-tss     threshold signing for the MPC keeper (FROST Ed25519, DKLs23)
#   crates/zrchain-native  the hot paths: the tx envelope read, the results' events written,
#                          the state trie updated (one pass each)
# Each is skipped when its sources and the toolchain are unchanged; cargo's target
# directory is kept, so a source change rebuilds only what changed.
# Usage: scripts/build-native.sh [--force]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="$ROOT/.venv/bin/python"
if [ ! -x "$PYTHON" ]; then
    echo "error: $ROOT/.venv is missing: run scripts/bootstrap.sh first." >&2
    exit 1
fi
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
if ! command -v cargo >/dev/null 2>&1 || ! command -v rustc >/dev/null 2>&1; then
    cat >&2 <<'MSG'
error: Rust (cargo and rustc, 1.88 or newer) is required to build the node's extensions
(crates/zrchain-tss for the MPC keeper, crates/zrchain-native for the hot paths). Install it
with your system's package manager or rustup (https://rustup.rs), make sure `cargo` is on
PATH, and run this again.
MSG
    exit 1
fi

build() {  # build <crate folder> <python module> <what it is>
    local crate="$ROOT/crates/$1" module="$2" what="$3"
    local stamp="$ROOT/.venv/.$1-built"
    local want
    want="$( (cd "$crate" && cat Cargo.toml Cargo.lock pyproject.toml $(find src -type f | sort); rustc --version; "$PYTHON" -c 'import sys; print(sys.version)') | sha256sum | cut -d' ' -f1)"
    if [ "${FORCE:-}" != "1" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
        && "$PYTHON" -c "import $module" 2>/dev/null; then
        return 0
    fi
    if ! "$PYTHON" -m maturin --version >/dev/null 2>&1; then
        "$PYTHON" -m pip install -q "maturin>=1.9,<2" >&2
    fi
    echo "building the $what (Rust; a few minutes the first time) ..." >&2
    local start
    start=$(date +%s)
    rm -rf "$crate/target/wheels"
    (cd "$crate" && "$PYTHON" -m maturin build --release --locked -q -i "$PYTHON" -o "$crate/target/wheels" >&2)
    "$PYTHON" -m pip install -q --force-reinstall --no-deps "$crate"/target/wheels/*.whl >&2
    "$PYTHON" -c "import $module" || { echo "error: the built $what does not import" >&2; exit 1; }
    echo "$want" > "$stamp"
    echo "$what built in $(( $(date +%s) - start )) s" >&2
}

FORCE=""
[ "${1:-}" = "--force" ] && FORCE=1
build zrchain-tss zrchain_tss "threshold-signing extension"
build zrchain-native zrchain_native "hot-path extension"
