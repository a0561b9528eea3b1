"""Golden vectors for SIGN_MODE_LEGACY_AMINO_JSON sign bytes and multisig addresses.

Every expected string below is copied from a test of a real counterpart, not computed by
our code (``docs/node-compat.md``, "Sign modes and multisig"):

* Cosmos SDK v0.50 (the zenrock fork zrChain pins): ``x/auth/migrations/legacytx/
  stdtx_test.go`` (TestStdSignBytes: the fee/payer/granter/timeout shapes),
  ``x/authz/msgs_test.go`` (TestAminoJSON), ``x/feegrant/msgs_test.go`` (TestAminoJSON),
  ``x/bank/types/msgs_test.go`` (TestMsgSendGetSignBytes);
* CosmJS ``@cosmjs/amino`` ``addresses.spec.ts`` ("works for multisig"): the address of
  a 2-of-3 LegacyAminoPubKey.
"""

from __future__ import annotations

import pytest
from cosmpy.protos.cosmos.authz.v1beta1 import authz_pb2
from cosmpy.protos.cosmos.authz.v1beta1 import tx_pb2 as authz_tx
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin
from cosmpy.protos.cosmos.feegrant.v1beta1 import feegrant_pb2
from cosmpy.protos.cosmos.feegrant.v1beta1 import tx_pb2 as feegrant_tx
from google.protobuf.timestamp_pb2 import Timestamp

from zrchain.codec import bech32
from zrchain.codec.any import pack
from zrchain.codec.gen.zrchain.identity import tx_pb2 as identity_tx
from zrchain.tx import aminojson
from zrchain.tx.signing import MultisigKey, Secp256k1Key, count_sub_keys

# x/bank/types/msgs_test.go: sdk.AccAddress([]byte("input")) / ([]byte("output")).
BANK_SEND = (
    '{"type":"cosmos-sdk/MsgSend","value":{"amount":[{"amount":"10","denom":"atom"}],'
    '"from_address":"cosmos1d9h8qat57ljhcm","to_address":"cosmos1da6hgur4wsmpnjyg"}}'
)
GO_ZERO_TIME = -62135596800  # time.Time{}: 0001-01-01T00:00:00Z


def bank_send() -> bank_tx.MsgSend:
    return bank_tx.MsgSend(
        from_address="cosmos1d9h8qat57ljhcm",
        to_address="cosmos1da6hgur4wsmpnjyg",
        amount=[Coin(denom="atom", amount="10")],
    )


def test_a_msg_send_is_written_as_the_sdk_writes_it() -> None:
    assert aminojson.marshal(bank_send()).decode() == BANK_SEND


ADDR = "cosmos1d9h8qat57ljhcm"
FEE = [Coin(denom="atom", amount="150")]


@pytest.mark.parametrize(
    ("timeout", "fee", "gas", "payer", "granter", "fee_json", "tail"),
    [
        (
            10,
            FEE,
            100000,
            "",
            "",
            '{"amount":[{"amount":"150","denom":"atom"}],"gas":"100000"}',
            ',"timeout_height":"10"',
        ),
        (0, FEE, 100000, "", "", '{"amount":[{"amount":"150","denom":"atom"}],"gas":"100000"}', ""),
        (0, [], 0, "", "", '{"amount":[],"gas":"0"}', ""),
        (
            0,
            FEE,
            100000,
            "",
            ADDR,
            f'{{"amount":[{{"amount":"150","denom":"atom"}}],"gas":"100000","granter":"{ADDR}"}}',
            "",
        ),
        (
            0,
            FEE,
            100000,
            ADDR,
            "",
            f'{{"amount":[{{"amount":"150","denom":"atom"}}],"gas":"100000","payer":"{ADDR}"}}',
            "",
        ),
        (
            0,
            FEE,
            100000,
            ADDR,
            ADDR,
            f'{{"amount":[{{"amount":"150","denom":"atom"}}],"gas":"100000","granter":"{ADDR}",'
            f'"payer":"{ADDR}"}}',
            "",
        ),
    ],
    ids=["timeout", "no-timeout", "empty-fee", "granter", "payer", "payer-and-granter"],
)
def test_the_sign_doc_has_the_sdk_shape(timeout, fee, gas, payer, granter, fee_json, tail) -> None:
    got = aminojson.sign_bytes(
        chain_id="1234",
        account_number=3,
        sequence=6,
        timeout_height=timeout,
        memo="memo",
        msgs=[pack(bank_send())],
        fee_amount=fee,
        gas=gas,
        payer=payer,
        granter=granter,
    )
    want = (
        f'{{"account_number":"3","chain_id":"1234","fee":{fee_json},"memo":"memo",'
        f'"msgs":[{BANK_SEND}],"sequence":"6"{tail}}}'
    )
    assert got.decode() == want


def sdk_msgs_test_doc(msg) -> str:
    """The sign doc of x/authz and x/feegrant msgs_test.go (chain "foo", number 1,
    sequence 1, timeout 1, memo "memo", an empty fee)."""
    return aminojson.sign_bytes(
        chain_id="foo",
        account_number=1,
        sequence=1,
        timeout_height=1,
        memo="memo",
        msgs=[pack(msg)],
        fee_amount=[],
        gas=0,
    ).decode()


def doc(msg_json: str) -> str:
    return (
        '{"account_number":"1","chain_id":"foo","fee":{"amount":[],"gas":"0"},"memo":"memo",'
        f'"msgs":[{msg_json}],"sequence":"1","timeout_height":"1"}}'
    )


def test_authz_msgs_as_in_the_sdk() -> None:
    expiration = Timestamp(seconds=GO_ZERO_TIME + 2 * 3600 + 61, nanos=1)  # Add(2h1m1ns)
    generic = authz_tx.MsgGrant(
        granter="cosmos1abc",
        grantee="cosmos1def",
        grant=authz_pb2.Grant(
            authorization=pack(authz_pb2.GenericAuthorization(msg="/cosmos.bank.v1beta1.MsgSend")),
            expiration=expiration,
        ),
    )
    assert sdk_msgs_test_doc(generic) == doc(
        '{"type":"cosmos-sdk/MsgGrant","value":{"grant":{"authorization":{"type":'
        '"cosmos-sdk/GenericAuthorization","value":{"msg":"/cosmos.bank.v1beta1.MsgSend"}},'
        '"expiration":"0001-01-01T02:01:01.000000001Z"},"grantee":"cosmos1def",'
        '"granter":"cosmos1abc"}}'
    )
    revoke = authz_tx.MsgRevoke(
        granter="cosmos1abc", grantee="cosmos1def", msg_type_url="/cosmos.bank.v1beta1.MsgSend"
    )
    assert sdk_msgs_test_doc(revoke) == doc(
        '{"type":"cosmos-sdk/MsgRevoke","value":{"grantee":"cosmos1def","granter":"cosmos1abc",'
        '"msg_type_url":"/cosmos.bank.v1beta1.MsgSend"}}'
    )
    inner = bank_tx.MsgSend(from_address="cosmos1ghi", to_address="cosmos1jkl")
    exec_ = authz_tx.MsgExec(grantee="cosmos1def", msgs=[pack(inner)])
    assert sdk_msgs_test_doc(exec_) == doc(
        '{"type":"cosmos-sdk/MsgExec","value":{"grantee":"cosmos1def","msgs":[{"type":'
        '"cosmos-sdk/MsgSend","value":{"amount":[],"from_address":"cosmos1ghi",'
        '"to_address":"cosmos1jkl"}}]}}'
    )


def test_feegrant_msgs_as_in_the_sdk() -> None:
    allowance = feegrant_pb2.BasicAllowance(spend_limit=[Coin(denom="foo", amount="100")])
    grant = feegrant_tx.MsgGrantAllowance(
        granter="cosmos1abc", grantee="cosmos1def", allowance=pack(allowance)
    )
    assert sdk_msgs_test_doc(grant) == doc(
        '{"type":"cosmos-sdk/MsgGrantAllowance","value":{"allowance":{"type":'
        '"cosmos-sdk/BasicAllowance","value":{"spend_limit":[{"amount":"100","denom":"foo"}]}},'
        '"grantee":"cosmos1def","granter":"cosmos1abc"}}'
    )
    revoke = feegrant_tx.MsgRevokeAllowance(granter="cosmos1abc", grantee="cosmos1def")
    assert sdk_msgs_test_doc(revoke) == doc(
        '{"type":"cosmos-sdk/MsgRevokeAllowance","value":{"grantee":"cosmos1def",'
        '"granter":"cosmos1abc"}}'
    )


def test_zrchain_msgs_use_their_amino_name_or_else_their_type_url() -> None:
    """x/tx v0.13's encoder: an Any without ``amino.name`` is typed by its URL."""
    named = identity_tx.MsgUpdateParams(authority="zen1x")
    assert (
        aminojson.marshal(named)
        .decode()
        .startswith(
            '{"type":"github.com/Zenrock-Foundation/zrchain/v6/x/identity/MsgUpdateParams",'
        )
    )
    unnamed = identity_tx.MsgNewWorkspace(creator="zen1x", sign_policy_id=3)
    got = sdk_msgs_test_doc(unnamed)
    assert '{"type":"/zrchain.identity.MsgNewWorkspace","value":{' in got
    assert '"creator":"zen1x"' in got and '"sign_policy_id":"3"' in got


# -- multisig addresses (CosmJS @cosmjs/amino addresses.spec.ts) ---------------------------
COSMJS_WASM_KEYS = (
    "wasmpub1addwnpepqwxttx8w2sfs6d8cuzqcuau84grp8xsw95qzdjkmvc44tnckskdxw3zw2km",
    "wasmpub1addwnpepq2gx7x7e29kge5a4ycunytyqr0u8ynql5h583s8r9wdads9m3v8ks6y0nhc",
    "wasmpub1addwnpepq0xfx5vavxmgdkn0p6x0l9p3udttghu3qcldd7ql08wa3xy93qq0xuzvtxc",
)
COSMJS_MULTISIG_ADDRESS = "wasm1pzf2wlat97n7rykrk7e8g8nxste6hde0r8jqsy"


def amino_bech32_key(text: str) -> Secp256k1Key:
    _, data = bech32.decode(text)
    assert data[:5] == bytes.fromhex("eb5ae98721")  # amino prefix of a secp256k1 key
    return Secp256k1Key(bytes(data[5:]))


def test_a_multisig_address_is_the_one_cosmjs_computes() -> None:
    keys = tuple(amino_bech32_key(k) for k in COSMJS_WASM_KEYS)
    ms = MultisigKey(2, keys)
    assert bech32.encode("wasm", ms.address()) == COSMJS_MULTISIG_ADDRESS
    # each key's own amino bytes round-trip to the bech32 text CosmJS decoded
    assert bech32.encode("wasmpub", keys[0].amino_bytes()) == COSMJS_WASM_KEYS[0]


def test_sub_keys_count_through_nesting() -> None:
    k = amino_bech32_key(COSMJS_WASM_KEYS[0])
    inner = MultisigKey(1, (k, k))
    assert count_sub_keys(MultisigKey(2, (inner, k, inner))) == 5
    assert count_sub_keys(None) == 0
