"""``zrchaind tx distribution …`` and ``zrchaind q distribution …`` (zenrockd's shapes)."""

from __future__ import annotations

import click
from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest
from cosmpy.protos.cosmos.distribution.v1beta1 import query_pb2 as q
from cosmpy.protos.cosmos.distribution.v1beta1 import tx_pb2

from zrchain.cli.args import coins_arg, page_flags
from zrchain.cli.common import fail
from zrchain.cli.query_cmds import query_options, run_query
from zrchain.cli.tx_cmds import TxContext, broadcast, tx_flags
from zrchain.client.chain import ChainClient, QueryFailed
from zrchain.client.rpc import RPCError
from zrchain.codec.services import full_method, query_rpc


@click.group("distribution")
def tx_group() -> None:
    """Distribution transactions subcommands."""


@tx_group.command("withdraw-rewards")
@click.argument("validator_addr")
@click.option("--commission", is_flag=True, help="also withdraw the validator's commission")
@tx_flags
def withdraw_rewards(validator_addr: str, commission: bool, tx: TxContext) -> None:
    """Withdraw the --from delegator's rewards from one validator (and, with
    --commission, that validator's commission: --from must be its operator)."""
    msgs: list[object] = [
        tx_pb2.MsgWithdrawDelegatorReward(
            delegator_address=tx.address, validator_address=validator_addr
        )
    ]
    if commission:
        msgs.append(tx_pb2.MsgWithdrawValidatorCommission(validator_address=validator_addr))
    broadcast(tx, msgs)


@tx_group.command("withdraw-all-rewards")
@tx_flags
def withdraw_all_rewards(tx: TxContext) -> None:
    """Withdraw the --from delegator's rewards from every validator it delegates to."""
    req = q.QueryDelegatorValidatorsRequest(delegator_address=tx.address)
    try:
        res = ChainClient(tx.node).query(
            full_method(query_rpc(req.DESCRIPTOR)), req, q.QueryDelegatorValidatorsResponse
        )
    except QueryFailed as exc:
        fail(exc.log)
    except (RPCError, OSError) as exc:
        fail(f"cannot query {tx.node}: {exc}")
    if not res.validators:
        fail(f"{tx.address} has no delegations")
    broadcast(
        tx,
        [
            tx_pb2.MsgWithdrawDelegatorReward(delegator_address=tx.address, validator_address=v)
            for v in res.validators
        ],
    )


@tx_group.command("set-withdraw-addr")
@click.argument("withdraw_addr")
@tx_flags
def set_withdraw_addr(withdraw_addr: str, tx: TxContext) -> None:
    """Send the --from delegator's future rewards to WITHDRAW_ADDR."""
    broadcast(
        tx,
        [
            tx_pb2.MsgSetWithdrawAddress(
                delegator_address=tx.address, withdraw_address=withdraw_addr
            )
        ],
    )


@tx_group.command("fund-community-pool")
@click.argument("amount")
@tx_flags
def fund_community_pool(amount: str, tx: TxContext) -> None:
    """Send AMOUNT (e.g. 100urock) from --from to the community pool."""
    broadcast(
        tx,
        [tx_pb2.MsgFundCommunityPool(depositor=tx.address, amount=coins_arg(amount))],
    )


@tx_group.command("fund-validator-rewards-pool")
@click.argument("validator_addr")
@click.argument("amount", nargs=-1, required=True)
@tx_flags
def fund_validator_rewards_pool(
    validator_addr: str, amount: tuple[str, ...], tx: TxContext
) -> None:
    """Send AMOUNT (e.g. 100urock; several coins as separate arguments or comma-separated)
    from --from to VALIDATOR_ADDR's rewards: its commission applies, its delegators share
    the rest."""
    broadcast(
        tx,
        [
            tx_pb2.MsgDepositValidatorRewardsPool(
                depositor=tx.address,
                validator_address=validator_addr,
                amount=coins_arg(",".join(amount)),
            )
        ],
    )


@click.group("distribution")
def query_group() -> None:
    """Querying commands for the distribution module."""


@query_group.command("params")
@query_options
def params(node: str, height: int, output: str) -> None:
    """The distribution params."""
    run_query(node, q.QueryParamsRequest(), output, height)


@query_group.command("rewards")
@click.argument("delegator_addr")
@click.argument("validator_addr", required=False)
@query_options
def rewards(
    delegator_addr: str, validator_addr: str | None, node: str, height: int, output: str
) -> None:
    """A delegator's rewards (from all its validators, or from one)."""
    if validator_addr:
        req: object = q.QueryDelegationRewardsRequest(
            delegator_address=delegator_addr, validator_address=validator_addr
        )
    else:
        req = q.QueryDelegationTotalRewardsRequest(delegator_address=delegator_addr)
    run_query(node, req, output, height)  # type: ignore[arg-type]


@query_group.command("commission")
@click.argument("validator_addr")
@query_options
def commission(validator_addr: str, node: str, height: int, output: str) -> None:
    """A validator's accumulated commission."""
    run_query(
        node, q.QueryValidatorCommissionRequest(validator_address=validator_addr), output, height
    )


@query_group.command("validator-outstanding-rewards")
@click.argument("validator_addr")
@query_options
def outstanding(validator_addr: str, node: str, height: int, output: str) -> None:
    """Rewards not yet withdrawn from a validator (its delegators' and its commission)."""
    run_query(
        node,
        q.QueryValidatorOutstandingRewardsRequest(validator_address=validator_addr),
        output,
        height,
    )


@query_group.command("validator-distribution-info")
@click.argument("validator_addr")
@query_options
def distribution_info(validator_addr: str, node: str, height: int, output: str) -> None:
    """A validator's self-bond rewards and commission."""
    run_query(
        node,
        q.QueryValidatorDistributionInfoRequest(validator_address=validator_addr),
        output,
        height,
    )


@query_group.command("slashes")
@click.argument("validator_addr")
@click.argument("start_height", type=int)
@click.argument("end_height", type=int)
@page_flags
@query_options
def slashes(
    validator_addr: str,
    start_height: int,
    end_height: int,
    page: PageRequest | None,
    node: str,
    height: int,
    output: str,
) -> None:
    """A validator's slashes between two heights."""
    run_query(
        node,
        q.QueryValidatorSlashesRequest(
            validator_address=validator_addr,
            starting_height=start_height,
            ending_height=end_height,
            pagination=page,
        ),
        output,
        height,
    )


@query_group.command("community-pool")
@query_options
def community_pool(node: str, height: int, output: str) -> None:
    """The community pool's coins."""
    run_query(node, q.QueryCommunityPoolRequest(), output, height)


@query_group.command("withdraw-addr")
@click.argument("delegator_addr")
@query_options
def withdraw_addr(delegator_addr: str, node: str, height: int, output: str) -> None:
    """Where a delegator's rewards are sent."""
    run_query(
        node,
        q.QueryDelegatorWithdrawAddressRequest(delegator_address=delegator_addr),
        output,
        height,
    )


__all__ = ["query_group", "tx_group"]
