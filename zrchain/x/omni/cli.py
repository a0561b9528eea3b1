"""``zrchaind tx omni …`` and ``zrchaind q omni …`` (docs/zrsign-policies.md).

The typed data to sign comes from ``q omni typed-data`` (it fills in the account's next
nonce and the chain's domain); a wallet signs it with ``eth_signTypedData_v4`` (or
``tx omni sign-typed-data`` with a local key file, for tests and scripts); anyone submits
the result with ``tx omni submit`` (``tx policy approve-action --eip712`` for approvals).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import click

from zrchain.chains.eip712 import StructType, Value
from zrchain.cli.autocli import Query, add_queries
from zrchain.cli.common import fail
from zrchain.cli.tx_cmds import TxContext, broadcast, tx_flags
from zrchain.client.chain import ChainClient
from zrchain.codec.gen.zrchain.omni import query_pb2 as q
from zrchain.codec.services import full_method, query_rpc
from zrchain.x.omni import typed_data
from zrchain.x.omni.signed_file import SignedFileError, read_signed

tx_group = click.Group("omni", help="zrSign Omni: EVM accounts' policies and approvals.")
query_group = click.Group("omni", help="Querying commands for zrSign Omni.")

add_queries(
    query_group,
    q.DESCRIPTOR.services_by_name["Query"],
    {
        "ZrSignAction": Query(
            "The policy action of a zrSign request: --caip2 --contract --trace-id, or --cache-id."
        ),
        "ZrSignActions": Query("The zrSign requests of an owner held by a policy."),
        "EvmNonce": Query("The next EIP-712 nonce of an EVM account."),
        "TypedDataDomain": Query("The EIP-712 domain this chain verifies against."),
    },
)


def _typed(
    node: str, chain_id: str, struct: StructType, values: dict[str, Value], signer: str
) -> None:
    req = q.QueryEvmNonceRequest(address=signer)
    rpc = query_rpc(req.DESCRIPTOR)
    try:
        res = ChainClient(node).query(full_method(rpc), req, q.QueryEvmNonceResponse)
    except Exception as exc:  # QueryFailed, RPC errors: one line for the user
        fail(f"cannot read the nonce of {signer}: {exc}")
    values = {**values, "nonce": int(res.nonce)}
    click.echo(json.dumps(typed_data.wallet_json(chain_id, struct, values), indent=2))


def _deadline(seconds: int) -> int:
    return int(time.time()) + seconds


_common = [
    click.option("--node", default="tcp://localhost:26657", show_default=True),
    click.option("--chain-id", default="zenrock", show_default=True),
    click.option("--valid-for", default=3600, show_default=True, help="seconds until expiry"),
]


def _with_common(f: Callable[..., Any]) -> Callable[..., Any]:
    for opt in reversed(_common):
        f = opt(f)
    return f


@query_group.group("typed-data")
def typed_group() -> None:
    """Print the EIP-712 typed data (eth_signTypedData_v4 JSON) of an operation to sign."""


def _decision_command(name: str, struct: StructType, help_text: str) -> None:
    @typed_group.command(name, help=help_text)
    @click.argument("approver")
    @click.argument("action_id", type=click.IntRange(0, 2**64 - 1))
    @_with_common
    def command(approver: str, action_id: int, node: str, chain_id: str, valid_for: int) -> None:
        values: dict[str, Value] = {"approver": approver, "actionId": action_id}
        values["deadline"] = _deadline(valid_for)
        _typed(node, chain_id, struct, values, approver)


_decision_command("approve-action", typed_data.APPROVE_ACTION, "APPROVER (0x…) approves ACTION_ID.")
_decision_command(
    "reject-action", typed_data.REJECT_ACTION, "APPROVER (0x…, a participant) says no to ACTION_ID."
)


@typed_group.command("set-key-policy")
@click.argument("owner")
@click.argument("wallet_type", type=click.IntRange(0, 2**64 - 1))
@click.argument("wallet_index", type=click.IntRange(0, 2**64 - 1))
@click.argument("policy_id", type=click.IntRange(0, 2**64 - 1))
@_with_common
def typed_set_key_policy(
    owner: str,
    wallet_type: int,
    wallet_index: int,
    policy_id: int,
    node: str,
    chain_id: str,
    valid_for: int,
) -> None:
    """OWNER attaches POLICY_ID (0: none) to its key WALLET_TYPE (60, 0, 1, 501)/WALLET_INDEX."""
    values: dict[str, Value] = {
        "owner": owner,
        "walletType": wallet_type,
        "walletIndex": wallet_index,
        "signPolicyId": policy_id,
        "deadline": _deadline(valid_for),
    }
    _typed(node, chain_id, typed_data.SET_KEY_POLICY, values, owner)


@typed_group.command("new-policy")
@click.argument("owner")
@click.argument("name")
@click.argument("definition")
@click.argument("participants")
@click.option("--btl", default=0, type=click.IntRange(0, 2**64 - 1))
@_with_common
def typed_new_policy(
    owner: str,
    name: str,
    definition: str,
    participants: str,
    btl: int,
    node: str,
    chain_id: str,
    valid_for: int,
) -> None:
    """OWNER creates a policy; PARTICIPANTS comma-separated (eip155:…, zen1…)."""
    values: dict[str, Value] = {
        "owner": owner,
        "name": name,
        "definition": definition,
        "participants": [p for p in participants.split(",") if p],
        "btl": btl,
        "deadline": _deadline(valid_for),
    }
    _typed(node, chain_id, typed_data.NEW_POLICY, values, owner)


@tx_group.command("sign-typed-data")
@click.argument("typed_data_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--evm-key-file", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out", default="-", help="where to write the signed document")
def sign_typed_data(typed_data_file: str, evm_key_file: str, out: str) -> None:
    """Sign typed data with a local EVM key (hex in a file), as a wallet would."""
    from eth_account import Account  # loaded here: a third of a second of every CLI start
    from eth_account.messages import encode_typed_data

    with open(typed_data_file, encoding="utf-8") as f:
        data = json.load(f)
    with open(evm_key_file, encoding="utf-8") as f:
        key = f.read().strip()
    try:
        signed = Account.sign_message(encode_typed_data(full_message=data), key)
    except Exception as exc:  # eth-account's errors for malformed typed data or keys
        fail(f"cannot sign: {exc}")
    doc = json.dumps({"typedData": data, "signature": "0x" + bytes(signed.signature).hex()})
    if out == "-":
        click.echo(doc)
    else:
        with open(out, "w", encoding="utf-8") as f:
            f.write(doc + "\n")


@tx_group.command("submit")
@click.argument("signed_file", type=click.Path(exists=True, dir_okay=False))
@tx_flags
def submit(signed_file: str, tx: TxContext) -> None:
    """Submit what an EVM account signed (paying the fee): SIGNED_FILE from sign-typed-data
    or {"typedData": …, "signature": "0x…"} from any wallet."""
    try:
        msg = read_signed(signed_file, tx.address)
    except SignedFileError as exc:
        fail(str(exc))
    broadcast(tx, [msg])
