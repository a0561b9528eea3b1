"""One real node for the whole adversarial session: the ``chain`` fixture.

The world and the helpers live in ``outsider_world.py`` (a plain module, so test files can
import them under a name no other test folder uses).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from outsider_world import ACTORS, CHAIN_ID, Outsider, _actor, _build_world, _genesis

from zrchain.testing.node import TestNode


@pytest.fixture(scope="session")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outsider]:
    actors = {name: _actor(name) for name in ACTORS}
    node = TestNode(tmp_path_factory.mktemp("adversarial"), chain_id=CHAIN_ID)
    node.init(genesis=_genesis(actors))
    from zrchain.crypto.keyring import Keyring

    kr = Keyring(node.home, "test")  # for the CLI door
    for a in actors.values():
        kr.add(a.name, mnemonic=a.mnemonic)
    node.start(wait_height=2)  # queries answer once a block is committed
    try:
        out = Outsider(node, actors)
        _build_world(out)
        yield out
    finally:
        node.stop()
