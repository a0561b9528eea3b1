from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EvmNonce(_message.Message):
    __slots__ = ("address", "nonce")
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    NONCE_FIELD_NUMBER: _ClassVar[int]
    address: str
    nonce: int
    def __init__(self, address: _Optional[str] = ..., nonce: _Optional[int] = ...) -> None: ...

class ZrSignActionRecord(_message.Message):
    __slots__ = ("owner", "cache_id", "action_id")
    OWNER_FIELD_NUMBER: _ClassVar[int]
    CACHE_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    owner: str
    cache_id: bytes
    action_id: int
    def __init__(self, owner: _Optional[str] = ..., cache_id: _Optional[bytes] = ..., action_id: _Optional[int] = ...) -> None: ...

class Rejection(_message.Message):
    __slots__ = ("action_id", "participant")
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    PARTICIPANT_FIELD_NUMBER: _ClassVar[int]
    action_id: int
    participant: str
    def __init__(self, action_id: _Optional[int] = ..., participant: _Optional[str] = ...) -> None: ...

class GenesisState(_message.Message):
    __slots__ = ("nonces", "forwarded", "zr_sign_actions", "rejections")
    NONCES_FIELD_NUMBER: _ClassVar[int]
    FORWARDED_FIELD_NUMBER: _ClassVar[int]
    ZR_SIGN_ACTIONS_FIELD_NUMBER: _ClassVar[int]
    REJECTIONS_FIELD_NUMBER: _ClassVar[int]
    nonces: _containers.RepeatedCompositeFieldContainer[EvmNonce]
    forwarded: _containers.RepeatedScalarFieldContainer[bytes]
    zr_sign_actions: _containers.RepeatedCompositeFieldContainer[ZrSignActionRecord]
    rejections: _containers.RepeatedCompositeFieldContainer[Rejection]
    def __init__(self, nonces: _Optional[_Iterable[_Union[EvmNonce, _Mapping]]] = ..., forwarded: _Optional[_Iterable[bytes]] = ..., zr_sign_actions: _Optional[_Iterable[_Union[ZrSignActionRecord, _Mapping]]] = ..., rejections: _Optional[_Iterable[_Union[Rejection, _Mapping]]] = ...) -> None: ...
