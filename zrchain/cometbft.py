"""The real CometBFT binary: where it is, how a home is initialised, how it is started."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

COMETBFT_VERSION = "0.38.19"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOCAL_BIN = PROJECT_ROOT / ".tools" / "bin" / "cometbft"


class CometBFTMissing(RuntimeError):
    pass


def find_binary(explicit: str | None = None) -> str:
    """The cometbft binary: explicit path, $ZRCHAIN_COMETBFT, the project's .tools, PATH."""
    for cand in (explicit, os.environ.get("ZRCHAIN_COMETBFT"), str(LOCAL_BIN)):
        if cand and os.path.isfile(cand) and os.access(cand, os.X_OK):
            return cand
    found = shutil.which("cometbft")
    if found:
        return found
    raise CometBFTMissing(
        f"cometbft v{COMETBFT_VERSION} not found. Install it with scripts/install-cometbft.sh "
        f"(go install into {LOCAL_BIN.parent}) or set ZRCHAIN_COMETBFT to its path."
    )


def binary_version(binary: str) -> str:
    out = subprocess.run([binary, "version"], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def init_home(binary: str, home: str) -> None:
    """Write config.toml, node and validator keys with ``cometbft init``."""
    subprocess.run([binary, "init", "--home", home], capture_output=True, text=True, check=True)


def node_id(binary: str, home: str) -> str:
    out = subprocess.run(
        [binary, "show-node-id", "--home", home], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


_SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*$")
_KEY = re.compile(r"^(\s*)([A-Za-z0-9_\-.]+)(\s*=\s*)(.*)$")


def patch_toml(path: str | Path, values: dict[str, Any]) -> None:
    """Set ``section.key`` (or top-level ``key``) values in a TOML file, keeping its layout."""
    pending = {k: _toml_value(v) for k, v in values.items()}
    lines = Path(path).read_text().splitlines()
    section = ""
    for i, line in enumerate(lines):
        m = _SECTION.match(line)
        if m:
            section = m.group(1).strip()
            continue
        m = _KEY.match(line)
        if not m:
            continue
        full = f"{section}.{m.group(2)}" if section else m.group(2)
        if full in pending:
            lines[i] = f"{m.group(1)}{m.group(2)}{m.group(3)}{pending.pop(full)}"
    if pending:
        raise KeyError(f"keys not found in {path}: {sorted(pending)}")
    Path(path).write_text("\n".join(lines) + "\n")


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return json.dumps(str(v))


def tcp_to_hostport(addr: str) -> str:
    return addr.split("://", 1)[-1]


def start_args(binary: str, home: str, proxy_app: str, extra: list[str] | None = None) -> list[str]:
    return [binary, "start", "--home", home, "--proxy_app", proxy_app, *(extra or [])]
