"""Structured logs: one JSON object per line (or `key=value` text), so operators and tests
can grep for an event name and read its fields without parsing prose."""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any, TextIO

LOGGER_NAME = "evm_bridge"


class JsonFormatter(logging.Formatter):
    """`{"ts": ..., "level": ..., "event": ..., "msg": ..., <fields>}`."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "event": getattr(record, "event", record.name),
            "msg": record.getMessage(),
        }
        out.update(getattr(record, "fields", {}))
        if record.exc_info and record.exc_info[0] is not None:
            out["error_type"] = record.exc_info[0].__name__
        return json.dumps(out, default=str, separators=(",", ":"))


class TextFormatter(logging.Formatter):
    """`time level event msg key=value ...` for a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%H:%M:%S", time.localtime(record.created))
        fields = " ".join(f"{k}={v}" for k, v in getattr(record, "fields", {}).items())
        event = getattr(record, "event", record.name)
        return f"{stamp} {record.levelname:<7} {event:<18} {record.getMessage()} {fields}".rstrip()


def setup_logging(fmt: str = "json", level: str = "info", stream: TextIO | None = None) -> None:
    """Route the bridge's logger to `stream` (stderr by default) in the chosen format."""
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    logger.addHandler(handler)
    logger.setLevel(level.upper())
    logger.propagate = False


def get_logger(name: str) -> logging.Logger:
    return logging.getLogger(f"{LOGGER_NAME}.{name}")


def emit(
    logger: logging.Logger, level: int, event: str, msg: str, exc: bool = False, **fields: Any
) -> None:
    """Log `msg` as `event` with structured `fields`."""
    if logger.isEnabledFor(level):
        logger.log(level, msg, extra={"event": event, "fields": fields}, exc_info=exc)
