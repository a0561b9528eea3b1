"""x/upgrade through gov on an in-process chain: a passed MsgSoftwareUpgrade proposal makes
the node stop at the plan's height with the SDK's log line; the same data opened by a
version that registers the plan's handler runs its migration there and goes on."""

from __future__ import annotations

import pytest
from cosmpy.protos.cosmos.gov.v1 import gov_pb2
from cosmpy.protos.cosmos.upgrade.v1beta1 import query_pb2 as uq
from cosmpy.protos.cosmos.upgrade.v1beta1 import tx_pb2 as utx
from cosmpy.protos.cosmos.upgrade.v1beta1 import upgrade_pb2
from gov_helpers import end_voting, gov_chain, proposal, submit_id, vote
from staking_helpers import check_invariants, ok

from zrchain.app import AppSettings, ZrChainApp
from zrchain.context import Context
from zrchain.x.gov.module import GovModule
from zrchain.x.gov.types import GOV_AUTHORITY
from zrchain.x.upgrade.handlers import upgrade_handler
from zrchain.x.upgrade.module import UpgradeNeeded

UQ = "/cosmos.upgrade.v1beta1.Query/"
NAME = "unit-test-v2"


@upgrade_handler(NAME)
def _migrate(ctx: Context, plan: upgrade_pb2.Plan) -> None:
    """The new version's migration: raises the gov min deposit (observable afterwards)."""
    gov = ctx.services.module("gov").keeper
    p = gov.params(ctx)
    p.min_deposit[0].amount = "7777777"
    gov.set_params(ctx, p)


@pytest.fixture
def chain(tmp_path):  # type: ignore[no-untyped-def]
    c = gov_chain(tmp_path)
    yield c
    c.app.close()


def _versions(chain, name: str = "") -> dict[str, int]:  # type: ignore[no-untyped-def]
    res = chain.q(UQ + "ModuleVersions", uq.QueryModuleVersionsRequest(module_name=name),
                  uq.QueryModuleVersionsResponse)  # fmt: skip
    return {v.name: v.version for v in res.module_versions}


def test_genesis_records_every_modules_consensus_version(chain) -> None:
    versions = _versions(chain)
    assert list(versions) == sorted(m.name for m in chain.app.registry.modules)
    # zrChain's declared versions (its app's modules and SDK v0.50.13's)
    assert {n: versions[n] for n in ("auth", "bank", "gov", "upgrade", "validation")} == {
        "auth": 5, "bank": 4, "gov": 5, "upgrade": 2, "validation": 9,
    }  # fmt: skip
    assert _versions(chain, "treasury") == {"treasury": 5}
    res = chain.query_raw(UQ + "ModuleVersions", uq.QueryModuleVersionsRequest(module_name="nope"))
    assert res.code != 0
    assert "QueryModuleVersions module nope not found: module version not found" in res.log
    empty = chain.q(UQ + "UpgradedConsensusState",
                    uq.QueryUpgradedConsensusStateRequest(last_height=chain.height),
                    uq.QueryUpgradedConsensusStateResponse)  # fmt: skip
    assert empty.upgraded_consensus_state == b""  # IBC writes it; there is none here


def test_the_node_halts_at_the_plan_height_and_a_version_with_the_handler_goes_on(
    chain, tmp_path, caplog, monkeypatch
) -> None:
    alice, bob, carol = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    height = chain.height + 10
    plan = upgrade_pb2.Plan(name=NAME, height=height, info="v2 binaries")
    pid = submit_id(chain, carol, [utx.MsgSoftwareUpgrade(authority=GOV_AUTHORITY, plan=plan)])
    ok(vote(chain, alice, pid, gov_pb2.VOTE_OPTION_YES))
    ok(vote(chain, bob, pid, gov_pb2.VOTE_OPTION_YES))
    end_voting(chain)
    assert proposal(chain, pid).status == gov_pb2.PROPOSAL_STATUS_PASSED
    current = chain.q(UQ + "CurrentPlan", uq.QueryCurrentPlanRequest(), uq.QueryCurrentPlanResponse)
    assert current.plan.name == NAME and current.plan.height == height

    # This version has no handler for the plan: it stops at the plan's height.
    chain.app.registry.by_name["upgrade"].handlers.pop(NAME)
    while chain.height < height - 1:
        chain.block([])
    with pytest.raises(UpgradeNeeded, match=f'UPGRADE "{NAME}" NEEDED at height: {height}'):
        chain.block([])
    assert f'UPGRADE "{NAME}" NEEDED at height: {height}: v2 binaries' in caplog.text
    chain.height -= 1  # nothing of the halted block was committed
    chain.time_s -= 1
    chain.app.close()

    # The new version (the handler registered, gov's state version raised) opens the same
    # data and goes on; the upgrade records the new version's module versions.
    monkeypatch.setattr(GovModule, "consensus_version", 6)
    chain.app = ZrChainApp(str(tmp_path), settings=AppSettings(min_gas_prices="0.0001urock"))
    assert _versions(chain, "gov") == {"gov": 5}
    res = chain.block([])
    assert any(e.type == "upgrade" for e in res.events)
    assert _versions(chain, "gov") == {"gov": 6}
    applied = chain.q(UQ + "AppliedPlan", uq.QueryAppliedPlanRequest(name=NAME),
                      uq.QueryAppliedPlanResponse)  # fmt: skip
    assert applied.height == height
    current = chain.q(UQ + "CurrentPlan", uq.QueryCurrentPlanRequest(), uq.QueryCurrentPlanResponse)
    assert not current.HasField("plan")
    from cosmpy.protos.cosmos.gov.v1 import query_pb2 as gq

    params = chain.q("/cosmos.gov.v1.Query/Params", gq.QueryParamsRequest(params_type="deposit"),
                     gq.QueryParamsResponse).params  # fmt: skip
    assert params.min_deposit[0].amount == "7777777"
    chain.blocks(2)
    check_invariants(chain)


def test_an_upgrade_not_signed_by_gov_is_refused(chain) -> None:
    carol = chain.wallets["carol"]
    plan = upgrade_pb2.Plan(name="x", height=chain.height + 100)
    res = chain.run(carol, [utx.MsgSoftwareUpgrade(authority=carol.address, plan=plan)])
    assert res.code != 0 and "invalid authority" in res.log
    current = chain.q(UQ + "CurrentPlan", uq.QueryCurrentPlanRequest(), uq.QueryCurrentPlanResponse)
    assert not current.HasField("plan")


def test_the_query_cli_asks_for_module_versions_and_the_constitution(monkeypatch) -> None:
    from click.testing import CliRunner
    from cosmpy.protos.cosmos.gov.v1 import query_pb2 as gq

    from zrchain.cli.main import cli
    from zrchain.x.gov import cli as gov_cli
    from zrchain.x.upgrade import cli as upgrade_cli

    sent: list[object] = []
    for mod in (gov_cli, upgrade_cli):
        monkeypatch.setattr(mod, "run_query", lambda node, req, output, height: sent.append(req))
    for args in (["module-versions"], ["module-versions", "gov"]):
        res = CliRunner().invoke(cli, ["q", "upgrade", *args], catch_exceptions=False)
        assert res.exit_code == 0, res.output
    res = CliRunner().invoke(cli, ["q", "gov", "constitution"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert sent == [
        uq.QueryModuleVersionsRequest(),
        uq.QueryModuleVersionsRequest(module_name="gov"),
        gq.QueryConstitutionRequest(),
    ]
