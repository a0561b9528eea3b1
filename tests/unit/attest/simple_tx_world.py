"""An in-process chain with attestation on and four ed25519 validators, the treasury
fixture's MPC keyring, and a real anvil as a zrSignSimpleTx destination: the owner's zrSign
EVM key is created by an attested key request and fulfilled by the keyring parties, and its
wallet has sent transactions on anvil (nonce > 0). Followers read quotes from anvil with
the real `Quoter` (evm_bridge/attest_source.py); each validator's extension is what the
app's own ExtendVote produced with that validator's source."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_utils import to_checksum_address

sys.path.insert(0, str(Path(__file__).parents[1] / "treasury"))  # also from tests/adversarial
from treasury_testkit import MPC_PUBKEY, MPC_SECRET, Setup, build

from evm_bridge.attest_source import Quoter, to_item
from evm_bridge.evm_rpc import EvmRpc
from evm_bridge.ingest import Origin, SigIngest, hx
from tests.unit.attest.helpers import CAIP_A, CONTRACT, Validator, finalize, key_item, process
from zrchain.abci import types as abci
from zrchain.chains.evm import evm_address
from zrchain.evm.ids import EVM_WALLET_TYPE_ID, REQ_SIMPLE_TX, caip2_chain_id, encode_simple_tx
from zrchain.testing.anvil import AnvilNode, anvil_node
from zrchain.testing.identity_policy import ok as _ok
from zrchain.x.attest.codec import Extension, Injection, Item, NetworkView, Quote, QuoteRequest

DEST_CHAIN = 31338
CAIP_DEST = f"eip155:{DEST_CHAIN}"
OWNER = "0xbe27E519A220D4336A5F9d08C7fa542175E30dA0"  # key_item's owner
WALLET = evm_address(MPC_PUBKEY)
VALS = [Validator(i + 1) for i in range(4)]
ACCEPT = abci.ResponseProcessProposal.ACCEPT
REJECT = abci.ResponseProcessProposal.REJECT
#: Nonces the MPC wallet has used on the destination before the requests.
SENT = 2


class Follower:
    """One validator's EventSource: fixed network views, quotes read from the destination
    (optionally falsified: a faulty or lying validator)."""

    def __init__(self, rpc_url: str, views: Sequence[NetworkView] = (), lie: int = 0) -> None:
        self.quoter = Quoter(EvmRpc(rpc_url))
        self._views = list(views)
        self.lie = lie
        self.asked: list[QuoteRequest] = []

    def views(self) -> Sequence[NetworkView]:
        return self._views

    def forget(self, ids: set[bytes]) -> None:
        return None

    def quotes(self, requests: Sequence[QuoteRequest]) -> list[Quote]:
        self.asked = list(requests)
        out = [self.quoter.read(r) for r in requests if r.caip2 == CAIP_DEST]
        return [dataclasses.replace(q, nonce=q.nonce + self.lie) for q in out]


@dataclasses.dataclass
class World:
    s: Setup
    anvil: AnvilNode
    tip: int  # anvil's eth_maxPriorityFeePerGas: the chain's simple_tx_priority_fee

    @property
    def chain(self) -> Any:
        return self.s.chain

    def dest_block(self) -> int:
        return int(self.anvil.rpc("eth_blockNumber"), 16)

    def extend_with(self, source: Follower, txs: Sequence[bytes] = ()) -> bytes:
        """The extension this app's ExtendVote makes with ``source`` as its follower."""
        att = self.chain.app.attestation
        assert att is not None
        att.source = source
        req = abci.RequestExtendVote(height=self.chain.height + 1, txs=list(txs))
        return bytes(self.chain.app.extend_vote(req).vote_extension)

    def prepare(self, extensions: Sequence[bytes]) -> list[bytes]:
        """PrepareProposal of the next height with VALS' signed ``extensions`` as the
        extended commit CometBFT hands the proposer."""
        h = self.chain.height
        votes = []
        for v, e in zip(VALS, extensions, strict=True):
            signed = v.sign("zenrock", h, 0, e)
            votes.append(
                abci.ExtendedVoteInfo(
                    validator=abci.Validator(address=v.address, power=v.power),
                    vote_extension=e,
                    extension_signature=signed.signature,
                    block_id_flag=2,
                )
            )
        req = abci.RequestPrepareProposal(
            height=h + 1,
            max_tx_bytes=4 << 20,
            local_last_commit=abci.ExtendedCommitInfo(round=0, votes=votes),
        )
        return list(self.chain.app.prepare_proposal(req).txs)

    def inject(self, *items: Item, confirmed: dict[str, int]) -> abci.ExecTxResult:
        """Every validator attests ``items`` and the networks' ``confirmed`` blocks."""
        nets = {c: [i for i in items if i.caip2 == c] for c in confirmed}
        view = Extension(
            tuple(
                NetworkView(c, confirmed[c], tuple(sorted(nets[c], key=lambda i: i.order)))
                for c in sorted(confirmed)
            )
        )
        txs = self.prepare([view.encode()] * len(VALS))
        assert txs and Injection.decode(txs[0]).items
        assert process(self.chain, VALS, txs[:1]) == ACCEPT
        res = finalize(self.chain, VALS, txs[:1]).tx_results[0]
        assert res.code == 0, res.log
        return res


def simple_item(trace_id: int, to: str, value: int, data: bytes = b"", block: int = 20) -> Item:
    """The kind-5 item a follower makes of a zrSignSimpleTx event on network A."""
    req = simple_ingest(trace_id, to, value, data, block)
    return to_item(req)


def simple_ingest(
    trace_id: int, to: str, value: int, data: bytes = b"", block: int = 20, dst_caip2: str = ""
) -> SigIngest:
    return SigIngest(
        origin=Origin(
            CAIP_A,
            to_checksum_address(CONTRACT),
            block,
            "0x" + "11" * 32,
            f"0x{trace_id:064x}",
            trace_id,
        ),
        trace_id=trace_id,
        wallet_type_id=hx(EVM_WALLET_TYPE_ID),
        owner=OWNER,
        coin_type=60,
        wallet_index=0,
        req_type=REQ_SIMPLE_TX,
        payload=hx(encode_simple_tx(to, value, data)),
        broadcast=False,
        dst_chain_id=hx(caip2_chain_id(CAIP_DEST)),
        dst_caip2=dst_caip2,
    )


def events(res: Any, kind: str) -> list[dict[str, str]]:
    return [
        {a.key: a.value for a in e.attributes} for e in res.events if e.type == kind
    ]  # fmt: skip


@contextmanager
def simple_tx_world(tmp_path: Any) -> Iterator[World]:
    with anvil_node(DEST_CHAIN) as node:
        tip = int(node.rpc("eth_maxPriorityFeePerGas"), 16)

        def state(doc: dict[str, Any]) -> None:
            doc["attest"] = {"params": {"enabled": True, "max_defer_blocks": "50",
                                        "simple_tx_priority_fee": str(tip),
                                        "simple_tx_call_gas": "100000"}}  # fmt: skip

        s = build(tmp_path, more_state=state, vote_extensions_enable_height=1)
        # x/attest learns consensus keys from the bonded validator set at end block; the
        # in-process chain's set is not VALS, so the proposer is told their keys here
        att = s.chain.app.attestation
        assert att is not None
        keys = {v.address: v.pubkey for v in VALS}
        att.module.keeper.pubkey = lambda _ctx, address: keys.get(address)  # type: ignore[method-assign]
        w = World(s, node, tip)
        # the owner's zrSign EVM key: an attested key request, fulfilled by two parties
        w.inject(key_item(5), confirmed={CAIP_A: 5})
        rid = 1
        _ok(s.fulfil_key("p1", rid))
        _ok(s.fulfil_key("p2", rid))
        # the MPC wallet has funds and has used SENT nonces on the destination
        web3 = node.web3()
        funder = web3.eth.accounts[0]
        web3.eth.wait_for_transaction_receipt(
            web3.eth.send_transaction({"from": funder, "to": WALLET, "value": 10**18})
        )
        me = Account.from_key(MPC_SECRET)
        for n in range(SENT):
            tx = me.sign_transaction({"to": funder, "value": 1, "gas": 21000, "nonce": n,
                                      "maxFeePerGas": 10**11, "maxPriorityFeePerGas": tip,
                                      "chainId": DEST_CHAIN, "type": 2})  # fmt: skip
            web3.eth.wait_for_transaction_receipt(web3.eth.send_raw_transaction(tx.raw_transaction))
        yield w
        s.chain.app.close()
