"""The boolean policy language of zrChain's ``BoolparserPolicy`` (docs/policy-language.md).

A definition such as ``zen1a… + zen1b… + zen1c… > 1`` means "at least two of the three
participants approved". We keep zrChain's grammar and precedence for well-formed
expressions (``*`` binds tightest among the binary operators, ``+ - > < & |`` share one
level and are read left to right) but, per fix 6 of docs/COMPATIBILITY.md, every malformed
definition
is a ``PolicyParseError`` at creation, ``!`` applies to its own operand, and no input can
hang or crash: one linear pass builds a postfix program, evaluation is a loop over it, and
nothing recurses. ``docs/policy-language.md`` has the grammar and the list of differences.

Values are Python integers. The parser rejects any expression whose value could leave
[-2**53, 2**53], so zrChain's float64 arithmetic would give exactly the same numbers.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass

MAX_LENGTH = 10_000  # bytes (UTF-8) of a definition
MAX_DEPTH = 64  # nesting of parentheses
MAX_VALUE = 2**53  # largest magnitude any (sub)expression may reach
_MAX_DIGITS = len(str(MAX_VALUE))  # checked before int() so huge literals cost nothing

_WHITESPACE = frozenset(" \t\n")  # zrChain's set: carriage return is not whitespace
_DIGITS = frozenset("0123456789")
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NAME_CHARS = _LETTERS | _DIGITS
_PASSKEY_CHARS = _NAME_CHARS | frozenset("-_")  # base64url without padding
_PASSKEY_PREFIX = "passkey"
_EVM_NAMESPACE = "eip155"  # an EVM account: eip155:<chainId>:0x… or eip155:0x…
_EVM_SHAPE = re.compile(r"eip155:(?:[0-9]+:)?0x[0-9a-fA-F]{40}")
_PREC = {"*": 3, "+": 2, "-": 2, ">": 2, "<": 2, "&": 2, "|": 2}
_UNSUPPORTED = frozenset("/^")  # lexed by zrChain but crash its evaluator (Q4)

NOT_SATISFIED = "expression not satisfied"


class PolicyError(Exception):
    """A policy failure whose text is the chain's (plain) error message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PolicyParseError(PolicyError):
    """A malformed definition; ``position`` is the 0-based offset of the offending text."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at position {position}")
        self.position = position


class Kind(enum.Enum):
    NUMBER = "number"
    NAME = "name"
    PASSKEY = "passkey"
    EVM = "EVM account"
    OPERATOR = "operator"
    NOT = "!"
    LPAREN = "("
    RPAREN = ")"


_OPERANDS = (Kind.NUMBER, Kind.NAME, Kind.PASSKEY, Kind.EVM)
_PARTICIPANTS = (Kind.NAME, Kind.PASSKEY, Kind.EVM)


@dataclass(frozen=True, slots=True)
class Token:
    """One lexeme; ``text`` is as written (a negative literal carries its ``-``)."""

    kind: Kind
    text: str
    pos: int
    value: int = 0  # NUMBER only


@dataclass(frozen=True, slots=True)
class Expr:
    """A parsed definition: its tokens (negative literals folded) and its postfix program."""

    source: str
    tokens: tuple[Token, ...]
    program: tuple[Token, ...]


def _describe(t: Token) -> str:
    if t.kind in _OPERANDS:
        return f"{t.kind.value} '{t.text}'"
    return f"'{t.text}'"


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens; whitespace is dropped. One pass, no backtracking."""
    if len(text.encode()) > MAX_LENGTH:
        raise PolicyParseError(f"definition longer than {MAX_LENGTH} bytes", MAX_LENGTH)
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c, start = text[i], i
        if c in _WHITESPACE:
            i += 1
        elif c in _DIGITS:
            while i < n and text[i] in _DIGITS:
                i += 1
            if i < n and text[i] == ".":
                raise PolicyParseError("decimal numbers are not supported", start)
            digits = text[start:i]
            if len(digits) > _MAX_DIGITS or int(digits) > MAX_VALUE:
                raise PolicyParseError(f"number larger than 2**53 ({MAX_VALUE})", start)
            out.append(Token(Kind.NUMBER, digits, start, int(digits)))
        elif c in _LETTERS:
            while i < n and text[i] in _NAME_CHARS:
                i += 1
            word = text[start:i]
            if i < n and text[i] == "{" and word.lower() == _PASSKEY_PREFIX:
                i = _scan_passkey(text, start, i + 1, word)
                out.append(Token(Kind.PASSKEY, text[start:i], start))
            elif i < n and text[i] == ":" and word == _EVM_NAMESPACE:
                i = _scan_evm(text, start)
                out.append(Token(Kind.EVM, text[start:i], start))
            else:
                out.append(Token(Kind.NAME, word, start))
        elif c in _PREC:
            out.append(Token(Kind.OPERATOR, c, start))
            i += 1
        elif c == "!":
            out.append(Token(Kind.NOT, c, start))
            i += 1
        elif c in "()":
            out.append(Token(Kind.LPAREN if c == "(" else Kind.RPAREN, c, start))
            i += 1
        elif c in _UNSUPPORTED:
            raise PolicyParseError(f"operator {c!r} is not supported", start)
        else:
            raise PolicyParseError(f"unexpected character {c!r}", start)
    return out


def _scan_passkey(text: str, start: int, i: int, word: str) -> int:
    """End offset of ``passkey{<base64url>}`` whose ``{`` precedes ``i``."""
    if word != _PASSKEY_PREFIX:
        raise PolicyParseError("passkey ids must start with lower-case 'passkey{'", start)
    first, n = i, len(text)
    while i < n and text[i] in _PASSKEY_CHARS:
        i += 1
    if i == n:
        raise PolicyParseError("passkey id without closing '}'", start)
    if text[i] != "}":
        raise PolicyParseError(f"unexpected character {text[i]!r} in passkey id", i)
    if i == first:
        raise PolicyParseError("empty passkey id", start)
    return i + 1


def _scan_evm(text: str, start: int) -> int:
    """End offset of ``eip155:[<chainId>:]0x<40 hex>`` starting at ``start``."""
    m = _EVM_SHAPE.match(text, start)
    if m is None or (m.end() < len(text) and text[m.end()] in _NAME_CHARS | {":"}):
        raise PolicyParseError(
            "EVM accounts are written eip155:<chainId>:0x<40 hex> or eip155:0x<40 hex>", start
        )
    return m.end()


def parse(definition: str) -> Expr:
    """Parse a definition (shunting-yard with an operand/operator state check).

    Raises PolicyParseError for anything outside the grammar of docs/policy-language.md.
    """
    raw = tokenize(definition)
    if not raw:
        raise PolicyParseError("empty definition", 0)
    tokens: list[Token] = []
    out: list[Token] = []
    ops: list[Token] = []  # OPERATOR, NOT and LPAREN tokens
    depth, i, want_operand = 0, 0, True
    while i < len(raw):
        t = raw[i]
        i += 1
        if want_operand:
            if t.kind is Kind.LPAREN:
                depth += 1
                if depth > MAX_DEPTH:
                    raise PolicyParseError(f"parentheses nested deeper than {MAX_DEPTH}", t.pos)
                ops.append(t)
            elif t.kind is Kind.NOT:
                ops.append(t)
            elif t.text == "-" and i < len(raw) and raw[i].kind is Kind.NUMBER:
                # A '-' where an operand is expected folds into a negative literal (as zrChain).
                t = Token(Kind.NUMBER, "-" + raw[i].text, t.pos, -raw[i].value)
                i += 1
                out.append(t)
                want_operand = False
            elif t.kind in _OPERANDS:
                out.append(t)
                want_operand = False
            else:
                hint = " (a '-' sign must be followed by a number)" if t.text == "-" else ""
                raise PolicyParseError(f"expected an operand, found {_describe(t)}{hint}", t.pos)
        elif t.kind is Kind.OPERATOR:
            prec = _PREC[t.text]
            while ops and (
                ops[-1].kind is Kind.NOT
                or (ops[-1].kind is Kind.OPERATOR and _PREC[ops[-1].text] >= prec)
            ):
                out.append(ops.pop())
            ops.append(t)
            want_operand = True
        elif t.kind is Kind.RPAREN:
            while ops and ops[-1].kind is not Kind.LPAREN:
                out.append(ops.pop())
            if not ops:
                raise PolicyParseError("')' without matching '('", t.pos)
            ops.pop()
            depth -= 1
        else:
            raise PolicyParseError(f"expected an operator or ')', found {_describe(t)}", t.pos)
        tokens.append(t)
    if want_operand:
        raise PolicyParseError("definition ends where an operand is expected", len(definition))
    while ops:
        t = ops.pop()
        if t.kind is Kind.LPAREN:
            raise PolicyParseError("'(' is never closed", t.pos)
        out.append(t)
    _check_magnitude(out)
    return Expr(definition, tuple(tokens), tuple(out))


def _check_magnitude(program: Sequence[Token]) -> None:
    """Reject programs whose value could exceed MAX_VALUE (names count as 1 at most)."""
    bounds: list[int] = []
    for t in program:
        if t.kind is Kind.NUMBER:
            bounds.append(abs(t.value))
        elif t.kind in _PARTICIPANTS:
            bounds.append(1)
        elif t.kind is Kind.NOT:
            bounds[-1] = 1
        else:
            y, x = bounds.pop(), bounds.pop()
            b = x * y if t.text == "*" else x + y if t.text in "+-" else 1
            if b > MAX_VALUE:
                raise PolicyParseError("value can exceed 2**53", t.pos)
            bounds.append(b)


_APPLY: dict[str, Callable[[int, int], int]] = {
    "*": lambda x, y: x * y,
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    ">": lambda x, y: int(x > y),
    "<": lambda x, y: int(x < y),
    "&": lambda x, y: int(x != 0 and y != 0),
    "|": lambda x, y: int(x != 0 or y != 0),
}


def value(expr: Expr, approved: Container[str]) -> int:
    """Integer value of ``expr``: a name or passkey id is 1 if in ``approved``, else 0."""
    stack: list[int] = []
    for t in expr.program:
        if t.kind is Kind.NUMBER:
            stack.append(t.value)
        elif t.kind in _PARTICIPANTS:
            stack.append(1 if t.text in approved else 0)
        elif t.kind is Kind.NOT:
            stack[-1] = 1 if stack[-1] == 0 else 0
        else:
            y = stack.pop()
            stack[-1] = _APPLY[t.text](stack[-1], y)
    return stack[0]


def evaluate(expr: Expr, approved: Container[str]) -> bool:
    """True when the policy is satisfied (non-zero value). ``approved`` may be a set or a
    mapping; membership of the exact participant string means "approved"."""
    return value(expr, approved) != 0


def participants(expr: Expr) -> tuple[str, ...]:
    """Names and passkey ids the definition refers to, in order of first appearance."""
    return tuple(dict.fromkeys(t.text for t in expr.tokens if t.kind in _PARTICIPANTS))


def render(expr: Expr) -> str:
    """The expression fully parenthesised, to show how it groups."""
    stack: list[str] = []
    for t in expr.program:
        if t.kind in _OPERANDS:
            stack.append(t.text)
        elif t.kind is Kind.NOT:
            stack[-1] = f"!{stack[-1]}"
        else:
            y = stack.pop()
            stack[-1] = f"({stack[-1]} {t.text} {y})"
    return stack[0]


def approver_number(definition: str) -> int:
    """zrChain's GetApproverNumber: the definition must end in an integer literal."""
    if not definition.strip(" \t\n"):
        raise PolicyError("no values found in the input string")
    try:
        expr = parse(definition)
    except PolicyParseError as e:
        raise PolicyError(f"error parsing definition: {e.message}") from None
    last = expr.tokens[-1]
    if last.kind is not Kind.NUMBER:
        raise PolicyError(
            f"error converting '{last.text}' to int: "
            f'strconv.Atoi: parsing "{last.text}": invalid syntax'
        )
    return last.value


def validate(
    definition: str, participant_addresses: Sequence[str], *, check_address: Callable[[str], object]
) -> Expr:
    """BoolparserPolicy.Validate: zrChain's checks in zrChain's order, then ours.

    ``check_address(addr)`` must raise for an invalid account address; its text becomes
    ``"invalid address <text>"``. Returns the parsed expression.
    """
    if not participant_addresses:
        raise PolicyError("no participants")
    if definition == "":
        raise PolicyError("no definition")
    try:
        number: int | PolicyError = approver_number(definition)
    except PolicyError as e:
        number = e
    seen: set[str] = set()
    for addr in participant_addresses:
        if addr == "":
            raise PolicyError("no address for ")
        if addr not in definition:
            raise PolicyError(f"participant {addr} not found in expression")
        if addr in seen:
            raise PolicyError(f"duplicate address for {addr}")
        seen.add(addr)
        if not addr.startswith("passkey{"):
            try:
                check_address(addr)
            except Exception as e:  # the address codec's own error text is the message
                raise PolicyError(f"invalid address {e}") from None
        if isinstance(number, PolicyError):
            raise PolicyError(f"error getting approver number: {number.message}")
        if len(participant_addresses) <= number:
            raise PolicyError("number of participants is less than the approver number")
    expr = parse(definition)  # cannot fail: approver_number parsed it
    referenced = participants(expr)
    for name in referenced:
        if name not in seen:
            raise PolicyError(f"participant {name} not provided")
    used = set(referenced)
    for addr in participant_addresses:
        if addr not in used:
            raise PolicyError(f"participant {addr} not found in expression")
    return expr


def verify(
    definition: str | Expr,
    approvers: Iterable[str],
    policy_data: Mapping[str, bytes] | None = None,
) -> None:
    """BoolparserPolicy.Verify: raise ``expression not satisfied`` unless satisfied.

    Only approvers equal to a participant string in the definition count; ``policy_data``
    never changes the result (validated definitions name participants only).
    """
    del policy_data
    try:
        expr = definition if isinstance(definition, Expr) else parse(definition)
    except PolicyParseError:
        raise PolicyError(NOT_SATISFIED) from None  # e.g. a legacy definition from genesis
    if not evaluate(expr, frozenset(approvers)):
        raise PolicyError(NOT_SATISFIED)


def address_to_participant(participant_addresses: Sequence[str], address: str) -> str:
    """The participant string an approving address counts as (exact, case-sensitive)."""
    if address in participant_addresses:
        return address
    raise PolicyError("address not a participant of this policy")
