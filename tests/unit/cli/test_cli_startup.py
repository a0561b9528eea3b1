"""What a ``zrchaind`` command loads before it runs: web3 and eth-account (most of a second
of start-up, with py_ecc's pairing tables) only when a command needs them."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("web3", "eth_account", "py_ecc")


def test_the_cli_and_the_chain_load_without_web3_or_eth_account() -> None:
    code = (
        "import sys, zrchain.cli.main, zrchain.modules; "
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_evm_package_still_exports_its_names_on_first_use() -> None:
    import zrchain.evm as evm

    for name in evm.__all__:
        assert getattr(evm, name) is not None
    assert "ZrSignContract" in dir(evm)
