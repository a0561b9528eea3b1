"""``zrchaind``: node, genesis, keys, tx and query commands, shaped like zrChain's zenrockd."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any

import click

from zrchain.cli import client_config


def _attr(spec: str) -> Callable[[], click.Command]:
    module, _, attr = spec.partition(":")
    return lambda: getattr(importlib.import_module(module), attr)


def _tx_tree() -> click.Command:
    from zrchain.cli import sign_cmds, tx_cmds
    from zrchain.modules import default_modules

    tx_cmds.mount(tx_cmds.tx_group, default_modules())
    for cmd in sign_cmds.COMMANDS:  # tx sign, multi-sign, broadcast, encode, decode, simulate
        tx_cmds.tx_group.add_command(cmd)
    return tx_cmds.tx_group


def _query_tree() -> click.Command:
    from zrchain.cli import query_cmds
    from zrchain.modules import default_modules

    query_cmds.mount(query_cmds.query_group, default_modules())
    return query_cmds.query_group


#: The top-level commands, each loaded (with its imports) only when it is asked for: every
#: zrchaind command is a new process, and loading them all cost each one ~0.3 s. The EVM
#: bridge depends on zrchain, which never imports it.
COMMANDS: dict[str, Callable[[], click.Command]] = {
    "init": _attr("zrchain.cli.node_cmds:init_cmd"),
    "start": _attr("zrchain.cli.node_cmds:start_cmd"),
    "status": _attr("zrchain.cli.node_cmds:status_cmd"),
    "version": _attr("zrchain.cli.node_cmds:version_cmd"),
    "comet": _attr("zrchain.cli.node_cmds:comet_group"),
    "genesis": _attr("zrchain.cli.genesis_cmds:genesis_group"),
    "export": _attr("zrchain.cli.genesis_cmds:export_cmd"),
    "keys": _attr("zrchain.cli.keys_cmds:keys_group"),
    "config": _attr("zrchain.cli.client_config:config_group"),
    "mpc-keeper": _attr("zrchain.mpc.cli:mpc_keeper_group"),
    "tx": _tx_tree,
    "query": _query_tree,
    "evm-bridge": _attr("evm_bridge.cli:evm_bridge_group"),
}
ALIASES = {"q": "query"}


class _Root(click.Group):
    """Loads each top-level command on first use and resolves the ``q`` alias."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self.load(name)

    def load(self, name: str) -> click.Command | None:
        name = ALIASES.get(name, name)
        if name not in self.commands and name in COMMANDS:
            self.add_command(COMMANDS[name](), name)
        return self.commands.get(name)


@click.group(cls=_Root, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """zrChain node and client (Python; CometBFT v0.38)."""


class _Defaults(dict[str, Any]):
    """click's ``default_map`` of the root: client.toml's values for a command's flags,
    worked out when click looks the command up (by the name typed), so that only that
    command is loaded."""

    def __init__(self, root: _Root, settings: dict[str, str]) -> None:
        super().__init__()
        self._root, self._settings = root, settings

    def get(self, name: str, default: Any = None) -> Any:
        cmd = self._root.load(name)
        if cmd is None:
            return default
        query = ALIASES.get(name, name) == "query"
        return client_config.defaults_for(cmd, self._settings, query) or default


def main() -> None:
    # client.toml of the --home this command line names: its values become flag defaults.
    settings = client_config.load(client_config.home_from_argv(sys.argv[1:]))
    cli(prog_name="zrchaind", default_map=_Defaults(cli, settings))


if __name__ == "__main__":
    main()
