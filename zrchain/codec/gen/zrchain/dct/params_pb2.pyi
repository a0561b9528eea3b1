from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class Asset(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ASSET_UNSPECIFIED: _ClassVar[Asset]
    ASSET_ZENBTC: _ClassVar[Asset]
    ASSET_ZENZEC: _ClassVar[Asset]
ASSET_UNSPECIFIED: Asset
ASSET_ZENBTC: Asset
ASSET_ZENZEC: Asset
