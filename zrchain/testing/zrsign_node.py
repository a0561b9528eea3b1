"""A zrChain node set up for zrSign (a keyring of the dev key ``bob`` as the treasury's
``mpc_keyring``, ``relayer`` as ``zr_sign_address``), its MPC keeper process, and the CLI
steps of zrSign Omni (docs/zrsign-policies.md). Shared by the bridge e2e tests and
examples/dex_aggregator."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from zrchain.client.chain import ChainClient
from zrchain.testing.node import TestNode, free_port, zrchaind


def die_with_parent() -> None:
    """In a child before exec: its own session, SIGTERM when the parent dies."""
    import ctypes

    os.setsid()
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


def stop_pid(proc: subprocess.Popen[bytes] | None, timeout: float = 15) -> None:
    if proc is None or proc.poll() is not None:
        return
    try:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout)
    except ProcessLookupError:
        pass


def init_zrsign_node(node: TestNode) -> str:
    """Init ``node``'s home with the dev keys and a zrSign genesis; returns the keyring."""
    from zrchain.localnet_setup import create_dev_keys, fund_dev_accounts
    from zrchain.x.identity.types import keyring_address

    node.init()
    addresses = create_dev_keys(node.home)
    kr = keyring_address(1)
    doc = node.genesis()
    fund_dev_accounts(doc, addresses)
    state = doc["app_state"]
    state["identity"]["keyrings"] = [
        {
            "address": kr,
            "creator": addresses["validator"],
            "description": "zrSign MPC keyring",
            "admins": [addresses["validator"]],
            "parties": [addresses["bob"]],
            "party_threshold": 1,
            "key_req_fee": "0",
            "sig_req_fee": "0",
            "is_active": True,
        }
    ]
    state["treasury"]["params"]["mpc_keyring"] = kr
    state["treasury"]["params"]["zr_sign_address"] = addresses["relayer"]
    node.write_genesis(doc)
    return kr


def start_keeper(
    node: TestNode, keyring: str, home: Path, log: Path, passphrase: str
) -> subprocess.Popen[bytes]:
    """``mpc-keeper init`` then ``start`` for party ``bob`` of ``keyring`` (stop by PID)."""
    env = {**os.environ, "ZRCHAIN_MPC_SEED_PASSPHRASE": passphrase}
    init = subprocess.run(
        [
            sys.executable, "-m", "zrchain.mpc.cli", "init", "--home", str(home),
            "--keyring-addr", keyring, "--chain-id", "zenrock", "--node", node.rpc_url,
            "--from", "bob", "--keyring-backend", "test", "--keyring-dir", str(node.home),
            "--metrics-listen", f"127.0.0.1:{free_port()}",
        ],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    if init.returncode != 0:
        raise RuntimeError(f"mpc-keeper init: {init.stderr}")
    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "zrchain.mpc.cli", "start",
             "--config", str(home / "mpc-keeper.toml")],
            stdout=out, stderr=subprocess.STDOUT, env=env, preexec_fn=die_with_parent,
        )  # fmt: skip


# -- the CLI steps of zrSign Omni ---------------------------------------------------------------
def cli_json(node: TestNode, *args: str) -> dict[str, Any]:
    out = zrchaind(*args, "--node", node.rpc_url, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"zrchaind {' '.join(args[:3])}: {out.stderr.strip()}")
    return dict(json.loads(out.stdout))


def cli_tx(node: TestNode, *args: str, sender: str = "alice") -> int:
    """``zrchaind tx … --from sender`` (gas simulated), waited for; the block height."""
    res = cli_json(
        node, "tx", *args, "--from", sender, "--keyring-backend", "test", "--home",
        str(node.home), "--chain-id", "zenrock", "--gas", "auto", "--gas-adjustment", "1.5",
        "--gas-prices", "0.0001urock", "-y",
    )  # fmt: skip
    if res.get("code"):
        raise RuntimeError(f"tx {args[:2]} refused: {res}")
    final = ChainClient(node.rpc_url).wait_tx(res["txhash"])
    if final.code != 0:
        raise RuntimeError(f"tx {args[:2]} failed: {final.raw_log}")
    return int(final.height)


def cli_sign(node: TestNode, folder: Path, account: Any, typed_args: list[str], name: str) -> Path:
    """``q omni typed-data …`` from the node, signed by ``tx omni sign-typed-data`` with
    ``account``'s key (what a wallet's eth_signTypedData_v4 does); the signed file."""
    typed = zrchaind("q", "omni", "typed-data", *typed_args, "--node", node.rpc_url)
    (folder / f"{name}.typed.json").write_text(typed.stdout)
    key = folder / f"{name}.key"
    key.write_text(account.key.hex())
    out = folder / f"{name}.signed.json"
    zrchaind(
        "tx", "omni", "sign-typed-data", str(folder / f"{name}.typed.json"),
        "--evm-key-file", str(key), "--out", str(out),
    )  # fmt: skip
    return out
