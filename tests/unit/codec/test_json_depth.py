"""The JSON nesting check that runs before parsing input from outside (REST bodies,
passkey client data): exact depth, strings and escapes skipped, no recursion."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zrchain.codec.json import JSONTooDeep, check_depth, loads

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab\n', max_size=6),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(alphabet='[]{}"\\ab', max_size=4), children, max_size=3),
    max_leaves=25,
)


def depth(v: object) -> int:
    if isinstance(v, list):
        return 1 + max((depth(x) for x in v), default=0)
    if isinstance(v, dict):
        return 1 + max((depth(x) for x in v.values()), default=0)
    return 0


@settings(max_examples=500, deadline=None)
@given(values)
def test_depth_is_exact_whatever_the_strings_contain(v) -> None:
    text = json.dumps(v)
    d = depth(v)
    check_depth(text, d)
    assert loads(text, d) == v
    if d:
        with pytest.raises(JSONTooDeep):
            check_depth(text, d - 1)


def test_far_past_the_recursion_limit_is_a_clean_error() -> None:
    text = "[" * 1_000_000 + "]" * 1_000_000
    with pytest.raises(JSONTooDeep, match="deeper than 64"):
        loads(text, 64)
    with pytest.raises(JSONTooDeep):
        loads(b'{"a": ' + b"{" * 100 + b"}" * 100 + b"}", 64)
    assert loads(b'{"a": "' + b"[" * 10_000 + b'"}', 1) == {"a": "[" * 10_000}
