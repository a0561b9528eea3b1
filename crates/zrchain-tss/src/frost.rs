//! FROST(Ed25519, SHA-512) (RFC 9591) from the Zcash Foundation's `frost-ed25519`:
//! Pedersen DKG (2 rounds), signing where every signer aggregates (2 broadcast rounds), and
//! share refresh (2 rounds, same group key).
use std::collections::BTreeMap;

use frost::keys::{dkg, refresh, KeyPackage, PublicKeyPackage};
use frost::round1::{SigningCommitments, SigningNonces};
use frost::round2::SignatureShare;
use frost::{Identifier, SigningPackage};
use frost_ed25519 as frost;
use rand_core::OsRng;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use crate::errors::{Error, Result};
use crate::machine::{Output, Protocol, Step};
use crate::share::{pack, unpack, Scheme, ShareInfo};
use crate::wire::{enc, Frame, In, Out, Proto};

fn ident(i: u16) -> Result<Identifier> {
    Identifier::try_from(i).map_err(|_| Error::usage(format!("invalid participant index {i}")))
}

/// Index <-> FROST identifier for a set of participants.
struct Ids(BTreeMap<Identifier, u16>);

impl Ids {
    fn new(parties: &[u16]) -> Result<Self> {
        Ok(Ids(parties.iter().map(|&p| Ok((ident(p)?, p))).collect::<Result<_>>()?))
    }
    fn index(&self, id: &Identifier) -> Option<u16> {
        self.0.get(id).copied()
    }
    fn fail(&self, what: &str, e: frost::Error) -> Error {
        let culprit = e.culprits().first().and_then(|c| self.index(c));
        Error::protocol(format!("{what}: {e}"), culprit)
    }
}

fn fdec<T>(r: std::result::Result<T, frost::Error>, from: u16) -> Result<T> {
    r.map_err(|_| Error::protocol(format!("undecodable message from party {from}"), Some(from)))
}

fn ser(r: std::result::Result<Vec<u8>, frost::Error>) -> Result<Vec<u8>> {
    r.map_err(|e| Error::usage(format!("serialization failed: {e}")))
}

#[derive(Serialize, Deserialize, Zeroize)]
struct ShareBody {
    key_package: Vec<u8>,
    public_key_package: Vec<u8>,
}

fn pack_share(kp: &KeyPackage, pkp: &PublicKeyPackage) -> Result<Output> {
    let mut body = ShareBody { key_package: ser(kp.serialize())?, public_key_package: ser(pkp.serialize())? };
    let raw = Zeroizing::new(enc(&body)?);
    body.zeroize();
    let public_key = ser(pkp.verifying_key().serialize())?;
    Ok(Output::Share { share: pack(Scheme::FrostEd25519, &raw), public_key })
}

pub struct Loaded {
    pub kp: KeyPackage,
    pub pkp: PublicKeyPackage,
    pub me: u16,
    pub parties: Vec<u16>,
}

pub fn load(share: &[u8]) -> Result<Loaded> {
    let body = unpack(share, Scheme::FrostEd25519)?;
    let mut sb: ShareBody = postcard::from_bytes(body).map_err(|_| Error::share("corrupt FROST share"))?;
    let kp = KeyPackage::deserialize(&sb.key_package).map_err(|_| Error::share("corrupt FROST key package"));
    let pkp = PublicKeyPackage::deserialize(&sb.public_key_package)
        .map_err(|_| Error::share("corrupt FROST public key package"));
    sb.zeroize();
    let (kp, pkp) = (kp?, pkp?);
    let n = pkp.verifying_shares().len() as u16;
    // Participants are numbered 1..=n by the keygen of this crate.
    let ids = Ids::new(&(1..=n).collect::<Vec<_>>())?;
    let mut parties = Vec::new();
    for id in pkp.verifying_shares().keys() {
        parties.push(ids.index(id).ok_or_else(|| Error::share("share with foreign identifiers"))?);
    }
    let me = ids.index(kp.identifier()).ok_or_else(|| Error::share("share with a foreign identifier"))?;
    if kp.verifying_key() != pkp.verifying_key() {
        return Err(Error::share("key package and public key package disagree"));
    }
    Ok(Loaded { kp, pkp, me, parties })
}

pub fn info(share: &[u8]) -> Result<ShareInfo> {
    let l = load(share)?;
    Ok(ShareInfo {
        scheme: Scheme::FrostEd25519,
        index: l.me,
        threshold: *l.kp.min_signers(),
        parties: l.parties.len() as u16,
        public_key: ser(l.pkp.verifying_key().serialize())?,
    })
}

// -- keygen -------------------------------------------------------------------------------

pub struct Keygen {
    f: Frame,
    ids: Ids,
    n: u16,
    t: u16,
    secret1: Option<dkg::round1::SecretPackage>,
    secret2: Option<dkg::round2::SecretPackage>,
    r1: BTreeMap<Identifier, dkg::round1::Package>,
}

impl Keygen {
    pub fn new(sid: &[u8], me: u16, n: u16, t: u16) -> Result<Self> {
        if t < 2 || t > n {
            return Err(Error::usage(format!("threshold {t} of {n} parties: need 2 <= t <= n")));
        }
        let parties: Vec<u16> = (1..=n).collect();
        let f = Frame::new(Proto::FrostKeygen, sid, me, &parties)?;
        Ok(Keygen { ids: Ids::new(&parties)?, f, n, t, secret1: None, secret2: None, r1: BTreeMap::new() })
    }
}

fn round1_packages(inc: &In) -> Result<BTreeMap<Identifier, dkg::round1::Package>> {
    inc.broadcast
        .iter()
        .map(|(&from, b)| Ok((ident(from)?, fdec(dkg::round1::Package::deserialize(b), from)?)))
        .collect()
}

fn round2_packages(inc: &In) -> Result<BTreeMap<Identifier, dkg::round2::Package>> {
    inc.p2p
        .iter()
        .map(|(&from, b)| Ok((ident(from)?, fdec(dkg::round2::Package::deserialize(b), from)?)))
        .collect()
}

fn p2p_out(ids: &Ids, pkgs: BTreeMap<Identifier, dkg::round2::Package>) -> Result<Out> {
    let mut out = Out::default();
    for (id, pkg) in pkgs {
        let to = ids.index(&id).ok_or_else(|| Error::usage("package for an unknown identifier"))?;
        out.p2p.insert(to, ser(pkg.serialize())?);
    }
    Ok(out)
}

impl Protocol for Keygen {
    fn frame(&mut self) -> &mut Frame {
        &mut self.f
    }
    fn rounds(&self) -> u8 {
        2
    }
    fn shape(&self, round: u8) -> (bool, bool) {
        (round == 1, round == 2)
    }
    fn start(&mut self) -> Result<Out> {
        let (secret, pkg) = dkg::part1(ident(self.f.me)?, self.n, self.t, OsRng)
            .map_err(|e| Error::usage(format!("keygen: {e}")))?;
        self.secret1 = Some(secret);
        Ok(Out { broadcast: Some(ser(pkg.serialize())?), ..Out::default() })
    }
    fn step(&mut self, round: u8, inc: In) -> Result<Step> {
        match round {
            1 => {
                let r1 = round1_packages(&inc)?;
                let secret = self.secret1.take().ok_or_else(|| Error::usage("out of order"))?;
                let (secret2, pkgs) = dkg::part2(secret, &r1).map_err(|e| self.ids.fail("keygen round 1", e))?;
                self.secret2 = Some(secret2);
                self.r1 = r1;
                Ok(Step::Next(p2p_out(&self.ids, pkgs)?))
            }
            2 => {
                let r2 = round2_packages(&inc)?;
                let secret2 = self.secret2.take().ok_or_else(|| Error::usage("out of order"))?;
                let (kp, pkp) = dkg::part3(&secret2, &self.r1, &r2).map_err(|e| self.ids.fail("keygen round 2", e))?;
                Ok(Step::Done(pack_share(&kp, &pkp)?))
            }
            _ => Err(Error::usage("keygen has 2 rounds")),
        }
    }
}

// -- signing ------------------------------------------------------------------------------

pub struct Sign {
    f: Frame,
    ids: Ids,
    l: Loaded,
    message: Vec<u8>,
    nonces: Option<SigningNonces>,
    own_commitments: Option<SigningCommitments>,
    package: Option<SigningPackage>,
    own_share: Option<SignatureShare>,
}

impl Sign {
    pub fn new(share: &[u8], sid: &[u8], signers: &[u16], message: &[u8]) -> Result<Self> {
        let l = load(share)?;
        let f = Frame::new(Proto::FrostSign, sid, l.me, signers)?;
        for s in &f.parties {
            if !l.parties.contains(s) {
                return Err(Error::usage(format!("party {s} holds no share of this key")));
            }
        }
        let t = *l.kp.min_signers();
        if f.parties.len() < t as usize {
            return Err(Error::usage(format!(
                "signing needs at least {t} signers of this key, got {}",
                f.parties.len()
            )));
        }
        Ok(Sign {
            ids: Ids::new(&f.parties)?,
            f,
            l,
            message: message.to_vec(),
            nonces: None,
            own_commitments: None,
            package: None,
            own_share: None,
        })
    }
}

impl Protocol for Sign {
    fn frame(&mut self) -> &mut Frame {
        &mut self.f
    }
    fn rounds(&self) -> u8 {
        2
    }
    fn shape(&self, _round: u8) -> (bool, bool) {
        (true, false)
    }
    fn start(&mut self) -> Result<Out> {
        let (nonces, commitments) = frost::round1::commit(self.l.kp.signing_share(), &mut OsRng);
        let b = ser(commitments.serialize())?;
        self.nonces = Some(nonces);
        self.own_commitments = Some(commitments);
        Ok(Out { broadcast: Some(b), ..Out::default() })
    }
    fn step(&mut self, round: u8, inc: In) -> Result<Step> {
        match round {
            1 => {
                let mut all = BTreeMap::new();
                for (&from, b) in &inc.broadcast {
                    all.insert(ident(from)?, fdec(SigningCommitments::deserialize(b), from)?);
                }
                let own = self.own_commitments.take().ok_or_else(|| Error::usage("out of order"))?;
                all.insert(*self.l.kp.identifier(), own);
                let package = SigningPackage::new(all, &self.message);
                // Nonces are single use: taken here and dropped (zeroised) after signing.
                let nonces = self.nonces.take().ok_or_else(|| Error::usage("out of order"))?;
                let share = frost::round2::sign(&package, &nonces, &self.l.kp)
                    .map_err(|e| self.ids.fail("signing round 1", e))?;
                drop(nonces);
                let b = share.serialize();
                self.own_share = Some(share);
                self.package = Some(package);
                Ok(Step::Next(Out { broadcast: Some(b), ..Out::default() }))
            }
            2 => {
                let mut shares = BTreeMap::new();
                for (&from, b) in &inc.broadcast {
                    shares.insert(ident(from)?, fdec(SignatureShare::deserialize(b), from)?);
                }
                let own = self.own_share.take().ok_or_else(|| Error::usage("out of order"))?;
                shares.insert(*self.l.kp.identifier(), own);
                let package = self.package.take().ok_or_else(|| Error::usage("out of order"))?;
                // `aggregate` checks every share against its verifying share (cheater detection).
                let sig = frost::aggregate(&package, &shares, &self.l.pkp)
                    .map_err(|e| self.ids.fail("signing round 2", e))?;
                self.l
                    .pkp
                    .verifying_key()
                    .verify(&self.message, &sig)
                    .map_err(|e| Error::protocol(format!("aggregate signature does not verify: {e}"), None))?;
                Ok(Step::Done(Output::Signature(ser(sig.serialize())?)))
            }
            _ => Err(Error::usage("signing has 2 rounds")),
        }
    }
}

// -- refresh ------------------------------------------------------------------------------

pub struct Refresh {
    f: Frame,
    ids: Ids,
    l: Loaded,
    secret1: Option<dkg::round1::SecretPackage>,
    secret2: Option<dkg::round2::SecretPackage>,
    r1: BTreeMap<Identifier, dkg::round1::Package>,
}

impl Refresh {
    pub fn new(share: &[u8], sid: &[u8]) -> Result<Self> {
        let l = load(share)?;
        let f = Frame::new(Proto::FrostRefresh, sid, l.me, &l.parties)?;
        Ok(Refresh { ids: Ids::new(&f.parties)?, f, l, secret1: None, secret2: None, r1: BTreeMap::new() })
    }
}

impl Protocol for Refresh {
    fn frame(&mut self) -> &mut Frame {
        &mut self.f
    }
    fn rounds(&self) -> u8 {
        2
    }
    fn shape(&self, round: u8) -> (bool, bool) {
        (round == 1, round == 2)
    }
    fn start(&mut self) -> Result<Out> {
        let n = self.l.parties.len() as u16;
        let (secret, pkg) = refresh::refresh_dkg_part1(ident(self.f.me)?, n, *self.l.kp.min_signers(), OsRng)
            .map_err(|e| Error::usage(format!("refresh: {e}")))?;
        self.secret1 = Some(secret);
        Ok(Out { broadcast: Some(ser(pkg.serialize())?), ..Out::default() })
    }
    fn step(&mut self, round: u8, inc: In) -> Result<Step> {
        match round {
            1 => {
                let r1 = round1_packages(&inc)?;
                let secret = self.secret1.take().ok_or_else(|| Error::usage("out of order"))?;
                let (secret2, pkgs) =
                    refresh::refresh_dkg_part2(secret, &r1).map_err(|e| self.ids.fail("refresh round 1", e))?;
                self.secret2 = Some(secret2);
                self.r1 = r1;
                Ok(Step::Next(p2p_out(&self.ids, pkgs)?))
            }
            2 => {
                let r2 = round2_packages(&inc)?;
                let secret2 = self.secret2.take().ok_or_else(|| Error::usage("out of order"))?;
                let (kp, pkp) =
                    refresh::refresh_dkg_shares(&secret2, &self.r1, &r2, self.l.pkp.clone(), self.l.kp.clone())
                        .map_err(|e| self.ids.fail("refresh round 2", e))?;
                if pkp.verifying_key() != self.l.pkp.verifying_key() {
                    return Err(Error::protocol("refresh changed the group key", None));
                }
                Ok(Step::Done(pack_share(&kp, &pkp)?))
            }
            _ => Err(Error::usage("refresh has 2 rounds")),
        }
    }
}

// -- RFC 9591 conformance ----------------------------------------------------------------------

/// RFC 9591 test-vector checks: a signature share from *given* nonces, and aggregation of
/// given shares. Deterministic nonces are only safe for published vectors; the keeper never
/// calls these (its signing draws fresh nonces inside `Sign`).
pub mod vectors {
    use super::*;
    use frost::round1::NonceCommitment;
    type Nonce = frost_core::round1::Nonce<frost::Ed25519Sha512>;
    use frost::keys::{SigningShare, VerifyingShare};
    use frost::VerifyingKey;

    fn bad<E: std::fmt::Display>(what: &'static str) -> impl Fn(E) -> Error {
        move |e| Error::usage(format!("{what}: {e}"))
    }

    pub fn commitments(c: &BTreeMap<u16, (Vec<u8>, Vec<u8>)>) -> Result<BTreeMap<Identifier, SigningCommitments>> {
        c.iter()
            .map(|(&i, (h, b))| {
                Ok((
                    ident(i)?,
                    SigningCommitments::new(
                        NonceCommitment::deserialize(h).map_err(bad("hiding commitment"))?,
                        NonceCommitment::deserialize(b).map_err(bad("binding commitment"))?,
                    ),
                ))
            })
            .collect()
    }

    pub fn verifying_share(signing_share: &[u8]) -> Result<Vec<u8>> {
        let s = SigningShare::deserialize(signing_share).map_err(bad("signing share"))?;
        ser(VerifyingShare::from(s).serialize())
    }

    #[allow(clippy::too_many_arguments)]
    pub fn sign_share(
        index: u16,
        signing_share: &[u8],
        verifying_key: &[u8],
        min_signers: u16,
        hiding_nonce: &[u8],
        binding_nonce: &[u8],
        c: &BTreeMap<u16, (Vec<u8>, Vec<u8>)>,
        message: &[u8],
    ) -> Result<Vec<u8>> {
        let s = SigningShare::deserialize(signing_share).map_err(bad("signing share"))?;
        let kp = KeyPackage::new(
            ident(index)?,
            s,
            VerifyingShare::from(s),
            VerifyingKey::deserialize(verifying_key).map_err(bad("verifying key"))?,
            min_signers,
        );
        let nonces = SigningNonces::from_nonces(
            Nonce::deserialize(hiding_nonce).map_err(bad("hiding nonce"))?,
            Nonce::deserialize(binding_nonce).map_err(bad("binding nonce"))?,
        );
        let package = SigningPackage::new(commitments(c)?, message);
        let share = frost::round2::sign(&package, &nonces, &kp).map_err(bad("sign"))?;
        Ok(share.serialize())
    }

    pub fn aggregate(
        c: &BTreeMap<u16, (Vec<u8>, Vec<u8>)>,
        message: &[u8],
        shares: &BTreeMap<u16, Vec<u8>>,
        verifying_shares: &BTreeMap<u16, Vec<u8>>,
        verifying_key: &[u8],
        min_signers: u16,
    ) -> Result<Vec<u8>> {
        let package = SigningPackage::new(commitments(c)?, message);
        let shares = shares
            .iter()
            .map(|(&i, b)| Ok((ident(i)?, SignatureShare::deserialize(b).map_err(bad("signature share"))?)))
            .collect::<Result<BTreeMap<_, _>>>()?;
        let vs = verifying_shares
            .iter()
            .map(|(&i, b)| Ok((ident(i)?, VerifyingShare::deserialize(b).map_err(bad("verifying share"))?)))
            .collect::<Result<BTreeMap<_, _>>>()?;
        let pkp = PublicKeyPackage::new(
            vs,
            VerifyingKey::deserialize(verifying_key).map_err(bad("verifying key"))?,
            Some(min_signers),
        );
        let ids = Ids::new(&verifying_shares.keys().copied().collect::<Vec<_>>())?;
        let sig = frost::aggregate(&package, &shares, &pkp).map_err(|e| ids.fail("aggregate", e))?;
        ser(sig.serialize())
    }
}
