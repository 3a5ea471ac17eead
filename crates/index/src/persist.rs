//! The serialised form of a [`NameIndex`], and the little-endian codec it is written with.
//!
//! A screener is built once per set of list snapshots and then opened by every later command,
//! so opening must cost a few milliseconds: every array is stored as raw little-endian values
//! and converted in bulk, and nothing is rebuilt that the file can carry. The same [`Writer`]
//! and [`Reader`] serve the screening crate's own sections, so the whole file has one codec.
//!
//! Reading never trusts the bytes: every count is checked against what is left before anything
//! is allocated, and every offset and id is range-checked, so a damaged or foreign file gives a
//! [`FormatError`] and an index that did load can be searched without panicking.

use crate::{KeyRec, NameIndex};

/// Why stored bytes cannot be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The bytes end before a value they announce.
    #[error("truncated: {what} at byte {at} needs {needed} bytes, {left} are left")]
    Truncated {
        /// What was being read.
        what: &'static str,
        /// The byte offset where it starts.
        at: usize,
        /// How many bytes it needs.
        needed: usize,
        /// How many bytes were left.
        left: usize,
    },
    /// A value is out of range or inconsistent with the rest.
    #[error("invalid {what} at byte {at}")]
    Invalid {
        /// What is wrong.
        what: &'static str,
        /// The byte offset of the section or value.
        at: usize,
    },
}

/// Appends little-endian values to a byte buffer.
#[derive(Debug, Default)]
pub struct Writer {
    /// The bytes written so far.
    pub buf: Vec<u8>,
}

impl Writer {
    /// Appends one byte.
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    /// Appends a `u16`.
    pub fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// Appends a `u32`.
    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// Appends a `u64`.
    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// Appends an `f32` by its bits.
    pub fn f32(&mut self, v: f32) {
        self.u32(v.to_bits());
    }

    /// Appends raw bytes.
    pub fn bytes(&mut self, v: &[u8]) {
        self.buf.extend_from_slice(v);
    }

    /// Appends a count; counts are `u32` because no stored array has four billion entries (the
    /// caller refuses to save one that would).
    pub fn count(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }

    /// Appends a count and then the values.
    pub fn u32s(&mut self, v: &[u32]) {
        self.count(v.len());
        self.buf.reserve(v.len() * 4);
        for x in v {
            self.u32(*x);
        }
    }
}

/// Reads little-endian values from stored bytes, each read checked against the bytes left.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    /// The offset of the next byte to read.
    pub fn position(&self) -> usize {
        self.at
    }

    /// Every byte the reader reads from, read or not: string tables address them by absolute
    /// offset.
    pub fn all(&self) -> &'a [u8] {
        self.bytes
    }

    /// How many bytes are left.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.at
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], FormatError> {
        let left = self.remaining();
        if n > left {
            return Err(FormatError::Truncated {
                what,
                at: self.at,
                needed: n,
                left,
            });
        }
        let out = &self.bytes[self.at..self.at + n];
        self.at += n;
        Ok(out)
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], FormatError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N, what)?);
        Ok(out)
    }

    /// One byte.
    pub fn u8(&mut self, what: &'static str) -> Result<u8, FormatError> {
        Ok(self.array::<1>(what)?[0])
    }

    /// A `u16`.
    pub fn u16(&mut self, what: &'static str) -> Result<u16, FormatError> {
        self.array(what).map(u16::from_le_bytes)
    }

    /// A `u32`.
    pub fn u32(&mut self, what: &'static str) -> Result<u32, FormatError> {
        self.array(what).map(u32::from_le_bytes)
    }

    /// A `u64`.
    pub fn u64(&mut self, what: &'static str) -> Result<u64, FormatError> {
        self.array(what).map(u64::from_le_bytes)
    }

    /// A count of values of `size` bytes each, refused when that many cannot follow, so a
    /// damaged count never makes anyone allocate more than the file holds.
    pub fn count(&mut self, size: usize, what: &'static str) -> Result<usize, FormatError> {
        let at = self.at;
        let n = self.u32(what)? as usize;
        match n.checked_mul(size) {
            Some(bytes) if bytes <= self.remaining() => Ok(n),
            _ => Err(FormatError::Truncated {
                what,
                at,
                needed: n.saturating_mul(size),
                left: self.remaining(),
            }),
        }
    }

    /// `n` records of `N` bytes each, to be converted by the caller in one pass.
    pub fn records<const N: usize>(
        &mut self,
        n: usize,
        what: &'static str,
    ) -> Result<std::slice::ChunksExact<'a, u8>, FormatError> {
        let len = n
            .checked_mul(N)
            .ok_or(FormatError::Invalid { what, at: self.at })?;
        Ok(self.take(len, what)?.chunks_exact(N))
    }

    /// A count and then that many `u32`s.
    pub fn u32s(&mut self, what: &'static str) -> Result<Vec<u32>, FormatError> {
        let n = self.count(4, what)?;
        Ok(self.records::<4>(n, what)?.map(le_u32).collect())
    }

    /// An error about the value just before the current position.
    pub fn invalid(&self, what: &'static str) -> FormatError {
        FormatError::Invalid { what, at: self.at }
    }
}

/// A little-endian `u32` from a 4-byte record; shorter input reads as zero-padded, so callers
/// that pass `chunks_exact(4)` items never see the padding.
pub fn le_u32(b: &[u8]) -> u32 {
    let mut a = [0u8; 4];
    for (d, s) in a.iter_mut().zip(b) {
        *d = *s;
    }
    u32::from_le_bytes(a)
}

/// A little-endian `u64` from an 8-byte record (zero-padded like [`le_u32`]).
pub fn le_u64(b: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    for (d, s) in a.iter_mut().zip(b) {
        *d = *s;
    }
    u64::from_le_bytes(a)
}

/// The bytes of one stored key: its hash, postings start and length, and weight.
const KEY_RECORD: usize = 20;

impl NameIndex {
    /// Appends the index to `w`: the name count, the key table in hash order and the postings.
    pub fn write(&self, w: &mut Writer) {
        w.u32(self.n_names);
        w.count(self.keys.len());
        w.buf.reserve(self.keys.len() * KEY_RECORD);
        for k in &self.keys {
            w.u64(k.hash);
            w.u32(k.start);
            w.u32(k.len);
            w.f32(k.weight);
        }
        w.u32s(&self.postings);
    }

    /// Reads an index written by [`NameIndex::write`] over `names` names.
    ///
    /// Every key's postings range must lie within the postings, every posting must name one of
    /// the `names` names and every weight must be finite, so searching the result cannot fail
    /// whatever the bytes were. A key table out of hash order only loses keys, never panics.
    pub fn read(r: &mut Reader<'_>, names: usize) -> Result<NameIndex, FormatError> {
        let n_names = r.u32("index name count")?;
        if n_names as usize != names {
            return Err(r.invalid("index name count"));
        }
        let n_keys = r.count(KEY_RECORD, "index keys")?;
        let keys: Vec<KeyRec> = r
            .records::<KEY_RECORD>(n_keys, "index keys")?
            .map(|b| KeyRec {
                hash: le_u64(&b[0..8]),
                start: le_u32(&b[8..12]),
                len: le_u32(&b[12..16]),
                weight: f32::from_bits(le_u32(&b[16..20])),
            })
            .collect();
        let at = r.position();
        let postings = r.u32s("index postings")?;
        let bad_key = keys.iter().any(|k| {
            u64::from(k.start) + u64::from(k.len) > postings.len() as u64 || !k.weight.is_finite()
        });
        if bad_key {
            return Err(FormatError::Invalid {
                what: "index key range or weight",
                at,
            });
        }
        if postings.iter().copied().max().is_some_and(|m| m >= n_names) {
            return Err(FormatError::Invalid {
                what: "index posting",
                at,
            });
        }
        Ok(NameIndex::from_parts(keys, postings, n_names))
    }
}
