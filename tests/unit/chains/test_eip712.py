"""EIP-712 digests and signer recovery (zrchain/chains/eip712.py, x/omni/typed_data.py)
checked against real counterparts: eth-account's ``encode_typed_data`` for every message
of docs/zrsign-policies.md (property tests), and anvil's ``eth_signTypedData_v4``."""

from __future__ import annotations

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak
from hypothesis import given, settings
from hypothesis import strategies as st

from zrchain.chains.eip712 import StructType, Value, recover_signer
from zrchain.chains.errors import SignatureError
from zrchain.chains.keys import SECP256K1_N
from zrchain.codec.gen.zrchain.omni import tx_pb2
from zrchain.testing.anvil import DEFAULT_PRIVATE_KEYS, anvil_binary, anvil_node
from zrchain.x.omni import typed_data

u64 = st.integers(min_value=0, max_value=2**64 - 1)
text = st.text(max_size=40)
addresses = st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex())
chain_ids = st.text(min_size=1, max_size=20)


def reference_digest(chain_id: str, struct: StructType, values: dict[str, Value]) -> bytes:
    msg = encode_typed_data(full_message=typed_data.wallet_json(chain_id, struct, values))
    return keccak(b"\x19" + msg.version + msg.header + msg.body)


def auth(address: str, nonce: int, deadline: int) -> tx_pb2.EvmSignature:
    return tx_pb2.EvmSignature(address=address, nonce=nonce, deadline=deadline)


@settings(max_examples=60, deadline=None)
@given(chain_ids, addresses, text, text, st.lists(text, max_size=4), u64, u64, u64)
def test_new_policy_digest_matches_eth_account(cid, addr, name, definition, parts, btl, n, d):
    op = tx_pb2.NewPolicyOp(name=name, definition=definition, participants=parts, btl=btl)
    values = typed_data.new_policy_values(auth(addr, n, d), op)
    ours = typed_data.digest(cid, typed_data.NEW_POLICY, values)
    assert ours == reference_digest(cid, typed_data.NEW_POLICY, values)


@settings(max_examples=60, deadline=None)
@given(chain_ids, addresses, u64, u64, u64, u64, u64)
def test_set_key_policy_digest_matches_eth_account(cid, addr, wt, wi, pid, n, d):
    op = tx_pb2.SetKeyPolicyOp(wallet_type=wt, wallet_index=wi, sign_policy_id=pid)
    values = typed_data.set_key_policy_values(auth(addr, n, d), op)
    ours = typed_data.digest(cid, typed_data.SET_KEY_POLICY, values)
    assert ours == reference_digest(cid, typed_data.SET_KEY_POLICY, values)


@settings(max_examples=60, deadline=None)
@given(chain_ids, addresses, u64, u64, u64)
def test_approve_digest_matches_eth_account(cid, addr, aid, n, d):
    values = typed_data.approve_action_values(auth(addr, n, d), aid)
    ours = typed_data.digest(cid, typed_data.APPROVE_ACTION, values)
    assert ours == reference_digest(cid, typed_data.APPROVE_ACTION, values)


def test_domain_binds_the_zrchain_chain_id() -> None:
    values = typed_data.approve_action_values(auth("0x" + "11" * 20, 0, 1), 5)
    a = typed_data.digest("zenrock", typed_data.APPROVE_ACTION, values)
    b = typed_data.digest("zenrock-testnet", typed_data.APPROVE_ACTION, values)
    assert a != b


@settings(max_examples=20, deadline=None)
@given(st.binary(min_size=32, max_size=32), st.binary(min_size=32, max_size=32))
def test_recover_signer_matches_eth_account(secret: bytes, digest: bytes) -> None:
    k = int.from_bytes(secret, "big")
    if not 0 < k < SECP256K1_N:
        return
    acct = Account.from_key(secret)
    sig = Account.unsafe_sign_hash(digest, secret).signature
    assert recover_signer(digest, bytes(sig)) == acct.address.lower()


def test_recover_refuses_malformed_and_high_s() -> None:
    acct = Account.from_key(b"\x07" * 32)
    digest = keccak(b"x")
    sig = bytes(Account.unsafe_sign_hash(digest, acct.key).signature)
    r, s, v = sig[:32], int.from_bytes(sig[32:64], "big"), sig[64]
    high = r + (SECP256K1_N - s).to_bytes(32, "big") + bytes([v ^ 1])
    for bad in (sig[:64], sig + b"\x00", sig[:64] + b"\x05", high, bytes(65)):
        with pytest.raises(SignatureError):
            recover_signer(digest, bad)


@pytest.mark.evm
@pytest.mark.skipif(anvil_binary() is None, reason="anvil not installed (npm ci)")
def test_anvil_sign_typed_data_v4_verifies() -> None:
    """A real wallet endpoint signs our typed data; the chain's digest recovers its key."""
    acct = Account.from_key(DEFAULT_PRIVATE_KEYS[0])
    cases = [
        (
            typed_data.NEW_POLICY,
            typed_data.new_policy_values(
                auth(acct.address, 3, 1_900_000_000),
                tx_pb2.NewPolicyOp(
                    name="dex",
                    definition="eip155:1:0xAb + x > 1",
                    participants=["eip155:1:0xAb", "zen1x"],
                    btl=20,
                ),
            ),
        ),
        (
            typed_data.SET_KEY_POLICY,
            typed_data.set_key_policy_values(
                auth(acct.address, 0, 2**40),
                tx_pb2.SetKeyPolicyOp(wallet_type=60, wallet_index=2, sign_policy_id=9),
            ),
        ),
        (
            typed_data.APPROVE_ACTION,
            typed_data.approve_action_values(auth(acct.address, 1, 2**40), 77),
        ),
    ]
    with anvil_node() as node:
        for struct, values in cases:
            wallet = typed_data.wallet_json("zenrock", struct, values)
            sig = node.rpc("eth_signTypedData_v4", [acct.address, wallet])
            digest = typed_data.digest("zenrock", struct, values)
            assert recover_signer(digest, bytes.fromhex(sig[2:])) == acct.address.lower()
