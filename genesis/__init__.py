"""Genesis templates and presets: the data ``zrchaind init`` and the localnets start from.

* ``template.json``: the genesis document CometBFT loads, without chain id, time, validators
  or app state (``init`` fills those in); its consensus params are CometBFT's defaults.
* ``presets/<name>.json``: who is funded at genesis, which of them operates the single
  node's genesis validator (its gentx), and the CometBFT ``config.toml`` values a network
  of that kind runs with.
  ``localnet`` is the development chain (``scripts/run-node.sh``, ``scripts/localnet``);
  ``fast`` extends it with the short timeouts tests and benchmarks use.

The files ship as package data, so an installed ``zrchain`` reads the same files a clone
does. Module genesis defaults stay with their modules (``default_genesis()``), as in the SDK.
This package imports nothing from ``zrchain``. See ``genesis/README.md``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

__all__ = ["Preset", "preset", "preset_names", "template"]


def _read(*parts: str) -> dict[str, Any]:
    doc = json.loads(resources.files(__name__).joinpath(*parts).read_text(encoding="utf-8"))
    if not isinstance(doc, dict):
        raise ValueError(f"genesis/{'/'.join(parts)} is not a JSON object")
    return doc


def template() -> dict[str, Any]:
    """A fresh copy of the genesis document template (callers may edit it)."""
    return _read("template.json")


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    #: Dev key name -> coins funded at genesis (``"1000urock"``).
    accounts: dict[str, str]
    #: The account (by key name) whose gentx makes a single node the genesis validator.
    operator: str
    #: CometBFT ``config.toml`` values, ``section.key`` -> value.
    node_config: dict[str, str]


def preset_names() -> list[str]:
    folder = resources.files(__name__).joinpath("presets")
    names = (p.name.removesuffix(".json") for p in folder.iterdir() if p.name.endswith(".json"))
    return sorted(names)


def preset(name: str) -> Preset:
    """The preset ``presets/<name>.json``, with what it ``extends`` filled in."""
    if name not in preset_names():
        raise KeyError(f"no genesis preset {name!r}; presets: {', '.join(preset_names())}")
    doc = _read("presets", f"{name}.json")
    parent = doc.pop("extends", None)
    if parent is not None:
        base = preset(str(parent))
        doc = {"accounts": base.accounts, "operator": base.operator,
               "node_config": base.node_config, **doc}
    accounts = {str(k): str(v) for k, v in doc["accounts"].items()}
    if doc["operator"] not in accounts:
        raise ValueError(f"genesis preset {name!r}: operator {doc['operator']!r} is not funded")
    return Preset(
        name=name,
        description=str(doc.get("description", "")),
        accounts=accounts,
        operator=str(doc["operator"]),
        node_config={str(k): str(v) for k, v in doc["node_config"].items()},
    )
