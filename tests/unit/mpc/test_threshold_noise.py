"""Noise XX channels bound to party keys (``zrchain.mpc.noise``) over real TCP sockets."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from zrchain.crypto import keys
from zrchain.mpc.noise import (
    Channel,
    ChannelError,
    Handshake,
    HandshakeError,
    Identity,
    accept_handshake,
    connect_handshake,
    prologue,
)


def ident(label: str) -> Identity:
    secret = hashlib.sha256(label.encode()).digest()
    return Identity(keys.public_key(secret), lambda d: keys.sign(secret, d))


A, B, STRANGER = ident("a"), ident("b"), ident("stranger")
P = prologue("zenrock", "keyring1abc")


async def pair(
    client: Identity,
    server: Identity,
    *,
    client_prologue: bytes = P,
    server_expects: Callable[[str], bool] | None = None,
    max_message: int = 1 << 20,
) -> tuple[Channel, Any]:
    accepted: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    expects = server_expects or (lambda a: a == client.address)

    async def on(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            ch = await accept_handshake(reader, writer, P, server, expects, max_message)
            accepted.set_result(ch)
        except Exception as exc:
            accepted.set_result(exc)
            writer.close()

    srv = await asyncio.start_server(on, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        ch = await connect_handshake(
            reader, writer, client_prologue, client, lambda a: a == server.address, max_message
        )
    except Exception as exc:
        ch = exc  # type: ignore[assignment]
        writer.close()
    server_side = await asyncio.wait_for(accepted, 5)
    srv.close()
    return ch, server_side


def arun(coro: Awaitable[Any]) -> Any:
    return asyncio.run(coro)  # type: ignore[arg-type]


def test_handshake_authenticates_both_parties_and_carries_large_messages() -> None:
    async def go() -> None:
        client, server = await pair(A, B)
        assert client.peer == B.address and server.peer == A.address
        big = os.urandom(300_000)  # several Noise transport messages
        await client.send(big)
        assert await server.receive() == big
        await server.send(b"pong")
        assert await client.receive() == b"pong"

    arun(go())


def test_unknown_initiator_is_refused() -> None:
    _client, server = arun(pair(STRANGER, B, server_expects=lambda a: a == A.address))
    assert isinstance(server, HandshakeError) and "unknown peer" in str(server)


def test_other_keyring_prologue_fails_the_handshake() -> None:
    client, server = arun(pair(A, B, client_prologue=prologue("zenrock", "keyring1other")))
    assert isinstance(client, HandshakeError) or isinstance(server, HandshakeError)


def test_forged_identity_signature_is_refused() -> None:
    hs_i = Handshake(True, P, A)
    hs_r = Handshake(False, P, Identity(B.pubkey, lambda d: bytes(64)))  # B's key, no signature
    hs_r.read1(hs_i.write1())
    with pytest.raises(HandshakeError, match="identity signature"):
        hs_i.read2(hs_r.write2())


def test_tampered_and_oversize_transport_messages_are_refused() -> None:
    hs_i, hs_r = Handshake(True, P, A), Handshake(False, P, B)
    hs_r.read1(hs_i.write1())
    hs_i.read2(hs_r.write2())
    hs_r.read3(hs_i.write3())
    (i_send, _), (_, r_recv) = hs_i.split(), hs_r.split()
    ct = bytearray(i_send.encrypt(b"", b"hello"))
    ct[0] ^= 1
    with pytest.raises(ChannelError, match="authentication"):
        r_recv.decrypt(b"", bytes(ct))

    async def oversize() -> None:
        client, server = await pair(A, B, max_message=1000)
        with pytest.raises(ChannelError, match="exceeds"):
            await client.send(bytes(1001))
        client.max_message = 10_000  # a sender that ignores the limit
        await client.send(bytes(5000))
        with pytest.raises(ChannelError, match="limit"):
            await server.receive()

    arun(oversize())


# Noise_XX_25519_ChaChaPoly_SHA256 from the cacophony test vectors (the Noise community's
# published known answers): keys, prologue, payloads and the expected bytes of all six
# messages (three handshake, three transport) and the handshake hash.
CACOPHONY_XX = {
    "prologue": "4a6f686e2047616c74",
    "init_static": "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1",
    "init_ephemeral": "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a",
    "resp_static": "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893",
    "resp_ephemeral": "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b",
    "handshake_hash": "c8e5f64e846193be2a834104c2a009868d6c9f3bd3c186299888b488b2f1f58e",
}
CACOPHONY_XX_MESSAGES = [
    (
        "4c756477696720766f6e204d69736573",
        "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c75647769672076"
        "6f6e204d69736573",
    ),
    (
        "4d757272617920526f746862617264",
        "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f14480884381cbad1f276e038c"
        "48378ffce2b65285e08d6b68aaa3629a5a8639392490e5b9bd5269c2f1e4f488ed8831161f19b781"
        "5528f8982ffe09be9b5c412f8a0db50f8814c7194e83f23dbd8d162c9326ad",
    ),
    (
        "462e20412e20486179656b",
        "c7195ffacac1307ff99046f219750fc47693e23c3cb08b89c2af808b444850a80ae475b9df0f169a"
        "e80a89be0865b57f58c9fea0d4ec82a286427402f113e4b6ae769a1d95941d49b25030",
    ),
    ("4361726c204d656e676572", "96763ed773f8e47bb3712f0e29b3060ffc956ffc146cee53d5e1df"),
    (
        "4a65616e2d426170746973746520536179",
        "3e40f15f6f3a46ae446b253bf8b1d9ffb6ed9b174d272328ff91a7e2e5c79c07f5",
    ),
    (
        "457567656e2042f6686d20766f6e2042617765726b",
        "eb3f3515110702e047a6c9da4478b6ead94873c11c0f2d710ddb3f09fce024b3a58502ae3f",
    ),
]


def test_handshake_and_transport_match_the_cacophony_vectors() -> None:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    v = CACOPHONY_XX
    key = X25519PrivateKey.from_private_bytes
    pro = bytes.fromhex(v["prologue"])
    init = Handshake(
        True,
        pro,
        A,
        static=key(bytes.fromhex(v["init_static"])),
        ephemeral=key(bytes.fromhex(v["init_ephemeral"])),
        identities=False,
    )
    resp = Handshake(
        False,
        pro,
        B,
        static=key(bytes.fromhex(v["resp_static"])),
        ephemeral=key(bytes.fromhex(v["resp_ephemeral"])),
        identities=False,
    )
    msgs = [(bytes.fromhex(p), bytes.fromhex(c)) for p, c in CACOPHONY_XX_MESSAGES]
    assert init.write1(msgs[0][0]) == msgs[0][1]
    assert resp.read1(msgs[0][1]) == msgs[0][0]
    assert resp.write2(msgs[1][0]) == msgs[1][1]
    assert init.read2(msgs[1][1]) == msgs[1][0]
    assert init.write3(msgs[2][0]) == msgs[2][1]
    assert resp.read3(msgs[2][1]) == msgs[2][0]
    assert init.handshake_hash.hex() == resp.handshake_hash.hex() == v["handshake_hash"]
    (i_send, i_recv), (r_send, r_recv) = init.split(), resp.split()
    for n, (payload, ct) in enumerate(msgs[3:], start=3):
        send, recv = (r_send, i_recv) if n % 2 else (i_send, r_recv)
        assert send.encrypt(b"", payload) == ct
        assert recv.decrypt(b"", ct) == payload
