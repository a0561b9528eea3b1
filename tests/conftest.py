"""Shared fixtures: real nodes (CometBFT + zrchaind) on free 127.0.0.1 ports."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from zrchain.testing.node import TestNode


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--slow",
        action="store_true",
        default=False,
        help="run soak/load tests at full length (CI runs a bounded version)",
    )


@pytest.fixture
def long_run(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--slow"))


@pytest.fixture
def node_factory(tmp_path) -> Iterator[Callable[..., TestNode]]:
    nodes: list[TestNode] = []

    def make(name: str = "node0", **kwargs) -> TestNode:
        n = TestNode(tmp_path, name=name, **kwargs)
        nodes.append(n)
        return n

    yield make
    for n in nodes:
        n.stop()


@pytest.fixture
def node(node_factory) -> TestNode:
    """A started single-validator node at height >= 1."""
    return node_factory().init().start()


@pytest.fixture(scope="session")
def needs_anvil() -> None:
    """EVM tests need the anvil binary from npm; the README's test command installs it, so a
    missing binary is a failure to fix, never a silent skip."""
    from zrchain.testing.anvil import anvil_binary

    if anvil_binary() is None:
        pytest.fail("anvil is not installed: run `npm ci` in the project (scripts/test.sh does)")


@pytest.fixture(scope="session")
def needs_solcjs() -> None:
    from pathlib import Path

    if not (Path(__file__).resolve().parent.parent / "node_modules" / "solc").exists():
        pytest.fail("solc-js is not installed: run `npm ci` (scripts/test.sh does)")


def pytest_report_header(config: pytest.Config) -> str:
    return f"CI={os.environ.get('CI', '')}"
