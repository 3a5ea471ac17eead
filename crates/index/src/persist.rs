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

use std::sync::Arc;

use crate::{KeyRec, NameIndex, Store};

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
#[inline]
pub fn le_u32(b: &[u8]) -> u32 {
    match b.first_chunk::<4>() {
        Some(a) => u32::from_le_bytes(*a),
        None => {
            let mut a = [0u8; 4];
            a[..b.len()].copy_from_slice(b);
            u32::from_le_bytes(a)
        }
    }
}

/// A little-endian `u64` from an 8-byte record (zero-padded like [`le_u32`]).
#[inline]
pub fn le_u64(b: &[u8]) -> u64 {
    match b.first_chunk::<8>() {
        Some(a) => u64::from_le_bytes(*a),
        None => {
            let mut a = [0u8; 8];
            a[..b.len()].copy_from_slice(b);
            u64::from_le_bytes(a)
        }
    }
}

/// Stored bytes shared by everything opened from them: a file read into memory (`Vec<u8>`) or
/// any other owner of bytes, such as a memory map the application made.
pub type SharedBytes = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// The bytes of one stored key: its mixed hash, postings start and length, and weight.
const KEY_RECORD: usize = 20;

/// The key table and postings of an opened index, read in place from the stored bytes.
#[derive(Clone)]
pub(crate) struct Shared {
    file: SharedBytes,
    /// Where the key records start in `file`.
    keys: usize,
    n_keys: usize,
    /// Where the postings start in `file`.
    postings: usize,
    n_postings: usize,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Shared({} keys, {} postings)",
            self.n_keys, self.n_postings
        )
    }
}

impl Shared {
    /// Key record `i`.
    #[inline]
    pub(crate) fn key(&self, i: usize) -> Option<KeyRec> {
        if i >= self.n_keys {
            return None;
        }
        let at = self.keys + i * KEY_RECORD;
        let b = (*self.file).as_ref().get(at..at + KEY_RECORD)?;
        Some(KeyRec {
            hash: le_u64(&b[0..8]),
            start: le_u32(&b[8..12]),
            len: le_u32(&b[12..16]),
            weight: f32::from_bits(le_u32(&b[16..20])),
        })
    }

    /// How many keys there are.
    pub(crate) fn key_count(&self) -> usize {
        self.n_keys
    }

    /// The postings as little-endian `u32`s.
    #[inline]
    pub(crate) fn postings(&self) -> &[u8] {
        (*self.file)
            .as_ref()
            .get(self.postings..self.postings + 4 * self.n_postings)
            .unwrap_or(&[])
    }

    /// How many stored bytes the index reads in place.
    pub(crate) fn byte_len(&self) -> usize {
        self.n_keys * KEY_RECORD + self.n_postings * 4
    }
}

impl NameIndex {
    /// Appends the index to `w`: the name count, the key table in hash order with its
    /// directory, and the postings.
    pub fn write(&self, w: &mut Writer) {
        w.u32(self.n_names);
        w.u32(self.dir_bits);
        w.u32s(&self.dir);
        let n_keys = self.key_count();
        w.count(n_keys);
        w.buf.reserve(n_keys * KEY_RECORD);
        let key = |i: usize| match &self.store {
            Store::Owned { keys, .. } => keys.get(i).copied(),
            Store::Shared(s) => s.key(i),
        };
        for k in (0..n_keys).filter_map(key) {
            w.u64(k.hash);
            w.u32(k.start);
            w.u32(k.len);
            w.f32(k.weight);
        }
        match &self.store {
            Store::Owned { postings, .. } => w.u32s(postings),
            Store::Shared(s) => {
                w.count(s.n_postings);
                w.bytes(s.postings());
            }
        }
    }

    /// Opens an index written by [`NameIndex::write`] over `names` names, from a reader over
    /// all of `file`. The key table and postings stay in `file` and are read in place.
    ///
    /// Opening checks the counts and the directory (it must rise within the key table) but
    /// reads no key or posting: opening costs nothing per key. Search range-checks what it
    /// reads instead — a postings range outside the postings reads as empty, a posting naming
    /// no name is skipped, a non-finite weight never ranks — so searching the result cannot
    /// panic whatever the bytes were; damage only changes which names come back.
    pub fn read(
        r: &mut Reader<'_>,
        names: usize,
        file: &SharedBytes,
    ) -> Result<NameIndex, FormatError> {
        if !std::ptr::eq(r.all(), (**file).as_ref()) {
            return Err(r.invalid("index reader over other bytes than the file"));
        }
        let n_names = r.u32("index name count")?;
        if n_names as usize != names {
            return Err(r.invalid("index name count"));
        }
        let dir_bits = r.u32("index directory bits")?;
        let dir = r.u32s("index directory")?;
        let n_keys = r.count(KEY_RECORD, "index keys")?;
        let dir_ok = dir_bits <= 24
            && dir.len() == (1usize << dir_bits) + 1
            && dir.first() == Some(&0)
            && dir.windows(2).all(|w| w[0] <= w[1])
            && dir.last().is_some_and(|&e| e as usize == n_keys);
        if !dir_ok {
            return Err(r.invalid("index directory"));
        }
        let keys_at = r.position();
        r.take(n_keys * KEY_RECORD, "index keys")?;
        let n_postings = r.count(4, "index postings")?;
        let postings_at = r.position();
        r.take(n_postings * 4, "index postings")?;
        Ok(NameIndex {
            store: Store::Shared(Shared {
                file: Arc::clone(file),
                keys: keys_at,
                n_keys,
                postings: postings_at,
                n_postings,
            }),
            dir,
            dir_bits,
            n_names,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use names::{NameKind, analyze};

    use super::{Reader, SharedBytes, Writer};
    use crate::{IndexBuilder, NameIndex, Scratch};

    fn stored(list: &[String]) -> (NameIndex, NameIndex) {
        let mut b = IndexBuilder::new();
        for n in list {
            b.add(&analyze(n, NameKind::Unknown));
        }
        let built = b.finish();
        let mut w = Writer::default();
        built.write(&mut w);
        let file: SharedBytes = Arc::new(w.buf);
        let opened = NameIndex::read(&mut Reader::new((*file).as_ref()), list.len(), &file);
        (built, opened.expect("own bytes read back"))
    }

    proptest::proptest! {
        /// An index read back from its bytes retrieves exactly what the built one does.
        #[test]
        fn read_back_index_retrieves_the_same(
            list in proptest::collection::vec("[a-f]{1,6}( [a-f]{1,6}){0,2}", 0..50),
            query in "[a-f]{1,6}( [a-f]{1,6}){0,2}",
            limit in 0usize..10,
        ) {
            let (built, opened) = stored(&list);
            let q = analyze(&query, NameKind::Unknown);
            let mut s = Scratch::default();
            proptest::prop_assert_eq!(built.search(&q, limit, &mut s), opened.search(&q, limit, &mut s));
            proptest::prop_assert_eq!(built.key_count(), opened.key_count());
        }

        /// Changed bytes either fail to read or give an index that searches without panicking.
        #[test]
        fn damaged_index_bytes_never_panic(
            flips in proptest::collection::vec((proptest::prelude::any::<proptest::sample::Index>(), 1u8..), 1..6),
            query in "[a-f]{1,6}( [a-f]{1,6}){0,2}",
        ) {
            let list: Vec<String> = ["abc def", "bcd efa", "cde", "fab cab dab"].map(String::from).to_vec();
            let mut w = Writer::default();
            stored(&list).0.write(&mut w);
            let mut bytes = w.buf;
            for (at, x) in flips {
                let i = at.index(bytes.len());
                bytes[i] ^= x;
            }
            let file: SharedBytes = Arc::new(bytes);
            if let Ok(ix) = NameIndex::read(&mut Reader::new((*file).as_ref()), list.len(), &file) {
                let mut s = Scratch::default();
                let q = analyze(&query, NameKind::Unknown);
                for c in ix.search(&q, 0, &mut s).into_iter().chain(ix.search(&q, 3, &mut s)) {
                    proptest::prop_assert!((c.name as usize) < list.len());
                }
            }
        }
    }
}
