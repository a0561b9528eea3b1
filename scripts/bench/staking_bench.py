"""Staking figures on an in-process chain (real LevelDB, signed txs, the real app):

1. **Per-block cost of begin/end block** with ``--validators`` bonded validators (each
   block carries all their votes in ``decided_last_commit``, so x/slashing moves every
   signing window) and ``--delegations`` delegations, against a baseline measured in the
   same run: the same chain with one validator and its one self-delegation. Empty blocks,
   so the time is FinalizeBlock's begin block + end block + app hash, and Commit.
2. **State growth per 1,000 delegations**: bytes of every module store (keys + values) before
   and after each batch of 1,000 delegations (``--delegators`` accounts delegating to every
   validator, one tx of ``--validators`` MsgDelegate each).

    .venv/bin/python scripts/bench/staking_bench.py [--validators 100] [--delegations 10000]
        [--blocks 30] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "unit" / "validation"))

from staking_helpers import coin, cons_addr, cons_key, create_validator, valoper  # noqa: E402

from zrchain.codec.gen.zrchain.validation import tx_pb2 as vtx  # noqa: E402
from zrchain.testing.inproc import Chain, Wallet, make_chain  # noqa: E402
from zrchain.testing.invariants import assert_invariants  # noqa: E402
from zrchain.testing.state import snapshot_app  # noqa: E402

FUNDS = "1000000000000urock"
STAKE = 10_000_000


def state_bytes(chain: Chain) -> int:
    snap = snapshot_app(chain.app)
    return sum(len(k) + len(v) for store in snap.stores.values() for k, v in store.items())


def block_times(chain: Chain, votes: list[tuple[bytes, int, bool]], blocks: int) -> list[float]:
    out = []
    for _ in range(blocks):
        t0 = time.perf_counter()
        chain.block([], votes=votes)
        out.append(time.perf_counter() - t0)
    return out


def submit(chain: Chain, txs: list[tuple[Wallet, list[Any]]], per_block: int = 20) -> None:
    for i in range(0, len(txs), per_block):
        batch = []
        for w, msgs in txs[i : i + per_block]:
            batch.append(
                chain.tx(w, msgs, fee=f"{len(msgs) * 40000}urock", gas=len(msgs) * 400_000)
            )
            w.sequence += 1
        res = chain.block(batch)
        bad = [r.log for r in res.tx_results if r.code]
        if bad:
            raise SystemExit(f"tx failed: {bad[0]}")


def run(validators: int, delegations: int, blocks: int) -> dict[str, Any]:
    delegators = -(-delegations // validators)
    if validators + delegators > 250:
        raise SystemExit("make_chain derives at most 255 wallets: fewer validators/delegators")
    with tempfile.TemporaryDirectory(prefix="staking-bench-") as tmp:
        names = {f"v{i}": FUNDS for i in range(validators)}
        names.update({f"d{i}": FUNDS for i in range(delegators)})
        chain = make_chain(Path(tmp) / "db", names)
        vals = [chain.wallets[f"v{i}"] for i in range(validators)]
        submit(chain, [(vals[0], [create_validator(vals[0], cons_key(0))])])
        one_vote = [(cons_addr(cons_key(0)), STAKE // 10**6, True)]
        base = block_times(chain, one_vote, blocks)

        submit(chain, [(w, [create_validator(w, cons_key(i))]) for i, w in enumerate(vals) if i])
        growth = []
        before = state_bytes(chain)
        per_batch = max(1, 1000 // validators)
        dels = [chain.wallets[f"d{i}"] for i in range(delegators)]
        for start in range(0, len(dels), per_batch):
            batch = dels[start : start + per_batch]
            submit(chain, [(d, [vtx.MsgDelegate(delegator_address=d.address,
                            validator_address=valoper(v), amount=coin(1_000_000)) for v in vals])
                           for d in batch])  # fmt: skip
            after = state_bytes(chain)
            growth.append((after - before) * 1000 / (len(batch) * validators))
            before = after
        assert_invariants(snapshot_app(chain.app))
        votes = [(cons_addr(cons_key(i)), STAKE // 10**6, True) for i in range(validators)]
        full = block_times(chain, votes, blocks)
        chain.app.close()
    b, f = statistics.median(base), statistics.median(full)
    return {
        "validators": validators,
        "delegations": delegators * validators,
        "blocks": blocks,
        "baseline_block_ms": round(b * 1000, 2),
        "block_ms": round(f * 1000, 2),
        "ratio": round(f / b, 2),
        "state_bytes_per_1000_delegations": round(statistics.median(growth)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--validators", type=int, default=100)
    ap.add_argument("--delegations", type=int, default=10_000)
    ap.add_argument("--blocks", type=int, default=30)
    ap.add_argument("--json", default="")
    a = ap.parse_args()
    t0 = time.perf_counter()
    out = run(a.validators, a.delegations, a.blocks)
    out["seconds"] = round(time.perf_counter() - t0, 1)
    print(
        f"empty block (begin+end block, app hash, commit), median of {a.blocks}:\n"
        f"  1 validator, 1 delegation (baseline): {out['baseline_block_ms']} ms\n"
        f"  {out['validators']} validators, {out['delegations']} delegations: "
        f"{out['block_ms']} ms ({out['ratio']}x)\n"
        f"state growth: {out['state_bytes_per_1000_delegations']} bytes per 1,000 delegations"
    )
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
