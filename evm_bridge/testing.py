"""Test helpers for the bridge against real EVM nodes: make a contract emit arbitrary logs, an
RPC proxy that fails chosen calls, test contracts of either flavour, an in-process bridge and a
collector of its structured log records. Used by tests/unit/bridge, tests/adversarial and
tests/e2e."""

from __future__ import annotations

import http.server
import json
import logging
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from evm_bridge.logs import LOGGER_NAME

#: Runtime code that copies its calldata to memory and emits LOGn with the first n words as
#: topics and the rest as data (n = 1, 3 or 4).
EMITTER = {
    n: bytes.fromhex(
        "3660006000"
        + "37"
        + "".join(f"60{32 * i:02x}51" for i in reversed(range(n)))
        + f"60{32 * n:02x}3603"
        + f"60{32 * n:02x}"
        + f"{0xA0 + n:02x}"
        + "00"
    )
    for n in (1, 3, 4)
}


def emit_raw(node: Any, address: str, topics: list[bytes], data: bytes) -> None:
    """Make `address` emit an arbitrary log: swap its code for an emitter, call, swap back."""
    original = node.rpc("eth_getCode", [address, "latest"])
    node.rpc("anvil_setCode", [address, "0x" + EMITTER[len(topics)].hex()])
    w3 = node.web3()
    tx = w3.eth.send_transaction(
        {"from": w3.eth.accounts[5], "to": address, "data": b"".join(topics) + data, "gas": 100000}
    )
    assert w3.eth.wait_for_transaction_receipt(tx)["status"] == 1
    node.rpc("anvil_setCode", [address, original])


class FlakyProxy:
    """An HTTP JSON-RPC proxy on 127.0.0.1 that answers HTTP 502 to chosen eth_getLogs calls
    (1-based call numbers), and to every call while ``down`` is set, and forwards everything
    else. Stop it with close()."""

    def __init__(self, upstream: str, fail_calls: set[int]) -> None:
        self.upstream = upstream
        self.fail_calls = fail_calls
        self.down = False
        self.count = 0
        self.failed = 0
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if proxy.down:
                    self.send_response(502)
                    self.end_headers()
                    return
                doc = json.loads(body)
                if isinstance(doc, dict) and doc.get("method") == "eth_getLogs":
                    proxy.count += 1
                    if proxy.count in proxy.fail_calls:
                        proxy.failed += 1
                        self.send_response(502)
                        self.end_headers()
                        self.wfile.write(b"bad gateway")
                        return
                req = urllib.request.Request(
                    proxy.upstream, data=body, headers={"Content-Type": "application/json"}
                )
                with urllib.request.urlopen(req, timeout=10) as resp:
                    out = resp.read()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


class Records(logging.Handler):
    """Collects the bridge's structured log records (thread-safe list appends)."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.items.append(record)

    def named(self, event: str) -> list[logging.LogRecord]:
        return [r for r in self.items if getattr(r, "event", None) == event]


@contextmanager
def captured_logs() -> Iterator[Records]:
    """Every bridge log record (debug included) while the block runs."""
    handler = Records()
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(handler)
    old = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old)


def wait(pred: Callable[[], Any], timeout: float = 90, what: str = "") -> Any:
    """Poll `pred` until it returns something true; AssertionError after `timeout` seconds
    (generous: a loaded 2-core CI machine took over 30 s for an Omni key write-back)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = pred()
        if got:
            return got
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or pred}")


def deploy_test_contract(
    node: Any,
    *,
    flavour: str = "zrchain",
    direct: bool = False,
    mpc_signers: Sequence[str] = (),
    extra_types: Sequence[tuple[int, int]] = (),
    chains: Sequence[str] = (),
    resp_gas: int = 300_000,
) -> Any:
    """Our contract (Omni or Direct), or the zrsign-v1 test contract (it has no modes),
    deployed by anvil's first account and configured for EVM keys and `chains`."""
    from eth_account import Account

    from zrchain.evm.contract import ZrSignContract
    from zrchain.evm.ids import EVM_WALLET_TYPE_ID
    from zrchain.testing.anvil import DEFAULT_PRIVATE_KEYS
    from zrchain.testing.zrsign_v1 import deploy_zrsign_v1

    w3 = node.web3()
    admin = Account.from_key(DEFAULT_PRIVATE_KEYS[0])
    if flavour == "zrsign-v1":
        c = deploy_zrsign_v1(w3, sender=admin)
    else:
        c = ZrSignContract.deploy(w3, sender=admin, direct_mode=direct)
    c.setup(
        admin=admin,
        mpc_signers=list(mpc_signers),
        wallet_types=((44, 60), *extra_types),
        chains={EVM_WALLET_TYPE_ID: list(chains)},
        mpc_fee=10**14,
        resp_gas=resp_gas,
        resp_gas_buffer=120,
    )
    return c


def write_key_files(directory: Path, mpc_key: bytes) -> dict[str, str]:
    """Key files for a network that answers: the MPC_ROLE auth key and the responder's (anvil's
    second account, funded), as `mpc_key_file` / `responder_key_file` config values."""
    from zrchain.testing.anvil import DEFAULT_PRIVATE_KEYS

    mpc_file = directory / "mpc.key"
    mpc_file.write_text("0x" + mpc_key.hex())
    responder_file = directory / "responder.key"
    responder_file.write_text(DEFAULT_PRIVATE_KEYS[1])
    return {"mpc_key_file": str(mpc_file), "responder_key_file": str(responder_file)}


def network_entry(node: Any, contract: Any, caip: str, **kw: Any) -> dict[str, Any]:
    """A [[networks]] table for `contract` on `node` (fast polling, 2 confirmations)."""
    return {
        "caip2": caip,
        "rpc_url": node.url,
        "contract": contract.address,
        "flavour": contract.flavour.value,
        "confirmations": 2,
        "poll_interval": 0.1,
        **kw,
    }


def start_bridge(
    tmp: Path, networks: list[dict[str, Any]], gateway: Any, name: str = "state"
) -> Any:
    """An in-process bridge (threads) over `gateway`, started; stop it with `.stop()`."""
    from evm_bridge.config import parse_config
    from evm_bridge.daemon import Bridge

    doc = {
        "zrchain": {"signer": "unused"},
        "bridge": {"state_dir": str(tmp / name), "progress_interval": 0.5},
        "networks": networks,
    }
    bridge = Bridge(parse_config(doc), gateway=gateway)
    bridge.start()
    return bridge
