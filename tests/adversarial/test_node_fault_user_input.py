"""Outsider input stays a tx result (issue 11, item 9).

Only the state machine's own errors become tx results now; any other exception stops the
node. So every path a user's bytes can reach must fail with a ChainError, never with a
ValueError, UnicodeError, IndexError, RecursionError... which would now halt every
validator at once. This fuzzes every registered Msg type, with fields drawn from valid
addresses, existing ids, garbage, non-ASCII digits and oversized values, signed by a
funded account so the handler really runs, and delivers each in a block: FinalizeBlock
must return a result (success or an error code), and a failed tx must change nothing but
the fee and sequence. Bounded in CI; ``pytest --slow`` runs more examples.
"""

from __future__ import annotations

import coincurve
import pytest
from google.protobuf import message_factory
from google.protobuf.any_pb2 import Any as AnyProto
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zrchain.codec.address import acc_string
from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.codec.gen.zrchain.treasury import key_pb2
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx
from zrchain.codec.services import signer_fields
from zrchain.testing.identity_policy import module_state, new_keyring, new_workspace, ok
from zrchain.testing.inproc import Chain, make_chain
from zrchain.x.identity.types import keyring_address, workspace_address
from zrchain.x.treasury.party import KIND_KEY, sign_party_result

FUNDS = "1000000000000000urock"


@pytest.fixture(scope="module")
def chain(tmp_path_factory) -> Chain:
    """alice: funded, owner of workspace 1, admin and only party of keyring 1, owner of
    its fulfilled ECDSA key 1; bob: funded, co-owner of workspace 1."""

    def edit(state: dict) -> None:
        state["identity"]["params"]["keyring_creation_fee"] = "0"

    c = make_chain(tmp_path_factory.mktemp("fuzz") / "db", {"alice": FUNDS, "bob": FUNDS},
                   app_state=edit)  # fmt: skip
    alice = c.wallets["alice"]
    new_workspace(c, alice, c.wallets["bob"].address)
    kr = new_keyring(c, alice)
    ok(
        c.run(
            alice,
            [
                itx.MsgAddKeyringParty(
                    creator=alice.address,
                    keyring_addr=kr,
                    party=alice.address,
                    increase_threshold=True,
                )
            ],
        )
    )
    ok(c.run(alice, [ttx.MsgNewKeyRequest(
        creator=alice.address, workspace_addr=workspace_address(1), keyring_addr=kr,
        key_type="ecdsa")]))  # fmt: skip
    pub = coincurve.PrivateKey(b"\x11" * 32).public_key.format()
    psig = sign_party_result(alice.key.secret, c.chain_id, KIND_KEY, 1, pub)
    ok(c.run(alice, [ttx.MsgFulfilKeyRequest(
        creator=alice.address, request_id=1, status=key_pb2.KEY_REQUEST_STATUS_FULFILLED,
        key=ttx.MsgNewKey(public_key=pub), keyring_party_signature=psig)]))  # fmt: skip
    yield c
    c.app.close()


@pytest.fixture(scope="module")
def examples(request) -> int:
    return 400 if request.config.getoption("--slow") else 12


_ADDRESS_FIELDS = ("addr", "creator", "owner", "grantee", "granter", "party", "admin",
                   "recipient", "keyring", "workspace", "authority", "address")  # fmt: skip


def _addresses(chain: Chain) -> st.SearchStrategy[str]:
    w = chain.wallets
    return st.sampled_from([w["alice"].address, w["bob"].address, workspace_address(1),
                            keyring_address(1), workspace_address(2)])  # fmt: skip


def _text_values(chain: Chain) -> st.SearchStrategy[str]:
    w = chain.wallets
    known = [
        w["alice"].address, w["bob"].address, w["alice"].address.upper(),
        workspace_address(1), workspace_address(2), keyring_address(1),
        acc_string(b"\x00" * 20), acc_string(b"\x01" * 32), "zen1qqqq", "",
        "1", "-1", "0", "18446744073709551616", "\u0661\u0660\u0660", "²", "1e5", "0.5", "1" * 5000,
        "100urock", "urock", "ecdsa", "bitcoin", "eddsa", "0x" + "ab" * 20,
        "/cosmos.bank.v1beta1.MsgSend", "/zrchain.treasury.MsgNewKeyRequest",
        f"{w['alice'].address} + {w['bob'].address} > 1", "passkey{abc}", "((((", "deadbeef",
        "ab" * 32, ",".join(["ab" * 32] * 3), "eip155:1", "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp",
    ]  # fmt: skip
    return st.sampled_from(known) | st.text(max_size=40) | st.text(max_size=3000)


def _int_values(field: FieldDescriptor) -> st.SearchStrategy[int]:
    fd = FieldDescriptor
    signed = field.type in (fd.TYPE_INT64, fd.TYPE_INT32, fd.TYPE_SINT64, fd.TYPE_SINT32,
                            fd.TYPE_SFIXED64, fd.TYPE_SFIXED32)  # fmt: skip
    bits = 32 if field.cpp_type in (fd.CPPTYPE_INT32, fd.CPPTYPE_UINT32, fd.CPPTYPE_ENUM) else 64
    lo, hi = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2**bits - 1)
    if field.type == FieldDescriptor.TYPE_ENUM:
        lo, hi = -(2**31), 2**31 - 1
    small = st.sampled_from([0, 1, 1, 2, 3])  # existing ids, enum values, counts
    return st.one_of(small, small, st.sampled_from([hi, lo]), st.integers(lo, hi))


def _bytes_values() -> st.SearchStrategy[bytes]:
    sizes = st.sampled_from([0, 1, 20, 32, 33, 64, 65, 72, 200])
    return sizes.flatmap(lambda n: st.binary(min_size=n, max_size=n)) | st.binary(max_size=5000)


def message_of(desc: Descriptor, chain: Chain, depth: int = 0) -> st.SearchStrategy[Message]:
    """A message of ``desc`` with each field set to a drawn value (or left unset)."""
    cls = message_factory.GetMessageClass(desc)

    @st.composite
    def build(draw: st.DrawFn) -> Message:
        msg = cls()
        for field in desc.fields:
            if not draw(st.booleans()):
                continue
            values = _field_values(field, chain, depth)
            if values is None:
                continue
            if field.label == FieldDescriptor.LABEL_REPEATED:
                items = draw(st.lists(values, max_size=3))
                target = getattr(msg, field.name)
                for item in items:
                    if field.type == FieldDescriptor.TYPE_MESSAGE:
                        target.add().CopyFrom(item)
                    else:
                        target.append(item)
            elif field.type == FieldDescriptor.TYPE_MESSAGE:
                getattr(msg, field.name).CopyFrom(draw(values))
            else:
                setattr(msg, field.name, draw(values))
        return msg

    return build()


def _field_values(field: FieldDescriptor, chain: Chain, depth: int) -> st.SearchStrategy | None:
    t = field.type
    if t == FieldDescriptor.TYPE_STRING:
        if any(part in field.name for part in _ADDRESS_FIELDS):  # mostly real addresses
            return st.one_of(*[_addresses(chain)] * 4, _text_values(chain))
        return _text_values(chain)
    if t == FieldDescriptor.TYPE_BYTES:
        return _bytes_values()
    if t == FieldDescriptor.TYPE_BOOL:
        return st.booleans()
    if t in (FieldDescriptor.TYPE_FLOAT, FieldDescriptor.TYPE_DOUBLE):
        return st.floats(allow_nan=False)
    if t == FieldDescriptor.TYPE_MESSAGE:
        sub = field.message_type
        if sub.GetOptions().map_entry or depth >= 2:
            return None
        if sub.full_name == "google.protobuf.Any":
            return _any_values(chain, depth)
        return message_of(sub, chain, depth + 1)
    return _int_values(field)


def _any_values(chain: Chain, depth: int) -> st.SearchStrategy[AnyProto]:
    routes = sorted(chain.app.registry.msgs.items())
    packed = st.sampled_from(routes).flatmap(
        lambda item: message_of(item[1].msg_class.DESCRIPTOR, chain, depth + 1).map(
            lambda m, url=item[0]: AnyProto(type_url=url, value=m.SerializeToString())
        )
    )
    junk = st.builds(AnyProto, type_url=_text_values(chain), value=_bytes_values())
    return packed | junk


def _routes() -> list[str]:
    from zrchain.module import Registry
    from zrchain.modules import default_modules

    return sorted(Registry(default_modules()).msgs)


@pytest.mark.parametrize("type_url", _routes())
def test_any_input_to_any_msg_is_a_tx_result(chain: Chain, examples: int, type_url: str) -> None:
    route = chain.app.registry.msgs[type_url]
    desc = route.msg_class.DESCRIPTOR
    alice = chain.wallets["alice"]

    def signed_by_alice(msg: Message) -> Message:
        for name in signer_fields(desc):  # cosmos.msg.v1.signer
            if desc.fields_by_name[name].message_type is not None:  # MultiSend's inputs
                inputs = getattr(msg, name)
                if not inputs:
                    inputs.add()
                inputs[0].address = alice.address
                del inputs[1:]
            else:
                setattr(msg, name, alice.address)
        return msg

    @settings(max_examples=examples, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(message_of(desc, chain).map(signed_by_alice))
    def run(msg: Message) -> None:
        before = module_state(chain, "identity", "policy", "treasury", "authz", "validators")
        res = chain.run(alice, [msg], gas=3_000_000)  # raises if FinalizeBlock raised
        if res.code != 0:
            after = module_state(chain, "identity", "policy", "treasury", "authz", "validators")
            assert after == before, f"{type_url} failed ({res.log}) but changed state"

    run()
