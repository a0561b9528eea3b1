"""Payload work inside FinalizeBlock: linear, bounded and priced (issue 11, item 3).

Prints, each against a baseline measured in the same run:

* BIP143 sighashes of the heaviest standard Bitcoin tx (2,019 zrChain-annotated inputs),
  with the per-tx digests computed once vs recomputed per input (the old code);
* the 8,000-input BITCOIN_PLUS MsgNewSignatureRequest that stalled every validator
  (18.5 s before the fix), through FinalizeBlock, vs a block of one bank send;
* RLP decoding of a 128 KiB EVM payload: ours vs pyrlp;
* MsgMultiSend validation over many denoms and signer collection over many messages;
* gas per µs of each kind of payload work vs a bank send (the price the fee follows).

    .venv/bin/python scripts/bench/payload_bench.py [--inputs 2019] [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import coincurve
import rlp
from cosmpy.protos.cosmos.bank.v1beta1 import bank_pb2
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx

from zrchain.chains.bitcoin import (
    _compact_size,
    bip143_sighash,
    bitcoin_prevouts,
    bitcoin_sighashes,
    p2wpkh_script_code,
    parse_bitcoin_tx,
)
from zrchain.codec import rlp as our_rlp
from zrchain.codec.address import acc_string
from zrchain.codec.coins import Coins
from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.codec.gen.zrchain.treasury import key_pb2
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx
from zrchain.gas import PAYLOAD_COST_PER_BYTE, SIGHASH_COST
from zrchain.testing.inproc import Chain, make_chain
from zrchain.x.bank.msg_server import validate_multi_send
from zrchain.x.identity.types import keyring_address, workspace_address
from zrchain.x.treasury.party import KIND_KEY, sign_party_result

MPC = coincurve.PrivateKey(b"\x11" * 32)


def best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def annotated_btc_tx(inputs: int) -> bytes:
    """zrChain's BITCOIN_PLUS form: each input's witness carries (amount, -, script)."""
    out = b"\x02\x00\x00\x00\x00\x01" + _compact_size(inputs)
    for i in range(inputs):
        out += i.to_bytes(32, "little") + b"\x00" * 4 + b"\x00" + b"\xff" * 4
    out += b"\x01" + (1000).to_bytes(8, "little") + b"\x16\x00\x14" + b"\x22" * 20
    for _ in range(inputs):
        out += b"\x03\x08" + (10_000).to_bytes(8, "little") + b"\x00\x16\x00\x14" + b"\x33" * 20
    return out + b"\x00" * 4


def old_bip143(raw: bytes) -> list[bytes]:
    """The quadratic version: digests recomputed for every input."""
    tx = parse_bitcoin_tx(raw)
    out = []
    for i, prev in enumerate(bitcoin_prevouts(tx)):
        script = p2wpkh_script_code(prev.script_pubkey)
        out.append(bip143_sighash(tx, i, script, prev.amount))
    return out


def treasury_chain(path: str) -> tuple[Chain, int]:
    """alice owns a workspace and one BITCOIN key of a one-party keyring."""

    def edit(state: dict[str, Any]) -> None:
        state["identity"]["params"]["keyring_creation_fee"] = "0"

    funds = {"alice": "10000000000000urock", "p1": "1000000000urock"}
    chain = make_chain(path, funds, app_state=edit)
    alice, p1 = chain.wallets["alice"], chain.wallets["p1"]
    kr = keyring_address(1)
    one = [{"denom": "urock", "amount": "1"}]
    steps = [
        (alice, itx.MsgNewKeyring(creator=alice.address, description="kr")),
        (alice, itx.MsgAddKeyringParty(creator=alice.address, keyring_addr=kr, party=p1.address,
                                       increase_threshold=True)),
        (p1, bank_tx.MsgSend(from_address=p1.address, to_address=alice.address, amount=one)),
        (alice, itx.MsgNewWorkspace(creator=alice.address)),
        (alice, ttx.MsgNewKeyRequest(creator=alice.address, workspace_addr=workspace_address(1),
                                     keyring_addr=kr, key_type="bitcoin")),
    ]  # fmt: skip
    for who, msg in steps:
        ok(chain.run(who, [msg]))
    kid, pub = 1, MPC.public_key.format()
    psig = sign_party_result(p1.key.secret, chain.chain_id, KIND_KEY, kid, pub)
    fulfil = ttx.MsgFulfilKeyRequest(
        creator=p1.address,
        request_id=kid,
        status=key_pb2.KEY_REQUEST_STATUS_FULFILLED,
        key=ttx.MsgNewKey(public_key=pub),
        keyring_party_signature=psig,
    )
    ok(chain.run(p1, [fulfil]))
    return chain, kid


def ok(res: Any) -> Any:
    assert res.code == 0, res.log
    return res


def timed_run(chain: Chain, who: str, msg: Any, gas: int) -> tuple[float, Any]:
    t0 = time.perf_counter()
    res = chain.run(chain.wallets[who], [msg], gas=gas)
    return time.perf_counter() - t0, res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--inputs", type=int, default=2019)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    n, rep = args.inputs, args.repeat

    print(f"BIP143 sighashes, {n} inputs ({len(annotated_btc_tx(n)):,} bytes):")
    raw = annotated_btc_tx(n)
    assert old_bip143(raw) == bitcoin_sighashes(raw)
    new = best(lambda: bitcoin_sighashes(raw), rep)
    old = best(lambda: old_bip143(raw), 1)
    print(f"  digests once {new * 1e3:8.1f} ms   per input (old) {old * 1e3:8.1f} ms"
          f"   old/new {old / new:6.1f}x")  # fmt: skip

    with tempfile.TemporaryDirectory() as tmp:
        chain, kid = treasury_chain(str(Path(tmp) / "db"))
        alice = chain.wallets["alice"]
        send = bank_tx.MsgSend(from_address=alice.address, to_address=chain.wallets["p1"].address,
                               amount=[{"denom": "urock", "amount": "1"}])  # fmt: skip
        bank_s, bank_res = timed_run(chain, "alice", send, 200_000)
        bank_s = min(bank_s, *(timed_run(chain, "alice", send, 200_000)[0] for _ in range(rep)))
        big = annotated_btc_tx(8000)
        attack = ttx.MsgNewSignatureRequest(
            creator=alice.address, key_ids=[kid] * 8000,
            data_for_signing=",".join(["ab" * 32] * 8000),
            verify_signing_data=big, verify_signing_data_version="BITCOIN_PLUS",
        )  # fmt: skip
        attack_s, attack_res = timed_run(chain, "alice", attack, 60_000_000)
        print(
            "8,000-input BITCOIN_PLUS MsgNewSignatureRequest through FinalizeBlock (18.5 s before):"
        )
        print(f"  {attack_s * 1e3:8.1f} ms, {attack_res.gas_used:,} gas, code {attack_res.code}: "
              f"{attack_res.log[-60:]}")  # fmt: skip
        print(f"  block of one bank send {bank_s * 1e3:6.1f} ms   ratio {attack_s / bank_s:6.1f}x")

        heavy = bitcoin_sighashes(raw)
        good = ttx.MsgNewSignatureRequest(
            creator=alice.address, key_ids=[kid] * n,
            data_for_signing=",".join(h.hex() for h in heavy),
            verify_signing_data=raw, verify_signing_data_version="BITCOIN_PLUS",
        )  # fmt: skip
        good_s, good_res = timed_run(chain, "alice", good, 400_000_000)
        ok(good_res)
        print(f"heaviest standard request ({n} inputs, accepted): {good_s * 1e3:8.1f} ms, "
              f"{good_res.gas_used:,} gas")  # fmt: skip

        # gas per µs: the fee follows the work when these are of one order
        print("gas per µs of work (the KV costs' ratio is the reference):")
        print(f"  bank send              {bank_res.gas_used / (bank_s * 1e6):6.0f} gas/µs")
        print(f"  heaviest BITCOIN_PLUS  {good_res.gas_used / (good_s * 1e6):6.0f} gas/µs")
        charged = PAYLOAD_COST_PER_BYTE * len(raw) + SIGHASH_COST * n
        print(f"  its sighash work alone {charged / (new * 1e6):6.0f} gas/µs "
              f"({charged:,} gas for {new * 1e3:.1f} ms)")  # fmt: skip

    evm_items = b"\x02" + rlp.encode([1, 0, 1, 2, 21000, b"\x22" * 20, 0, b"",
                                      [[b"\x33" * 20, [b"\x01"] * 60_000]]])  # fmt: skip
    ours = best(lambda: our_rlp.decode(evm_items[1:], 4), rep)
    theirs = best(lambda: rlp.decode(evm_items[1:], strict=True), rep)
    print(f"RLP, {len(evm_items):,}-byte EVM payload of 60,000 items:")
    print(f"  ours {ours * 1e3:7.1f} ms   pyrlp {theirs * 1e3:7.1f} ms   pyrlp/ours "
          f"{theirs / ours:5.1f}x")  # fmt: skip

    denoms = sorted(f"d{i:05d}" for i in range(8000))
    multi = bank_tx.MsgMultiSend(
        inputs=[bank_pb2.Input(address=acc_string(b"\x01" * 20),
                               coins=[{"denom": d, "amount": "1"} for d in denoms])],
        outputs=[bank_pb2.Output(address=acc_string(b"\x02" * 20),
                                 coins=[{"denom": d, "amount": "1"}]) for d in denoms],
    )  # fmt: skip
    small = bank_tx.MsgMultiSend()
    small.CopyFrom(multi)
    del small.outputs[1000:]
    del small.inputs[0].coins[1000:]

    def old_totals(msg: Any) -> None:
        total = Coins()
        for o in msg.outputs:
            total = total.add(Coins.from_protos(o.coins))

    t_new = best(lambda: validate_multi_send(multi), rep)
    t_old_small = best(lambda: old_totals(small), 1)
    print(f"MsgMultiSend validation, {len(multi.SerializeToString()):,} bytes, 8,000 denoms "
          f"(57 s before): {t_new * 1e3:.1f} ms")  # fmt: skip
    print(f"  old summation at 1,000 denoms {t_old_small * 1e3:.1f} ms (x64 at 8,000: quadratic);"
          f" new at 8,000 / old at 1,000 = {t_new / t_old_small:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
