"""Offline and multi-party signing: ``zrchaind tx sign | multi-sign | broadcast | encode |
decode | simulate`` on the SDK's JSON tx files.

A tx file is the proto-JSON of ``cosmos.tx.v1beta1.Tx`` (what ``--generate-only`` and
``tx sign`` print, and what zenrockd, cosmpy or CosmJS users exchange). The flow:

    zrchaind tx bank send A B 5urock --generate-only --fees 300urock > unsigned.json
    zrchaind tx sign unsigned.json --from A [--offline -a N -s S --chain-id C] > signed.json
    zrchaind tx broadcast signed.json

and for a multisig account M (``keys add M --multisig a,b,c --multisig-threshold 2``):

    zrchaind tx sign unsigned.json --from a --multisig M > a.json   (amino JSON)
    zrchaind tx sign unsigned.json --from b --multisig M > b.json
    zrchaind tx multi-sign unsigned.json M a.json b.json > signed.json

Signature files are ``cosmos.tx.signing.v1beta1.SignatureDescriptors`` JSON, as the SDK's
``tx sign --multisig`` writes them.
"""

from __future__ import annotations

import base64
import binascii
import json
import sys
from pathlib import Path
from typing import Any, cast

import click
from cosmpy.protos.cosmos.crypto.multisig.v1beta1 import multisig_pb2
from cosmpy.protos.cosmos.tx.signing.v1beta1 import signing_pb2
from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2

from zrchain.cli.common import UINT64, default_home, fail
from zrchain.cli.output import emit
from zrchain.client.chain import ChainClient, QueryFailed
from zrchain.client.rpc import RPCError
from zrchain.codec.json import from_dict, to_dict
from zrchain.crypto.keyring import KeyInfo, Keyring, KeyringError
from zrchain.errors import ChainError
from zrchain.tx import aminojson
from zrchain.tx.ante import verify_secp256k1
from zrchain.tx.signing import (
    SIGN_MODE_DIRECT,
    SIGN_MODE_LEGACY_AMINO_JSON,
    BitArray,
    MultisigKey,
    Secp256k1Key,
    parse_pubkey,
)

SIGN_MODES = {"direct": SIGN_MODE_DIRECT, "amino-json": SIGN_MODE_LEGACY_AMINO_JSON}


# -- files ----------------------------------------------------------------------------------
def read_tx(path: str) -> tx_pb2.Tx:
    """A JSON tx from ``path`` (``-``: standard input); fails with a clear message."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"{path} is not JSON: {exc.msg}")
    if not isinstance(data, dict) or "body" not in data:
        fail(f'{path} is not a tx: expected a JSON object with "body"')
    try:
        return cast(tx_pb2.Tx, from_dict(data, tx_pb2.Tx()))
    except (ValueError, TypeError, KeyError) as exc:
        fail(f"{path} is not a valid tx: {exc}")


def tx_raw(tx: tx_pb2.Tx) -> bytes:
    """The TxRaw bytes a JSON tx stands for (body and auth info encoded once, here)."""
    return tx_pb2.TxRaw(
        body_bytes=tx.body.SerializeToString(),
        auth_info_bytes=tx.auth_info.SerializeToString(),
        signatures=list(tx.signatures),
    ).SerializeToString()


def tx_json(tx: tx_pb2.Tx) -> dict[str, Any]:
    return to_dict(tx)


def _write(doc: dict[str, Any], output_document: str) -> None:
    text = json.dumps(doc)
    if output_document:
        Path(output_document).write_text(text + "\n")
    else:
        click.echo(text)


# -- sign bytes -----------------------------------------------------------------------------
def sign_bytes(tx: tx_pb2.Tx, mode: int, chain_id: str, number: int, sequence: int) -> bytes:
    if mode == SIGN_MODE_LEGACY_AMINO_JSON:
        try:
            return aminojson.sign_bytes(
                chain_id=chain_id,
                account_number=number,
                sequence=sequence,
                timeout_height=int(tx.body.timeout_height),
                memo=tx.body.memo,
                msgs=list(tx.body.messages),
                fee_amount=list(tx.auth_info.fee.amount),
                gas=int(tx.auth_info.fee.gas_limit),
                payer=tx.auth_info.fee.payer,
                granter=tx.auth_info.fee.granter,
            )
        except aminojson.AminoJSONError as exc:
            fail(f"cannot sign this tx in amino JSON: {exc}")
    return tx_pb2.SignDoc(
        body_bytes=tx.body.SerializeToString(),
        auth_info_bytes=tx.auth_info.SerializeToString(),
        chain_id=chain_id,
        account_number=number,
    ).SerializeToString()


# -- shared options -------------------------------------------------------------------------
def _keyring(home: str, backend: str, keyring_dir: str) -> Keyring:
    from zrchain.cli.tx_cmds import _passphrase_provider

    return Keyring(keyring_dir or home, backend, _passphrase_provider)


def _account(
    node: str, address: str, offline: bool, number: int | None, sequence: int | None
) -> tuple[int, int]:
    if offline:
        if number is None or sequence is None:
            fail("--offline needs --account-number (-a) and --sequence (-s)")
        return number, sequence
    try:
        acc = ChainClient(node).account(address)
    except (QueryFailed, RPCError, OSError) as exc:
        fail(f"cannot read account {address} from {node}: {exc} (or use --offline -a -s)")
    if acc is None:
        fail(f"account {address} does not exist on chain yet (fund it first)")
    return (
        acc.number if number is None else number,
        acc.sequence if sequence is None else sequence,
    )


def _chain_id(node: str, chain_id: str, offline: bool) -> str:
    if chain_id:
        return chain_id
    if offline:
        fail("--offline needs --chain-id")
    try:
        return ChainClient(node).chain_id
    except (RPCError, OSError) as exc:
        fail(f"cannot ask {node} for the chain id: {exc} (or pass --chain-id)")


def signing_options(f: Any) -> Any:
    for opt in reversed(
        [
            click.option("--chain-id", default=""),
            click.option("--node", default="tcp://localhost:26657", show_default=True),
            click.option("--home", default=default_home, show_default="~/.zrchain"),
            click.option(
                "--keyring-backend",
                default="test",
                show_default=True,
                type=click.Choice(["test", "file", "memory"]),
            ),
            click.option("--keyring-dir", default=""),
            click.option("--offline", is_flag=True, help="do not contact the node (-a, -s)"),
            click.option("-a", "--account-number", default=None, type=UINT64),
            click.option("-s", "--sequence", default=None, type=UINT64),
            click.option("--output-document", default="", help="write the result to this file"),
        ]
    ):
        f = opt(f)
    return f


# -- commands -------------------------------------------------------------------------------
@click.command("sign")
@click.argument("file")
@click.option("--from", "from_", required=True, help="the signing key (name or address)")
@click.option(
    "--sign-mode",
    type=click.Choice(sorted(SIGN_MODES)),
    default=None,
    help="direct (default), or amino-json (Ledger; the default with --multisig)",
)
@click.option("--multisig", default="", help="sign for this multisig key/address (a member)")
@click.option("--signature-only", is_flag=True, help="print only the signature")
@click.option("--overwrite", is_flag=True, help="replace the tx's signatures instead of adding")
@signing_options
def sign_cmd(
    file: str,
    from_: str,
    sign_mode: str | None,
    multisig: str,
    signature_only: bool,
    overwrite: bool,
    chain_id: str,
    node: str,
    home: str,
    keyring_backend: str,
    keyring_dir: str,
    offline: bool,
    account_number: int | None,
    sequence: int | None,
    output_document: str,
) -> None:
    """Sign a JSON tx (from --generate-only) with --from, offline or not."""
    tx = read_tx(file)
    kr = _keyring(home, keyring_backend, keyring_dir)
    try:
        key = kr.get(from_)
    except KeyringError as exc:
        fail(str(exc))
    if key.multisig is not None:
        fail(f"{from_} is a multisig key: sign with its members (--from a member --multisig)")
    mode = SIGN_MODES[sign_mode or ("amino-json" if multisig else "direct")]
    if multisig and mode != SIGN_MODE_LEGACY_AMINO_JSON:
        fail("a multisig member signs in amino-json (the others' signer infos are not known)")
    signer_address = key.address
    if multisig:
        signer_address = _multisig_address(kr, multisig)
    cid = _chain_id(node, chain_id, offline)
    number, seq = _account(node, signer_address, offline, account_number, sequence)
    info = tx_pb2.SignerInfo(
        public_key=Secp256k1Key(key.pubkey).to_any(),
        mode_info=tx_pb2.ModeInfo(single=tx_pb2.ModeInfo.Single(mode=cast(Any, mode))),
        sequence=seq,
    )
    if multisig or signature_only:
        doc = sign_bytes(tx, mode, cid, number, seq)
        sig = _sign(kr, key, doc)
        _write(to_dict(_descriptors(info, sig)), output_document)
        return
    if overwrite:
        del tx.auth_info.signer_infos[:]
        del tx.signatures[:]
    tx.auth_info.signer_infos.append(info)  # a DIRECT signature covers every signer info
    doc = sign_bytes(tx, mode, cid, number, seq)
    tx.signatures.append(_sign(kr, key, doc))
    _write(tx_json(tx), output_document)


def _sign(kr: Keyring, key: KeyInfo, doc: bytes) -> bytes:
    try:
        return bytes(kr.sign(key.name, doc))
    except KeyringError as exc:
        fail(str(exc))


def _multisig_address(kr: Keyring, text: str) -> str:
    try:
        return kr.get(text).address
    except KeyringError:
        from zrchain.codec import address

        try:
            address.acc_bytes(text)
        except ChainError:
            fail(f"--multisig {text!r} is neither a key in the keyring nor an address")
        return text


def _descriptors(info: tx_pb2.SignerInfo, sig: bytes) -> signing_pb2.SignatureDescriptors:
    desc = signing_pb2.SignatureDescriptor(sequence=info.sequence)
    desc.public_key.CopyFrom(info.public_key)
    desc.data.single.mode = info.mode_info.single.mode
    desc.data.single.signature = sig
    return signing_pb2.SignatureDescriptors(signatures=[desc])


@click.command("multi-sign")
@click.argument("file")
@click.argument("multisig_key")
@click.argument("signature_files", nargs=-1, required=True)
@signing_options
def multi_sign_cmd(
    file: str,
    multisig_key: str,
    signature_files: tuple[str, ...],
    chain_id: str,
    node: str,
    home: str,
    keyring_backend: str,
    keyring_dir: str,
    offline: bool,
    account_number: int | None,
    sequence: int | None,
    output_document: str,
) -> None:
    """Combine members' signatures (tx sign --multisig) into the multisig's signature."""
    tx = read_tx(file)
    kr = _keyring(home, keyring_backend, keyring_dir)
    try:
        info = kr.get(multisig_key)
    except KeyringError as exc:
        fail(str(exc))
    ms = info.multisig
    if ms is None:
        fail(f"{multisig_key} is not a multisig key (keys add --multisig)")
    cid = _chain_id(node, chain_id, offline)
    number, seq = _account(node, info.address, offline, account_number, sequence)
    by_index: dict[int, tuple[int, bytes]] = {}
    for path in signature_files:
        for desc in _read_descriptors(path):
            index, mode, sig = _member_signature(ms, desc, path)
            doc = sign_bytes(tx, mode, cid, number, seq)
            member = ms.keys[index]
            assert isinstance(member, Secp256k1Key)
            if not verify_secp256k1(member.key, sig, doc):
                fail(f"{path}: the signature of key {index} does not verify for this tx "
                     f"(account {number}, sequence {seq}, chain {cid})")  # fmt: skip
            by_index[index] = (mode, sig)
    if len(by_index) < ms.threshold:
        fail(f"{len(by_index)} signature(s), the multisig needs {ms.threshold}")
    bits = BitArray.of([i in by_index for i in range(len(ms.keys))])
    multi = tx_pb2.ModeInfo.Multi(
        mode_infos=[
            tx_pb2.ModeInfo(single=tx_pb2.ModeInfo.Single(mode=cast(Any, by_index[i][0])))
            for i in sorted(by_index)
        ]
    )
    multi.bitarray.extra_bits_stored = bits.extra
    multi.bitarray.elems = bits.elems
    signer = tx_pb2.SignerInfo(public_key=ms.to_any(), mode_info=tx_pb2.ModeInfo(multi=multi))
    signer.sequence = seq
    del tx.auth_info.signer_infos[:]
    tx.auth_info.signer_infos.append(signer)
    del tx.signatures[:]
    tx.signatures.append(
        multisig_pb2.MultiSignature(
            signatures=[by_index[i][1] for i in sorted(by_index)]
        ).SerializeToString()
    )
    _write(tx_json(tx), output_document)


def _read_descriptors(path: str) -> list[Any]:
    try:
        data = json.loads(Path(path).read_text())
        descs = from_dict(data, signing_pb2.SignatureDescriptors())
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")
    except (ValueError, TypeError, KeyError) as exc:
        fail(f"{path} is not a signature file (tx sign --multisig): {exc}")
    if not descs.signatures:
        fail(f"{path} holds no signature")
    return list(descs.signatures)


def _member_signature(ms: MultisigKey, desc: Any, path: str) -> tuple[int, int, bytes]:
    try:
        pk = parse_pubkey(desc.public_key)
    except ChainError as exc:
        fail(f"{path}: {exc.log}")
    if not isinstance(pk, Secp256k1Key) or desc.data.WhichOneof("sum") != "single":
        fail(f"{path}: expected one key's single signature")
    for i, member in enumerate(ms.keys):
        if member == pk:
            return i, int(desc.data.single.mode), bytes(desc.data.single.signature)
    fail(f"{path}: its key is not a member of the multisig")


@click.command("broadcast")
@click.argument("file")
@click.option("--node", default="tcp://localhost:26657", show_default=True)
@click.option(
    "-b",
    "--broadcast-mode",
    default="sync",
    show_default=True,
    type=click.Choice(["sync", "async"]),
)
@click.option("-o", "--output", default="json", type=click.Choice(["json", "text"]))
def broadcast_cmd(file: str, node: str, broadcast_mode: str, output: str) -> None:
    """Broadcast a signed JSON tx (from tx sign or tx multi-sign)."""
    tx = read_tx(file)
    if not tx.signatures:
        fail(f"{file} is not signed (tx sign first)")
    try:
        res = ChainClient(node).broadcast(tx_raw(tx), broadcast_mode)
    except (RPCError, OSError) as exc:
        fail(f"cannot reach {node}: {exc}")
    d = to_dict(res)
    d.setdefault("tx", None)
    d.setdefault("logs", [])
    emit(d, output)


@click.command("encode")
@click.argument("file")
def encode_cmd(file: str) -> None:
    """Print a JSON tx as base64 protobuf bytes (what BroadcastTx takes)."""
    click.echo(base64.b64encode(tx_raw(read_tx(file))).decode())


@click.command("decode")
@click.argument("tx_base64")
@click.option("--hex", "as_hex", is_flag=True, help="the argument is hex, not base64")
def decode_cmd(tx_base64: str, as_hex: bool) -> None:
    """Print protobuf tx bytes (base64 or --hex) as a JSON tx."""
    try:
        raw = bytes.fromhex(tx_base64) if as_hex else base64.b64decode(tx_base64, validate=True)
        tr = tx_pb2.TxRaw.FromString(raw)
        tx = tx_pb2.Tx(
            body=tx_pb2.TxBody.FromString(tr.body_bytes),
            auth_info=tx_pb2.AuthInfo.FromString(tr.auth_info_bytes),
            signatures=list(tr.signatures),
        )
    except (ValueError, binascii.Error) as exc:
        fail(f"not tx bytes: {exc}")
    except Exception as exc:  # DecodeError and friends from protobuf
        fail(f"not tx bytes: {exc}")
    click.echo(json.dumps(tx_json(tx)))


@click.command("simulate")
@click.argument("file")
@click.option("--node", default="tcp://localhost:26657", show_default=True)
def simulate_cmd(file: str, node: str) -> None:
    """Simulate a JSON tx (signed or not) on the node and print the gas it uses."""
    tx = read_tx(file)
    try:
        gas = ChainClient(node).simulate(tx_raw(tx))
    except QueryFailed as exc:
        fail(exc.log)
    except (RPCError, OSError) as exc:
        fail(f"cannot reach {node}: {exc}")
    click.echo(json.dumps({"gas_info": {"gas_used": str(gas)}}))


COMMANDS = (sign_cmd, multi_sign_cmd, broadcast_cmd, encode_cmd, decode_cmd, simulate_cmd)
