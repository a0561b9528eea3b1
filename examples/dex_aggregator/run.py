#!/usr/bin/env python3
"""zrSign Omni, the DEX-aggregator flow in one command (examples/dex_aggregator/README.md).

    .venv/bin/python examples/dex_aggregator/run.py

Starts a zrChain node (CometBFT + zrchaind), the MPC keeper, three anvil networks (A and B
where the approvers live, C with our DexPool) with our zrSign contract on each, and the
bridge; then the aggregator gets a zrSign key, puts a 2-of-3 policy of EVM approvers on it,
asks zrSignTx for a swap on C, approver 1 approves on A, approver 2 gaslessly (EIP-712),
and the swap executes on C. Every process started here is stopped here, by PID. Exits 0 when
the swap landed; the last line says what happened.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from eth_account import Account  # noqa: E402
from eth_utils import keccak, to_checksum_address  # noqa: E402

from evm_bridge.ingest import eip1559_unsigned  # noqa: E402
from zrchain.chains.caip import zrsign_cache_id  # noqa: E402
from zrchain.client.chain import ChainClient  # noqa: E402
from zrchain.codec.gen.zrchain.omni import query_pb2 as oq  # noqa: E402
from zrchain.evm.artifact import load_artifact  # noqa: E402
from zrchain.evm.contract import SignParams, ZrSignContract  # noqa: E402
from zrchain.evm.ids import EVM_WALLET_TYPE_ID, caip2_chain_id  # noqa: E402
from zrchain.testing.anvil import DEFAULT_PRIVATE_KEYS, AnvilNode  # noqa: E402
from zrchain.testing.node import TestNode  # noqa: E402
from zrchain.testing.zrsign_node import (  # noqa: E402
    cli_json,
    cli_sign,
    cli_tx,
    die_with_parent,
    init_zrsign_node,
    start_keeper,
    stop_pid,
)

CHAINS = {"A": 1001, "B": 1002, "C": 1003}
CAIP = {k: f"eip155:{v}" for k, v in CHAINS.items()}
MPC_AUTH_KEY = keccak(text="dex-aggregator-example-mpc-auth")
SEED_PASSPHRASE = "dex aggregator example seed"
PAY = 10**16
SWAP_IN = 1_000 * 10**18


def step(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def wait(pred: Callable[[], Any], what: str, timeout: float = 120) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            got = pred()
        except Exception:  # not there yet (a query for something not created yet)
            got = None
        if got:
            return got
        time.sleep(0.5)
    raise SystemExit(f"timed out waiting for {what}")


def spawn(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        return subprocess.Popen(
            args,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=die_with_parent,
        )


class Example:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.node = TestNode(base)
        self.procs: list[subprocess.Popen[bytes]] = []
        self.anvils: dict[str, AnvilNode] = {}

    # -- zrChain side (CLI as a user runs it) -------------------------------------------------
    def cli(self, *args: str) -> dict[str, Any]:
        return cli_json(self.node, *args)

    def tx(self, *args: str) -> int:
        return cli_tx(self.node, *args)

    def signed(self, account: Any, typed_args: list[str], name: str) -> Path:
        return cli_sign(self.node, self.base, account, typed_args, name)

    # -- start ---------------------------------------------------------------------------------
    def start(self) -> None:
        step("starting zrChain (CometBFT + zrchaind)")
        kr = init_zrsign_node(self.node)
        self.node.start()
        step("starting the MPC keeper")
        self.procs.append(
            start_keeper(
                self.node, kr, self.base / "keeper", self.base / "keeper.log", SEED_PASSPHRASE
            )
        )
        step("starting anvil networks A, B, C and deploying zrSign on each, DexPool on C")
        admin = Account.from_key(DEFAULT_PRIVATE_KEYS[0])
        self.contracts: dict[str, ZrSignContract] = {}
        for name, chain_id in CHAINS.items():
            node = self.anvils[name] = AnvilNode(chain_id)
            node.start()
            c = ZrSignContract.deploy(node.web3(), sender=admin, direct_mode=(name == "C"))
            c.setup(
                admin=admin,
                mpc_signers=[Account.from_key(MPC_AUTH_KEY).address],
                chains={EVM_WALLET_TYPE_ID: list(CAIP.values())},
                mpc_fee=10**14,
                resp_gas=300_000,
                resp_gas_buffer=120,
            )
            self.contracts[name] = c
        art = load_artifact(ROOT / "contracts" / "artifacts" / "DexPool.json")
        w3c = self.anvils["C"].web3()
        pool = w3c.eth.contract(abi=art.abi, bytecode=art.bytecode)
        tx = pool.constructor(1_000_000 * 10**18, 2_000_000 * 10**18).transact(
            {"from": admin.address}
        )
        self.pool = w3c.eth.contract(
            address=w3c.eth.wait_for_transaction_receipt(tx).contractAddress, abi=art.abi
        )
        step("starting the bridge (follows A, B, C; answers and relays on C)")
        (self.base / "mpc-auth.key").write_text("0x" + MPC_AUTH_KEY.hex())
        (self.base / "responder.key").write_text(DEFAULT_PRIVATE_KEYS[1])
        lines = [
            "[zrchain]",
            f'node = "{self.node.rpc_url}"',
            'chain_id = "zenrock"',
            f'home = "{self.node.home}"',
            'keyring_backend = "test"',
            'signer = "relayer"',
            'gas_prices = "0.0001urock"',
            "",
            "[bridge]",
            f'state_dir = "{self.base / "bridge"}"',
            "progress_interval = 1.0",
            "",
        ]
        for name, c in self.contracts.items():
            net = {
                "name": name,
                "caip2": CAIP[name],
                "rpc_url": self.anvils[name].url,
                "contract": c.address,
                "flavour": c.flavour.value,
                "confirmations": 1,
                "poll_interval": 0.2,
                "mode": "direct" if name == "C" else "omni",
            }
            if name == "C":
                net["mpc_key_file"] = str(self.base / "mpc-auth.key")
                net["responder_key_file"] = str(self.base / "responder.key")
            lines.append("[[networks]]")
            lines += [f"{k} = {json.dumps(v)}" for k, v in net.items()]
            lines.append("")
        (self.base / "bridge.toml").write_text("\n".join(lines))
        self.procs.append(
            spawn(
                [
                    sys.executable,
                    "-m",
                    "evm_bridge.cli",
                    "start",
                    "--config",
                    str(self.base / "bridge.toml"),
                ],
                self.base / "bridge.log",
            )
        )

    def stop(self) -> None:
        for proc in reversed(self.procs):
            stop_pid(proc)
        for node in self.anvils.values():
            node.stop()
        self.node.stop()

    # -- the flow ------------------------------------------------------------------------------
    def mine(self, name: str) -> None:
        self.anvils[name].mine(2)

    def run(self, swaps: int = 1) -> str:
        aggregator = Account.from_key(DEFAULT_PRIVATE_KEYS[2])
        ap1, ap2, ap3 = (Account.from_key(keccak(text=f"approver {i}")) for i in (1, 2, 3))
        c = self.contracts["C"]
        step(f"the aggregator {aggregator.address} requests a zrSign key on C")
        c.zr_key_req(aggregator.address, sender=aggregator, value=PAY)
        self.mine("C")
        keys = wait(
            lambda: self.cli("q", "treasury", "zr-sign-keys", aggregator.address, "-o", "json").get(
                "Keys"
            ),
            "the zrSign key",
        )
        wallet = to_checksum_address(keys[0]["address"])
        step(f"its key's address on C is {wallet}: funded with ETH for gas and 10000 TKA")
        w3c = self.anvils["C"].web3()
        w3c.eth.send_transaction({"from": w3c.eth.accounts[0], "to": wallet, "value": 10**18})
        self.pool.functions.mint(wallet, 10_000 * 10**18, 0).transact({"from": w3c.eth.accounts[0]})
        parts = [
            f"{CAIP['A']}:{ap1.address}",
            f"eip155:{ap2.address}",
            f"{CAIP['B']}:{ap3.address}",
        ]
        definition = " + ".join(parts) + " > 1"
        step(f"2-of-3 policy, signed by the aggregator (EIP-712): {definition}")
        self.tx(
            "omni",
            "submit",
            str(
                self.signed(
                    aggregator,
                    [
                        "new-policy",
                        aggregator.address,
                        "dex",
                        definition,
                        ",".join(parts),
                        "--btl",
                        "300",
                    ],
                    "policy",
                )
            ),
        )
        created = self.cli(
            "q", "policy", "policies-by-creator", f"eip155:{aggregator.address}", "-o", "json"
        )["policies"]
        policy_id = int(created[-1]["id"])
        self.tx(
            "omni",
            "submit",
            str(
                self.signed(
                    aggregator,
                    ["set-key-policy", aggregator.address, "60", "0", str(policy_id)],
                    "attach",
                )
            ),
        )
        step(f"policy {policy_id} attached to the key")
        w3a = self.anvils["A"].web3()
        w3a.eth.send_transaction({"from": w3a.eth.accounts[0], "to": ap1.address, "value": 10**18})
        before = self.balances(wallet)
        step(f"balances of the key on C before: {self.shown(before)}")
        times = [self.swap(i, wallet, aggregator, ap1, ap2, i == 0) for i in range(swaps)]
        after = self.balances(wallet)
        step(f"balances of the key on C after:  {self.shown(after)}")
        got = after["TKB"] - before["TKB"]
        if swaps > 1:
            step(
                f"last approval's zrChain block -> swap on C, {swaps} swaps: median "
                f"{statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f})"
            )
        return (
            f"swap executed on C {times[0]:.1f} s after the last approval's zrChain block: the "
            f"aggregator's zrSign key sold {swaps * SWAP_IN // 10**18} TKA for {got / 10**18:.4f} "
            f"TKB in {swaps} swap(s), each approved by 2 of 3 EVM approvers (A: contract call, "
            f"gasless: EIP-712)"
        )

    def swap(
        self, i: int, wallet: str, aggregator: Any, ap1: Any, ap2: Any, verbose: bool
    ) -> float:
        """One zrSignTx of a swap, held, approved twice, executed: seconds from the zrChain
        block of the last approval to the swap's balance on C."""

        def say(text: str) -> None:
            if verbose:
                step(text)

        c = self.contracts["C"]
        w3c = self.anvils["C"].web3()
        call = self.pool.functions.swap(True, SWAP_IN, 1)._encode_transaction_data()
        base_fee = int(w3c.eth.get_block("latest")["baseFeePerGas"])
        unsigned = eip1559_unsigned(
            CHAINS["C"],
            i,
            10**9,
            2 * base_fee + 10**9,
            200_000,
            self.pool.address,
            0,
            bytes.fromhex(call[2:]),
        )
        received = self.pool.functions.balanceB(wallet).call()
        res = c.zr_sign_tx(
            SignParams(EVM_WALLET_TYPE_ID, 0, caip2_chain_id(CAIP["C"]), unsigned, True),
            sender=aggregator,
            value=PAY,
        )
        trace = res.events[0].trace_id
        self.mine("C")
        cid = zrsign_cache_id(CAIP["C"], c.address, trace)
        client = ChainClient(self.node.rpc_url)

        def action() -> oq.QueryZrSignActionResponse:
            return client.query(
                "/zrchain.omni.Query/ZrSignAction",
                oq.QueryZrSignActionRequest(cache_id=cid),
                oq.QueryZrSignActionResponse,
            )

        act = wait(action, "the pending action")
        say(
            f"zrSignTx (traceId {trace}) is pending as policy action {act.action_id}: "
            f"{act.action.status}, BTL {act.action.btl}"
        )
        self.contracts["A"].transact("zrActionApprove", act.action_id, sender=ap1)
        self.mine("A")
        wait(lambda: len(action().action.approvers) == 1, "approver 1's approval")
        say(
            f"approver 1 approved on A: {list(action().action.approvers)}; still "
            f"{action().action.status}"
        )
        signed = self.signed(ap2, ["approve-action", ap2.address, str(act.action_id)], f"ap2-{i}")
        height = self.tx(
            "policy",
            "approve-action",
            "/zrchain.treasury.MsgNewZrSignSignatureRequest",
            str(act.action_id),
            "--eip712",
            str(signed),
        )
        started = time.monotonic()  # the approval's tx is in a block
        status = action().action.status
        say(f"approver 2 approved gaslessly (EIP-712, zrChain block {height}): {status}")
        wait(lambda: self.pool.functions.balanceB(wallet).call() > received, "the swap on C", 180)
        return time.monotonic() - started

    def balances(self, wallet: str) -> dict[str, int]:
        f = self.pool.functions
        return {"TKA": f.balanceA(wallet).call(), "TKB": f.balanceB(wallet).call()}

    @staticmethod
    def shown(balances: dict[str, int]) -> str:
        return ", ".join(f"{v / 10**18:.4f} {k}" for k, v in balances.items())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--swaps", type=int, default=1, help="swaps to time (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dex-aggregator-") as tmp:
        ex = Example(Path(tmp))
        try:
            ex.start()
            last = ex.run(args.swaps)
        finally:
            ex.stop()
    print(last)
    return 0


if __name__ == "__main__":
    sys.exit(main())
