"""Genesis helpers for tests, benchmarks and localnets."""

from __future__ import annotations

from typing import Any

from zrchain.codec.coins import Coins


def add_account(app_state: dict[str, Any], address: str, coins: Coins | str = "") -> None:
    """Add a BaseAccount and its balance to an app_state dict (like add-genesis-account)."""
    from zrchain.codec.coins import parse_coins

    if isinstance(coins, str):
        coins = parse_coins(coins)
    auth = app_state.setdefault("auth", {})
    accounts = auth.setdefault("accounts", [])
    if any(a.get("address") == address for a in accounts):
        raise ValueError(f"account {address} already in genesis")
    accounts.append(
        {
            "@type": "/cosmos.auth.v1beta1.BaseAccount",
            "address": address,
            "pub_key": None,
            "account_number": "0",
            "sequence": "0",
        }
    )
    if coins:
        bank = app_state.setdefault("bank", {})
        bank.setdefault("balances", []).append(
            {
                "address": address,
                "coins": [{"denom": c.denom, "amount": str(c.amount)} for c in coins],
            }
        )
        bank["supply"] = []
