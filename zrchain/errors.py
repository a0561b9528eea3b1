"""Cosmos-style errors: a registered (codespace, code, description) plus wrapped context.

``ErrInsufficientFunds.wrap("spendable balance 5urock is smaller than 100urock")`` logs as
``spendable balance 5urock is smaller than 100urock: insufficient funds`` — outer context
first, then the root description, exactly as the SDK renders raw_log.
"""

from __future__ import annotations

from dataclasses import dataclass

_REGISTRY: dict[tuple[str, int], ErrorKind] = {}


@dataclass(frozen=True)
class ErrorKind:
    codespace: str
    code: int
    description: str

    def __call__(self, context: str = "") -> ChainError:
        return ChainError(self, context)

    def wrap(self, context: str) -> ChainError:
        return ChainError(self, context)

    def is_(self, err: BaseException) -> bool:
        return isinstance(err, ChainError) and err.kind == self


class NodeFault(Exception):
    """A failure of this node rather than of a tx: storage, memory, a bug on the consensus
    path. Nothing built on it can be trusted to match the other validators, so the node
    stops (the ABCI server answers CometBFT with an exception and shuts down)."""

    # What the operator should do, logged with the fault.
    advice = (
        "Its result would not be the same on every validator, so this node stops rather "
        "than fork; fix the cause (disk, database, memory), then restart: CometBFT replays "
        "the block."
    )


class ChainError(Exception):
    """An error that becomes a tx/query result: code, codespace and an SDK-style log."""

    def __init__(self, kind: ErrorKind, context: str = "") -> None:
        self.kind = kind
        self.context = context
        super().__init__(self.log)

    @property
    def code(self) -> int:
        return self.kind.code

    @property
    def codespace(self) -> str:
        return self.kind.codespace

    @property
    def log(self) -> str:
        return f"{self.context}: {self.kind.description}" if self.context else self.kind.description

    def wrap(self, outer: str) -> ChainError:
        ctx = f"{outer}: {self.context}" if self.context else outer
        return ChainError(self.kind, ctx)


def register(codespace: str, code: int, description: str) -> ErrorKind:
    key = (codespace, code)
    if key in _REGISTRY and _REGISTRY[key].description != description:
        raise ValueError(f"error {codespace}/{code} registered twice")
    kind = ErrorKind(codespace, code, description)
    _REGISTRY[key] = kind
    return kind


def registered() -> dict[tuple[str, int], ErrorKind]:
    return dict(_REGISTRY)


# The SDK's root errors (codespace "sdk"), same codes and descriptions.
SDK = "sdk"
ErrTxDecode = register(SDK, 2, "tx parse error")
ErrInvalidSequence = register(SDK, 3, "invalid sequence")
ErrUnauthorized = register(SDK, 4, "unauthorized")
ErrInsufficientFunds = register(SDK, 5, "insufficient funds")
ErrUnknownRequest = register(SDK, 6, "unknown request")
ErrInvalidAddress = register(SDK, 7, "invalid address")
ErrInvalidPubKey = register(SDK, 8, "invalid pubkey")
ErrUnknownAddress = register(SDK, 9, "unknown address")
ErrInvalidCoins = register(SDK, 10, "invalid coins")
ErrOutOfGas = register(SDK, 11, "out of gas")
ErrMemoTooLarge = register(SDK, 12, "memo too large")
ErrInsufficientFee = register(SDK, 13, "insufficient fee")
ErrTooManySignatures = register(SDK, 14, "maximum number of signatures exceeded")
ErrNoSignatures = register(SDK, 15, "no signatures supplied")
ErrJSONMarshal = register(SDK, 16, "failed to marshal JSON bytes")
ErrJSONUnmarshal = register(SDK, 17, "failed to unmarshal JSON bytes")
ErrInvalidRequest = register(SDK, 18, "invalid request")
ErrTxInMempoolCache = register(SDK, 19, "tx already in mempool")
ErrMempoolIsFull = register(SDK, 20, "mempool is full")
ErrTxTooLarge = register(SDK, 21, "tx too large")
ErrKeyNotFound = register(SDK, 22, "key not found")
ErrWrongPassword = register(SDK, 23, "invalid account password")
ErrInvalidSigner = register(SDK, 24, "tx intended signer does not match the given signer")
ErrInvalidGasAdjustment = register(SDK, 25, "invalid gas adjustment")
ErrInvalidHeight = register(SDK, 26, "invalid height")
ErrInvalidVersion = register(SDK, 27, "invalid version")
ErrInvalidChainID = register(SDK, 28, "invalid chain-id")
ErrInvalidType = register(SDK, 29, "invalid type")
ErrTxTimeoutHeight = register(SDK, 30, "tx timeout height")
ErrUnknownExtensionOptions = register(SDK, 31, "unknown extension options")
ErrWrongSequence = register(SDK, 32, "incorrect account sequence")
ErrPackAny = register(SDK, 33, "failed packing protobuf message to Any")
ErrUnpackAny = register(SDK, 34, "failed unpacking protobuf message from Any")
ErrLogic = register(SDK, 35, "internal logic error")
ErrConflict = register(SDK, 36, "conflict")
ErrNotSupported = register(SDK, 37, "feature not supported")
ErrNotFound = register(SDK, 38, "not found")
ErrIO = register(SDK, 39, "Internal IO error")
ErrAppConfig = register(SDK, 40, "error in app.toml")
ErrInvalidGasLimit = register(SDK, 41, "invalid gas limit")
ErrTxTimeout = register(SDK, 42, "tx timeout")

# What an unexpected exception becomes (details are logged, never put in a result).
ErrInternal = register("undefined", 1, "internal")


# gRPC status codes, used by the query router and mapped to ABCI codes like the SDK does.
class Status:
    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16

    NAMES = {
        0: "OK",
        1: "Canceled",
        2: "Unknown",
        3: "InvalidArgument",
        4: "DeadlineExceeded",
        5: "NotFound",
        6: "AlreadyExists",
        7: "PermissionDenied",
        8: "ResourceExhausted",
        9: "FailedPrecondition",
        10: "Aborted",
        11: "OutOfRange",
        12: "Unimplemented",
        13: "Internal",
        14: "Unavailable",
        15: "DataLoss",
        16: "Unauthenticated",
    }


class QueryError(Exception):
    """A query failure carrying a gRPC status code (the router's error type)."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)

    def abci_kind(self) -> ErrorKind:
        return {
            Status.NOT_FOUND: ErrKeyNotFound,
            Status.INVALID_ARGUMENT: ErrInvalidRequest,
            Status.FAILED_PRECONDITION: ErrInvalidRequest,
            Status.UNAUTHENTICATED: ErrUnauthorized,
        }.get(self.status, ErrUnknownRequest)

    def abci_log(self) -> str:
        kind = self.abci_kind()
        name = Status.NAMES.get(self.status, "Unknown")
        return f"rpc error: code = {name} desc = {self.message}: {kind.description}"


def not_found(msg: str) -> QueryError:
    return QueryError(Status.NOT_FOUND, msg)


def invalid_argument(msg: str) -> QueryError:
    return QueryError(Status.INVALID_ARGUMENT, msg)


class PlainError(ChainError):
    """An unregistered Go error (``errors.New``/``fmt.Errorf``): codespace ``undefined``,
    code 1 and the text alone as the log, as zrChain's modules return for most failures."""

    def __init__(self, text: str) -> None:
        super().__init__(ErrInternal, text)

    @property
    def log(self) -> str:
        return self.context

    def wrap(self, outer: str) -> ChainError:
        return PlainError(f"{outer}: {self.context}")


def plain(text: str) -> PlainError:
    return PlainError(text)
