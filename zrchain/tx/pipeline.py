"""Running transactions: CheckTx, FinalizeBlock delivery and simulation.

Per tx (SDK ``runTx``): decode -> branch A: ante (fee, sequence) -> keep A -> [CheckTx stops]
-> branch B: messages in order -> keep B only if all succeed. Results carry SDK codes and
raw logs, ``TxMsgData`` and events (ante events, then each message's events tagged with
``msg_index``).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from zrchain.abci.encode import encode_exec_tx_result, encode_tx_msg_data
from zrchain.context import Context, Event, Mode
from zrchain.errors import ChainError, ErrOutOfGas
from zrchain.gas import MAX_GAS, GasMeter, OutOfGas, out_of_gas_error
from zrchain.store.kv import Branch
from zrchain.tx.ante import AnteHandler, node_and_chain_min_gas_prices
from zrchain.tx.decode import DecodedTx, decode_tx, gas_limit_of
from zrchain.tx.decodecache import DecodedTxs

log = logging.getLogger("zrchain.tx")


@dataclass(slots=True)
class TxOutcome:
    error: ChainError | None = None
    undecodable: bool = False  # the bytes are no tx at all (the error is a decode error)
    gas_wanted: int = 0
    gas_used: int = 0
    events: list[Event] = field(default_factory=list)
    data: bytes = b""  # TxMsgData: the Msgs' responses

    def encoded(self, indexed: frozenset[str] | None = None) -> bytes:
        """ExecTxResult wire bytes (ResponseCheckTx shares the field numbers); ``indexed``:
        the attributes CometBFT is to index (None: all; encode_events)."""
        err = self.error
        if err is None:
            return encode_exec_tx_result(
                0, self.data, "", self.gas_wanted, self.gas_used, self.events, "", indexed
            )
        return encode_exec_tx_result(
            err.code,
            self.data,
            err.log,
            self.gas_wanted,
            self.gas_used,
            self.events,
            err.codespace,
            indexed,
        )


class TxPipeline:
    def __init__(self, app: Any) -> None:
        self.app = app
        self._ante: AnteHandler | None = None
        self._ante_lock = threading.Lock()
        self.decoded = DecodedTxs()

    @property
    def ante(self) -> AnteHandler:
        if self._ante is None:
            with self._ante_lock:  # one handler (one signature cache) for every thread
                if self._ante is None:
                    self._ante = self._make_ante()
        return self._ante

    def _make_ante(self) -> AnteHandler:
        reg = self.app.registry
        feegrant = reg.by_name.get("feegrant")
        return AnteHandler(
            reg.module("auth").keeper,
            reg.module("bank").keeper,
            node_and_chain_min_gas_prices,
            feegrant.keeper if feegrant is not None else None,
        )

    # -- the core ----------------------------------------------------------------------
    def run(
        self,
        root: Any,
        raw: bytes,
        mode: Mode,
        height: int,
        time_ns: int,
        proposer: bytes = b"",
        sim_meter: GasMeter | None = None,
        max_gas: int | None = None,
    ) -> TxOutcome:
        """One tx against ``root``. A simulation meters with ``sim_meter`` (the node's
        simulation gas cap and deadline) instead of the tx's own gas limit; ``max_gas`` is
        the block's gas limit when the caller has it already (default: the app's)."""
        app = self.app
        # Only the state machine's own errors become results. Anything else (a storage
        # fault, MemoryError, a bug) is not known to happen on every validator alike:
        # it propagates, and the ABCI layer stops the node instead of recording a result
        # that could fork it (docs/ARCHITECTURE.md, "Errors").
        try:
            tx, kept = self._decode(raw, mode)
        except ChainError as exc:
            return TxOutcome(error=exc, undecodable=True)
        simulate = mode == Mode.SIMULATE
        if simulate:
            meter = sim_meter if sim_meter is not None else GasMeter(None)
        elif height == 0:
            meter = GasMeter(None)  # genesis txs (gentxs): the SDK meters no gas at height 0
        else:
            meter = GasMeter(tx.gas_limit)
        out = TxOutcome(gas_wanted=MAX_GAS if simulate else tx.gas_limit)
        if max_gas is None:
            max_gas = app.block_max_gas
        if not simulate and max_gas > 0 and tx.gas_limit > max_gas:
            from zrchain.errors import ErrInvalidGasLimit

            out.error = ErrInvalidGasLimit.wrap(
                f"tx gas limit {tx.gas_limit} exceeds block max gas {max_gas}"
            )
            return out
        ante_branch = Branch(root)
        ctx = app.context(ante_branch, mode, height=height, time_ns=time_ns, gas=meter)
        ctx.proposer = proposer
        try:
            self.ante.run(ctx, tx)
        except ChainError as exc:
            out.error, out.gas_used = exc, meter.consumed
            return out
        except OutOfGas as exc:
            out.error = self._out_of_gas(exc, tx, meter, mode)
            out.gas_used = meter.consumed
            return out
        ante_branch.write()
        if mode in (Mode.CHECK, Mode.RECHECK):
            # No events: the SDK's CheckTx answer carries the Msgs' events only, and a
            # CheckTx runs no Msg (its context records none, see Context.records_events).
            if not kept:
                # In the mempool now: kept for the block. A decode handed out before is
                # never put back (a block may have taken it meanwhile and run its Msgs).
                self.decoded.put(tx)
            out.gas_used = meter.consumed
            return out
        out.events = ctx.events
        self._run_msgs(ctx, tx, out)
        out.gas_used = meter.consumed
        return out

    def _decode(self, raw: bytes, mode: Mode) -> tuple[DecodedTx, bool]:
        """The tx, and whether it came from the kept decodes: CheckTx keeps the decode of
        a tx it admits, FinalizeBlock takes it (decodecache.py)."""
        if mode == Mode.FINALIZE:
            tx = self.decoded.take(raw)
        elif mode in (Mode.CHECK, Mode.RECHECK):
            tx = self.decoded.get(raw)
        else:
            tx = None
        if tx is None:
            return decode_tx(raw, self.app.registry.msgs), False
        return tx, True

    @staticmethod
    def _out_of_gas(exc: OutOfGas, tx: DecodedTx, meter: GasMeter, mode: Mode) -> ChainError:
        if mode != Mode.SIMULATE:
            return out_of_gas_error(exc.descriptor, tx.gas_limit, meter.consumed)
        cap = meter.reported_limit()
        return out_of_gas_error(exc.descriptor, cap, meter.consumed).wrap(
            f"this node simulates up to {cap} gas ([simulate] gas-limit in app.toml)"
        )

    def _run_msgs(self, ctx: Context, tx: DecodedTx, out: TxOutcome) -> None:
        """The Msgs in their own branch of the state the ante wrote to. The ante's
        context is done (its events are ``out.events``, its branch written): it becomes
        the Msgs' context over the new branch, with fresh store views and events."""
        msg_branch = Branch(ctx.root.parent)
        ctx.root = msg_branch
        ctx._stores = {}
        ctx.events = []
        ctx.tx_bytes = tx.raw
        responses: list[tuple[str, bytes]] = []
        i = 0
        try:
            for i, (msg, route) in enumerate(zip(tx.msgs, tx.routes, strict=True)):
                start = len(ctx.events)
                url = route.type_url
                signers = route.signers(msg)
                ctx.emit(
                    "message",
                    ("action", url),
                    ("sender", signers[0] if signers else ""),
                    ("module", route.module),
                )
                resp = route.handler(ctx, msg)
                idx = str(i)
                for ev in ctx.events[start:]:
                    ev.attributes.append(("msg_index", idx))
                responses.append(("/" + resp.DESCRIPTOR.full_name, resp.SerializeToString()))
        except ChainError as exc:
            out.error = exc.wrap(f"failed to execute message; message index: {i}")
            return
        except OutOfGas as exc:
            out.error = self._out_of_gas(exc, tx, ctx.gas, ctx.mode)
            return
        msg_branch.write()
        out.events = out.events + ctx.events
        out.data = encode_tx_msg_data(responses)

    # -- ABCI entry points ---------------------------------------------------------------
    def check(self, raw: bytes, state: Branch, recheck: bool = False) -> bytes:
        """ResponseCheckTx wire bytes."""
        app = self.app
        mode = Mode.RECHECK if recheck else Mode.CHECK
        height, time_ns = app.last_block_header()
        return self.run(state, raw, mode, height, time_ns).encoded()

    def run_genesis_tx(self, ctx: Context, raw: bytes) -> None:
        """A gentx on ``ctx``'s state at height 0; raises ValueError with its log on failure."""
        out = self.run(ctx.root, raw, Mode.FINALIZE, 0, ctx.time_ns)
        if out.error is not None:
            raise ValueError(out.error.log)

    def deliver_block(self, ctx: Context, txs: Any) -> list[bytes]:
        """Encoded ExecTxResults, one per tx, in order."""
        results = []
        max_gas = self.app.block_max_gas
        indexed = self.app.indexed_events
        block_gas = 0
        for raw in txs:
            if max_gas > 0 and block_gas >= max_gas:
                err = ErrOutOfGas.wrap("no block gas left to run tx")
                results.append(TxOutcome(error=err).encoded())
                continue
            out = self.run(
                ctx.root, raw, Mode.FINALIZE, ctx.height, ctx.time_ns, ctx.proposer, None, max_gas
            )
            block_gas += min(out.gas_used, out.gas_wanted)
            results.append(out.encoded(indexed))
        return results

    def select_for_proposal(self, txs: Any, max_bytes: int, max_gas: int) -> list[bytes]:
        out: list[bytes] = []
        size = gas = 0
        for tx in txs:
            size += len(tx)
            if size > max_bytes:
                break
            if max_gas > 0:
                g = gas_limit_of(tx) or 0
                if gas + g > max_gas:
                    continue
                gas += g
            out.append(tx)
        return out

    def on_commit(self) -> None:
        return None
