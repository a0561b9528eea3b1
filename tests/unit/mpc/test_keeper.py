"""The keeper engine against a stand-in chain: batching, the in-flight window, retries,
and exactly-once across crashes at every point between seeing a request and its commit."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from zrchain.chains.keys import KeyType
from zrchain.crypto import keys
from zrchain.mpc.answers import Status
from zrchain.mpc.backend import BackendContext, KeyRef, RequestKind
from zrchain.mpc.derivation import derive_key
from zrchain.mpc.keeper import Keeper, KeeperSettings, PartyAccount
from zrchain.mpc.local import LocalBackend
from zrchain.mpc.metrics import Metrics
from zrchain.mpc.seed import Secret
from zrchain.mpc.state import StateError, StateStore

from .fakechain import Crash, FakeChain

KR = "keyring1pfnq7r04rept47gaf5cpdew2"
SEED = Secret(bytes(range(32)))
SECRETS = [Secret(bytes([0x31 + i]) * 32) for i in range(3)]
PARTIES = [keys.account_address(keys.public_key(s.reveal())) for s in SECRETS]
KEY, SIG = RequestKind.KEY, RequestKind.SIGNATURE
ECDSA = KeyType.KEY_TYPE_ECDSA_SECP256K1


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


class Harness:
    """Keepers (one per party) over one FakeChain; each keeper has its own state file."""

    def __init__(self, tmp: Path, threshold: int = 1, parties: int = 1, **settings: object) -> None:
        self.tmp = tmp
        self.chain = FakeChain(KR, PARTIES[:parties], threshold)
        self.settings = settings
        self.metrics: dict[int, Metrics] = {}

    def keeper(self, party: int = 0, **overrides: object) -> Keeper:
        ctx = BackendContext("zenrock", self.chain.keyring_info, PARTIES[party])
        settings = KeeperSettings(**{"rescan_interval": 3600.0, **self.settings, **overrides})  # type: ignore[arg-type]
        self.metrics.setdefault(party, Metrics())
        return Keeper(
            settings,
            self.chain,
            LocalBackend(ctx, SEED),
            PartyAccount(SECRETS[party]),
            StateStore(self.tmp / f"party{party}" / "state.json"),
            metrics=self.metrics[party],
        )

    def key_for(self, kid: int, kt: KeyType = ECDSA) -> None:
        self.chain.add_key(kid, kt, derive_key(SEED.reveal(), KR, kt, kid).public_key)


async def started(k: Keeper) -> Keeper:
    await k.start()
    return k


def metric(m: Metrics, name: str, kind: str) -> float:
    return m.registry.get_sample_value(f"zrchain_mpc_requests_{name}_total", {"kind": kind}) or 0.0


@pytest.fixture
def h(tmp_path: Path) -> Iterator[Harness]:
    yield Harness(tmp_path)


def test_answers_key_requests_in_batches(h: Harness) -> None:
    h.settings.update(batch_size=100, max_in_flight_txs=4)
    ids = [
        h.chain.new_key_request(kt)
        for kt in [ECDSA, KeyType.KEY_TYPE_EDDSA_ED25519, KeyType.KEY_TYPE_BITCOIN_SECP256K1] * 84
    ]

    async def go() -> None:
        k = await started(h.keeper())
        rep = await k.round()
        assert rep.answered == 252 and rep.txs_sent == 3
        assert [t.sequence for t in k.state.in_flight] == [0, 1, 2]
        assert [len(t.items) for t in k.state.in_flight] == [100, 100, 52]
        h.chain.commit()
        rep = await k.round()
        assert rep.settled == 3 and rep.answered == 0 and k.state.in_flight == []
        await k.stop()

    run(go())
    for rid in ids:
        r = h.chain.requests[(KEY, rid)]
        assert r.status == Status.FULFILLED
        assert r.result == derive_key(SEED.reveal(), KR, r.key_type, rid).public_key
        assert h.chain.answers_by(PARTIES[0], KEY, rid) == 1
    assert metric(h.metrics[0], "answered", "key") == 252
    assert metric(h.metrics[0], "seen", "key") == 252
    assert (
        h.metrics[0].registry.get_sample_value(
            "zrchain_mpc_answer_latency_blocks_count", {"kind": "key"}
        )
        == 252
    )


def test_byte_cap_and_window(h: Harness) -> None:
    h.settings.update(batch_size=1000, max_tx_bytes=20_000, max_in_flight_txs=2)
    for _ in range(300):
        h.chain.new_key_request()

    async def go() -> None:
        k = await started(h.keeper())
        await k.round()
        assert len(k.state.in_flight) == 2
        assert all(len(t.raw) <= 20_000 for t in k.state.in_flight)
        rep = await k.round()  # window full: nothing new until the chain moves
        assert rep.skipped == "in-flight window full"
        while any(r.status != Status.FULFILLED for r in h.chain.requests.values()):
            h.chain.commit()
            await k.round()
        await k.stop()

    run(go())
    assert all(h.chain.answers_by(PARTIES[0], KEY, rid) == 1 for _, rid in h.chain.requests)


def test_signature_requests_leaves_only_and_rejections(h: Harness) -> None:
    for kid, kt in (
        (1, ECDSA),
        (2, KeyType.KEY_TYPE_EDDSA_ED25519),
        (3, KeyType.KEY_TYPE_BITCOIN_SECP256K1),
    ):
        h.key_for(kid, kt)
    h.chain.add_key(4, ECDSA, keys.public_key(b"\x44" * 32))  # not derivable from our seed
    digest = hashlib.sha256(b"d").digest()
    single = h.chain.new_sign_request(1, digest)
    parent = h.chain.new_sign_request(1, (digest, hashlib.sha256(b"e").digest()))
    solana = h.chain.new_sign_request(2, b"solana message bytes")
    btc = h.chain.new_sign_request(3, digest)
    bad_len = h.chain.new_sign_request(1, b"\x01" * 5)
    foreign = h.chain.new_sign_request(4, digest)

    async def go() -> None:
        k = await started(h.keeper())
        await k.round()
        h.chain.commit()
        await k.round()
        await k.stop()

    run(go())
    req = h.chain.requests
    for rid in (single, solana, btc, *req[(SIG, parent)].children):
        assert req[(SIG, rid)].status == Status.FULFILLED, rid
    assert req[(SIG, parent)].status == Status.PENDING  # aggregated by the chain, never answered
    assert h.chain.answers_by(PARTIES[0], SIG, parent) == 0
    assert req[(SIG, bad_len)].status == Status.REJECTED
    assert "32-byte hash" in req[(SIG, bad_len)].reject_reason
    assert req[(SIG, foreign)].status == Status.REJECTED
    assert "unknown key 4" in req[(SIG, foreign)].reject_reason
    assert metric(h.metrics[0], "rejected", "signature") == 2


@pytest.mark.parametrize(
    "point", ["before_record", "after_record", "after_broadcast", "after_commit"]
)
def test_crash_at_any_point_answers_exactly_once(h: Harness, point: str) -> None:
    rids = [h.chain.new_key_request() for _ in range(5)]

    async def first() -> None:
        k = await started(h.keeper())
        if point == "before_record":
            k.store.save = _crash_on_call(k.store.save, 1)  # type: ignore[method-assign]
        elif point == "after_record":
            h.chain.broadcast_hook = _raise(Crash())
        with pytest.raises(Crash) if point in ("before_record", "after_record") else _nothing():
            await k.round()
        h.chain.broadcast_hook = None
        k.store.unlock()  # the OS releases the lock of a dead process
        if point == "after_commit":
            h.chain.commit()

    run(first())
    if point == "after_broadcast":
        h.chain.commit()  # the tx lands while the keeper is down

    async def second() -> None:
        k = await started(h.keeper())
        for _ in range(3):
            await k.round()
            h.chain.commit()
        await k.round()
        await k.stop()

    run(second())
    for rid in rids:
        assert h.chain.requests[(KEY, rid)].status == Status.FULFILLED
        assert h.chain.answers_by(PARTIES[0], KEY, rid) == 1, (point, rid)


def _crashed_after_record(h: Harness) -> int:
    """A keeper records its answer to a new request and dies before broadcasting it; the
    recorded tx's timeout height."""

    async def go() -> int:
        k = await started(h.keeper())
        h.chain.broadcast_hook = _raise(Crash())
        with pytest.raises(Crash):
            await k.round()
        h.chain.broadcast_hook = None
        k.store.unlock()  # the OS releases the lock of a dead process
        return k.state.in_flight[0].timeout_height

    return int(run(go()))


def test_restart_late_sends_the_recorded_answer_and_only_it(h: Harness) -> None:
    """kill -9 after recording; blocks outpace the restart (a loaded machine): the keeper
    comes back one block before the recorded tx's timeout height, and its rebroadcast
    reaches the node only after the chain committed that height. CheckTx (at the committed
    height) still accepts it, so it lands in the next block -- failing, timed out -- while
    the keeper, seeing the timeout reached, had answered the request again: two answers in
    blocks. (e2e: test_kill9_then_restart_answers_exactly_once[after_record].)"""
    rid = h.chain.new_key_request(KeyType.KEY_TYPE_EDDSA_ED25519)
    timeout = _crashed_after_record(h)
    recorded = StateStore(h.tmp / "party0" / "state.json").read()
    assert recorded is not None
    first_msg = h.chain._decode(recorded.in_flight[0].raw, "").msgs[0]
    while h.chain.height < timeout - 1:
        h.chain.commit()  # the keeper is still starting

    def late(_raw: bytes) -> None:
        while h.chain.height < timeout:
            h.chain.commit()

    asked: list[int] = []

    async def second() -> None:
        k = await started(h.keeper())
        generate = k.backend.generate_key

        async def counting(session: object, ref: KeyRef) -> bytes:
            asked.append(ref.key_id)
            return await generate(session, ref)  # type: ignore[arg-type]

        k.backend.generate_key = counting  # type: ignore[method-assign]
        h.chain.broadcast_hook = late
        await k.round()
        h.chain.broadcast_hook = None
        assert h.chain.broadcasts == []  # too late in its life: left to expire
        for _ in range(12):
            h.chain.commit()
            await k.round()
        await k.stop()

    run(second())
    assert h.chain.requests[(KEY, rid)].status == Status.FULFILLED
    assert h.chain.answers_by(PARTIES[0], KEY, rid) == 1
    landed = [m for t in h.chain.included for m in t.msgs]
    assert landed == [first_msg]  # the recorded answer ...
    assert asked == []  # ... never a fresh one


def test_rebroadcast_in_time_lands_the_recorded_tx(h: Harness) -> None:
    """The same restart with time to spare: the recorded bytes themselves land, even when a
    block passes while the broadcast is on its way."""
    rid = h.chain.new_key_request(KeyType.KEY_TYPE_EDDSA_ED25519)
    _crashed_after_record(h)
    recorded = StateStore(h.tmp / "party0" / "state.json").read()
    assert recorded is not None
    txhash = recorded.in_flight[0].txhash

    async def second() -> None:
        k = await started(h.keeper())
        h.chain.broadcast_hook = lambda _raw: h.chain.commit()
        await k.round()
        h.chain.broadcast_hook = None
        for _ in range(3):
            h.chain.commit()
            await k.round()
        await k.stop()

    run(second())
    assert [t.txhash for t in h.chain.included] == [txhash]
    assert h.chain.requests[(KEY, rid)].status == Status.FULFILLED
    assert h.chain.answers_by(PARTIES[0], KEY, rid) == 1


def test_without_a_tx_index_settles_from_state(tmp_path: Path) -> None:
    h = Harness(tmp_path, threshold=2, parties=2)
    h.chain.indexing = False
    h.key_for(1)
    rids = [h.chain.new_key_request() for _ in range(3)]
    sid = h.chain.new_sign_request(1, b"\x01" * 5)  # refused: a rejection closes it

    async def go() -> None:
        k = await started(h.keeper(0))
        await k.round()
        h.chain.commit()
        await k.round()
        assert k.state.in_flight == [] and not k.retry
        await k.stop()

    run(go())
    for rid in rids:  # PARTIAL (threshold 2): still open, answered by us
        assert h.chain.requests[(KEY, rid)].answered_by == [PARTIES[0]]
    assert h.chain.requests[(SIG, sid)].status == Status.REJECTED
    assert metric(h.metrics[0], "answered", "key") == 3
    assert metric(h.metrics[0], "rejected", "signature") == 1


def test_mempool_loss_is_healed_by_rebroadcast(h: Harness) -> None:
    rid = h.chain.new_key_request()

    async def go() -> None:
        k = await started(h.keeper(rebroadcast_after_blocks=2))
        await k.round()
        txhash = k.state.in_flight[0].txhash
        h.chain.drop_mempool()  # node restart
        h.chain.commit()
        await k.round()
        assert h.chain.broadcasts.count(txhash) == 1  # not yet due
        h.chain.commit()
        await k.round()
        assert h.chain.broadcasts.count(txhash) == 2  # same bytes again
        h.chain.commit()
        await k.round()
        await k.stop()

    run(go())
    assert h.chain.requests[(KEY, rid)].status == Status.FULFILLED
    assert h.chain.answers_by(PARTIES[0], KEY, rid) == 1


def test_tx_that_never_lands_expires_then_is_replaced(h: Harness) -> None:
    rid = h.chain.new_key_request()

    async def go() -> None:
        k = await started(h.keeper(tx_timeout_blocks=3, rebroadcast_after_blocks=100))
        await k.round()
        first = k.state.in_flight[0]
        h.chain.censored.add(first.txhash)
        for _ in range(3):
            h.chain.commit()
            await k.round()
        # at its timeout height it could still land (failing) in the next block: kept
        assert k.state.in_flight == [first]
        h.chain.commit()
        await k.round()
        # expired once block timeout+1 is committed; after a short back-off its recorded
        # answer is sent again, in a new tx that reuses the (never consumed) sequence
        assert k.state.in_flight == [] and k.retry[("key", rid)].attempts == 1
        h.chain.height = k.retry[("key", rid)].not_before - 1
        h.chain.commit()
        await k.round()
        again = k.state.in_flight[0]
        assert again.txhash != first.txhash and again.sequence == first.sequence
        assert h.chain._decode(again.raw, "").msgs == h.chain._decode(first.raw, "").msgs
        h.chain.commit()
        await k.round()
        await k.stop()

    run(go())
    assert h.chain.requests[(KEY, rid)].status == Status.FULFILLED
    assert h.chain.answers_by(PARTIES[0], KEY, rid) == 1


def test_sequence_taken_by_someone_else(h: Harness) -> None:
    rid = h.chain.new_key_request()

    async def go() -> None:
        k = await started(h.keeper())
        h.chain.inject_foreign_tx(PARTIES[0])
        rep = await k.round()
        assert rep.txs_sent == 0 and k.state.in_flight == []  # refused at CheckTx, dropped
        h.chain.commit()  # the foreign tx uses sequence 0
        await k.round()
        assert k.state.in_flight[0].sequence == 1
        h.chain.commit()
        await k.round()
        await k.stop()

    run(go())
    assert h.chain.requests[(KEY, rid)].status == Status.FULFILLED
    assert metric(h.metrics[0], "failed", "key") == 0


@pytest.mark.parametrize("indexing", [True, False])
def test_failing_answer_is_blamed_isolated_and_given_up(h: Harness, indexing: bool) -> None:
    """With a tx index the failing Msg is named and blamed; without one the keeper cannot
    say which Msg of its included tx failed, so each is sent alone, and the one failing
    alone is backed off and given up (not re-sent and paid for every round)."""
    h.chain.indexing = indexing
    rids = [h.chain.new_key_request() for _ in range(6)]
    bad = rids[2]
    h.chain.poisoned.add(bad)

    async def go() -> None:
        k = await started(h.keeper(max_attempts=3))
        for _ in range(40):
            await k.round()
            h.chain.commit()
        assert ("key", bad) in k.gave_up
        await k.stop()

    run(go())
    assert h.chain.requests[(KEY, bad)].status == Status.PENDING
    assert h.chain.answers_by(PARTIES[0], KEY, bad) == 3
    for rid in rids:
        if rid != bad:
            assert h.chain.requests[(KEY, rid)].status == Status.FULFILLED
    # after the first failure the bad answer travelled alone
    solo = [t for t in h.chain.included if any(m.request_id == bad for m in t.msgs)]
    assert len(solo) == 3 and all(len(t.msgs) == 1 for t in solo[1:])
    # failures of its own: all three when named, the two alone when not
    assert metric(h.metrics[0], "failed", "key") == (3 if indexing else 2)


def test_request_completed_by_others_is_superseded(tmp_path: Path) -> None:
    h = Harness(tmp_path, threshold=2, parties=3)
    rids = [h.chain.new_key_request() for _ in range(3)]

    def others_first() -> None:  # two other parties' answers land earlier in the same block
        r = h.chain.requests[(KEY, rids[1])]
        r.answered_by += [PARTIES[1], PARTIES[2]]
        r.result = derive_key(SEED.reveal(), KR, ECDSA, rids[1]).public_key
        r.status = Status.FULFILLED

    async def go() -> None:
        k = await started(h.keeper(0))
        await k.round()
        h.chain.commit(before=others_first)  # our batch fails on rids[1]
        await k.round()  # rids[1] superseded; the other two re-sent
        assert {i for t in k.state.in_flight for _, i, _ in t.items} == {rids[0], rids[2]}
        h.chain.commit()
        await k.round()
        await k.stop()

    run(go())
    assert metric(h.metrics[0], "superseded", "key") == 1
    assert metric(h.metrics[0], "failed", "key") == 0
    for rid in (rids[0], rids[2]):
        assert h.chain.requests[(KEY, rid)].status == Status.PARTIAL
        assert h.chain.requests[(KEY, rid)].answered_by == [PARTIES[0]]


def test_replicated_2_of_3(tmp_path: Path) -> None:
    h = Harness(tmp_path, threshold=2, parties=3)
    rids = [h.chain.new_key_request(kt) for kt in (ECDSA, KeyType.KEY_TYPE_EDDSA_ED25519)]

    async def go() -> None:
        a, b = await started(h.keeper(0)), await started(h.keeper(1))
        await a.round()
        h.chain.commit()
        assert all(h.chain.requests[(KEY, r)].status == Status.PARTIAL for r in rids)
        await b.round()
        h.chain.commit()
        for k in (a, b):
            await k.round()
            await k.stop()

    run(go())
    for rid in rids:
        r = h.chain.requests[(KEY, rid)]
        assert r.status == Status.FULFILLED and r.answered_by == PARTIES[:2]


def test_node_errors_end_the_round_only(h: Harness) -> None:
    rid = h.chain.new_key_request()

    async def go() -> None:
        k = await started(h.keeper())
        h.chain.fail_queries = 1
        with pytest.raises(ConnectionError):
            await k.round()
        await k.round()
        h.chain.commit()
        await k.round()
        await k.stop()

    run(go())
    assert h.chain.requests[(KEY, rid)].status == Status.FULFILLED


def test_watermark_and_late_requests(h: Harness) -> None:
    async def go() -> None:
        k = await started(h.keeper())
        first = [h.chain.new_key_request() for _ in range(3)]
        await k.round()
        h.chain.commit()
        await k.round()
        assert k.state.watermark["key"] == first[-1] + 1
        later = h.chain.new_key_request()
        h.chain.commit()
        await k.round()
        assert [i for t in k.state.in_flight for _, i, _ in t.items] == [later]
        await k.stop()

    run(go())


def test_refused_tx_pauses_sending(h: Harness) -> None:
    rid = h.chain.new_key_request()

    async def go() -> None:
        k = await started(h.keeper())
        h.chain.refuse_code = 5
        rep = await k.round()
        assert rep.answered == 1 and rep.txs_sent == 0 and k.state.in_flight == []
        h.chain.refuse_code = 0
        for _ in range(4):
            h.chain.commit()
            assert (await k.round()).skipped == "paused after a refused tx"
        h.chain.commit()
        assert (await k.round()).txs_sent == 1
        h.chain.commit()
        await k.round()
        await k.stop()

    run(go())
    assert h.chain.requests[(KEY, rid)].status == Status.FULFILLED
    assert len(h.chain.broadcasts) == 2


def test_refused_rejection_is_decided_afresh_after_a_restart(h: Harness) -> None:
    """A rejection whose tx CheckTx refused is not kept: after a restart the request is
    decided again (its cause may have passed: a share not yet active, say), and answered
    once."""
    h.key_for(1)
    sid = h.chain.new_sign_request(1, b"\x01" * 5)  # ECDSA payload not 32 bytes: rejected

    async def first() -> None:
        k = await started(h.keeper())
        h.chain.refuse_code = 5
        assert (await k.round()).answered == 1 and k.state.in_flight == []
        assert k.state.answers == {}  # a rejection is never recorded as final
        await k.stop()

    run(first())
    h.chain.refuse_code = 0

    async def second() -> None:
        k = await started(h.keeper())
        events: list[str] = []
        k.log.info = lambda event, **kw: events.append(event)  # type: ignore[method-assign]
        k.log.warning = lambda event, **kw: events.append(event)  # type: ignore[method-assign]
        assert (await k.round()).txs_sent == 1
        h.chain.commit()
        await k.round()
        assert k.state.answers == {}
        assert events.count("request_refused") == 1  # decided again, so logged again
        await k.stop()

    run(second())
    req = h.chain.requests[(SIG, sid)]
    assert req.status == Status.REJECTED and "must be a 32-byte hash" in req.reject_reason
    assert h.chain.answers_by(PARTIES[0], SIG, sid) == 1


def test_only_fulfilments_are_recorded_as_final_answers(h: Harness) -> None:
    """Only fulfilments are recorded as final answers."""
    h.key_for(1)
    good = h.chain.new_sign_request(1, b"\x02" * 32)
    bad = h.chain.new_sign_request(1, b"\x01" * 5)

    async def go() -> None:
        k = await started(h.keeper())
        h.chain.refuse_code = 5
        await k.round()
        assert set(k.state.answers) == {f"signature:{good}"}
        assert f"signature:{bad}" not in k.state.answers
        await k.stop()

    run(go())


def test_inactive_keyring_sends_nothing(h: Harness) -> None:
    h.chain.new_key_request()
    h.chain.keyring_info = dataclasses.replace(h.chain.keyring_info, active=False)

    async def go() -> None:
        k = await started(h.keeper())
        k.keyring_info = h.chain.keyring_info
        assert (await k.round()).skipped == "keyring inactive"
        await k.stop()

    run(go())
    assert h.chain.broadcasts == []


def test_not_a_party_sends_nothing(tmp_path: Path) -> None:
    h = Harness(tmp_path, parties=1)
    h.chain.new_key_request()
    h.chain.sequences[PARTIES[1]] = 0  # funded, but not a party of the keyring

    async def go() -> None:
        k = await started(h.keeper(1))
        rep = await k.round()
        assert rep.skipped == "not a party" and k.state.in_flight == []
        await k.stop()

    run(go())


def test_state_file_is_locked_and_bound_to_its_party(h: Harness) -> None:
    async def go() -> None:
        k = await started(h.keeper(0))
        with pytest.raises(StateError, match="in use"):
            await h.keeper(0).start()
        await k.stop()
        other = h.keeper(1)
        other.store = StateStore(h.tmp / "party0" / "state.json")
        with pytest.raises(StateError, match="belongs to"):
            await other.start()

    run(go())


def test_run_loop_stops_on_signal(h: Harness) -> None:
    h.chain.new_key_request()

    async def go() -> None:
        k = h.keeper()
        stop = asyncio.Event()

        async def wait_block(height: int, timeout: float) -> None:
            h.chain.commit()
            if h.chain.height > 14:
                stop.set()

        await asyncio.wait_for(k.run(wait_block, stop, tick=0.01), 10)

    run(go())
    assert all(r.status == Status.FULFILLED for r in h.chain.requests.values())


def _crash_on_call(fn, n: int):  # type: ignore[no-untyped-def]
    calls = {"n": 0}

    def wrapped(*a, **kw):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == n:
            raise Crash()
        return fn(*a, **kw)

    return wrapped


def _raise(exc: BaseException):  # type: ignore[no-untyped-def]
    def hook(_raw: bytes) -> None:
        raise exc

    return hook


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *a: object) -> bool:
        return False
