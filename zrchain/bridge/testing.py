"""Test helpers for the bridge against real EVM nodes: make a contract emit arbitrary logs,
and an RPC proxy that fails chosen calls. Used by tests/unit/bridge and tests/e2e."""

from __future__ import annotations

import http.server
import json
import threading
import urllib.request
from typing import Any

#: Runtime code that copies its calldata to memory and emits LOGn with the first n words as
#: topics and the rest as data (n = 1 or 3).
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
    for n in (1, 3)
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
    (1-based call numbers) and forwards everything else. Stop it with close()."""

    def __init__(self, upstream: str, fail_calls: set[int]) -> None:
        self.upstream = upstream
        self.fail_calls = fail_calls
        self.count = 0
        self.failed = 0
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
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
