"""The committed build of our contract (contracts/artifacts/, written by contracts/build.py)
and canonical ABI signatures: what selectors and topics are computed from."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zrchain.crypto.hashes import keccak256

ARTIFACT_PATH = Path(__file__).resolve().parents[2] / "contracts" / "artifacts" / "ZrSign.json"
#: The test contract that follows the deployed zrSign's rules (contracts/test/ZrSignV1.sol).
V1_ARTIFACT_PATH = ARTIFACT_PATH.with_name("ZrSignV1.json")

# ---------------------------------------------------------------------------- artifact


@dataclass(frozen=True)
class Artifact:
    """The committed build output of contracts/ZrSign.sol."""

    abi: list[dict[str, Any]]
    bytecode: str
    deployed_bytecode: str
    compiler: dict[str, Any]
    source_sha256: str


@functools.lru_cache(maxsize=4)
def load_artifact(path: Path | None = None) -> Artifact:
    """Load contracts/artifacts/ZrSign.json (or `path`)."""
    raw = json.loads((path or ARTIFACT_PATH).read_text())
    return Artifact(
        abi=raw["abi"],
        bytecode=raw["bytecode"],
        deployed_bytecode=raw["deployedBytecode"],
        compiler=raw["compiler"],
        source_sha256=raw["sourceSha256"],
    )


def canonical_type(param: Mapping[str, Any]) -> str:
    """ABI type of a parameter with tuples expanded, e.g. `(bytes32,uint256)[]`."""
    typ = str(param["type"])
    if typ.startswith("tuple"):
        inner = ",".join(canonical_type(c) for c in param["components"])
        return f"({inner}){typ[len('tuple') :]}"
    return typ


def signature(entry: Mapping[str, Any]) -> str:
    """Canonical signature of an ABI function, event or error entry."""
    args = ",".join(canonical_type(p) for p in entry.get("inputs", []))
    return f"{entry['name']}({args})"


def selector_map(abi: Sequence[Mapping[str, Any]], kind: str) -> dict[bytes, Mapping[str, Any]]:
    return {keccak256(signature(e).encode())[:4]: e for e in abi if e.get("type") == kind}
