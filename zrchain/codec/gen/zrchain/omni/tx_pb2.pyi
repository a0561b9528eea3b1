from cosmpy.protos.cosmos.msg.v1 import msg_pb2 as _msg_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EvmSignature(_message.Message):
    __slots__ = ("address", "nonce", "deadline", "signature")
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    NONCE_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    address: str
    nonce: int
    deadline: int
    signature: bytes
    def __init__(self, address: _Optional[str] = ..., nonce: _Optional[int] = ..., deadline: _Optional[int] = ..., signature: _Optional[bytes] = ...) -> None: ...

class NewPolicyOp(_message.Message):
    __slots__ = ("name", "definition", "participants", "btl")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DEFINITION_FIELD_NUMBER: _ClassVar[int]
    PARTICIPANTS_FIELD_NUMBER: _ClassVar[int]
    BTL_FIELD_NUMBER: _ClassVar[int]
    name: str
    definition: str
    participants: _containers.RepeatedScalarFieldContainer[str]
    btl: int
    def __init__(self, name: _Optional[str] = ..., definition: _Optional[str] = ..., participants: _Optional[_Iterable[str]] = ..., btl: _Optional[int] = ...) -> None: ...

class SetKeyPolicyOp(_message.Message):
    __slots__ = ("wallet_type", "wallet_index", "sign_policy_id")
    WALLET_TYPE_FIELD_NUMBER: _ClassVar[int]
    WALLET_INDEX_FIELD_NUMBER: _ClassVar[int]
    SIGN_POLICY_ID_FIELD_NUMBER: _ClassVar[int]
    wallet_type: int
    wallet_index: int
    sign_policy_id: int
    def __init__(self, wallet_type: _Optional[int] = ..., wallet_index: _Optional[int] = ..., sign_policy_id: _Optional[int] = ...) -> None: ...

class MsgNewPolicyEvm(_message.Message):
    __slots__ = ("submitter", "auth", "op")
    SUBMITTER_FIELD_NUMBER: _ClassVar[int]
    AUTH_FIELD_NUMBER: _ClassVar[int]
    OP_FIELD_NUMBER: _ClassVar[int]
    submitter: str
    auth: EvmSignature
    op: NewPolicyOp
    def __init__(self, submitter: _Optional[str] = ..., auth: _Optional[_Union[EvmSignature, _Mapping]] = ..., op: _Optional[_Union[NewPolicyOp, _Mapping]] = ...) -> None: ...

class MsgNewPolicyEvmResponse(_message.Message):
    __slots__ = ("policy_id",)
    POLICY_ID_FIELD_NUMBER: _ClassVar[int]
    policy_id: int
    def __init__(self, policy_id: _Optional[int] = ...) -> None: ...

class MsgSetKeyPolicyEvm(_message.Message):
    __slots__ = ("submitter", "auth", "op")
    SUBMITTER_FIELD_NUMBER: _ClassVar[int]
    AUTH_FIELD_NUMBER: _ClassVar[int]
    OP_FIELD_NUMBER: _ClassVar[int]
    submitter: str
    auth: EvmSignature
    op: SetKeyPolicyOp
    def __init__(self, submitter: _Optional[str] = ..., auth: _Optional[_Union[EvmSignature, _Mapping]] = ..., op: _Optional[_Union[SetKeyPolicyOp, _Mapping]] = ...) -> None: ...

class MsgSetKeyPolicyEvmResponse(_message.Message):
    __slots__ = ("key_id", "action_id", "status")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    key_id: int
    action_id: int
    status: str
    def __init__(self, key_id: _Optional[int] = ..., action_id: _Optional[int] = ..., status: _Optional[str] = ...) -> None: ...

class MsgApproveActionEvm(_message.Message):
    __slots__ = ("submitter", "auth", "action_id")
    SUBMITTER_FIELD_NUMBER: _ClassVar[int]
    AUTH_FIELD_NUMBER: _ClassVar[int]
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    submitter: str
    auth: EvmSignature
    action_id: int
    def __init__(self, submitter: _Optional[str] = ..., auth: _Optional[_Union[EvmSignature, _Mapping]] = ..., action_id: _Optional[int] = ...) -> None: ...

class MsgApproveActionEvmResponse(_message.Message):
    __slots__ = ("status",)
    STATUS_FIELD_NUMBER: _ClassVar[int]
    status: str
    def __init__(self, status: _Optional[str] = ...) -> None: ...

class MsgRejectActionEvm(_message.Message):
    __slots__ = ("submitter", "auth", "action_id")
    SUBMITTER_FIELD_NUMBER: _ClassVar[int]
    AUTH_FIELD_NUMBER: _ClassVar[int]
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    submitter: str
    auth: EvmSignature
    action_id: int
    def __init__(self, submitter: _Optional[str] = ..., auth: _Optional[_Union[EvmSignature, _Mapping]] = ..., action_id: _Optional[int] = ...) -> None: ...

class MsgRejectActionEvmResponse(_message.Message):
    __slots__ = ("status",)
    STATUS_FIELD_NUMBER: _ClassVar[int]
    status: str
    def __init__(self, status: _Optional[str] = ...) -> None: ...

class MsgForwardOwnerCall(_message.Message):
    __slots__ = ("creator", "caip2", "owner", "new_policy", "set_key_policy", "cache_id")
    CREATOR_FIELD_NUMBER: _ClassVar[int]
    CAIP2_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    NEW_POLICY_FIELD_NUMBER: _ClassVar[int]
    SET_KEY_POLICY_FIELD_NUMBER: _ClassVar[int]
    CACHE_ID_FIELD_NUMBER: _ClassVar[int]
    creator: str
    caip2: str
    owner: str
    new_policy: NewPolicyOp
    set_key_policy: SetKeyPolicyOp
    cache_id: bytes
    def __init__(self, creator: _Optional[str] = ..., caip2: _Optional[str] = ..., owner: _Optional[str] = ..., new_policy: _Optional[_Union[NewPolicyOp, _Mapping]] = ..., set_key_policy: _Optional[_Union[SetKeyPolicyOp, _Mapping]] = ..., cache_id: _Optional[bytes] = ...) -> None: ...

class MsgForwardOwnerCallResponse(_message.Message):
    __slots__ = ("policy_id", "key_id", "action_id", "status")
    POLICY_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    policy_id: int
    key_id: int
    action_id: int
    status: str
    def __init__(self, policy_id: _Optional[int] = ..., key_id: _Optional[int] = ..., action_id: _Optional[int] = ..., status: _Optional[str] = ...) -> None: ...

class MsgForwardApproval(_message.Message):
    __slots__ = ("creator", "caip2", "approver", "action_id", "cache_id", "reject")
    CREATOR_FIELD_NUMBER: _ClassVar[int]
    CAIP2_FIELD_NUMBER: _ClassVar[int]
    APPROVER_FIELD_NUMBER: _ClassVar[int]
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    CACHE_ID_FIELD_NUMBER: _ClassVar[int]
    REJECT_FIELD_NUMBER: _ClassVar[int]
    creator: str
    caip2: str
    approver: str
    action_id: int
    cache_id: bytes
    reject: bool
    def __init__(self, creator: _Optional[str] = ..., caip2: _Optional[str] = ..., approver: _Optional[str] = ..., action_id: _Optional[int] = ..., cache_id: _Optional[bytes] = ..., reject: bool = ...) -> None: ...

class MsgForwardApprovalResponse(_message.Message):
    __slots__ = ("status",)
    STATUS_FIELD_NUMBER: _ClassVar[int]
    status: str
    def __init__(self, status: _Optional[str] = ...) -> None: ...
