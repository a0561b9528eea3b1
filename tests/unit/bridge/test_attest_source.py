"""The validator's follower for attestation: its networks file, and requests as items."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evm_bridge.attest_source import load_networks, to_item
from evm_bridge.config import ConfigError
from evm_bridge.ingest import KeyIngest, OmniIngest, Origin
from zrchain.codec.gen.zrchain.omni import tx_pb2 as omni_tx
from zrchain.codec.gen.zrchain.treasury import tx_pb2
from zrchain.x.attest.codec import KIND_KEY, KIND_OMNI_APPROVAL, KIND_OMNI_CALL, Item
from zrchain.x.attest.module import check_omni_origin

CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3"


def write(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "attest.toml"
    p.write_text(body)
    return p


def net(caip2: str) -> str:
    return (
        f'[[networks]]\ncaip2 = "{caip2}"\nrpc_url = "http://127.0.0.1:1"\n'
        f'contract = "{CONTRACT}"\nconfirmations = 2\n'
    )


def test_networks_file_is_read_as_the_bridges_tables(tmp_path: Path) -> None:
    nets = load_networks(write(tmp_path, net("eip155:1") + net("eip155:10")))
    assert [n.caip2 for n in nets] == ["eip155:1", "eip155:10"]
    assert nets[0].confirmations == 2


@pytest.mark.parametrize(
    "body, error",
    [
        ("", "at least one"),
        (net("eip155:1") + net("eip155:1"), "twice"),
        (net("eip155:1") + "bogus = 1\n", "bogus"),
        ("[[networks]]\ncaip2 = 'eip155:1'\n", "required"),
        ("not toml [", "cannot read"),
    ],
)
def test_bad_networks_files_are_refused(tmp_path: Path, body: str, error: str) -> None:
    with pytest.raises(ConfigError, match=error):
        load_networks(write(tmp_path, body))


def test_a_key_request_becomes_the_relayer_paths_msg_without_creator() -> None:
    origin = Origin("eip155:1", CONTRACT, 7, "0x" + "ab" * 32, "0x" + "cd" * 32, 3)
    req = KeyIngest(
        origin, "0x" + "00" * 32, "0xbe27E519A220D4336A5F9d08C7fa542175E30dA0", 60, 0, 1
    )
    item = to_item(req)
    assert Item.decode(item.encode()) == item
    assert (item.kind, item.block_number, item.log_index) == (KIND_KEY, 7, 3)
    assert item.contract == bytes.fromhex(CONTRACT[2:])
    msg = tx_pb2.MsgNewKeyRequest.FromString(item.msg)
    assert msg == req.msg("")


@pytest.mark.parametrize(
    "op, kind, msg_cls",
    [
        ("new_policy", KIND_OMNI_CALL, omni_tx.MsgForwardOwnerCall),
        ("set_key_policy", KIND_OMNI_CALL, omni_tx.MsgForwardOwnerCall),
        ("approve", KIND_OMNI_APPROVAL, omni_tx.MsgForwardApproval),
        ("reject", KIND_OMNI_APPROVAL, omni_tx.MsgForwardApproval),
    ],
)
def test_an_omni_call_becomes_the_relayer_paths_forward_naming_its_event(
    op: str, kind: int, msg_cls: Any
) -> None:
    """The item carries the Msg the relayer would send, and the chain's origin check (the
    cache_id is the event's) accepts it: both paths apply the event once."""
    origin = Origin("eip155:1", CONTRACT, 7, "0x" + "ab" * 32, "0x" + "cd" * 32, 3)
    req = OmniIngest(
        origin, op, "0xbe27E519A220D4336A5F9d08C7fa542175E30dA0", name="p",
        definition="x > 0", coin_type=60, policy_id=2, action_id=5,
    )  # fmt: skip
    item = to_item(req)
    assert Item.decode(item.encode()) == item and item.kind == kind
    msg = msg_cls.FromString(item.msg)
    assert msg == req.msg("")
    assert check_omni_origin(item, msg) == ""
