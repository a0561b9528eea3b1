"""The "nothing changed" check the adversarial suite relies on can fail: it sees a
transfer, a wrong fee and a wrong sequence, and allows exactly a failed tx's fee and
sequence."""

from __future__ import annotations

import pytest
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx

from zrchain.codec.coins import parse_coins
from zrchain.testing.inproc import make_chain
from zrchain.testing.state import assert_unchanged, diff, snapshot_app


@pytest.fixture
def chain(tmp_path):
    c = make_chain(tmp_path / "db", {"alice": "1000000urock", "bob": "10urock"})
    yield c
    c.app.close()


def send(frm: str, to: str, amount: str) -> bank_tx.MsgSend:
    return bank_tx.MsgSend(from_address=frm, to_address=to, amount=parse_coins(amount).to_protos())


def test_no_tx_no_difference(chain) -> None:
    before = snapshot_app(chain.app)
    chain.blocks(2)
    assert diff(before, snapshot_app(chain.app)) == {}
    assert_unchanged(before, snapshot_app(chain.app))


def test_a_transfer_is_a_change_even_with_its_fee_allowed(chain) -> None:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    before = snapshot_app(chain.app)
    assert chain.run(a, [send(a.address, b.address, "5urock")], fee="40000urock").code == 0
    after = snapshot_app(chain.app)
    with pytest.raises(AssertionError, match=r"state changed|balance"):
        assert_unchanged(before, after)
    with pytest.raises(AssertionError, match="balance"):
        assert_unchanged(before, after, fee_payer=a.address, fee="40000urock", signers=[a.address])


def test_a_failed_tx_leaves_exactly_its_fee_and_sequence(chain) -> None:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    before = snapshot_app(chain.app)
    res = chain.run(a, [send(a.address, b.address, "999999999urock")], fee="40000urock")
    assert res.code == 5
    after = snapshot_app(chain.app)
    assert_unchanged(before, after, fee_payer=a.address, fee="40000urock", signers=[a.address])
    with pytest.raises(AssertionError, match="balance"):
        assert_unchanged(before, after, fee_payer=a.address, fee="1urock", signers=[a.address])
    with pytest.raises(AssertionError, match="state changed"):
        assert_unchanged(before, after, fee_payer=a.address, fee="40000urock")  # sequence
