"""Simulate off the consensus path (zrchain.tx.simulation): the view it runs on, its limits
and their errors, and the worker processes ``zrchaind start`` uses, which must give exactly
the in-thread results."""

from __future__ import annotations

import threading

import pytest
from cosmpy.protos.cosmos.bank.v1beta1 import bank_pb2
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx

from zrchain.abci import types as abci
from zrchain.codec.address import acc_string
from zrchain.errors import QueryError, Status
from zrchain.testing.inproc import Chain, make_chain
from zrchain.tx import simulation
from zrchain.tx.simulation import (
    InlineSimulator,
    ProcessSimulator,
    SimulationFailed,
    SimulationLimits,
)


@pytest.fixture
def chain(tmp_path) -> Chain:
    c = make_chain(tmp_path / "db", {"alice": "1000000000urock", "bob": "5000urock"})
    yield c
    c.app.close()


@pytest.fixture
def workers(chain: Chain):
    sims: list[ProcessSimulator] = []

    def make(**limits) -> ProcessSimulator:
        sim = ProcessSimulator(chain.app, SimulationLimits(**limits))
        sim.start()
        sims.append(sim)
        return sim

    yield make
    for sim in sims:
        sim.close()


def send(chain: Chain, amount: int = 7, sequence: int | None = None, gas: int = 0) -> bytes:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    msg = bank_tx.MsgSend(
        from_address=a.address, to_address=b.address,
        amount=[{"denom": "urock", "amount": str(amount)}],
    )  # fmt: skip
    kw = {} if sequence is None else {"sequence": sequence}
    return chain.tx(a, [msg], fee=f"{gas // 10}urock" if gas else "", gas=gas, **kw)


def multisend(chain: Chain, outputs: int) -> bytes:
    a = chain.wallets["alice"]
    one = [{"denom": "urock", "amount": "1"}]
    msg = bank_tx.MsgMultiSend(
        inputs=[bank_pb2.Input(address=a.address, coins=[{"denom": "urock",
                                                          "amount": str(outputs)}])],
        outputs=[bank_pb2.Output(address=acc_string(i.to_bytes(20, "big")), coins=one)
                 for i in range(1, outputs + 1)],
    )  # fmt: skip
    return chain.tx(a, [msg], fee="", gas=0)


def status_of(fn) -> tuple[int, str]:
    with pytest.raises(QueryError) as info:
        fn()
    return info.value.status, info.value.message


def test_limits_have_their_own_clear_errors(chain: Chain) -> None:
    small = InlineSimulator(chain.app, SimulationLimits(max_tx_bytes=300))
    tx = multisend(chain, 20)
    status, text = status_of(lambda: small.simulate(tx))
    assert status == Status.INVALID_ARGUMENT and "larger than the 300 bytes" in text
    assert "mempool.max_tx_bytes" in text
    capped = InlineSimulator(chain.app, SimulationLimits(gas_limit=50_000))
    status, text = status_of(lambda: capped.simulate(multisend(chain, 20)))
    assert status == Status.INVALID_ARGUMENT
    assert "this node simulates up to 50000 gas" in text and "out of gas" in text
    hurried = InlineSimulator(chain.app, SimulationLimits(timeout=0.0))
    status, text = status_of(lambda: hurried.simulate(multisend(chain, 300)))
    assert status == Status.DEADLINE_EXCEEDED and "limit of 0s" in text
    status, text = status_of(lambda: small.simulate(b"\x0a\x05hello"))
    assert status == Status.INVALID_ARGUMENT and text.startswith("failed to decode tx: ")


def test_not_before_the_first_block(tmp_path) -> None:
    from zrchain.app import ZrChainApp

    app = ZrChainApp(str(tmp_path / "db"))
    try:
        status, text = status_of(lambda: app.simulate(b"x"))
        assert status == Status.FAILED_PRECONDITION and "first block" in text
    finally:
        app.close()


def test_the_check_state_lock_is_not_held_while_simulating(chain: Chain, monkeypatch) -> None:
    """CheckTx (another thread) runs to completion in the middle of a simulation."""
    seen: list[int] = []
    real = simulation.execute

    def midway(*args, **kwargs):
        tx = send(chain, 1, gas=200_000)
        t = threading.Thread(target=lambda: seen.append(chain.check(tx).code))
        t.start()
        t.join(30)  # a held lock would deadlock here: the join would time out
        return real(*args, **kwargs)

    monkeypatch.setattr(simulation, "execute", midway)
    chain.app.simulate(send(chain))
    assert seen == [0]


def test_the_simulation_sees_what_check_tx_accepted(chain: Chain) -> None:
    """The view is the check state: a second tx of the same account, after the first
    passed CheckTx, simulates with the next sequence."""
    assert chain.check(send(chain, 1, sequence=0, gas=200_000)).code == 0
    chain.app.simulate(send(chain, 1, sequence=1))
    with pytest.raises(SimulationFailed) as info:
        chain.app.simulate(send(chain, 1, sequence=0))
    assert "account sequence mismatch" in info.value.error.log


def test_worker_processes_give_exactly_the_in_thread_results(chain: Chain, workers) -> None:
    sim = workers()
    tx = multisend(chain, 300)  # many reads and a scan of state through the pipe
    inline = InlineSimulator(chain.app).simulate(tx)
    assert sim.simulate(tx) == inline
    with pytest.raises(SimulationFailed) as a:
        InlineSimulator(chain.app).simulate(send(chain, 10**15))
    with pytest.raises(SimulationFailed) as b:
        sim.simulate(send(chain, 10**15))
    assert (a.value.error, a.value.gas_used) == (b.value.error, b.value.gas_used)
    assert "insufficient funds" in b.value.error.log
    before = chain.app.store.app_hash
    status, _ = status_of(lambda: sim.simulate(b"\x0a\x05hello"))
    assert status == Status.INVALID_ARGUMENT
    assert chain.app.store.app_hash == before
    chain.block([])  # a commit in between: the next simulation reads the new version
    assert sim.simulate(tx)[0].gas_used == inline[0].gas_used


def test_an_overrunning_worker_stops_and_the_next_request_is_served(chain: Chain,
                                                                    workers) -> None:  # fmt: skip
    sim = workers(timeout=0.0)
    status, _ = status_of(lambda: sim.simulate(multisend(chain, 300)))
    assert status == Status.DEADLINE_EXCEEDED
    sim.limits = SimulationLimits()
    assert sim.simulate(send(chain))[0].gas_used > 0


def test_a_killed_worker_is_replaced(chain: Chain, workers) -> None:
    sim = workers()
    sim.simulate(send(chain))
    for w in list(sim._all):
        w.proc.kill()
        w.proc.wait()
    status, _ = status_of(lambda: sim.simulate(send(chain)))
    assert status == Status.UNAVAILABLE
    assert sim.simulate(send(chain))[0].gas_used > 0


def test_when_every_worker_is_busy_a_request_waits_its_timeout_then_is_refused(
    chain: Chain, workers
) -> None:
    sim = workers(workers=1, timeout=0.2)
    held = sim._idle.get()  # the only worker, taken as a running simulation would
    try:
        status, text = status_of(lambda: sim.simulate(send(chain)))
        assert status == Status.RESOURCE_EXHAUSTED and "busy" in text
    finally:
        sim._idle.put(held)
    assert sim.simulate(send(chain))[0].gas_used > 0


def test_abci_simulate_paths_use_the_same_simulator(chain: Chain) -> None:
    res = chain.app.query(abci.RequestQuery(path="/app/simulate", data=send(chain)))
    assert res.code == 0 and b'"gas_used"' in res.value
    big = InlineSimulator(chain.app, SimulationLimits(max_tx_bytes=10))
    chain.app.simulator = big
    res = chain.app.query(abci.RequestQuery(path="/app/simulate", data=send(chain)))
    assert res.code != 0 and "larger than the 10 bytes" in res.log
