"""x/bank's send-enabled flags (Params.send_enabled, default_send_enabled), as the SDK reads
them: a denom's first entry decides, others follow the default; a MsgSend of a disabled
denom is refused (code 5 of bank) and moves nothing; the flags follow a params change."""

from __future__ import annotations

from cosmpy.protos.cosmos.bank.v1beta1 import bank_pb2
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx

from zrchain.codec.coins import parse_coins
from zrchain.context import Mode
from zrchain.store.kv import Branch
from zrchain.testing.inproc import make_chain


def _params(default: bool, *flags: tuple[str, bool]) -> bank_pb2.Params:
    p = bank_pb2.Params(default_send_enabled=default)
    for denom, enabled in flags:
        p.send_enabled.add(denom=denom, enabled=enabled)
    return p


def test_send_enabled_follows_the_params(tmp_path) -> None:
    chain = make_chain(tmp_path / "c", {"alice": "1000urock"})
    try:
        bank = chain.app.registry.module("bank").keeper
        ctx = chain.app.context(Branch(chain.app.store.pending), Mode.FINALIZE)
        assert bank.send_enabled(ctx, "urock") and bank.send_enabled(ctx, "uatom")
        bank.set_params(ctx, _params(True, ("urock", False), ("uatom", True), ("urock", True)))
        assert not bank.send_enabled(ctx, "urock")  # the first entry decides
        assert bank.send_enabled(ctx, "uatom") and bank.send_enabled(ctx, "other")
        bank.set_params(ctx, _params(False, ("uatom", True)))
        assert bank.send_enabled(ctx, "uatom")
        assert not bank.send_enabled(ctx, "urock") and not bank.send_enabled(ctx, "other")
    finally:
        chain.app.close()


def test_a_send_of_a_disabled_denom_is_refused_and_moves_nothing(tmp_path) -> None:
    def disable_urock(state: dict) -> None:
        state["bank"]["params"]["send_enabled"] = [{"denom": "urock", "enabled": False}]

    chain = make_chain(
        tmp_path / "c", {"alice": "1000000urock", "bob": ""}, app_state=disable_urock
    )
    try:
        alice, bob = chain.wallets["alice"], chain.wallets["bob"]
        before = chain.balance(bob.address)
        msg = bank_tx.MsgSend(
            from_address=alice.address,
            to_address=bob.address,
            amount=parse_coins("5urock").to_protos(),
        )
        res = chain.run(alice, [msg])
        assert res.code == 5 and res.codespace == "bank", res.log
        assert "urock transfers are currently disabled" in res.log
        assert chain.balance(bob.address) == before
    finally:
        chain.app.close()
