"""Our zrSign-compatible contract from Python: deployment, typed calls and results, reverts.

The build is ``zrchain.evm.artifact``, the events and their decoding ``zrchain.evm.events``,
zrSign's ids and hashes ``zrchain.evm.ids``.

The contract (contracts/ZrSign.sol) keeps zrSign's selectors and event topics; see
contracts/README.md for where its behaviour deliberately differs. Everything here works with
any web3 provider (eth-tester in unit tests, anvil or a real node elsewhere).
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from eth_utils import keccak, to_checksum_address
from web3 import Web3
from web3.contract.contract import Contract, ContractFunction
from web3.exceptions import BadFunctionCallOutput, ContractLogicError

from zrchain.evm.artifact import Artifact, canonical_type, load_artifact, selector_map
from zrchain.evm.events import EventDecoder, ZrSignEvent, as_bytes, as_hex, get_logs
from zrchain.evm.flavours import Flavour
from zrchain.evm.ids import (
    EVM_WALLET_TYPE_ID,
    FEE_ROLE,
    MPC_ROLE,
    OPTIONS_BASIC,
    PAUSER_ROLE,
    SRC_CHAIN_ID,
    auth_domain,
    sign_auth,
)

PANIC_SELECTOR = bytes.fromhex("4e487b71")
ERROR_STRING_SELECTOR = bytes.fromhex("08c379a0")

# ---------------------------------------------------------------------------- dataclasses


@dataclass(frozen=True)
class FeeEstimate:
    """estimateFee result: MPC fee, response escrow and the minimum msg.value."""

    mpc: int
    net_resp: int
    total: int


@dataclass(frozen=True)
class WalletRegistry:
    """A key slot: status (1 requested, 2 registered), options and escrowed response value."""

    status: int
    options: int
    value: int


@dataclass(frozen=True)
class ReqRegistry:
    """A signature request: status (1 in progress, 2 processed) and escrowed response value."""

    status: int
    value: int


@dataclass(frozen=True)
class ChainInfo:
    """BIP-44 purpose and SLIP-44 coin type of a wallet type (zeroes when unsupported)."""

    purpose: int
    coin_type: int


@dataclass(frozen=True)
class SignParams:
    """ZrSignParams: input of zrSignHash / zrSignTx / zrSignSimpleTx."""

    wallet_type_id: bytes
    wallet_index: int
    dst_chain_id: bytes
    payload: bytes
    broadcast: bool = False

    def as_tuple(self) -> tuple[bytes, int, bytes, bytes, bool]:
        return (
            self.wallet_type_id,
            self.wallet_index,
            self.dst_chain_id,
            self.payload,
            self.broadcast,
        )


@dataclass(frozen=True)
class KeyResponse:
    """ZrKeyResParams: the answer to a key request (Direct mode)."""

    wallet_type_id: bytes
    owner: str
    wallet_index: int
    wallet: str
    options: int
    auth_signature: bytes = b""

    def as_tuple(self) -> tuple[bytes, str, int, str, int, bytes]:
        return (
            self.wallet_type_id,
            to_checksum_address(self.owner),
            self.wallet_index,
            self.wallet,
            self.options,
            self.auth_signature,
        )

    def auth_hash(self, domain: bytes) -> bytes:
        """The 32-byte hash an MPC_ROLE key signs for this response."""
        return keccak(
            abi_encode(
                ["bytes32", "bytes32", "address", "uint256", "string", "uint8"],
                [
                    domain,
                    self.wallet_type_id,
                    self.owner,
                    self.wallet_index,
                    self.wallet,
                    self.options,
                ],
            )
        )


@dataclass(frozen=True)
class SignResponse:
    """SignResParams: the answer to a signature request (Direct mode)."""

    trace_id: int
    owner: str
    meta_data: bytes
    signature: bytes
    broadcast: bool
    auth_signature: bytes = b""

    def as_tuple(self) -> tuple[int, str, bytes, bytes, bool, bytes]:
        return (
            self.trace_id,
            to_checksum_address(self.owner),
            self.meta_data,
            self.signature,
            self.broadcast,
            self.auth_signature,
        )

    def auth_hash(self, domain: bytes) -> bytes:
        """The 32-byte hash an MPC_ROLE key signs for this response."""
        return keccak(
            abi_encode(
                ["bytes32", "uint256", "address", "bytes", "bytes", "bool"],
                [domain, self.trace_id, self.owner, self.meta_data, self.signature, self.broadcast],
            )
        )


# ---------------------------------------------------------------------------- reverts


class ZrSignRevert(Exception):
    """A call or transaction reverted; `name`/`args` decode the custom error when known."""

    def __init__(self, name: str, args: tuple[Any, ...] = (), data: bytes = b"") -> None:
        super().__init__(f"{name}{args!r}" if args else name)
        self.name = name
        self.args_ = args
        self.data = data

    def describe(self) -> str:
        """`Name(arg, ...)` with bytes as 0x-hex, as an operator reads it."""
        shown = ", ".join("0x" + a.hex() if isinstance(a, bytes) else str(a) for a in self.args_)
        return f"{self.name}({shown})"


def decode_revert(data: bytes, abi: Sequence[Mapping[str, Any]] | None = None) -> ZrSignRevert:
    """Turn revert data into a ZrSignRevert (custom error, Error(string) or Panic(uint256))."""
    entries = abi if abi is not None else load_artifact().abi
    selector, body = data[:4], data[4:]
    if selector == ERROR_STRING_SELECTOR:
        return ZrSignRevert("Error", tuple(abi_decode(["string"], body)), data)
    if selector == PANIC_SELECTOR:
        return ZrSignRevert("Panic", tuple(abi_decode(["uint256"], body)), data)
    entry = selector_map(entries, "error").get(selector)
    if entry is None:
        return ZrSignRevert("UnknownRevert", (), data)
    types = [canonical_type(p) for p in entry["inputs"]]
    return ZrSignRevert(str(entry["name"]), tuple(abi_decode(types, body)), data)


def _revert_from_exception(exc: ContractLogicError) -> ZrSignRevert:
    raw = exc.data
    if isinstance(raw, str) and raw.startswith("0x") and len(raw) >= 10:
        return decode_revert(bytes.fromhex(raw[2:]))
    return ZrSignRevert("Error", (str(exc.message or exc),))


# ---------------------------------------------------------------------------- the wrapper

Sender = str | LocalAccount


@dataclass(frozen=True)
class TxResult:
    """A mined transaction with the contract's events decoded from its receipt."""

    tx_hash: str
    receipt: Mapping[str, Any]
    events: list[ZrSignEvent] = field(default_factory=list)

    @property
    def gas_used(self) -> int:
        return int(self.receipt["gasUsed"])

    @property
    def fee_paid(self) -> int:
        """Gas fee paid by the sender, in wei."""
        return int(self.receipt["gasUsed"]) * int(self.receipt["effectiveGasPrice"])

    def first(self, kind: type) -> Any:
        """The first decoded event of the given dataclass type."""
        for event in self.events:
            if isinstance(event, kind):
                return event
        raise LookupError(f"no {kind.__name__} in tx {self.tx_hash}")


class ZrSignContract:
    """Typed access to one deployed ZrSign contract.

    `flavour` (zrchain.evm.flavours.Flavour; default our own) decides what authSignatures are
    bound to. Our artifact's ABI is a superset of zrSign's, so it serves both flavours.
    """

    def __init__(
        self,
        w3: Web3,
        address: str,
        artifact: Artifact | None = None,
        flavour: Flavour | None = None,
    ) -> None:
        self.w3 = w3
        self.artifact = artifact or load_artifact()
        self.flavour: Flavour = flavour or Flavour.ZRCHAIN
        self.address = to_checksum_address(address)
        self.contract: Contract = w3.eth.contract(address=self.address, abi=self.artifact.abi)
        self.decoder = EventDecoder(self.artifact.abi)

    # -------------------------------------------------------------- deployment

    @classmethod
    def deploy(
        cls,
        w3: Web3,
        *,
        sender: Sender,
        admin: str | None = None,
        direct_mode: bool = False,
        artifact: Artifact | None = None,
    ) -> ZrSignContract:
        """Deploy a new contract; `admin` (default: the sender) gets DEFAULT_ADMIN_ROLE."""
        art = artifact or load_artifact()
        factory = w3.eth.contract(abi=art.abi, bytecode=art.bytecode)
        admin_addr = to_checksum_address(admin or _address_of(sender))
        ctor = factory.constructor(admin_addr, direct_mode)
        simulate(w3, {"from": _address_of(sender), "data": ctor.data_in_transaction})
        receipt = _send(w3, ctor, sender, value=0, gas=None)
        if receipt["status"] != 1 or not receipt.get("contractAddress"):
            raise ZrSignRevert("DeploymentFailed")
        return cls(w3, receipt["contractAddress"], art)

    def setup(
        self,
        *,
        admin: Sender,
        fee_manager: str | None = None,
        mpc_signers: Sequence[str] = (),
        pauser: str | None = None,
        wallet_types: Sequence[tuple[int, int]] = ((44, 60),),
        chains: Mapping[bytes, Sequence[str]] | None = None,
        mpc_fee: int | None = None,
        resp_gas: int | None = None,
        resp_gas_buffer: int | None = None,
        fee_sender: Sender | None = None,
    ) -> None:
        """Grant roles and configure wallet types, CAIP-2 chains and fees in one go.

        Fee updates are sent by `fee_sender`, else `fee_manager`; with neither, the admin is
        granted FEE_ROLE itself when a fee is to be set.
        """
        fees = (mpc_fee, resp_gas, resp_gas_buffer)
        if fee_manager is None and fee_sender is None and any(f is not None for f in fees):
            fee_manager = _address_of(admin)
        for account in mpc_signers:
            self.grant_role(MPC_ROLE, account, sender=admin)
        if fee_manager is not None:
            self.grant_role(FEE_ROLE, fee_manager, sender=admin)
        if pauser is not None:
            self.grant_role(PAUSER_ROLE, pauser, sender=admin)
        for purpose, coin in wallet_types:
            self.configure_wallet_type(purpose, coin, True, sender=admin)
        for wt, caips in (chains or {}).items():
            for caip in caips:
                self.configure_chain(wt, caip, True, sender=admin)
        fee_from = fee_sender or fee_manager or admin
        if mpc_fee is not None:
            self.update_mpc_fee(mpc_fee, sender=fee_from)
        if resp_gas is not None:
            self.update_resp_gas(resp_gas, sender=fee_from)
        if resp_gas_buffer is not None:
            self.update_resp_gas_buffer(resp_gas_buffer, sender=fee_from)

    # -------------------------------------------------------------- transactions

    def transact(
        self, name: str, *args: Any, sender: Sender, value: int = 0, gas: int | None = None
    ) -> TxResult:
        """Call a state-changing function: simulate (to surface reverts), send, wait, decode."""
        fn: ContractFunction = getattr(self.contract.functions, name)(*args)
        sim: dict[str, Any] = {
            "from": _address_of(sender),
            "to": self.address,
            "data": self.contract.encode_abi(name, args=list(args)),
            "value": value,
        }
        if gas is not None:
            sim["gas"] = gas
        simulate(self.w3, sim)
        receipt = _send(self.w3, fn, sender, value=value, gas=gas)
        tx_hash = as_hex(receipt["transactionHash"])
        if receipt["status"] != 1:
            raise ZrSignRevert("TransactionFailed", (tx_hash,))
        return TxResult(tx_hash, receipt, self.decoder.decode_all(receipt["logs"]))

    def call(self, name: str, *args: Any, sender: str | None = None, value: int = 0) -> Any:
        """Call a view (or dry-run any function); reverts raise ZrSignRevert."""
        fn = getattr(self.contract.functions, name)(*args)
        tx: dict[str, Any] = {"value": value}
        if sender is not None:
            tx["from"] = to_checksum_address(sender)
        try:
            return fn.call(tx)
        except Exception:
            accounts = self.w3.eth.accounts if sender is None else []
            fallback = accounts[0] if accounts else "0x" + "00" * 20
            sim = {
                "from": tx.get("from", fallback),
                "to": self.address,
                "data": self.contract.encode_abi(name, args=list(args)),
                "value": value,
            }
            simulate(self.w3, sim)  # raises ZrSignRevert with the decoded reason
            raise

    # configuration
    def configure_wallet_type(
        self, purpose: int, coin_type: int, support: bool = True, *, sender: Sender
    ) -> TxResult:
        return self.transact("walletTypeIdConfig", purpose, coin_type, support, sender=sender)

    def configure_chain(
        self, wallet_type: bytes, caip2: str, support: bool = True, *, sender: Sender
    ) -> TxResult:
        return self.transact("chainIdConfig", wallet_type, caip2, support, sender=sender)

    def update_mpc_fee(self, fee: int, *, sender: Sender) -> TxResult:
        return self.transact("updateMPCFee", fee, sender=sender)

    def update_resp_gas(self, gas: int, *, sender: Sender) -> TxResult:
        return self.transact("updateRespGas", gas, sender=sender)

    def update_resp_gas_buffer(self, percent: int, *, sender: Sender) -> TxResult:
        return self.transact("updateRespGasBuffer", percent, sender=sender)

    def grant_role(self, role: bytes, account: str, *, sender: Sender) -> TxResult:
        return self.transact("grantRole", role, to_checksum_address(account), sender=sender)

    def revoke_role(self, role: bytes, account: str, *, sender: Sender) -> TxResult:
        return self.transact("revokeRole", role, to_checksum_address(account), sender=sender)

    def pause(self, *, sender: Sender) -> TxResult:
        return self.transact("pause", sender=sender)

    def unpause(self, *, sender: Sender) -> TxResult:
        return self.transact("unpause", sender=sender)

    def withdraw_mpc_fees(self, *, sender: Sender) -> TxResult:
        return self.transact("withdrawMPCFees", sender=sender)

    def withdraw_refund(self, *, sender: Sender) -> TxResult:
        return self.transact("withdrawRefund", sender=sender)

    # requests
    def zr_key_req(
        self,
        owner: str,
        wallet_type: bytes = EVM_WALLET_TYPE_ID,
        options: int = OPTIONS_BASIC,
        *,
        sender: Sender,
        value: int,
    ) -> TxResult:
        """Request a key for `owner`; the receipt carries a ZrKeyRequestEvent."""
        params = (to_checksum_address(owner), wallet_type, options)
        return self.transact("zrKeyReq", params, sender=sender, value=value)

    def zr_sign_hash(self, params: SignParams, *, sender: Sender, value: int) -> TxResult:
        return self.transact("zrSignHash", params.as_tuple(), sender=sender, value=value)

    def zr_sign_tx(self, params: SignParams, *, sender: Sender, value: int) -> TxResult:
        return self.transact("zrSignTx", params.as_tuple(), sender=sender, value=value)

    def zr_sign_simple_tx(self, params: SignParams, *, sender: Sender, value: int) -> TxResult:
        return self.transact("zrSignSimpleTx", params.as_tuple(), sender=sender, value=value)

    # responses (Direct mode)
    def sign_key_response(self, response: KeyResponse, mpc_key: bytes | str) -> KeyResponse:
        """The response with an authSignature by `mpc_key` bound to this contract."""
        sig = sign_auth(response.auth_hash(self.auth_domain()), mpc_key)
        return dataclasses.replace(response, auth_signature=sig)

    def sign_sign_response(self, response: SignResponse, mpc_key: bytes | str) -> SignResponse:
        """The response with an authSignature by `mpc_key` bound to this contract."""
        sig = sign_auth(response.auth_hash(self.auth_domain()), mpc_key)
        return dataclasses.replace(response, auth_signature=sig)

    def zr_key_res(
        self, response: KeyResponse, *, sender: Sender, gas: int | None = None
    ) -> TxResult:
        return self.transact("zrKeyRes", response.as_tuple(), sender=sender, gas=gas)

    def zr_sign_res(
        self, response: SignResponse, *, sender: Sender, gas: int | None = None
    ) -> TxResult:
        return self.transact("zrSignRes", response.as_tuple(), sender=sender, gas=gas)

    # -------------------------------------------------------------- views

    def estimate_fee(self, options: int = OPTIONS_BASIC, value: int = 0) -> FeeEstimate:
        """Fee for a key request with `options` (or any request paying `value`)."""
        return FeeEstimate(*self.call("estimateFee", options, value))

    def estimate_fee_for_wallet(
        self, wallet_type: bytes, owner: str, wallet_index: int, value: int = 0
    ) -> FeeEstimate:
        """Fee for a signature request with that key slot."""
        args = (wallet_type, to_checksum_address(owner), wallet_index, value)
        return FeeEstimate(*self.call("estimateFee", *args))

    def trace_id(self) -> int:
        """The traceId the next signature request will get."""
        return int(self.call("getTraceId"))

    def request_state(self, trace_id: int) -> ReqRegistry:
        return ReqRegistry(*self.call("getRequestState", trace_id))

    def wallet_registry(self, wallet_type: bytes, wallet_index: int, owner: str) -> WalletRegistry:
        args = (wallet_type, wallet_index, to_checksum_address(owner))
        return WalletRegistry(*self.call("getWalletRegistry", *args))

    def zr_keys(self, wallet_type: bytes, owner: str) -> list[str]:
        return list(self.call("getZrKeys", wallet_type, to_checksum_address(owner)))

    def zr_key(self, wallet_type: bytes, owner: str, index: int) -> str:
        return str(self.call("getZrKey", wallet_type, to_checksum_address(owner), index))

    def wallet_type_info(self, wallet_type: bytes) -> ChainInfo:
        return ChainInfo(*self.call("getWalletTypeInfo", wallet_type))

    def is_wallet_type_supported(self, wallet_type: bytes) -> bool:
        return bool(self.call("isWalletTypeSupported", wallet_type))

    def is_chain_id_supported(self, wallet_type: bytes, chain_id: bytes) -> bool:
        return bool(self.call("isChainIdSupported", wallet_type, chain_id))

    def mpc_fee(self) -> int:
        return int(self.call("getMPCFee"))

    def resp_gas(self) -> int:
        return int(self.call("getRespGas"))

    def resp_gas_price_buffer(self) -> int:
        return int(self.call("getRespGasPriceBuffer"))

    def collected_fees(self) -> int:
        return int(self.call("getColletedFees"))

    def refund_credit(self, account: str) -> int:
        return int(self.call("getRefundCredit", to_checksum_address(account)))

    def is_direct_mode(self) -> bool:
        return bool(self.call("isDirectMode"))

    def paused(self) -> bool:
        return bool(self.call("paused"))

    def has_role(self, role: bytes, account: str) -> bool:
        return bool(self.call("hasRole", role, to_checksum_address(account)))

    def auth_domain(self) -> bytes:
        """The first word of this contract's authSignature payloads (computed locally)."""
        return self.flavour.auth_domain(self.w3.eth.chain_id, self.address)

    # -------------------------------------------------------------- logs

    def get_events(
        self, from_block: int, to_block: int | str = "latest", topic0: Sequence[str] | None = None
    ) -> list[ZrSignEvent]:
        """Decoded logs of this contract via eth_getLogs."""
        return get_logs(self.w3, self.address, from_block, to_block, topic0)


def _address_of(sender: Sender) -> ChecksumAddress:
    """The address a sender (unlocked account or local key) sends from."""
    address = sender.address if isinstance(sender, LocalAccount) else sender
    return to_checksum_address(address)


def simulate(w3: Web3, tx: Mapping[str, Any]) -> bytes:
    """eth_call `tx` at the latest block; return the output or raise ZrSignRevert.

    With eth-tester the call goes to the tester directly, because web3's eth-tester provider
    flattens custom-error data into a message string.
    """
    tester = getattr(w3.provider, "ethereum_tester", None)
    if tester is not None:
        return _simulate_tester(tester, tx)
    call_tx = {k: v for k, v in tx.items() if v is not None}
    try:
        return bytes(w3.eth.call(call_tx))  # type: ignore[arg-type]
    except ContractLogicError as exc:
        raise _revert_from_exception(exc) from None


def _simulate_tester(tester: Any, tx: Mapping[str, Any]) -> bytes:
    from eth_tester.exceptions import TransactionFailed

    call_tx: dict[str, Any] = {
        "from": to_checksum_address(tx["from"]),
        "data": as_hex(tx.get("data", b"")),
        "value": int(tx.get("value", 0)),
    }
    if tx.get("to") is not None:  # absent: a contract creation
        call_tx["to"] = to_checksum_address(tx["to"])
    if tx.get("gas") is not None:
        call_tx["gas"] = int(tx["gas"])
    try:
        return as_bytes(tester.call(call_tx, "latest"))
    except TransactionFailed as exc:
        raw = exc.args[0] if exc.args else b""
        if isinstance(raw, Exception):
            raw = raw.args[0] if raw.args else b""
        # py-evm reports revert data as str(bytes) and an Error(string) reason as the text.
        if isinstance(raw, str) and raw.startswith(("b'", 'b"')):
            raw = ast.literal_eval(raw)
        if isinstance(raw, bytes | bytearray):
            raise decode_revert(bytes(raw)) from None
        raise ZrSignRevert("Error", (str(raw),)) from None


def _send(w3: Web3, fn: Any, sender: Sender, *, value: int, gas: int | None) -> Mapping[str, Any]:
    """Send from an unlocked account or a local key; return the receipt."""
    frm = _address_of(sender)
    tx: dict[str, Any] = {"from": frm, "value": value}
    try:
        tx["gas"] = gas if gas is not None else fn.estimate_gas(tx)
    except ContractLogicError as exc:
        raise _revert_from_exception(exc) from None
    if isinstance(sender, LocalAccount):
        tx["nonce"] = w3.eth.get_transaction_count(frm, "pending")
        tx["chainId"] = w3.eth.chain_id
        built = fn.build_transaction(tx)
        raw = sender.sign_transaction(built).raw_transaction
        tx_hash = w3.eth.send_raw_transaction(raw)
    else:
        tx_hash = fn.transact(tx)
    return w3.eth.wait_for_transaction_receipt(tx_hash, timeout=60, poll_latency=0.05)


def detect_flavour(contract: ZrSignContract) -> Flavour | None:
    """Which flavour the contract at `contract.address` is (None: not a zrSign contract).

    Both flavours answer `MPC_ROLE()` and `SRC_CHAIN_ID()` with zrSign's constants; only ours
    has `authDomain()`, and it answers with this chain's and address's domain. Transport
    errors propagate: they say nothing about the contract.
    """
    try:
        role = bytes(contract.call("MPC_ROLE"))
        src = bytes(contract.call("SRC_CHAIN_ID"))
        contract.call("getRespGas")
    except (ZrSignRevert, BadFunctionCallOutput):
        return None
    if role != MPC_ROLE or src != SRC_CHAIN_ID:
        return None
    try:
        domain = bytes(contract.call("authDomain"))
    except (ZrSignRevert, BadFunctionCallOutput):
        return Flavour.ZRSIGN_V1
    if domain == auth_domain(contract.w3.eth.chain_id, contract.address):
        return Flavour.ZRCHAIN
    return None
