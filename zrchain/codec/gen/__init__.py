"""Generated protobuf modules for our own proto packages (zrchain.*).

Produced by scripts/gen_protos.py from proto/zrchain/; do not edit.
"""

from __future__ import annotations

import importlib
from types import ModuleType

MODULES: tuple[str, ...] = (
    "zrchain.codec.gen.zrchain.attest.attest_pb2",
    "zrchain.codec.gen.zrchain.dct.params_pb2",
    "zrchain.codec.gen.zrchain.identity.genesis_pb2",
    "zrchain.codec.gen.zrchain.identity.keyring_pb2",
    "zrchain.codec.gen.zrchain.identity.packet_pb2",
    "zrchain.codec.gen.zrchain.identity.params_pb2",
    "zrchain.codec.gen.zrchain.identity.query_pb2",
    "zrchain.codec.gen.zrchain.identity.tx_pb2",
    "zrchain.codec.gen.zrchain.identity.workspace_pb2",
    "zrchain.codec.gen.zrchain.mint.v1beta1.genesis_pb2",
    "zrchain.codec.gen.zrchain.mint.v1beta1.mint_pb2",
    "zrchain.codec.gen.zrchain.mint.v1beta1.query_pb2",
    "zrchain.codec.gen.zrchain.mint.v1beta1.tx_pb2",
    "zrchain.codec.gen.zrchain.omni.genesis_pb2",
    "zrchain.codec.gen.zrchain.omni.query_pb2",
    "zrchain.codec.gen.zrchain.omni.tx_pb2",
    "zrchain.codec.gen.zrchain.policy.action_pb2",
    "zrchain.codec.gen.zrchain.policy.additional_signature_passkey_pb2",
    "zrchain.codec.gen.zrchain.policy.genesis_pb2",
    "zrchain.codec.gen.zrchain.policy.packet_pb2",
    "zrchain.codec.gen.zrchain.policy.params_pb2",
    "zrchain.codec.gen.zrchain.policy.policy_pb2",
    "zrchain.codec.gen.zrchain.policy.query_pb2",
    "zrchain.codec.gen.zrchain.policy.sign_method_passkey_pb2",
    "zrchain.codec.gen.zrchain.policy.tx_pb2",
    "zrchain.codec.gen.zrchain.treasury.genesis_pb2",
    "zrchain.codec.gen.zrchain.treasury.key_pb2",
    "zrchain.codec.gen.zrchain.treasury.mpcsign_pb2",
    "zrchain.codec.gen.zrchain.treasury.packet_pb2",
    "zrchain.codec.gen.zrchain.treasury.params_pb2",
    "zrchain.codec.gen.zrchain.treasury.query_pb2",
    "zrchain.codec.gen.zrchain.treasury.tx_pb2",
    "zrchain.codec.gen.zrchain.treasury.wallet_pb2",
    "zrchain.codec.gen.zrchain.validation.asset_data_pb2",
    "zrchain.codec.gen.zrchain.validation.genesis_pb2",
    "zrchain.codec.gen.zrchain.validation.hybrid_validation_pb2",
    "zrchain.codec.gen.zrchain.validation.query_pb2",
    "zrchain.codec.gen.zrchain.validation.solana_pb2",
    "zrchain.codec.gen.zrchain.validation.staking_pb2",
    "zrchain.codec.gen.zrchain.validation.tx_pb2",
)


def import_all() -> list[ModuleType]:
    """Import every generated module, registering all types in the default pool."""
    return [importlib.import_module(name) for name in MODULES]
