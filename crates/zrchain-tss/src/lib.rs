//! `zrchain_tss`: threshold key generation, signing and share refresh for the zrChain MPC
//! keeper, as a Python extension (PyO3).
//!
//! * Every protocol is a round machine ([`machine::Machine`]): `start()` then one `step()`
//!   per communication round. Messages leave Rust as `bytes` in an envelope that binds them
//!   to the caller's 32-byte session id, the protocol, the round, the sender and the
//!   recipient ([`wire`]); the caller's transport carries them, and `step` refuses anything
//!   of another session or from the wrong party.
//! * Secret shares leave Rust only as the serialized share blob, for the caller to encrypt
//!   at rest; intermediate secrets (polynomials, nonces, OT state) stay inside and are
//!   zeroised by the libraries or by `Zeroizing` wrappers here.
//! * No panic crosses the FFI: every entry point runs under `catch_unwind`
//!   ([`errors::guarded`]) and reports `InternalError`; errors are typed exceptions.
use std::collections::{BTreeMap, HashMap};

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

mod dkls;
mod errors;
mod frost;
mod machine;
mod share;
mod wire;

use errors::guarded;
use machine::Machine;
use share::Scheme;

/// FROST(Ed25519) DKG for party `me` of `n` (indices 1..=n), threshold `t`.
#[pyfunction]
fn frost_keygen(session_id: Vec<u8>, me: u16, n: u16, t: u16) -> PyResult<Machine> {
    guarded(|| Ok(Machine::new(Box::new(frost::Keygen::new(&session_id, me, n, t)?))))
}

/// FROST(Ed25519) signing of `message` by `signers` (at least the key's threshold).
#[pyfunction]
fn frost_sign(share: Vec<u8>, session_id: Vec<u8>, signers: Vec<u16>, message: Vec<u8>) -> PyResult<Machine> {
    guarded(|| Ok(Machine::new(Box::new(frost::Sign::new(&share, &session_id, &signers, &message)?))))
}

/// FROST(Ed25519) share refresh by all parties of the key (same group key).
#[pyfunction]
fn frost_refresh(share: Vec<u8>, session_id: Vec<u8>) -> PyResult<Machine> {
    guarded(|| Ok(Machine::new(Box::new(frost::Refresh::new(&share, &session_id)?))))
}

/// DKLs23 (secp256k1 ECDSA) DKG for party `me` of `n`, threshold `t`.
#[pyfunction]
fn dkls_keygen(session_id: Vec<u8>, me: u16, n: u16, t: u16) -> PyResult<Machine> {
    guarded(|| Ok(Machine::new(Box::new(dkls::Keygen::new(&session_id, me, n, t)?))))
}

/// DKLs23 signing of a 32-byte hash by exactly `t` signers; the signature is
/// r || s || v (low s, v in {0, 1}).
#[pyfunction]
fn dkls_sign(share: Vec<u8>, session_id: Vec<u8>, signers: Vec<u16>, message_hash: Vec<u8>) -> PyResult<Machine> {
    guarded(|| Ok(Machine::new(Box::new(dkls::Sign::new(&share, &session_id, &signers, &message_hash)?))))
}

/// DKLs23 complete refresh by all parties of the key (same public key).
#[pyfunction]
fn dkls_refresh(share: Vec<u8>, session_id: Vec<u8>) -> PyResult<Machine> {
    guarded(|| Ok(Machine::new(Box::new(dkls::Refresh::new(&share, &session_id)?))))
}

/// Public facts of a share: scheme, index, threshold, parties, public_key.
#[pyfunction]
fn share_info<'py>(py: Python<'py>, share: Vec<u8>) -> PyResult<Bound<'py, PyDict>> {
    let info = guarded(|| match share::scheme_of(&share)? {
        Scheme::FrostEd25519 => frost::info(&share),
        Scheme::DklsSecp256k1 => dkls::info(&share),
    })?;
    let d = PyDict::new(py);
    d.set_item("scheme", info.scheme.name())?;
    d.set_item("index", info.index)?;
    d.set_item("threshold", info.threshold)?;
    d.set_item("parties", info.parties)?;
    d.set_item("public_key", PyBytes::new(py, &info.public_key))?;
    Ok(d)
}

type Commitments = HashMap<u16, (Vec<u8>, Vec<u8>)>;

fn sorted<V>(m: HashMap<u16, V>) -> BTreeMap<u16, V> {
    m.into_iter().collect()
}

/// RFC 9591 conformance only (deterministic nonces from a published vector): the signature
/// share of participant `index`. Never used for signing.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn rfc9591_signature_share<'py>(
    py: Python<'py>,
    index: u16,
    signing_share: Vec<u8>,
    verifying_key: Vec<u8>,
    min_signers: u16,
    hiding_nonce: Vec<u8>,
    binding_nonce: Vec<u8>,
    commitments: Commitments,
    message: Vec<u8>,
) -> PyResult<Bound<'py, PyBytes>> {
    let c = sorted(commitments);
    let out = guarded(|| {
        frost::vectors::sign_share(
            index,
            &signing_share,
            &verifying_key,
            min_signers,
            &hiding_nonce,
            &binding_nonce,
            &c,
            &message,
        )
    })?;
    Ok(PyBytes::new(py, &out))
}

/// RFC 9591 conformance: aggregate given signature shares (checking each against its
/// verifying share) into the 64-byte signature.
#[pyfunction]
fn rfc9591_aggregate<'py>(
    py: Python<'py>,
    commitments: Commitments,
    message: Vec<u8>,
    shares: HashMap<u16, Vec<u8>>,
    verifying_shares: HashMap<u16, Vec<u8>>,
    verifying_key: Vec<u8>,
    min_signers: u16,
) -> PyResult<Bound<'py, PyBytes>> {
    let (c, s, v) = (sorted(commitments), sorted(shares), sorted(verifying_shares));
    let out = guarded(|| frost::vectors::aggregate(&c, &message, &s, &v, &verifying_key, min_signers))?;
    Ok(PyBytes::new(py, &out))
}

/// RFC 9591 conformance: the verifying share (public) of a signing share.
#[pyfunction]
fn rfc9591_verifying_share<'py>(py: Python<'py>, signing_share: Vec<u8>) -> PyResult<Bound<'py, PyBytes>> {
    let out = guarded(|| frost::vectors::verifying_share(&signing_share))?;
    Ok(PyBytes::new(py, &out))
}

/// Panic on purpose (tests prove a panic becomes `InternalError`, not a crash).
#[pyfunction]
fn _panic_for_tests() -> PyResult<()> {
    guarded(|| -> errors::Result<()> { panic!("deliberate test panic") })
}

#[pymodule]
fn zrchain_tss(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::install_quiet_panic_hook();
    errors::register(m)?;
    m.add_class::<Machine>()?;
    m.add("HEADER_LEN", wire::HEADER_LEN)?;
    m.add("MAX_BODY", wire::MAX_BODY)?;
    m.add("FROST_VERSION", "frost-ed25519 3.0.0")?;
    m.add("DKLS_VERSION", "dkls23 0.6.2")?;
    for f in [
        wrap_pyfunction!(frost_keygen, m)?,
        wrap_pyfunction!(frost_sign, m)?,
        wrap_pyfunction!(frost_refresh, m)?,
        wrap_pyfunction!(dkls_keygen, m)?,
        wrap_pyfunction!(dkls_sign, m)?,
        wrap_pyfunction!(dkls_refresh, m)?,
        wrap_pyfunction!(share_info, m)?,
        wrap_pyfunction!(rfc9591_signature_share, m)?,
        wrap_pyfunction!(rfc9591_aggregate, m)?,
        wrap_pyfunction!(rfc9591_verifying_share, m)?,
        wrap_pyfunction!(_panic_for_tests, m)?,
    ] {
        m.add_function(f)?;
    }
    Ok(())
}
