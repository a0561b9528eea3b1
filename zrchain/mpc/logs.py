"""Structured logs: one JSON object per line (``ts``, ``level``, ``event``, then fields).

Callers log an event name and fields: ``log.info("tx_sent", txhash=..., answers=3)``.
Nothing secret is ever passed; as a second line of defence, fields whose names suggest
secrets are replaced by ``"<redacted>"``.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any, TextIO

_SECRET_WORDS = ("seed", "private", "secret", "passphrase", "mnemonic", "password")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "event": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            for k, v in fields.items():
                out[k] = "<redacted>" if _looks_secret(k) else _plain(v)
        if record.exc_info and record.exc_info[0] is not None:
            out["error_type"] = record.exc_info[0].__name__
            out["traceback"] = self.formatException(record.exc_info)
        return json.dumps(out, separators=(",", ":"), sort_keys=False)


def _looks_secret(name: str) -> bool:
    low = name.lower()
    return any(w in low for w in _SECRET_WORDS) and not low.endswith(("_file", "fingerprint"))


def _plain(v: Any) -> Any:
    if isinstance(v, str | int | float | bool) or v is None:
        return v
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    return str(v)


class EventLogger:
    """``logger.info("event", key=value, ...)`` over a stdlib logger."""

    def __init__(self, logger: logging.Logger) -> None:
        self._log = logger

    def _emit(self, level: int, event: str, exc: bool, fields: dict[str, Any]) -> None:
        if self._log.isEnabledFor(level):
            self._log.log(level, event, exc_info=exc, extra={"fields": fields})

    def debug(self, event: str, **fields: Any) -> None:
        self._emit(logging.DEBUG, event, False, fields)

    def info(self, event: str, **fields: Any) -> None:
        self._emit(logging.INFO, event, False, fields)

    def warning(self, event: str, **fields: Any) -> None:
        self._emit(logging.WARNING, event, False, fields)

    def error(self, event: str, exc: bool = False, **fields: Any) -> None:
        self._emit(logging.ERROR, event, exc, fields)


def setup(level: str = "info", file: str = "", stream: TextIO | None = None) -> EventLogger:
    """Configure the ``zrchain.mpc`` logger to write JSON lines to ``file`` or stderr."""
    logger = logging.getLogger("zrchain.mpc")
    logger.handlers.clear()
    handler: logging.Handler = (
        logging.FileHandler(file) if file else logging.StreamHandler(stream or sys.stderr)
    )
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.setLevel(getattr(logging, level.upper(), logging.INFO))
    logger.propagate = False
    return EventLogger(logger)


def get(name: str = "zrchain.mpc") -> EventLogger:
    return EventLogger(logging.getLogger(name))
