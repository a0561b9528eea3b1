"""Gentxs as the SDK keeps them in genesis.json: a tx in JSON (``body``, ``auth_info``,
``signatures``), signed with account number 0 and sequence 0 (no account numbers exist
before genesis), carrying one MsgCreateValidator.

The signature covers the body and auth-info *bytes*; JSON is turned back into the same
bytes because both sides encode canonically (fields in order, defaults omitted)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2

from zrchain.client.tx import Signer, build_tx
from zrchain.codec.coins import Coin
from zrchain.codec.gen.zrchain.validation import tx_pb2 as vtx
from zrchain.codec.json import from_dict, to_dict

CREATE_VALIDATOR_URL = "/" + vtx.MsgCreateValidator.DESCRIPTOR.full_name


def tx_to_json(raw: bytes) -> dict[str, Any]:
    tx_raw = tx_pb2.TxRaw.FromString(raw)
    return {
        "body": to_dict(tx_pb2.TxBody.FromString(tx_raw.body_bytes)),
        "auth_info": to_dict(tx_pb2.AuthInfo.FromString(tx_raw.auth_info_bytes)),
        "signatures": [base64.b64encode(s).decode() for s in tx_raw.signatures],
    }


def tx_from_json(doc: Any) -> bytes:
    """TxRaw bytes of a gentx; raises ValueError for anything that is not one."""
    if not isinstance(doc, dict) or not {"body", "auth_info", "signatures"} <= doc.keys():
        raise ValueError("a gentx is a JSON tx with body, auth_info and signatures")
    body = from_dict(doc["body"], tx_pb2.TxBody())
    auth = from_dict(doc["auth_info"], tx_pb2.AuthInfo())
    sigs = doc["signatures"]
    if not isinstance(sigs, list) or not all(isinstance(s, str) for s in sigs):
        raise ValueError("gentx signatures must be a list of base64 strings")
    try:
        raw_sigs = [base64.b64decode(s, validate=True) for s in sigs]
    except ValueError as exc:
        raise ValueError(f"gentx signature is not base64: {exc}") from None
    return tx_pb2.TxRaw(
        body_bytes=body.SerializeToString(),
        auth_info_bytes=auth.SerializeToString(),
        signatures=raw_sigs,
    ).SerializeToString()


def create_validator_of(raw: bytes) -> vtx.MsgCreateValidator:
    """The one MsgCreateValidator of a gentx; ValueError if it holds anything else."""
    body = tx_pb2.TxBody.FromString(tx_pb2.TxRaw.FromString(raw).body_bytes)
    if len(body.messages) != 1 or body.messages[0].type_url != CREATE_VALIDATOR_URL:
        urls = ", ".join(m.type_url for m in body.messages) or "none"
        raise ValueError(f"a gentx must hold exactly one {CREATE_VALIDATOR_URL}, got: {urls}")
    return vtx.MsgCreateValidator.FromString(body.messages[0].value)


# -- building and collecting ----------------------------------------------------------------
def consensus_pubkey_of(home: str | Path) -> bytes:
    """The node's ed25519 consensus key, from CometBFT's priv_validator_key.json."""
    path = Path(home) / "config" / "priv_validator_key.json"
    try:
        key = json.loads(path.read_text())
        raw = base64.b64decode(key["pub_key"]["value"], validate=True)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"cannot read the validator key {path}: {exc}") from None
    if len(raw) != 32:
        raise ValueError(f"{path}: not an ed25519 key")
    return raw


@dataclass(frozen=True)
class GentxSpec:
    """What a genesis validator declares (the SDK's gentx flags)."""

    moniker: str
    amount: Coin
    commission_rate: str = "0.1"
    commission_max_rate: str = "0.2"
    commission_max_change_rate: str = "0.01"
    min_self_delegation: str = "1"
    details: str = ""
    identity: str = ""
    website: str = ""
    security_contact: str = ""
    memo: str = ""  # "<node id>@<ip>:<port>", as the SDK writes it


def build_gentx(
    spec: GentxSpec, pubkey: bytes, operator_pubkey: bytes, sign: Signer, chain_id: str
) -> dict[str, Any]:
    """A signed gentx (JSON): one MsgCreateValidator, account number 0, sequence 0, no fee."""
    from zrchain.codec.address import pubkey_to_address, val_string
    from zrchain.codec.dec import Dec
    from zrchain.codec.gen.zrchain.validation import staking_pb2 as st
    from zrchain.x.validation.types import pubkey_any

    operator = pubkey_to_address(operator_pubkey)
    msg = vtx.MsgCreateValidator(
        description=st.Description(
            moniker=spec.moniker,
            identity=spec.identity,
            website=spec.website,
            security_contact=spec.security_contact,
            details=spec.details,
        ),
        commission=st.CommissionRates(
            rate=Dec.parse(spec.commission_rate).atomics(),
            max_rate=Dec.parse(spec.commission_max_rate).atomics(),
            max_change_rate=Dec.parse(spec.commission_max_change_rate).atomics(),
        ),
        min_self_delegation=spec.min_self_delegation,
        validator_address=val_string(operator),
        pubkey=pubkey_any(pubkey),
        value=spec.amount.to_proto(),
    )
    raw = build_tx(
        [msg],
        pubkey=operator_pubkey,
        sequence=0,
        account_number=0,
        chain_id=chain_id,
        sign=sign,
        memo=spec.memo,
    )
    return tx_to_json(raw)


def genesis_balance(app_state: dict[str, Any], addr: str, denom: str) -> int | None:
    """An account's genesis balance of ``denom`` (None: the account has no balance entry)."""
    for b in app_state.get("bank", {}).get("balances", []):
        if b.get("address") == addr:
            return sum(int(c["amount"]) for c in b.get("coins", []) if c.get("denom") == denom)
    return None


def check_gentx(app_state: dict[str, Any], doc: Any) -> vtx.MsgCreateValidator:
    """The SDK's collect-gentxs checks: one MsgCreateValidator whose operator account is in
    genesis with enough of the bond denom to stake. Raises ValueError."""
    from zrchain.codec.address import acc_string, val_bytes

    msg = create_validator_of(tx_from_json(doc))
    addr = acc_string(val_bytes(msg.validator_address))
    denom = msg.value.denom
    have = genesis_balance(app_state, addr, denom)
    if have is None:
        raise ValueError(f"account {addr} does not have a balance in the genesis state")
    if have < int(msg.value.amount):
        raise ValueError(
            f"account {addr} has a balance in genesis, but it only has {have}{denom} available "
            f"to stake, not {msg.value.amount}{denom}"
        )
    return msg


def collect_gentxs(genesis: dict[str, Any], gentx_dir: str | Path) -> list[str]:
    """Put every ``*.json`` gentx of ``gentx_dir`` (sorted by name) into ``genesis``
    (``app_state.genutil.gen_txs``) after checking them; CometBFT's ``validators`` is
    emptied, since InitChain returns the set the gentxs bond. Returns the memos (peers)."""
    files = sorted(Path(gentx_dir).glob("*.json"))
    if not files:
        raise ValueError(f"no gentx files in {gentx_dir}")
    app_state = genesis.setdefault("app_state", {})
    gen_txs = []
    memos = []
    seen: set[str] = set()
    for f in files:
        try:
            doc = json.loads(f.read_text())
            msg = check_gentx(app_state, doc)
        except (OSError, ValueError) as exc:
            raise ValueError(f"{f.name}: {exc}") from None
        if msg.validator_address in seen:
            raise ValueError(f"{f.name}: a second gentx for {msg.validator_address}")
        seen.add(msg.validator_address)
        gen_txs.append(doc)
        memo = doc.get("body", {}).get("memo", "")
        if memo:
            memos.append(memo)
    app_state.setdefault("genutil", {})["gen_txs"] = gen_txs
    genesis["validators"] = []
    return memos


__all__ = [
    "GentxSpec",
    "build_gentx",
    "check_gentx",
    "collect_gentxs",
    "consensus_pubkey_of",
    "create_validator_of",
    "tx_from_json",
    "tx_to_json",
]
