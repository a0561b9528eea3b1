"""The bridge's logs under the ``evm_bridge`` logger: JSON lines ``{"ts" (unix seconds),
"level", "event", "msg", <fields>}`` or ``key=value`` text, with the shared formatters and
their secret redaction (``zrchain.daemon.logs``)."""

from __future__ import annotations

import logging
from typing import TextIO

from zrchain.daemon.logs import Format, configure, emit

LOGGER_NAME = "evm_bridge"

__all__ = ["LOGGER_NAME", "emit", "get_logger", "setup_logging"]


def setup_logging(fmt: Format = "json", level: str = "info", stream: TextIO | None = None) -> None:
    """Route the bridge's logger to `stream` (stderr by default) in the chosen format."""
    configure(LOGGER_NAME, level, fmt, stream=stream, clock="unix")


def get_logger(name: str) -> logging.Logger:
    return logging.getLogger(f"{LOGGER_NAME}.{name}")
