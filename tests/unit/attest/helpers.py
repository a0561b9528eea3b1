"""Items, extensions and signed votes for the attestation tests (real ed25519 keys)."""

from __future__ import annotations

import hashlib
from typing import Any

import coincurve
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from google.protobuf.timestamp_pb2 import Timestamp

from zrchain.abci import types as abci
from zrchain.chains.caip import omni_cache_id
from zrchain.codec.gen.zrchain.omni import tx_pb2 as omni_tx
from zrchain.codec.gen.zrchain.treasury import tx_pb2
from zrchain.testing.inproc import Chain, Wallet, make_chain
from zrchain.x.attest.codec import (
    KIND_KEY,
    KIND_OMNI_APPROVAL,
    KIND_OMNI_CALL,
    Extension,
    Item,
    NetworkView,
    SignedExtension,
)
from zrchain.x.attest.proof import CommitVote
from zrchain.x.attest.signbytes import consensus_address, vote_extension_sign_bytes

CAIP_A = "eip155:31337"
CAIP_B = "eip155:31338"
CONTRACT = bytes.fromhex("5fbdb2315678afecb367f032d93f642f64180aa3")


def key_item(block: int, log_index: int = 0, caip2: str = CAIP_A, index: int = 0) -> Item:
    msg = tx_pb2.MsgNewKeyRequest(
        ext_requester="0xbe27E519A220D4336A5F9d08C7fa542175E30dA0", ext_key_type=60, index=index
    )
    return Item(
        caip2=caip2,
        contract=CONTRACT,
        block_number=block,
        block_hash=hashlib.sha256(f"{caip2}/{block}".encode()).digest(),
        tx_hash=hashlib.sha256(f"{caip2}/{block}/{log_index}/tx".encode()).digest(),
        log_index=log_index,
        kind=KIND_KEY,
        msg=msg.SerializeToString(),
    )


def _origin(caip2: str, block: int, log_index: int, fork: str = "") -> tuple[bytes, bytes]:
    """(block hash, tx hash) of a log; ``fork`` names another branch holding the same tx."""
    return (
        hashlib.sha256(f"{caip2}/{block}{fork}".encode()).digest(),
        hashlib.sha256(f"{caip2}/{block}/{log_index}/tx".encode()).digest(),
    )


def omni_item(
    block: int,
    log_index: int = 0,
    *,
    op: str = "new_policy",
    caip2: str = CAIP_A,
    owner: str = "0xbe27E519A220D4336A5F9d08C7fa542175E30dA0",
    fork: str = "",
    cache_id: bytes | None = None,
) -> Item:
    """A contract-forwarded x/omni call as the follower attests it: ``op`` new_policy or
    set_key_policy (MsgForwardOwnerCall), approve or reject (MsgForwardApproval); its
    cache_id the event's own unless given."""
    block_hash, tx_hash = _origin(caip2, block, log_index, fork)
    cid = cache_id or omni_cache_id(caip2, "0x" + CONTRACT.hex(), tx_hash, log_index)
    msg: omni_tx.MsgForwardOwnerCall | omni_tx.MsgForwardApproval
    if op in ("approve", "reject"):
        msg = omni_tx.MsgForwardApproval(
            caip2=caip2, approver=owner, action_id=7, cache_id=cid, reject=op == "reject"
        )
    else:
        msg = omni_tx.MsgForwardOwnerCall(caip2=caip2, owner=owner, cache_id=cid)
        if op == "new_policy":
            participant = f"eip155:{owner}"
            msg.new_policy.CopyFrom(
                omni_tx.NewPolicyOp(
                    name="p", definition=f"{participant} > 0", participants=[participant]
                )
            )
        else:
            msg.set_key_policy.CopyFrom(omni_tx.SetKeyPolicyOp(wallet_type=60, sign_policy_id=1))
    return Item(
        caip2=caip2,
        contract=CONTRACT,
        block_number=block,
        block_hash=block_hash,
        tx_hash=tx_hash,
        log_index=log_index,
        kind=KIND_OMNI_APPROVAL if op in ("approve", "reject") else KIND_OMNI_CALL,
        msg=msg.SerializeToString(),
    )


def ext(*items: Item, confirmed: int | None = None, caip2: str = CAIP_A) -> Extension:
    top = max((i.block_number for i in items), default=0)
    return Extension((NetworkView(caip2, top if confirmed is None else confirmed, items),))


class Validator:
    def __init__(self, seed: int, power: int = 10) -> None:
        self.key = Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)
        self.pubkey = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.address = consensus_address(self.pubkey)
        self.power = power

    def sign(self, chain_id: str, height: int, round_: int, extension: bytes) -> SignedExtension:
        sig = self.key.sign(vote_extension_sign_bytes(chain_id, height, round_, extension))
        return SignedExtension(self.pubkey, extension, sig)

    def vote(self, committed: bool = True) -> CommitVote:
        return CommitVote(self.address, self.power, committed)


def last_commit(vals: list[Validator], round_: int = 0, absent: tuple[int, ...] = ()) -> Any:
    """CommitInfo of the previous height as CometBFT sends it (flag 2: COMMIT, 1: ABSENT)."""
    return abci.CommitInfo(
        round=round_,
        votes=[
            abci.VoteInfo(
                validator=abci.Validator(address=v.address, power=v.power),
                block_id_flag=1 if i in absent else 2,
            )
            for i, v in enumerate(vals)
        ],
    )


def finalize(chain: Any, vals: list[Validator], txs: list[bytes]) -> abci.ResponseFinalizeBlock:
    """FinalizeBlock and Commit of the next height with ``vals`` all committed."""
    chain.height += 1
    req = abci.RequestFinalizeBlock(
        height=chain.height, txs=txs, decided_last_commit=last_commit(vals)
    )
    req.time.CopyFrom(Timestamp(seconds=1_700_000_000 + chain.height))
    res = chain.app.finalize_block(req)
    chain.app.commit(abci.RequestCommit())
    return res


def attest_chain(path: Any, max_defer_blocks: int = 100) -> Chain:
    """Attestation on, vote extensions from height 1; ``relayer`` (funded) is
    zr_sign_address, the creator of ingested requests."""
    relayer = Wallet(coincurve.PrivateKey(bytes([1]) * 32))  # make_chain's first wallet

    def state(doc: dict[str, Any]) -> None:
        doc["attest"] = {"params": {"enabled": True, "max_defer_blocks": str(max_defer_blocks)}}
        doc["treasury"]["params"]["zr_sign_address"] = relayer.address

    c = make_chain(
        path, {"relayer": "1000000urock"}, app_state=state, vote_extensions_enable_height=1
    )
    assert c.wallets["relayer"].address == relayer.address
    return c


def process(chain: Chain, vals: list[Validator], txs: list[bytes]) -> int:
    """ProcessProposal of the next height with ``vals`` all in the last commit."""
    req = abci.RequestProcessProposal(
        txs=txs, height=chain.height + 1, proposed_last_commit=last_commit(vals)
    )
    return int(chain.app.process_proposal(req).status)
