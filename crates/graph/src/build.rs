//! Pure building blocks shared by the in-memory and the on-disk builders: the address interner,
//! CSR construction by counting, and the sorted lookup order.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};

/// A fast non-cryptographic hasher (the FxHash multiply-rotate scheme).
///
/// Keys come from our own dictionaries and node ids, not from an adversary choosing collisions
/// against a running service, and SipHash costs about a third of import time.
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // FxHash leaves the low bits weak (they only see the low bits of the input), and the
        // hash table picks buckets by the low bits: hex addresses then cluster and every lookup
        // probes long chains. The MurmurHash3 finaliser spreads all bits for two multiplies.
        let mut h = self.hash;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// A `HashMap` with [`FxHasher`].
pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Counts a build reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildStats {
    /// Distinct addresses.
    pub nodes: u32,
    /// Transfers.
    pub edges: u64,
    /// Distinct addresses kept as lower-cased raw text because `chain::parse` rejected them.
    pub non_canonical_addresses: u64,
}

/// Assigns dense ids to strings in order of first appearance.
///
/// Lower-case EVM addresses (almost every key of an Ethereum graph) are stored as their 20
/// bytes inline in the table, so a lookup costs one cache miss instead of three (bucket, boxed
/// string, comparison); other keys go to a map of boxed strings.
#[derive(Debug, Default)]
pub struct Interner {
    evm: EvmTable,
    other: FxMap<Box<str>, u32>,
    next: u32,
    /// Distinct keys that were not canonical addresses.
    pub non_canonical: u64,
}

/// An open-addressing table from 20-byte EVM keys to ids, with the key stored in the slot.
///
/// Linear probing at a load factor of at most one half: a lookup of a present key almost always
/// touches one 24-byte slot, one cache miss, where `HashMap` reads a control group and then the
/// bucket. Import spends most of its main thread here.
#[derive(Debug, Default)]
struct EvmTable {
    /// `id + 1` per slot (0 = empty) and the key.
    slots: Vec<(u32, [u8; 20])>,
    len: usize,
}

impl EvmTable {
    fn slot_of(key: &[u8; 20], mask: usize) -> usize {
        let mut w = [0u8; 8];
        w.copy_from_slice(&key[..8]);
        let a = u64::from_le_bytes(w);
        w.copy_from_slice(&key[8..16]);
        let b = u64::from_le_bytes(w);
        let mut c = [0u8; 4];
        c.copy_from_slice(&key[16..]);
        let mut h = a ^ b.rotate_left(29) ^ u64::from(u32::from_le_bytes(c)).rotate_left(47);
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        (h as usize) & mask
    }

    fn get_or_insert(&mut self, key: [u8; 20], next: u32) -> u32 {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = Self::slot_of(&key, mask);
        loop {
            let slot = &mut self.slots[i];
            if slot.0 == 0 {
                *slot = (next + 1, key);
                self.len += 1;
                return next;
            }
            if slot.1 == key {
                return slot.0 - 1;
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        let old = std::mem::replace(&mut self.slots, vec![(0, [0u8; 20]); size]);
        let mask = size - 1;
        for (id, key) in old.into_iter().filter(|s| s.0 != 0) {
            let mut i = Self::slot_of(&key, mask);
            while self.slots[i].0 != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = (id, key);
        }
    }
}

/// The 20 bytes of `0x` + 40 lower-case hex digits, or `None` for any other spelling.
fn evm_bytes(key: &str) -> Option<[u8; 20]> {
    let b = key.as_bytes();
    if b.len() != 42 || b[0] != b'0' || b[1] != b'x' {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 20];
    for (i, o) in out.iter_mut().enumerate() {
        *o = (nibble(b[2 + 2 * i])? << 4) | nibble(b[3 + 2 * i])?;
    }
    Some(out)
}

impl Interner {
    /// The id of `key`, calling `on_new` with the key when it is new (to append it to a table).
    pub fn intern(&mut self, key: &str, parsed: bool, on_new: impl FnOnce(&str)) -> u32 {
        let next = self.next;
        let id = match evm_bytes(key) {
            Some(k) => self.evm.get_or_insert(k, next),
            None => match self.other.get(key) {
                Some(&id) => id,
                None => {
                    self.other.insert(key.into(), next);
                    next
                }
            },
        };
        if id == next {
            self.next += 1;
            if !parsed {
                self.non_canonical += 1;
            }
            on_new(key);
        }
        id
    }

    /// Number of distinct keys.
    pub fn len(&self) -> u32 {
        self.next
    }

    /// Whether nothing was interned.
    pub fn is_empty(&self) -> bool {
        self.next == 0
    }

    /// Pre-loads an existing key with the next id (for append); ids must be loaded in order.
    pub fn preload(&mut self, key: &str) {
        self.intern(key, true, |_| {});
    }
}

/// Interned strings in one byte arena: ids in order of first appearance, an open-addressing
/// table of `u64` slots (the hash's top 32 bits beside `id + 1`) at a load of at most one half.
///
/// Where a `HashMap<Box<str>, u32>` costs about 70 bytes per key on top of the text (the boxed
/// string, its allocator header, the bucket), this costs the text, an 8-byte offset and 8 to 16
/// bytes of table: clustering a hundred million UTXO inputs keeps tens of millions of addresses
/// and transaction ids in memory at once.
#[derive(Debug, Default, Clone)]
pub struct StrTable {
    bytes: Vec<u8>,
    /// End offset of each string; string `i` starts where `i - 1` ends.
    ends: Vec<u64>,
    slots: Vec<u64>,
}

fn str_hash(s: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(s);
    h.write_u64(s.len() as u64);
    h.finish()
}

impl StrTable {
    /// An empty table.
    pub fn new() -> StrTable {
        StrTable::default()
    }

    /// Number of strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// String `i` (empty when out of range).
    pub fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let Some(&end) = self.ends.get(i) else {
            return "";
        };
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        // Only `intern` writes the arena, and it copies whole `str`s.
        std::str::from_utf8(&self.bytes[start as usize..end as usize]).unwrap_or("")
    }

    /// The id of `s`, if interned.
    pub fn find(&self, s: &str) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let h = str_hash(s.as_bytes());
        let mask = self.slots.len() - 1;
        let mut i = (h as usize) & mask;
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                return None;
            }
            let id = (slot as u32).wrapping_sub(1);
            if slot >> 32 == h >> 32 && self.get(id) == s {
                return Some(id);
            }
            i = (i + 1) & mask;
        }
    }

    /// The id of `s` and whether it is new; `None` past `u32::MAX - 1` strings.
    pub fn intern(&mut self, s: &str) -> Option<(u32, bool)> {
        if (self.ends.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let h = str_hash(s.as_bytes());
        let mask = self.slots.len() - 1;
        let mut i = (h as usize) & mask;
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                let id = u32::try_from(self.ends.len())
                    .ok()
                    .filter(|&id| id < u32::MAX - 1)?;
                self.bytes.extend_from_slice(s.as_bytes());
                self.ends.push(self.bytes.len() as u64);
                self.slots[i] = (h & !0xffff_ffff) | u64::from(id + 1);
                return Some((id, true));
            }
            let id = (slot as u32).wrapping_sub(1);
            if slot >> 32 == h >> 32 && self.get(id) == s {
                return Some((id, false));
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        self.slots = vec![0u64; size];
        self.rehash();
    }

    fn rehash(&mut self) {
        let mask = self.slots.len() - 1;
        for id in 0..self.ends.len() as u32 {
            let h = str_hash(self.get(id).as_bytes());
            let mut i = (h as usize) & mask;
            while self.slots[i] != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = (h & !0xffff_ffff) | u64::from(id + 1);
        }
    }

    /// Drops the lookup table, keeping the strings (when only [`get`](Self::get) follows).
    pub fn freeze(&mut self) {
        self.slots = Vec::new();
    }

    /// Builds the lookup table again after [`freeze`](Self::freeze) or
    /// [`permuted`](Self::permuted).
    pub fn reindex(&mut self) {
        let size = (self.ends.len() * 2 + 2).next_power_of_two().max(1024);
        self.slots = vec![0u64; size];
        self.rehash();
    }

    /// The strings in the order `order` gives (a permutation of the ids), table dropped.
    pub fn permuted(&self, order: &[u32]) -> StrTable {
        let mut out = StrTable {
            bytes: Vec::with_capacity(self.bytes.len()),
            ends: Vec::with_capacity(order.len()),
            slots: Vec::new(),
        };
        for &id in order {
            out.bytes.extend_from_slice(self.get(id).as_bytes());
            out.ends.push(out.bytes.len() as u64);
        }
        out
    }

    /// The arena and its start offsets (`len + 1` of them), as a graph or clusters directory
    /// stores a string column.
    pub fn parts(&self) -> (&[u8], impl Iterator<Item = u64> + '_) {
        (
            &self.bytes,
            std::iter::once(0).chain(self.ends.iter().copied()),
        )
    }

    /// Bytes held (arena, offsets and table), for memory estimates.
    pub fn heap_bytes(&self) -> usize {
        self.bytes.capacity() + 8 * (self.ends.capacity() + self.slots.capacity())
    }
}

/// One CSR direction as owned vectors: offsets, neighbours, edge ids.
pub type OwnedCsr = (Vec<u64>, Vec<u32>, Vec<u64>);

/// Builds the out- and in-CSR of `n` nodes from the edge columns by counting sort; within a
/// node, edges stay in edge-id (chronological) order because edges are placed in id order.
pub fn both_csr(n: u32, src: &[u32], dst: &[u32]) -> (OwnedCsr, OwnedCsr) {
    (csr(n, src, dst), csr(n, dst, src))
}

/// One CSR direction: edges grouped by `key`, pointing at `other`.
pub fn csr(n: u32, key: &[u32], other: &[u32]) -> OwnedCsr {
    let n = n as usize;
    let mut offsets = vec![0u64; n + 1];
    for &k in key {
        offsets[k as usize + 1] += 1;
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    let mut next: Vec<u64> = offsets[..n].to_vec();
    let mut nbrs = vec![0u32; key.len()];
    let mut eids = vec![0u64; key.len()];
    for (e, (&k, &o)) in key.iter().zip(other).enumerate() {
        let slot = next[k as usize] as usize;
        next[k as usize] += 1;
        nbrs[slot] = o;
        eids[slot] = e as u64;
    }
    (offsets, nbrs, eids)
}

/// Node ids `0..n` sorted by their address bytes (ties cannot happen: addresses are distinct).
pub fn sorted_order<'a>(n: u32, name: impl Fn(u32) -> &'a [u8]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..n).collect();
    order.sort_unstable_by(|&a, &b| name(a).cmp(name(b)));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interner_ids_follow_first_appearance_across_both_maps() {
        let mut i = Interner::default();
        let mut seen = Vec::new();
        let keys = [
            "0x00000000000000000000000000000000000000aa",
            "alice",
            "0x00000000000000000000000000000000000000aa",
            "0x00000000000000000000000000000000000000AA",
            "alice",
            "0x00000000000000000000000000000000000000bb",
        ];
        let ids: Vec<u32> = keys
            .iter()
            .map(|k| i.intern(k, !k.starts_with('a'), |s| seen.push(s.to_owned())))
            .collect();
        assert_eq!(ids, vec![0, 1, 0, 2, 1, 3]);
        assert_eq!(seen.len(), 4);
        assert_eq!((i.len(), i.non_canonical), (4, 1));
    }

    #[test]
    fn evm_table_survives_growth() {
        let mut t = EvmTable::default();
        let key = |n: u32| {
            let mut k = [0u8; 20];
            k[16..].copy_from_slice(&n.to_le_bytes());
            k
        };
        for n in 0..5000 {
            assert_eq!(t.get_or_insert(key(n), n), n);
        }
        for n in (0..5000).rev() {
            assert_eq!(t.get_or_insert(key(n), 99_999), n);
        }
        assert_eq!(t.len, 5000);
    }

    #[test]
    fn str_table_interns_finds_and_permutes() {
        let mut t = StrTable::new();
        let words: Vec<String> = (0..3000).map(|i| format!("w{i}")).collect();
        for (i, w) in words.iter().enumerate() {
            assert_eq!(t.intern(w), Some((i as u32, true)));
        }
        assert_eq!(t.intern("w17"), Some((17, false)));
        assert_eq!(t.intern(""), Some((3000, true)));
        assert_eq!(
            (t.find("w2999"), t.find("x"), t.get(5)),
            (Some(2999), None, "w5")
        );
        let p = t.permuted(&[2, 0]);
        assert_eq!(
            (p.get(0), p.get(1), p.len(), p.find("w2")),
            ("w2", "w0", 2, None)
        );
        let (bytes, offs) = p.parts();
        assert_eq!(
            (bytes, offs.collect::<Vec<_>>()),
            (&b"w2w0"[..], vec![0, 2, 4])
        );
    }

    #[test]
    fn csr_groups_by_node_in_edge_order() {
        // Edges: 0: 0→1, 1: 2→1, 2: 0→2, 3: 1→0.
        let src = [0, 2, 0, 1];
        let dst = [1, 1, 2, 0];
        let ((oo, on, oe), (io, inb, ie)) = both_csr(3, &src, &dst);
        assert_eq!(oo, vec![0, 2, 3, 4]);
        assert_eq!(on, vec![1, 2, 0, 1]);
        assert_eq!(oe, vec![0, 2, 3, 1]);
        assert_eq!(io, vec![0, 1, 3, 4]);
        assert_eq!(inb, vec![1, 0, 2, 0]);
        assert_eq!(ie, vec![3, 0, 1, 2]);
    }
}
