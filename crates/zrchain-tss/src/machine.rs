//! One round machine for every protocol: Python drives `start` then `step` once per
//! communication round, carrying the returned envelopes over its own transport.
use std::collections::HashMap;

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use zeroize::Zeroizing;

use crate::errors::{guarded, Error, Result};
use crate::wire::{Frame, In, Out};

pub enum Output {
    /// Keygen / refresh: this party's new share and the group public key.
    Share { share: Zeroizing<Vec<u8>>, public_key: Vec<u8> },
    /// Signing: the signature in the wire form of the scheme.
    Signature(Vec<u8>),
}

pub enum Step {
    Next(Out),
    Done(Output),
}

pub trait Protocol: Send + Sync {
    fn frame(&mut self) -> &mut Frame;
    fn rounds(&self) -> u8;
    /// What every participant sends in `round`: (a broadcast, a message to each other party).
    fn shape(&self, round: u8) -> (bool, bool);
    fn start(&mut self) -> Result<Out>;
    /// Consumes the checked bodies of `round`.
    fn step(&mut self, round: u8, inc: In) -> Result<Step>;
}

type PyOut = (Option<Py<PyBytes>>, HashMap<u16, Py<PyBytes>>);

enum State {
    Fresh,
    Running,
    Done(Output),
    Failed,
}

/// A protocol run of one party. Any error poisons it: a failed run is never resumed.
#[pyclass(module = "zrchain_tss")]
pub struct Machine {
    inner: Box<dyn Protocol>,
    state: State,
}

impl Machine {
    pub fn new(inner: Box<dyn Protocol>) -> Self {
        Machine { inner, state: State::Fresh }
    }
}

fn to_py(py: Python<'_>, out: Out) -> PyOut {
    let b = out.broadcast.map(|b| PyBytes::new(py, &b).unbind());
    let p = out.p2p.into_iter().map(|(k, v)| (k, PyBytes::new(py, &v).unbind())).collect();
    (b, p)
}

#[pymethods]
impl Machine {
    /// Round 1's messages: (broadcast or None, {recipient index: message}).
    fn start(&mut self, py: Python<'_>) -> PyResult<PyOut> {
        if !matches!(self.state, State::Fresh) {
            return Err(Error::usage("start() was already called").into());
        }
        self.state = State::Failed;
        let inner = &mut self.inner;
        let out = py.detach(|| {
            guarded(|| {
                let body = inner.start()?;
                inner.frame().seal(body)
            })
        })?;
        self.state = State::Running;
        Ok(to_py(py, out))
    }

    /// Consumes the messages of the current round from every other participant (keyed by
    /// the sender index the authenticated channel names); the next round's messages, or
    /// (None, {}) after the last round.
    fn step(
        &mut self,
        py: Python<'_>,
        broadcasts: HashMap<u16, Vec<u8>>,
        direct: HashMap<u16, Vec<u8>>,
    ) -> PyResult<PyOut> {
        if !matches!(self.state, State::Running) {
            return Err(Error::usage("step() needs a started, unfinished run").into());
        }
        self.state = State::Failed;
        let inner = &mut self.inner;
        let res = py.detach(|| {
            guarded(|| {
                let frame_round = inner.frame().round - 1;
                let (wb, wp) = inner.shape(frame_round);
                let inc = inner.frame().open(broadcasts, direct, wb, wp)?;
                match inner.step(frame_round, inc)? {
                    Step::Next(out) => Ok(Step::Next(inner.frame().seal(out)?)),
                    done => Ok(done),
                }
            })
        })?;
        match res {
            Step::Next(out) => {
                self.state = State::Running;
                Ok(to_py(py, out))
            }
            Step::Done(output) => {
                self.state = State::Done(output);
                Ok((None, HashMap::new()))
            }
        }
    }

    /// The round whose messages `step` expects next (1-based).
    #[getter]
    fn round(&mut self) -> u8 {
        self.inner.frame().round.saturating_sub(1)
    }

    #[getter]
    fn rounds(&self) -> u8 {
        self.inner.rounds()
    }

    /// (broadcast expected, direct messages expected) in `round`.
    fn shape(&self, round: u8) -> (bool, bool) {
        self.inner.shape(round)
    }

    #[getter]
    fn done(&self) -> bool {
        matches!(self.state, State::Done(_))
    }

    #[getter]
    fn failed(&self) -> bool {
        matches!(self.state, State::Failed)
    }

    /// The new secret share (keygen, refresh). The caller encrypts it before it rests.
    fn share<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        match &self.state {
            State::Done(Output::Share { share, .. }) => Ok(PyBytes::new(py, share)),
            _ => Err(Error::usage("no share: the run is not a finished keygen or refresh").into()),
        }
    }

    /// The group public key (keygen, refresh).
    fn public_key<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        match &self.state {
            State::Done(Output::Share { public_key, .. }) => Ok(PyBytes::new(py, public_key)),
            _ => Err(Error::usage("no public key: the run is not a finished keygen or refresh").into()),
        }
    }

    /// The signature (signing runs).
    fn signature<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        match &self.state {
            State::Done(Output::Signature(sig)) => Ok(PyBytes::new(py, sig)),
            _ => Err(Error::usage("no signature: the run is not a finished signing").into()),
        }
    }
}
