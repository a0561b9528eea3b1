"""``google.protobuf.Any``: type URLs derived from the generated classes, and packing.

A type URL is ``/`` + the message's full proto name; derive it from the class rather than
spelling it, so it is declared once (in the .proto). The well-known keys every part of the
node packs and unpacks are named here.
"""

from __future__ import annotations

from cosmpy.protos.cosmos.crypto.ed25519 import keys_pb2 as ed25519
from cosmpy.protos.cosmos.crypto.multisig import keys_pb2 as multisig
from cosmpy.protos.cosmos.crypto.secp256k1 import keys_pb2 as secp256k1
from google.protobuf.any_pb2 import Any as AnyProto
from google.protobuf.message import Message


def type_url(msg: Message | type[Message]) -> str:
    """``/cosmos.bank.v1beta1.MsgSend`` for ``MsgSend`` (the class or an instance)."""
    return "/" + msg.DESCRIPTOR.full_name


def pack(msg: Message) -> AnyProto:
    return AnyProto(type_url=type_url(msg), value=msg.SerializeToString())


# The SDK's interface registry limits Any unpacking while decoding a tx (depth, and
# unpacks per top-level value).
MAX_ANY_DEPTH = 10
MAX_ANY_CALLS = 100

SECP256K1_PUBKEY_URL = type_url(secp256k1.PubKey)  # account keys
ED25519_PUBKEY_URL = type_url(ed25519.PubKey)  # consensus keys
MULTISIG_PUBKEY_URL = type_url(multisig.LegacyAminoPubKey)  # k-of-n accounts
