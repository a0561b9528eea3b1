"""Children started while gRPC is in use survive to ``exec``.

Every test node and anvil is started with ``preexec_fn`` (``_die_with_parent``), so Python
forks and runs the fork handlers gRPC registered; grpcio 1.80 and later restart gRPC's
poller in the child, where ``close_fds`` then closes its epoll descriptor and the child
aborts before ``exec`` (grpc/grpc#43055). A full run lost an anvil to it ("anvil exited
(-6): ... Epoll1Poller ... epoll_wait error: Bad file descriptor"); with 1.85.4 about one
child in fifteen died here, with 1.78.2 none of 1,300. pyproject.toml pins grpcio below 1.79.
"""

from __future__ import annotations

import subprocess
from concurrent import futures

import grpc

from zrchain.testing.node import _die_with_parent


def test_children_started_with_preexec_fn_while_grpc_serves_all_exec() -> None:
    server = grpc.server(futures.ThreadPoolExecutor(2))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        grpc.channel_ready_future(channel).result(timeout=10)
        codes = [
            subprocess.run(["true"], preexec_fn=_die_with_parent, check=False).returncode
            for _ in range(200)
        ]
    finally:
        channel.close()
        server.stop(None)
    assert codes == [0] * 200, f"{sum(c != 0 for c in codes)} of 200 children died: {set(codes)}"
