"""``zrchaind mpc-keeper``: init, start, status, and key checks from the seed alone.

Mounted by ``zrchain.cli.main``; until then ``python -m zrchain.mpc.cli`` runs it.
Errors print one line to stderr (never secret material) and exit 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from zrchain.mpc.config import ConfigError, KeeperConfig
from zrchain.mpc.seed import PASSPHRASE_ENV, Secret, SeedError

KEYRING_PASSPHRASE_ENV = "ZRCHAIN_KEYRING_PASSPHRASE"


def _fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=True))


def _load_config(path: str) -> KeeperConfig:
    from zrchain.mpc import config

    try:
        return config.load(path)
    except ConfigError as exc:
        _fail(str(exc))


def _seed_passphrase(file: str, new: bool) -> str:
    from zrchain.mpc.seed import passphrase_from

    value = passphrase_from(file or None)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        _fail(f"no seed passphrase: set ${PASSPHRASE_ENV} or [signer] seed_passphrase_file")
    return str(click.prompt("Seed passphrase", hide_input=True, confirmation_prompt=new, err=True))


def _open_seed(cfg: KeeperConfig) -> Secret:
    from zrchain.mpc.seed import read_seed_file

    path = cfg.path(cfg.signer.seed_file)
    file = str(cfg.path(cfg.signer.seed_passphrase_file)) if cfg.signer.seed_passphrase_file else ""
    try:
        return read_seed_file(path, _seed_passphrase(file, new=False))
    except SeedError as exc:
        _fail(str(exc))


def _party_secret(cfg: KeeperConfig) -> Secret:
    """The party's account key from its zrchaind keyring (read once, kept in memory)."""
    from zrchain.crypto.keyring import Keyring, KeyringError

    def provider(prompt: str, new: bool) -> str:
        if cfg.party.passphrase_file:
            text = cfg.path(cfg.party.passphrase_file).read_text()
            return text.splitlines()[0] if text else ""
        env = os.environ.get(KEYRING_PASSPHRASE_ENV)
        if env is not None:
            return env
        if not sys.stdin.isatty():
            _fail(
                f"no keyring passphrase: set ${KEYRING_PASSPHRASE_ENV} or [party] passphrase_file"
            )
        return str(click.prompt(prompt, hide_input=True, err=True))

    kr = Keyring(cfg.path(cfg.party.keyring_dir), cfg.party.keyring_backend, provider)
    try:
        return Secret(kr.private_key(cfg.party.key_name))
    except (KeyringError, OSError) as exc:
        _fail(f"party key {cfg.party.key_name!r}: {exc}")


@click.group(name="mpc-keeper", context_settings={"help_option_names": ["-h", "--help"]})
def mpc_keeper_group() -> None:
    """Run one party of a keyring: answer its key and signature requests."""


# -- init ---------------------------------------------------------------------------------------
@mpc_keeper_group.command("init")
@click.option(
    "--home", default="mpc-keeper", show_default=True, help="Directory for config, seed, state."
)
@click.option("--keyring-addr", required=True, help="The keyring1... this party serves.")
@click.option("--chain-id", default="zenrock", show_default=True)
@click.option("--node", default="tcp://127.0.0.1:26657", show_default=True, help="CometBFT RPC.")
@click.option("--grpc", default="", help="Optional gRPC host:port for queries.")
@click.option(
    "--from", "key_name", required=True, help="Party account key name in the zrchaind keyring."
)
@click.option("--keyring-backend", default="test", show_default=True)
@click.option(
    "--keyring-dir",
    default="",
    help="zrchaind keyring directory (default: $ZRCHAIN_HOME or ~/.zrchain).",
)
@click.option(
    "--seed-file",
    default="",
    help="Existing seed file to reuse (a replicated keyring's shared seed); default: a new seed.",
)
@click.option(
    "--seed-passphrase-file", default="", help="File whose first line is the seed passphrase."
)
@click.option("--metrics-listen", default="127.0.0.1:9464", show_default=True)
@click.option(
    "--backend",
    type=click.Choice(["local", "threshold"]),
    default="local",
    show_default=True,
    help="local: keys from the seed; threshold: DKLs23/FROST shares, no party holds a key.",
)
@click.option(
    "--listen", default="127.0.0.1:7070", show_default=True, help="threshold: peer listener."
)
@click.option(
    "--peer",
    "peers",
    multiple=True,
    help="threshold: another party of the keyring as zen1...@host:port (repeat).",
)
@click.option("--overwrite", is_flag=True, help="Replace an existing config (never a seed).")
def init_cmd(
    home: str,
    keyring_addr: str,
    chain_id: str,
    node: str,
    grpc: str,
    key_name: str,
    keyring_backend: str,
    keyring_dir: str,
    seed_file: str,
    seed_passphrase_file: str,
    metrics_listen: str,
    backend: str,
    listen: str,
    peers: tuple[str, ...],
    overwrite: bool,
) -> None:
    """Write a config and a new encrypted party seed (or adopt an existing seed file)."""
    from zrchain.mpc import config
    from zrchain.mpc.seed import generate_seed, read_seed_file, write_seed_file

    base = Path(home).resolve()
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    cfg_path = base / "mpc-keeper.toml"
    if cfg_path.exists() and not overwrite:
        _fail(f"{cfg_path} already exists (use --overwrite to replace the config)")
    cfg = KeeperConfig(keyring_address=keyring_addr, base_dir=base)
    cfg.chain.chain_id, cfg.chain.rpc, cfg.chain.grpc = chain_id, node, grpc
    cfg.party.key_name, cfg.party.keyring_backend = key_name, keyring_backend
    from zrchain.cli.common import default_home

    cfg.party.keyring_dir = str(Path(keyring_dir or default_home()).resolve())
    cfg.metrics.listen = metrics_listen
    cfg.signer.backend = backend
    cfg.threshold.listen, cfg.threshold.peers = listen, list(peers)
    if seed_passphrase_file:
        cfg.signer.seed_passphrase_file = str(Path(seed_passphrase_file).resolve())
    try:
        cfg.validate()
    except ConfigError as exc:
        _fail(str(exc))
    passphrase_file = cfg.signer.seed_passphrase_file
    try:
        if seed_file:
            source = Path(seed_file).resolve()
            seed = read_seed_file(source, _seed_passphrase(passphrase_file, new=False))
            cfg.signer.seed_file = str(source)
            from zrchain.mpc.derivation import seed_fingerprint

            fingerprint, created = seed_fingerprint(seed.reveal()), False
        else:
            target = base / "party-seed.json"
            fingerprint = write_seed_file(
                target, generate_seed(), _seed_passphrase(passphrase_file, new=True)
            )
            cfg.signer.seed_file = target.name
            created = True
    except SeedError as exc:
        _fail(str(exc))
    config.save(cfg, cfg_path)
    _echo_json(
        {
            "config": str(cfg_path),
            "seed_file": str(cfg.path(cfg.signer.seed_file)),
            "seed_created": created,
            "seed_fingerprint": fingerprint,
            "keyring_address": keyring_addr,
        }
    )


# -- start ----------------------------------------------------------------------------------
@mpc_keeper_group.command("start")
@click.option("--config", "config_path", required=True, type=click.Path(dir_okay=False))
def start_cmd(config_path: str) -> None:
    """Run the keeper until SIGTERM/SIGINT."""
    cfg = _load_config(config_path)
    from zrchain.mpc import logs

    log = logs.setup(cfg.log.level, str(cfg.path(cfg.log.file)) if cfg.log.file else "")
    seed = _open_seed(cfg)
    account_secret = _party_secret(cfg)
    try:
        asyncio.run(_serve(cfg, seed, account_secret, log))
    except _Fatal as exc:
        log.error("fatal", error=str(exc))
        _fail(str(exc))


class _Fatal(Exception):
    pass


async def _serve(cfg: KeeperConfig, seed: Secret, account_secret: Secret, log: Any) -> None:
    import zrchain.mpc.local  # noqa: F401  (registers the local backend)
    from zrchain.mpc.backend import BackendContext, BackendError, make_backend
    from zrchain.mpc.chainview import RpcChainView
    from zrchain.mpc.follower import BlockFollower
    from zrchain.mpc.keeper import Keeper, PartyAccount
    from zrchain.mpc.metrics import Metrics
    from zrchain.mpc.state import StateError, StateStore

    chain = RpcChainView(cfg.chain.rpc, cfg.chain.chain_id, cfg.chain.grpc)
    account = PartyAccount(account_secret)
    node_chain = await _retry_startup(
        lambda: chain.client.rpc.status()["node_info"]["network"], log
    )
    if node_chain != cfg.chain.chain_id:
        raise _Fatal(
            f"node {cfg.chain.rpc} serves chain {node_chain!r}, config says {cfg.chain.chain_id!r}"
        )
    info = await _retry_startup(lambda: chain.keyring(cfg.keyring_address), log)
    if info is None:
        raise _Fatal(f"keyring {cfg.keyring_address} does not exist on {cfg.chain.chain_id}")
    if account.address not in info.parties:
        log.warning("not_a_party_yet", party=account.address, keyring=info.address)
    ctx = BackendContext(cfg.chain.chain_id, info, account.address)
    metrics = Metrics()
    options: dict[str, object] = {"seed": seed, "log": log}
    if cfg.signer.backend == "threshold":
        options.update(_threshold_options(cfg, seed, account_secret, info, metrics, log))
    try:
        backend = make_backend(cfg.signer.backend, ctx, options)
    except BackendError as exc:
        raise _Fatal(str(exc)) from None
    if cfg.metrics.enabled and cfg.metrics.listen:
        try:
            server = metrics.serve(cfg.metrics.listen)
        except OSError as exc:
            raise _Fatal(f"cannot serve metrics on {cfg.metrics.listen}: {exc.strerror}") from None
        log.info(
            "metrics_listening", address=f"{server.server_address[0]}:{server.server_address[1]}"
        )
    keeper = Keeper(
        cfg.settings(),
        chain,
        backend,
        account,
        StateStore(cfg.path(cfg.state.file)),
        metrics=metrics,
        log=log,
    )
    follower = BlockFollower(
        cfg.chain.rpc,
        use_websocket=cfg.follow.websocket,
        poll_interval=cfg.follow.poll_interval,
        metrics=metrics,
        log=log,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    follow_task = asyncio.create_task(follower.run(stop))
    try:
        await keeper.run(follower.wait_block, stop, tick=cfg.follow.tick)
    except (StateError, BackendError) as exc:
        raise _Fatal(str(exc)) from None
    finally:
        stop.set()
        follow_task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await follow_task


def _threshold_options(
    cfg: KeeperConfig, seed: Secret, account_secret: Secret, info: Any, metrics: Any, log: Any
) -> dict[str, object]:
    """The threshold backend's network (identity = the party's account key) and share store."""
    import zrchain.mpc.threshold  # noqa: F401  (registers the threshold backend)
    from zrchain.crypto import keys
    from zrchain.mpc.backend import BackendError
    from zrchain.mpc.noise import Identity
    from zrchain.mpc.peers import PeerNetwork, parse_peer
    from zrchain.mpc.shares import ShareFileStore
    from zrchain.mpc.threshold import ThresholdOptions
    from zrchain.mpc.tss import extension

    try:
        extension()
    except BackendError as exc:
        raise _Fatal(str(exc)) from None
    th = cfg.threshold
    secret = account_secret.reveal()
    identity = Identity(keys.public_key(secret), lambda data: keys.sign(secret, data))
    peers = [parse_peer(p) for p in th.peers]
    strangers = [p.address for p in peers if p.address not in info.parties]
    if strangers:
        raise _Fatal(f"[threshold] peers that are not parties of the keyring: {strangers}")
    missing = sorted(set(info.parties) - {p.address for p in peers} - {identity.address})
    if missing:
        log.warning("peers_not_configured", parties=missing)
    net = PeerNetwork(
        cfg.chain.chain_id,
        cfg.keyring_address,
        identity,
        th.listen,
        peers,
        max_message=th.max_message_bytes,
        metrics=metrics,
        log=log,
    )
    opts = ThresholdOptions(
        round_timeout=th.round_timeout,
        offer_timeout=th.offer_timeout,
        grace=th.grace,
        ecdsa_scheme=th.ecdsa_scheme,
        eddsa_scheme=th.eddsa_scheme,
        control_dir=str(cfg.path(th.control_dir)),
        answer_wait=3 * th.round_timeout,
        round_delay=cfg.testing.threshold_round_delay,
    )
    return {
        "network": net,
        "shares": ShareFileStore(cfg.path(th.shares_dir), seed),
        "threshold": opts,
    }


async def _retry_startup(fn: Any, log: Any, attempts: int = 30) -> Any:
    """Startup look-ups wait for a node that is still coming up."""
    for i in range(attempts):
        try:
            return await asyncio.to_thread(fn)
        except Exception as exc:
            if i == attempts - 1:
                raise _Fatal(f"node unreachable: {exc}") from None
            log.warning("node_unreachable", error=str(exc)[:200], attempt=i + 1)
            await asyncio.sleep(1.0)
    return None  # pragma: no cover


# -- status ---------------------------------------------------------------------------------
@mpc_keeper_group.command("status")
@click.option("--config", "config_path", required=True, type=click.Path(dir_okay=False))
def status_cmd(config_path: str) -> None:
    """What the keeper has in flight and what the keyring has open (JSON)."""
    cfg = _load_config(config_path)
    from zrchain.mpc.backend import RequestKind
    from zrchain.mpc.chainview import RpcChainView
    from zrchain.mpc.seed import read_seed_info
    from zrchain.mpc.state import StateError, StateStore

    store = StateStore(cfg.path(cfg.state.file))
    try:
        state = store.read()
    except (StateError, ValueError, KeyError) as exc:
        _fail(f"state file {store.path}: {exc}")
    out: dict[str, Any] = {
        "config": str(Path(config_path).resolve()),
        "keyring_address": cfg.keyring_address,
        "chain_id": cfg.chain.chain_id,
        "running": _locked(store.path),
        "state_file": str(store.path),
        "party": state.party if state else None,
        "in_flight_txs": [
            {"txhash": t.txhash, "sequence": t.sequence, "answers": len(t.items)}
            for t in (state.in_flight if state else [])
        ],
    }
    with contextlib.suppress(SeedError):
        out["seed_fingerprint"] = read_seed_info(cfg.path(cfg.signer.seed_file))["fingerprint"]
    out["backend"] = cfg.signer.backend
    if cfg.signer.backend == "threshold":
        out["threshold"] = _share_status(cfg)
    chain = RpcChainView(cfg.chain.rpc, cfg.chain.chain_id, cfg.chain.grpc)
    try:
        height = chain.latest_height()
        info = chain.keyring(cfg.keyring_address)
        out["height"] = height
        if info is not None:
            out["keyring"] = {
                "parties": list(info.parties),
                "threshold": info.threshold,
                "active": info.active,
                "is_party": bool(state and state.party in info.parties),
            }
        for kind in (RequestKind.KEY, RequestKind.SIGNATURE):
            reqs = chain.open_requests(kind, cfg.keyring_address, 1, height)
            waiting = [r.id for r in reqs if state and r.needs_answer_from(state.party)]
            out[f"open_{kind}_requests"] = len(reqs)
            out[f"{kind}_requests_awaiting_this_party"] = waiting[:100]
    except Exception as exc:
        out["chain_error"] = str(exc)[:300]
    _echo_json(out)


def _share_status(cfg: KeeperConfig) -> dict[str, Any]:
    """The keys this party holds shares of (public data only: no secret is opened)."""
    from zrchain.chains.keys import KeyType
    from zrchain.mpc.shares import ShareStoreError, list_records

    try:
        records = list_records(cfg.path(cfg.threshold.shares_dir))
    except ShareStoreError as exc:
        return {"error": str(exc)}
    return {
        "listen": cfg.threshold.listen,
        "peers": list(cfg.threshold.peers),
        "shares_dir": str(cfg.path(cfg.threshold.shares_dir)),
        "keys": [
            {
                "key_id": r.key_id,
                "key_type": KeyType(r.key_type).name,
                "scheme": r.scheme,
                "public_key": r.public_key,
                "party_index": r.index,
                "threshold": r.threshold,
                "parties": len(r.parties),
                "epoch": r.epoch,
                "state": r.state,
            }
            for r in records
        ],
    }


# -- refresh --------------------------------------------------------------------------------
@mpc_keeper_group.command("refresh")
@click.option("--config", "config_path", required=True, type=click.Path(dir_okay=False))
@click.option("--key-id", "key_ids", multiple=True, type=int, help="Key to refresh (repeat).")
@click.option("--all", "all_keys", is_flag=True, help="Every key this party holds a share of.")
@click.option("--wait/--no-wait", default=True, show_default=True)
@click.option("--timeout", default=300.0, show_default=True, help="Seconds to wait.")
def refresh_cmd(
    config_path: str, key_ids: tuple[int, ...], all_keys: bool, wait: bool, timeout: float
) -> None:
    """New shares for threshold keys, same public keys (the running keeper does it with
    every other party of the keyring; they join automatically)."""
    import time

    from zrchain.mpc.shares import ACTIVE, list_records

    cfg = _load_config(config_path)
    if cfg.signer.backend != "threshold":
        _fail("refresh needs [signer] backend = threshold")
    if not _locked(cfg.path(cfg.state.file)):
        _fail("the keeper is not running: start it, then ask for the refresh")
    records = {r.key_id: r for r in list_records(cfg.path(cfg.threshold.shares_dir))}
    wanted = sorted(records) if all_keys else sorted(set(key_ids))
    if not wanted:
        _fail("name keys with --key-id or use --all")
    for kid in wanted:
        if kid not in records or records[kid].state != ACTIVE:
            _fail(f"this party holds no active share of key {kid}")
    control = cfg.path(cfg.threshold.control_dir)
    control.mkdir(parents=True, exist_ok=True, mode=0o700)
    for kid in wanted:
        (control / f"refresh-{kid}.json").write_text(json.dumps({"key_id": kid}))
    before = {kid: records[kid].epoch for kid in wanted}
    if not wait:
        _echo_json({"requested": wanted})
        return
    deadline = time.monotonic() + timeout
    done: dict[int, int] = {}
    while len(done) < len(wanted) and time.monotonic() < deadline:
        now = {r.key_id: r for r in list_records(cfg.path(cfg.threshold.shares_dir))}
        for kid in wanted:
            if kid not in done and now[kid].epoch > before[kid] and now[kid].state == ACTIVE:
                done[kid] = now[kid].epoch
                click.echo(f"key {kid}: refreshed to epoch {done[kid]}", err=True)
        time.sleep(0.2)
    rows = [
        {"key_id": k, "epoch_before": before[k], "epoch": done.get(k), "refreshed": k in done}
        for k in wanted
    ]
    _echo_json({"keys": rows})
    if len(done) < len(wanted):
        sys.exit(1)


def _locked(state_path: Path) -> bool:
    lock = state_path.with_name(state_path.name + ".lock")
    if not lock.exists():
        return False
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


# -- keys from the seed alone ----------------------------------------------------------------
@mpc_keeper_group.command("derive")
@click.option("--seed-file", required=True, type=click.Path(dir_okay=False))
@click.option("--seed-passphrase-file", default="")
@click.option("--keyring-addr", required=True)
@click.option(
    "--key-type",
    required=True,
    type=click.Choice(["ecdsa", "ed25519", "bitcoin"]),
    help="ecdsa (EVM/Cosmos), ed25519 (Solana) or bitcoin.",
)
@click.option("--key-id", "key_ids", required=True, multiple=True, type=int)
def derive_cmd(
    seed_file: str,
    seed_passphrase_file: str,
    keyring_addr: str,
    key_type: str,
    key_ids: tuple[int, ...],
) -> None:
    """Public keys rebuilt offline from a seed file (no chain needed)."""
    from zrchain.chains.keys import key_type as parse_kt
    from zrchain.mpc.derivation import DerivationError, derive_key, format_path
    from zrchain.mpc.seed import read_seed_file

    try:
        seed = read_seed_file(seed_file, _seed_passphrase(seed_passphrase_file, new=False))
        kt = parse_kt(key_type)
        rows = []
        for kid in key_ids:
            d = derive_key(seed.reveal(), keyring_addr, kt, kid)
            rows.append(
                {"key_id": kid, "path": format_path(d.path), "public_key": d.public_key.hex()}
            )
    except (SeedError, DerivationError) as exc:
        _fail(str(exc))
    _echo_json({"keyring_address": keyring_addr, "key_type": kt.name, "keys": rows})


@mpc_keeper_group.command("verify-keys")
@click.option("--config", "config_path", required=True, type=click.Path(dir_okay=False))
@click.option("--key-id", "key_ids", required=True, multiple=True, type=int)
def verify_keys_cmd(config_path: str, key_ids: tuple[int, ...]) -> None:
    """Compare on-chain keys with those rebuilt from the seed; exit 1 on any mismatch."""
    cfg = _load_config(config_path)
    from zrchain.chains.keys import secp256k1_compressed
    from zrchain.mpc.chainview import RpcChainView
    from zrchain.mpc.derivation import derive_key

    seed = _open_seed(cfg)
    chain = RpcChainView(cfg.chain.rpc, cfg.chain.chain_id, cfg.chain.grpc)
    rows, ok = [], True
    for kid in key_ids:
        key = chain.key(kid)
        if key is None:
            rows.append({"key_id": kid, "error": "not found"})
            ok = False
            continue
        d = derive_key(seed.reveal(), key.keyring, key.key_type, kid)
        onchain = bytes(key.public_key)
        if len(onchain) in (33, 65) and d.key_type.name != "KEY_TYPE_EDDSA_ED25519":
            onchain = secp256k1_compressed(onchain)
        match = onchain == d.public_key
        ok = ok and match
        rows.append(
            {
                "key_id": kid,
                "key_type": key.key_type.name,
                "keyring": key.keyring,
                "onchain": onchain.hex(),
                "derived": d.public_key.hex(),
                "match": match,
            }
        )
    _echo_json({"keys": rows, "all_match": ok})
    if not ok:
        sys.exit(1)


def main() -> None:
    mpc_keeper_group(prog_name="zrchaind mpc-keeper")


if __name__ == "__main__":
    main()
