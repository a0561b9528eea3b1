//! The envelope every protocol message travels in, and the round bookkeeping shared by all
//! protocols.
//!
//! ```text
//! "ZRT1" | protocol u8 | round u8 | from u16 BE | to u16 BE (0 = broadcast) | session id [32] | body
//! ```
//!
//! The session id is the caller's 32-byte digest of (chain id, keyring, request kind, request
//! id, run), so every message is bound to one run of one protocol; `Frame::open` refuses a
//! message of another session, protocol or round (`SessionMismatchError`) and one whose
//! sender or recipient is not what the caller's authenticated channel says (`ProtocolError`).
use std::collections::{BTreeMap, HashMap};

use crate::errors::{Error, Result};

pub const MAGIC: [u8; 4] = *b"ZRT1";
pub const HEADER_LEN: usize = 4 + 1 + 1 + 2 + 2 + 32;
/// Largest body accepted (a DKLs23 DKG round-3 message is ~150 KB at 5 parties).
pub const MAX_BODY: usize = 8 << 20;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum Proto {
    FrostKeygen = 1,
    FrostSign = 2,
    FrostRefresh = 3,
    DklsKeygen = 4,
    DklsSign = 5,
    DklsRefresh = 6,
}

impl Proto {
    pub fn name(self) -> &'static str {
        match self {
            Proto::FrostKeygen => "frost-ed25519 keygen",
            Proto::FrostSign => "frost-ed25519 sign",
            Proto::FrostRefresh => "frost-ed25519 refresh",
            Proto::DklsKeygen => "dkls23 keygen",
            Proto::DklsSign => "dkls23 sign",
            Proto::DklsRefresh => "dkls23 refresh",
        }
    }
}

/// Messages one party sends in a round: one broadcast and/or one message per other party.
#[derive(Default)]
pub struct Out {
    pub broadcast: Option<Vec<u8>>,
    pub p2p: BTreeMap<u16, Vec<u8>>,
}

/// Bodies received in a round, by sender index (envelopes already checked).
#[derive(Default)]
pub struct In {
    pub broadcast: BTreeMap<u16, Vec<u8>>,
    pub p2p: BTreeMap<u16, Vec<u8>>,
}

pub struct Frame {
    pub proto: Proto,
    pub sid: [u8; 32],
    pub me: u16,
    /// Sorted participant indices (1-based), including `me`.
    pub parties: Vec<u16>,
    /// The round whose messages are produced next by `start`/`step` (1-based).
    pub round: u8,
}

impl Frame {
    pub fn new(proto: Proto, sid: &[u8], me: u16, parties: &[u16]) -> Result<Self> {
        let sid: [u8; 32] = sid
            .try_into()
            .map_err(|_| Error::usage(format!("session id must be 32 bytes, got {}", sid.len())))?;
        let mut ps = parties.to_vec();
        ps.sort_unstable();
        ps.dedup();
        if ps.len() != parties.len() {
            return Err(Error::usage("participants repeat"));
        }
        if ps.first() == Some(&0) {
            return Err(Error::usage("participant indices start at 1"));
        }
        if !ps.contains(&me) {
            return Err(Error::usage(format!("party {me} is not among the participants {ps:?}")));
        }
        Ok(Frame { proto, sid, me, parties: ps, round: 1 })
    }

    pub fn others(&self) -> impl Iterator<Item = u16> + '_ {
        self.parties.iter().copied().filter(move |&p| p != self.me)
    }

    fn wrap(&self, to: u16, body: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN + body.len());
        out.extend_from_slice(&MAGIC);
        out.push(self.proto as u8);
        out.push(self.round);
        out.extend_from_slice(&self.me.to_be_bytes());
        out.extend_from_slice(&to.to_be_bytes());
        out.extend_from_slice(&self.sid);
        out.extend_from_slice(body);
        out
    }

    /// Wraps this round's bodies in envelopes and advances to the next round.
    pub fn seal(&mut self, out: Out) -> Result<Out> {
        let mut sealed = Out::default();
        if let Some(b) = out.broadcast {
            sealed.broadcast = Some(self.wrap(0, &b));
        }
        if !out.p2p.is_empty() {
            let want: Vec<u16> = self.others().collect();
            let got: Vec<u16> = out.p2p.keys().copied().collect();
            if want != got {
                return Err(Error::usage(format!("p2p recipients {got:?}, expected {want:?}")));
            }
            for (to, body) in out.p2p {
                sealed.p2p.insert(to, self.wrap(to, &body));
            }
        }
        self.round = self.round.saturating_add(1);
        Ok(sealed)
    }

    /// Checks the envelopes of the round `self.round - 1` received from every other party.
    pub fn open(
        &self,
        broadcast: HashMap<u16, Vec<u8>>,
        p2p: HashMap<u16, Vec<u8>>,
        want_broadcast: bool,
        want_p2p: bool,
    ) -> Result<In> {
        let round = self.round - 1;
        Ok(In {
            broadcast: self.open_set(broadcast, want_broadcast, round, true)?,
            p2p: self.open_set(p2p, want_p2p, round, false)?,
        })
    }

    fn open_set(
        &self,
        msgs: HashMap<u16, Vec<u8>>,
        wanted: bool,
        round: u8,
        broadcast: bool,
    ) -> Result<BTreeMap<u16, Vec<u8>>> {
        let kind = if broadcast { "broadcast" } else { "direct" };
        let mut out = BTreeMap::new();
        if !wanted {
            if let Some(&from) = msgs.keys().next() {
                return Err(Error::protocol(
                    format!("unexpected {kind} message in round {round}"),
                    Some(from),
                ));
            }
            return Ok(out);
        }
        for from in self.others() {
            if !msgs.contains_key(&from) {
                return Err(Error::protocol(
                    format!("missing {kind} message of round {round} from party {from}"),
                    Some(from),
                ));
            }
        }
        for (from, raw) in msgs {
            if from == self.me || !self.parties.contains(&from) {
                return Err(Error::protocol(format!("party {from} is not a participant"), Some(from)));
            }
            let body = self.check(&raw, from, round, if broadcast { 0 } else { self.me })?;
            out.insert(from, body.to_vec());
        }
        Ok(out)
    }

    fn check<'a>(&self, raw: &'a [u8], from: u16, round: u8, to: u16) -> Result<&'a [u8]> {
        if raw.len() < HEADER_LEN || raw[..4] != MAGIC {
            return Err(Error::protocol(format!("malformed message from party {from}"), Some(from)));
        }
        if raw.len() - HEADER_LEN > MAX_BODY {
            return Err(Error::protocol(format!("oversize message from party {from}"), Some(from)));
        }
        if raw[10..42] != self.sid {
            return Err(Error::Session(format!(
                "message from party {from} belongs to another session"
            )));
        }
        if raw[4] != self.proto as u8 {
            return Err(Error::Session(format!(
                "message from party {from} is not a {} message",
                self.proto.name()
            )));
        }
        if raw[5] != round {
            return Err(Error::Session(format!(
                "message from party {from} is of round {}, expected round {round}",
                raw[5]
            )));
        }
        let sender = u16::from_be_bytes([raw[6], raw[7]]);
        let recipient = u16::from_be_bytes([raw[8], raw[9]]);
        if sender != from {
            return Err(Error::protocol(
                format!("message delivered by party {from} claims sender {sender}"),
                Some(from),
            ));
        }
        if recipient != to {
            return Err(Error::protocol(
                format!("message from party {from} is addressed to {recipient}, not {to}"),
                Some(from),
            ));
        }
        Ok(&raw[HEADER_LEN..])
    }
}

pub fn enc<T: serde::Serialize>(v: &T) -> Result<Vec<u8>> {
    postcard::to_allocvec(v).map_err(|e| Error::usage(format!("encoding failed: {e}")))
}

pub fn dec<T: serde::de::DeserializeOwned>(b: &[u8], from: u16) -> Result<T> {
    postcard::from_bytes(b)
        .map_err(|_| Error::protocol(format!("undecodable message body from party {from}"), Some(from)))
}
