"""``zrchaind tx validators set-validator`` and ``zrchaind q validators …``."""

from __future__ import annotations

import base64
import json

import click

from zrchain.cli.common import INT64, fail
from zrchain.cli.query_cmds import query_options, run_query
from zrchain.cli.tx_cmds import TxContext, broadcast, tx_flags
from zrchain.codec.gen.zrchain.validators import validators_pb2 as pb


def parse_pubkey(text: str) -> bytes:
    """A validator key as printed by `comet show-validator` (JSON), base64, or hex."""
    text = text.strip()
    try:
        if text.startswith("{"):
            text = json.loads(text)["value"]
        raw = base64.b64decode(text, validate=True) if len(text) != 64 else bytes.fromhex(text)
    except (ValueError, KeyError) as exc:
        fail(f"invalid validator public key {text!r}: {exc}")
    if len(raw) != 32:
        fail(f"invalid validator public key: expected 32 bytes, got {len(raw)}")
    return raw


@click.group("validators")
def tx_group() -> None:
    """Change the validator set (authority only)."""


@tx_group.command("set-validator")
@click.argument("pubkey")
@click.argument("power", type=INT64)
@click.option("--name", default="", help="a label for the validator")
@tx_flags
def set_validator(pubkey: str, power: int, name: str, tx: TxContext) -> None:
    """Add, re-weight (power > 0) or remove (power 0) a validator; PUBKEY as printed by
    `zrchaind comet show-validator`."""
    broadcast(
        tx,
        [
            pb.MsgSetValidator(
                authority=tx.address, pub_key=parse_pubkey(pubkey), power=power, name=name
            )
        ],
    )


@click.group("validators")
def query_group() -> None:
    """Querying commands for the validator set."""


@query_group.command("list")
@query_options
def list_validators(node: str, height: int, output: str) -> None:
    """The validator set as the chain tracks it."""
    run_query(node, pb.QueryValidatorsRequest(), output, height)


@query_group.command("params")
@query_options
def params(node: str, height: int, output: str) -> None:
    """The validator-set authority."""
    run_query(node, pb.QueryParamsRequest(), output, height)
