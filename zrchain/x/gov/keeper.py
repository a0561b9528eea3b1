"""The only code that touches the gov store.

Layout under ``gov/`` (``id`` = proposal id, 8 bytes big-endian; ``t`` = ns, 8 bytes)::

    0x00               -> Params
    0x01               -> next proposal id
    0x02 id            -> Proposal
    0x03 id addr       -> Deposit
    0x04 id addr       -> Vote
    0x05 t id          -> (deposit period ends at t: the inactive queue)
    0x06 t id          -> (voting period ends at t: the active queue)
    0x07               -> constitution
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest, PageResponse
from cosmpy.protos.cosmos.gov.v1 import gov_pb2

from zrchain.codec.address import acc_bytes
from zrchain.codec.coins import Coin, Coins
from zrchain.codec.dec import ONE_ATOMICS, Dec
from zrchain.context import Context
from zrchain.store.kv import iterate_prefix
from zrchain.x.gov.expected import GovAccounts, GovBank
from zrchain.x.gov.types import DEFAULT_PARAMS, MODULE, STORE_KEY, ErrUnknownProposal
from zrchain.x.pagination import paginate

_PARAMS = b"\x00"
_NEXT_ID = b"\x01"
PROPOSALS = b"\x02"
DEPOSITS = b"\x03"
VOTES = b"\x04"
INACTIVE = b"\x05"
ACTIVE = b"\x06"
_CONSTITUTION = b"\x07"


def _u64(n: int) -> bytes:
    return n.to_bytes(8, "big")


def _decoder(cls: Any) -> Any:
    return lambda _k, v: cls.FromString(v)


class GovKeeper:
    def __init__(self, bank: GovBank, accounts: GovAccounts) -> None:
        self.bank = bank
        self.accounts = accounts

    def _store(self, ctx: Context) -> Any:
        return ctx.store(STORE_KEY)

    # -- params ------------------------------------------------------------------------
    def params(self, ctx: Context) -> gov_pb2.Params:
        raw = self._store(ctx).get(_PARAMS)
        return DEFAULT_PARAMS if raw is None else gov_pb2.Params.FromString(raw)

    def set_params(self, ctx: Context, p: gov_pb2.Params) -> None:
        self._store(ctx).set(_PARAMS, p.SerializeToString())

    def constitution(self, ctx: Context) -> str:
        raw = self._store(ctx).get(_CONSTITUTION)
        return "" if raw is None else raw.decode()

    def set_constitution(self, ctx: Context, text: str) -> None:
        self._store(ctx).set(_CONSTITUTION, text.encode())

    # -- proposals ---------------------------------------------------------------------
    def next_id(self, ctx: Context) -> int:
        raw = self._store(ctx).get(_NEXT_ID)
        return 1 if raw is None else int.from_bytes(raw, "big")

    def set_next_id(self, ctx: Context, n: int) -> None:
        self._store(ctx).set(_NEXT_ID, _u64(n))

    def proposal(self, ctx: Context, pid: int) -> gov_pb2.Proposal | None:
        raw = self._store(ctx).get(PROPOSALS + _u64(pid))
        return None if raw is None else gov_pb2.Proposal.FromString(raw)

    def must_proposal(self, ctx: Context, pid: int) -> gov_pb2.Proposal:
        p = self.proposal(ctx, pid)
        if p is None:
            raise ErrUnknownProposal.wrap(f"proposal {pid} doesn't exist")
        return p

    def set_proposal(self, ctx: Context, p: gov_pb2.Proposal) -> None:
        self._store(ctx).set(PROPOSALS + _u64(p.id), p.SerializeToString())

    def delete_proposal(self, ctx: Context, pid: int) -> None:
        self._store(ctx).delete(PROPOSALS + _u64(pid))

    def remove_proposal(self, ctx: Context, p: gov_pb2.Proposal) -> None:
        """The SDK's DeleteProposal: the record and its place in either queue."""
        if p.HasField("deposit_end_time"):
            self.dequeue(ctx, INACTIVE, p.deposit_end_time.ToNanoseconds(), p.id)
        if p.HasField("voting_end_time"):
            self.dequeue(ctx, ACTIVE, p.voting_end_time.ToNanoseconds(), p.id)
        self.delete_proposal(ctx, p.id)

    def iterate_proposals(self, ctx: Context) -> Iterator[gov_pb2.Proposal]:
        for _, v in iterate_prefix(self._store(ctx), PROPOSALS):
            yield gov_pb2.Proposal.FromString(v)

    def proposals_page(
        self, ctx: Context, page: PageRequest | None, keep: Any
    ) -> tuple[list[gov_pb2.Proposal], PageResponse]:
        def decode(_k: bytes, v: bytes) -> gov_pb2.Proposal | None:
            p = gov_pb2.Proposal.FromString(v)
            return p if keep(p) else None

        return paginate(self._store(ctx), PROPOSALS, page, decode)

    # -- queues ------------------------------------------------------------------------
    def enqueue(self, ctx: Context, queue: bytes, end_ns: int, pid: int) -> None:
        self._store(ctx).set(queue + _u64(end_ns) + _u64(pid), b"\x01")

    def dequeue(self, ctx: Context, queue: bytes, end_ns: int, pid: int) -> None:
        self._store(ctx).delete(queue + _u64(end_ns) + _u64(pid))

    def due(self, ctx: Context, queue: bytes, now_ns: int) -> list[int]:
        """Ids whose period ended at or before ``now_ns``, earliest first."""
        out = []
        for k, _ in iterate_prefix(self._store(ctx), queue):
            if int.from_bytes(k[1:9], "big") > now_ns:
                break
            out.append(int.from_bytes(k[9:17], "big"))
        return out

    # -- deposits ----------------------------------------------------------------------
    def deposit(self, ctx: Context, pid: int, depositor: bytes) -> gov_pb2.Deposit | None:
        raw = self._store(ctx).get(DEPOSITS + _u64(pid) + depositor)
        return None if raw is None else gov_pb2.Deposit.FromString(raw)

    def set_deposit(self, ctx: Context, pid: int, depositor: bytes, d: gov_pb2.Deposit) -> None:
        self._store(ctx).set(DEPOSITS + _u64(pid) + depositor, d.SerializeToString())

    def deposits(self, ctx: Context, pid: int) -> list[gov_pb2.Deposit]:
        return [
            gov_pb2.Deposit.FromString(v)
            for _, v in iterate_prefix(self._store(ctx), DEPOSITS + _u64(pid))
        ]

    def deposits_page(
        self, ctx: Context, pid: int, page: PageRequest | None
    ) -> tuple[list[gov_pb2.Deposit], PageResponse]:
        return paginate(self._store(ctx), DEPOSITS + _u64(pid), page, _decoder(gov_pb2.Deposit))

    def settle_deposits(self, ctx: Context, pid: int, burn: bool) -> None:
        """Burn every deposit of the proposal, or refund each to its depositor; delete them."""
        store = self._store(ctx)
        for d in self.deposits(ctx, pid):
            coins = Coins.from_protos(d.amount, strict=False)
            if coins:
                if burn:
                    self.bank.burn_coins(ctx, MODULE, coins)
                else:
                    self.bank.send_from_module(ctx, MODULE, acc_bytes(d.depositor), coins)
            store.delete(DEPOSITS + _u64(pid) + acc_bytes(d.depositor))

    def charge_deposits(self, ctx: Context, pid: int, rate: Dec) -> Coins:
        """The SDK's ChargeDeposit: refund each deposit less ``rate`` of it (truncated per
        coin), delete the deposits; the charged coins stay in the gov account, returned."""
        store = self._store(ctx)
        charged = Coins()
        for d in self.deposits(ctx, pid):
            depositor = acc_bytes(d.depositor)
            coins = Coins.from_protos(d.amount, strict=False)
            charge = Coins.of(Coin(c.denom, rate.mul_int(c.amount).i // ONE_ATOMICS) for c in coins)
            refund = coins.sub(charge)
            if refund:
                self.bank.send_from_module(ctx, MODULE, depositor, refund)
            store.delete(DEPOSITS + _u64(pid) + depositor)
            charged = charged.add(charge)
        return charged

    # -- votes -------------------------------------------------------------------------
    def vote(self, ctx: Context, pid: int, voter: bytes) -> gov_pb2.Vote | None:
        raw = self._store(ctx).get(VOTES + _u64(pid) + voter)
        return None if raw is None else gov_pb2.Vote.FromString(raw)

    def set_vote(self, ctx: Context, pid: int, voter: bytes, v: gov_pb2.Vote) -> None:
        self._store(ctx).set(VOTES + _u64(pid) + voter, v.SerializeToString())

    def votes(self, ctx: Context, pid: int) -> list[gov_pb2.Vote]:
        return [
            gov_pb2.Vote.FromString(v)
            for _, v in iterate_prefix(self._store(ctx), VOTES + _u64(pid))
        ]

    def votes_page(
        self, ctx: Context, pid: int, page: PageRequest | None
    ) -> tuple[list[gov_pb2.Vote], PageResponse]:
        return paginate(self._store(ctx), VOTES + _u64(pid), page, _decoder(gov_pb2.Vote))

    def delete_votes(self, ctx: Context, pid: int) -> None:
        store = self._store(ctx)
        for k, _ in list(iterate_prefix(store, VOTES + _u64(pid))):
            store.delete(k)
