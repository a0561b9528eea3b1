"""CheckTx answers as the SDK's (v0.50 ``BaseApp.CheckTx``): code, log, gas wanted and gas
used, and no events — its ``runTx`` appends the ante's events to the result only when
finalizing or simulating, and a CheckTx runs no Msg. So CheckTx and recheck build no events
at all (``Context.records_events``); events never decide anything, so every code and every
gas figure is what it was when they were built (pinned below, measured on main before)."""

from __future__ import annotations

from test_remembered_state import _blocks

from zrchain.testing.inproc import make_chain

# Per block: CheckTx of each tx, then (after the block) recheck of each, as (code, gas used),
# measured on main at c63e126 while CheckTx still built its events.
BEFORE = [
    [(0, 25094), (0, 25100), (0, 25100), (0, 25180)],
    [(32, 18102), (32, 18042), (32, 18042), (32, 18122)],
    [(0, 25372), (0, 25375), (0, 24845), (5, 7641)],
    [(32, 18092), (32, 18032), (32, 17502), (5, 7641)],
    [(0, 25372), (0, 26722), (0, 25375)],
    [(5, 7599), (32, 19442), (32, 18032)],
    [],
    [],
]


def test_check_and_recheck_answers_carry_no_events_and_unchanged_gas(tmp_path) -> None:
    funded = {"alice": "1000000urock", "bob": "5000urock", "carol": "5000urock",
              "dave": "5000urock"}  # fmt: skip
    chain = make_chain(tmp_path / "c", funded)
    try:
        got = []
        for txs in _blocks(chain):
            answers = [chain.check(raw) for raw in txs]
            block = chain.block(txs)
            answers_after = [chain.check(raw, recheck=True) for raw in txs]
            for res in answers + answers_after:
                assert list(res.events) == []
                assert res.data == b""
            got.append([(r.code, r.gas_used) for r in answers])
            got.append([(r.code, r.gas_used) for r in answers_after])
            # the block's results still carry the ante's and the Msgs' events
            for r in block.tx_results:
                if r.code == 0:
                    assert {"tx", "coin_spent", "message"} <= {e.type for e in r.events}
        assert got == BEFORE
    finally:
        chain.app.close()
