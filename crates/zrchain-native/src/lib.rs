//! The node's hot paths done in one native pass each: the Cosmos tx envelope read
//! (`envelope`), the ABCI events of tx results written (`encode_events`) and the state
//! trie updated (`trie::trie_update`).
//!
//! The envelope, for the shape nearly every tx has:
//! `envelope(raw)` reads TxRaw, TxBody and AuthInfo (with their Anys, SignerInfos, the
//! single-signature ModeInfos and the Fee) and returns plain Python values, or `None`
//! when the bytes are anything but plain: a field out of order, an unknown field, a
//! singular field twice, a wrong wire type, invalid UTF-8, a multisignature, extension
//! options, a tip, a truncated or oversized varint. `None` is never a verdict: the caller
//! then decodes with protobuf and the ADR-027 walker as before, which accept or refuse
//! with their own errors. So whenever this returns a value, that value is what protobuf
//! would have parsed and the canonical-form checks pass: it only ever takes the easy cases.

mod trie;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyFrozenSet, PyList, PyString, PyTuple};

/// A field's value: a varint, or the bytes of a length-delimited field.
enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
}

/// A cursor over one message's bytes; every method answers `None` on anything irregular.
struct Fields<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Fields<'a> {
    fn new(data: &'a [u8]) -> Self {
        Fields { data, pos: 0 }
    }

    /// A varint of at most `max_len` bytes; with 10 bytes the last may only add bit 63.
    fn varint(&mut self, max_len: usize) -> Option<u64> {
        let mut out: u64 = 0;
        for i in 0..max_len {
            let b = *self.data.get(self.pos)?;
            self.pos += 1;
            if i == 9 && b > 1 {
                return None;
            }
            out |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Some(out);
            }
        }
        None
    }

    /// The next (field number, value); `Some(None)` at the end. Tags and lengths are read
    /// as protobuf's decoders read them (at most five bytes, 32 bits); fixed-width and
    /// group wire types never occur in the envelope and are irregular here.
    fn next(&mut self) -> Option<Option<(u32, Value<'a>)>> {
        if self.pos >= self.data.len() {
            return Some(None);
        }
        let tag = self.varint(5)?;
        if tag > u64::from(u32::MAX) {
            return None;
        }
        let number = (tag >> 3) as u32;
        if number == 0 {
            return None;
        }
        let value = match tag & 7 {
            0 => Value::Varint(self.varint(10)?),
            2 => {
                let len = self.varint(5)?;
                if len > u64::from(u32::MAX >> 1) {
                    return None;
                }
                let end = self.pos.checked_add(len as usize)?;
                let bytes = self.data.get(self.pos..end)?;
                self.pos = end;
                Value::Bytes(bytes)
            }
            _ => return None,
        };
        Some(Some((number, value)))
    }
}

/// Sets a singular field once; a second occurrence (which protobuf would merge or
/// overwrite) is irregular.
fn once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value);
    Some(())
}

fn text(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes).ok()
}

/// Field numbers must not decrease (ADR-027; repeats of a repeated field are allowed).
fn ascending(prev: &mut u32, number: u32) -> Option<()> {
    if number < *prev {
        return None;
    }
    *prev = number;
    Some(())
}

struct Any<'a> {
    type_url: &'a str,
    value: &'a [u8],
}

fn any(data: &[u8]) -> Option<Any<'_>> {
    let (mut url, mut value) = (None, None);
    let mut f = Fields::new(data);
    while let Some((number, v)) = f.next()? {
        match (number, v) {
            (1, Value::Bytes(b)) => once(&mut url, text(b)?)?,
            (2, Value::Bytes(b)) => once(&mut value, b)?,
            _ => return None,
        }
    }
    Some(Any { type_url: url.unwrap_or(""), value: value.unwrap_or(b"") })
}

struct TxRaw<'a> {
    body: &'a [u8],
    auth_info: &'a [u8],
    signatures: Vec<&'a [u8]>,
}

fn tx_raw(data: &[u8]) -> Option<TxRaw<'_>> {
    let (mut body, mut auth_info, mut signatures) = (None, None, Vec::new());
    let mut f = Fields::new(data);
    let mut prev = 0;
    while let Some((number, v)) = f.next()? {
        ascending(&mut prev, number)?;
        match (number, v) {
            (1, Value::Bytes(b)) => once(&mut body, b)?,
            (2, Value::Bytes(b)) => once(&mut auth_info, b)?,
            (3, Value::Bytes(b)) => signatures.push(b),
            _ => return None,
        }
    }
    Some(TxRaw { body: body.unwrap_or(b""), auth_info: auth_info.unwrap_or(b""), signatures })
}

struct TxBody<'a> {
    messages: Vec<Any<'a>>,
    memo: &'a str,
    timeout_height: u64,
}

fn tx_body(data: &[u8]) -> Option<TxBody<'_>> {
    let (mut messages, mut memo, mut timeout) = (Vec::new(), None, None);
    let mut f = Fields::new(data);
    let mut prev = 0;
    while let Some((number, v)) = f.next()? {
        ascending(&mut prev, number)?;
        match (number, v) {
            (1, Value::Bytes(b)) => messages.push(any(b)?),
            (2, Value::Bytes(b)) => once(&mut memo, text(b)?)?,
            (3, Value::Varint(n)) => once(&mut timeout, n)?,
            _ => return None, // extension options (1023, 2047) and unknown fields included
        }
    }
    Some(TxBody { messages, memo: memo.unwrap_or(""), timeout_height: timeout.unwrap_or(0) })
}

struct SignerInfo<'a> {
    public_key: Option<Any<'a>>,
    mode: i64,
    sequence: u64,
}

/// ModeInfo { single: Single { mode } }: the sign mode of a single signature.
fn single_mode(data: &[u8]) -> Option<i64> {
    let mut single = None;
    let mut f = Fields::new(data);
    while let Some((number, v)) = f.next()? {
        match (number, v) {
            (1, Value::Bytes(b)) => once(&mut single, b)?,
            _ => return None, // a multisignature (2) is read by protobuf
        }
    }
    let mut mode = None;
    let mut f = Fields::new(single?);
    while let Some((number, v)) = f.next()? {
        match (number, v) {
            (1, Value::Varint(n)) if n <= i32::MAX as u64 => once(&mut mode, n as i64)?,
            _ => return None,
        }
    }
    Some(mode.unwrap_or(0))
}

fn signer_info(data: &[u8]) -> Option<SignerInfo<'_>> {
    let (mut public_key, mut mode, mut sequence) = (None, None, None);
    let mut f = Fields::new(data);
    while let Some((number, v)) = f.next()? {
        match (number, v) {
            (1, Value::Bytes(b)) => once(&mut public_key, any(b)?)?,
            (2, Value::Bytes(b)) => once(&mut mode, single_mode(b)?)?,
            (3, Value::Varint(n)) => once(&mut sequence, n)?,
            _ => return None,
        }
    }
    Some(SignerInfo { public_key, mode: mode?, sequence: sequence.unwrap_or(0) })
}

struct Fee<'a> {
    amount: Vec<(&'a str, &'a str)>,
    gas_limit: u64,
    payer: &'a str,
    granter: &'a str,
}

fn coin(data: &[u8]) -> Option<(&str, &str)> {
    let (mut denom, mut amount) = (None, None);
    let mut f = Fields::new(data);
    while let Some((number, v)) = f.next()? {
        match (number, v) {
            (1, Value::Bytes(b)) => once(&mut denom, text(b)?)?,
            (2, Value::Bytes(b)) => once(&mut amount, text(b)?)?,
            _ => return None,
        }
    }
    Some((denom.unwrap_or(""), amount.unwrap_or("")))
}

fn fee(data: &[u8]) -> Option<Fee<'_>> {
    let (mut amount, mut gas, mut payer, mut granter) = (Vec::new(), None, None, None);
    let mut f = Fields::new(data);
    while let Some((number, v)) = f.next()? {
        match (number, v) {
            (1, Value::Bytes(b)) => amount.push(coin(b)?),
            (2, Value::Varint(n)) => once(&mut gas, n)?,
            (3, Value::Bytes(b)) => once(&mut payer, text(b)?)?,
            (4, Value::Bytes(b)) => once(&mut granter, text(b)?)?,
            _ => return None,
        }
    }
    Some(Fee {
        amount,
        gas_limit: gas.unwrap_or(0),
        payer: payer.unwrap_or(""),
        granter: granter.unwrap_or(""),
    })
}

struct AuthInfo<'a> {
    signer_infos: Vec<SignerInfo<'a>>,
    fee: Option<Fee<'a>>,
}

fn auth_info(data: &[u8]) -> Option<AuthInfo<'_>> {
    let (mut signer_infos, mut fee_field) = (Vec::new(), None);
    let mut f = Fields::new(data);
    let mut prev = 0;
    while let Some((number, v)) = f.next()? {
        ascending(&mut prev, number)?;
        match (number, v) {
            (1, Value::Bytes(b)) => signer_infos.push(signer_info(b)?),
            (2, Value::Bytes(b)) => once(&mut fee_field, fee(b)?)?,
            _ => return None, // a tip (3) and unknown fields included
        }
    }
    Some(AuthInfo { signer_infos, fee: fee_field })
}

fn any_tuple<'py>(py: Python<'py>, a: &Any<'_>) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::new(py, [PyString::new(py, a.type_url).into_any(), PyBytes::new(py, a.value).into_any()])
}

/// The envelope of `raw` as plain values, or None when it is not plain (see the module
/// documentation):
/// `(body_bytes, auth_info_bytes, [signature], [(type_url, value)], memo, timeout_height,
///   [((type_url, value) | None, sign_mode, sequence)],
///   ([(denom, amount)], gas_limit, payer, granter) | None)`.
#[pyfunction]
fn envelope<'py>(py: Python<'py>, raw: &[u8]) -> PyResult<Option<Bound<'py, PyTuple>>> {
    let Some(outer) = tx_raw(raw) else { return Ok(None) };
    let Some(body) = tx_body(outer.body) else { return Ok(None) };
    let Some(auth) = auth_info(outer.auth_info) else { return Ok(None) };
    let signatures = PyList::new(py, outer.signatures.iter().map(|s| PyBytes::new(py, s)))?;
    let messages = PyList::empty(py);
    for m in &body.messages {
        messages.append(any_tuple(py, m)?)?;
    }
    let infos = PyList::empty(py);
    for info in &auth.signer_infos {
        let key = match &info.public_key {
            Some(a) => any_tuple(py, a)?.into_any(),
            None => py.None().into_bound(py),
        };
        infos.append((key, info.mode, info.sequence))?;
    }
    let fee_value = match &auth.fee {
        Some(fee) => {
            let coins = PyList::empty(py);
            for (denom, amount) in &fee.amount {
                coins.append((*denom, *amount))?;
            }
            (coins, fee.gas_limit, fee.payer, fee.granter).into_pyobject(py)?.into_any()
        }
        None => py.None().into_bound(py),
    };
    let out = (
        PyBytes::new(py, outer.body),
        PyBytes::new(py, outer.auth_info),
        signatures,
        messages,
        body.memo,
        body.timeout_height,
        infos,
        fee_value,
    );
    Ok(Some(out.into_pyobject(py)?))
}

fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// A length-delimited field, left out when empty (as protobuf leaves out an empty string).
fn put_text(out: &mut Vec<u8>, tag: u8, text: &str) {
    if !text.is_empty() {
        out.push(tag);
        put_varint(out, text.len() as u64);
        out.extend_from_slice(text.as_bytes());
    }
}

/// `tendermint.abci.Event{type=1, attributes=2: EventAttribute{key=1, value=2, index=3}}`
/// of each event (anything with a `type` and `attributes` of (key, value) pairs), each as
/// the length-delimited field `field_tag`. Every attribute is marked for CometBFT to index
/// unless `indexed` names the ones to mark as `{type}.{key}` (the SDK's index-events).
#[pyfunction]
#[pyo3(signature = (events, field_tag, indexed=None))]
fn encode_events<'py>(
    py: Python<'py>,
    events: &Bound<'py, PyAny>,
    field_tag: &[u8],
    indexed: Option<&Bound<'py, PyFrozenSet>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let marked = indexed.filter(|set| !set.is_empty());
    let mut out = Vec::with_capacity(1024);
    let mut body = Vec::with_capacity(256);
    let mut attr = Vec::with_capacity(128);
    let mut name = String::new();
    for event in events.try_iter()? {
        let event = event?;
        let type_obj = event.getattr("type")?;
        let type_ = type_obj.cast::<PyString>()?.to_str()?;
        body.clear();
        put_text(&mut body, 0x0a, type_);
        for pair in event.getattr("attributes")?.try_iter()? {
            let pair = pair?;
            let (key_obj, value_obj) = match pair.cast::<PyTuple>() {
                Ok(t) if t.len() == 2 => (t.get_item(0)?, t.get_item(1)?),
                _ if pair.len()? == 2 => (pair.get_item(0)?, pair.get_item(1)?),
                _ => return Err(PyTypeError::new_err("an event attribute is a (key, value) pair")),
            };
            let key = key_obj.cast::<PyString>()?.to_str()?;
            let value = value_obj.cast::<PyString>()?.to_str()?;
            attr.clear();
            put_text(&mut attr, 0x0a, key);
            put_text(&mut attr, 0x12, value);
            let index = match marked {
                None => true,
                Some(set) => {
                    name.clear();
                    name.push_str(type_);
                    name.push('.');
                    name.push_str(key);
                    set.contains(name.as_str())?
                }
            };
            if index {
                attr.extend_from_slice(&[0x18, 0x01]);
            }
            body.push(0x12);
            put_varint(&mut body, attr.len() as u64);
            body.extend_from_slice(&attr);
        }
        out.extend_from_slice(field_tag);
        put_varint(&mut out, body.len() as u64);
        out.extend_from_slice(&body);
    }
    Ok(PyBytes::new(py, &out))
}

#[pymodule]
fn zrchain_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(envelope, m)?)?;
    m.add_function(wrap_pyfunction!(encode_events, m)?)?;
    m.add_function(wrap_pyfunction!(trie::trie_update, m)?)?;
    Ok(())
}
