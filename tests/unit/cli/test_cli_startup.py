"""What a ``zrchaind`` command loads before it runs: web3 and eth-account (most of a second
of start-up, with py_ecc's pairing tables), eth_utils (~0.3 s: it pulls in pydantic),
eth_abi and pyrlp only when a command needs them."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("web3", "eth_account", "py_ecc", "eth_utils", "eth_abi", "rlp", "pydantic")


def test_the_cli_and_the_chain_load_without_the_evm_libraries() -> None:
    code = (
        "import sys, zrchain.cli.main, zrchain.modules; "
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_check_sees_a_heavy_library_once_it_is_imported() -> None:
    code = f"import sys, eth_abi; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "eth_abi" in out.stdout and "eth_utils" in out.stdout


def test_the_evm_package_still_exports_its_names_on_first_use() -> None:
    import zrchain.evm as evm

    for name in evm.__all__:
        assert getattr(evm, name) is not None
    assert "ZrSignContract" in dir(evm)


def test_each_top_level_command_is_named_as_it_is_listed() -> None:
    from zrchain.cli.main import COMMANDS

    for name, load in COMMANDS.items():
        assert load().name == name


def test_a_command_loads_only_what_it_needs() -> None:
    code = (
        "import sys; from zrchain.cli.main import cli; cli.load('keys'); "
        "print('zrchain.modules' in sys.modules, 'zrchain.cli.node_cmds' in sys.modules); "
        "cli.load('q'); print('zrchain.modules' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "True"]


def test_client_toml_values_reach_the_flags_of_the_command_typed() -> None:
    from zrchain.cli.main import _Defaults, cli

    settings = {"node": "tcp://127.0.0.1:9", "output": "json", "chain-id": "zenrock"}
    defaults = _Defaults(cli, settings)
    send = defaults.get("tx")["bank"]["send"]
    assert send["node"] == "tcp://127.0.0.1:9" and send["chain_id"] == "zenrock"
    assert "output" not in send  # tx commands print JSON whatever the file says
    for typed in ("q", "query"):
        assert defaults.get(typed)["bank"]["balances"]["output"] == "json"
    assert defaults.get("no-such-command") is None
