"""Structured logs: one JSON object per line (or ``key=value`` text for a terminal), so
operators and tests can grep an event name and read its fields without parsing prose.

A record carries an event name and fields. Nothing secret is ever passed; as a second line
of defence, fields whose names suggest secrets are written as ``"<redacted>"`` by every
formatter here, whichever daemon logs.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Mapping
from typing import Literal, TextIO

#: A field whose name contains one of these is redacted (unless it names a file or a
#: fingerprint: ``seed_file`` is a path, not the seed).
SECRET_WORDS = ("seed", "private", "secret", "passphrase", "mnemonic", "password")
REDACTED = "<redacted>"

#: What a field value becomes in a log line: JSON scalars, lists and objects of them.
Plain = str | int | float | bool | None | list["Plain"] | dict[str, "Plain"]
Clock = Literal["iso", "unix"]
Format = Literal["json", "text"]


def log_format(value: object) -> Format:
    """``value`` as a log format, or ValueError."""
    if value == "json":
        return "json"
    if value == "text":
        return "text"
    raise ValueError(f"log format must be json or text, not {value!r}")


def looks_secret(name: str) -> bool:
    low = name.lower()
    return any(w in low for w in SECRET_WORDS) and not low.endswith(("_file", "fingerprint"))


def plain(value: object) -> Plain:
    """A JSON-ready copy of ``value``: bytes as hex, anything unknown as its ``str``."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [plain(x) for x in value]
    if isinstance(value, dict):
        return {str(k): plain(x) for k, x in value.items()}
    return str(value)


def redacted(fields: object) -> dict[str, Plain]:
    """The record's fields, JSON-ready, with secret-looking names redacted."""
    if not isinstance(fields, Mapping):
        return {}
    return {str(k): REDACTED if looks_secret(str(k)) else plain(v) for k, v in fields.items()}


def _event(record: logging.LogRecord) -> str:
    return str(getattr(record, "event", None) or record.getMessage())


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "event", ["msg",] <fields>}``; ``msg`` when the event has prose of
    its own; ``error_type`` and ``traceback`` when an exception is logged. ``clock="iso"``
    writes UTC ``YYYY-MM-DDTHH:MM:SS.mmmZ``, ``"unix"`` seconds with milliseconds."""

    def __init__(self, clock: Clock = "iso") -> None:
        super().__init__()
        self.clock = clock

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Plain] = {"ts": self._ts(record), "level": record.levelname.lower()}
        out["event"] = _event(record)
        if getattr(record, "event", None):
            out["msg"] = record.getMessage()
        out.update(redacted(getattr(record, "fields", None)))
        if record.exc_info and record.exc_info[0] is not None:
            out["error_type"] = record.exc_info[0].__name__
            out["traceback"] = self.formatException(record.exc_info)
        return json.dumps(out, separators=(",", ":"))

    def _ts(self, record: logging.LogRecord) -> str | float:
        if self.clock == "unix":
            return round(record.created, 3)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"


class TextFormatter(logging.Formatter):
    """``time level event msg key=value ...`` for a terminal (secrets redacted too)."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%H:%M:%S", time.localtime(record.created))
        fields = redacted(getattr(record, "fields", None))
        text = " ".join(f"{k}={v}" for k, v in fields.items())
        msg = record.getMessage() if getattr(record, "event", None) else ""
        line = f"{stamp} {record.levelname:<7} {_event(record):<18} {msg} {text}"
        if record.exc_info and record.exc_info[0] is not None:
            line = f"{line.rstrip()} error_type={record.exc_info[0].__name__}"
        return line.rstrip()


def configure(
    name: str,
    level: str = "info",
    fmt: Format = "json",
    file: str = "",
    stream: TextIO | None = None,
    clock: Clock = "iso",
) -> logging.Logger:
    """Route logger ``name`` (not propagated) to ``file`` or ``stream`` (stderr by default)."""
    logger = logging.getLogger(name)
    for old in list(logger.handlers):
        logger.removeHandler(old)
        old.close()
    handler: logging.Handler = (
        logging.FileHandler(file) if file else logging.StreamHandler(stream or sys.stderr)
    )
    handler.setFormatter(JsonFormatter(clock) if fmt == "json" else TextFormatter())
    logger.addHandler(handler)
    logger.setLevel(getattr(logging, level.upper(), logging.INFO))
    logger.propagate = False
    return logger


def emit(
    logger: logging.Logger, level: int, event: str, msg: str, *, exc: bool = False,
    **fields: object,
) -> None:
    """Log ``msg`` as ``event`` with structured ``fields``."""
    if logger.isEnabledFor(level):
        logger.log(level, msg, extra={"event": event, "fields": fields}, exc_info=exc)


class EventLogger:
    """``log.info("event", key=value, ...)`` over a stdlib logger: the event is the message."""

    def __init__(self, logger: logging.Logger) -> None:
        self._log = logger

    def _emit(self, level: int, event: str, exc: bool, fields: dict[str, object]) -> None:
        if self._log.isEnabledFor(level):
            self._log.log(level, event, exc_info=exc, extra={"fields": fields})

    def debug(self, event: str, **fields: object) -> None:
        self._emit(logging.DEBUG, event, False, fields)

    def info(self, event: str, **fields: object) -> None:
        self._emit(logging.INFO, event, False, fields)

    def warning(self, event: str, **fields: object) -> None:
        self._emit(logging.WARNING, event, False, fields)

    def error(self, event: str, exc: bool = False, **fields: object) -> None:
        self._emit(logging.ERROR, event, exc, fields)
