"""An in-process chain with staking: validators created by tx, CometBFT's votes and
evidence fed to its blocks (``zrchain.testing.inproc``)."""

from __future__ import annotations

import hashlib
from typing import Any

from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin
from cosmpy.protos.cosmos.crypto.ed25519.keys_pb2 import PubKey
from cosmpy.protos.cosmos.slashing.v1beta1 import query_pb2 as sq
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from google.protobuf.any_pb2 import Any as AnyProto

from zrchain.abci import types as abci
from zrchain.codec.address import acc_bytes, cons_string, val_string
from zrchain.codec.gen.zrchain.validation import query_pb2 as vq
from zrchain.codec.gen.zrchain.validation import staking_pb2 as st
from zrchain.codec.gen.zrchain.validation import tx_pb2 as vtx
from zrchain.testing.inproc import Chain, Wallet, make_chain
from zrchain.testing.invariants import assert_invariants
from zrchain.testing.state import snapshot_app

VQ = "/zrchain.validation.Query/"
UNBONDING_S = 30
WINDOW = 10
JAIL_S = 60
FUNDS = "100000000000urock"
STAKE = 10_000_000  # 10 power


def cons_key(i: int) -> bytes:
    return (
        Ed25519PrivateKey.from_private_bytes(bytes([0x40 + i]) * 32).public_key().public_bytes_raw()
    )


def cons_addr(pk: bytes) -> bytes:
    return hashlib.sha256(pk).digest()[:20]


def pubkey_any(pk: bytes) -> AnyProto:
    return AnyProto(
        type_url="/cosmos.crypto.ed25519.PubKey", value=PubKey(key=pk).SerializeToString()
    )


def valoper(w: Wallet) -> str:
    return val_string(acc_bytes(w.address))


def coin(amount: int) -> Coin:
    return Coin(denom="urock", amount=str(amount))


def create_validator(
    w: Wallet, pk: bytes, amount: int = STAKE, min_self: int = 1, rate: str = "100000000000000000"
) -> vtx.MsgCreateValidator:
    return vtx.MsgCreateValidator(
        description=st.Description(moniker=f"val-{w.address[-6:]}"),
        commission=st.CommissionRates(
            rate=rate, max_rate="200000000000000000", max_change_rate="10000000000000000"
        ),
        min_self_delegation=str(min_self),
        validator_address=valoper(w),
        pubkey=pubkey_any(pk),
        value=coin(amount),
    )


def _params(state: dict[str, Any]) -> None:
    state["validation"]["params"]["unbonding_time"] = f"{UNBONDING_S}s"
    state["slashing"]["params"].update(
        signed_blocks_window=str(WINDOW), downtime_jail_duration=f"{JAIL_S}s"
    )


def _inert_mint(state: dict[str, Any]) -> None:
    """x/mint claims and mints only ``umint``, which nobody holds, and the staking reward
    on less than ~90M bonded urock is 0: it stops before minting every block (docs/mint.md),
    so these tests see the staking and F1 figures alone. x/mint's own tests and the F1
    property test run it with its defaults."""
    state["mint"]["params"]["mint_denom"] = "umint"


def staking_chain(
    path: Any,
    names: tuple[str, ...] = ("alice", "bob", "carol", "dave", "eve"),
    mint: bool = False,
    funds: str = FUNDS,
) -> Chain:
    def edit(state: dict[str, Any]) -> None:
        _params(state)
        if not mint:
            _inert_mint(state)

    return make_chain(path, dict.fromkeys(names, funds), app_state=edit)


def ok(res: Any) -> Any:
    assert res.code == 0, res.log
    return res


def validator(chain: Chain, w: Wallet) -> Any:
    return chain.q(
        VQ + "Validator",
        vq.QueryValidatorRequest(validator_addr=valoper(w)),
        vq.QueryValidatorResponse,
    ).validator


def delegation_shares(chain: Chain, w: Wallet, v: Wallet) -> str:
    res = chain.q(
        VQ + "Delegation",
        vq.QueryDelegationRequest(delegator_addr=w.address, validator_addr=valoper(v)),
        vq.QueryDelegationResponse,
    )
    return str(res.delegation_response.delegation.shares)


def signing_info(chain: Chain, pk: bytes) -> Any:
    return chain.q(
        "/cosmos.slashing.v1beta1.Query/SigningInfo",
        sq.QuerySigningInfoRequest(cons_address=cons_string(cons_addr(pk))),
        sq.QuerySigningInfoResponse,
    ).val_signing_info


def updates(res: abci.ResponseFinalizeBlock) -> dict[bytes, int]:
    return {bytes(u.pub_key.ed25519): int(u.power) for u in res.validator_updates}


def check_invariants(chain: Chain) -> None:
    assert_invariants(snapshot_app(chain.app))
