"""What a fresh development localnet gets beyond `zrchaind init` (dev accounts later)."""

from __future__ import annotations


def provision_single(home: str) -> None:
    return None
