"""Treasury in process: µs per MsgNewKeyRequest and per MsgFulfilSignatureRequest (blocks of
signed txs through FinalizeBlock), next to a bank send measured in the same run; then the
latency of the Keys query (``q treasury keys``) with 10k and 100k keys in state.

    .venv/bin/python scripts/bench/treasury_bench.py [--txs 250] [--blocks 3]
        [--key-counts 10000,100000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from typing import Any

import coincurve
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx

from zrchain.abci import types as abci
from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.codec.gen.zrchain.treasury import key_pb2, mpcsign_pb2
from zrchain.codec.gen.zrchain.treasury import query_pb2 as tq
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx
from zrchain.context import Context, Mode
from zrchain.store.kv import Branch
from zrchain.testing.inproc import Chain, Wallet, make_chain
from zrchain.x.identity.types import keyring_address, workspace_address
from zrchain.x.treasury.party import KIND_KEY, KIND_SIGNATURE, sign_party_result

MPC = coincurve.PrivateKey(b"\x11" * 32)
MPC_PUBKEY = MPC.public_key.format()


def timed_block(chain: Chain, txs: list[bytes]) -> float:
    t0 = time.perf_counter()
    res = chain.block(txs)
    dt = time.perf_counter() - t0
    bad = [r.log for r in res.tx_results if r.code]
    assert not bad, bad[:3]
    return dt


def signed(chain: Chain, w: Wallet, msg: Any, seq: int) -> bytes:
    return chain.tx(w, [msg], fee="400urock", gas=4_000_000, sequence=seq)


def setup(path: str, n: int) -> tuple[Chain, list[str]]:
    names = [f"u{i}" for i in range(n)] + ["admin", "p1", "p2"]

    def edit(state: dict[str, Any]) -> None:
        state["identity"]["params"]["keyring_creation_fee"] = "0"

    chain = make_chain(path, dict.fromkeys(names, "10000000000000urock"), app_state=edit)
    admin = chain.wallets["admin"]
    msgs: list[Any] = [
        itx.MsgNewKeyring(creator=admin.address, description="kr", key_req_fee=10, sig_req_fee=10)
    ]
    kr = keyring_address(1)
    for p in ("p1", "p2"):
        msgs.append(
            itx.MsgAddKeyringParty(
                creator=admin.address,
                keyring_addr=kr,
                party=chain.wallets[p].address,
                increase_threshold=True,
            )
        )
    res = chain.run(admin, msgs, gas=4_000_000)
    assert res.code == 0, res.log
    # one workspace per user, owned by that user (all in one block)
    txs = [
        signed(
            chain,
            chain.wallets[f"u{i}"],
            itx.MsgNewWorkspace(creator=chain.wallets[f"u{i}"].address),
            0,
        )
        for i in range(n)
    ]
    timed_block(chain, txs)
    for i in range(n):
        chain.wallets[f"u{i}"].sequence = 1
    return chain, [workspace_address(i + 1) for i in range(n)]


def bench_msgs(chain: Chain, workspaces: list[str], n: int, blocks: int) -> dict[str, float]:
    users = [chain.wallets[f"u{i}"] for i in range(n)]
    kr = keyring_address(1)
    out: dict[str, list[float]] = {
        "bank": [],
        "new_key": [],
        "fulfil_partial": [],
        "fulfil_done": [],
    }
    p1, p2 = chain.wallets["p1"], chain.wallets["p2"]
    for _ in range(blocks):
        # bank sends, same accounts, same block size
        txs = [
            signed(
                chain,
                w,
                bank_tx.MsgSend(
                    from_address=w.address,
                    to_address=users[(i + 7) % n].address,
                    amount=[{"denom": "urock", "amount": "1"}],
                ),
                w.sequence,
            )
            for i, w in enumerate(users)
        ]
        out["bank"].append(timed_block(chain, txs) / n)
        for w in users:
            w.sequence += 1
        # key requests
        first_id = _last_request_id(chain, "key_requests") + 1
        txs = [
            signed(
                chain,
                w,
                ttx.MsgNewKeyRequest(
                    creator=w.address,
                    workspace_addr=workspaces[i],
                    keyring_addr=kr,
                    key_type="ecdsa",
                ),
                w.sequence,
            )
            for i, w in enumerate(users)
        ]
        out["new_key"].append(timed_block(chain, txs) / n)
        for w in users:
            w.sequence += 1
        # complete one key for signing (two party answers), then n signature requests on it
        kid = first_id
        for p in (p1, p2):
            msg = ttx.MsgFulfilKeyRequest(
                creator=p.address,
                request_id=kid,
                status=key_pb2.KEY_REQUEST_STATUS_FULFILLED,
                key=ttx.MsgNewKey(public_key=MPC_PUBKEY),
                keyring_party_signature=sign_party_result(
                    p.key.secret, chain.chain_id, KIND_KEY, kid, MPC_PUBKEY
                ),
            )
            assert chain.run(p, [msg], gas=4_000_000).code == 0
        owner = users[0]
        digests = [i.to_bytes(32, "big") for i in range(1, n + 1)]
        first_sig = _last_request_id(chain, "sign_requests") + 1
        txs = []
        for j, d in enumerate(digests):
            request = ttx.MsgNewSignatureRequest(
                creator=owner.address, key_ids=[kid], data_for_signing=d.hex()
            )
            txs.append(signed(chain, owner, request, owner.sequence + j))
        timed_block(chain, txs)
        owner.sequence += n
        for label, p in (("fulfil_partial", p1), ("fulfil_done", p2)):
            txs = []
            for j, d in enumerate(digests):
                sid = first_sig + j
                sig = MPC.sign_recoverable(d, hasher=None)
                fulfil = ttx.MsgFulfilSignatureRequest(
                    creator=p.address,
                    request_id=sid,
                    status=mpcsign_pb2.SIGN_REQUEST_STATUS_FULFILLED,
                    signed_data=sig,
                    keyring_party_signature=sign_party_result(
                        p.key.secret, chain.chain_id, KIND_SIGNATURE, sid, sig
                    ),
                )
                txs.append(signed(chain, p, fulfil, p.sequence + j))
            out[label].append(timed_block(chain, txs) / n)
            p.sequence += n
    return {k: statistics.median(v) * 1e6 for k, v in out.items()}


def _query_ctx(chain: Chain) -> Context:
    return chain.app.context(chain.app.store.version().kv, Mode.QUERY, metered=False)


def _last_request_id(chain: Chain, kind: str) -> int:
    """The last id of request table ``kind`` ("key_requests", "sign_requests"; 0: none yet)."""
    last = chain.app.registry.module("treasury").keeper.last_ids(_query_ctx(chain))
    return int(last[kind])


def fill_keys(chain: Chain, total: int, workspaces: list[str]) -> None:
    """Write keys straight through the keeper (what 'total' fulfilled requests leave)."""
    app = chain.app
    keeper = app.registry.module("treasury").keeper
    have = sum(1 for _ in keeper.iterate_keys(_query_ctx(chain)))
    start = 10_000_000 + have
    batch = 20_000
    while have < total:
        branch = Branch(app.store.pending)
        ctx = app.context(branch, Mode.FINALIZE, metered=False)
        for i in range(have, min(total, have + batch)):
            pk = coincurve.PrivateKey((i + 1).to_bytes(32, "big")).public_key.format()
            keeper.set_key(
                ctx,
                key_pb2.Key(
                    id=start + i,
                    workspace_addr=workspaces[i % len(workspaces)],
                    keyring_addr=keyring_address(1),
                    type=key_pb2.KEY_TYPE_ECDSA_SECP256K1,
                    public_key=pk,
                ),
            )
        app.store.apply(branch.writes)
        chain.block([])
        have = min(total, have + batch)


def time_query(chain: Chain, req: Any, runs: int = 7) -> tuple[float, int]:
    path = "/zrchain.treasury.Query/Keys"
    data = req.SerializeToString()
    times = []
    n = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        res = chain.app.query(abci.RequestQuery(path=path, data=data))
        times.append(time.perf_counter() - t0)
        assert res.code == 0, res.log
        n = len(tq.QueryKeysResponse.FromString(res.value).keys)
    return statistics.median(times) * 1000, n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--txs", type=int, default=250)  # make_chain: at most 252 users
    ap.add_argument("--blocks", type=int, default=3)
    ap.add_argument("--key-counts", default="10000,100000")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        print(f"setting up {args.txs} accounts ...", file=sys.stderr)
        chain, workspaces = setup(os.path.join(d, "db"), args.txs)
        us = bench_msgs(chain, workspaces, args.txs, args.blocks)
        print(f"\nFinalizeBlock, blocks of {args.txs} signed txs, median of {args.blocks} blocks")
        print(f"  bank MsgSend:                         {us['bank']:8.1f} µs/tx")
        print(f"  MsgNewKeyRequest (policy + escrow):   {us['new_key']:8.1f} µs/tx")
        print(f"  MsgFulfilSignatureRequest -> PARTIAL: {us['fulfil_partial']:8.1f} µs/tx")
        print(f"  MsgFulfilSignatureRequest -> FULFILLED + payout: {us['fulfil_done']:8.1f} µs/tx")
        print("\nKeys query (abci_query /zrchain.treasury.Query/Keys, median of 7)")
        for total in (int(x) for x in args.key_counts.split(",")):
            t0 = time.perf_counter()
            fill_keys(chain, total, workspaces)
            print(
                f"  [filled to {total} keys in {time.perf_counter() - t0:.1f} s]", file=sys.stderr
            )
            rows = [
                ("default page (100, total counted)", tq.QueryKeysRequest()),
                (
                    "--wallet-type evm (filter scan)",
                    tq.QueryKeysRequest(wallet_type="WALLET_TYPE_EVM"),
                ),
                ("--workspace-addr (index)", tq.QueryKeysRequest(workspace_addr=workspaces[0])),
            ]
            for label, req in rows:
                ms, n = time_query(chain, req)
                print(f"  {total:>7} keys  {label:<36} {ms:8.1f} ms  ({n} keys returned)")
        print(json.dumps({"us_per_tx": us}), file=sys.stderr)
        chain.app.close()


if __name__ == "__main__":
    main()
