"""zrChain's x/mint on an in-process chain: the keyring and tx fees are split (burn,
protocol wallet, staking), the staking reward is topped up from the mint account or the
block mints nothing, and the SDK minter's inflation reaches the fee collector. Every figure
is worked out by hand from zrChain's Go formulas (LegacyDec, 18 decimals: ``Mul``/``Quo``
round half to even, ``QuoInt``/``TruncateInt`` cut), not by this node's code."""

from __future__ import annotations

from typing import Any

import pytest
from cosmpy.protos.cosmos.bank.v1beta1 import query_pb2 as bq
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as btx

from tests.unit.validation.staking_helpers import FUNDS, cons_key, create_validator, ok
from zrchain.codec.address import acc_string, module_address
from zrchain.codec.dec import Dec
from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.codec.gen.zrchain.mint.v1beta1 import query_pb2 as mq
from zrchain.codec.gen.zrchain.mint.v1beta1 import tx_pb2 as mtx
from zrchain.codec.json import to_dict
from zrchain.context import Mode
from zrchain.errors import ChainError
from zrchain.store.kv import Branch
from zrchain.testing.inproc import Chain, make_chain
from zrchain.x.gov.types import GOV_AUTHORITY
from zrchain.x.mint import params as mp
from zrchain.x.mint.msg_server import MintMsgServer
from zrchain.x.mint.params import DEFAULT_PARAMS

MQ = "/zrchain.mint.v1beta1.Query/"
WALLET = acc_string(bytes([7]) * 20)  # the protocol wallet in these tests
MINT = acc_string(module_address("mint"))
KEYRING = acc_string(module_address("keyring_collector"))
DISTRIBUTION = acc_string(module_address("distribution"))
BONDED = 10_000_000  # alice's self-delegation


def _chain(tmp_path: Any, funded_modules: dict[str, int] = {}, keyring_fee: int = 0) -> Chain:  # noqa: B006
    """alice and bob with FUNDS each; blocks_per_year 1000 and staking_yield 0.1, so the
    staking reward on alice's 10M bonded is 10M * 0.1 / 1000 = 1000 urock a block."""

    def edit(state: dict[str, Any]) -> None:
        state["identity"]["params"]["keyring_creation_fee"] = str(keyring_fee)
        p = state["mint"]["params"]
        p.update(blocks_per_year="1000", staking_yield="0.1", protocol_wallet_address=WALLET)
        for addr, amount in funded_modules.items():
            state["bank"]["balances"].append(
                {"address": addr, "coins": [{"denom": "urock", "amount": str(amount)}]}
            )

    return make_chain(tmp_path, {"alice": FUNDS, "bob": FUNDS}, app_state=edit)


def _bond(chain: Chain, fee: int) -> None:
    """Block 1: alice's validator (bonded at its end block); its fee is claimed in block 2."""
    alice = chain.wallets["alice"]
    ok(chain.run(alice, [create_validator(alice, cons_key(0), BONDED)], fee=f"{fee}urock"))


def _mint_events(res: Any) -> dict[str, str]:
    return {a.key: a.value for e in res.events if e.type == "mint" for a in e.attributes}


def _supply(chain: Chain) -> int:
    r = chain.q(
        "/cosmos.bank.v1beta1.Query/SupplyOf",
        bq.QuerySupplyOfRequest(denom="urock"),
        bq.QuerySupplyOfResponse,
    )
    return int(r.amount.amount)


def _minter(chain: Chain) -> tuple[str, str]:
    inf = chain.q(MQ + "Inflation", mq.QueryInflationRequest(), mq.QueryInflationResponse)
    ap = chain.q(
        MQ + "AnnualProvisions", mq.QueryAnnualProvisionsRequest(), mq.QueryAnnualProvisionsResponse
    )
    return (
        str(Dec.from_atomics(inf.inflation)),
        str(Dec.from_atomics(ap.annual_provisions)),
    )


# -- the minter's formulas ---------------------------------------------------------------------
def test_the_minter_moves_inflation_by_the_bonded_ratio_as_the_sdk() -> None:
    """Supply 500e9, 5e6 bonded, zrChain's defaults: ratio 0.00001; per block inflation
    rises by (1 - 0.00001/0.67) * 0.13 / 6311520 = 0.000000020596949657."""
    ratio = mp.bonded_ratio(5_000_000, 500_000_000_000)
    assert str(ratio) == "0.000010000000000000"
    inflation = mp.next_inflation(Dec.ratio(13, 100), DEFAULT_PARAMS, ratio)
    assert str(inflation) == "0.130000020596949657"
    annual = mp.annual_provisions(inflation, 500_000_000_000)
    assert str(annual) == "65000010298.474828500000000000"
    assert mp.block_provision(annual, DEFAULT_PARAMS) == 10_298


def test_inflation_stays_between_its_bounds() -> None:
    nothing_bonded = mp.next_inflation(Dec.ratio(20, 100), DEFAULT_PARAMS, Dec(0))
    assert str(nothing_bonded) == "0.200000000000000000"
    all_bonded = mp.next_inflation(Dec.ratio(7, 100), DEFAULT_PARAMS, Dec.of(1))
    assert str(all_bonded) == "0.070000000000000000"
    assert mp.bonded_ratio(1, 0) == Dec(0)  # no supply: ratio 0, not a division by zero


def test_the_staking_reward_is_a_block_of_the_yearly_yield() -> None:
    # 1e12 bonded * 0.07 / 6311520 = 11090.6... -> 11090
    assert mp.staking_reward(10**12, DEFAULT_PARAMS) == 11_090
    assert mp.staking_reward(90_000_000, DEFAULT_PARAMS) == 0  # under ~90M urock: nothing


# -- begin block -------------------------------------------------------------------------------
def test_keyring_and_tx_fees_are_split_and_the_surplus_shared(tmp_path) -> None:
    """Block 1: alice bonds (fee 20,000) and bob creates a keyring (fee 20,000, keyring
    creation fee 100,000 to keyring_collector). Block 2 claims 100,000 + 40,000: 10 %
    burned (14,000), 30 % to the protocol wallet (42,000), 84,000 left; the staking reward
    is 1,000, so 83,000 is surplus: 25 % burned (20,750), 5 % to the wallet (4,150), 30 % to
    the fee collector (24,900), 33,200 kept. Then inflation: supply 200,000,000,000,
    bonded ratio 10M / supply = 0.00005, inflation 0.13 + (1 - 0.00005/0.67) * 0.13 / 1000
    = 0.130129990298507463 (0.00005/0.67 and the product rounded half to even at 18
    places), annual provisions x supply, block provision 26,025,998 (cut)."""
    chain = _chain(tmp_path, keyring_fee=100_000)
    alice, bob = chain.wallets["alice"], chain.wallets["bob"]
    txs = [
        chain.tx(alice, [create_validator(alice, cons_key(0), BONDED)], fee="20000urock",
                 gas=400_000),
        chain.tx(bob, [itx.MsgNewKeyring(creator=bob.address, description="kr")],
                 fee="20000urock", gas=400_000),
    ]  # fmt: skip
    for r in chain.block(txs).tx_results:
        ok(r)
    assert chain.balance(KEYRING) == 100_000
    supply = _supply(chain)
    assert supply == 200_000_000_000
    res = chain.block([])
    ev = _mint_events(res)
    assert ev["keyring_rewards"] == "100000urock"
    assert ev["tx_fees"] == "40000urock"
    assert (ev["burn_amount_rewards"], ev["protocol_wallet_ratio"]) == ("14000", "42000")
    assert ev["surplus_amount"] == "83000"
    assert ev["additional_burn_amount_rewards"] == "20750"
    assert ev["additional_mpc_rewards"] == "4150"
    assert ev["additional_staking_rewards"] == "24900"
    assert ev["total_block_staking_rewards"] == "1000"
    assert ev["total_fees"] == "140000"
    assert ev["bonded_ratio"] == "0.000050000000000000"
    assert ev["inflation"] == "0.130129990298507463"
    assert ev["annual_provisions"] == "26025998059.701492600000000000"
    assert ev["amount"] == "26025998"
    assert "top_up_amount" not in ev
    assert chain.balance(KEYRING) == 0
    assert chain.balance(WALLET) == 42_000 + 4_150
    assert chain.balance(MINT) == 33_200
    # the fee collector got 24,900 + 1,000 + 26,025,998 and distribution took it all
    assert chain.balance(DISTRIBUTION) == 24_900 + 1_000 + 26_025_998
    assert _supply(chain) == supply - 14_000 - 20_750 + 26_025_998
    assert _minter(chain) == ("0.130129990298507463", "26025998059.701492600000000000")


def test_the_staking_reward_is_topped_up_from_the_mint_account(tmp_path) -> None:
    """The mint account holds 5,000. Block 2 claims alice's 1,000 fee: 100 burned, 300 to
    the wallet, 600 left for a 1,000 reward: a top-up of 400 from the account (5,600 ->
    4,600). Block 3 has no fees: the whole 1,000 comes from the account (3,600 left)."""
    chain = _chain(tmp_path, {MINT: 5_000})
    _bond(chain, 1_000)
    ev2 = _mint_events(chain.block([]))
    assert (ev2["top_up_amount"], ev2["total_block_staking_rewards"]) == ("400", "1000")
    assert ev2["amount"] == "26025998"  # supply 200,000,005,000
    assert chain.balance(MINT) == 4_600
    ev3 = _mint_events(chain.block([]))
    assert (ev3["top_up_amount"], ev3["tx_fees"]) == ("1000", "0urock")
    assert ev3["inflation"] == "0.130259980598277696"
    assert ev3["amount"] == "26055386"  # supply 200,026,030,898
    assert chain.balance(MINT) == 3_600
    assert chain.balance(WALLET) == 300
    assert _supply(chain) == 200_052_086_284


def test_a_mint_account_short_of_the_reward_mints_nothing_until_funded(tmp_path) -> None:
    """As zrChain: the fee split happens, the top-up check fails (600 < 1,000), the block
    stops there: no staking reward, no inflation, the minter unchanged; the claimed fees
    pile up in the mint account. A transfer to the mint account (open to MsgSend, as on
    zrChain) funds it, and the next block pays and mints."""
    chain = _chain(tmp_path)
    _bond(chain, 1_000)
    ev = _mint_events(chain.block([]))
    assert ev["top_up_amount"] == "400"
    assert "amount" not in ev and "total_block_staking_rewards" not in ev
    assert _minter(chain) == ("0.130000000000000000", "0.000000000000000000")
    assert _supply(chain) == 2 * 10**11 - 100
    assert chain.balance(MINT) == 600
    assert chain.balance(WALLET) == 300
    chain.block([])  # no fees: 600 < 1,000 again
    assert chain.balance(MINT) == 600
    assert _supply(chain) == 2 * 10**11 - 100
    bob = chain.wallets["bob"]
    send = btx.MsgSend(from_address=bob.address, to_address=MINT, amount=[_coin(10_000)])
    ok(chain.run(bob, [send], fee="1000urock"))  # this block still mints nothing
    assert chain.balance(MINT) == 10_600
    ev = _mint_events(chain.block([]))  # claims bob's fee: 600 more, then pays 1,000
    assert ev["total_block_staking_rewards"] == "1000"
    assert int(ev["amount"]) > 0
    assert chain.balance(MINT) == 10_600 + 600 - 1_000


def test_no_fees_and_no_stake_mint_nothing(tmp_path, caplog) -> None:
    """Claimed fees equal to the staking reward (both 0) end zrChain's begin block early;
    on a quiet chain that is every block, so it is no ERROR line (docs/mint.md)."""
    chain = _chain(tmp_path)
    supply = _supply(chain)
    caplog.set_level("DEBUG")
    for res in chain.blocks(3):
        assert "amount" not in _mint_events(res)
    stops = [r for r in caplog.records if "nothing more minted" in r.getMessage()]
    assert stops and all(r.levelname == "DEBUG" for r in stops)
    assert _supply(chain) == supply
    assert _minter(chain) == ("0.130000000000000000", "0.000000000000000000")


# -- params, genesis ---------------------------------------------------------------------------
def _coin(n: int) -> Any:
    from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin

    return Coin(denom="urock", amount=str(n))


def test_params_query_answers_the_genesis_params(tmp_path) -> None:
    chain = _chain(tmp_path)
    p = chain.q(MQ + "Params", mq.QueryParamsRequest(), mq.QueryParamsResponse).params
    shown = to_dict(p)
    assert shown["staking_yield"] == "0.100000000000000000"
    assert shown["blocks_per_year"] == "1000"
    assert shown["burn_rate"] == "0.100000000000000000"
    assert shown["protocol_wallet_address"] == WALLET
    assert shown["mint_denom"] == "urock"


def test_default_params_are_zrchains() -> None:
    shown = to_dict(DEFAULT_PARAMS)
    assert shown == {
        "mint_denom": "urock",
        "inflation_rate_change": "0.130000000000000000",
        "inflation_max": "0.200000000000000000",
        "inflation_min": "0.070000000000000000",
        "goal_bonded": "0.670000000000000000",
        "blocks_per_year": "6311520",
        "staking_yield": "0.070000000000000000",
        "burn_rate": "0.100000000000000000",
        "protocol_wallet_rate": "0.300000000000000000",
        "protocol_wallet_address": "zen1fhln2vnudxddpymqy82vzqhnlsfh4stjd683ze",
        "additional_staking_rewards": "0.300000000000000000",
        "additional_mpc_rewards": "0.050000000000000000",
        "additional_burn_rate": "0.250000000000000000",
    }
    mp.validate_params(DEFAULT_PARAMS)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"mint_denom": ""}, "mint denom cannot be blank"),
        ({"mint_denom": "9x"}, "invalid denom"),
        ({"inflation_max": ""}, "max inflation cannot be nil"),
        ({"inflation_max": Dec.ratio(3, 2).atomics()}, "max inflation too large"),
        ({"inflation_min": "-1"}, "min inflation cannot be negative"),
        ({"goal_bonded": "0"}, "goal bonded must be positive"),
        ({"staking_yield": "0"}, "staking yield must be positive"),
        ({"burn_rate": "abc"}, "invalid burn rate"),
        ({"blocks_per_year": 0}, "blocks per year must be positive"),
        ({"inflation_min": Dec.ratio(3, 10).atomics()}, "must be greater than or equal to min"),
        ({"protocol_wallet_address": "zen1nope"}, "invalid protocol wallet address"),
        ({"protocol_wallet_rate": Dec.ratio(95, 100).atomics()}, "must not exceed 1"),
        ({"additional_staking_rewards": Dec.ratio(80, 100).atomics()}, "must not exceed 1"),
    ],
)
def test_bad_params_are_refused(changes: dict[str, Any], error: str) -> None:
    p = type(DEFAULT_PARAMS)()
    p.CopyFrom(DEFAULT_PARAMS)
    for k, v in changes.items():
        setattr(p, k, v)
    with pytest.raises(ValueError, match=error):
        mp.validate_params(p)


def test_gov_updates_the_params_and_others_cannot(tmp_path) -> None:
    """The handler as gov's proposal execution calls it (tests/adversarial has a
    stranger's MsgUpdateParams through a real tx)."""
    chain = _chain(tmp_path)
    keeper = chain.app.registry.module("mint").keeper
    server = MintMsgServer(keeper)
    ctx = chain.app.context(Branch(chain.app.store.pending), Mode.FINALIZE, height=chain.height + 1)
    p = type(DEFAULT_PARAMS)()
    p.CopyFrom(DEFAULT_PARAMS)
    p.staking_yield = Dec.ratio(5, 100).atomics()
    server.update_params(ctx, mtx.MsgUpdateParams(authority=GOV_AUTHORITY, params=p))
    assert keeper.params(ctx).staking_yield == p.staking_yield
    p.protocol_wallet_address = DISTRIBUTION
    with pytest.raises(ChainError, match="may not receive funds"):
        server.update_params(ctx, mtx.MsgUpdateParams(authority=GOV_AUTHORITY, params=p))
    with pytest.raises(ChainError, match="invalid authority"):
        server.update_params(ctx, mtx.MsgUpdateParams(authority=WALLET, params=p))
    p.protocol_wallet_address = WALLET
    p.blocks_per_year = 0
    with pytest.raises(ChainError, match="blocks per year must be positive") as e:
        server.update_params(ctx, mtx.MsgUpdateParams(authority=GOV_AUTHORITY, params=p))
    assert (e.value.codespace, e.value.code) == ("sdk", 18)
    assert keeper.params(ctx).blocks_per_year == DEFAULT_PARAMS.blocks_per_year
    assert keeper.params(ctx).protocol_wallet_address == DEFAULT_PARAMS.protocol_wallet_address


def test_genesis_round_trips_the_minter_and_params(tmp_path) -> None:
    chain = _chain(tmp_path, {MINT: 5_000})
    _bond(chain, 1_000)
    chain.blocks(2)
    exported = chain.app.export_genesis()
    assert exported["mint"]["minter"]["inflation"] == _minter(chain)[0]
    again = make_chain(
        tmp_path / "again",
        {"alice": FUNDS},
        app_state=lambda full: full.update({"mint": exported["mint"]}),
    )
    assert _minter(again) == _minter(chain)
    assert again.app.export_genesis()["mint"] == exported["mint"]
    chain.app.close()
    again.app.close()
