"""The app's own state under the ``baseapp/`` prefix, as the SDK's BaseApp keeps it.

CometBFT hands the chain id, the initial height and the consensus params over only once, at
InitChain, so the app stores them in state: authenticated by the app hash, kept across
restarts and state sync, and readable at past heights. The last block's height and time give
the check state its context. Modules and query services read these keys from here, never
from the app object, so nothing below the app imports it.
"""

from __future__ import annotations

from cosmpy.protos.tendermint.types import params_pb2

from zrchain.store.kv import KVReader, KVStore

STORE = "baseapp"
CHAIN_ID_KEY = b"baseapp/chain_id"
INITIAL_HEIGHT_KEY = b"baseapp/initial_height"
CONSENSUS_PARAMS_KEY = b"baseapp/consensus_params"
LAST_BLOCK_KEY = b"baseapp/last_block"  # height (8 bytes, big-endian) || block time ns (8 bytes)


def consensus_params(view: KVReader) -> params_pb2.ConsensusParams | None:
    """The consensus params InitChain stored, or None before InitChain."""
    raw = view.get(CONSENSUS_PARAMS_KEY)
    return params_pb2.ConsensusParams.FromString(raw) if raw else None


def set_consensus_params(root: KVStore, params: params_pb2.ConsensusParams) -> None:
    """A consensus-params change (x/consensus), in the block's state."""
    root.set(CONSENSUS_PARAMS_KEY, params.SerializeToString())


def encode_last_block(height: int, time_ns: int) -> bytes:
    return height.to_bytes(8, "big") + time_ns.to_bytes(8, "big")


def decode_last_block(raw: bytes | None) -> tuple[int, int]:
    """(height, block time ns); (0, 0) before the first block."""
    if not raw:
        return 0, 0
    return int.from_bytes(raw[:8], "big"), int.from_bytes(raw[8:16], "big")
