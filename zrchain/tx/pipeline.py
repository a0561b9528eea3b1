"""Tx pipeline (placeholder until the transactions issue): rejects every tx with a code."""

from __future__ import annotations

from typing import Any

from zrchain.abci import types as abci
from zrchain.errors import ErrTxDecode


class TxPipeline:
    def __init__(self, app: Any) -> None:
        self.app = app

    def _reject(self) -> tuple[int, str, str]:
        err = ErrTxDecode.wrap("no transaction types are registered yet")
        return err.code, err.codespace, err.log

    def check(self, tx: bytes, state: Any, recheck: bool = False) -> Any:
        code, space, log = self._reject()
        return abci.ResponseCheckTx(code=code, codespace=space, log=log)

    def deliver_block(self, ctx: Any, txs: Any) -> list[Any]:
        code, space, log = self._reject()
        return [abci.ExecTxResult(code=code, codespace=space, log=log) for _ in txs]

    def select_for_proposal(self, txs: Any, max_bytes: int, max_gas: int) -> list[bytes]:
        out, size = [], 0
        for tx in txs:
            size += len(tx)
            if size > max_bytes:
                break
            out.append(tx)
        return out

    def simulate_abci(self, data: bytes) -> Any:
        code, space, log = self._reject()
        return abci.ResponseQuery(code=code, codespace=space, log=log)

    def on_commit(self) -> None:
        return None
