"""Compile the project's contracts with the pinned solc-js and write their artifacts.

Targets: contracts/ZrSign.sol -> contracts/artifacts/ZrSign.json (our contract) and
contracts/test/ZrSignV1.sol -> contracts/artifacts/ZrSignV1.json (the test contract that
follows the deployed zrSign's rules), and examples/dex_aggregator/DexPool.sol ->
contracts/artifacts/DexPool.json (the example's swap pool). Each is compiled on its own.

Usage (from the repository root):

    .venv/bin/python contracts/build.py            # (re)write the committed artifacts
    .venv/bin/python contracts/build.py --check    # exit 1 if a committed artifact is stale

The output is deterministic: same source + same compiler + same settings give the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / "contracts"


@dataclass(frozen=True)
class Target:
    """One contract: its source (relative to the repository root) and its artifact."""

    source_name: str
    contract_name: str

    @property
    def source(self) -> Path:
        return ROOT / self.source_name

    @property
    def artifact(self) -> Path:
        return CONTRACTS / "artifacts" / f"{self.contract_name}.json"


ZRSIGN = Target("contracts/ZrSign.sol", "ZrSign")
ZRSIGN_V1 = Target("contracts/test/ZrSignV1.sol", "ZrSignV1")
DEX_POOL = Target("examples/dex_aggregator/DexPool.sol", "DexPool")  # the example's pool
TARGETS = (ZRSIGN, ZRSIGN_V1, DEX_POOL)
ARTIFACT = ZRSIGN.artifact
SOLCJS = ROOT / "node_modules" / ".bin" / "solcjs"
SOLC_PACKAGE_JSON = ROOT / "node_modules" / "solc" / "package.json"
SOLC_VERSION = "0.8.19"

# Optimizer 200 runs as zrSign uses; "paris" avoids PUSH0 so the bytecode runs on chains that
# have not enabled Shanghai. The metadata hash stays in (ipfs) so explorers can verify.
SETTINGS: dict[str, Any] = {
    "optimizer": {"enabled": True, "runs": 200},
    "evmVersion": "paris",
    "metadata": {"bytecodeHash": "ipfs"},
    "outputSelection": {
        "*": {
            "*": [
                "abi",
                "evm.bytecode.object",
                "evm.deployedBytecode.object",
                "evm.methodIdentifiers",
            ]
        }
    },
}


_NODE_COMPILE = """
const [solcDir, inPath, outPath] = process.argv.slice(1);
const fs = require("fs");
const solc = require(solcDir);
const output = solc.compile(fs.readFileSync(inPath, "utf8"));
fs.writeFileSync(outPath, output);
"""


class BuildError(RuntimeError):
    """The compiler is missing, has the wrong version, or reported errors."""


def _solc_version() -> str:
    """Version of the installed solc npm package (must be exactly SOLC_VERSION)."""
    if not SOLCJS.exists() or not SOLC_PACKAGE_JSON.exists():
        raise BuildError(f"solc-js not found at {SOLCJS}; run `npm ci` in {ROOT}")
    version = json.loads(SOLC_PACKAGE_JSON.read_text())["version"]
    if version != SOLC_VERSION:
        raise BuildError(f"solc {version} installed, {SOLC_VERSION} required (npm ci)")
    return str(version)


def standard_json_input(source: str, target: Target = ZRSIGN) -> dict[str, Any]:
    """The solc standard-JSON input for the given source text."""
    return {
        "language": "Solidity",
        "sources": {target.source_name: {"content": source}},
        "settings": SETTINGS,
    }


def run_solc(standard_input: dict[str, Any]) -> dict[str, Any]:
    """Compile a standard-JSON input with the solc-js API (node) and return its output.

    The solc package's own compile() is used rather than `solcjs --standard-json`, whose CLI
    exits before a piped stdout is flushed and so truncates large outputs.
    """
    _solc_version()
    with tempfile.TemporaryDirectory(prefix="zrsign-solc-") as tmp:
        in_path, out_path = Path(tmp) / "input.json", Path(tmp) / "output.json"
        in_path.write_text(json.dumps(standard_input))
        proc = subprocess.run(
            ["node", "-e", _NODE_COMPILE, str(ROOT / "node_modules" / "solc"), in_path, out_path],
            capture_output=True,
            text=True,
            cwd=tmp,
            env={**os.environ, "HOME": tmp},
            timeout=600,
            check=False,
        )
        if proc.returncode != 0:
            raise BuildError(f"solc-js failed ({proc.returncode}): {proc.stderr.strip()}")
        return dict(json.loads(out_path.read_text()))


def compile_source(source: str, target: Target = ZRSIGN) -> dict[str, Any]:
    """Compile a target's source and return the artifact dict."""
    out = run_solc(standard_json_input(source, target))
    problems = out.get("errors", [])
    errors = [p for p in problems if p.get("severity") == "error"]
    if errors:
        raise BuildError("\n".join(p.get("formattedMessage", p["message"]) for p in errors))
    for p in problems:
        print(p.get("formattedMessage", p["message"]), file=sys.stderr)
    contract = out["contracts"][target.source_name][target.contract_name]
    long_version = _long_version()
    return {
        "contractName": target.contract_name,
        "sourceName": target.source_name,
        "sourceSha256": hashlib.sha256(source.encode()).hexdigest(),
        "compiler": {"name": "solc-js", "version": long_version, "settings": SETTINGS},
        "abi": contract["abi"],
        "bytecode": "0x" + contract["evm"]["bytecode"]["object"],
        "deployedBytecode": "0x" + contract["evm"]["deployedBytecode"]["object"],
        "methodIdentifiers": contract["evm"]["methodIdentifiers"],
    }


def _long_version() -> str:
    """Full compiler version string, e.g. 0.8.19+commit.7dd6d404.Emscripten.clang."""
    proc = subprocess.run(
        [str(SOLCJS), "--version"], capture_output=True, text=True, check=True, timeout=120
    )
    return proc.stdout.strip().splitlines()[-1]


def render(artifact: dict[str, Any]) -> str:
    """Canonical JSON text of an artifact (sorted keys, two-space indent, final newline)."""
    return json.dumps(artifact, indent=2, sort_keys=True) + "\n"


def build(target: Target = ZRSIGN) -> str:
    """Compile a target's committed source and return the artifact text."""
    return render(compile_source(target.source.read_text(), target))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    stale = 0
    for target in TARGETS:
        try:
            text = build(target)
        except BuildError as exc:
            print(f"error: {target.source_name}: {exc}", file=sys.stderr)
            return 2
        out = target.artifact
        if args.check:
            if not out.exists() or out.read_text() != text:
                print(f"{out} is stale: run contracts/build.py", file=sys.stderr)
                stale = 1
            else:
                print(f"{out} is up to date")
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
        print(f"wrote {out}")
    return stale


if __name__ == "__main__":
    sys.exit(main())
