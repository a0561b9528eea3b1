"""Counting attestations: which requests > 2/3 of the previous commit's voting power saw,
who attested what the majority did not, and checking an injection's proof.

Everything here is a pure function of the block (the injection, the commit info CometBFT
hands over with its powers) and of the set of already-ingested ids, so ProcessProposal and
FinalizeBlock reach the same answer on every validator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from zrchain.x.attest.codec import CodecError, Extension, Injection, Item, Quote, SignedExtension
from zrchain.x.attest.signbytes import consensus_address, verify_extension_signature


class ProofError(ValueError):
    """An injection whose proof does not hold."""


@dataclass(frozen=True)
class CommitVote:
    """One validator of the previous height as CometBFT's commit info lists it."""

    address: bytes
    power: int
    committed: bool  # BLOCK_ID_FLAG_COMMIT: its precommit (and extension) is in the commit


@dataclass(frozen=True)
class Attestation:
    address: bytes
    power: int
    extension: Extension
    signed: SignedExtension | None = None


@dataclass
class Dissent:
    """A validator that attested requests in blocks the majority had confirmed without them."""

    address: bytes
    item_ids: list[bytes]
    signed: SignedExtension | None


@dataclass
class Tally:
    items: list[Item] = field(default_factory=list)
    dissent: list[Dissent] = field(default_factory=list)
    total_power: int = 0
    #: Simple-tx quotes backed by > 2/3 of the power for requests awaiting them.
    quotes: list[Quote] = field(default_factory=list)
    #: Per network, the highest block validators with > 2/3 of the power saw complete.
    confirmed: dict[str, int] = field(default_factory=dict)

    @property
    def anything(self) -> bool:
        return bool(self.items or self.quotes)


def _never(_q: Quote) -> bool:
    return False


def backed(power: int, total: int) -> bool:
    return power * 3 > total * 2


def tally(
    attestations: Sequence[Attestation],
    total: int,
    ingested: Callable[[bytes], bool],
    quotable: Callable[[Quote], bool] = _never,
) -> Tally:
    """What > 2/3 of ``total`` attested: the items not yet ingested, the quotes the chain
    awaits (``quotable``: its request waits for a quote at exactly that block), the
    dissenters."""
    power_of: dict[bytes, int] = {}
    items: dict[bytes, Item] = {}
    for a in attestations:
        for net in a.extension.networks:
            for it in net.items:
                iid = it.id
                items[iid] = it
                power_of[iid] = power_of.get(iid, 0) + a.power
    fresh = {iid for iid in items if not ingested(iid)}
    chosen = sorted(
        (items[i] for i in fresh if backed(power_of[i], total)), key=lambda it: (it.order, it.id)
    )
    majority = _majority_confirmed(attestations, total)
    chosen_ids = {it.id for it in chosen}
    dissent = []
    for a in attestations:
        odd = [
            it.id
            for net in a.extension.networks
            for it in net.items
            if it.id in fresh
            and it.id not in chosen_ids
            and it.block_number <= majority.get(net.caip2, -1)
        ]
        if odd:
            dissent.append(Dissent(a.address, odd, a.signed))
    return Tally(chosen, dissent, total, _backed_quotes(attestations, total, quotable), majority)


def _backed_quotes(
    attestations: Iterable[Attestation], total: int, quotable: Callable[[Quote], bool]
) -> list[Quote]:
    """Each validator lists one quote per request, so at most one quote per request can
    reach > 2/3; a validator that read differently is simply outvoted."""
    power_of: dict[bytes, int] = {}
    quotes: dict[bytes, Quote] = {}
    for a in attestations:
        for q in a.extension.quotes:
            quotes[q.id] = q
            power_of[q.id] = power_of.get(q.id, 0) + a.power
    chosen = [q for qid, q in quotes.items() if backed(power_of[qid], total) and quotable(q)]
    return sorted(chosen, key=lambda q: q.request)


def _majority_confirmed(attestations: Iterable[Attestation], total: int) -> dict[str, int]:
    """Per network, the highest block that validators with > 2/3 of the power say they have
    seen complete: an honest follower at or past it lists every request up to it."""
    claims: dict[str, list[tuple[int, int]]] = {}
    for a in attestations:
        for net in a.extension.networks:
            claims.setdefault(net.caip2, []).append((net.confirmed, a.power))
    out = {}
    for caip2, seen in claims.items():
        acc = 0
        for confirmed, power in sorted(seen, reverse=True):
            acc += power
            if backed(acc, total):
                out[caip2] = confirmed
                break
    return out


def check_injection(
    inj: Injection,
    *,
    chain_id: str,
    height: int,
    commit_round: int,
    commit: Sequence[CommitVote],
    ingested: Callable[[bytes], bool],
    quotable: Callable[[Quote], bool] = _never,
) -> Tally:
    """The tally an injection proves for block ``height + 1``; ProofError when it does not
    hold (a vote not in the commit or repeated, a bad signature, a malformed extension, or
    items other than exactly what the votes back)."""
    if inj.round != commit_round:
        raise ProofError(f"proof is of round {inj.round}, the commit of round {commit_round}")
    by_addr = {v.address: v for v in commit}
    seen: set[bytes] = set()
    attestations = []
    decoded: dict[bytes, Extension] = {}  # validators that saw the same attest the same bytes
    for sv in inj.votes:
        addr = consensus_address(sv.pubkey)
        cv = by_addr.get(addr)
        if cv is None or not cv.committed:
            raise ProofError(f"validator {addr.hex().upper()} has no precommit in the commit")
        if addr in seen:
            raise ProofError(f"validator {addr.hex().upper()} appears twice")
        seen.add(addr)
        if not verify_extension_signature(
            sv.pubkey, sv.signature, chain_id, height, inj.round, sv.extension
        ):
            raise ProofError(f"extension signature of {addr.hex().upper()} does not verify")
        ext = decoded.get(sv.extension)
        if ext is None:
            try:
                ext = decoded[sv.extension] = Extension.decode(sv.extension)
            except CodecError as exc:
                raise ProofError(f"extension of {addr.hex().upper()}: {exc}") from None
        attestations.append(Attestation(addr, cv.power, ext, sv))
    result = tally(attestations, sum(v.power for v in commit), ingested, quotable)
    if not result.anything:
        raise ProofError("the proof backs nothing new: no injection may be made")
    if tuple(result.items) != inj.items:
        raise ProofError("injected requests differ from what > 2/3 of the voting power attested")
    if tuple(result.quotes) != inj.quotes:
        raise ProofError(
            "injected quotes differ from what > 2/3 of the voting power attested for requests "
            "awaiting a quote"
        )
    return result
