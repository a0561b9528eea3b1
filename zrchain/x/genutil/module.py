"""Registration of x/genutil: delivers the gentxs at InitChain, then bonds the genesis set.

``app_state.genutil.gen_txs`` holds the gentxs ``zrchaind genesis collect-gentxs`` gathered.
They run through the tx pipeline like any tx, at height 0 (account number 0 in the sign
doc, no gas limit: the SDK's genesis rules), after every other module's genesis. A gentx
that fails stops InitChain with its error. The validator set CometBFT starts with is then
the validation module's bonded set; validators listed in genesis.json that no gentx (or
exported validation genesis) bonds are refused, since x/validation would not know them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from zrchain.codec.address import cons_string
from zrchain.context import Context
from zrchain.module import Module
from zrchain.x.genutil.gentx import create_validator_of, tx_from_json
from zrchain.x.validation.keeper import ValidationKeeper
from zrchain.x.validation.types import cons_address

# Runs one tx at genesis: (context, tx bytes) -> None, or raises ValueError with the log.
GenesisTxRunner = Callable[[Context, bytes], None]


@dataclass
class GenutilModule(Module):
    validation: ValidationKeeper | None = None
    name: str = "genutil"
    store_key: str = "genutil"
    run_tx: GenesisTxRunner | None = field(default=None, repr=False)

    def bind_tx_runner(self, run: GenesisTxRunner) -> None:
        self.run_tx = run

    def default_genesis(self) -> dict[str, Any]:
        return {"gen_txs": []}

    def validate_genesis(self, data: dict[str, Any]) -> None:
        gen_txs = data.get("gen_txs") or []
        if not isinstance(gen_txs, list):
            raise ValueError("genutil genesis: gen_txs must be a list of txs")
        for i, doc in enumerate(gen_txs):
            try:
                create_validator_of(tx_from_json(doc))
            except Exception as exc:
                raise ValueError(f"genutil genesis: gentx {i}: {exc}") from None

    def init_genesis(self, ctx: Context, data: dict[str, Any]) -> None:
        k = self.validation
        if k is None:
            raise ValueError("genutil needs the validation keeper")
        genesis_ctx, branch = ctx.branch()
        genesis_ctx.height = 0
        gen_txs = data.get("gen_txs") or []
        if gen_txs and self.run_tx is None:
            raise ValueError("genutil cannot deliver gentxs: no tx runner bound")
        for i, doc in enumerate(gen_txs):
            raw = tx_from_json(doc)
            moniker = create_validator_of(raw).description.moniker
            try:
                assert self.run_tx is not None
                self.run_tx(genesis_ctx, raw)
            except ValueError as exc:
                raise ValueError(f"gentx {i} ({moniker!r}) failed: {exc}") from None
        k.apply_validator_set_updates(genesis_ctx)
        last = k.last_validator_powers(genesis_ctx)
        bonded = {k.must_validator(genesis_ctx, op).cons_pubkey for op, _ in last}
        stray = [pk for pk, _ in k.valset.validators(genesis_ctx) if pk not in bonded]
        if stray:
            names = ", ".join(cons_string(cons_address(pk)) for pk in stray)
            raise ValueError(
                f"genesis.json lists validator(s) {names} that no gentx bonds: the validator "
                "set comes from `zrchaind genesis gentx` and `zrchaind genesis collect-gentxs`"
            )
        branch.write()


__all__ = ["GenesisTxRunner", "GenutilModule"]
