"""``zrchaind``: node, genesis, keys, tx and query commands, shaped like zrChain's zenrockd."""

from __future__ import annotations

import importlib
import sys

import click

from zrchain.cli import (
    client_config,
    genesis_cmds,
    node_cmds,
    query_cmds,
    sign_cmds,
    tx_cmds,
)


class _Root(click.Group):
    """Resolves the ``q`` alias of ``query``, and imports the packages that depend on zrchain
    (the EVM bridge) only when their command is asked for: zrchain never imports them."""

    LAZY = {"evm-bridge": "evm_bridge.cli:evm_bridge_group"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        name = "query" if name == "q" else name
        if name in self.LAZY and name not in self.commands:
            module, _, attr = self.LAZY[name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attr), name)
        return super().get_command(ctx, name)


@click.group(cls=_Root, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """zrChain node and client (Python; CometBFT v0.38)."""


def _build() -> None:
    from zrchain.modules import default_modules

    for cmd in node_cmds.COMMANDS:
        cli.add_command(cmd)
    cli.add_command(genesis_cmds.genesis_group)
    cli.add_command(genesis_cmds.export_cmd)
    from zrchain.cli.keys_cmds import keys_group
    from zrchain.mpc.cli import mpc_keeper_group

    cli.add_command(keys_group)
    cli.add_command(client_config.config_group)
    cli.add_command(mpc_keeper_group)
    modules = default_modules()
    tx_cmds.mount(tx_cmds.tx_group, modules)
    for cmd in sign_cmds.COMMANDS:  # tx sign, multi-sign, broadcast, encode, decode, simulate
        tx_cmds.tx_group.add_command(cmd)
    query_cmds.mount(query_cmds.query_group, modules)
    cli.add_command(tx_cmds.tx_group)
    cli.add_command(query_cmds.query_group)


_build()


def main() -> None:
    # client.toml of the --home this command line names: its values become flag defaults.
    settings = client_config.load(client_config.home_from_argv(sys.argv[1:]))
    cli(prog_name="zrchaind", default_map=client_config.default_map(cli, settings))


if __name__ == "__main__":
    main()
