"""identity/policy figures, in process (real LevelDB, signed txs through the full pipeline):

1. µs per tx for MsgNewWorkspace and MsgApproveAction (an approval that satisfies a
   2-of-2 admin policy and executes the stored MsgAddWorkspaceOwner), next to a bank
   MsgSend measured in the same run, in blocks of ``--txs`` txs (one per signer);
2. ``q identity workspaces`` latency (ABCI Query through the one query router, as
   gRPC/REST/CLI use it) with 10k and 100k workspaces, for the default page (limit 100 +
   count_total), a next-key page, and — for contrast — owner-filtered listings, which scan
   like zrChain's (a page stops after ``limit`` matches; the default page also counts all
   matches, so it reads every workspace).

    .venv/bin/python scripts/bench/identity_bench.py [--txs 500] [--blocks 3] [--sizes 10000,100000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import coincurve
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from cosmpy.protos.cosmos.base.abci.v1beta1 import abci_pb2 as sdk_abci
from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest
from google.protobuf.timestamp_pb2 import Timestamp

from zrchain.abci import types as abci
from zrchain.app import AppSettings, ZrChainApp
from zrchain.cli.node_cmds import default_app_state
from zrchain.client.tx import build_tx, private_key_signer
from zrchain.codec.address import acc_string, pubkey_to_address
from zrchain.codec.any import pack as pack_any
from zrchain.codec.coins import parse_coins
from zrchain.codec.gen.zrchain.identity import query_pb2 as iq
from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.codec.gen.zrchain.identity import workspace_pb2
from zrchain.codec.gen.zrchain.policy import tx_pb2 as ptx
from zrchain.codec.json import to_dict
from zrchain.context import Mode
from zrchain.testing.genesis import add_account
from zrchain.testing.identity_policy import bool_policy
from zrchain.x.identity.types import workspace_address

FEE = parse_coins("40urock")
GAS = 400_000


class Bench:
    def __init__(self, path: str, n: int, extra_state: Callable[[dict], None] | None = None):
        self.keys = [coincurve.PrivateKey(i.to_bytes(32, "big")) for i in range(1, n + 1)]
        self.addrs = [acc_string(pubkey_to_address(k.public_key.format())) for k in self.keys]
        state = default_app_state()
        for a in self.addrs:
            add_account(state, a, "1000000000000urock")
        if extra_state is not None:
            extra_state(state)
        self.app = ZrChainApp(path, settings=AppSettings(min_gas_prices="0.0001urock"))
        req = abci.RequestInitChain(
            chain_id="zenrock", initial_height=1, app_state_bytes=json.dumps(state).encode()
        )
        req.consensus_params.block.max_gas = -1
        req.consensus_params.block.max_bytes = 220200960
        self.app.init_chain(req)
        self.height = 0
        self.block([])
        ak = self.app.registry.module("auth").keeper
        ctx = self.app.context(self.app.store.pending, Mode.CHECK)
        self.numbers = [
            ak.get_account(ctx, pubkey_to_address(k.public_key.format())).number for k in self.keys
        ]
        self.seq = [0] * n

    def block(self, txs: list[bytes]) -> tuple[Any, float, float]:
        self.height += 1
        req = abci.RequestFinalizeBlock(height=self.height, txs=txs)
        req.time.CopyFrom(Timestamp(seconds=1_700_000_000 + self.height))
        t0 = time.perf_counter()
        res = self.app.finalize_block(req)
        t1 = time.perf_counter()
        self.app.commit(abci.RequestCommit())
        t2 = time.perf_counter()
        bad = [r.log for r in res.tx_results if r.code]
        assert not bad, bad[:3]
        return res, t1 - t0, t2 - t1

    def sign(self, msgs_for: Callable[[int], list[Any]]) -> list[bytes]:
        out = []
        for i, k in enumerate(self.keys):
            out.append(
                build_tx(
                    msgs_for(i),
                    pubkey=k.public_key.format(),
                    sequence=self.seq[i],
                    account_number=self.numbers[i],
                    chain_id="zenrock",
                    sign=private_key_signer(k.secret),
                    fee=FEE,
                    gas_limit=GAS,
                )
            )
            self.seq[i] += 1
        return out

    def timed(self, label: str, msgs_for: Callable[[int], list[Any]], blocks: int) -> float:
        times = []
        for _ in range(blocks):
            txs = self.sign(msgs_for)
            _, ex, _ = self.block(txs)
            times.append(ex)
        ex = statistics.median(times)
        n = len(self.keys)
        print(f"  {label:<44} {ex / n * 1e6:8.1f} µs/tx  {n / ex:7.0f} tx/s")
        return ex / n

    def run_one(self, msgs_for: Callable[[int], list[Any]]) -> list[Any]:
        res, _, _ = self.block(self.sign(msgs_for))
        return [sdk_abci.TxMsgData.FromString(r.data).msg_responses for r in res.tx_results]


def tx_figures(n: int, blocks: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        b = Bench(os.path.join(d, "db"), n)
        half = n // 2
        partner = [(i + half) % n for i in range(n)]
        print(f"\nblocks of {n} signed txs (one per signer), FinalizeBlock median of {blocks}")
        bank = b.timed(
            "bank MsgSend",
            lambda i: [
                bank_tx.MsgSend(
                    from_address=b.addrs[i],
                    to_address=b.addrs[partner[i]],
                    amount=parse_coins("1urock").to_protos(),
                )
            ],
            blocks,
        )
        ws = b.timed(
            "identity MsgNewWorkspace",
            lambda i: [itx.MsgNewWorkspace(creator=b.addrs[i])],
            blocks,
        )
        # ApproveAction: i owns a workspace with partner[i] under "i + partner > 1"; i asks
        # to add an owner (pending), partner[i] approves (executes). One fresh action per
        # signer per measured block.
        pol = b.run_one(
            lambda i: [
                ptx.MsgNewPolicy(
                    creator=b.addrs[i],
                    name="2of2",
                    policy=pack_any(
                        bool_policy(
                            f"{b.addrs[i]} + {b.addrs[partner[i]]} > 1",
                            [b.addrs[i], b.addrs[partner[i]]],
                        )
                    ),
                )
            ]
        )
        pids = [ptx.MsgNewPolicyResponse.FromString(r[0].value).id for r in pol]
        made = b.run_one(
            lambda i: [
                itx.MsgNewWorkspace(
                    creator=b.addrs[i],
                    additional_owners=[b.addrs[partner[i]]],
                    admin_policy_id=pids[i],
                )
            ]
        )
        wss = [itx.MsgNewWorkspaceResponse.FromString(r[0].value).addr for r in made]
        owner_of = {partner[i]: i for i in range(n)}  # approver -> requester
        times = []
        for fresh in range(1, blocks + 1):

            def add_owner(i: int, f: int = fresh) -> list[Any]:
                new_owner = acc_string((f * n + i).to_bytes(20, "big"))
                return [
                    itx.MsgAddWorkspaceOwner(
                        creator=b.addrs[i], workspace_addr=wss[i], new_owner=new_owner
                    )
                ]

            res, _, _ = b.block(b.sign(add_owner))
            aids = [
                int(next(a.value for e in r.events for a in e.attributes if a.key == "action_id"))
                for r in res.tx_results
            ]

            def approve(j: int, aids: list[int] = aids) -> list[Any]:
                return [
                    ptx.MsgApproveAction(
                        creator=b.addrs[j],
                        action_type="/zrchain.identity.MsgAddWorkspaceOwner",
                        action_id=aids[owner_of[j]],
                    )
                ]

            _, ex, _ = b.block(b.sign(approve))
            times.append(ex)
        ex = statistics.median(times)
        label = "policy MsgApproveAction (executes the action)"
        print(f"  {label:<44} {ex / n * 1e6:8.1f} µs/tx  {n / ex:7.0f} tx/s")
        ratio = ex / n / bank
        print(f"  ratios to MsgSend: NewWorkspace {ws / bank:.2f}x, ApproveAction {ratio:.2f}x")
        b.app.close()


def query_figures(sizes: list[int], reps: int) -> None:
    print(f"\nq identity workspaces (ABCI Query via the query router), median of {reps} calls")
    print(
        f"  {'workspaces':>10} {'default page':>14} {'next-key page':>14} "
        f"{'owner, limit':>14} {'owner, total':>14}"
    )
    for size in sizes:
        owners = [acc_string((i % 50 + 1).to_bytes(20, "big")) for i in range(size)]

        def genesis(state: dict, size: int = size, owners: list[str] = owners) -> None:
            state["identity"]["workspaces"] = [
                to_dict(
                    workspace_pb2.Workspace(
                        address=workspace_address(i + 1), creator=owners[i], owners=[owners[i]]
                    )
                )
                for i in range(size)
            ]

        with tempfile.TemporaryDirectory() as d:
            t0 = time.perf_counter()
            b = Bench(os.path.join(d, "db"), 1, genesis)
            print(
                f"    (loaded {size} workspaces in {time.perf_counter() - t0:.1f}s)",
                file=sys.stderr,
            )

            def q(req: Any, b: Bench = b) -> tuple[float, Any]:
                data = req.SerializeToString()
                ts = []
                res = None
                for _ in range(reps):
                    t = time.perf_counter()
                    res = b.app.query(
                        abci.RequestQuery(path="/zrchain.identity.Query/Workspaces", data=data)
                    )
                    ts.append(time.perf_counter() - t)
                assert res is not None and res.code == 0, res.log if res else ""
                return statistics.median(ts), iq.QueryWorkspacesResponse.FromString(res.value)

            t_default, first = q(iq.QueryWorkspacesRequest())
            assert len(first.workspaces) == 100 and first.pagination.total == size
            t_next, _ = q(
                iq.QueryWorkspacesRequest(
                    pagination=PageRequest(key=first.pagination.next_key, limit=100)
                )
            )
            t_owner, _ = q(
                iq.QueryWorkspacesRequest(owner=owners[0], pagination=PageRequest(limit=100))
            )
            t_total, got = q(iq.QueryWorkspacesRequest(owner=owners[0]))
            assert got.pagination.total == len(range(0, size, 50))
            print(
                f"  {size:>10} {t_default * 1000:>11.2f} ms {t_next * 1000:>11.2f} ms "
                f"{t_owner * 1000:>11.2f} ms {t_total * 1000:>11.2f} ms"
            )
            b.app.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--txs", type=int, default=500, help="txs (signers) per block")
    ap.add_argument("--blocks", type=int, default=3)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--skip-txs", action="store_true")
    args = ap.parse_args()
    if not args.skip_txs:
        tx_figures(args.txs, args.blocks)
    query_figures([int(s) for s in args.sizes.split(",") if s], args.reps)


if __name__ == "__main__":
    main()
