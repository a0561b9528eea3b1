"""The policy language (docs/policy-language.md; fix 6 of docs/COMPATIBILITY.md).

``boolparser_reference`` is zrChain's algorithm transcribed from a description of zrChain's
boolparser; it
is the oracle for "evaluates exactly as zrChain does" and pins each deliberate difference.
"""

from __future__ import annotations

import contextlib

import boolparser_reference as go
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from zrchain.x.policy.expr import (
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_VALUE,
    Expr,
    Kind,
    PolicyError,
    PolicyParseError,
    address_to_participant,
    approver_number,
    evaluate,
    parse,
    participants,
    render,
    validate,
    value,
    verify,
)

A = "zen1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqaa"
B = "zen1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqbb"
C = "zen1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqcc"
PK = "passkey{c29tZS1wYXNza2V5LWlk}"


def solve(text: str, approved: frozenset[str] = frozenset()) -> bool:
    return evaluate(parse(text), approved)


def parse_error(text: str) -> PolicyParseError:
    with pytest.raises(PolicyParseError) as info:
        parse(text)
    return info.value


def fake_check_address(addr: str) -> None:
    """Stands in for the address codec: zen1…/keyring1… are accounts."""
    if not addr.startswith(("zen1", "keyring1")):
        raise ValueError("decoding bech32 failed: invalid separator index -1")


# --- grammar and precedence (kept from zrChain) ------------------------------------------


@pytest.mark.parametrize(
    ("text", "grouping"),
    [
        ("a + b > 1 & c", "(((a + b) > 1) & c)"),  # docs/policy-language.md
        ("c & a + b > 1", "(((c & a) + b) > 1)"),  # docs/policy-language.md
        ("1 | 1 + 1 > 2", "(((1 | 1) + 1) > 2)"),
        ("a - b - c", "((a - b) - c)"),
        ("1 + 2 * 3", "(1 + (2 * 3))"),
        ("2 * 3 + 1", "((2 * 3) + 1)"),
        ("2 * 3 * 4 > 1", "(((2 * 3) * 4) > 1)"),
        ("a + b > 1 | c < 2", "((((a + b) > 1) | c) < 2)"),
        ("a + (b > 1)", "(a + (b > 1))"),
        ("!a * b", "(!a * b)"),
        ("!(a | b) & c", "(!(a | b) & c)"),
        ("!!0", "!!0"),
        ("2 * -1", "(2 * -1)"),
        ("- 1 + a", "(-1 + a)"),
        ("(-1)", "-1"),
        ("1 - -1", "(1 - -1)"),
        ("1--1", "(1 - -1)"),
        ("1 -1", "(1 - 1)"),
        ("!-1", "!-1"),
        ("a+b>1", "((a + b) > 1)"),
        ("\ta\n+\tb  >   1\n", "((a + b) > 1)"),
    ],
)
def test_grouping(text: str, grouping: str) -> None:
    assert render(parse(text)) == grouping


def test_tokens_fold_negative_literals_like_zrchain() -> None:
    expr = parse("1 > - 12")
    assert [(t.kind, t.text, t.value) for t in expr.tokens] == [
        (Kind.NUMBER, "1", 1),
        (Kind.OPERATOR, ">", 0),
        (Kind.NUMBER, "-12", -12),
    ]
    assert [t.text for t in expr.program] == ["1", "-12", ">"]


# --- evaluation: zrChain's tables (docs/policy-language.md) --------------------------------

# (expression after substitution, zrChain result); A and B are unapproved identifiers.
SPEC_5_7 = [
    ("1 + 1 > 1", True),
    ("1 + B > 1", False),
    ("A + B > 0", False),
    ("1 + B > 0", True),
    ("1+1+1+1 > 3", True),
    ("(1+1+1+1 > 4)", False),
    ("0 + 1 + 1 > 1 & 1", True),
    ("1 + 1 > 1 & 0", False),
    ("1 | 1 + 1 > 2", False),
    ("passkey{abc} + 1 > 1", False),
    ("passkey{abc} + 1 > 0", True),
    ("A + B > -1", True),
    ("TXVALUE < 1000", True),
    ("1 - 1", False),
    ("2 * -1", True),
]

# docs/identity-policy.md ("the zrChain suite also asserts") and zrChain's boolparser test suite,
# restricted to well-formed expressions whose result the fixes do not change.
SUITE = [
    ("1 * 1", True),
    ("1 * 0", False),
    ("2 - 1", True),
    ("!0", True),
    ("!1", False),
    ("     1        +        2       ", True),
    ("(0|0)&(1)", False),
    ("(1|1)&(1)", True),
    ("0+1+1+0 > 2 | 0+1+1+1 > 2", True),
    ("0+1+1+0 > 2 | 0+1+1+0 > 2", False),
    ("0+1+1+0 > 2 | 0+1+1+0 > 2 | 1", True),
    ("1 | 0+1+1+0 > 2 | 0+1+1+0 > 2", True),
    ("!(!(1 & 1))", True),
    ("1 & 1 | !(!0 & !0 & 1)", True),
    ("0 + 1 + (0 + 1 + 1 > 1 & 1) > 1 & 1", True),
    ("1 & 1 & 1 & 1 & 1 & 1 | 1 | 1 | 1 & 1 & 1", True),
    ("!1 & !1", False),
    ("1 & !1", False),
    ("0 & 0", False),
    ("!1 & 1", False),
    ("1 & 1", True),
    ("!0 & !0", True),
    ("(!0) & (!0)", True),
    ("(!1) & (!0)", False),
    ("1 & !0", True),
    ("!(0 | 1)", False),
    ("!(0 | 0)", True),
    ("(1+1+1+1 > 3)", True),
    ("(1+1+1+1) > 3", True),
    ("!(1+1+1+1 > 3)", False),
    ("!0 & !1", False),
    ("1 & 1 | !(0 & 0 & 0)", True),
    ("1 & 1 | !(1 & 0 & 0)", True),
    ("!(1 & 1)", False),
    ("1 | 0", True),
    ("0 | 1", True),
    ("0 | 0", False),
    ("1 & 0", False),
    ("0 & 1", False),
    ("P & C & (T1 + T2 + T3 + T4 > 3)", False),  # nobody approved
]


@pytest.mark.parametrize(("text", "expected"), SPEC_5_7 + SUITE)
def test_well_formed_expressions_evaluate_as_in_zrchain(text: str, expected: bool) -> None:
    assert solve(text) is expected
    assert go.bool_solve(text) is expected  # the oracle agrees with zrChain's table


@pytest.mark.parametrize(
    ("definition", "approved", "expected"),
    [
        (f"{A} + {B} > 1", {A, B}, True),
        (f"{A} + {B} > 1", {A}, False),
        (f"{A} + {B} > 0", set(), False),
        (f"{A} + {B} > 0", {B}, True),
        (f"{A} + {B} > -1", set(), True),
        (f"{A} + {PK} > 1", {A, PK}, True),
        (f"{A} + {PK} > 1", {A}, False),
        ("P & C & (T1 + T2 + T3 + T4 > 3)", {"P", "C", "T1", "T2", "T3", "T4"}, True),
        ("P & C & (T1 + T2 + T3 + T4 > 3)", {"P", "C", "T1", "T2", "T3"}, False),
        ("p1 + p2 > 1", {"p1", "p2"}, True),  # zrChain mangles p-words (Q1); we do not
        (f"{A} > 0", {A.upper()}, False),  # matching is exact and case-sensitive
    ],
)
def test_participants_count_when_approved(
    definition: str, approved: set[str], expected: bool
) -> None:
    expr = parse(definition)
    assert evaluate(expr, approved) is expected
    assert evaluate(expr, dict.fromkeys(approved, True)) is expected  # a mapping works too
    if not definition.startswith(("P ", "p1")):
        assert go.verify(definition, approved) is expected


def test_value_is_integer_arithmetic() -> None:
    assert value(parse("2 * 3 - 10"), set()) == -4
    assert value(parse("a * 3 + b * 4"), {"a", "b"}) == 7
    assert value(parse("a > b"), {"a"}) == 1
    assert value(parse("1 & 2 | 0"), set()) == 1
    assert value(parse(f"{MAX_VALUE} * 1"), set()) == MAX_VALUE
    assert value(parse(f"-{MAX_VALUE} * a"), {"a"}) == -MAX_VALUE
    assert type(value(parse("1 > 0"), set())) is int


# --- deliberate differences (fix 6 of docs/COMPATIBILITY.md and docs/policy-language.md)
# -------------

# (definition, approvals, zrChain's result, ours)
DIFFERENCES = [
    # '!' applies to its own operand (zrChain applies it late, Q3).
    ("!0 & 1", set(), False, True),
    ("!1 | 0", set(), True, False),
    ("!!0", set(), True, False),
    ("1 & 1 | !(!0 & !0 & !1)", set(), False, True),
    # An unapproved participant counts 0; zrChain skips it on its stack, so an operator
    # further on takes the wrong operands.
    (f"{B} + 2 * {A} > 1", {B}, True, False),  # zrChain: satisfied without A
    (f"({A} + {B} > 1) & ({C} + 1 > 0)", {A, B}, False, True),
    (f"2 > {A}", set(), False, True),
    (f"5 - {A} > 0", set(), False, True),
]


@pytest.mark.parametrize(("definition", "approved", "zrchain", "ours"), DIFFERENCES)
def test_documented_differences(
    definition: str, approved: set[str], zrchain: bool, ours: bool
) -> None:
    assert go.verify(definition, approved) is zrchain
    assert evaluate(parse(definition), approved) is ours


# --- malformed definitions are parse errors (fix 6 of docs/COMPATIBILITY.md)
# -------------------------


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("", "empty definition", 0),
        (" \t\n", "empty definition", 0),
        ("(1 + 1", "'(' is never closed", 0),
        ("((1) + 1", "'(' is never closed", 0),
        ("abc(1+1", "expected an operator or ')', found '('", 3),  # zrChain loops forever
        ("abc(1+1) + 1", "expected an operator or ')', found '('", 3),  # zrChain drops (1+1)
        ("1 + 1)", "')' without matching '('", 5),
        ("0 | 0+1+1+1 > 2)", "')' without matching '('", 15),
        ("()", "expected an operand, found ')'", 1),
        ("1 / 2", "operator '/' is not supported", 2),  # zrChain panics at evaluation
        ("2 ^ 3", "operator '^' is not supported", 2),
        ("1 1 0", "expected an operator or ')', found number '1'", 2),  # Q5
        ("a b > 1", "expected an operator or ')', found name 'b'", 2),
        ("1 +", "definition ends where an operand is expected", 3),
        ("1 + * 2", "expected an operand, found '*'", 4),
        ("1 && 1", "expected an operand, found '&'", 3),
        ("-a", "expected an operand, found '-' (a '-' sign must be followed by a number)", 0),
        ("--1", "expected an operand, found '-' (a '-' sign must be followed by a number)", 0),
        ("2 > 1.9.9", "decimal numbers are not supported", 4),
        ("1.5", "decimal numbers are not supported", 0),
        ("$", "unexpected character '$'", 0),
        ("1 = 1", "unexpected character '='", 2),
        ("1 >= 1", "unexpected character '='", 3),
        ("a, b", "unexpected character ','", 1),
        ("a_b", "unexpected character '_'", 1),
        ("{a}", "unexpected character '{'", 0),
        ("1\r+ 1", "unexpected character '\\r'", 1),
        ("1\x00+ 1", "unexpected character '\\x00'", 1),
        ("zén > 0", "unexpected character 'é'", 1),
        ("\u0661 > 0", "unexpected character '\u0661'", 0),  # an Arabic-Indic digit
        ("passkey{abc", "passkey id without closing '}'", 0),
        ("passkey{} > 0", "empty passkey id", 0),
        ("passkey{a b} > 0", "unexpected character ' ' in passkey id", 9),
        ("passkey{a+b} > 0", "unexpected character '+' in passkey id", 9),
        ("PassKey{abc} > 0", "passkey ids must start with lower-case 'passkey{'", 0),
        ("9" * 17, "number larger than 2**53 (9007199254740992)", 0),
        (f"{MAX_VALUE + 1}", "number larger than 2**53 (9007199254740992)", 0),
        (f"{MAX_VALUE} + 1", "value can exceed 2**53", 17),
        (f"-{MAX_VALUE} - a", "value can exceed 2**53", 18),
        ("99999999 * 99999999 * 9", "value can exceed 2**53", 9),
    ],
)
def test_malformed_definitions_are_rejected(text: str, message: str, position: int) -> None:
    err = parse_error(text)
    assert err.message == f"{message} at position {position}"
    assert err.position == position


@pytest.mark.parametrize(
    ("text", "grouping", "names"),
    [
        ("p1", "p1", ("p1",)),
        ("pa + x", "(pa + x)", ("pa", "x")),
        ("p+1 > 0", "((p + 1) > 0)", ("p",)),
        ("passkey + pass > 0", "((passkey + pass) > 0)", ("passkey", "pass")),
    ],
)
def test_p_words_are_plain_names(text: str, grouping: str, names: tuple[str, ...]) -> None:
    """zrChain's Q1 drops the characters matching 'passkey{'; ours are ordinary names."""
    expr = parse(text)
    assert (render(expr), participants(expr)) == (grouping, names)


def test_unclosed_parenthesis_at_the_size_limit_fails() -> None:
    # (zrChain's parser rescans here, quadratic in the length; ours reads the text once)
    for text in ("abc(" + "1" * (MAX_LENGTH - 4), "(" * MAX_LENGTH, "a(" * (MAX_LENGTH // 2)):
        parse_error(text)


# --- limits -------------------------------------------------------------------------------


def test_length_limit() -> None:
    just = "1" + " " * (MAX_LENGTH - 1)
    assert solve(just)
    err = parse_error(just + " ")
    assert err.message == f"definition longer than {MAX_LENGTH} bytes at position {MAX_LENGTH}"
    # counted in bytes, as every size limit
    wide = "1" + "\N{EM SPACE}" * (MAX_LENGTH // 3 + 1)  # 3 bytes each
    assert len(wide) < MAX_LENGTH < len(wide.encode())
    assert "longer than" in parse_error(wide).message


def test_depth_limit() -> None:
    assert solve("(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH)
    assert solve("(1) + " * 100 + "1 > 100")  # depth is nesting, not a count
    err = parse_error("(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1))
    assert err.message == f"parentheses nested deeper than {MAX_DEPTH} at position {MAX_DEPTH}"


def test_large_inputs_never_recurse() -> None:
    """Inputs far deeper than Python's recursion limit (1000) parse, evaluate and render:
    the parser and evaluator are iterative. (No wall-clock bound here: timing belongs in
    the benchmarks, not in unit tests.)"""
    cases = [
        ("+".join(["a"] * 4990) + " > 4989", True),  # 4990 approvals needed, all given
        ("!" * 9998 + "0", False),  # even count of '!'
        ("!" * 9999 + "0", True),
        ("-1" + " - -1" * 1999, True),  # 1998
        ("(" * 64 + "1" + ")" * 64 + " & 1" * 2000, True),
    ]
    for text, expected in cases:
        assert len(text) <= MAX_LENGTH
        expr = parse(text)
        assert evaluate(expr, {"a"}) is expected
        render(expr)


# --- helpers: participants, approver number, validate, verify ------------------------------


def test_participants_in_order_of_first_use() -> None:
    expr = parse(f"{B} + {A} + ({B} & {PK}) > 1 & TXVALUE < 5")
    assert participants(expr) == (B, A, PK, "TXVALUE")
    assert participants(parse("1 + 2 > 0")) == ()


def test_approver_number() -> None:
    assert approver_number(f"{A} + {B} > 1") == 1
    assert approver_number(f"{A} > -1") == -1
    assert approver_number(f"{A}+{B}>1") == 1
    with pytest.raises(PolicyError, match=r"^no values found in the input string$"):
        approver_number(" \t ")
    with pytest.raises(PolicyError) as info:
        approver_number(f"({A} > 0)")
    assert info.value.message == (
        """error converting ')' to int: strconv.Atoi: parsing ")": invalid syntax"""
    )
    with pytest.raises(PolicyError) as info:
        approver_number(f"1 < {A}")
    assert info.value.message == (
        f"""error converting '{A}' to int: strconv.Atoi: parsing "{A}": invalid syntax"""
    )
    with pytest.raises(PolicyError) as info:
        approver_number("(1 + 1")
    assert info.value.message == "error parsing definition: '(' is never closed at position 0"


def check(definition: str, parts: list[str]) -> str | None:
    try:
        validate(definition, parts, check_address=fake_check_address)
    except PolicyError as e:
        return e.message
    return None


@pytest.mark.parametrize(
    ("definition", "parts"),
    [
        (f"{A} + {B} > 1", [A, B]),
        (f"{A} > 0", [A]),
        (f"{A}+{B}>1", [A, B]),
        (f"passkey{{passkey_id}} + {B} > 1", ["passkey{passkey_id}", B]),
        (f"{A} + {B} > -1", [A, B]),
        (f"({A} + {B} > 1) & {C} > 0", [A, B, C]),
        ("keyring1abc + 1 > 0", ["keyring1abc"]),
    ],
)
def test_validate_accepts(definition: str, parts: list[str]) -> None:
    assert check(definition, parts) is None
    assert isinstance(validate(definition, parts, check_address=fake_check_address), Expr)


@pytest.mark.parametrize(
    ("definition", "parts", "message"),
    [
        # zrChain's checks, order and messages (docs/policy-language.md)
        (f"{A} > 0", [], "no participants"),
        ("", [A], "no definition"),
        (f"{A} > 0", ["", A], "no address for "),
        (f"{A} > 0", [A, B], f"participant {B} not found in expression"),
        (f"{A} + {B} > 0", [A, B, A], f"duplicate address for {A}"),
        (
            "some-invalid-address + 1 > 0",
            ["some-invalid-address"],
            "invalid address decoding bech32 failed: invalid separator index -1",
        ),
        (f"{A} + u2 > 1", [A], "number of participants is less than the approver number"),
        (f"{A} > 1", [A], "number of participants is less than the approver number"),
        (f"{A} > 2", [A], "number of participants is less than the approver number"),
        (
            f"({A} + {B} > 1)",
            [A, B],
            """error getting approver number: error converting ')' to int: """
            """strconv.Atoi: parsing ")": invalid syntax""",
        ),
        (
            f"1 < {A} + {B}",
            [A, B],
            f"""error getting approver number: error converting '{B}' to int: """
            f"""strconv.Atoi: parsing "{B}": invalid syntax""",
        ),
        (f"{A} + u2 > 0", [A], "participant u2 not provided"),
        (f"{A} + TXVALUE > 0", [A], "participant TXVALUE not provided"),
        # zrChain reports the first participant's problems before the parse error
        (f"{A} / 2 > 0", [B], f"participant {B} not found in expression"),
        # fixes: malformed definitions are rejected with the parser's message
        (
            f"{A} / 2 > 0",
            [A],
            "error getting approver number: error parsing definition: "
            "operator '/' is not supported at position 43",
        ),
        (
            f"({A} + {B} > 1",
            [A, B],
            "error getting approver number: error parsing definition: "
            "'(' is never closed at position 0",
        ),
        (
            f"{A} + {B} > 1.5",
            [A, B],
            "error getting approver number: error parsing definition: "
            "decimal numbers are not supported at position 90",
        ),
        # fixes: every name and passkey id must be a participant, written exactly
        (f"{A} + passkey{{zzz}} > 0", [A], "participant passkey{zzz} not provided"),
        (f"{A} + {A.upper()} > 0", [A], f"participant {A.upper()} not provided"),
        # fixes: a participant must appear as a whole name, not inside another one
        (f"{A}x + {B} > 0", [A, B], f"participant {A}x not provided"),
        (f"{A}x > 0", [A, f"{A}x"], f"participant {A} not found in expression"),
    ],
)
def test_validate_rejects(definition: str, parts: list[str], message: str) -> None:
    assert check(definition, parts) == message


def test_validate_whitespace_definition_fails_on_first_participant() -> None:
    assert check("   ", [A]) == f"participant {A} not found in expression"


def test_verify() -> None:
    definition = f"{A} + {B} + {C} > 1"
    verify(definition, [A, C])
    verify(parse(definition), {B, C, "someone-else"})
    with pytest.raises(PolicyError, match=r"^expression not satisfied$"):
        verify(definition, [A, "someone-else", A])
    # policy data never changes the outcome (zrChain substitutes it textually)
    with pytest.raises(PolicyError, match=r"^expression not satisfied$"):
        verify(f"{A} + TXVALUE > 1", [A], {"TXVALUE": b"5", f"challenge-{PK}": b"\x00" * 32})
    # a stored definition we cannot parse (e.g. imported) is never satisfied
    with pytest.raises(PolicyError, match=r"^expression not satisfied$"):
        verify(f"{A} * 1.5 > 1", [A])


def test_verify_passkey_vector() -> None:
    """docs/identity-policy.md: approver plus its passkey satisfy ``… > 1``."""
    definition = f"testApprover + {PK} > 1"
    verify(definition, ["testApprover", PK])
    with pytest.raises(PolicyError, match=r"^expression not satisfied$"):
        verify(definition, ["testApprover"])


def test_address_to_participant() -> None:
    assert address_to_participant([A, PK], PK) == PK
    with pytest.raises(PolicyError, match=r"^address not a participant of this policy$"):
        address_to_participant([A, PK], A.upper())


# --- properties ---------------------------------------------------------------------------

TOKEN_SOUP = st.lists(
    st.sampled_from([*"0123456789 \t\n()!+-*/^<>&|.$=pabcz{}_\r", "passkey{"]), max_size=60
).map("".join)
NAMES = ("zen1alice", "zen1bobby", "zen1carol", "zen1daves")  # none contains another


def _chain(first: str, rest: list[tuple[str, str]], sep: str) -> str:
    return first + "".join(f"{sep}{op}{sep}{term}" for op, term in rest)


ATOMS = st.one_of(
    st.integers(0, 9).map(str),
    st.integers(1, 9).map(lambda n: f"-{n}"),
    st.sampled_from(NAMES),
)
WELL_FORMED = st.recursive(
    ATOMS,
    lambda inner: st.one_of(
        inner.map(lambda s: f"({s})"),
        st.builds(
            _chain,
            inner,
            st.lists(st.tuples(st.sampled_from("+-*<>&|"), inner), min_size=1, max_size=4),
            st.sampled_from(["", " "]),
        ),
    ),
    max_leaves=24,
)


WITH_NOT = st.recursive(
    st.one_of(ATOMS, st.just(PK)),
    lambda inner: st.one_of(
        inner.map(lambda s: f"!{s}"),
        inner.map(lambda s: f"({s})"),
        st.builds(
            _chain,
            inner,
            st.lists(st.tuples(st.sampled_from("+-*<>&|"), inner), min_size=1, max_size=3),
            st.sampled_from(["", " "]),
        ),
    ),
    max_leaves=20,
)


@pytest.mark.timeout(120)
@settings(max_examples=600, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.text(max_size=120), TOKEN_SOUP), data=st.data())
def test_any_input_parses_or_fails_cleanly(text: str, data: st.DataObject) -> None:
    try:
        expr = parse(text)
    except PolicyParseError as e:
        assert 0 <= e.position <= max(len(text), MAX_LENGTH)
        return
    names = participants(expr)
    approved = data.draw(st.sets(st.sampled_from(names)) if names else st.just(set()))
    assert isinstance(evaluate(expr, approved), bool)
    assert abs(value(expr, approved)) <= MAX_VALUE


@pytest.mark.timeout(120)
@settings(max_examples=300, deadline=1000)
@given(
    definition=st.one_of(st.text(max_size=60), TOKEN_SOUP),
    parts=st.lists(st.one_of(st.sampled_from(NAMES), st.text(max_size=12)), max_size=4),
    approvers=st.lists(st.text(max_size=12), max_size=4),
)
def test_policy_helpers_only_raise_policy_errors(
    definition: str, parts: list[str], approvers: list[str]
) -> None:
    for call in (
        lambda: validate(definition, parts, check_address=fake_check_address),
        lambda: verify(definition, approvers),
        lambda: approver_number(definition),
    ):
        with contextlib.suppress(PolicyError):
            call()


@settings(max_examples=400, deadline=1000)
@given(definition=WITH_NOT, data=st.data())
def test_grammar_generated_expressions_parse_evaluate_and_round_trip(
    definition: str, data: st.DataObject
) -> None:
    try:
        expr = parse(definition)
    except PolicyParseError as e:
        assume("2**53" not in e.message)
        raise
    grouping = render(expr)
    assert render(parse(grouping)) == grouping
    approved = data.draw(st.sets(st.sampled_from([*NAMES, PK])))
    assert isinstance(evaluate(expr, approved), bool)
    assert set(participants(expr)) <= {*NAMES, PK}


@settings(max_examples=400, deadline=1000)
@given(definition=WELL_FORMED)
def test_same_results_as_zrchain_when_every_participant_approved(definition: str) -> None:
    """Grammar, precedence and arithmetic match zrChain's (no '!', no skipped names)."""
    try:
        expr = parse(definition)
    except PolicyParseError as e:
        assume("2**53" not in e.message)  # the only rejection for this grammar
        raise
    substituted = definition
    for name in NAMES:
        substituted = substituted.replace(name, "1")
    assert value(expr, set(NAMES)) == go.solve(substituted)
    assert evaluate(expr, set(NAMES)) is go.verify(definition, set(NAMES))


THRESHOLD_CHAIN = st.builds(
    _chain,
    st.one_of(st.sampled_from(NAMES), st.integers(-3, 5).map(str)),
    st.lists(
        st.one_of(
            st.tuples(st.sampled_from("+&|"), st.sampled_from(NAMES)),
            st.tuples(st.sampled_from("+-<>&|"), st.integers(-3, 5).map(str)),
        ),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from(["", " "]),
)


@settings(max_examples=400, deadline=1000)
@given(definition=THRESHOLD_CHAIN, approved=st.sets(st.sampled_from(NAMES)))
def test_same_results_as_zrchain_for_threshold_chains(definition: str, approved: set[str]) -> None:
    """Flat chains like ``a + b + c > 1 & d`` behave as in zrChain for any approval set."""
    assert evaluate(parse(definition), approved) is go.verify(definition, approved)


MONOTONE = st.recursive(
    st.one_of(st.sampled_from(NAMES), st.integers(0, 3).map(str)),
    lambda inner: st.one_of(
        st.builds(lambda x, op, y: f"({x} {op} {y})", inner, st.sampled_from("+*&|"), inner),
        st.builds(lambda x, k: f"({x} > {k})", inner, st.integers(-1, 4)),
        st.builds(lambda k, x: f"({k} < {x})", st.integers(-1, 4), inner),
    ),
    max_leaves=16,
)


@settings(max_examples=400, deadline=1000)
@given(
    definition=st.one_of(MONOTONE, THRESHOLD_CHAIN.filter(lambda s: not set(s) & set("-<"))),
    before=st.sets(st.sampled_from(NAMES)),
    more=st.sets(st.sampled_from(NAMES)),
)
def test_more_approvals_keep_a_threshold_policy_satisfied(
    definition: str, before: set[str], more: set[str]
) -> None:
    """Built from + * & | and comparisons that grow with their participant side: adding
    approvals never makes a satisfied policy unsatisfied. ('!', '-' and 'x < k' can.)"""
    expr = parse(definition)
    if evaluate(expr, before):
        assert evaluate(expr, before | more)


@pytest.mark.parametrize("k", range(-1, 4))
def test_k_of_n_thresholds_are_monotone(k: int) -> None:
    expr = parse(" + ".join(NAMES) + f" > {k}")
    subsets = [{n for i, n in enumerate(NAMES) if mask >> i & 1} for mask in range(16)]
    for s in subsets:
        assert evaluate(expr, s) is (len(s) > k)
