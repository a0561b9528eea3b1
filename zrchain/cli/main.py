"""``zrchaind``: node, genesis, keys, tx and query commands, shaped like zrChain's zenrockd."""

from __future__ import annotations

import click

from zrchain.cli import node_cmds


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """zrChain node and client (Python; CometBFT v0.38)."""


for _cmd in node_cmds.COMMANDS:
    cli.add_command(_cmd)


def main() -> None:
    cli(prog_name="zrchaind")


if __name__ == "__main__":
    main()
