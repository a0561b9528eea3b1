"""Branch and prefix layers behave like a plain ordered map."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zrchain.store.kv import Branch, PrefixStore, prefix_end


class DictStore:
    """An ordered in-memory base store for layer tests."""

    def __init__(self, data: dict[bytes, bytes] | None = None) -> None:
        self.data = dict(data or {})

    def get(self, key):
        return self.data.get(key)

    def set(self, key, value):
        self.data[key] = value

    def delete(self, key):
        self.data.pop(key, None)

    def iterate(self, start=None, end=None, reverse=False):
        ks = sorted(
            k for k in self.data if (start is None or k >= start) and (end is None or k < end)
        )
        if reverse:
            ks.reverse()
        for k in ks:
            yield k, self.data[k]


key = st.binary(min_size=0, max_size=4)
ops = st.lists(st.tuples(st.booleans(), key, st.binary(max_size=3)), max_size=60)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(key, st.binary(max_size=3)), ops, ops, key, key, st.booleans())
def test_stacked_branches_match_a_dict(base, ops1, ops2, a, b, reverse) -> None:
    model = dict(base)
    root = DictStore(base)
    b1 = Branch(root)
    b2 = Branch(b1)
    for layer, ops_ in ((b1, ops1), (b2, ops2)):
        for is_set, k, v in ops_:
            if is_set:
                layer.set(k, v)
                model[k] = v
            else:
                layer.delete(k)
                model.pop(k, None)
    lo, hi = min(a, b), max(a, b)
    expect = sorted((k, v) for k, v in model.items() if lo <= k < hi)
    if reverse:
        expect.reverse()
    assert list(b2.iterate(lo, hi, reverse)) == expect
    for k in model:
        assert b2.get(k) == model[k]
    b2.write()
    b1.write()
    assert root.data == model


def test_discarded_branch_changes_nothing() -> None:
    root = DictStore({b"a": b"1"})
    br = Branch(root)
    br.set(b"a", b"2")
    br.set(b"b", b"3")
    br.discard()
    assert root.data == {b"a": b"1"}
    assert br.get(b"a") == b"1"


def test_prefix_store_strips_and_bounds() -> None:
    root = DictStore({b"bank/x": b"1", b"bank/y": b"2", b"bankz": b"3", b"auth/a": b"4"})
    ps = PrefixStore(Branch(root), b"bank/")
    assert list(ps.iterate()) == [(b"x", b"1"), (b"y", b"2")]
    assert list(ps.iterate(reverse=True)) == [(b"y", b"2"), (b"x", b"1")]
    ps.set(b"z", b"9")
    assert ps.get(b"z") == b"9"
    assert ps.parent.get(b"bank/z") == b"9"


def test_prefix_end() -> None:
    assert prefix_end(b"a") == b"b"
    assert prefix_end(b"a\xff") == b"b"
    assert prefix_end(b"\xff\xff") is None


def test_metered_prefix_store_charges_like_gaskv_over_prefix() -> None:
    """The fused layer must charge exactly what GasKV(PrefixStore(...)) charges."""
    from zrchain.gas import GasKV, GasMeter, MeteredPrefixStore

    def run(make):
        meter = GasMeter(None)
        root = DictStore({b"m/a": b"12", b"m/b": b"345", b"n/c": b"x"})
        s = make(Branch(root), meter)
        s.get(b"a"), s.get(b"zz"), s.has(b"b"), s.set(b"c", b"vvv"), s.delete(b"a")
        items = list(s.iterate())
        return meter.consumed, items

    fused = run(lambda r, m: MeteredPrefixStore(r, b"m/", m))
    layered = run(lambda r, m: GasKV(PrefixStore(r, b"m/"), m))
    assert fused == layered


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(key, st.binary(max_size=3)), key, st.one_of(st.none(), key))
def test_level_view_iterates_like_a_dict_both_ways(tmp_path_factory, data, lo, hi) -> None:
    """plyvel 1.5's reverse iterator yields nothing for a range holding one key."""
    import plyvel

    from zrchain.store.kv import LevelView

    db = plyvel.DB(str(tmp_path_factory.mktemp("db")), create_if_missing=True)
    for k, v in data.items():
        db.put(b"s" + k, v)
    db.put(b"r", b"before")
    db.put(b"t", b"after")
    view = LevelView(db.snapshot(), b"s")
    expect = sorted((k, v) for k, v in data.items() if k >= lo and (hi is None or k < hi))
    assert list(view.iterate(lo, hi)) == expect
    assert list(view.iterate(lo, hi, reverse=True)) == expect[::-1]
    db.close()
