"""Keyring backends: storage, encryption at rest, passphrases, file modes, lookups."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from cosmpy.aerial.wallet import LocalWallet

from zrchain.crypto import keys
from zrchain.crypto.encryption import ScryptParams, WrongPassphraseError
from zrchain.crypto.keyring import KeyExistsError, KeyNotFoundError, Keyring, KeyringError

ALICE = (
    "strategy social surge orange pioneer tiger skill endless lend slide one jazz pipe expose "
    "detect soup fork cube trigger frown stick wreck ring tissue"
)
ALICE_ADDRESS = "zen13y3tm68gmu9kntcxwvmue82p6akacnpt2v7nty"
FAST = ScryptParams(n=1 << 10, r=8, p=1)  # keeps tests quick; production uses 2^17


class Prompts:
    """A passphrase provider that records what it was asked."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.asked: list[tuple[str, bool]] = []

    def __call__(self, prompt: str, new: bool) -> str:
        self.asked.append((prompt, new))
        return self.answers.pop(0)


def file_keyring(home: Path, *answers: str) -> tuple[Keyring, Prompts]:
    prompts = Prompts(*answers)
    return Keyring(home, "file", prompts, scrypt_params=FAST), prompts


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("backend", ["test", "memory"])
def test_add_recover_get_list_delete(tmp_path: Path, backend: str) -> None:
    kr = Keyring(tmp_path, backend)
    info, phrase = kr.add("alice", ALICE)
    assert phrase == ALICE
    assert info.address == ALICE_ADDRESS
    assert info.hd_path == "m/44'/118'/0'/0/0"
    new, new_phrase = kr.add("bob")
    assert len(new_phrase.split()) == 24
    assert new.address == LocalWallet.from_mnemonic(new_phrase, prefix="zen").address()
    assert [k.name for k in kr.list()] == ["alice", "bob"]
    assert kr.get("alice") == info
    assert kr.get(ALICE_ADDRESS) == info
    assert kr.get(info.valoper_address) == info
    assert kr.delete("alice") == info
    with pytest.raises(KeyNotFoundError):
        kr.get("alice")
    with pytest.raises(KeyNotFoundError):
        kr.get(ALICE_ADDRESS)
    assert [k.name for k in kr.list()] == ["bob"]


def test_test_backend_layout_and_modes(tmp_path: Path) -> None:
    kr = Keyring(tmp_path, "test")
    kr.add("alice", ALICE)
    d = tmp_path / "keyring-test"
    assert kr.directory == d
    assert mode(d) == 0o700
    assert mode(d / "alice.json") == 0o600
    rec = json.loads((d / "alice.json").read_text())
    assert rec["address"] == ALICE_ADDRESS and rec["format"] == "zrchain-keyring/1"
    assert "mnemonic" not in json.dumps(rec) and "tissue" not in json.dumps(rec)
    assert not list(d.glob(".tmp-*"))
    # A second instance (another process) sees the same keys.
    assert Keyring(tmp_path, "test").get("alice").address == ALICE_ADDRESS


def test_memory_backend_writes_nothing(tmp_path: Path) -> None:
    Keyring(tmp_path, "memory").add("alice", ALICE)
    assert list(tmp_path.iterdir()) == []
    assert Keyring(tmp_path, "memory").list() == []


def test_sign_verifies_under_the_stored_pubkey(tmp_path: Path) -> None:
    kr = Keyring(tmp_path, "test")
    info, _ = kr.add("alice", ALICE)
    sig = kr.sign("alice", b"doc")
    assert sig == kr.sign(ALICE_ADDRESS, b"doc")
    assert keys.verify(info.pubkey, b"doc", sig) and keys.is_low_s(sig)
    assert kr.private_key("alice") == keys.private_key_from_mnemonic(ALICE)


def test_account_index_and_import(tmp_path: Path) -> None:
    kr = Keyring(tmp_path, "test")
    info, _ = kr.add("a12", ALICE, account=1, index=2)
    assert info.hd_path == "m/44'/118'/1'/0/2"
    secret = keys.private_key_from_mnemonic(ALICE, account=1, index=2)
    assert info.address == keys.PrivateKey(secret).address()
    imported = kr.import_private_key("raw", keys.private_key_from_mnemonic(ALICE))
    assert imported.address == ALICE_ADDRESS and imported.hd_path is None


def test_names_and_addresses_are_unique(tmp_path: Path) -> None:
    kr = Keyring(tmp_path, "test")
    kr.add("alice", ALICE)
    with pytest.raises(KeyExistsError, match="already exists"):
        kr.add("alice")
    with pytest.raises(KeyExistsError, match="as key 'alice'"):
        kr.add("alice2", ALICE)
    other, _ = kr.add("alice", None, overwrite=True)
    assert other.address != ALICE_ADDRESS
    assert [k.name for k in kr.list()] == ["alice"]


@pytest.mark.parametrize("name", ["", ".hidden", "a/b", "../x", "a b", "x" * 129, "-flag"])
def test_bad_names(tmp_path: Path, name: str) -> None:
    with pytest.raises(KeyringError, match="invalid key name"):
        Keyring(tmp_path, "test").add(name, ALICE)


def test_rename(tmp_path: Path) -> None:
    kr = Keyring(tmp_path, "test")
    kr.add("alice", ALICE)
    kr.add("bob")
    with pytest.raises(KeyExistsError):
        kr.rename("alice", "bob")
    info = kr.rename("alice", "carol")
    assert info.name == "carol" and info.address == ALICE_ADDRESS
    assert [k.name for k in kr.list()] == ["bob", "carol"]
    assert kr.private_key("carol") == keys.private_key_from_mnemonic(ALICE)


def test_unknown_backend(tmp_path: Path) -> None:
    with pytest.raises(KeyringError, match="unknown keyring backend"):
        Keyring(tmp_path, "os")


def test_corrupt_record_is_a_clear_error(tmp_path: Path) -> None:
    kr = Keyring(tmp_path, "test")
    kr.add("alice", ALICE)
    path = tmp_path / "keyring-test" / "alice.json"
    rec = json.loads(path.read_text())
    rec["address"] = "zen1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqnrql8a"
    path.write_text(json.dumps(rec))
    with pytest.raises(KeyringError, match="corrupt"):
        kr.get("alice")
    path.write_text("{not json")
    with pytest.raises(KeyringError, match="corrupt"):
        kr.list()


def test_swapped_private_key_is_detected(tmp_path: Path) -> None:
    kr = Keyring(tmp_path, "test")
    kr.add("alice", ALICE)
    path = tmp_path / "keyring-test" / "alice.json"
    rec = json.loads(path.read_text())
    rec["private_key"] = {"hex": keys.PrivateKey.generate().secret.hex()}
    path.write_text(json.dumps(rec))
    with pytest.raises(KeyringError, match="differ"):
        kr.sign("alice", b"x")


# --- file backend -----------------------------------------------------------------------


def test_file_backend_encrypts_and_round_trips(tmp_path: Path) -> None:
    kr, prompts = file_keyring(tmp_path, "correct horse")
    info, _ = kr.add("alice", ALICE)
    assert prompts.asked == [("Enter keyring passphrase:", True)]  # chosen once, then cached
    kr.add("bob")
    assert len(prompts.asked) == 1
    d = tmp_path / "keyring-file"
    assert mode(d) == 0o700
    for f in d.iterdir():
        assert mode(f) == 0o600, f
    secret = keys.private_key_from_mnemonic(ALICE)
    raw = (d / "alice.json").read_text()
    assert secret.hex() not in raw
    rec = json.loads(raw)
    assert rec["private_key"]["kdf"] == "scrypt"
    assert rec["private_key"]["cipher"] == "aes-256-gcm"
    # Public facts are readable without the passphrase.
    fresh, fresh_prompts = file_keyring(tmp_path)
    assert next(k.address for k in fresh.list()) == ALICE_ADDRESS
    assert fresh.get("alice") == info
    assert fresh_prompts.asked == []
    # Secrets need it.
    reader, reader_prompts = file_keyring(tmp_path, "correct horse")
    assert reader.private_key("alice") == secret
    assert keys.verify(info.pubkey, b"tx", reader.sign("alice", b"tx"))
    assert reader_prompts.asked == [("Enter keyring passphrase:", False)]


def test_file_backend_wrong_passphrase(tmp_path: Path) -> None:
    kr, _ = file_keyring(tmp_path, "correct horse")
    kr.add("alice", ALICE)
    wrong, _ = file_keyring(tmp_path, "wrong horse")
    with pytest.raises(WrongPassphraseError, match="incorrect keyring passphrase"):
        wrong.sign("alice", b"x")
    wrong2, _ = file_keyring(tmp_path, "wrong horse")
    with pytest.raises(WrongPassphraseError):
        wrong2.add("bob")  # never writes a key under another passphrase
    assert [k.name for k in Keyring(tmp_path, "file").list()] == ["alice"]


def test_file_backend_tampered_ciphertext(tmp_path: Path) -> None:
    kr, _ = file_keyring(tmp_path, "correct horse")
    kr.add("alice", ALICE)
    path = tmp_path / "keyring-file" / "alice.json"
    rec = json.loads(path.read_text())
    # Move alice's sealed key under another address: the AAD binding refuses it.
    kr.add("bob")
    rec_bob = json.loads((tmp_path / "keyring-file" / "bob.json").read_text())
    rec_bob["private_key"] = rec["private_key"]
    (tmp_path / "keyring-file" / "bob.json").write_text(json.dumps(rec_bob))
    reader, _ = file_keyring(tmp_path, "correct horse")
    assert reader.private_key("alice") == keys.private_key_from_mnemonic(ALICE)
    with pytest.raises(WrongPassphraseError):
        reader.private_key("bob")


def test_file_backend_rename_keeps_the_secret_readable(tmp_path: Path) -> None:
    kr, _ = file_keyring(tmp_path, "correct horse")
    kr.add("alice", ALICE)
    kr.rename("alice", "carol")
    reader, _ = file_keyring(tmp_path, "correct horse")
    assert reader.private_key("carol") == keys.private_key_from_mnemonic(ALICE)


def test_file_backend_lost_check_file_is_rebuilt(tmp_path: Path) -> None:
    kr, _ = file_keyring(tmp_path, "correct horse")
    kr.add("alice", ALICE)
    (tmp_path / "keyring-file" / "passphrase.check").unlink()
    wrong, _ = file_keyring(tmp_path, "wrong horse")
    with pytest.raises(WrongPassphraseError):
        wrong.add("bob")
    right, prompts = file_keyring(tmp_path, "correct horse")
    right.add("bob")
    assert prompts.asked == [("Enter keyring passphrase:", False)]
    assert (tmp_path / "keyring-file" / "passphrase.check").exists()


def test_file_backend_passphrase_rules(tmp_path: Path) -> None:
    short, _ = file_keyring(tmp_path / "a", "short")
    with pytest.raises(KeyringError, match="at least 8"):
        short.add("alice", ALICE)
    with pytest.raises(KeyringError, match="needs a passphrase"):
        Keyring(tmp_path / "b", "file").add("alice", ALICE)


def test_default_scrypt_cost_round_trip(tmp_path: Path) -> None:
    kr = Keyring(tmp_path, "file", lambda prompt, new: "correct horse")
    kr.add("alice", ALICE)
    rec = json.loads((tmp_path / "keyring-file" / "alice.json").read_text())
    assert rec["private_key"]["n"] == 1 << 17
    assert Keyring(tmp_path, "file", lambda p, n: "correct horse").private_key("alice") == (
        keys.private_key_from_mnemonic(ALICE)
    )


def test_a_multisig_key_is_stored_listed_and_never_signs(tmp_path: Path) -> None:
    from zrchain.tx.signing import MultisigKey, Secp256k1Key

    kr = Keyring(tmp_path, "test")
    members = [kr.add(n)[0] for n in ("a", "b", "c")]
    ms = kr.add_multisig("ms", members, 2)
    # the SDK's keys add --multisig sorts the keys by address unless --nosort
    ordered = sorted(members, key=lambda m: m.address_bytes)
    assert ms.multisig == MultisigKey(2, tuple(Secp256k1Key(m.pubkey) for m in ordered))
    assert ms.address == keys.bech32_encode(keys.ACCOUNT_HRP, ms.multisig.address())
    assert kr.get(ms.address).name == "ms"
    assert json.loads(ms.output()["pubkey"])["threshold"] == 2
    assert [k.name for k in kr.list()] == ["a", "b", "c", "ms"]
    unsorted = kr.add_multisig("ms2", members, 2, sort=False)
    assert unsorted.address != ms.address or ordered == members
    with pytest.raises(KeyringError, match="multisig key"):
        kr.sign("ms", b"data")
    with pytest.raises(KeyringError, match="threshold"):
        kr.add_multisig("ms3", members, 4)
