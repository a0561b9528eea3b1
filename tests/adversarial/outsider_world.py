"""The outsider's world on a real node (CometBFT + zrchaind), shared by the adversarial tests.

The session fixture ``chain`` (conftest.py) starts one node and builds this world.

The node's world, built once: ``alice`` owns a keyring (``bob`` its one party), a
workspace, a second workspace whose admin policy needs alice *and* bob (so an owner change
waits as a pending action), a fulfilled key, a pending key request and a pending signature
request, a send grant and a fee allowance (``FEE_GRANT``) to bob; ``authority`` is a
bystander (the owner alice proposes); ``zrsign`` is the treasury's zrSign connector; alice
delegates to the node's validator and has an unbonding entry from it (the unbonding time
outlives any run); ``outsider`` has money and nothing else; ``replayer`` is kept unused for
the cross-chain replay. Requests and actions
never expire during a run (``default_btl`` is huge), so between two blocks nothing changes
unless a tx changes it: a case's "nothing changed" is a comparison of whole-state
snapshots (every module store, ``zrchain/testing/state.py``).

Helpers: ``Actor`` (a funded key), ``Outsider`` (builds, signs and sends txs; snapshots),
``nothing_changes`` (for refusals at CheckTx: state equal two blocks later) and
``refused_in_block`` (for txs that pass ante and fail in their messages: only the fee and
the signer's sequence may change, checked at the tx's exact heights).
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import coincurve
from cosmpy.protos.cosmos.authz.v1beta1 import authz_pb2
from cosmpy.protos.cosmos.authz.v1beta1 import tx_pb2 as authz_tx
from cosmpy.protos.cosmos.base.abci.v1beta1 import abci_pb2
from cosmpy.protos.cosmos.feegrant.v1beta1 import feegrant_pb2
from cosmpy.protos.cosmos.feegrant.v1beta1 import tx_pb2 as feegrant_tx

from zrchain.client.chain import ChainClient
from zrchain.client.tx import TxSigner, build_multi_signed_tx, private_key_signer
from zrchain.codec.address import acc_bytes, acc_string, pubkey_to_address, val_string
from zrchain.codec.any import pack
from zrchain.codec.coins import Coins, parse_coins
from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.codec.gen.zrchain.policy import tx_pb2 as ptx
from zrchain.codec.gen.zrchain.treasury import key_pb2
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx
from zrchain.codec.gen.zrchain.validation import tx_pb2 as vtx
from zrchain.localnet_setup import dev_mnemonic
from zrchain.testing.genesis import add_account
from zrchain.testing.identity_policy import bool_policy
from zrchain.testing.node import TestNode
from zrchain.testing.state import StateSnapshot, assert_unchanged, snapshot_node
from zrchain.x.identity.types import keyring_address, workspace_address
from zrchain.x.treasury.party import KIND_KEY, sign_party_result

CHAIN_ID = "zenrock"
ACTORS = ("alice", "bob", "outsider", "authority", "zrsign", "replayer")
FUNDS = "1000000000000urock"
GOV_VOTING_S = 6
GOV_MIN_DEPOSIT = 1000
FEE = "400urock"  # at the node's 0.0001urock/gas for GAS
GAS = 400_000
FEE_GRANT = "100000urock"  # alice's fee allowance to bob
KEYRING_FEE = 7  # urock per key or signature request, held in escrow while pending
NEVER = 1_000_000_000  # blocks: requests and actions outlive any run
MPC_PUBKEY = coincurve.PrivateKey(
    hashlib.sha256(b"adversarial mpc key").digest()
).public_key.format()


@dataclass(frozen=True)
class Actor:
    name: str
    secret: bytes

    @property
    def mnemonic(self) -> str:
        return dev_mnemonic(f"adversarial-{self.name}")

    @property
    def pubkey(self) -> bytes:
        return coincurve.PrivateKey(self.secret).public_key.format()

    @property
    def address(self) -> str:
        return acc_string(pubkey_to_address(self.pubkey))

    def sign(self, data: bytes) -> bytes:
        return private_key_signer(self.secret)(data)


def _actor(name: str) -> Actor:
    from zrchain.crypto.keys import private_key_from_mnemonic

    return Actor(name, private_key_from_mnemonic(dev_mnemonic(f"adversarial-{name}")))


@dataclass(frozen=True)
class World:
    """The objects the node starts the tests with (ids are deterministic)."""

    keyring: str = keyring_address(1)
    workspace: str = workspace_address(1)
    guarded_workspace: str = workspace_address(2)  # admin policy: alice AND bob
    policy_id: int = 1
    pending_action_id: int = 1
    key_id: int = 1
    pending_key_request: int = 2
    pending_signature_request: int = 1
    validator: str = ""  # the node's validator (zenvaloper1…): alice delegates to it
    unbonding_height: int = 0  # alice's pending unbonding from it started then


@dataclass
class Outsider:
    """The node as a client sees it, and the tools of the cases."""

    node: TestNode
    actors: dict[str, Actor]
    world: World = field(default_factory=World)

    def __post_init__(self) -> None:
        self.client = ChainClient(self.node.rpc_url, chain_id=CHAIN_ID)

    def __getitem__(self, name: str) -> Actor:
        return self.actors[name]

    # -- txs -----------------------------------------------------------------------------
    def account(self, actor: Actor) -> tuple[int, int]:
        acc = self.client.account(actor.address)
        assert acc is not None, f"{actor.name} has no account"
        return acc.number, acc.sequence

    def tx(
        self,
        signers: Actor | Sequence[Actor],
        msgs: Sequence[Any],
        *,
        fee: str = FEE,
        gas: int = GAS,
        chain_id: str = CHAIN_ID,
        with_pubkey: bool = True,
        **kw: Any,
    ) -> bytes:
        """Signed tx bytes, each signer with its on-chain number and sequence."""
        if isinstance(signers, Actor):
            signers = [signers]
        specs = []
        for a in signers:
            number, sequence = self.account(a)
            specs.append(TxSigner(a.sign, a.pubkey if with_pubkey else None, number, sequence))
        return build_multi_signed_tx(
            msgs, specs, chain_id=chain_id, fee=parse_coins(fee), gas_limit=gas, **kw
        )

    def broadcast(self, raw: bytes) -> Any:
        """The CheckTx answer (a TxResponse)."""
        return self.client.broadcast(raw)

    def deliver(self, raw: bytes) -> Any:
        """CheckTx must pass; the TxResponse of the tx in its block."""
        res = self.broadcast(raw)
        assert res.code == 0, f"CheckTx refused: {res.raw_log}"
        return self.client.wait_tx(res.txhash)

    def run(self, actor: Actor, msgs: Sequence[Any], **kw: Any) -> Any:
        res = self.deliver(self.tx(actor, msgs, **kw))
        assert res.code == 0, res.raw_log
        return res

    # -- state ---------------------------------------------------------------------------
    def height(self) -> int:
        return int(self.node.rpc.abci_info()["last_block_height"])

    def snapshot(self, height: int = 0) -> StateSnapshot:
        return snapshot_node(self.node.rpc, height)

    def wait_blocks(self, n: int = 2, timeout: float = 30) -> int:
        target = self.height() + n
        deadline = time.monotonic() + timeout
        while self.height() < target:
            assert time.monotonic() < deadline, f"no block {target} after {timeout}s"
            time.sleep(0.05)
        return target


@contextmanager
def nothing_changes(chain: Outsider) -> Iterator[None]:
    """For refusals at CheckTx: the state two blocks later equals the state before."""
    before = chain.snapshot()
    yield
    chain.wait_blocks(2)
    assert_unchanged(before, chain.snapshot())


def refused_at_check(chain: Outsider, raw: bytes, code: int, text: str, codespace: str = "sdk"):
    """CheckTx refuses ``raw`` with ``code``/``text``; call inside ``nothing_changes``."""
    res = chain.broadcast(raw)
    assert (res.codespace, res.code) == (codespace, code), res.raw_log
    assert text in res.raw_log, res.raw_log
    return res


def refused_in_block(
    chain: Outsider, actor: Actor, msgs: Sequence[Any], text: str, code: int | None = None
) -> Any:
    """``actor`` sends ``msgs``: they pass ante and fail in execution with ``text``; nothing
    but the fee and ``actor``'s sequence changes (checked at the tx's own heights)."""
    res = chain.deliver(chain.tx(actor, msgs))
    assert res.code != 0 and text in res.raw_log, res.raw_log
    if code is not None:
        assert res.code == code, res.raw_log
    assert_unchanged(
        chain.snapshot(res.height - 1),
        chain.snapshot(res.height),
        fee_payer=actor.address,
        fee=FEE,
        signers=[actor.address],
    )
    return res


def coins(text: str) -> Coins:
    return parse_coins(text)


# -- the session node ----------------------------------------------------------------------
def _genesis(actors: dict[str, Actor]) -> Any:
    def edit(doc: dict[str, Any]) -> None:
        state = doc["app_state"]
        for a in actors.values():
            add_account(state, a.address, FUNDS)
        state["identity"]["params"]["keyring_creation_fee"] = "0"
        state["policy"]["params"]["default_btl"] = str(NEVER)
        state["gov"]["params"].update(  # short periods: tests/adversarial/test_gov_outsiders.py
            voting_period=f"{GOV_VOTING_S}s",
            expedited_voting_period=f"{GOV_VOTING_S - 1}s",
            max_deposit_period=f"{GOV_VOTING_S}s",
            min_deposit=[{"denom": "urock", "amount": str(GOV_MIN_DEPOSIT)}],
        )
        state["treasury"]["params"].update(
            zr_sign_address=actors["zrsign"].address, default_btl=str(NEVER)
        )

    return edit


def _build_world(chain: Outsider) -> None:
    alice, bob = chain["alice"], chain["bob"]
    w = chain.world
    chain.run(
        alice,
        [
            itx.MsgNewKeyring(  # fees escrowed for the pending requests: the escrow is funded
                creator=alice.address,
                description="adversarial",
                party_threshold=1,
                key_req_fee=KEYRING_FEE,
                sig_req_fee=KEYRING_FEE,
            ),
            itx.MsgAddKeyringParty(
                creator=alice.address, keyring_addr=w.keyring, party=bob.address
            ),
            itx.MsgNewWorkspace(creator=alice.address),
            ptx.MsgNewPolicy(
                creator=alice.address,
                name="alice and bob",
                policy=pack(
                    bool_policy(
                        f"{alice.address} + {bob.address} > 1", [alice.address, bob.address]
                    )
                ),
            ),
            itx.MsgNewWorkspace(
                creator=alice.address, additional_owners=[bob.address], admin_policy_id=1
            ),
            itx.MsgAddWorkspaceOwner(  # waits for bob's approval: action 1
                creator=alice.address,
                workspace_addr=w.guarded_workspace,
                new_owner=chain["authority"].address,
            ),
            ttx.MsgNewKeyRequest(
                creator=alice.address,
                workspace_addr=w.workspace,
                keyring_addr=w.keyring,
                key_type="ecdsa",
            ),
            ttx.MsgNewKeyRequest(
                creator=alice.address,
                workspace_addr=w.workspace,
                keyring_addr=w.keyring,
                key_type="ecdsa",
            ),
            authz_tx.MsgGrant(
                granter=alice.address,
                grantee=bob.address,
                grant=authz_pb2.Grant(
                    authorization=pack(
                        authz_pb2.GenericAuthorization(msg="/cosmos.bank.v1beta1.MsgSend")
                    )
                ),
            ),
            feegrant_tx.MsgGrantAllowance(  # alice pays up to FEE_GRANT of bob's fees
                granter=alice.address,
                grantee=bob.address,
                allowance=pack(
                    feegrant_pb2.BasicAllowance(spend_limit=parse_coins(FEE_GRANT).to_protos())
                ),
            ),
        ],
        gas=2_000_000,
        fee="2000urock",
    )
    chain.run(
        bob,
        [
            ttx.MsgFulfilKeyRequest(
                creator=bob.address,
                request_id=w.key_id,
                status=key_pb2.KEY_REQUEST_STATUS_FULFILLED,
                key=ttx.MsgNewKey(public_key=MPC_PUBKEY),
                keyring_party_signature=sign_party_result(
                    bob.secret, CHAIN_ID, KIND_KEY, w.key_id, MPC_PUBKEY
                ),
            )
        ],
    )
    res = chain.run(
        alice,
        [
            ttx.MsgNewSignatureRequest(
                creator=alice.address,
                key_ids=[w.key_id],
                data_for_signing=hashlib.sha256(b"adversarial").hexdigest(),
            )
        ],
    )
    data = abci_pb2.TxMsgData.FromString(bytes.fromhex(res.data))
    assert data.msg_responses, "the signature request was not created"
    validator = val_string(acc_bytes(operator(chain.node).address))
    chain.run(
        alice,
        [
            vtx.MsgDelegate(
                delegator_address=alice.address,
                validator_address=validator,
                amount=parse_coins("1000000urock").to_protos()[0],
            )
        ],
    )
    res = chain.run(
        alice,
        [
            vtx.MsgUndelegate(
                delegator_address=alice.address,
                validator_address=validator,
                amount=parse_coins("1000urock").to_protos()[0],
            )
        ],
    )
    chain.world = replace(chain.world, validator=validator, unbonding_height=res.height)


def operator(node: TestNode) -> Actor:
    """The node's validator operator (the ``validator`` key its gentx was made with)."""
    from zrchain.crypto.keys import private_key_from_mnemonic

    return Actor("operator", private_key_from_mnemonic(dev_mnemonic(f"validator {node.name}")))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
