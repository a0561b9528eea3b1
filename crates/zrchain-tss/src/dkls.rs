//! DKLs23 threshold ECDSA on secp256k1 from 0xCarbon's `dkls23`:
//! DKG (Protocol 9.1 of ia.cr/2023/602: 3 rounds), signing (Protocol 3.6 of
//! ia.cr/2023/765: 3 rounds), and the complete refresh (3 rounds, new shares, new OT
//! correlations, same public key).
use std::collections::BTreeMap;

use dkls23::protocols::dkg::{
    BroadcastDerivationPhase2to4, BroadcastDerivationPhase3to4, KeepInitMulPhase3to4,
    KeepInitZeroSharePhase2to3, KeepInitZeroSharePhase3to4, ProofCommitment,
    TransmitInitMulPhase3to4, TransmitInitZeroSharePhase2to4, TransmitInitZeroSharePhase3to4,
};
use dkls23::protocols::signing::{
    Broadcast3to4, KeepPhase1to2, KeepPhase2to3, SignData, TransmitPhase1to2, TransmitPhase2to3,
    UniqueKeep1to2, UniqueKeep2to3,
};
use dkls23::protocols::{Abort, AbortKind, Parameters, Party, PartyIndex};
use dkls23::utilities::hashes::HashOutput;
use dkls23::utilities::proofs::DLogProof;
use dkls23::DkgSession;
use elliptic_curve::sec1::ToSec1Point;
use k256::ecdsa::signature::hazmat::PrehashVerifier;
use k256::{Scalar, Secp256k1};
use zeroize::Zeroizing;

use crate::errors::{Error, Result};
use crate::machine::{Output, Protocol, Step};
use crate::share::{pack, unpack, Scheme, ShareInfo};
use crate::wire::{dec, enc, Frame, In, Out, Proto};

type C = Secp256k1;
type ZeroMul = (Option<TransmitInitZeroSharePhase3to4>, Option<TransmitInitMulPhase3to4<C>>);

fn pidx(i: u16) -> Result<PartyIndex> {
    u8::try_from(i)
        .ok()
        .and_then(|i| PartyIndex::new(i).ok())
        .ok_or_else(|| Error::usage(format!("invalid party index {i}")))
}

fn abort(what: &str, e: Abort) -> Error {
    let (culprit, ban) = match e.kind {
        AbortKind::BanCounterparty(p) => (Some(u16::from(p.as_u8())), true),
        _ => (None, false),
    };
    Error::Protocol { msg: format!("{what}: {}", e.description()), culprit, ban }
}

fn compressed(party: &Party<C>) -> Vec<u8> {
    party.pk.to_sec1_point(true).as_bytes().to_vec()
}

fn pack_party(party: &Party<C>) -> Result<Output> {
    let raw = Zeroizing::new(enc(party)?);
    Ok(Output::Share { share: pack(Scheme::DklsSecp256k1, &raw), public_key: compressed(party) })
}

pub fn load(share: &[u8]) -> Result<Party<C>> {
    let body = unpack(share, Scheme::DklsSecp256k1)?;
    postcard::from_bytes(body).map_err(|_| Error::share("corrupt DKLs23 share"))
}

pub fn info(share: &[u8]) -> Result<ShareInfo> {
    let p = load(share)?;
    Ok(ShareInfo {
        scheme: Scheme::DklsSecp256k1,
        index: u16::from(p.party_index.as_u8()),
        threshold: u16::from(p.parameters.threshold),
        parties: u16::from(p.parameters.share_count),
        public_key: compressed(&p),
    })
}

fn fragments_out(me: u16, frags: &[Scalar]) -> Result<(Scalar, Out)> {
    let mut out = Out::default();
    let mut own = None;
    for (j, f) in frags.iter().enumerate() {
        let to = (j + 1) as u16;
        if to == me {
            own = Some(*f);
        } else {
            out.p2p.insert(to, enc(f)?);
        }
    }
    Ok((own.ok_or_else(|| Error::usage("no own fragment"))?, out))
}

fn fragments_in(f: &Frame, own: Scalar, inc: &In) -> Result<Vec<Scalar>> {
    f.parties
        .iter()
        .map(|&j| if j == f.me { Ok(own) } else { dec::<Scalar>(&inc.p2p[&j], j) })
        .collect()
}

fn per_receiver<T: serde::Serialize>(items: Vec<(u16, T)>) -> Result<BTreeMap<u16, Vec<u8>>> {
    items.into_iter().map(|(to, m)| Ok((to, enc(&m)?))).collect()
}

fn zero_mul_out(
    zero3: Vec<TransmitInitZeroSharePhase3to4>,
    mul3: Vec<TransmitInitMulPhase3to4<C>>,
) -> Result<BTreeMap<u16, Vec<u8>>> {
    let mut per: BTreeMap<u16, ZeroMul> = BTreeMap::new();
    for z in zero3 {
        let to = u16::from(z.parties.receiver.as_u8());
        per.entry(to).or_default().0 = Some(z);
    }
    for m in mul3 {
        let to = u16::from(m.parties.receiver.as_u8());
        per.entry(to).or_default().1 = Some(m);
    }
    per_receiver(per.into_iter().collect())
}

fn zero_mul_in(inc: &In) -> Result<(Vec<TransmitInitZeroSharePhase3to4>, Vec<TransmitInitMulPhase3to4<C>>)> {
    let (mut zero3, mut mul3) = (Vec::new(), Vec::new());
    for (&from, b) in &inc.p2p {
        let (z, m): ZeroMul = dec(b, from)?;
        let (z, m) = (
            z.ok_or_else(|| Error::protocol("missing zero-share message", Some(from)))?,
            m.ok_or_else(|| Error::protocol("missing multiplication message", Some(from)))?,
        );
        if u16::from(z.parties.sender.as_u8()) != from || u16::from(m.parties.sender.as_u8()) != from {
            return Err(Error::protocol("sender mismatch", Some(from)));
        }
        zero3.push(z);
        mul3.push(m);
    }
    Ok((zero3, mul3))
}

fn zero2_in(inc: &In) -> Result<Vec<TransmitInitZeroSharePhase2to4>> {
    let mut out = Vec::with_capacity(inc.p2p.len());
    for (&from, b) in &inc.p2p {
        let m: TransmitInitZeroSharePhase2to4 = dec(b, from)?;
        if u16::from(m.parties.sender.as_u8()) != from {
            return Err(Error::protocol("sender mismatch", Some(from)));
        }
        out.push(m);
    }
    Ok(out)
}

/// Round-2 broadcasts: commitments to the DLog proofs (revealed in round 3).
fn commitments_in(f: &Frame, inc: &In) -> Result<BTreeMap<u16, (PartyIndex, HashOutput, Vec<u8>)>> {
    let mut out = BTreeMap::new();
    for (&from, b) in &inc.broadcast {
        let (idx, commitment, extra): (PartyIndex, HashOutput, Vec<u8>) = dec(b, from)?;
        if u16::from(idx.as_u8()) != from {
            return Err(Error::protocol("sender mismatch", Some(from)));
        }
        out.insert(from, (idx, commitment, extra));
    }
    let _ = f;
    Ok(out)
}

fn proofs_in(
    f: &Frame,
    own: ProofCommitment<C>,
    commitments: &BTreeMap<u16, (PartyIndex, HashOutput, Vec<u8>)>,
    inc: &In,
) -> Result<(Vec<ProofCommitment<C>>, BTreeMap<u16, Vec<u8>>)> {
    let mut proofs = Vec::with_capacity(f.parties.len());
    let mut extras = BTreeMap::new();
    let mut own = Some(own);
    for &j in &f.parties {
        if j == f.me {
            proofs.push(own.take().ok_or_else(|| Error::usage("own proof missing"))?);
            continue;
        }
        let (idx, commitment, _) = commitments.get(&j).ok_or_else(|| Error::protocol("no commitment", Some(j)))?;
        let (proof, extra): (DLogProof<C>, Vec<u8>) = dec(&inc.broadcast[&j], j)?;
        proofs.push(ProofCommitment { index: *idx, proof, commitment: *commitment });
        extras.insert(j, extra);
    }
    Ok((proofs, extras))
}

// -- keygen -------------------------------------------------------------------------------

pub struct Keygen {
    f: Frame,
    session: Option<DkgSession<C>>,
    own_fragment: Option<Scalar>,
    own_proof: Option<ProofCommitment<C>>,
    commitments: BTreeMap<u16, (PartyIndex, HashOutput, Vec<u8>)>,
    bip2: BTreeMap<PartyIndex, BroadcastDerivationPhase2to4>,
    own_bip3: Option<BroadcastDerivationPhase3to4>,
    zero2: Vec<TransmitInitZeroSharePhase2to4>,
}

impl Keygen {
    pub fn new(sid: &[u8], me: u16, n: u16, t: u16) -> Result<Self> {
        let (tn, nn) = (u8::try_from(t), u8::try_from(n));
        let params = match (tn, nn) {
            (Ok(t8), Ok(n8)) if t >= 2 => Parameters::new(t8, n8).map_err(|e| Error::usage(format!("{e:?}")))?,
            _ => return Err(Error::usage(format!("threshold {t} of {n} parties: need 2 <= t <= n <= 255"))),
        };
        let f = Frame::new(Proto::DklsKeygen, sid, me, &(1..=n).collect::<Vec<_>>())?;
        Ok(Keygen {
            session: Some(DkgSession::new(params, pidx(me)?, sid.to_vec())),
            f,
            own_fragment: None,
            own_proof: None,
            commitments: BTreeMap::new(),
            bip2: BTreeMap::new(),
            own_bip3: None,
            zero2: Vec::new(),
        })
    }

    fn session(&mut self) -> Result<&mut DkgSession<C>> {
        self.session.as_mut().ok_or_else(|| Error::usage("keygen already finished"))
    }
}

impl Protocol for Keygen {
    fn frame(&mut self) -> &mut Frame {
        &mut self.f
    }
    fn rounds(&self) -> u8 {
        3
    }
    fn shape(&self, round: u8) -> (bool, bool) {
        (round >= 2, true)
    }
    fn start(&mut self) -> Result<Out> {
        let frags = Zeroizing::new(self.session()?.phase1());
        let (own, out) = fragments_out(self.f.me, &frags)?;
        self.own_fragment = Some(own);
        Ok(out)
    }
    fn step(&mut self, round: u8, inc: In) -> Result<Step> {
        match round {
            1 => {
                let own = self.own_fragment.take().ok_or_else(|| Error::usage("out of order"))?;
                let all = Zeroizing::new(fragments_in(&self.f, own, &inc)?);
                let (pc, zero2, bip2) = self.session()?.phase2(&all).map_err(|e| abort("keygen round 1", e))?;
                let b = enc(&(pc.index, pc.commitment, enc(&bip2)?))?;
                self.commitments.insert(self.f.me, (pc.index, pc.commitment, Vec::new()));
                self.bip2.insert(pidx(self.f.me)?, bip2);
                self.own_proof = Some(pc);
                let p2p = per_receiver(zero2.into_iter().map(|m| (u16::from(m.parties.receiver.as_u8()), m)).collect())?;
                Ok(Step::Next(Out { broadcast: Some(b), p2p }))
            }
            2 => {
                for (from, (idx, c, extra)) in commitments_in(&self.f, &inc)? {
                    let bip: BroadcastDerivationPhase2to4 = dec(&extra, from)?;
                    if u16::from(bip.sender_index.as_u8()) != from {
                        return Err(Error::protocol("sender mismatch", Some(from)));
                    }
                    self.bip2.insert(idx, bip);
                    self.commitments.insert(from, (idx, c, Vec::new()));
                }
                self.zero2 = zero2_in(&inc)?;
                let (zero3, mul3, bip3) = self.session()?.phase3().map_err(|e| abort("keygen round 2", e))?;
                let proof = &self.own_proof.as_ref().ok_or_else(|| Error::usage("out of order"))?.proof;
                let b = enc(&(proof, enc(&bip3)?))?;
                self.own_bip3 = Some(bip3);
                Ok(Step::Next(Out { broadcast: Some(b), p2p: zero_mul_out(zero3, mul3)? }))
            }
            3 => {
                let own = self.own_proof.take().ok_or_else(|| Error::usage("out of order"))?;
                let (proofs, extras) = proofs_in(&self.f, own, &self.commitments, &inc)?;
                let mut bip3 = BTreeMap::new();
                bip3.insert(pidx(self.f.me)?, self.own_bip3.take().ok_or_else(|| Error::usage("out of order"))?);
                for (from, extra) in extras {
                    bip3.insert(pidx(from)?, dec::<BroadcastDerivationPhase3to4>(&extra, from)?);
                }
                let (zero3, mul3) = zero_mul_in(&inc)?;
                let session = self.session.take().ok_or_else(|| Error::usage("out of order"))?;
                let (party, _) = session
                    .phase4(&proofs, &self.zero2, &zero3, &mul3, &self.bip2, &bip3, dkls23::secp256k1::compute_eth_address)
                    .map_err(|e| abort("keygen round 3", e))?;
                Ok(Step::Done(pack_party(&party)?))
            }
            _ => Err(Error::usage("keygen has 3 rounds")),
        }
    }
}

// -- signing ------------------------------------------------------------------------------

pub struct Sign {
    f: Frame,
    party: Party<C>,
    data: SignData,
    k12: Option<(UniqueKeep1to2<C>, BTreeMap<PartyIndex, KeepPhase1to2<C>>)>,
    k23: Option<(UniqueKeep2to3<C>, BTreeMap<PartyIndex, KeepPhase2to3<C>>)>,
    x_coord: Option<String>,
    own_b34: Option<Broadcast3to4<C>>,
}

impl Sign {
    pub fn new(share: &[u8], sid: &[u8], signers: &[u16], message_hash: &[u8]) -> Result<Self> {
        let party = load(share)?;
        let me = u16::from(party.party_index.as_u8());
        let f = Frame::new(Proto::DklsSign, sid, me, signers)?;
        let t = usize::from(party.parameters.threshold);
        let n = u16::from(party.parameters.share_count);
        if f.parties.iter().any(|&p| p > n) {
            return Err(Error::usage(format!("signers {:?} outside the key's {n} parties", f.parties)));
        }
        if f.parties.len() != t {
            return Err(Error::usage(format!(
                "signing needs exactly {t} signers of this key, got {}",
                f.parties.len()
            )));
        }
        let message_hash: [u8; 32] =
            message_hash.try_into().map_err(|_| Error::usage("the message hash must be 32 bytes"))?;
        let counterparties = f.others().map(pidx).collect::<Result<Vec<_>>>()?;
        let data = SignData { sign_id: sid.to_vec(), counterparties, message_hash };
        Ok(Sign { f, party, data, k12: None, k23: None, x_coord: None, own_b34: None })
    }
}

fn check_senders<T>(items: &[(u16, T)], sender: impl Fn(&T) -> u8) -> Result<()> {
    for (from, m) in items {
        if u16::from(sender(m)) != *from {
            return Err(Error::protocol("sender mismatch", Some(*from)));
        }
    }
    Ok(())
}

impl Protocol for Sign {
    fn frame(&mut self) -> &mut Frame {
        &mut self.f
    }
    fn rounds(&self) -> u8 {
        3
    }
    fn shape(&self, round: u8) -> (bool, bool) {
        (round == 3, round < 3)
    }
    fn start(&mut self) -> Result<Out> {
        let (u, k, t) = self.party.sign_phase1(&self.data).map_err(|e| abort("signing", e))?;
        self.k12 = Some((u, k));
        let p2p = per_receiver(t.into_iter().map(|m| (u16::from(m.parties.receiver.as_u8()), m)).collect())?;
        Ok(Out { p2p, ..Out::default() })
    }
    fn step(&mut self, round: u8, inc: In) -> Result<Step> {
        match round {
            1 => {
                let recv: Vec<(u16, TransmitPhase1to2)> =
                    inc.p2p.iter().map(|(&f, b)| Ok((f, dec(b, f)?))).collect::<Result<_>>()?;
                check_senders(&recv, |m| m.parties.sender.as_u8())?;
                let recv: Vec<_> = recv.into_iter().map(|(_, m)| m).collect();
                let (u, k) = self.k12.take().ok_or_else(|| Error::usage("out of order"))?;
                let (u2, k2, t) =
                    self.party.sign_phase2(&self.data, u, k, &recv).map_err(|e| abort("signing round 1", e))?;
                self.k23 = Some((u2, k2));
                let p2p = per_receiver(t.into_iter().map(|m| (u16::from(m.parties.receiver.as_u8()), m)).collect())?;
                Ok(Step::Next(Out { p2p, ..Out::default() }))
            }
            2 => {
                let recv: Vec<(u16, TransmitPhase2to3<C>)> =
                    inc.p2p.iter().map(|(&f, b)| Ok((f, dec(b, f)?))).collect::<Result<_>>()?;
                check_senders(&recv, |m| m.parties.sender.as_u8())?;
                let recv: Vec<_> = recv.into_iter().map(|(_, m)| m).collect();
                let (u, k) = self.k23.take().ok_or_else(|| Error::usage("out of order"))?;
                let (x, b) =
                    self.party.sign_phase3(&self.data, u, k, &recv).map_err(|e| abort("signing round 2", e))?;
                self.x_coord = Some(x);
                let out = enc(&b)?;
                self.own_b34 = Some(b);
                Ok(Step::Next(Out { broadcast: Some(out), ..Out::default() }))
            }
            3 => {
                let mut recv = Vec::with_capacity(self.f.parties.len());
                for (&from, b) in &inc.broadcast {
                    recv.push(dec::<Broadcast3to4<C>>(b, from)?);
                }
                recv.push(self.own_b34.take().ok_or_else(|| Error::usage("out of order"))?);
                let x = self.x_coord.take().ok_or_else(|| Error::usage("out of order"))?;
                let (s_hex, v) = self
                    .party
                    .sign_phase4(&self.data, &x, &recv, true)
                    .map_err(|e| abort("signing round 3", e))?;
                let mut sig = hex(&x)?;
                sig.extend(hex(&s_hex)?);
                verify(&compressed(&self.party), &self.data.message_hash, &sig)?;
                sig.push(v);
                Ok(Step::Done(Output::Signature(sig)))
            }
            _ => Err(Error::usage("signing has 3 rounds")),
        }
    }
}

fn hex(s: &str) -> Result<Vec<u8>> {
    let mut out = vec![0u8; 32];
    if s.len() != 64 {
        return Err(Error::protocol("signature component of the wrong length", None));
    }
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16)
            .map_err(|_| Error::protocol("bad signature component", None))?;
    }
    Ok(out)
}

fn verify(pk: &[u8], hash: &[u8; 32], rs: &[u8]) -> Result<()> {
    let vk = k256::ecdsa::VerifyingKey::from_sec1_bytes(pk).map_err(|_| Error::share("bad public key"))?;
    let sig = k256::ecdsa::Signature::from_slice(rs).map_err(|_| Error::protocol("malformed signature", None))?;
    vk.verify_prehash(hash, &sig)
        .map_err(|_| Error::protocol("the joint signature does not verify", None))
}

// -- refresh ------------------------------------------------------------------------------

pub struct Refresh {
    f: Frame,
    party: Party<C>,
    sid: Vec<u8>,
    own_fragment: Option<Scalar>,
    correction: Option<Scalar>,
    own_proof: Option<ProofCommitment<C>>,
    commitments: BTreeMap<u16, (PartyIndex, HashOutput, Vec<u8>)>,
    zero_keep2: Option<BTreeMap<PartyIndex, KeepInitZeroSharePhase2to3>>,
    zero_keep3: Option<BTreeMap<PartyIndex, KeepInitZeroSharePhase3to4>>,
    mul_keep3: Option<BTreeMap<PartyIndex, KeepInitMulPhase3to4<C>>>,
    zero2: Vec<TransmitInitZeroSharePhase2to4>,
}

impl Refresh {
    pub fn new(share: &[u8], sid: &[u8]) -> Result<Self> {
        let party = load(share)?;
        let me = u16::from(party.party_index.as_u8());
        let n = u16::from(party.parameters.share_count);
        let f = Frame::new(Proto::DklsRefresh, sid, me, &(1..=n).collect::<Vec<_>>())?;
        Ok(Refresh {
            f,
            party,
            sid: sid.to_vec(),
            own_fragment: None,
            correction: None,
            own_proof: None,
            commitments: BTreeMap::new(),
            zero_keep2: None,
            zero_keep3: None,
            mul_keep3: None,
            zero2: Vec::new(),
        })
    }
}

impl Protocol for Refresh {
    fn frame(&mut self) -> &mut Frame {
        &mut self.f
    }
    fn rounds(&self) -> u8 {
        3
    }
    fn shape(&self, round: u8) -> (bool, bool) {
        (round >= 2, true)
    }
    fn start(&mut self) -> Result<Out> {
        let frags = Zeroizing::new(self.party.refresh_complete_phase1());
        let (own, out) = fragments_out(self.f.me, &frags)?;
        self.own_fragment = Some(own);
        Ok(out)
    }
    fn step(&mut self, round: u8, inc: In) -> Result<Step> {
        match round {
            1 => {
                let own = self.own_fragment.take().ok_or_else(|| Error::usage("out of order"))?;
                let all = Zeroizing::new(fragments_in(&self.f, own, &inc)?);
                let (correction, pc, keep, transmit) = self.party.refresh_complete_phase2(&self.sid, &all);
                let b = enc(&(pc.index, pc.commitment, Vec::<u8>::new()))?;
                self.commitments.insert(self.f.me, (pc.index, pc.commitment, Vec::new()));
                self.correction = Some(correction);
                self.own_proof = Some(pc);
                self.zero_keep2 = Some(keep);
                let p2p =
                    per_receiver(transmit.into_iter().map(|m| (u16::from(m.parties.receiver.as_u8()), m)).collect())?;
                Ok(Step::Next(Out { broadcast: Some(b), p2p }))
            }
            2 => {
                for (from, entry) in commitments_in(&self.f, &inc)? {
                    self.commitments.insert(from, entry);
                }
                self.zero2 = zero2_in(&inc)?;
                let keep2 = self.zero_keep2.take().ok_or_else(|| Error::usage("out of order"))?;
                let (zk3, zt3, mk3, mt3) = self.party.refresh_complete_phase3(&self.sid, &keep2);
                self.zero_keep3 = Some(zk3);
                self.mul_keep3 = Some(mk3);
                let proof = &self.own_proof.as_ref().ok_or_else(|| Error::usage("out of order"))?.proof;
                let b = enc(&(proof, Vec::<u8>::new()))?;
                Ok(Step::Next(Out { broadcast: Some(b), p2p: zero_mul_out(zt3, mt3)? }))
            }
            3 => {
                let own = self.own_proof.take().ok_or_else(|| Error::usage("out of order"))?;
                let (proofs, _) = proofs_in(&self.f, own, &self.commitments, &inc)?;
                let (zero3, mul3) = zero_mul_in(&inc)?;
                let correction = self.correction.take().ok_or_else(|| Error::usage("out of order"))?;
                let zk3 = self.zero_keep3.take().ok_or_else(|| Error::usage("out of order"))?;
                let mk3 = self.mul_keep3.take().ok_or_else(|| Error::usage("out of order"))?;
                let new = self
                    .party
                    .refresh_complete_phase4(&self.sid, &correction, &proofs, &zk3, &self.zero2, &zero3, &mk3, &mul3)
                    .map_err(|e| abort("refresh round 3", e))?;
                if new.pk != self.party.pk {
                    return Err(Error::protocol("refresh changed the public key", None));
                }
                Ok(Step::Done(pack_party(&new)?))
            }
            _ => Err(Error::usage("refresh has 3 rounds")),
        }
    }
}
