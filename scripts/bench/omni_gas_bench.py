"""zrSign Omni gas figures on zrChain (docs/zrsign-policies.md), on the real app in process:
the gas one approval uses, by each door, against a zen1 participant's MsgApproveAction on
the same kind of action (the baseline, measured in the same run), and the gas a zrSign
request uses when it is held by a policy against the same request for a key without one.

    .venv/bin/python scripts/bench/omni_gas_bench.py

Gas is deterministic (the SDK's KV costs, per-byte and per-signature costs), so one sample
per door is the figure; fees are gas x 0.0001urock (the minimum gas price).
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from zrchain.chains.caip import zrsign_cache_id  # noqa: E402
from zrchain.codec.gen.zrchain.omni import tx_pb2 as otx  # noqa: E402
from zrchain.codec.gen.zrchain.policy import tx_pb2 as ptx  # noqa: E402
from zrchain.testing.identity_policy import events, ok, response  # noqa: E402
from zrchain.testing.omni import (  # noqa: E402
    APPROVERS,
    OWNER,
    World,
    approve_msg,
    build_world,
    evm_participant,
    new_policy_msg,
    set_key_policy_msg,
)

GAS_PRICE = 0.0001
CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3"


def gas(res: Any) -> int:
    ok(res)
    return int(res.gas_used)


def held_request(w: World, trace: int, index: int = 0) -> tuple[int, int]:
    res = w.zr_sign(
        hashlib.sha256(str(trace).encode()).digest(),
        zrsign_cache_id("eip155:1", CONTRACT, trace),
        index=index,
    )
    return gas(res), int(events(res, "zrsign_action")[0]["action_id"]) if events(
        res, "zrsign_action"
    ) else 0


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        w = build_world(Path(tmp) / "db")
        alice = w.addr("alice")
        w.zr_key(1)
        plain_gas, _ = held_request(w, 1, index=1)  # key 1 keeps no policy: signs at once
        a, b, c = APPROVERS
        parts = [alice, evm_participant(a, 31337), evm_participant(b), evm_participant(c)]
        definition = " + ".join(parts) + " > 3"  # nobody completes it: each approval is alike
        pid = int(
            response(
                ok(w.run("bob", new_policy_msg(w.addr("bob"), OWNER, 0, definition, parts))),
                otx.MsgNewPolicyEvmResponse,
            ).policy_id
        )
        ok(w.run("bob", set_key_policy_msg(w.addr("bob"), OWNER, 1, pid)))
        held_gas, aid = held_request(w, 2)
        zen = gas(
            w.run(
                "alice",
                ptx.MsgApproveAction(
                    creator=alice,
                    action_type="/zrchain.treasury.MsgNewZrSignSignatureRequest",
                    action_id=aid,
                ),
            )
        )
        eip712 = gas(w.run("bob", approve_msg(w.addr("bob"), b, 0, aid)))
        forwarded = gas(
            w.run(
                "zrsign",
                otx.MsgForwardApproval(
                    creator=w.addr("zrsign"),
                    caip2="eip155:31337",
                    approver=a.address,
                    action_id=aid,
                    cache_id=hashlib.sha256(b"fwd").digest(),
                ),
            )
        )
        w.chain.app.close()
    rows = [
        ("MsgApproveAction (zen1 participant, baseline)", zen),
        ("MsgApproveActionEvm (EIP-712, gasless)", eip712),
        ("MsgForwardApproval (contract call, bridge)", forwarded),
    ]
    print("approval of a held zrSign request (policy of 4 participants)")
    for name, g in rows:
        print(f"  {name:48} {g:>7} gas  {g * GAS_PRICE:>6.1f} urock  x{g / zen:.2f}")
    print("zrSign request")
    print(f"  {'for a key without a policy (signs at once)':48} {plain_gas:>7} gas")
    ratio = held_gas / plain_gas
    print(f"  {'held by a policy (action, index, events)':48} {held_gas:>7} gas  x{ratio:.2f}")


if __name__ == "__main__":
    main()
