"""The keeper's logs: JSON lines ``{"ts", "level", "event", ...fields}`` under the
``zrchain.mpc`` logger, with the shared formatter and its secret redaction
(``zrchain.daemon.logs``). Callers log an event name and fields:
``log.info("tx_sent", txhash=..., answers=3)``."""

from __future__ import annotations

import logging
from typing import TextIO

from zrchain.daemon.logs import EventLogger, configure

LOGGER_NAME = "zrchain.mpc"

__all__ = ["LOGGER_NAME", "EventLogger", "get", "setup"]


def setup(level: str = "info", file: str = "", stream: TextIO | None = None) -> EventLogger:
    """Write the keeper's JSON lines to ``file`` or ``stream`` (stderr by default)."""
    return EventLogger(configure(LOGGER_NAME, level, "json", file, stream, clock="iso"))


def get(name: str = LOGGER_NAME) -> EventLogger:
    return EventLogger(logging.getLogger(name))
