"""x/consensus: the SDK's ``cosmos.consensus.v1.Msg/UpdateParams``. A gov proposal (the gov
module account is the authority, as in zrChain's x/consensus) changes CometBFT's consensus
params (block size and gas, evidence, validator key types,
``abci.vote_extensions_enable_height``) in a block; FinalizeBlock returns them as
``consensus_param_updates`` and they apply from the next height.

CometBFT stops every node for good on an update it refuses, so each one is checked here
first against the rules of CometBFT v0.38 (``ConsensusParams.ValidateBasic`` limits, and
``ValidateUpdate`` for the vote-extension height: it may be set to a future height, moved
while still in the future, never set to the past, changed or unset once reached).
The module keeps no genesis of its own (as the SDK's): the params are genesis
``consensus_params``, held by baseapp.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cosmpy.protos.cosmos.consensus.v1 import tx_pb2
from cosmpy.protos.tendermint.types import params_pb2

from zrchain import baseapp, module
from zrchain.codec import address
from zrchain.context import Context
from zrchain.errors import register
from zrchain.x.gov.types import require_gov

STORE_KEY = "consensus"
_UPDATED = b"updated_at"  # height of the last change (its params are in baseapp/)

ErrInvalidParams = register(STORE_KEY, 2, "invalid consensus params")
MAX_BLOCK_SIZE_BYTES = 104_857_600  # CometBFT types.MaxBlockSizeBytes
KNOWN_KEY_TYPES = ("ed25519", "secp256k1")


def validate_update_params(msg: tx_pb2.MsgUpdateParams) -> None:
    address.acc_bytes(msg.authority)
    if not (msg.HasField("block") and msg.HasField("evidence") and msg.HasField("validator")):
        raise ErrInvalidParams.wrap("all parameters must be present")
    b, e, v = msg.block, msg.evidence, msg.validator
    if b.max_bytes == 0 or b.max_bytes < -1 or b.max_bytes > MAX_BLOCK_SIZE_BYTES:
        raise ErrInvalidParams.wrap(
            f"block.MaxBytes must be -1 or in (0, {MAX_BLOCK_SIZE_BYTES}], got {b.max_bytes}"
        )
    if b.max_gas < -1:
        raise ErrInvalidParams.wrap(f"block.MaxGas must be greater or equal to -1, got {b.max_gas}")
    if e.max_age_num_blocks <= 0:
        raise ErrInvalidParams.wrap("evidence.MaxAgeNumBlocks must be greater than 0")
    if e.max_age_duration.seconds <= 0 and e.max_age_duration.nanos <= 0:
        raise ErrInvalidParams.wrap("evidence.MaxAgeDuration must be greater than 0")
    limit = b.max_bytes if b.max_bytes > 0 else MAX_BLOCK_SIZE_BYTES
    if e.max_bytes < 0 or e.max_bytes > limit:
        raise ErrInvalidParams.wrap(f"evidence.MaxBytes must be in [0, {limit}], got {e.max_bytes}")
    if not v.pub_key_types or any(t not in KNOWN_KEY_TYPES for t in v.pub_key_types):
        raise ErrInvalidParams.wrap(f"validator.PubKeyTypes must be among {KNOWN_KEY_TYPES}")
    if msg.HasField("abci") and msg.abci.vote_extensions_enable_height < 0:
        raise ErrInvalidParams.wrap("VoteExtensionsEnableHeight must be positive")


def check_enable_height(old: int, new: int, height: int) -> None:
    """CometBFT v0.38 ``ValidateUpdate`` for ``abci.vote_extensions_enable_height`` at the
    height of the block returning the update."""
    if new == old or (old <= 0 and new == 0):
        return
    if new == 0:
        if old <= height:
            raise ErrInvalidParams.wrap(
                f"vote extensions cannot be disabled once enabled (enabled at {old}, "
                f"current height {height})"
            )
        return
    if new <= height:
        raise ErrInvalidParams.wrap(
            f"vote extensions cannot be enabled at past height {new} (current height {height})"
        )
    if 0 < old <= height:
        raise ErrInvalidParams.wrap(
            f"vote extensions cannot be modified once enabled (enabled at {old})"
        )


class ConsensusMsgServer(module.MsgServer):
    descriptor = tx_pb2.DESCRIPTOR.services_by_name["Msg"]

    @module.validate_basic(validate_update_params)
    def update_params(
        self, ctx: Context, msg: tx_pb2.MsgUpdateParams
    ) -> tx_pb2.MsgUpdateParamsResponse:
        require_gov(msg.authority)
        current = baseapp.consensus_params(ctx.root) or params_pb2.ConsensusParams()
        old = int(current.abci.vote_extensions_enable_height)
        new = int(msg.abci.vote_extensions_enable_height) if msg.HasField("abci") else old
        check_enable_height(old, new, ctx.height)
        updated = params_pb2.ConsensusParams()
        updated.CopyFrom(current)
        updated.block.CopyFrom(msg.block)
        updated.evidence.CopyFrom(msg.evidence)
        updated.validator.CopyFrom(msg.validator)
        if msg.HasField("abci"):
            updated.abci.CopyFrom(msg.abci)
        baseapp.set_consensus_params(ctx.root, updated)
        ctx.store(STORE_KEY).set(_UPDATED, ctx.height.to_bytes(8, "big"))
        return tx_pb2.MsgUpdateParamsResponse()


@dataclass
class ConsensusModule(module.Module):
    name: str = STORE_KEY
    store_key: str = STORE_KEY

    def services(self) -> Sequence[module.Service]:
        return [ConsensusMsgServer()]

    def consensus_param_updates(self, ctx: Context) -> params_pb2.ConsensusParams | None:
        """The params changed in this block, for FinalizeBlock (None when unchanged)."""
        raw = ctx.store(STORE_KEY).get(_UPDATED)
        if raw is None or int.from_bytes(raw, "big") != ctx.height:
            return None
        return baseapp.consensus_params(ctx.root)
