"""The only code that touches the auth store.

Layout under ``auth/``: ``0x01 | address`` -> Any(BaseAccount | ModuleAccount),
``0x02`` -> next account number (u64 BE), ``0x03`` -> Params.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cosmpy.protos.cosmos.auth.v1beta1 import auth_pb2
from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest, PageResponse
from google.protobuf.any_pb2 import Any as AnyProto

from zrchain.codec.address import acc_string, module_address
from zrchain.codec.any import SECP256K1_PUBKEY_URL, type_url
from zrchain.context import Context
from zrchain.x.pagination import paginate

STORE_KEY = "auth"
ACCOUNT_PREFIX = b"\x01"
NEXT_ACCOUNT_NUMBER = b"\x02"
_PARAMS = b"\x03"
BASE_ACCOUNT_URL = type_url(auth_pb2.BaseAccount)
MODULE_ACCOUNT_URL = type_url(auth_pb2.ModuleAccount)
FEE_COLLECTOR = "fee_collector"

DEFAULT_PARAMS = auth_pb2.Params(
    max_memo_characters=256,
    tx_sig_limit=7,
    tx_size_cost_per_byte=10,
    sig_verify_cost_ed25519=590,
    sig_verify_cost_secp256k1=1000,
)


class Account:
    """A decoded account: a BaseAccount, possibly wrapped as a module account."""

    __slots__ = ("base", "module")

    def __init__(self, base: Any, module: Any | None = None) -> None:
        self.base = base
        self.module = module

    @property
    def address(self) -> str:
        return str(self.base.address)

    @property
    def number(self) -> int:
        return int(self.base.account_number)

    @property
    def sequence(self) -> int:
        return int(self.base.sequence)

    @property
    def pubkey(self) -> bytes | None:
        """The account's secp256k1 key (None without one, or for a multisig account)."""
        if not self.base.HasField("pub_key") or self.base.pub_key.type_url != SECP256K1_PUBKEY_URL:
            return None
        from cosmpy.protos.cosmos.crypto.secp256k1.keys_pb2 import PubKey

        return bytes(PubKey.FromString(self.base.pub_key.value).key)

    def to_any(self) -> Any:
        if self.module is not None:
            self.module.base_account.CopyFrom(self.base)
            return AnyProto(type_url=MODULE_ACCOUNT_URL, value=self.module.SerializeToString())
        return AnyProto(type_url=BASE_ACCOUNT_URL, value=self.base.SerializeToString())


def decode_account(raw: bytes) -> Account:
    wrapped = AnyProto.FromString(raw)
    if wrapped.type_url == MODULE_ACCOUNT_URL:
        mod = auth_pb2.ModuleAccount.FromString(wrapped.value)
        base = auth_pb2.BaseAccount()
        base.CopyFrom(mod.base_account)
        return Account(base, mod)
    return Account(auth_pb2.BaseAccount.FromString(wrapped.value))


class AccountKeeper:
    def __init__(self, module_permissions: dict[str, list[str]] | None = None) -> None:
        self._params_cache: tuple[bytes, Any] | None = None
        self._module_addresses: dict[bytes, str] = {}  # stored module account -> address
        self.permissions = dict(module_permissions or {})
        self.permissions.setdefault(FEE_COLLECTOR, [])

    def blocked_addresses(self, names: Sequence[str] | None = None) -> set[bytes]:
        """The SDK's blocked addresses (no user transfer, grant or reward may reach them):
        the named module accounts, or every module account when ``names`` is None."""
        return {module_address(n) for n in (self.permissions if names is None else names)}

    def get_account(self, ctx: Context, addr: bytes) -> Account | None:
        raw = ctx.store(STORE_KEY).get(ACCOUNT_PREFIX + addr)
        return None if raw is None else decode_account(raw)

    def has_account(self, ctx: Context, addr: bytes) -> bool:
        return bool(ctx.store(STORE_KEY).has(ACCOUNT_PREFIX + addr))

    def set_account(self, ctx: Context, acc: Account, addr: bytes) -> None:
        ctx.store(STORE_KEY).set(ACCOUNT_PREFIX + addr, acc.to_any().SerializeToString())

    def next_account_number(self, ctx: Context) -> int:
        store = ctx.store(STORE_KEY)
        raw = store.get(NEXT_ACCOUNT_NUMBER)
        n = int.from_bytes(raw, "big") if raw else 0
        store.set(NEXT_ACCOUNT_NUMBER, (n + 1).to_bytes(8, "big"))
        return n

    def peek_account_number(self, ctx: Context) -> int:
        raw = ctx.store(STORE_KEY).get(NEXT_ACCOUNT_NUMBER)
        return int.from_bytes(raw, "big") if raw else 0

    def set_next_account_number(self, ctx: Context, n: int) -> None:
        ctx.store(STORE_KEY).set(NEXT_ACCOUNT_NUMBER, n.to_bytes(8, "big"))

    def new_account(self, ctx: Context, addr: bytes) -> Account:
        base = auth_pb2.BaseAccount(
            address=acc_string(addr), account_number=self.next_account_number(ctx)
        )
        acc = Account(base)
        self.set_account(ctx, acc, addr)
        return acc

    def module_address(self, name: str) -> bytes:
        return module_address(name)

    def get_module_account(self, ctx: Context, name: str) -> Account:
        """The module's account, created on first use (as the SDK does)."""
        addr = module_address(name)
        return self._module_account(
            ctx, name, addr, ctx.store(STORE_KEY).get(ACCOUNT_PREFIX + addr)
        )

    def module_account_address(self, ctx: Context, name: str) -> str:
        """``get_module_account(ctx, name).address``, with the same store accesses; the
        address of a stored module account is kept per stored value (every tx pays the
        fee collector: its account is read, not decoded, each time)."""
        addr = module_address(name)
        raw = ctx.store(STORE_KEY).get(ACCOUNT_PREFIX + addr)
        if raw is None:
            return self._module_account(ctx, name, addr, raw).address
        known = self._module_addresses.get(raw)
        if known is not None:
            return known
        stored = decode_account(raw)
        if stored.module is None:  # made a module account now (and written): not kept
            return self._module_account(ctx, name, addr, raw).address
        if len(self._module_addresses) >= 256:
            self._module_addresses.clear()
        self._module_addresses[raw] = stored.address
        return stored.address

    def _module_account(self, ctx: Context, name: str, addr: bytes, raw: bytes | None) -> Account:
        acc = None if raw is None else decode_account(raw)
        if acc is not None and acc.module is not None:
            return acc
        number = acc.number if acc is not None else self.next_account_number(ctx)
        base = auth_pb2.BaseAccount(address=acc_string(addr), account_number=number)
        if acc is not None:
            base.sequence = acc.sequence
        mod = auth_pb2.ModuleAccount(name=name, permissions=self.permissions.get(name, []))
        mod.base_account.CopyFrom(base)
        acc = Account(base, mod)
        self.set_account(ctx, acc, addr)
        return acc

    def params(self, ctx: Context) -> Any:
        """The params (read through the store, so gas is charged; parsed once per value).
        Callers must not mutate the returned message."""
        raw = ctx.store(STORE_KEY).get(_PARAMS)
        if raw is None:
            return DEFAULT_PARAMS
        cached = self._params_cache
        if cached is None or cached[0] != raw:
            cached = self._params_cache = (raw, auth_pb2.Params.FromString(raw))
        return cached[1]

    def set_params(self, ctx: Context, params: Any) -> None:
        ctx.store(STORE_KEY).set(_PARAMS, params.SerializeToString())

    def iterate_accounts(self, ctx: Context) -> Any:
        from zrchain.store.kv import iterate_prefix

        for _, raw in iterate_prefix(ctx.store(STORE_KEY), ACCOUNT_PREFIX):
            yield decode_account(raw)

    def accounts_page(
        self, ctx: Context, page: PageRequest | None
    ) -> tuple[list[AnyProto], PageResponse]:
        """One page of all accounts, packed as the Query service returns them."""
        return paginate(ctx.store(STORE_KEY), ACCOUNT_PREFIX, page, lambda _k, v: _packed(v))


def _packed(raw: bytes) -> AnyProto:
    return decode_account(raw).to_any()
