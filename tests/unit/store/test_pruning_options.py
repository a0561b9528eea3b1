"""app.toml's pruning settings read as Cosmos SDK v0.50 reads them (store/pruning/types,
server/pruning.go, server/config ValidateBasic): values, validation and messages."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from zrchain import config
from zrchain.store.pruning import PruningConfigError, PruningOptions


@pytest.mark.parametrize(
    ("strategy", "keep", "interval"),
    [("default", 362880, 10), ("everything", 2, 10), ("nothing", 0, 0), ("DEFAULT", 362880, 10)],
)
def test_named_strategies_ignore_the_numbers(strategy, keep, interval) -> None:
    opts = PruningOptions.parse(strategy, "junk", -1)  # read only for custom, as in the SDK
    assert (opts.keep_recent, opts.interval) == (keep, interval)


@pytest.mark.parametrize(
    ("keep", "interval", "says"),
    [
        ("100", "0", "'pruning-interval' must not be 0. If you want to disable pruning, "
         'select pruning = "nothing"'),
        ("100", "9", "'pruning-interval' must not be less than 10. For the most aggressive "
         'pruning, select pruning = "everything"'),
        ("1", "10", "'pruning-keep-recent' must not be less than 2. For the most aggressive "
         'pruning, select pruning = "everything"'),
        (str(2**63), "10", "'pruning-keep-recent' must not be greater than 2^63-1"),
        ("-5", "10", "invalid pruning-keep-recent '-5': not a non-negative integer"),
        ("10", "1e3", "invalid pruning-interval '1e3': not a non-negative integer"),
        ("\u0661\u0660", "10", "not a non-negative integer"),  # Arabic-Indic digits
        (True, "10", "not a non-negative integer"),
    ],
)
def test_custom_numbers_are_validated_with_the_sdk_messages(keep, interval, says) -> None:
    with pytest.raises(PruningConfigError) as err:
        PruningOptions.parse("custom", keep, interval)
    assert says in str(err.value)
    assert str(err.value).startswith(("invalid custom pruning options: ", "invalid pruning-"))


def test_custom_accepts_toml_integers_and_the_sdks_strings() -> None:
    assert PruningOptions.parse("custom", 100, 10) == PruningOptions("custom", 100, 10)
    assert PruningOptions.parse("custom", " 7 ", "25") == PruningOptions("custom", 7, 25)


def test_an_unknown_strategy_is_refused() -> None:
    with pytest.raises(PruningConfigError, match="unknown pruning strategy 'some'"):
        PruningOptions.parse("some")


def test_everything_refuses_state_sync_snapshots() -> None:
    with pytest.raises(PruningConfigError, match="cannot enable state sync snapshots with "
                       "'everything' pruning setting"):
        PruningOptions.parse("everything").check_snapshots(100)
    PruningOptions.parse("default").check_snapshots(100)


@pytest.mark.parametrize(
    ("opts", "height", "earliest"),
    [
        (PruningOptions.parse("everything"), 10, 8),  # heights 8, 9, 10 stay
        (PruningOptions.parse("everything"), 11, None),  # only at multiples of the interval
        (PruningOptions.parse("everything"), 2, None),
        (PruningOptions.parse("custom", 100, 10), 100, None),  # height <= keep-recent
        (PruningOptions.parse("custom", 100, 10), 110, 10),
        (PruningOptions.parse("default"), 362890, 10),
        (PruningOptions.parse("nothing"), 10**6, None),
    ],
)
def test_earliest_kept_height_after_a_commit(opts, height, earliest) -> None:
    """The SDK prunes up to height - keep-recent - 1 at heights % interval == 0."""
    assert opts.earliest_after_commit(height) == earliest


def test_app_toml_carries_the_sdk_keys(tmp_path) -> None:
    cfg = config.NodeConfig()
    assert (cfg.pruning, cfg.pruning_keep_recent, cfg.pruning_interval) == ("default", "0", "0")
    config.save(tmp_path, cfg)
    text = config.app_toml_path(tmp_path).read_text()
    assert 'pruning = "default"\npruning-keep-recent = "0"\npruning-interval = "0"' in text
    config.app_toml_path(tmp_path).write_text(
        text.replace('pruning = "default"', 'pruning = "custom"')
        .replace('pruning-keep-recent = "0"', "pruning-keep-recent = 50")
        .replace('pruning-interval = "0"', 'pruning-interval = "20"')
    )
    assert config.load(tmp_path).pruning_options() == PruningOptions("custom", 50, 20)


def test_start_refuses_bad_pruning_settings_with_one_line(tmp_path) -> None:
    from zrchain.cli.main import cli

    home = tmp_path / "home"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "n", "--chain-id", "zenrock", "--home", str(home)]) \
        .exit_code == 0
    cfg = config.load(home)
    cfg.pruning, cfg.pruning_interval = "custom", "5"
    config.save(home, cfg)
    res = runner.invoke(cli, ["start", "--home", str(home), "--no-comet"])
    assert res.exit_code != 0 and "invalid pruning settings in app.toml" in res.output
    assert "'pruning-interval' must not be less than 10" in res.output
    assert "Traceback" not in res.output and len(res.output.strip().splitlines()) == 1


def test_start_refuses_a_data_dir_of_a_newer_layout_with_one_line(tmp_path) -> None:
    from zrchain.cli.main import cli
    from zrchain.node import app_data_dir
    from zrchain.store.app_store import AppStore

    home = tmp_path / "home"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "n", "--chain-id", "zenrock", "--home", str(home)]) \
        .exit_code == 0
    store = AppStore(app_data_dir(home))
    store.db.put(b"mlayout", b"3")
    store.close()
    res = runner.invoke(cli, ["start", "--home", str(home), "--no-comet"])
    assert res.exit_code != 0 and "cannot start:" in res.output and "layout 3" in res.output
    assert "Traceback" not in res.output and len(res.output.strip().splitlines()) == 1
