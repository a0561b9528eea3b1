"""Which committed heights stay readable: the SDK's pruning options.

Options, as app.toml's ``pruning``, ``pruning-keep-recent`` and ``pruning-interval`` mean in
Cosmos SDK v0.50 (``store/pruning``): ``default`` keeps the last 362880 heights and prunes
every 10, ``everything`` keeps 2 and prunes every 10, ``nothing`` keeps all, ``custom``
takes the two numbers (interval >= 10, keep-recent >= 2). Committing height H with
H % interval == 0 and H > keep-recent makes every height below H - keep-recent unreadable
at once (so heights H - keep-recent .. H stay); the store's background worker then deletes
their history (``app_store.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT = "default"
NOTHING = "nothing"
EVERYTHING = "everything"
CUSTOM = "custom"
_EVERYTHING_KEEP_RECENT = 2
_EVERYTHING_INTERVAL = 10
_MAX_INT64 = 2**63 - 1


class PruningConfigError(ValueError):
    pass


@dataclass(frozen=True)
class PruningOptions:
    strategy: str = DEFAULT
    keep_recent: int = 362880
    interval: int = 10

    @classmethod
    def parse(cls, strategy: str, keep_recent: object = 0, interval: object = 0) -> PruningOptions:
        """From app.toml values (numbers may be TOML integers or, as the SDK writes them,
        strings); the numbers are read only for ``custom``, as in the SDK."""
        name = str(strategy).strip().lower()
        if name == DEFAULT:
            return cls(DEFAULT, 362880, 10)
        if name == EVERYTHING:
            return cls(EVERYTHING, _EVERYTHING_KEEP_RECENT, _EVERYTHING_INTERVAL)
        if name == NOTHING:
            return cls(NOTHING, 0, 0)
        if name != CUSTOM:
            raise PruningConfigError(
                f"unknown pruning strategy {strategy!r} "
                "(use default, nothing, everything or custom)"
            )
        opts = cls(
            CUSTOM,
            _uint("pruning-keep-recent", keep_recent),
            _uint("pruning-interval", interval),
        )
        opts.validate()
        return opts

    def validate(self) -> None:
        """The SDK's rules (``PruningOptions.Validate``), with its messages."""
        if self.strategy == NOTHING:
            return
        prefix = "invalid custom pruning options: " if self.strategy == CUSTOM else ""
        if self.interval == 0:
            raise PruningConfigError(
                prefix + "'pruning-interval' must not be 0. If you want to disable pruning, "
                'select pruning = "nothing"'
            )
        if self.interval < _EVERYTHING_INTERVAL:
            raise PruningConfigError(
                prefix + f"'pruning-interval' must not be less than {_EVERYTHING_INTERVAL}. "
                'For the most aggressive pruning, select pruning = "everything"'
            )
        if self.keep_recent < _EVERYTHING_KEEP_RECENT:
            raise PruningConfigError(
                prefix + f"'pruning-keep-recent' must not be less than {_EVERYTHING_KEEP_RECENT}. "
                'For the most aggressive pruning, select pruning = "everything"'
            )
        if self.keep_recent > _MAX_INT64:
            raise PruningConfigError(
                prefix + "'pruning-keep-recent' must not be greater than 2^63-1. "
                'Select pruning = "nothing"'
            )

    def check_snapshots(self, snapshot_interval: int) -> None:
        """The SDK refuses state-sync snapshots with ``everything`` (app config check)."""
        if self.strategy == EVERYTHING and snapshot_interval > 0:
            raise PruningConfigError(
                "cannot enable state sync snapshots with 'everything' pruning setting"
            )

    def earliest_after_commit(self, height: int) -> int | None:
        """The earliest height kept once ``height`` is committed, when it prunes."""
        if self.strategy == NOTHING or self.interval <= 0:
            return None
        if height % self.interval or height <= self.keep_recent:
            return None
        return height - self.keep_recent


def _uint(name: str, value: object) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not text.isascii() or not text.isdigit():
        raise PruningConfigError(f"invalid {name} {value!r}: not a non-negative integer")
    return int(text)
