//! A party's secret share at rest (the caller encrypts it):
//! `"ZRTS" | version 1 | scheme u8 | postcard body`.
use zeroize::Zeroizing;

use crate::errors::{Error, Result};

pub const MAGIC: [u8; 4] = *b"ZRTS";
pub const VERSION: u8 = 1;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum Scheme {
    FrostEd25519 = 1,
    DklsSecp256k1 = 2,
}

impl Scheme {
    pub fn name(self) -> &'static str {
        match self {
            Scheme::FrostEd25519 => "frost-ed25519",
            Scheme::DklsSecp256k1 => "dkls23-secp256k1",
        }
    }
}

/// Public facts of a share (what `mpc-keeper status` lists).
pub struct ShareInfo {
    pub scheme: Scheme,
    pub index: u16,
    pub threshold: u16,
    pub parties: u16,
    pub public_key: Vec<u8>,
}

pub fn pack(scheme: Scheme, body: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(6 + body.len()));
    out.extend_from_slice(&MAGIC);
    out.push(VERSION);
    out.push(scheme as u8);
    out.extend_from_slice(body);
    out
}

pub fn unpack(share: &[u8], want: Scheme) -> Result<&[u8]> {
    if share.len() < 6 || share[..4] != MAGIC {
        return Err(Error::share("not a zrchain-tss share"));
    }
    if share[4] != VERSION {
        return Err(Error::share(format!("unsupported share version {}", share[4])));
    }
    if share[5] != want as u8 {
        return Err(Error::share(format!("share is not a {} share", want.name())));
    }
    Ok(&share[6..])
}

pub fn scheme_of(share: &[u8]) -> Result<Scheme> {
    if share.len() < 6 || share[..4] != MAGIC {
        return Err(Error::share("not a zrchain-tss share"));
    }
    match share[5] {
        1 => Ok(Scheme::FrostEd25519),
        2 => Ok(Scheme::DklsSecp256k1),
        s => Err(Error::share(format!("unknown share scheme {s}"))),
    }
}
