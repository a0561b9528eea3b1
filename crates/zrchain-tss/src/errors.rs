//! Typed errors that cross the FFI as Python exceptions, and the panic guard.
//!
//! Python sees one hierarchy (all subclasses of `TssError`):
//! * `SessionMismatchError` - a message of another session, protocol or round;
//! * `ProtocolError(message, culprit, ban)` - a peer's message is missing, malformed or
//!   fails a check; `culprit` is the party index when the protocol identifies one, `ban`
//!   is true when the library says that party must never be signed with again;
//! * `InvalidShareError` - a stored share that does not parse or belongs elsewhere;
//! * `UsageError` - wrong parameters or calls out of order;
//! * `InternalError` - a panic inside a library, caught before it reaches Python.
use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(zrchain_tss, TssError, PyException, "Base of the threshold library's errors.");
create_exception!(zrchain_tss, SessionMismatchError, TssError, "A message of another session.");
create_exception!(zrchain_tss, ProtocolError, TssError, "A peer's message failed a check.");
create_exception!(zrchain_tss, InvalidShareError, TssError, "A share that cannot be used.");
create_exception!(zrchain_tss, UsageError, TssError, "Wrong parameters or call order.");
create_exception!(zrchain_tss, InternalError, TssError, "A panic caught at the FFI boundary.");

#[derive(Debug)]
pub enum Error {
    Session(String),
    Protocol { msg: String, culprit: Option<u16>, ban: bool },
    Share(String),
    Usage(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn protocol(msg: impl Into<String>, culprit: Option<u16>) -> Self {
        Error::Protocol { msg: msg.into(), culprit, ban: false }
    }
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }
    pub fn share(msg: impl Into<String>) -> Self {
        Error::Share(msg.into())
    }
}

impl From<Error> for PyErr {
    fn from(e: Error) -> PyErr {
        match e {
            Error::Session(m) => SessionMismatchError::new_err(m),
            Error::Protocol { msg, culprit, ban } => ProtocolError::new_err((msg, culprit, ban)),
            Error::Share(m) => InvalidShareError::new_err(m),
            Error::Usage(m) => UsageError::new_err(m),
        }
    }
}

/// Runs `f`; a panic becomes `InternalError` instead of unwinding into Python.
pub fn guarded<T>(f: impl FnOnce() -> Result<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(e.into()),
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            // The payload is a library's assertion text, never key material.
            Err(InternalError::new_err(format!("threshold library panicked: {what}")))
        }
    }
}

/// A panic hook that prints one line without a backtrace (the guard reports it to Python).
pub fn install_quiet_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let loc = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("zrchain_tss: panic caught at the FFI boundary ({loc})");
    }));
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("TssError", py.get_type::<TssError>())?;
    m.add("SessionMismatchError", py.get_type::<SessionMismatchError>())?;
    m.add("ProtocolError", py.get_type::<ProtocolError>())?;
    m.add("InvalidShareError", py.get_type::<InvalidShareError>())?;
    m.add("UsageError", py.get_type::<UsageError>())?;
    m.add("InternalError", py.get_type::<InternalError>())?;
    Ok(())
}
