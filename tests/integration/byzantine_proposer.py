"""`zrchaind start --no-comet` for a validator whose PrepareProposal injects a request nobody
attested (tests only): the honest validators must reject its proposals.

    python tests/integration/byzantine_proposer.py --home HOME
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from zrchain.codec.gen.zrchain.treasury import tx_pb2
from zrchain.x.attest import abci as attest_abci
from zrchain.x.attest.codec import KIND_KEY, Extension, Injection, Item, SignedExtension
from zrchain.x.attest.proof import Attestation, tally

#: The owner whose key request exists on no network.
FAKE_OWNER = "0x000000000000000000000000000000000000dEaD"


def fake_item() -> Item:
    msg = tx_pb2.MsgNewKeyRequest(ext_requester=FAKE_OWNER, ext_key_type=60, index=0)
    return Item(
        caip2="eip155:11155111",
        contract=b"\x11" * 20,
        block_number=1,
        block_hash=hashlib.sha256(b"fake block").digest(),
        tx_hash=hashlib.sha256(b"fake tx").digest(),
        log_index=0,
        kind=KIND_KEY,
        msg=msg.SerializeToString(),
    )


def prepare(self: attest_abci.VoteExtensions, req: Any) -> bytes | None:
    """The honest tally plus the fake request, with the honest votes as "proof"."""
    ctx = self.state()
    attestations = []
    for v in req.local_last_commit.votes:
        if v.block_id_flag != attest_abci.BLOCK_ID_FLAG_COMMIT or not v.vote_extension:
            continue
        address = bytes(v.validator.address)
        pubkey = self.module.keeper.pubkey(ctx, address)
        if pubkey is None:
            continue
        ext = Extension.decode(bytes(v.vote_extension))
        signed = SignedExtension(pubkey, bytes(v.vote_extension), bytes(v.extension_signature))
        attestations.append(Attestation(address, int(v.validator.power), ext, signed))
    total = sum(int(v.validator.power) for v in req.local_last_commit.votes)
    honest = tally(attestations, total, lambda i: self.module.keeper.ingested(ctx, i)).items
    items = tuple(sorted([*honest, fake_item()], key=lambda it: (it.order, it.id)))
    votes = tuple(a.signed for a in attestations if a.signed is not None)
    return Injection(int(req.local_last_commit.round), votes, items).encode()


if __name__ == "__main__":  # only in the node process: a test importing FAKE_OWNER stays honest
    from abci_app import main

    attest_abci.VoteExtensions.prepare = prepare  # type: ignore[method-assign]
    main()
