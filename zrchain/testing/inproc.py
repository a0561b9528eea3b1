"""An in-process chain over real LevelDB, fed signed txs (unit tests and benchmarks).

``make_chain(path, {"alice": "1000urock", ...})`` runs InitChain with funded accounts and
one empty block; ``Chain.run(wallet, [msgs])`` signs, delivers them in a block and returns
the tx's ``ExecTxResult`` (keeping the wallet's sequence in step).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import coincurve
from cosmpy.protos.cosmos.base.abci.v1beta1 import abci_pb2 as sdk_abci
from google.protobuf.timestamp_pb2 import Timestamp

from zrchain.abci import types as abci
from zrchain.app import AppSettings, ZrChainApp
from zrchain.client.tx import build_tx, private_key_signer
from zrchain.codec.address import acc_string, pubkey_to_address
from zrchain.codec.coins import parse_coins
from zrchain.context import BLOCK_ID_FLAG_ABSENT, BLOCK_ID_FLAG_COMMIT
from zrchain.testing.genesis import add_account
from zrchain.x.auth.keeper import decode_account

GENESIS_TIME = 1_700_000_000


@dataclass
class Wallet:
    key: coincurve.PrivateKey
    number: int = 0
    sequence: int = 0

    @property
    def pubkey(self) -> bytes:
        return self.key.public_key.format()

    @property
    def address(self) -> str:
        return acc_string(pubkey_to_address(self.pubkey))


@dataclass
class Chain:
    app: ZrChainApp
    chain_id: str = "zenrock"
    height: int = 0
    time_s: int = GENESIS_TIME  # the last block's time
    wallets: dict[str, Wallet] = field(default_factory=dict)

    def tx(
        self, w: Wallet, msgs: Sequence[Any], fee: str = "200urock", gas: int = 200_000, **kw: Any
    ) -> bytes:
        kw.setdefault("sequence", w.sequence)
        kw.setdefault("account_number", w.number)
        kw.setdefault("chain_id", self.chain_id)
        return build_tx(
            msgs,
            pubkey=w.pubkey,
            sign=private_key_signer(w.key.secret),
            fee=parse_coins(fee),
            gas_limit=gas,
            **kw,
        )

    def block(
        self,
        txs: list[bytes],
        *,
        votes: Sequence[tuple[bytes, int, bool]] = (),
        misbehavior: Sequence[abci.Misbehavior] = (),
        advance_s: int = 1,
    ) -> abci.ResponseFinalizeBlock:
        """One block ``advance_s`` seconds after the last; ``votes`` are the previous
        block's commit as CometBFT reports it (consensus address, power, signed)."""
        self.height += 1
        self.time_s += advance_s
        req = abci.RequestFinalizeBlock(height=self.height, txs=txs, misbehavior=misbehavior)
        req.time.CopyFrom(Timestamp(seconds=self.time_s))
        for addr, power, signed in votes:
            v = req.decided_last_commit.votes.add(
                block_id_flag=BLOCK_ID_FLAG_COMMIT if signed else BLOCK_ID_FLAG_ABSENT
            )
            v.validator.address, v.validator.power = addr, power
        res = self.app.finalize_block(req)
        self.app.commit(abci.RequestCommit())
        return res

    def blocks(self, n: int) -> list[abci.ResponseFinalizeBlock]:
        return [self.block([]) for _ in range(n)]

    def run(
        self, w: Wallet, msgs: Sequence[Any], fee: str = "", gas: int = 400_000
    ) -> abci.ExecTxResult:
        """Sign and deliver ``msgs`` in one block; the wallet's sequence follows the chain."""
        res = self.block([self.tx(w, msgs, fee=fee or f"{gas // 10}urock", gas=gas)])
        acc = self.account(w.address)
        if acc is not None:
            w.sequence = acc.sequence
        return res.tx_results[0]

    def check(self, tx: bytes, recheck: bool = False) -> abci.ResponseCheckTx:
        t = abci.RECHECK if recheck else abci.NEW
        return self.app.check_tx(abci.RequestCheckTx(tx=tx, type=t))

    def query(self, path: str, req: Any) -> bytes:
        res = self.app.query(abci.RequestQuery(path=path, data=req.SerializeToString()))
        assert res.code == 0, res.log
        return bytes(res.value)

    def query_raw(self, path: str, req: Any) -> abci.ResponseQuery:
        return self.app.query(abci.RequestQuery(path=path, data=req.SerializeToString()))

    def q(self, path: str, req: Any, resp_cls: Any) -> Any:
        """A decoded query response (asserts success)."""
        return resp_cls.FromString(self.query(path, req))

    def balance(self, addr: str, denom: str = "urock") -> int:
        from cosmpy.protos.cosmos.bank.v1beta1 import query_pb2 as bq

        raw = self.query(
            "/cosmos.bank.v1beta1.Query/Balance", bq.QueryBalanceRequest(address=addr, denom=denom)
        )
        return int(bq.QueryBalanceResponse.FromString(raw).balance.amount)

    def supply(self, denom: str = "urock") -> int:
        from cosmpy.protos.cosmos.bank.v1beta1 import query_pb2 as bq

        raw = self.query(
            "/cosmos.bank.v1beta1.Query/SupplyOf", bq.QuerySupplyOfRequest(denom=denom)
        )
        return int(bq.QuerySupplyOfResponse.FromString(raw).amount.amount)

    def account(self, addr: str) -> Any:
        from cosmpy.protos.cosmos.auth.v1beta1 import query_pb2 as aq

        res = self.app.query(
            abci.RequestQuery(
                path="/cosmos.auth.v1beta1.Query/Account",
                data=aq.QueryAccountRequest(address=addr).SerializeToString(),
            )
        )
        if res.code:
            return None
        return decode_account(
            aq.QueryAccountResponse.FromString(res.value).account.SerializeToString()
        )


def msg_responses(result: Any) -> list[Any]:
    """The ``Any`` responses of a successful ExecTxResult, one per message."""
    return list(sdk_abci.TxMsgData.FromString(result.data).msg_responses)


def make_chain(
    path: Any,
    funded: dict[str, str],
    min_gas_prices: str = "0.0001urock",
    app_state: Callable[[dict[str, Any]], None] | None = None,
    validators: Sequence[tuple[bytes, int]] = (),
    vote_extensions_enable_height: int = 0,
    index_events: Sequence[str] = (),
) -> Chain:
    """A chain whose genesis funds ``funded`` (name -> coins); ``app_state`` may edit the
    full genesis app state (e.g. module params) before InitChain; ``validators`` are the
    (ed25519 key, power) pairs CometBFT would send in InitChain."""
    wallets = {
        name: Wallet(coincurve.PrivateKey(bytes([i + 1]) * 32)) for i, name in enumerate(funded)
    }
    accounts: dict[str, Any] = {}
    for name, coins in funded.items():
        add_account(accounts, wallets[name].address, coins)
    settings = AppSettings(min_gas_prices=min_gas_prices, index_events=tuple(index_events))
    app = ZrChainApp(str(path), settings=settings)
    from zrchain.cli.node_cmds import default_app_state

    full = default_app_state()
    full["auth"]["accounts"] = accounts["auth"]["accounts"]
    full["bank"]["balances"] = accounts.get("bank", {}).get("balances", [])
    if app_state is not None:
        app_state(full)
    req = abci.RequestInitChain(
        chain_id="zenrock", initial_height=1, app_state_bytes=json.dumps(full).encode()
    )
    req.consensus_params.block.max_gas = -1
    req.consensus_params.block.max_bytes = 22020096
    req.consensus_params.validator.pub_key_types.append("ed25519")
    req.consensus_params.abci.vote_extensions_enable_height = vote_extensions_enable_height
    for pk, power in validators:
        v = req.validators.add(power=power)
        v.pub_key.ed25519 = pk
    app.init_chain(req)
    chain = Chain(app, wallets=wallets)
    chain.block([])
    for w in wallets.values():
        w.number = chain.account(w.address).number
    return chain


def assert_same_block(a: abci.ResponseFinalizeBlock, b: abci.ResponseFinalizeBlock) -> None:
    """Two chains answered a block alike: every tx result, byte for byte, and the app hash
    (how an optimisation proves it changed no result)."""
    assert [r.SerializeToString() for r in a.tx_results] == [
        r.SerializeToString() for r in b.tx_results
    ]
    assert a.app_hash == b.app_hash
