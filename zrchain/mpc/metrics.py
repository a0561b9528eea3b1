"""Prometheus metrics of a keeper, served on 127.0.0.1 only.

Counters are labelled by request ``kind`` (``key`` / ``signature``):

* ``zrchain_mpc_requests_seen_total`` - open requests of the keyring first seen;
* ``zrchain_mpc_requests_answered_total`` - this party's fulfilments committed on-chain;
* ``zrchain_mpc_requests_rejected_total`` - this party's rejections committed on-chain;
* ``zrchain_mpc_requests_failed_total`` - answers that failed (tx error blamed on the item,
  backend error, or given up after retries);
* ``zrchain_mpc_answer_latency_blocks`` - histogram of (height of the block holding the
  answer) - (height at which the request was created).

Plus tx counters, the in-flight gauge, the last seen height and the follow mode.
A private registry keeps them apart from anything else in the process (tests run several).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

LATENCY_BUCKETS = (1, 2, 3, 4, 5, 7, 10, 15, 20, 30, 50, 100)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.seen = Counter(
            "zrchain_mpc_requests_seen", "Open requests first seen", ["kind"], registry=r
        )
        self.answered = Counter(
            "zrchain_mpc_requests_answered", "Fulfilments committed", ["kind"], registry=r
        )
        self.rejected = Counter(
            "zrchain_mpc_requests_rejected", "Rejections committed", ["kind"], registry=r
        )
        self.failed = Counter(
            "zrchain_mpc_requests_failed", "Answers that failed", ["kind"], registry=r
        )
        self.superseded = Counter(
            "zrchain_mpc_requests_superseded",
            "Answers not needed any more (request closed by others first)",
            ["kind"],
            registry=r,
        )
        self.latency = Histogram(
            "zrchain_mpc_answer_latency_blocks",
            "Blocks from request creation to the block holding this party's answer",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.txs_sent = Counter("zrchain_mpc_txs_sent", "Answer txs broadcast", registry=r)
        self.txs_failed = Counter(
            "zrchain_mpc_txs_failed", "Answer txs refused or failed", registry=r
        )
        self.in_flight = Gauge("zrchain_mpc_in_flight_txs", "Txs not yet settled", registry=r)
        self.height = Gauge("zrchain_mpc_chain_height", "Last chain height seen", registry=r)
        self.peer_bytes_sent = Counter(
            "zrchain_mpc_peer_bytes_sent", "Protocol bytes sent to a peer", ["peer"], registry=r
        )
        self.peer_bytes_received = Counter(
            "zrchain_mpc_peer_bytes_received", "Protocol bytes from a peer", ["peer"], registry=r
        )
        self.peers_connected = Gauge(
            "zrchain_mpc_peers_connected", "Peers with an open outbound channel", registry=r
        )
        self.peers_refused = Counter(
            "zrchain_mpc_peer_connections_refused",
            "Inbound connections refused (unknown peer, failed handshake)",
            registry=r,
        )
        self.messages_refused = Counter(
            "zrchain_mpc_peer_messages_refused",
            "Peer messages refused (malformed, oversize, another session)",
            ["reason"],
            registry=r,
        )
        self.protocol_runs = Counter(
            "zrchain_mpc_protocol_runs",
            "Threshold protocol runs by outcome",
            ["protocol", "outcome"],
            registry=r,
        )
        self.websocket = Gauge(
            "zrchain_mpc_follow_websocket", "1 when following blocks by websocket", registry=r
        )

    def serve(self, listen: str) -> Any:
        """Start the /metrics HTTP server on a loopback address; returns the server."""
        host, port = parse_listen(listen)
        server, _thread = start_http_server(port, addr=host, registry=self.registry)
        return server


def parse_listen(listen: str) -> tuple[str, int]:
    """``127.0.0.1:9464`` -> (host, port); anything but a loopback address is refused."""
    host, _, port = listen.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if host == "localhost":
        host = "127.0.0.1"
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"metrics must listen on a loopback address, not {host!r}")
    try:
        number = int(port)
    except ValueError:
        raise ValueError(f"invalid metrics port in {listen!r}") from None
    if not 0 <= number < 65536:
        raise ValueError(f"invalid metrics port in {listen!r}")
    return host, number
