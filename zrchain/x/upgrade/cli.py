"""``zrchaind tx upgrade software-upgrade|cancel-software-upgrade`` (as gov proposals, as
the SDK's) and ``zrchaind q upgrade plan|applied|module-versions``."""

from __future__ import annotations

import click
from cosmpy.protos.cosmos.upgrade.v1beta1 import query_pb2 as q
from cosmpy.protos.cosmos.upgrade.v1beta1 import tx_pb2, upgrade_pb2

from zrchain.cli.args import uint_arg
from zrchain.cli.query_cmds import query_options, run_query
from zrchain.cli.tx_cmds import TxContext, tx_flags
from zrchain.x.gov.cli import proposal_flags, submit_as_proposal
from zrchain.x.gov.types import GOV_AUTHORITY


@click.group("upgrade")
def tx_group() -> None:
    """Upgrade transaction subcommands."""


@tx_group.command("software-upgrade")
@click.argument("name")
@click.option("--upgrade-height", required=True, help="The height at which the upgrade must happen")
@click.option("--upgrade-info", default="", help="Info for the upgrade plan such as binaries")
@proposal_flags
@tx_flags
def software_upgrade(
    name: str,
    upgrade_height: str,
    upgrade_info: str,
    title: str,
    summary: str,
    deposit: str,
    metadata: str,
    expedited: bool,
    tx: TxContext,
) -> None:
    """Submit a software upgrade proposal (a MsgSoftwareUpgrade signed by the gov account)."""
    plan = upgrade_pb2.Plan(
        name=name, height=uint_arg(upgrade_height, "upgrade-height"), info=upgrade_info
    )
    msg = tx_pb2.MsgSoftwareUpgrade(authority=GOV_AUTHORITY, plan=plan)
    submit_as_proposal(tx, msg, title, summary, deposit, metadata, expedited)


@tx_group.command("cancel-software-upgrade")
@proposal_flags
@tx_flags
def cancel_software_upgrade(title: str, summary: str, deposit: str, metadata: str,
                            expedited: bool, tx: TxContext) -> None:  # fmt: skip
    """Submit a proposal to cancel the scheduled upgrade."""
    msg = tx_pb2.MsgCancelUpgrade(authority=GOV_AUTHORITY)
    submit_as_proposal(tx, msg, title, summary, deposit, metadata, expedited)


@click.group("upgrade")
def query_group() -> None:
    """Querying commands for the upgrade module."""


@query_group.command("plan")
@query_options
def plan(node: str, height: int, output: str) -> None:
    """The scheduled upgrade plan, if any."""
    run_query(node, q.QueryCurrentPlanRequest(), output, height)


@query_group.command("applied")
@click.argument("upgrade_name")
@query_options
def applied(upgrade_name: str, node: str, height: int, output: str) -> None:
    """The height at which a completed upgrade was applied (0 if never)."""
    run_query(node, q.QueryAppliedPlanRequest(name=upgrade_name), output, height)


@query_group.command("module-versions")
@click.argument("module_name", required=False, default="")
@query_options
def module_versions(module_name: str, node: str, height: int, output: str) -> None:
    """Every module's consensus version as the chain recorded it, or one module's."""
    run_query(node, q.QueryModuleVersionsRequest(module_name=module_name), output, height)


__all__ = ["query_group", "tx_group"]
