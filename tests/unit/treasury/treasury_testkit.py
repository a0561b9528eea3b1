"""Helpers for treasury tests on the in-process chain (``zrchain.testing.inproc``).

A ``Setup`` is a chain with: alice owning a workspace, a keyring administered by alice
whose parties are p1, p2, p3 (threshold 2), a zrSign connector account ``zrsign`` named in
the treasury params together with the keyring as ``mpc_keyring``, and bob/outsider as
bystanders. Party answers are signed with the party's account key over the canonical
payload (``zrchain.x.treasury.party``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import coincurve

from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.codec.gen.zrchain.treasury import key_pb2, mpcsign_pb2
from zrchain.codec.gen.zrchain.treasury import query_pb2 as q
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx
from zrchain.testing.identity_policy import new_keyring, new_workspace, ok, response
from zrchain.testing.inproc import Chain, Wallet, make_chain
from zrchain.x.identity.types import keyring_address
from zrchain.x.treasury.keeper import KIND_KEY, KIND_SIGN
from zrchain.x.treasury.party import KIND_KEY as PARTY_KEY
from zrchain.x.treasury.party import KIND_SIGNATURE as PARTY_SIGNATURE
from zrchain.x.treasury.party import sign_party_result

TQ = "/zrchain.treasury.Query/"
FUNDS = "100000000000urock"
NAMES = ("alice", "bob", "p1", "p2", "p3", "zrsign", "outsider")
ESCROW = "zen16y5ww0g2nmd928fnkrr9708uv78hetndw5uyvr"
COLLECTOR = "zen1a2q8gs3x4c0q9a99hapl8p9tyhxhhwvetrvure"

# A key the "MPC" holds in these tests: its public key is what parties fulfil with.
MPC_SECRET = bytes.fromhex("11" * 32)
MPC_KEY = coincurve.PrivateKey(MPC_SECRET)
MPC_PUBKEY = MPC_KEY.public_key.format()


@dataclass
class Setup:
    chain: Chain
    workspace: str
    keyring: str

    def w(self, name: str) -> Wallet:
        return self.chain.wallets[name]

    def addr(self, name: str) -> str:
        return self.w(name).address

    def run(self, name: str, *msgs: Any, gas: int = 2_000_000) -> Any:
        return self.chain.run(self.w(name), list(msgs), gas=gas)

    # -- requests ----------------------------------------------------------------------------
    def key_request(self, name: str = "alice", key_type: str = "ecdsa", **kw: Any) -> Any:
        kw.setdefault("workspace_addr", self.workspace)
        kw.setdefault("keyring_addr", self.keyring)
        msg = ttx.MsgNewKeyRequest(creator=self.addr(name), key_type=key_type, **kw)
        return self.run(name, msg)

    def new_key_request(self, name: str = "alice", key_type: str = "ecdsa", **kw: Any) -> int:
        res = self.key_request(name, key_type, **kw)
        return int(response(res, ttx.MsgNewKeyRequestResponse).key_req_id)

    def fulfil_key(
        self, party: str, req_id: int, pubkey: bytes = MPC_PUBKEY, psig: bytes | None = None
    ) -> Any:
        if psig is None:
            psig = party_sig(self, party, PARTY_KEY, req_id, pubkey)
        msg = ttx.MsgFulfilKeyRequest(
            creator=self.addr(party),
            request_id=req_id,
            status=key_pb2.KEY_REQUEST_STATUS_FULFILLED,
            key=ttx.MsgNewKey(public_key=pubkey),
            keyring_party_signature=psig,
        )
        return self.run(party, msg)

    def reject_key(self, party: str, req_id: int, reason: str = "no") -> Any:
        msg = ttx.MsgFulfilKeyRequest(
            creator=self.addr(party),
            request_id=req_id,
            status=key_pb2.KEY_REQUEST_STATUS_REJECTED,
            reject_reason=reason,
        )
        return self.run(party, msg)

    def make_key(self, key_type: str = "ecdsa", pubkey: bytes = MPC_PUBKEY, **kw: Any) -> int:
        """A FULFILLED key (two party answers)."""
        rid = self.new_key_request(key_type=key_type, **kw)
        ok(self.fulfil_key("p1", rid, pubkey))
        ok(self.fulfil_key("p2", rid, pubkey))
        return rid

    def sign_request(self, key_ids: list[int], data: str, name: str = "alice", **kw: Any) -> Any:
        msg = ttx.MsgNewSignatureRequest(
            creator=self.addr(name), key_ids=key_ids, data_for_signing=data, **kw
        )
        return self.run(name, msg)

    def new_sign_request(self, key_ids: list[int], data: str, **kw: Any) -> int:
        res = self.sign_request(key_ids, data, **kw)
        return int(response(res, ttx.MsgNewSignatureRequestResponse).sig_req_id)

    def fulfil_sign(
        self,
        party: str,
        req_id: int,
        signed: bytes,
        psig: bytes | None = None,
        status: int = mpcsign_pb2.SIGN_REQUEST_STATUS_FULFILLED,
    ) -> Any:
        if psig is None:
            psig = party_sig(self, party, PARTY_SIGNATURE, req_id, signed)
        msg = ttx.MsgFulfilSignatureRequest(
            creator=self.addr(party),
            request_id=req_id,
            status=status,
            signed_data=signed,
            keyring_party_signature=psig,
        )
        return self.run(party, msg)

    def reject_sign(self, party: str, req_id: int, reason: str = "no") -> Any:
        msg = ttx.MsgFulfilSignatureRequest(
            creator=self.addr(party),
            request_id=req_id,
            status=mpcsign_pb2.SIGN_REQUEST_STATUS_REJECTED,
            reject_reason=reason,
        )
        return self.run(party, msg)

    # -- reads -------------------------------------------------------------------------------
    def key_req(self, rid: int) -> Any:
        return self.chain.q(
            TQ + "KeyRequestByID",
            q.QueryKeyRequestByIDRequest(id=rid),
            q.QueryKeyRequestByIDResponse,
        ).key_request

    def sign_req(self, rid: int) -> Any:
        return self.chain.q(
            TQ + "SignatureRequestByID",
            q.QuerySignatureRequestByIDRequest(id=rid),
            q.QuerySignatureRequestByIDResponse,
        ).sign_request

    def key(self, kid: int, wallet_type: int = 0) -> Any:
        return self.chain.q(
            TQ + "KeyByID",
            q.QueryKeyByIDRequest(id=kid, wallet_type=wallet_type),
            q.QueryKeyByIDResponse,
        )

    def balance(self, who: str) -> int:
        addr = who if who.startswith(("zen1", "keyring1")) else self.addr(who)
        if addr.startswith("keyring1"):
            from zrchain.codec.address import acc_string, decode

            addr = acc_string(decode(addr)[1])
        return self.chain.balance(addr)

    def escrow_record(self, kind: bytes, rid: int) -> Any:
        module = self.chain.app.registry.module("treasury")
        ctx = self.chain.app.context(self.chain.app.store.version().kv, 5, metered=False)
        return module.keeper.escrow(ctx, kind, rid)


def party_sig(s: Setup, party: str, kind: str, req_id: int, result: bytes) -> bytes:
    return sign_party_result(s.w(party).key.secret, s.chain.chain_id, kind, req_id, result)


def ecdsa_sign(digest: bytes, secret: bytes = MPC_SECRET) -> bytes:
    """65-byte r‖s‖v (v in 0/1) over a 32-byte digest."""
    return coincurve.PrivateKey(secret).sign_recoverable(digest, hasher=None)


def build(
    tmp_path: Any,
    key_fee: int = 0,
    sig_fee: int = 0,
    commission: int = 0,
    destination: str = "",
    delegate: bool = False,
    default_btl: int = 0,
    more_state: Callable[[dict[str, Any]], None] | None = None,
    **chain_kw: Any,
) -> Setup:
    """The standard fixture chain (see the module docstring); ``more_state`` edits the
    genesis app state further, ``chain_kw`` goes to ``make_chain``."""
    from zrchain.testing.inproc import Wallet as W

    names = dict.fromkeys(NAMES, FUNDS)
    # Addresses are known before genesis: make_chain derives keys from the name order.
    zrsign_addr = W(coincurve.PrivateKey(bytes([NAMES.index("zrsign") + 1]) * 32)).address

    def edit(state: dict[str, Any]) -> None:
        state["identity"]["params"]["keyring_creation_fee"] = "0"
        p = state["treasury"]["params"]
        p["zr_sign_address"] = zrsign_addr
        p["mpc_keyring"] = keyring_address(1)
        p["keyring_commission"] = str(commission)
        p["keyring_commission_destination"] = destination
        p["default_btl"] = str(default_btl)
        if more_state is not None:
            more_state(state)

    chain = make_chain(tmp_path / "db", names, app_state=edit, **chain_kw)
    alice = chain.wallets["alice"]
    kr = new_keyring(
        chain,
        alice,
        key_req_fee=key_fee,
        sig_req_fee=sig_fee,
        delegate_fees=delegate,
    )
    assert kr == keyring_address(1)
    for p in ("p1", "p2", "p3"):
        ok(
            chain.run(
                alice,
                [
                    itx.MsgAddKeyringParty(
                        creator=alice.address, keyring_addr=kr, party=chain.wallets[p].address
                    )
                ],
            )
        )
    ok(
        chain.run(
            alice,
            [
                itx.MsgUpdateKeyring(
                    creator=alice.address,
                    keyring_addr=kr,
                    party_threshold=2,
                    key_req_fee=key_fee,
                    sig_req_fee=sig_fee,
                    is_active=True,
                    description="kr",
                )
            ],
        )
    )
    # Parties' account keys go on chain with their first tx (any tx will do).
    for p in ("p1", "p2", "p3", "zrsign", "outsider", "bob"):
        from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx

        w = chain.wallets[p]
        ok(
            chain.run(
                w,
                [
                    bank_tx.MsgSend(
                        from_address=w.address,
                        to_address=alice.address,
                        amount=[{"denom": "urock", "amount": "1"}],
                    )
                ],
            )
        )
    ws = new_workspace(chain, alice)
    return Setup(chain, ws, kr)


__all__ = [
    "COLLECTOR",
    "ESCROW",
    "KIND_KEY",
    "KIND_SIGN",
    "Setup",
    "build",
    "ecdsa_sign",
    "party_sig",
]
