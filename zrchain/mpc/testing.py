"""Helpers for driving real keepers against a real node (e2e tests and the bench).

* :class:`Actor` - a funded account that sends treasury/identity Msgs and waits for them;
* :class:`KeeperProcess` - ``python -m zrchain.mpc.cli`` init/start in its own directory,
  stopped (SIGTERM) or killed (SIGKILL) by PID, with its JSON log at hand;
* :func:`make_parties` - threshold backends in one process, each with its own real network
  endpoint on 127.0.0.1 (Noise over TCP), share directory and seed (unit and adversarial
  tests);
* block scanning: the heights at which requests were created / answered, and how many
  answers a party put into blocks for one request (failed txs included).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cosmpy.protos.cosmos.base.abci.v1beta1 import abci_pb2 as sdk_abci
from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2

from zrchain.chains.keys import KeyType
from zrchain.client.chain import ChainClient, TxFailed, TxOptions
from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.codec.gen.zrchain.treasury import query_pb2 as tq
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx
from zrchain.crypto import keys
from zrchain.crypto.keyring import Keyring
from zrchain.mpc.backend import BackendContext, KeyRef, KeyringInfo, RequestKind
from zrchain.mpc.noise import Identity
from zrchain.mpc.peers import Peer, PeerNetwork
from zrchain.mpc.seed import Secret
from zrchain.mpc.shares import ShareFileStore
from zrchain.mpc.threshold import ThresholdBackend, ThresholdOptions

SEED_PASSPHRASE = "keeper seed passphrase"
TQ = "/zrchain.treasury.Query/"
FULFIL_URLS: dict[str, tuple[str, Any]] = {
    "/zrchain.treasury.MsgFulfilKeyRequest": ("key", ttx.MsgFulfilKeyRequest),
    "/zrchain.treasury.MsgFulfilSignatureRequest": ("signature", ttx.MsgFulfilSignatureRequest),
}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Actor:
    """An account that signs its own txs (sequence tracked locally for bulk sending)."""

    client: ChainClient
    secret: bytes
    opts: TxOptions = field(default_factory=lambda: TxOptions(gas=4_000_000, fees="2000urock"))

    @property
    def pubkey(self) -> bytes:
        return keys.public_key(self.secret)

    @property
    def address(self) -> str:
        return keys.account_address(self.pubkey)

    def sign(self, data: bytes) -> bytes:
        return keys.sign(self.secret, data)

    def send(self, msgs: list[Any], wait: bool = True, gas: int | None = None) -> Any:
        opts = TxOptions(gas=gas or self.opts.gas, fees=self.opts.fees)
        return self.client.send(msgs, self.address, self.pubkey, self.sign, opts, wait=wait)

    def responses(self, res: Any) -> list[Any]:
        return list(sdk_abci.TxMsgData.FromString(bytes.fromhex(res.data)).msg_responses)

    def send_many(
        self, batches: list[list[Any]], gas_per_msg: int = 150_000, sequence: int | None = None
    ) -> list[str]:
        """Broadcast several txs back to back with consecutive sequences (from ``sequence``,
        default the committed one); their hashes."""
        acc = self.client.account(self.address)
        assert acc is not None
        first = acc.sequence if sequence is None else sequence
        hashes = []
        for i, msgs in enumerate(batches):
            gas = 200_000 + gas_per_msg * len(msgs)
            opts = TxOptions(
                gas=gas,
                fees=f"{gas // 1000 + 1}urock",
                account_number=acc.number,
                sequence=first + i,
            )
            raw = self.client.build_signed(msgs, self.address, self.pubkey, self.sign, opts)
            res = self.client.broadcast(raw)
            if res.code != 0:
                raise TxFailed(res)
            hashes.append(res.txhash)
        return hashes

    # -- identity / treasury ---------------------------------------------------------------
    def new_workspace(self) -> str:
        res = self.send([itx.MsgNewWorkspace(creator=self.address)])
        return str(itx.MsgNewWorkspaceResponse.FromString(self.responses(res)[0].value).addr)

    def new_keyring(self, parties: list[str], threshold: int) -> str:
        res = self.send([itx.MsgNewKeyring(creator=self.address, description="mpc")])
        addr = str(itx.MsgNewKeyringResponse.FromString(self.responses(res)[0].value).addr)
        adds = [
            itx.MsgAddKeyringParty(creator=self.address, keyring_addr=addr, party=p)
            for p in parties
        ]
        self.send(adds)
        self.send(
            [
                itx.MsgUpdateKeyring(
                    creator=self.address,
                    keyring_addr=addr,
                    party_threshold=threshold,
                    is_active=True,
                    description="mpc",
                )
            ]
        )
        return addr

    def key_request_msg(self, ws: str, kr: str, key_type: str, index: int = 0) -> Any:
        return ttx.MsgNewKeyRequest(
            creator=self.address, workspace_addr=ws, keyring_addr=kr, key_type=key_type, index=index
        )

    def key_request(self, ws: str, kr: str, key_type: str) -> tuple[int, int]:
        """(request id, height of the block that created it)."""
        res = self.send([self.key_request_msg(ws, kr, key_type)])
        rid = ttx.MsgNewKeyRequestResponse.FromString(self.responses(res)[0].value).key_req_id
        return int(rid), int(res.height)

    def signature_request(self, key_ids: list[int], data: list[bytes]) -> tuple[int, int]:
        msg = ttx.MsgNewSignatureRequest(
            creator=self.address, key_ids=key_ids, data_for_signing=",".join(d.hex() for d in data)
        )
        res = self.send([msg])
        rid = ttx.MsgNewSignatureRequestResponse.FromString(self.responses(res)[0].value).sig_req_id
        return int(rid), int(res.height)


def key_request(client: ChainClient, rid: int) -> Any:
    return client.query(
        TQ + "KeyRequestByID",
        tq.QueryKeyRequestByIDRequest(id=rid),
        tq.QueryKeyRequestByIDResponse,
    ).key_request


def sign_request(client: ChainClient, rid: int) -> Any:
    return client.query(
        TQ + "SignatureRequestByID",
        tq.QuerySignatureRequestByIDRequest(id=rid),
        tq.QuerySignatureRequestByIDResponse,
    ).sign_request


def key_by_id(client: ChainClient, kid: int) -> Any:
    return client.query(TQ + "KeyByID", tq.QueryKeyByIDRequest(id=kid), tq.QueryKeyByIDResponse).key


def wait_status(
    fetch: Callable[[], Any], want: set[str], timeout: float = 60.0, interval: float = 0.1
) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        obj = fetch()
        if obj.status in want:
            return obj
        if time.monotonic() > deadline:
            raise TimeoutError(f"status {obj.status} after {timeout}s, wanted {sorted(want)}")
        time.sleep(interval)


# -- blocks ---------------------------------------------------------------------------------


def block_txs(client: ChainClient, height: int) -> list[tuple[bytes, int, list[Any]]]:
    """(raw tx, result code, events) of every tx in a block."""
    block = client.rpc.block(height)
    raws = [base64.b64decode(t) for t in block["block"]["data"]["txs"] or []]
    results = client.rpc.block_results(height).get("txs_results") or []
    return [
        (raw, int(r.get("code", 0)), r.get("events") or [])
        for raw, r in zip(raws, results, strict=True)
    ]


def fulfil_msgs(raw: bytes) -> Iterator[tuple[str, Any]]:
    body = tx_pb2.TxBody.FromString(tx_pb2.TxRaw.FromString(raw).body_bytes)
    for anym in body.messages:
        if anym.type_url in FULFIL_URLS:
            kind, cls = FULFIL_URLS[anym.type_url]
            yield kind, cls.FromString(anym.value)


def answers_in_blocks(
    client: ChainClient, party: str, kind: str, rid: int, start: int, end: int
) -> tuple[int, int]:
    """(answers in any tx, answers in successful txs) by ``party`` for one request."""
    total = ok = 0
    for h in range(start, end + 1):
        for raw, code, _ in block_txs(client, h):
            for k, msg in fulfil_msgs(raw):
                if k == kind and msg.request_id == rid and msg.creator == party:
                    total += 1
                    ok += code == 0
    return total, ok


def event_heights(client: ChainClient, event_type: str, start: int, end: int) -> dict[int, int]:
    """request id -> first height at which ``event_type`` was emitted for it."""
    out: dict[int, int] = {}
    for h in range(start, end + 1):
        for _, code, events in block_txs(client, h):
            if code:
                continue
            for ev in events:
                if ev.get("type") != event_type:
                    continue
                for a in ev.get("attributes") or []:
                    if a.get("key") == "request_id":
                        out.setdefault(int(a["value"]), h)
    return out


# -- keeper processes -------------------------------------------------------------------------


def _die_with_parent() -> None:
    import ctypes

    os.setsid()
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


class KeeperProcess:
    """One keeper: its directory, config, zrchaind keyring (test backend) and process."""

    def __init__(
        self,
        base: Path,
        name: str,
        rpc: str,
        chain_id: str,
        keyring_addr: str,
        party_secret: bytes,
        seed_file: Path | None = None,
        settings: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.home = base / name
        self.name = name
        self.proc: subprocess.Popen[bytes] | None = None
        self.env = {**os.environ, "ZRCHAIN_MPC_SEED_PASSPHRASE": SEED_PASSPHRASE}
        Keyring(self.home / "kr", "test").import_private_key("party", party_secret)
        self.party = keys.account_address(keys.public_key(party_secret))
        args = ["init", "--home", str(self.home), "--keyring-addr", keyring_addr,
                "--chain-id", chain_id, "--node", rpc, "--from", "party",
                "--keyring-dir", str(self.home / "kr"),
                "--metrics-listen", f"127.0.0.1:{free_port()}"]  # fmt: skip
        if seed_file is not None:
            args += ["--seed-file", str(seed_file)]
        out = self.cli(*args)
        self.info = json.loads(out.stdout)
        self.config = Path(self.info["config"])
        self.seed_file = Path(self.info["seed_file"])
        self.configure(settings or {})

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "zrchain.mpc.cli", *args],
            capture_output=True,
            text=True,
            env=self.env,
            check=check,
            timeout=120,
        )

    def configure(self, settings: dict[str, dict[str, Any]]) -> None:
        from zrchain.mpc import config

        cfg = config.load(self.config)
        base: dict[str, dict[str, Any]] = {
            "follow": {"tick": 0.5, "rescan_interval": 10.0, "poll_interval": 0.5},
            "log": {"level": "debug", "file": "keeper.log"},
        }
        for section, values in [*base.items(), *settings.items()]:
            for k, v in values.items():
                setattr(getattr(cfg, section), k, v)
        config.save(cfg, self.config)

    @property
    def log_path(self) -> Path:
        return self.home / "keeper.log"

    @property
    def metrics_url(self) -> str:
        from zrchain.mpc import config

        return f"http://{config.load(self.config).metrics.listen}/metrics"

    def start(self) -> KeeperProcess:
        assert self.proc is None or self.proc.poll() is not None
        out = open(self.home / "stdout.log", "ab")  # noqa: SIM115 - owned by the child
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "zrchain.mpc.cli", "start", "--config", str(self.config)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=self.env,
            preexec_fn=_die_with_parent,
        )
        out.close()
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM by PID and wait; the exit code."""
        if not self.running:
            return None if self.proc is None else self.proc.returncode
        os.kill(self.pid, signal.SIGTERM)
        try:
            return self.proc.wait(timeout)  # type: ignore[union-attr]
        except subprocess.TimeoutExpired:
            os.kill(self.pid, signal.SIGKILL)
            return self.proc.wait()  # type: ignore[union-attr]

    def kill9(self) -> None:
        if self.running:
            os.kill(self.pid, signal.SIGKILL)
            self.proc.wait()  # type: ignore[union-attr]

    def events(self) -> list[dict[str, Any]]:
        if not self.log_path.exists():
            return []
        out = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
        return out

    def wait_event(
        self, match: Callable[[dict[str, Any]], bool], timeout: float = 60.0, after: int = 0
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for ev in self.events()[after:]:
                if match(ev):
                    return ev
            if not self.running:
                raise RuntimeError(f"keeper {self.name} exited:\n{self.tail()}")
            time.sleep(0.05)
        raise TimeoutError(f"no matching event from keeper {self.name}:\n{self.tail()}")

    def tail(self, n: int = 30) -> str:
        text = ""
        for p in (self.home / "stdout.log", self.log_path):
            if p.exists():
                text += "\n".join(p.read_text(errors="replace").splitlines()[-n:]) + "\n"
        return text


# -- threshold parties in one process ----------------------------------------------------------

THRESHOLD_CHAIN = "zenrock-test"
THRESHOLD_KEYRING = "keyring1pfnq7r04rept47gaf5cpdew2"


def account_secret(label: str) -> bytes:
    return hashlib.sha256(label.encode()).digest()


def party_identity(secret: bytes) -> Identity:
    return Identity(keys.public_key(secret), lambda data: keys.sign(secret, data))


@dataclass
class ThresholdParty:
    secret: bytes
    address: str
    port: int
    backend: ThresholdBackend


def make_parties(
    base: Path, n: int, t: int, *, options: ThresholdOptions | None = None, tag: str = "p"
) -> list[ThresholdParty]:
    secrets = [account_secret(f"{tag}{i}") for i in range(n)]
    addrs = [keys.account_address(keys.public_key(s)) for s in secrets]
    ports = [free_port() for _ in range(n)]
    info = KeyringInfo(THRESHOLD_KEYRING, tuple(addrs), t)
    out = []
    for i in range(n):
        peers = [Peer(addrs[j], "127.0.0.1", ports[j]) for j in range(n) if j != i]
        net = PeerNetwork(
            THRESHOLD_CHAIN,
            THRESHOLD_KEYRING,
            party_identity(secrets[i]),
            f"127.0.0.1:{ports[i]}",
            peers,
        )
        store = ShareFileStore(base / f"{tag}{i}" / "shares", Secret(os.urandom(32)))
        ctx = BackendContext(THRESHOLD_CHAIN, info, addrs[i])
        opts = options or ThresholdOptions(
            round_timeout=10.0, offer_timeout=10.0, grace=0.2, answer_wait=60.0
        )
        out.append(
            ThresholdParty(secrets[i], addrs[i], ports[i], ThresholdBackend(ctx, net, store, opts))
        )
    return out


async def start_all(parties: list[ThresholdParty]) -> None:
    for p in parties:
        await p.backend.start()
    # every outbound channel up before the first protocol
    for _ in range(200):
        if all(p.backend.net.connected(q.address) for p in parties for q in parties if q is not p):
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("channels did not come up")


async def close_all(parties: list[ThresholdParty]) -> None:
    for p in parties:
        await p.backend.close()


def key_ref(key_id: int, key_type: KeyType, public_key: bytes = b"") -> KeyRef:
    return KeyRef(THRESHOLD_KEYRING, key_id, key_type, public_key)


async def keygen(parties: list[ThresholdParty], key_id: int, key_type: KeyType) -> list[bytes]:
    session = parties[0].backend.ctx.session(RequestKind.KEY, key_id)
    return list(
        await asyncio.gather(
            *(p.backend.generate_key(session, key_ref(key_id, key_type)) for p in parties)
        )
    )
