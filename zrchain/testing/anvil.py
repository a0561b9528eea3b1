"""A real anvil EVM node (from the npm package @foundry-rs/anvil) on 127.0.0.1 for tests.

    with anvil_node(chain_id=11155111) as node:
        w3 = node.web3()
        ...

The process is started with ``--host 127.0.0.1 --port 0`` (anvil picks a free port and prints
it, so parallel tests never race for a port) and is stopped by its PID on exit. On Linux the
kernel also sends it SIGTERM if the thread that started it dies (PR_SET_PDEATHSIG), so even a
killed test run leaves no anvil behind; start nodes from a thread that outlives them.
"""

from __future__ import annotations

import ctypes
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

#: The mnemonic anvil uses by default; its accounts are funded with 10000 ETH each.
DEFAULT_MNEMONIC = "test test test test test test test test test test test junk"
#: Private keys of anvil's first default accounts (well known; for tests only).
DEFAULT_PRIVATE_KEYS = (
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
)

_LISTENING = re.compile(r"Listening on (127\.0\.0\.1):(\d+)")


def _die_with_parent() -> None:
    """In the child before exec: have the kernel SIGTERM anvil if the test process dies."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _platform_package() -> str:
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(
        machine, machine
    )
    system = {"linux": "linux", "darwin": "darwin"}.get(platform.system().lower(), "linux")
    return f"anvil-{system}-{arch}"


def anvil_binary() -> Path | None:
    """Path of the anvil binary: $ZRCHAIN_ANVIL, the npm package's, or one on PATH."""
    env = os.environ.get("ZRCHAIN_ANVIL")
    if env:
        return Path(env)
    candidate = ROOT / "node_modules" / "@foundry-rs" / _platform_package() / "bin" / "anvil"
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return candidate
    found = shutil.which("anvil")
    return Path(found) if found else None


class AnvilError(RuntimeError):
    """anvil could not be started or did not become ready."""


class AnvilNode:
    """One anvil process. Use as a context manager, or call start() / stop()."""

    def __init__(
        self,
        chain_id: int = 31337,
        *,
        port: int = 0,
        block_time: float | None = None,
        accounts: int = 10,
        extra_args: Sequence[str] = (),
        binary: Path | None = None,
        startup_timeout: float = 20.0,
    ) -> None:
        self.chain_id = chain_id
        self.requested_port = port
        self.block_time = block_time
        self.accounts = accounts
        self.extra_args = list(extra_args)
        self.binary = binary or anvil_binary()
        self.startup_timeout = startup_timeout
        self.port: int | None = None
        self.proc: subprocess.Popen[bytes] | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._log_path: Path | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> AnvilNode:
        """Start anvil and wait until it answers eth_chainId."""
        if self.proc is not None:
            raise AnvilError("already started")
        if self.binary is None or not self.binary.exists():
            raise AnvilError("anvil not found: run `npm ci` (package @foundry-rs/anvil)")
        self._tmp = tempfile.TemporaryDirectory(prefix="zrchain-anvil-")
        home = Path(self._tmp.name)
        self._log_path = home / "anvil.log"
        args = [
            str(self.binary),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.requested_port),
            "--chain-id",
            str(self.chain_id),
            "--accounts",
            str(self.accounts),
            "--mnemonic",
            DEFAULT_MNEMONIC,
        ]
        if self.block_time is not None:
            args += ["--block-time", str(self.block_time)]
        args += self.extra_args
        env = {**os.environ, "HOME": str(home), "NO_COLOR": "1"}
        with open(self._log_path, "wb") as log:
            self.proc = subprocess.Popen(
                args,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise AnvilError(f"anvil exited ({self.proc.returncode}):\n{self.log()}")
            if self.port is None:
                match = _LISTENING.search(self.log())
                if match:
                    self.port = int(match.group(2))
            if self.port is not None:
                try:
                    if int(self.rpc("eth_chainId"), 16) == self.chain_id:
                        return
                except (OSError, urllib.error.URLError, ValueError):
                    pass
            time.sleep(0.05)
        raise AnvilError(f"anvil not ready after {self.startup_timeout}s:\n{self.log()}")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the process by its PID (SIGTERM, then SIGKILL) and remove its temp dir."""
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            try:
                os.kill(proc.pid, signal.SIGTERM)
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=timeout)
            except ProcessLookupError:
                pass
        if proc is not None:
            proc.wait()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> AnvilNode:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- access ----------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def url(self) -> str:
        if self.port is None:
            raise AnvilError("not started")
        return f"http://127.0.0.1:{self.port}"

    def rpc(self, method: str, params: Sequence[Any] = ()) -> Any:
        """A raw JSON-RPC call; returns `result` or raises AnvilError with the RPC error."""
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})
        req = urllib.request.Request(
            self.url, data=body.encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            reply = json.loads(resp.read())
        if "error" in reply:
            raise AnvilError(f"{method}: {reply['error']}")
        return reply["result"]

    def web3(self) -> Any:
        """A web3.Web3 over HTTP to this node."""
        from web3 import Web3

        return Web3(Web3.HTTPProvider(self.url, request_kwargs={"timeout": 30}))

    def mine(self, blocks: int = 1) -> None:
        """Mine `blocks` empty blocks."""
        self.rpc("anvil_mine", [hex(blocks)])

    def log(self) -> str:
        """Everything anvil printed so far."""
        if self._log_path is None or not self._log_path.exists():
            return ""
        return self._log_path.read_text(errors="replace")


@contextmanager
def anvil_node(chain_id: int = 31337, **kwargs: Any) -> Iterator[AnvilNode]:
    """Start an anvil node for the duration of the block; always stopped afterwards."""
    node = AnvilNode(chain_id, **kwargs)
    node.start()
    try:
        yield node
    finally:
        node.stop()
