"""Serve the zrChain ABCI app for a node home, leaving CometBFT to the operator.

    python abci_app.py --home ~/.zrchain [zrchaind start options]
    python -m abci_app --home ~/.zrchain

This is ``zrchaind start --no-comet``: the ABCI socket (app.toml ``address``, default
``tcp://127.0.0.1:26658``) with the gRPC and REST servers app.toml enables, until SIGINT or
SIGTERM; then run ``cometbft start --home <home> --proxy_app <address>`` against the same home.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> None:
    from zrchain.cli.node_cmds import start_cmd

    args = list(sys.argv[1:] if argv is None else argv)
    start_cmd.main(args=["--no-comet", *args], prog_name="abci_app.py")


if __name__ == "__main__":
    main()
