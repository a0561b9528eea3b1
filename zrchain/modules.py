"""The app's module list, in genesis / block-hook order (one line per module)."""

from __future__ import annotations

from zrchain.module import Module


def default_modules() -> list[Module]:
    return []
