"""Attestation cost on the consensus path (issue 19), in-process, four validators.

For injections of 1, 16 and 64 zrSign key requests (each a new owner, so each creates a key
request), with the proof of every validator's signed extension, prints

* the vote-extension and injection sizes in bytes,
* ProcessProposal time with the injection against the same call for a block without one,
* FinalizeBlock + Commit time with the injection against an empty block,

all measured in this run (medians of --samples), so the ratios are comparable anywhere.

    .venv/bin/python scripts/bench/attest_bench.py [--samples 15] [--validators 4]
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import time
from typing import Any

import coincurve
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from google.protobuf.timestamp_pb2 import Timestamp

from zrchain.abci import types as abci
from zrchain.codec.gen.zrchain.treasury import tx_pb2
from zrchain.testing.inproc import Chain, Wallet, make_chain
from zrchain.x.attest.codec import KIND_KEY, Extension, Injection, Item, NetworkView
from zrchain.x.attest.signbytes import consensus_address, vote_extension_sign_bytes
from zrchain.x.identity.types import keyring_address

CAIP2 = "eip155:11155111"


class Val:
    def __init__(self, seed: int) -> None:
        self.key = Ed25519PrivateKey.from_private_bytes(seed.to_bytes(32, "big"))
        self.pubkey = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.address = consensus_address(self.pubkey)


def items(start: int, n: int) -> tuple[Item, ...]:
    out = []
    for i in range(start, start + n):
        owner = "0x" + hashlib.sha256(str(i).encode()).digest()[:20].hex()
        msg = tx_pb2.MsgNewKeyRequest(ext_requester=owner, ext_key_type=60, index=0)
        out.append(
            Item(CAIP2, b"\x11" * 20, i, hashlib.sha256(b"b%d" % i).digest(),
                 hashlib.sha256(b"t%d" % i).digest(), 0, KIND_KEY, msg.SerializeToString())
        )  # fmt: skip
    return tuple(out)


def commit_info(vals: list[Val]) -> Any:
    votes = [
        abci.VoteInfo(
            validator=abci.Validator(address=v.address, power=10),
            block_id_flag="BLOCK_ID_FLAG_COMMIT",
        )
        for v in vals
    ]
    return abci.CommitInfo(round=0, votes=votes)


def injection(chain: Chain, vals: list[Val], batch: tuple[Item, ...]) -> bytes:
    ext = Extension((NetworkView(CAIP2, batch[-1].block_number, batch),)).encode()
    sign = vote_extension_sign_bytes("zenrock", chain.height, 0, ext)
    from zrchain.x.attest.codec import SignedExtension

    votes = tuple(SignedExtension(v.pubkey, ext, v.key.sign(sign)) for v in vals)
    return Injection(0, votes, batch).encode()


def timed(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def finalize(chain: Chain, vals: list[Val], txs: list[bytes]) -> None:
    chain.height += 1
    req = abci.RequestFinalizeBlock(
        height=chain.height, txs=txs, decided_last_commit=commit_info(vals)
    )
    req.time.CopyFrom(Timestamp(seconds=1_700_000_000 + chain.height))
    res = chain.app.finalize_block(req)
    if txs:
        assert res.tx_results[0].code == 0, res.tx_results[0].log
    chain.app.commit(abci.RequestCommit())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=15)
    ap.add_argument("--validators", type=int, default=4)
    args = ap.parse_args()
    vals = [Val(i + 1) for i in range(args.validators)]
    relayer = Wallet(coincurve.PrivateKey(bytes([1]) * 32))
    kr = keyring_address(1)

    def state(doc: dict[str, Any]) -> None:
        doc["identity"]["keyrings"] = [
            {"address": kr, "creator": relayer.address, "description": "bench",
             "admins": [relayer.address], "parties": [relayer.address], "party_threshold": 1,
             "key_req_fee": "0", "sig_req_fee": "0", "is_active": True}
        ]  # fmt: skip
        doc["treasury"]["params"]["mpc_keyring"] = kr
        doc["treasury"]["params"]["zr_sign_address"] = relayer.address
        doc["attest"] = {"params": {"enabled": True, "max_defer_blocks": "100"}}

    with tempfile.TemporaryDirectory() as tmp:
        chain = make_chain(
            tmp, {"relayer": "1000000urock"}, app_state=state, vote_extensions_enable_height=1,
        )  # fmt: skip
        finalize(chain, vals, [])
        next_block = 1
        print(f"validators {args.validators}, samples {args.samples} (medians)")
        print(f"{'requests':>8} {'ext B':>7} {'inject B':>9} {'PP base us':>11} {'PP inj us':>10} "
              f"{'ratio':>6} {'FB base ms':>11} {'FB inj ms':>10} {'ratio':>6}")  # fmt: skip
        for n in (1, 16, 64):
            pp_base, pp_inj, fb_base, fb_inj = [], [], [], []
            ext_bytes = inj_bytes = 0
            for _ in range(args.samples):
                batch = items(next_block, n)
                next_block += n
                inj = injection(chain, vals, batch)
                inj_bytes = len(inj)
                ext_bytes = len(
                    Extension((NetworkView(CAIP2, batch[-1].block_number, batch),)).encode()
                )
                empty = abci.RequestProcessProposal(
                    txs=[], height=chain.height + 1, proposed_last_commit=commit_info(vals)
                )
                full = abci.RequestProcessProposal(
                    txs=[inj], height=chain.height + 1, proposed_last_commit=commit_info(vals)
                )
                pp_base.append(timed(lambda r=empty: chain.app.process_proposal(r)))
                got = chain.app.process_proposal(full)
                assert got.status == abci.ResponseProcessProposal.ACCEPT
                pp_inj.append(timed(lambda r=full: chain.app.process_proposal(r)))
                fb_inj.append(timed(lambda t=inj: finalize(chain, vals, [t])))
                fb_base.append(timed(lambda: finalize(chain, vals, [])))
            m = statistics.median
            print(
                f"{n:>8} {ext_bytes:>7} {inj_bytes:>9} {m(pp_base) * 1e6:>11.0f} "
                f"{m(pp_inj) * 1e6:>10.0f} {m(pp_inj) / m(pp_base):>6.1f} "
                f"{m(fb_base) * 1e3:>11.2f} {m(fb_inj) * 1e3:>10.2f} {m(fb_inj) / m(fb_base):>6.1f}"
            )
        chain.app.close()


if __name__ == "__main__":
    main()
