"""Workspace/keyring address derivation (docs/identity-policy.md vectors) and address checks."""

from __future__ import annotations

import pytest

from zrchain.codec import bech32
from zrchain.codec.address import zr_account_bytes
from zrchain.errors import ChainError
from zrchain.x.identity.types import (
    check_keyring,
    check_workspace,
    keyring_address,
    workspace_address,
)
from zrchain.x.policy.types import account_error

VECTORS = [
    (0, "workspace14a2hpadpsy9h4auve2z8lw", "keyring1pfnq7r04rept47gaf5cpdew2"),
    (1, "workspace10j06zdk5gyl6v9ekzwem0v", "keyring1k6vc6vhp6e6l3rxalue9v4ux"),
    (2, "workspace1mphgzyhncnzyggfxmv4nmh", "keyring1futgvldyslefq54ljy7uln0p"),
    (3, "workspace1xklrytgff7w32j52v34w36", "keyring1hpyh7xqr2w7h4eas5y8twnsg"),
]
ZEN = "zen10xcqpzrky6eff2g52qdye53xkk9jxkvrmdgavj"


@pytest.mark.parametrize(("n", "ws", "kr"), VECTORS)
def test_derivation_vectors(n: int, ws: str, kr: str) -> None:
    assert workspace_address(n) == ws
    assert keyring_address(n) == kr
    assert len(ws) == len(kr) == 32


def test_keyring_payload_is_bytes_13_to_23_of_the_digest() -> None:
    _, raw = bech32.decode(keyring_address(0))
    assert raw.hex() == "0a660f0df51e42baf91d4d"


def test_account_addresses_accept_zen_and_keyring_but_not_workspace() -> None:
    assert len(zr_account_bytes(ZEN)) == 20
    assert len(zr_account_bytes(keyring_address(1))) == 11
    assert account_error(workspace_address(1)) == (
        "address length must be 11, 20, or 32 bytes, got 10: unknown address"
    )
    assert account_error("") == "empty address string is not allowed"
    assert account_error("   ") == "empty address string is not allowed"
    cosmos = bech32.encode("cosmos", bytes(20))
    assert account_error(cosmos) == (
        "failed to convert Bech32 address: invalid address format for account/keyring/workspace"
        " - invalid Bech32 prefix; expected workspace, got cosmos"
    )
    err = account_error(ZEN[:-1] + ("q" if ZEN[-1] != "q" else "p"))
    assert err is not None and "decoding bech32 failed: invalid checksum (expected (bech32=" in err


def test_workspace_and_keyring_field_checks() -> None:
    check_workspace(workspace_address(5))
    check_keyring(keyring_address(5))
    with pytest.raises(ChainError) as e:
        check_workspace("")
    assert e.value.log == (
        "invalid workspace address (decoding Bech32 address failed: must provide a non empty "
        "address): invalid address"
    )
    with pytest.raises(ChainError) as e:
        check_workspace(keyring_address(1))
    assert e.value.log == (
        "invalid workspace address (invalid Bech32 prefix; expected workspace, got keyring): "
        "invalid address"
    )
    with pytest.raises(ChainError) as e:
        check_workspace(bech32.encode("workspace", bytes(11)))
    assert e.value.log == "invalid workspace address (%!s(<nil>)): invalid address"
    assert e.value.code == 7 and e.value.codespace == "sdk"
    with pytest.raises(ChainError) as e:
        check_keyring(workspace_address(1))
    assert "invalid keyring address (invalid Bech32 prefix; expected keyring" in e.value.log
