from cosmpy.protos.cosmos.msg.v1 import msg_pb2 as _msg_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Params(_message.Message):
    __slots__ = ("enabled", "max_defer_blocks", "simple_tx_priority_fee", "simple_tx_call_gas")
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    MAX_DEFER_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    SIMPLE_TX_PRIORITY_FEE_FIELD_NUMBER: _ClassVar[int]
    SIMPLE_TX_CALL_GAS_FIELD_NUMBER: _ClassVar[int]
    enabled: bool
    max_defer_blocks: int
    simple_tx_priority_fee: int
    simple_tx_call_gas: int
    def __init__(self, enabled: bool = ..., max_defer_blocks: _Optional[int] = ..., simple_tx_priority_fee: _Optional[int] = ..., simple_tx_call_gas: _Optional[int] = ...) -> None: ...

class GenesisState(_message.Message):
    __slots__ = ("params",)
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    params: Params
    def __init__(self, params: _Optional[_Union[Params, _Mapping]] = ...) -> None: ...

class MsgUpdateParams(_message.Message):
    __slots__ = ("authority", "params")
    AUTHORITY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    authority: str
    params: Params
    def __init__(self, authority: _Optional[str] = ..., params: _Optional[_Union[Params, _Mapping]] = ...) -> None: ...

class MsgUpdateParamsResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class QueryParamsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class QueryParamsResponse(_message.Message):
    __slots__ = ("params",)
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    params: Params
    def __init__(self, params: _Optional[_Union[Params, _Mapping]] = ...) -> None: ...
