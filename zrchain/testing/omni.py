"""Client side of zrSign Omni for tests and the example: EIP-712 signatures made with
eth-account's own encoder (``encode_typed_data`` over the wallet JSON), so every accepted
signature also checks the chain's digest against eth-account."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import coincurve
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount

from zrchain.chains.caip import evm_account_of_owner
from zrchain.chains.eip712 import StructType, Value
from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.codec.gen.zrchain.omni import query_pb2 as oq
from zrchain.codec.gen.zrchain.omni import tx_pb2
from zrchain.codec.gen.zrchain.treasury import key_pb2
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx
from zrchain.testing.identity_policy import module_state, new_keyring, ok, response
from zrchain.testing.inproc import Chain, Wallet, make_chain
from zrchain.x.identity.types import keyring_address
from zrchain.x.omni import typed_data
from zrchain.x.treasury.party import KIND_KEY as PARTY_KEY
from zrchain.x.treasury.party import sign_party_result

OQ = "/zrchain.omni.Query/"

FAR = 2**40  # a deadline far in the future (unix seconds)


def sign_typed(
    account: LocalAccount, chain_id: str, struct: StructType, values: dict[str, Value]
) -> bytes:
    full = typed_data.wallet_json(chain_id, struct, values)
    signed = Account.sign_message(encode_typed_data(full_message=full), account.key)
    return bytes(signed.signature)


def auth(account: LocalAccount, nonce: int, deadline: int = FAR) -> tx_pb2.EvmSignature:
    return tx_pb2.EvmSignature(address=account.address, nonce=nonce, deadline=deadline)


def new_policy_msg(
    submitter: str,
    account: LocalAccount,
    nonce: int,
    definition: str,
    participants: Sequence[str],
    *,
    name: str = "omni",
    btl: int = 0,
    chain_id: str = "zenrock",
    deadline: int = FAR,
    signer: LocalAccount | None = None,
) -> tx_pb2.MsgNewPolicyEvm:
    a = auth(account, nonce, deadline)
    op = tx_pb2.NewPolicyOp(name=name, definition=definition, participants=participants, btl=btl)
    values = typed_data.new_policy_values(a, op)
    a.signature = sign_typed(signer or account, chain_id, typed_data.NEW_POLICY, values)
    return tx_pb2.MsgNewPolicyEvm(submitter=submitter, auth=a, op=op)


def set_key_policy_msg(
    submitter: str,
    account: LocalAccount,
    nonce: int,
    policy_id: int,
    *,
    wallet_type: int = 60,
    wallet_index: int = 0,
    chain_id: str = "zenrock",
    deadline: int = FAR,
    signer: LocalAccount | None = None,
) -> tx_pb2.MsgSetKeyPolicyEvm:
    a = auth(account, nonce, deadline)
    op = tx_pb2.SetKeyPolicyOp(
        wallet_type=wallet_type, wallet_index=wallet_index, sign_policy_id=policy_id
    )
    values = typed_data.set_key_policy_values(a, op)
    a.signature = sign_typed(signer or account, chain_id, typed_data.SET_KEY_POLICY, values)
    return tx_pb2.MsgSetKeyPolicyEvm(submitter=submitter, auth=a, op=op)


def _decision(
    struct: StructType,
    account: LocalAccount,
    nonce: int,
    action_id: int,
    chain_id: str,
    deadline: int,
    signer: LocalAccount | None,
) -> tx_pb2.EvmSignature:
    a = auth(account, nonce, deadline)
    values = typed_data.approve_action_values(a, action_id)
    a.signature = sign_typed(signer or account, chain_id, struct, values)
    return a


def approve_msg(
    submitter: str,
    account: LocalAccount,
    nonce: int,
    action_id: int,
    *,
    chain_id: str = "zenrock",
    deadline: int = FAR,
    signer: LocalAccount | None = None,
) -> tx_pb2.MsgApproveActionEvm:
    a = _decision(typed_data.APPROVE_ACTION, account, nonce, action_id, chain_id, deadline, signer)
    return tx_pb2.MsgApproveActionEvm(submitter=submitter, auth=a, action_id=action_id)


def reject_msg(
    submitter: str,
    account: LocalAccount,
    nonce: int,
    action_id: int,
    *,
    chain_id: str = "zenrock",
    deadline: int = FAR,
    signer: LocalAccount | None = None,
) -> tx_pb2.MsgRejectActionEvm:
    a = _decision(typed_data.REJECT_ACTION, account, nonce, action_id, chain_id, deadline, signer)
    return tx_pb2.MsgRejectActionEvm(submitter=submitter, auth=a, action_id=action_id)


# -- an in-process chain with a zrSign owner's key (tests of docs/zrsign-policies.md) -------
OWNER = Account.from_key(b"\x0a" * 32)  # the zrSign owner's EOA (e.g. the aggregator)
APPROVERS = tuple(Account.from_key(bytes([0x0B + i]) * 32) for i in range(3))
OUTSIDER_EVM = Account.from_key(b"\x1f" * 32)
NAMES = ("alice", "bob", "p1", "zrsign", "outsider")
MPC_SECRET = bytes.fromhex("11" * 32)


@dataclass
class World:
    chain: Chain
    key_id: int

    def addr(self, name: str) -> str:
        return self.chain.wallets[name].address

    def run(self, name: str, *msgs: Any, gas: int = 2_000_000) -> Any:
        return self.chain.run(self.chain.wallets[name], list(msgs), gas=gas)

    def state(self, *modules: str) -> str:
        return module_state(self.chain, *(modules or ("omni", "policy", "treasury", "identity")))

    def nonce(self, account: LocalAccount) -> int:
        return int(
            self.chain.q(
                OQ + "EvmNonce",
                oq.QueryEvmNonceRequest(address=account.address),
                oq.QueryEvmNonceResponse,
            ).nonce
        )

    def zr_sign(
        self, data: bytes, cache_id: bytes, index: int = 0, owner: str = "", **kw: Any
    ) -> Any:
        msg = ttx.MsgNewZrSignSignatureRequest(
            creator=self.addr("zrsign"),
            address=owner or OWNER.address,
            key_type=60,
            wallet_index=index,
            data=data.hex(),
            cache_id=cache_id,
            **kw,
        )
        return self.run("zrsign", msg)

    def zr_key(self, index: int, owner: str = "") -> int:
        """A fulfilled zrSign key of ``owner`` (default OWNER) at (EVM, index)."""
        req = ttx.MsgNewKeyRequest(
            creator=self.addr("zrsign"),
            ext_requester=owner or OWNER.address,
            ext_key_type=60,
            index=index,
        )
        kid = int(response(self.run("zrsign", req), ttx.MsgNewKeyRequestResponse).key_req_id)
        pub = coincurve.PrivateKey(MPC_SECRET).public_key.format()
        psig = sign_party_result(
            self.chain.wallets["p1"].key.secret, self.chain.chain_id, PARTY_KEY, kid, pub
        )
        fulfil = ttx.MsgFulfilKeyRequest(
            creator=self.addr("p1"),
            request_id=kid,
            status=key_pb2.KEY_REQUEST_STATUS_FULFILLED,
            key=ttx.MsgNewKey(public_key=pub),
            keyring_party_signature=psig,
        )
        ok(self.run("p1", fulfil))
        return kid


def evm_participant(account: LocalAccount, chain_id: int | None = None) -> str:
    return str(evm_account_of_owner(account.address, chain_id))


def build_world(path: Any) -> World:
    """alice's keyring (party p1, threshold 1) is the treasury's mpc_keyring; ``zrsign`` is
    the zrSign account; OWNER has a fulfilled EVM key at walletIndex 0."""
    zrsign = Wallet(coincurve.PrivateKey(bytes([NAMES.index("zrsign") + 1]) * 32)).address

    def edit(state: dict[str, Any]) -> None:
        state["identity"]["params"]["keyring_creation_fee"] = "0"
        p = state["treasury"]["params"]
        p["zr_sign_address"] = zrsign
        p["mpc_keyring"] = keyring_address(1)

    chain = make_chain(path, dict.fromkeys(NAMES, "100000000000urock"), app_state=edit)
    alice = chain.wallets["alice"]
    kr = new_keyring(chain, alice)
    ok(
        chain.run(
            alice,
            [
                itx.MsgAddKeyringParty(
                    creator=alice.address, keyring_addr=kr, party=chain.wallets["p1"].address
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
                    party_threshold=1,
                    is_active=True,
                    description="kr",
                )
            ],
        )
    )
    for name in ("p1", "zrsign", "bob", "outsider"):  # account keys on chain with a first tx
        w = chain.wallets[name]
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
    world = World(chain, 0)
    world.key_id = world.zr_key(0)
    return world
