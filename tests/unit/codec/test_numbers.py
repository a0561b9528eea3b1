"""Coins, ints and decimals read with the Cosmos SDK's grammar: ASCII digits only, within
its limits (math.Int 256 bits, LegacyDec 18 places and 315 bits), errors that say what is
wrong and are always ``ChainError`` (a tx result), never an internal error.

The issue: Arabic-Indic "100" was accepted as 100, a superscript two as a fee gave
``internal``, a 5,000-digit amount gave ``internal`` (Python's ``int()`` takes other
scripts' digits and refuses more than 4,300 digits with a ValueError).
"""

from __future__ import annotations

import contextlib
from fractions import Fraction

import pytest
from click.testing import CliRunner
from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest
from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin as CoinProto
from hypothesis import given
from hypothesis import strategies as st

from zrchain.codec.coins import (
    DEC_PRECISION,
    GO_SPACE,
    MAX_AMOUNT,
    MAX_DEC_BITS,
    Coin,
    Coins,
    parse_coins,
    parse_dec,
    parse_dec_coins,
    parse_int,
)
from zrchain.codec.ints import IntSyntaxError, parse_go_int
from zrchain.codec.json import from_dict
from zrchain.errors import ChainError, ErrInvalidCoins

NON_ASCII_DIGITS = st.characters(categories=["Nd", "No"]).filter(lambda c: not c.isascii())
DENOMS = st.from_regex(r"[a-zA-Z][a-zA-Z0-9/:._-]{2,20}", fullmatch=True)

# Digits that Python's int() reads and Go's parsers do not.
ARABIC_100 = "\u0661\u0660\u0660"  # Arabic-Indic 100
ARABIC_10, ARABIC_3, ARABIC_1 = "\u0661\u0660", "\u0663", "\u0661"
SUPERSCRIPT_2 = "\u00b2"
FULLWIDTH_100 = "\uff11\uff10\uff10"


def refused(fn, text) -> ChainError:
    with pytest.raises(ChainError) as info:
        fn(text)
    assert info.value.kind == ErrInvalidCoins
    assert len(info.value.log) < 300  # a long input is not echoed whole
    return info.value


@pytest.mark.parametrize(
    "text",
    [
        ARABIC_100,
        SUPERSCRIPT_2,
        "1" + SUPERSCRIPT_2,
        ARABIC_3,
        FULLWIDTH_100,
        "1_000",
        "+5",
        "0x10",
        "010",
        " 5",
        "5 ",
        "",
        "-",
        "1e3",
        "9" * 5000,
        str(MAX_AMOUNT + 1),
    ],
)
def test_int_refuses_what_the_sdk_refuses_or_reads_otherwise(text) -> None:
    err = refused(parse_int, text)
    assert "invalid amount" in err.log


def test_int_accepts_up_to_256_bits() -> None:
    assert parse_int(str(MAX_AMOUNT)) == MAX_AMOUNT
    assert parse_int("-" + str(MAX_AMOUNT)) == -MAX_AMOUNT
    assert parse_int("0") == 0


@given(st.integers(-MAX_AMOUNT, MAX_AMOUNT))
def test_int_round_trips_every_value_in_range(n) -> None:
    assert parse_int(str(n)) == n


@given(st.text(max_size=100))
def test_int_is_an_int_or_a_chain_error(text) -> None:
    try:
        value = parse_int(text)
    except ChainError:
        return
    assert text.isascii() and str(value) == text.replace("-0", "0", 1)


@given(st.text(min_size=1, max_size=5).map(lambda s: s) | NON_ASCII_DIGITS)
def test_no_non_ascii_character_makes_a_number(text) -> None:
    if text.isascii():
        return
    for fn in (parse_int, parse_dec, parse_coins, parse_dec_coins):
        if fn in (parse_coins, parse_dec_coins) and not text.strip(GO_SPACE):
            assert not fn(text)  # blank (Go's unicode.IsSpace, e.g. U+0085): no coins, as the SDK
            continue
        with pytest.raises(ChainError):
            fn(text)
        with pytest.raises(ChainError):
            fn(text + "urock" if fn in (parse_coins, parse_dec_coins) else text)


@given(
    st.integers(0, 10**30),
    st.integers(0, DEC_PRECISION).flatmap(
        lambda places: st.tuples(st.just(places), st.integers(0, 10**places - 1 if places else 0))
    ),
)
def test_dec_reads_up_to_18_places_exactly(whole, frac) -> None:
    places, digits = frac
    text = f"{whole}.{digits:0{places}d}" if places else str(whole)
    assert parse_dec(text) == whole + Fraction(digits, 10**places)


def test_dec_limits_and_errors() -> None:
    assert parse_dec("0." + "0" * 17 + "1") == Fraction(1, 10**18)
    assert "19 decimal places" in refused(parse_dec, "0." + "0" * 18 + "1").log
    assert "out of range" in refused(parse_dec, "9" * 200).log
    biggest = MAX_COIN_STRING_AMOUNT  # its scaled value still fits in 315 bits
    assert parse_dec(str(biggest)) == biggest
    assert "out of range" in refused(parse_dec, str(biggest * 2)).log
    for text in (".5", "5.", "1.2.3", ARABIC_1, "--1", "1,5"):
        refused(parse_dec, text)


# A coin string is read as a LegacyDec first (the SDK's ParseCoinsNormalized), so its
# largest amount is the largest whole LegacyDec, just under 2^256.
MAX_COIN_STRING_AMOUNT = ((1 << MAX_DEC_BITS) - 1) // 10**DEC_PRECISION


@given(st.dictionaries(DENOMS, st.integers(1, MAX_COIN_STRING_AMOUNT), min_size=1, max_size=4))
def test_coin_strings_round_trip(coins) -> None:
    text = ",".join(f"{a}{d}" for d, a in coins.items())
    assert parse_coins(text) == Coins.of(Coin(d, a) for d, a in coins.items())


@given(st.text(max_size=60))
def test_coin_strings_parse_or_raise_a_chain_error(text) -> None:
    for fn in (parse_coins, parse_dec_coins):
        with contextlib.suppress(ChainError):
            fn(text)


def test_coin_strings_follow_the_sdk_grammar() -> None:
    assert parse_coins(" 5 urock , 2uatom ") == Coins.of([Coin("urock", 5), Coin("uatom", 2)])
    assert parse_coins("5\turock") == Coins.of([Coin("urock", 5)])  # [[:space:]] between
    assert parse_coins("0urock") == Coins()  # zero coins are dropped, as the SDK does
    assert parse_coins("1.000urock") == Coins.of([Coin("urock", 1)])
    assert [str(c) for c in parse_dec_coins("0.0001urock")] == ["0.000100000000000000urock"]
    assert "whole number" in refused(parse_coins, "1.5urock").log
    assert "duplicate denomination urock" in refused(parse_coins, "1urock,2urock").log
    for text in (
        ARABIC_100 + "urock",
        SUPERSCRIPT_2 + "urock",
        "5 u rock",
        "urock",
        "5",
        "5u",
        "5urock,",
        "-5urock",
        "5\u00a0urock",
        "9" * 5000 + "urock",
    ):
        refused(parse_coins, text)


def test_proto_coins_are_checked_where_they_enter() -> None:
    """Coins.from_protos is what tx decoding and genesis use for Coin messages."""
    assert Coins.from_protos([CoinProto(denom="urock", amount="100")]) == Coins.of(
        [Coin("urock", 100)]
    )
    for amount in (ARABIC_100, SUPERSCRIPT_2, "9" * 5000, "0100"):
        with pytest.raises(ChainError) as info:
            Coins.from_protos([CoinProto(denom="urock", amount=amount)])
        assert info.value.kind == ErrInvalidCoins


@given(st.integers(0, (1 << 64) - 1))
def test_go_uint64_round_trips(n) -> None:
    assert parse_go_int(str(n)) == n


@pytest.mark.parametrize(
    "text,bits,signed",
    [
        (ARABIC_10, 64, False),
        ("1_0", 64, False),
        (str(1 << 64), 64, False),
        ("-1", 64, False),
        ("", 64, False),
        ("1e3", 64, False),
        (str(1 << 63), 64, True),
        ("9" * 5000, 64, False),
    ],
)
def test_go_ints_refuse_what_strconv_refuses(text, bits, signed) -> None:
    with pytest.raises(IntSyntaxError):
        parse_go_int(text, bits, signed)


def test_json_integer_fields_take_ascii_digits_only() -> None:
    """Genesis, REST bodies and CLI JSON go through from_dict; protobuf's own parser would
    read Arabic-Indic digits and ``1_0`` as numbers."""
    assert from_dict({"limit": "10"}, PageRequest()).limit == 10
    for bad in (ARABIC_10, "1_0", SUPERSCRIPT_2):
        with pytest.raises(ValueError, match="not an integer"):
            from_dict({"limit": bad}, PageRequest())
    with pytest.raises(ValueError, match="not an integer"):  # inside an Any, too
        from_dict(
            {"@type": "/cosmos.base.query.v1beta1.PageRequest", "offset": ARABIC_3},
            __import__("google.protobuf.any_pb2", fromlist=["Any"]).Any(),
        )


@pytest.mark.parametrize(
    "flags,says",
    [
        (["--gas", "99999999999999999999999"], "invalid --gas"),
        (["--gas", ARABIC_100], "invalid --gas"),
        (["--gas", "-5"], "invalid --gas"),
        (["--gas", str(1 << 63)], "invalid --gas"),
        (["--sequence", "1" * 30], "'--sequence'"),
        (["--timeout-height", ARABIC_3], "'--timeout-height'"),
        (["--fees", SUPERSCRIPT_2 + "urock"], "invalid --fees"),
        (["--fees", "9" * 5000 + "urock"], "invalid --fees"),
        (["--gas-prices", "0.1.2urock"], "invalid --gas-prices"),
        (["--gas-adjustment", "nan"], "invalid --gas-adjustment"),
    ],
)
def test_cli_number_flags_give_a_clean_error(tmp_path, flags, says) -> None:
    """The issue: an out-of-range --gas printed a traceback."""
    from zrchain.cli.main import cli

    args = [
        "tx",
        "bank",
        "send",
        "zen1a",
        "zen1b",
        "1urock",
        "--home",
        str(tmp_path),
        "--node",
        "tcp://127.0.0.1:1",
        "--chain-id",
        "zenrock",
        "-y",
        *flags,
    ]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code != 0
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "Traceback" not in res.output
    assert says in res.output, res.output
    assert len(res.output) < 1000


@pytest.mark.parametrize(
    "edit,says",
    [
        (
            lambda s: s["bank"]["balances"][0]["coins"][0].update(amount=ARABIC_100),
            "invalid amount",
        ),
        (lambda s: s["bank"]["balances"][0]["coins"][0].update(amount="9" * 5000), "out of range"),
        (lambda s: s["auth"]["accounts"][0].update(account_number=ARABIC_3), "not an integer"),
    ],
)
def test_genesis_numbers_are_checked(tmp_path, edit, says) -> None:
    import json

    from zrchain.cli.main import cli

    home = str(tmp_path / "home")
    runner = CliRunner()
    res = runner.invoke(cli, ["init", "n", "--chain-id", "zenrock", "--home", home])
    assert res.exit_code == 0, res.output
    from zrchain.codec.address import acc_string

    addr = acc_string(bytes(range(20)))
    res = runner.invoke(cli, ["genesis", "add-genesis-account", addr, "100urock", "--home", home])
    assert res.exit_code == 0, res.output
    path = tmp_path / "home" / "config" / "genesis.json"
    doc = json.loads(path.read_text())
    edit(doc["app_state"])
    path.write_text(json.dumps(doc))
    res = runner.invoke(cli, ["genesis", "validate", "--home", home])
    assert res.exit_code != 0 and says in res.output, res.output
    assert "Traceback" not in res.output and len(res.output) < 1000


def test_start_refuses_bad_minimum_gas_prices(tmp_path) -> None:
    """app.toml / --minimum-gas-prices: refused at start with one clear line (it would
    otherwise refuse every tx at CheckTx)."""
    from zrchain.cli.main import cli

    home = str(tmp_path / "home")
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "n", "--chain-id", "zenrock", "--home", home]).exit_code == 0
    res = runner.invoke(
        cli,
        ["start", "--home", home, "--no-comet", "--minimum-gas-prices", "0." + "1" * 19 + "urock"],
    )
    assert res.exit_code != 0 and "invalid minimum-gas-prices" in res.output, res.output
    assert "Traceback" not in res.output


def test_coin_lists_trim_what_go_trims_and_nothing_else() -> None:
    """The SDK's ParseCoinsNormalized/ParseDecCoins trim with strings.TrimSpace (Unicode
    White_Space), so NEL and NBSP around a list are ignored, but the ASCII separators
    0x1c-0x1f that Python's str.strip() would drop are refused."""
    assert parse_coins("\x851urock\xa0") == parse_coins("1urock")
    assert parse_dec_coins("\u30000.5urock") == parse_dec_coins("0.5urock")
    for sep in "\x1c\x1d\x1e\x1f":
        with pytest.raises(ChainError):
            parse_coins(sep + "1urock")
