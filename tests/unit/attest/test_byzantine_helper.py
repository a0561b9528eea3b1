"""The byzantine proposer used by the attestation network test is a separate node program:
importing its names (as that test does) must leave this process's proposer honest."""

from __future__ import annotations

import importlib

from zrchain.x.attest import abci as attest_abci


def test_importing_the_byzantine_proposer_leaves_prepare_proposal_honest() -> None:
    honest = attest_abci.VoteExtensions.prepare
    module = importlib.import_module("tests.integration.byzantine_proposer")
    assert module.FAKE_OWNER
    assert attest_abci.VoteExtensions.prepare is honest
