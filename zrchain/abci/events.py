"""Module events -> ABCI events (every attribute indexed, as the SDK does by default)."""

from __future__ import annotations

from collections.abc import Sequence

from zrchain.abci import types as abci
from zrchain.abci.encode import EventData


def to_abci_events(events: Sequence[EventData]) -> list[abci.Event]:
    Ev, Attr = abci.Event, abci.EventAttribute
    return [
        Ev(type=e.type, attributes=[Attr(key=k, value=v, index=True) for k, v in e.attributes])
        for e in events
    ]
