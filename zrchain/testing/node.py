"""A real node on 127.0.0.1 with free ports: the zrchaind app process and the cometbft
process run separately so either can be stopped or killed on its own."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import genesis
from zrchain import cometbft
from zrchain.client.rpc import CometRPC, RPCError
from zrchain.config import load as load_config
from zrchain.config import save as save_config

#: How a test node's app process is started.
ZRCHAIND_START = (sys.executable, "-m", "zrchain", "start")
#: CometBFT timeouts of test nodes (genesis/presets/fast.json): a block every ~150 ms.
FAST_CONSENSUS = genesis.preset("fast").node_config


def _die_with_parent() -> None:
    """Child setup: own session (signals reach it only through us), and SIGTERM when the
    process that started it dies, so a killed test run or runner leaves no node behind."""
    import ctypes

    os.setsid()
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


_PORT_LOW, _PORT_HIGH = 20000, 32000  # below Linux's ephemeral range (32768-60999)
_next_port = [0]


def _ephemeral_range() -> tuple[int, int]:
    try:
        lo, hi = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(lo), int(hi)
    except (OSError, ValueError):
        return 32768, 60999


def free_port() -> int:
    """A listening port for a test server, outside the ephemeral range.

    Ports the OS hands out for ``bind(0)`` are also used as source ports of outgoing
    connections, so one could be taken between our probe and the server's bind. We walk a
    fixed range from a per-process random start instead, skipping ports in use.
    """
    if not _next_port[0]:
        import random

        _next_port[0] = random.Random(os.getpid() ^ time.time_ns()).randrange(
            _PORT_LOW, _PORT_HIGH)
    eph_lo, eph_hi = _ephemeral_range()
    for _ in range(_PORT_HIGH - _PORT_LOW):
        port = _next_port[0]
        _next_port[0] = port + 1 if port + 1 < _PORT_HIGH else _PORT_LOW
        if eph_lo <= port <= eph_hi:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for a test server")


@dataclass
class Ports:
    rpc: int = field(default_factory=free_port)
    p2p: int = field(default_factory=free_port)
    abci: int = field(default_factory=free_port)
    grpc: int = field(default_factory=free_port)
    api: int = field(default_factory=free_port)


def zrchaind(
    *args: str,
    check: bool = True,
    input: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI as a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "zrchain", *args],
        capture_output=True,
        text=True,
        check=check,
        input=input,
        env=env,
        timeout=timeout,
    )


class TestNode:
    """One node home under ``base`` and its two processes."""

    __test__ = False  # not a pytest class

    def __init__(
        self,
        base: str | Path,
        name: str = "node0",
        chain_id: str = "zenrock",
        consensus: dict[str, str] | None = None,
    ) -> None:
        self.base = Path(base)
        self.name = name
        self.home = self.base / name
        self.chain_id = chain_id
        self.ports = Ports()
        self.consensus = dict(FAST_CONSENSUS if consensus is None else consensus)
        self.app_proc: subprocess.Popen[bytes] | None = None
        self.comet_proc: subprocess.Popen[bytes] | None = None
        self.binary = cometbft.find_binary()
        self.rpc = CometRPC(f"tcp://127.0.0.1:{self.ports.rpc}")

    # -- setup -------------------------------------------------------------------------
    def init(
        self,
        genesis: Callable[[dict[str, Any]], None] | None = None,
        extra_config: dict[str, Any] | None = None,
        validator: bool = True,
    ) -> TestNode:
        """A new home; with ``validator`` the node is the chain's one genesis validator
        (a gentx from its ``validator`` key, funded at genesis), then ``genesis`` may edit
        the genesis doc."""
        zrchaind("init", self.name, "--chain-id", self.chain_id, "--home", str(self.home))
        self.configure(extra_config)
        if validator or genesis is not None:
            doc = self.genesis()
            if validator:
                from zrchain.localnet_setup import genesis_validators

                genesis_validators(doc, [(self.home, self.name)])
            if genesis is not None:
                genesis(doc)
            self.write_genesis(doc)
        return self

    def add_genesis_validator(self, stake: str = "", funds: str = "") -> str:
        """Make this node the genesis validator the way an operator does, through the CLI:
        a ``validator`` key (a dev key) in its test keyring, funded in genesis.json, a
        ``genesis gentx`` bonding ``stake`` and ``genesis collect-gentxs``. Returns the
        operator's account address."""
        from zrchain.localnet_setup import VALIDATOR_FUNDS, VALIDATOR_STAKE, dev_mnemonic

        home = str(self.home)
        zrchaind(
            "keys", "add", "validator", "--recover", "--keyring-backend", "test",
            "--home", home, input=dev_mnemonic(f"validator {self.name}") + "\n",
        )  # fmt: skip
        zrchaind("genesis", "add-genesis-account", "validator", funds or VALIDATOR_FUNDS,
                 "--home", home)  # fmt: skip
        zrchaind("genesis", "gentx", "validator", stake or VALIDATOR_STAKE, "--home", home)
        zrchaind("genesis", "collect-gentxs", "--home", home)
        out = zrchaind("keys", "show", "validator", "-a", "--keyring-backend", "test",
                       "--home", home)  # fmt: skip
        return out.stdout.strip()

    def configure(self, extra_config: dict[str, Any] | None = None) -> None:
        p = self.ports
        values: dict[str, Any] = {
            "proxy_app": f"tcp://127.0.0.1:{p.abci}",
            "rpc.laddr": f"tcp://127.0.0.1:{p.rpc}",
            "p2p.laddr": f"tcp://127.0.0.1:{p.p2p}",
            "p2p.addr_book_strict": False,
            "p2p.allow_duplicate_ip": True,
            "log_level": "info",
            **self.consensus,
            **(extra_config or {}),
        }
        cometbft.patch_toml(self.home / "config" / "config.toml", values)
        cfg = load_config(self.home)
        cfg.abci_address = f"tcp://127.0.0.1:{p.abci}"
        cfg.grpc_address = f"127.0.0.1:{p.grpc}"
        cfg.api_address = f"tcp://127.0.0.1:{p.api}"
        cfg.rpc_address = f"tcp://127.0.0.1:{p.rpc}"
        save_config(self.home, cfg)

    def genesis(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.home / "config" / "genesis.json").read_text())
        return data

    def write_genesis(self, doc: dict[str, Any]) -> None:
        (self.home / "config" / "genesis.json").write_text(json.dumps(doc, indent=2))

    # -- processes -----------------------------------------------------------------------
    def _log(self, which: str) -> Any:
        return open(self.home / f"{which}.log", "ab")

    def start_app(self, *extra: str, entry: Sequence[str] = ZRCHAIND_START) -> None:
        """Start the app alone (``zrchaind start --no-comet``, or another ``entry`` that
        serves it the same way, such as ``abci_app.py``)."""
        assert self.app_proc is None or self.app_proc.poll() is not None
        args = [*entry, "--home", str(self.home), "--no-comet", *extra]
        self.app_proc = subprocess.Popen(args, stdout=self._log("app"), stderr=subprocess.STDOUT,
                                         preexec_fn=_die_with_parent)
        _wait_port(self.ports.abci, self.app_proc, self.home / "app.log")

    def start_comet(self) -> None:
        assert self.comet_proc is None or self.comet_proc.poll() is not None
        args = cometbft.start_args(
            self.binary, str(self.home), f"tcp://127.0.0.1:{self.ports.abci}"
        )
        self.comet_proc = subprocess.Popen(
            args, stdout=self._log("comet"), stderr=subprocess.STDOUT
        )

    def start(self, wait_height: int = 1, timeout: float = 30) -> TestNode:
        for attempt in range(3):
            try:
                self.start_app()
                self.start_comet()
                if wait_height:
                    self.wait_height(wait_height, timeout)
                    self.wait_app_height(wait_height, timeout)
                return self
            except RuntimeError as exc:
                if "address already in use" not in str(exc).lower() or attempt == 2:
                    raise
                # lost a race for a port with another process: new ports, try again
                self.stop()
                self.ports = Ports()
                self.rpc = CometRPC(self.rpc_url)
                self.configure()
        return self

    def kill_app(self) -> None:
        _kill(self.app_proc, signal.SIGKILL)

    def kill_comet(self) -> None:
        _kill(self.comet_proc, signal.SIGKILL)

    def stop(self) -> None:
        """Graceful stop: CometBFT first, then the app."""
        _kill(self.comet_proc, signal.SIGTERM)
        _kill(self.app_proc, signal.SIGTERM)

    @property
    def running(self) -> bool:
        return all(p is not None and p.poll() is None for p in (self.app_proc, self.comet_proc))

    # -- observation ---------------------------------------------------------------------
    def height(self) -> int:
        try:
            return self.rpc.latest_height()
        except (RPCError, OSError):
            return -1

    def wait_app_height(self, height: int, timeout: float = 30) -> int:
        """Wait until the app has committed ``height``: CometBFT saves a block (and reports
        it as its latest) before the app has committed it, and a query in between finds
        the app at the height before (at the first block: "not ready")."""
        deadline = time.monotonic() + timeout
        last = -1
        while time.monotonic() < deadline:
            try:
                last = int(self.rpc.abci_info().get("last_block_height", 0))
            except (RPCError, OSError):
                last = -1
            if last >= height:
                return last
            time.sleep(0.05)
        raise TimeoutError(f"the app did not commit height {height} in {timeout}s (at {last})")

    def wait_height(self, height: int, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        last = -1
        while time.monotonic() < deadline:
            last = self.height()
            if last >= height:
                return last
            for p, log in ((self.app_proc, "app"), (self.comet_proc, "comet")):
                if p is not None and p.poll() is not None:
                    raise RuntimeError(f"{log} process exited ({p.returncode}):\n{self.tail(log)}")
            time.sleep(0.05)
        raise TimeoutError(
            f"height {height} not reached in {timeout}s (at {last})\n"
            f"{self.tail('comet')}\n{self.tail('app')}"
        )

    def tail(self, which: str, lines: int = 40) -> str:
        path = self.home / f"{which}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    @property
    def grpc_url(self) -> str:
        return f"grpc+http://127.0.0.1:{self.ports.grpc}"

    @property
    def rest_url(self) -> str:
        return f"rest+http://127.0.0.1:{self.ports.api}"

    @property
    def rpc_url(self) -> str:
        return f"tcp://127.0.0.1:{self.ports.rpc}"


def _kill(proc: subprocess.Popen[bytes] | None, sig: int, timeout: float = 20) -> None:
    if proc is None or proc.poll() is not None:
        return
    try:
        os.kill(proc.pid, sig)
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    except ProcessLookupError:
        pass


def _wait_port(port: int, proc: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"port {port} not open after {timeout}s")


def cli_node(base: Path, keys: dict[str, str], funds: str, chain_id: str = "zenrock") -> TestNode:
    """A node home made the way a user makes one: ``zrchaind init``, ``keys add --recover``
    of each (name -> mnemonic) into the ``test`` keyring, ``genesis add-genesis-account``
    with ``funds``, and its validator made by gentx (``add_genesis_validator``). Configured
    for free ports, not started."""
    node = TestNode(base)
    home = str(node.home)
    zrchaind("init", base.name, "--chain-id", chain_id, "--home", home)
    node.configure()
    node.add_genesis_validator()  # gentx + collect-gentxs, as an operator
    for name, mnemonic in keys.items():
        zrchaind(
            "keys", "add", name, "--recover", "--keyring-backend", "test", "--home", home,
            input=mnemonic + "\n",
        )  # fmt: skip
        zrchaind("genesis", "add-genesis-account", name, funds, "--home", home)
    return node
