"""Several threshold parties in one process, each with its own real network endpoint on
127.0.0.1 (Noise channels over TCP), share directory and seed (shared by the unit tests)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from zrchain.crypto import keys
from zrchain.mpc.backend import BackendContext, KeyRef, KeyringInfo, RequestKind
from zrchain.mpc.noise import Identity
from zrchain.mpc.peers import Peer, PeerNetwork
from zrchain.mpc.seed import Secret
from zrchain.mpc.shares import ShareFileStore
from zrchain.mpc.threshold import ThresholdBackend, ThresholdOptions
from zrchain.x.treasury.sighash import KeyType

CHAIN = "zenrock-test"
KEYRING = "keyring1pfnq7r04rept47gaf5cpdew2"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def account_secret(label: str) -> bytes:
    return hashlib.sha256(label.encode()).digest()


def identity(secret: bytes) -> Identity:
    return Identity(keys.public_key(secret), lambda data: keys.sign(secret, data))


@dataclass
class Party:
    secret: bytes
    address: str
    port: int
    backend: ThresholdBackend


def make_parties(
    base: Path, n: int, t: int, *, options: ThresholdOptions | None = None, tag: str = "p"
) -> list[Party]:
    secrets = [account_secret(f"{tag}{i}") for i in range(n)]
    addrs = [keys.account_address(keys.public_key(s)) for s in secrets]
    ports = [free_port() for _ in range(n)]
    info = KeyringInfo(KEYRING, tuple(addrs), t)
    out = []
    for i in range(n):
        peers = [Peer(addrs[j], "127.0.0.1", ports[j]) for j in range(n) if j != i]
        net = PeerNetwork(CHAIN, KEYRING, identity(secrets[i]), f"127.0.0.1:{ports[i]}", peers)
        store = ShareFileStore(base / f"{tag}{i}" / "shares", Secret(os.urandom(32)))
        ctx = BackendContext(CHAIN, info, addrs[i])
        opts = options or ThresholdOptions(
            round_timeout=10.0, offer_timeout=10.0, grace=0.2, answer_wait=60.0
        )
        out.append(Party(secrets[i], addrs[i], ports[i], ThresholdBackend(ctx, net, store, opts)))
    return out


async def start_all(parties: list[Party]) -> None:
    for p in parties:
        await p.backend.start()
    # every outbound channel up before the first protocol
    for _ in range(200):
        if all(p.backend.net.connected(q.address) for p in parties for q in parties if q is not p):
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("channels did not come up")


async def close_all(parties: list[Party]) -> None:
    for p in parties:
        await p.backend.close()


def key_ref(key_id: int, key_type: KeyType, public_key: bytes = b"") -> KeyRef:
    return KeyRef(KEYRING, key_id, key_type, public_key)


async def keygen(parties: list[Party], key_id: int, key_type: KeyType) -> list[bytes]:
    session = parties[0].backend.ctx.session(RequestKind.KEY, key_id)
    return list(
        await asyncio.gather(
            *(p.backend.generate_key(session, key_ref(key_id, key_type)) for p in parties)
        )
    )
