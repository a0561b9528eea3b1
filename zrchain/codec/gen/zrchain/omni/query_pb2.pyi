from cosmpy.protos.cosmos.base.query.v1beta1 import pagination_pb2 as _pagination_pb2
from google.api import annotations_pb2 as _annotations_pb2
from zrchain.codec.gen.zrchain.policy import action_pb2 as _action_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class QueryZrSignActionRequest(_message.Message):
    __slots__ = ("caip2", "contract", "trace_id", "cache_id")
    CAIP2_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    CACHE_ID_FIELD_NUMBER: _ClassVar[int]
    caip2: str
    contract: str
    trace_id: str
    cache_id: bytes
    def __init__(self, caip2: _Optional[str] = ..., contract: _Optional[str] = ..., trace_id: _Optional[str] = ..., cache_id: _Optional[bytes] = ...) -> None: ...

class QueryZrSignActionResponse(_message.Message):
    __slots__ = ("action_id", "cache_id", "action")
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    CACHE_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    action_id: int
    cache_id: bytes
    action: _action_pb2.ActionResponse
    def __init__(self, action_id: _Optional[int] = ..., cache_id: _Optional[bytes] = ..., action: _Optional[_Union[_action_pb2.ActionResponse, _Mapping]] = ...) -> None: ...

class ZrSignActionEntry(_message.Message):
    __slots__ = ("action_id", "cache_id", "status")
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    CACHE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    action_id: int
    cache_id: bytes
    status: str
    def __init__(self, action_id: _Optional[int] = ..., cache_id: _Optional[bytes] = ..., status: _Optional[str] = ...) -> None: ...

class QueryZrSignActionsRequest(_message.Message):
    __slots__ = ("owner", "pagination")
    OWNER_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    owner: str
    pagination: _pagination_pb2.PageRequest
    def __init__(self, owner: _Optional[str] = ..., pagination: _Optional[_Union[_pagination_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class QueryZrSignActionsResponse(_message.Message):
    __slots__ = ("actions", "pagination")
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    actions: _containers.RepeatedCompositeFieldContainer[ZrSignActionEntry]
    pagination: _pagination_pb2.PageResponse
    def __init__(self, actions: _Optional[_Iterable[_Union[ZrSignActionEntry, _Mapping]]] = ..., pagination: _Optional[_Union[_pagination_pb2.PageResponse, _Mapping]] = ...) -> None: ...

class QueryEvmNonceRequest(_message.Message):
    __slots__ = ("address",)
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    address: str
    def __init__(self, address: _Optional[str] = ...) -> None: ...

class QueryEvmNonceResponse(_message.Message):
    __slots__ = ("nonce",)
    NONCE_FIELD_NUMBER: _ClassVar[int]
    nonce: int
    def __init__(self, nonce: _Optional[int] = ...) -> None: ...

class QueryTypedDataDomainRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class QueryTypedDataDomainResponse(_message.Message):
    __slots__ = ("name", "version", "salt", "chain_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SALT_FIELD_NUMBER: _ClassVar[int]
    CHAIN_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: str
    salt: str
    chain_id: str
    def __init__(self, name: _Optional[str] = ..., version: _Optional[str] = ..., salt: _Optional[str] = ..., chain_id: _Optional[str] = ...) -> None: ...
