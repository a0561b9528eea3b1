#!/usr/bin/env bash
# Build the threshold-signing extension (crates/zrchain-tss, Rust + PyO3) with maturin and
# install it into .venv. Skipped when the crate's sources and the toolchain are unchanged;
# cargo's target directory is kept, so a source change rebuilds only what changed.
# Usage: scripts/build-tss.sh [--force]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CRATE="$ROOT/crates/zrchain-tss"
PYTHON="$ROOT/.venv/bin/python"
if [ ! -x "$PYTHON" ]; then
    echo "error: $ROOT/.venv is missing: run scripts/bootstrap.sh first." >&2
    exit 1
fi
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
if ! command -v cargo >/dev/null 2>&1 || ! command -v rustc >/dev/null 2>&1; then
    cat >&2 <<'MSG'
error: Rust (cargo and rustc, 1.88 or newer) is required to build the MPC keeper's
threshold-signing extension (crates/zrchain-tss). Install it with your system's package
manager or rustup (https://rustup.rs), make sure `cargo` is on PATH, and run this again.
MSG
    exit 1
fi
STAMP="$ROOT/.venv/.zrchain-tss-built"
WANT="$( (cd "$CRATE" && cat Cargo.toml Cargo.lock pyproject.toml $(find src -type f | sort); rustc --version; "$PYTHON" -c 'import sys; print(sys.version)') | sha256sum | cut -d' ' -f1)"
if [ "${1:-}" != "--force" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] \
    && "$PYTHON" -c 'import zrchain_tss' 2>/dev/null; then
    exit 0
fi
if ! "$PYTHON" -m maturin --version >/dev/null 2>&1; then
    "$PYTHON" -m pip install -q "maturin>=1.9,<2" >&2
fi
echo "building the threshold-signing extension (Rust; a few minutes the first time) ..." >&2
start=$(date +%s)
rm -rf "$CRATE/target/wheels"
(cd "$CRATE" && "$PYTHON" -m maturin build --release --locked -q -i "$PYTHON" -o "$CRATE/target/wheels" >&2)
"$PYTHON" -m pip install -q --force-reinstall --no-deps "$CRATE"/target/wheels/*.whl >&2
"$PYTHON" -c 'import zrchain_tss' || { echo "error: the built extension does not import" >&2; exit 1; }
echo "$WANT" > "$STAMP"
echo "threshold-signing extension built in $(( $(date +%s) - start )) s" >&2
