"""Distribution's per-block cost on an in-process chain (real LevelDB, signed txs, the app):
``--validators`` bonded validators with ``--delegations`` delegations, every block carrying
one fee-paying tx so the next block's begin block allocates fees to every validator of
the commit (F1: commission, current rewards, outstanding), against a baseline measured in
the same run: the same blocks, same tx, with one validator and its self-delegation. Also
prints state growth per 1,000 delegations (now including F1's starting infos).

    .venv/bin/python scripts/bench/distribution_bench.py [--validators 100]
        [--delegations 10000] [--blocks 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "unit" / "validation"))

from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as btx
from staking_bench import FUNDS, STAKE, state_bytes, submit
from staking_helpers import coin, cons_addr, cons_key, create_validator, valoper

from zrchain.codec.gen.zrchain.validation import tx_pb2 as vtx
from zrchain.testing.inproc import Chain, Wallet, make_chain
from zrchain.testing.invariants import assert_invariants
from zrchain.testing.state import snapshot_app


def fee_block_times(
    chain: Chain, payer: Wallet, votes: list[tuple[bytes, int, bool]], blocks: int
) -> list[float]:
    """Each block: one bank send paying 40000urock (allocated by the next block)."""
    out = []
    for _ in range(blocks):
        send = btx.MsgSend(from_address=payer.address, to_address=payer.address,
                           amount=[coin(1)])  # fmt: skip
        raw = chain.tx(payer, [send], fee="40000urock")
        payer.sequence += 1
        t0 = time.perf_counter()
        res = chain.block([raw], votes=votes)
        out.append(time.perf_counter() - t0)
        if res.tx_results[0].code:
            raise SystemExit(res.tx_results[0].log)
    return out


def run(validators: int, delegations: int, blocks: int) -> dict[str, float]:
    delegators = -(-delegations // validators)
    with tempfile.TemporaryDirectory(prefix="distribution-bench-") as tmp:
        names = {f"v{i}": FUNDS for i in range(validators)}
        names.update({f"d{i}": FUNDS for i in range(delegators)})
        chain = make_chain(Path(tmp) / "db", names)
        vals = [chain.wallets[f"v{i}"] for i in range(validators)]
        submit(chain, [(vals[0], [create_validator(vals[0], cons_key(0))])])
        one = [(cons_addr(cons_key(0)), STAKE // 10**6, True)]
        base = fee_block_times(chain, vals[0], one, blocks)
        submit(chain, [(w, [create_validator(w, cons_key(i))]) for i, w in enumerate(vals) if i])
        dels = [chain.wallets[f"d{i}"] for i in range(delegators)]
        before = state_bytes(chain)
        for start in range(0, len(dels), 10):
            submit(chain, [(d, [vtx.MsgDelegate(delegator_address=d.address,
                            validator_address=valoper(v), amount=coin(1_000_000)) for v in vals])
                           for d in dels[start : start + 10]])  # fmt: skip
        growth = (state_bytes(chain) - before) * 1000 / (delegators * validators)
        votes = [(cons_addr(cons_key(i)), STAKE // 10**6, True) for i in range(validators)]
        full = fee_block_times(chain, vals[0], votes, blocks)
        assert_invariants(snapshot_app(chain.app))
        chain.app.close()
    b, f = statistics.median(base), statistics.median(full)
    return {"baseline_ms": b * 1000, "block_ms": f * 1000, "ratio": f / b, "growth": growth}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--validators", type=int, default=100)
    ap.add_argument("--delegations", type=int, default=10_000)
    ap.add_argument("--blocks", type=int, default=30)
    a = ap.parse_args()
    out = run(a.validators, a.delegations, a.blocks)
    print(
        f"block with one fee-paying tx (fees allocated next block), median of {a.blocks}:\n"
        f"  1 validator, 1 delegation (baseline): {out['baseline_ms']:.2f} ms\n"
        f"  {a.validators} validators, {a.delegations} delegations: {out['block_ms']:.2f} ms "
        f"({out['ratio']:.1f}x)\n"
        f"state growth: {out['growth']:.0f} bytes per 1,000 delegations"
    )


if __name__ == "__main__":
    main()
