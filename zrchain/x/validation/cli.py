"""``zrchaind tx validation …`` and ``zrchaind q validation …``, as zenrockd has them."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import click
from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest
from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin

from zrchain.cli.args import page_flags
from zrchain.cli.autocli import Query, add_queries
from zrchain.cli.common import INT64, fail
from zrchain.cli.query_cmds import query_options, run_query
from zrchain.cli.tx_cmds import TxContext, broadcast, tx_flags
from zrchain.codec import address
from zrchain.codec.coins import parse_coins, parse_int
from zrchain.codec.dec import Dec
from zrchain.codec.gen.zrchain.validation import query_pb2 as q
from zrchain.codec.gen.zrchain.validation import staking_pb2 as st
from zrchain.codec.gen.zrchain.validation import tx_pb2 as tx_pb
from zrchain.errors import ChainError
from zrchain.x.validation.types import DO_NOT_MODIFY, STATUS_NAMES, pubkey_any


# -- parsing ------------------------------------------------------------------------------
def parse_consensus_pubkey(value: Any) -> bytes:
    """An ed25519 key as ``zrchaind comet show-validator`` prints it (CometBFT's
    ``{"type","value"}``), the SDK's ``{"@type","key"}``, or base64."""
    try:
        if isinstance(value, str):
            text = value.strip()
            value = json.loads(text) if text.startswith("{") else {"key": text}
        if not isinstance(value, dict):
            raise ValueError("expected a JSON object")
        kind = value.get("@type") or value.get("type") or "/cosmos.crypto.ed25519.PubKey"
        if kind not in ("/cosmos.crypto.ed25519.PubKey", "tendermint/PubKeyEd25519"):
            raise ValueError(f"unsupported key type {kind}: validators sign with ed25519")
        raw = base64.b64decode(value.get("key") or value.get("value") or "", validate=True)
    except (ValueError, TypeError) as exc:
        fail(f"invalid consensus public key: {exc}")
    if len(raw) != 32:
        fail(f"invalid consensus public key: ed25519 keys are 32 bytes, got {len(raw)}")
    return raw


def _dec(text: str, what: str) -> str:
    try:
        return Dec.parse(text).atomics()
    except ChainError as exc:
        fail(f"invalid {what}: {exc.context}")


def _coin(text: str) -> Coin:
    try:
        coins = parse_coins(text)
    except ChainError as exc:
        fail(exc.log)
    if len(coins) != 1:
        fail(f"invalid amount {text!r}: expected one coin, e.g. 1000000urock")
    return coins[0].to_proto()


def _int(text: str, what: str) -> str:
    try:
        return str(parse_int(text, what))
    except ChainError as exc:
        fail(exc.log)


def create_validator_msg(spec: dict[str, Any], operator: bytes) -> tx_pb.MsgCreateValidator:
    """A MsgCreateValidator from the SDK's validator.json (see ``create-validator``)."""
    for key, what in (
        ("amount", "amount of coins to bond"),
        ("pubkey", "the JSON encoded pubkey"),
        ("moniker", "the moniker name"),
        ("min-self-delegation", "minimum self delegation"),
    ):
        if not spec.get(key):
            fail(f"must specify {what}")
    return tx_pb.MsgCreateValidator(
        description=st.Description(
            moniker=str(spec["moniker"]),
            identity=str(spec.get("identity", "")),
            website=str(spec.get("website", "")),
            security_contact=str(spec.get("security", "")),
            details=str(spec.get("details", "")),
        ),
        commission=st.CommissionRates(
            rate=_dec(str(spec.get("commission-rate", "0.1")), "commission rate"),
            max_rate=_dec(str(spec.get("commission-max-rate", "0.2")), "commission max rate"),
            max_change_rate=_dec(
                str(spec.get("commission-max-change-rate", "0.01")), "commission max change rate"
            ),
        ),
        min_self_delegation=_int(str(spec["min-self-delegation"]), "min-self-delegation"),
        validator_address=address.val_string(operator),
        pubkey=pubkey_any(parse_consensus_pubkey(spec["pubkey"])),
        value=_coin(str(spec["amount"])),
    )


# -- tx ------------------------------------------------------------------------------
@click.group("validation")
def tx_group() -> None:
    """validation module transaction subcommands."""


@tx_group.command("create-validator")
@click.argument("validator_json", type=click.Path(dir_okay=False))
@tx_flags
def create_validator(validator_json: str, tx: TxContext) -> None:
    """Create a new validator initialized with a self-delegation, from a JSON file:

    \b
    {"pubkey": {"@type":"/cosmos.crypto.ed25519.PubKey","key":"oWg2...="},
     "amount": "1000000urock", "moniker": "myvalidator", "identity": "", "website": "",
     "security": "", "details": "", "commission-rate": "0.1",
     "commission-max-rate": "0.2", "commission-max-change-rate": "0.01",
     "min-self-delegation": "1"}

    The pubkey is what `zrchaind comet show-validator` prints on the validator's node.
    """
    try:
        spec = json.loads(Path(validator_json).read_text())
    except (OSError, ValueError) as exc:
        fail(f"cannot read {validator_json}: {exc}")
    if not isinstance(spec, dict):
        fail(f"{validator_json}: expected a JSON object")
    operator = address.acc_bytes(tx.address)
    broadcast(tx, [create_validator_msg(spec, operator)])


@tx_group.command("edit-validator")
@click.option("--new-moniker", default=DO_NOT_MODIFY, help="the validator's name")
@click.option("--identity", default=DO_NOT_MODIFY, help="e.g. a Keybase signature")
@click.option("--website", default=DO_NOT_MODIFY)
@click.option("--security-contact", default=DO_NOT_MODIFY)
@click.option("--details", default=DO_NOT_MODIFY)
@click.option("--commission-rate", default="", help="the new commission rate, e.g. 0.05")
@click.option("--min-self-delegation", default="", help="the new minimum self-delegation")
@tx_flags
def edit_validator(
    new_moniker: str,
    identity: str,
    website: str,
    security_contact: str,
    details: str,
    commission_rate: str,
    min_self_delegation: str,
    tx: TxContext,
) -> None:
    """Edit an existing validator (the --from account's); omitted fields keep their value."""
    msg = tx_pb.MsgEditValidator(
        description=st.Description(
            moniker=new_moniker,
            identity=identity,
            website=website,
            security_contact=security_contact,
            details=details,
        ),
        validator_address=address.val_string(address.acc_bytes(tx.address)),
    )
    if commission_rate:
        msg.commission_rate = _dec(commission_rate, "new commission rate")
    if min_self_delegation:
        msg.min_self_delegation = _int(min_self_delegation, "min-self-delegation")
    broadcast(tx, [msg])


@tx_group.command("delegate")
@click.argument("validator_addr")
@click.argument("amount")
@tx_flags
def delegate(validator_addr: str, amount: str, tx: TxContext) -> None:
    """Delegate liquid tokens to a validator: delegate <zenvaloper…> 1000urock --from key."""
    broadcast(
        tx,
        [
            tx_pb.MsgDelegate(
                delegator_address=tx.address,
                validator_address=validator_addr,
                amount=_coin(amount),
            )
        ],
    )


@tx_group.command("redelegate")
@click.argument("src_validator_addr")
@click.argument("dst_validator_addr")
@click.argument("amount")
@tx_flags
def redelegate(
    src_validator_addr: str, dst_validator_addr: str, amount: str, tx: TxContext
) -> None:
    """Move bonded stake from one validator to another (no unbonding period)."""
    broadcast(
        tx,
        [
            tx_pb.MsgBeginRedelegate(
                delegator_address=tx.address,
                validator_src_address=src_validator_addr,
                validator_dst_address=dst_validator_addr,
                amount=_coin(amount),
            )
        ],
    )


@tx_group.command("unbond")
@click.argument("validator_addr")
@click.argument("amount")
@tx_flags
def unbond(validator_addr: str, amount: str, tx: TxContext) -> None:
    """Unbond stake from a validator; it returns after the unbonding time."""
    broadcast(
        tx,
        [
            tx_pb.MsgUndelegate(
                delegator_address=tx.address,
                validator_address=validator_addr,
                amount=_coin(amount),
            )
        ],
    )


@tx_group.command("cancel-unbond")
@click.argument("validator_addr")
@click.argument("amount")
@click.argument("creation_height", type=INT64)
@tx_flags
def cancel_unbond(validator_addr: str, amount: str, creation_height: int, tx: TxContext) -> None:
    """Delegate back (part of) the unbonding entry started at CREATION_HEIGHT."""
    broadcast(
        tx,
        [
            tx_pb.MsgCancelUnbondingDelegation(
                delegator_address=tx.address,
                validator_address=validator_addr,
                amount=_coin(amount),
                creation_height=creation_height,
            )
        ],
    )


# -- queries ------------------------------------------------------------------------------
@click.group("validation")
def query_group() -> None:
    """Querying commands for the validation module."""


# Written out where zenrockd's shape is not autocli's: --status as a choice, redelegation's
# optional positionals, historical-info's height (also the name of the --height option).
@query_group.command("validators")
@click.option(
    "--status", default="", type=click.Choice(["", *STATUS_NAMES.values()]), help="only these"
)
@page_flags
@query_options
def validators(status: str, page: PageRequest | None, node: str, height: int, output: str) -> None:
    """All validators (or those with --status)."""
    req = q.QueryValidatorsRequest(status=status, pagination=page)
    run_query(node, req, output, height)


@query_group.command("redelegation")
@click.argument("delegator_addr")
@click.argument("src_validator_addr", required=False, default="")
@click.argument("dst_validator_addr", required=False, default="")
@page_flags
@query_options
def redelegation(
    delegator_addr: str,
    src_validator_addr: str,
    dst_validator_addr: str,
    page: PageRequest | None,
    node: str,
    height: int,
    output: str,
) -> None:
    """A delegator's redelegations (all, or from SRC to DST)."""
    req = q.QueryRedelegationsRequest(
        delegator_addr=delegator_addr,
        src_validator_addr=src_validator_addr,
        dst_validator_addr=dst_validator_addr,
        pagination=page,
    )
    run_query(node, req, output, height)


@query_group.command("historical-info")
@click.argument("block_height", type=INT64)
@query_options
def historical_info(block_height: int, node: str, height: int, output: str) -> None:
    """The block header and bonded validator set recorded at a height (the last
    historical_entries blocks are kept)."""
    if block_height < 0:
        fail("height argument provided must be a non-negative-integer")
    run_query(node, q.QueryHistoricalInfoRequest(height=block_height), output, height)


# Commands of the autocli shape (REST-path positionals, page flags); the names are zenrockd's.
_BY_DELEGATION = ("delegator_addr", "validator_addr")  # zenrockd's order, not the path's
add_queries(
    query_group,
    q.DESCRIPTOR.services_by_name["Query"],
    {
        "Validator": Query("One validator by its zenvaloper address."),
        "ValidatorPower": Query("The consensus power of every validator."),
        "ValidatorDelegations": Query("The delegations to a validator.", name="delegations-to"),
        "ValidatorUnbondingDelegations": Query(
            "The unbonding delegations from a validator.", name="unbonding-delegations-from"
        ),
        "Delegation": Query(
            "One delegator's delegation to one validator.", positional=_BY_DELEGATION
        ),
        "UnbondingDelegation": Query(
            "One delegator's unbonding delegation from one validator.",
            positional=_BY_DELEGATION,
        ),
        "DelegatorDelegations": Query("All delegations of a delegator.", name="delegations"),
        "DelegatorUnbondingDelegations": Query(
            "All unbonding delegations of a delegator.", name="unbonding-delegations"
        ),
        "DelegatorValidators": Query("The validators a delegator is bonded to."),
        "DelegatorValidator": Query("A validator a delegator is bonded to."),
        "Pool": Query("Bonded and not-bonded tokens."),
        "Params": Query("The validation module's params."),
    },
)


__all__ = ["create_validator_msg", "parse_consensus_pubkey", "query_group", "tx_group"]
