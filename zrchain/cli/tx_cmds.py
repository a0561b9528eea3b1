"""``zrchaind tx``: the SDK's common tx flags and the sign-and-broadcast flow every module's
tx commands share."""

from __future__ import annotations

import functools
import json
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import click
from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2

from zrchain.cli.common import UINT64, default_home, fail
from zrchain.cli.output import emit
from zrchain.client.chain import ChainClient, QueryFailed, TxOptions
from zrchain.client.rpc import RPCError
from zrchain.client.tx import pack
from zrchain.codec.coins import parse_coins, parse_dec_coins, shown
from zrchain.codec.ints import IntSyntaxError, parse_go_int
from zrchain.codec.json import to_dict
from zrchain.errors import ChainError
from zrchain.tx.decode import MAX_GAS_WANTED


@dataclass
class TxContext:
    """Everything the common flags say about how to sign and send."""

    from_: str
    chain_id: str
    node: str
    home: str
    keyring_backend: str
    keyring_dir: str
    opts: TxOptions
    broadcast_mode: str
    yes: bool
    dry_run: bool
    generate_only: bool
    output: str

    def keyring(self) -> Any:
        from zrchain.crypto.keyring import Keyring

        return Keyring(self.keyring_dir or self.home, self.keyring_backend, _passphrase_provider)

    def signer(self) -> Any:
        """The --from key (name or address) from the keyring."""
        from zrchain.crypto.keyring import KeyringError

        if not self.from_:
            fail("--from is required: a key name or address in the keyring")
        try:
            return self.keyring().get(self.from_)
        except KeyringError as exc:
            fail(str(exc))

    @property
    def address(self) -> str:
        return str(self.signer().address)


def _passphrase_provider(prompt: str, new: bool) -> str:
    env = os.environ.get("ZRCHAIN_KEYRING_PASSPHRASE")
    if env is not None:
        return env
    return str(click.prompt(prompt, hide_input=True, confirmation_prompt=new, err=True))


def tx_flags(f: Callable[..., Any]) -> Callable[..., Any]:
    """Add the SDK's tx flags; the command receives a ``tx`` (TxContext) keyword."""
    options = [
        click.option("--from", "from_", default="", help="key name or address to sign with"),
        click.option("--chain-id", default="", help="chain id (default: asked from the node)"),
        click.option("--node", default="tcp://localhost:26657", show_default=True),
        click.option("--home", default=default_home, show_default="~/.zrchain"),
        click.option(
            "--keyring-backend",
            default="test",
            show_default=True,
            type=click.Choice(["test", "file", "memory"]),
        ),
        click.option("--keyring-dir", default="", help="keyring folder (default: --home)"),
        click.option("--fees", default="", help="fee coins, e.g. 500000urock"),
        click.option(
            "--gas", default="200000", show_default=True, help="gas limit, or 'auto' to simulate"
        ),
        click.option("--gas-adjustment", default=1.0, type=float, show_default=True),
        click.option("--gas-prices", default="", help="e.g. 0.0001urock (fee = gas x price)"),
        click.option("--note", default="", help="memo"),
        click.option("--timeout-height", default=0, type=UINT64),
        click.option("--fee-payer", default=""),
        click.option("--fee-granter", default=""),
        click.option("-a", "--account-number", default=None, type=UINT64),
        click.option("-s", "--sequence", default=None, type=UINT64),
        click.option(
            "-b",
            "--broadcast-mode",
            default="sync",
            show_default=True,
            type=click.Choice(["sync", "async"]),
        ),
        click.option("-y", "--yes", is_flag=True, help="skip the confirmation prompt"),
        click.option("--dry-run", is_flag=True, help="simulate only; print the gas estimate"),
        click.option("--generate-only", is_flag=True, help="print the unsigned tx"),
        click.option(
            "-o", "--output", default="json", show_default=True, type=click.Choice(["json", "text"])
        ),
    ]

    @functools.wraps(f)
    def wrapper(**kw: Any) -> Any:
        gas_text = kw.pop("gas")
        if gas_text == "auto":
            gas: int | None = None
        else:
            try:  # the SDK's ParseGasSetting: "auto" or a uint64
                gas = parse_go_int(gas_text, 64)
            except IntSyntaxError as exc:
                fail(f"invalid --gas {shown(gas_text)}: a number or 'auto' ({exc})")
            if gas > MAX_GAS_WANTED:
                fail(f"invalid --gas {gas}: more than the most a tx may ask for, {MAX_GAS_WANTED}")
        adjustment = kw["gas_adjustment"]
        if not math.isfinite(adjustment) or adjustment <= 0:
            fail(f"invalid --gas-adjustment {adjustment}: a positive number")
        opts = TxOptions(
            gas=gas,
            gas_adjustment=kw.pop("gas_adjustment"),
            gas_prices=kw.pop("gas_prices"),
            fees=kw.pop("fees"),
            memo=kw.pop("note"),
            timeout_height=kw.pop("timeout_height"),
            fee_payer=kw.pop("fee_payer"),
            fee_granter=kw.pop("fee_granter"),
            account_number=kw.pop("account_number"),
            sequence=kw.pop("sequence"),
        )
        if opts.fees and opts.gas_prices:
            fail("cannot provide both --fees and --gas-prices")
        for flag, text, parse in (
            ("--fees", opts.fees, parse_coins),
            ("--gas-prices", opts.gas_prices, parse_dec_coins),
        ):
            try:
                parse(text)
            except ChainError as exc:
                fail(f"invalid {flag}: {exc.context}")
        tx = TxContext(
            from_=kw.pop("from_"),
            chain_id=kw.pop("chain_id"),
            node=kw.pop("node"),
            home=kw.pop("home"),
            keyring_backend=kw.pop("keyring_backend"),
            keyring_dir=kw.pop("keyring_dir"),
            opts=opts,
            broadcast_mode=kw.pop("broadcast_mode"),
            yes=kw.pop("yes"),
            dry_run=kw.pop("dry_run"),
            generate_only=kw.pop("generate_only"),
            output=kw.pop("output"),
        )
        return f(tx=tx, **kw)

    for opt in reversed(options):
        wrapper = opt(wrapper)
    return wrapper


def broadcast(tx: TxContext, msgs: Sequence[Any]) -> None:
    """Sign with --from and broadcast ``msgs``; print the TxResponse (SDK shape)."""
    if tx.generate_only:
        # The unsigned tx in the SDK's JSON shape, for tx sign / multi-sign.
        fee = tx_pb2.Fee(
            amount=parse_coins(tx.opts.fees).to_protos() if tx.opts.fees else [],
            gas_limit=tx.opts.gas if tx.opts.gas is not None else 200_000,
            payer=tx.opts.fee_payer,
            granter=tx.opts.fee_granter,
        )
        unsigned = tx_pb2.Tx(
            body=tx_pb2.TxBody(
                messages=[pack(m) for m in msgs],
                memo=tx.opts.memo,
                timeout_height=tx.opts.timeout_height,
            ),
            auth_info=tx_pb2.AuthInfo(fee=fee),
        )
        emit(to_dict(unsigned), tx.output)
        return
    key = tx.signer()
    keyring = tx.keyring()
    client = ChainClient(tx.node, chain_id=tx.chain_id)

    def sign(data: bytes) -> bytes:
        return bytes(keyring.sign(key.name, data))

    try:
        if tx.dry_run:
            opts = TxOptions(**{**tx.opts.__dict__, "gas": None, "gas_adjustment": 1.0})
            raw = client.build_signed(msgs, key.address, key.pubkey, sign, opts)
            click.echo(f"gas estimate: {_gas_of(raw)}", err=True)
            return
        raw = client.build_signed(msgs, key.address, key.pubkey, sign, tx.opts)
        if tx.opts.gas is None:
            click.echo(f"gas estimate: {_gas_of(raw)}", err=True)
        if not tx.yes:
            click.echo(
                json.dumps(
                    {
                        "body": to_dict(
                            tx_pb2.TxBody(messages=[pack(m) for m in msgs], memo=tx.opts.memo)
                        )
                    }
                ),
                err=True,
            )
            if not click.confirm(
                "confirm transaction before signing and broadcasting", err=True, default=False
            ):
                fail("canceled transaction")
        res = client.broadcast(raw, tx.broadcast_mode)
    except QueryFailed as exc:
        fail(exc.log)
    except ChainError as exc:
        fail(exc.log)
    except (RPCError, OSError) as exc:
        fail(f"cannot reach {tx.node}: {exc}")
    d = to_dict(res)
    d.setdefault("tx", None)
    d.setdefault("logs", [])
    emit(d, tx.output)  # like the SDK: a rejected tx is reported in `code`, exit status 0


def _gas_of(raw: bytes) -> int:
    auth = tx_pb2.AuthInfo.FromString(tx_pb2.TxRaw.FromString(raw).auth_info_bytes)
    return int(auth.fee.gas_limit)


@click.group("tx")
def tx_group() -> None:
    """Transactions subcommands."""


def mount(group: click.Group, modules: list[Any]) -> None:
    for m in modules:
        sub = m.cli_tx()
        if sub is not None:
            group.add_command(sub)
