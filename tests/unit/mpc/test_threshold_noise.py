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
