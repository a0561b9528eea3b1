"""The CLI's EIP-712 files (zrchain/x/omni/cli.py, signed_file.py): typed data as
``q omni typed-data`` prints it, signed by ``tx omni sign-typed-data`` (eth-account) or by
any wallet, rebuilt into the Msg the chain accepts; malformed files are refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from zrchain.codec.gen.zrchain.omni import tx_pb2 as otx
from zrchain.testing.identity_policy import ok, response
from zrchain.testing.omni import APPROVERS, OWNER, World, build_world, evm_participant
from zrchain.x.omni import typed_data
from zrchain.x.omni.cli import tx_group
from zrchain.x.omni.signed_file import SignedFileError, msg_from_signed, read_signed


@pytest.fixture
def w(tmp_path) -> Iterator[World]:
    world = build_world(tmp_path / "db")
    yield world
    world.chain.app.close()


def sign_file(tmp: Path, account, struct, values) -> str:
    (tmp / "typed.json").write_text(json.dumps(typed_data.wallet_json("zenrock", struct, values)))
    (tmp / "key").write_text(account.key.hex())
    out = tmp / "signed.json"
    res = CliRunner().invoke(
        tx_group,
        [
            "sign-typed-data",
            str(tmp / "typed.json"),
            "--evm-key-file",
            str(tmp / "key"),
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    return str(out)


def test_signed_files_become_msgs_the_chain_accepts(w: World, tmp_path: Path) -> None:
    a, b = APPROVERS[0], APPROVERS[1]
    parts = [evm_participant(a), evm_participant(b)]
    values = {
        "owner": OWNER.address,
        "name": "cli",
        "definition": " + ".join(parts) + " > 1",
        "participants": parts,
        "btl": 0,
        "nonce": 0,
        "deadline": 2**40,
    }
    msg = read_signed(sign_file(tmp_path, OWNER, typed_data.NEW_POLICY, values), w.addr("bob"))
    pid = response(ok(w.run("bob", msg)), otx.MsgNewPolicyEvmResponse).policy_id
    values = {
        "owner": OWNER.address,
        "walletType": 60,
        "walletIndex": 0,
        "signPolicyId": pid,
        "nonce": 1,
        "deadline": 2**40,
    }
    msg = read_signed(sign_file(tmp_path, OWNER, typed_data.SET_KEY_POLICY, values), w.addr("bob"))
    out = response(ok(w.run("bob", msg)), otx.MsgSetKeyPolicyEvmResponse)
    assert out.status == "ACTION_STATUS_COMPLETED"
    values = {"approver": a.address, "actionId": 1, "nonce": 0, "deadline": 2**40}
    msg = read_signed(sign_file(tmp_path, a, typed_data.APPROVE_ACTION, values), w.addr("bob"))
    assert isinstance(msg, otx.MsgApproveActionEvm) and msg.action_id == 1


@pytest.mark.parametrize(
    "doc",
    [
        {},
        {"typedData": {}, "signature": "0x00"},
        {"typedData": {"primaryType": "Other", "message": {}}, "signature": "0x00"},
        {
            "typedData": {"primaryType": "ApproveAction", "message": {"approver": 1}},
            "signature": "",
        },
        {
            "typedData": {
                "primaryType": "ApproveAction",
                "message": {"approver": "0x", "actionId": -1, "nonce": 0, "deadline": 0},
            },
            "signature": "0x",
        },
        {"typedData": {"primaryType": "ApproveAction", "message": []}, "signature": "zz"},
    ],
)
def test_malformed_files_are_refused(doc) -> None:
    with pytest.raises(SignedFileError):
        msg_from_signed(doc, "zen1x")
