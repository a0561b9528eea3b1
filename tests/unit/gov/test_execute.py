"""A passed proposal's Msgs run all-or-nothing (``x/gov/end_block.execute``): whatever
the position of a failing Msg, no write of any Msg before it survives, and when all succeed
every write and event is kept. Routes here are small stand-ins for real handlers (one
function under test); the chain tests in test_gov.py run real ones."""

from __future__ import annotations

from typing import Any

from cosmpy.protos.cosmos.gov.v1 import gov_pb2
from google.protobuf.any_pb2 import Any as AnyProto
from google.protobuf.wrappers_pb2 import BytesValue
from hypothesis import given
from hypothesis import strategies as st

from zrchain.context import Context, Mode
from zrchain.errors import ErrInvalidRequest
from zrchain.module import MsgRoute
from zrchain.store.kv import Branch
from zrchain.x.gov.end_block import execute
from zrchain.x.gov.keeper import GovKeeper
from zrchain.x.gov.msg_server import GovMsgServer

URL = "/test.MsgWrite"


class _Empty:
    def get(self, key: bytes) -> bytes | None:
        return None

    def iterate(self, start: Any = None, end: Any = None, reverse: bool = False) -> Any:
        return iter(())


def _handler(ctx: Context, msg: BytesValue) -> BytesValue:
    """Writes its key, emits an event, then fails if the payload says so."""
    key = msg.value[1:]
    ctx.store("t").set(key, b"x")
    ctx.emit("wrote", ("key", key.hex()))
    if msg.value[:1] == b"F":
        raise ErrInvalidRequest.wrap(f"msg {key.hex()} fails")
    return BytesValue()


ROUTE = MsgRoute(URL, BytesValue, BytesValue, _handler, lambda m: [], None, "test", URL)


@given(st.lists(st.booleans(), min_size=1, max_size=8))
def test_a_proposals_msgs_execute_all_or_nothing(outcomes: list[bool]) -> None:
    ctx = Context(root=Branch(_Empty()), mode=Mode.FINALIZE, metered=False)
    msgs = GovMsgServer(GovKeeper(bank=None, accounts=None))  # type: ignore[arg-type]
    msgs.router = {URL: ROUTE}.get
    p = gov_pb2.Proposal(id=1)
    for i, ok in enumerate(outcomes):
        payload = (b"S" if ok else b"F") + bytes([i])
        p.messages.append(
            AnyProto(type_url=URL, value=BytesValue(value=payload).SerializeToString())
        )
    failure = execute(ctx, msgs, p)
    written = [bytes([i]) for i in range(len(outcomes)) if ctx.store("t").get(bytes([i]))]
    if all(outcomes):
        assert failure is None
        assert written == [bytes([i]) for i in range(len(outcomes))]
        assert [e.type for e in ctx.events] == ["wrote"] * len(outcomes)
    else:
        first = outcomes.index(False)
        assert failure is not None and f"msg {first:02x} fails" in failure.reason
        assert failure.index == first and failure.log.startswith(f"passed, but msg {first} (")
        assert written == [] and ctx.events == []
