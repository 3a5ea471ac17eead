//! The part-similarity memo of one query, with its open-addressing table and hasher.

use std::collections::HashMap;

use names::AnalyzedName;

use crate::signature::Signature;
use crate::{packed, score};

/// Memoised part similarities of one query: (query variant and token, listed token text id,
/// listed role class) → similarity. Retrieval brings names that share tokens, so the same pairs
/// recur across candidates.
#[derive(Default)]
pub(crate) struct Memo {
    map: SimTable,
    edges: Vec<score::Edge>,
    /// Per query token, variant after variant, the position of the first query token with the
    /// same text: readings of one query share most tokens (`kim` in every Korean reading), so
    /// their similarities are computed once.
    q_ids: Vec<u32>,
    /// Per query token, variant after variant, the interned ids of its text and skeleton
    /// ([`packed::UNKNOWN`] when no listed token has it).
    q_interned: Vec<(u32, u32)>,
    /// Per query token, variant after variant, the letter signature of its text.
    q_sigs: Vec<Signature>,
    /// Where each query variant's tokens start in `q_ids`.
    q_starts: Vec<u32>,
    /// Joined/split comparisons by key: the same query token meets the same runs of listed
    /// tokens (`jong un`) in many candidates, and the comparison computes a skeleton.
    joined: HashMap<u64, Option<names::TokenMatch>, BuildFastHash>,
}

impl Memo {
    pub(crate) fn set_query(&mut self, query: &AnalyzedName, packed: &packed::PackedNames) {
        self.map.clear();
        self.joined.clear();
        self.q_ids.clear();
        self.q_starts.clear();
        self.q_interned.clear();
        self.q_sigs.clear();
        let tokens: Vec<&names::Token> = query.variants.iter().flat_map(|v| &v.tokens).collect();
        let mut at = 0u32;
        for v in &query.variants {
            self.q_starts.push(at);
            at += v.tokens.len() as u32;
        }
        for (k, t) in tokens.iter().enumerate() {
            let first = tokens[..k]
                .iter()
                .position(|u| u.text == t.text)
                .unwrap_or(k);
            self.q_ids.push(first as u32);
            self.q_interned
                .push((packed.id_of(&t.text), packed.id_of(&t.skeleton)));
            self.q_sigs.push(Signature::of(t.text.as_bytes()));
        }
    }

    /// Aligns query variant `i` with one packed listed variant, memoising part similarities
    /// and joined/split comparisons.
    pub(crate) fn align(
        &mut self,
        i: usize,
        qv: &names::Variant,
        listed: &packed::Listed<'_>,
    ) -> f32 {
        let machine = score::machine_scheme(qv.scheme);
        let Memo {
            map,
            edges,
            q_ids,
            q_interned,
            q_sigs,
            q_starts,
            joined,
        } = self;
        let base = q_starts.get(i).copied().unwrap_or(0) as usize;
        let qt = qv.tokens.as_slice();
        score::align_with(
            qt,
            listed,
            None,
            edges,
            &mut |qi, lj| {
                let qid = q_ids
                    .get(base + qi)
                    .copied()
                    .unwrap_or(u32::MAX - 1 - qi as u32);
                let key = u64::from(listed.text_id(lj)) << 32
                    | u64::from(qid & 0x00ff_ffff) << 8
                    | u64::from(
                        u8::from(machine) << 4
                            | packed::role_class(qt[qi].role) << 2
                            | listed.class(lj),
                    );
                map.get_or_insert_with(key, || {
                    let ids = q_interned
                        .get(base + qi)
                        .copied()
                        .unwrap_or((packed::UNKNOWN, packed::UNKNOWN));
                    let sig = q_sigs
                        .get(base + qi)
                        .copied()
                        .unwrap_or_else(|| Signature::of(qt[qi].text.as_bytes()));
                    score::part_similarity_packed(&qt[qi], ids, sig, listed, lj, machine)
                })
            },
            &mut |key, compute| *joined.entry(key).or_insert_with(compute),
        )
    }
}

/// The part-similarity memo of one query: an open-addressing table of packed `u64` keys
/// (listed text id, query token, role classes) with per-slot query stamps, so that starting a
/// new query is one increment instead of a clear. A general hash map cost about as much per
/// lookup as the comparisons it saves.
#[derive(Default)]
struct SimTable {
    slots: Vec<SimSlot>,
    stamp: u32,
    len: usize,
}

#[derive(Clone, Copy)]
struct SimSlot {
    key: u64,
    stamp: u32,
    value: (f32, names::Transform),
}

impl SimTable {
    /// Forgets every entry.
    fn clear(&mut self) {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            // Stamps wrapped: slots stamped long ago would look current again.
            self.slots.iter_mut().for_each(|s| s.stamp = 0);
            self.stamp = 1;
        }
        self.len = 0;
    }

    fn get_or_insert_with(
        &mut self,
        key: u64,
        compute: impl FnOnce() -> (f32, names::Transform),
    ) -> (f32, names::Transform) {
        if 2 * (self.len + 1) > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut at = Self::home(key) & mask;
        loop {
            let slot = &self.slots[at];
            if slot.stamp != self.stamp {
                let value = compute();
                self.slots[at] = SimSlot {
                    key,
                    stamp: self.stamp,
                    value,
                };
                self.len += 1;
                return value;
            }
            if slot.key == key {
                return slot.value;
            }
            at = (at + 1) & mask;
        }
    }

    fn home(key: u64) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize
    }

    /// Doubles the table (at least 256 slots), keeping the current entries.
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(256);
        let empty = SimSlot {
            key: 0,
            stamp: 0,
            value: (0.0, names::Transform::Exact),
        };
        let old = std::mem::replace(&mut self.slots, vec![empty; size]);
        let current = if self.stamp == 0 { 1 } else { self.stamp };
        self.stamp = current;
        let mask = size - 1;
        for s in old.into_iter().filter(|s| s.stamp == current) {
            let mut at = Self::home(s.key) & mask;
            while self.slots[at].stamp == current {
                at = (at + 1) & mask;
            }
            self.slots[at] = s;
        }
    }
}

/// A multiplicative hasher for the memo's small integer keys: SipHash's DoS resistance is not
/// needed for keys we make ourselves, and it showed in profiles. The map is never iterated.
#[derive(Default, Clone, Copy)]
struct BuildFastHash;

impl std::hash::BuildHasher for BuildFastHash {
    type Hasher = FastHash;
    fn build_hasher(&self) -> FastHash {
        FastHash(0)
    }
}

/// The hasher of [`BuildFastHash`].
struct FastHash(u64);

impl std::hash::Hasher for FastHash {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

#[cfg(test)]
mod memo_tests {
    use super::SimTable;
    use names::Transform;

    #[test]
    fn sim_table_keeps_entries_across_growth_and_forgets_them_on_clear() {
        let mut t = SimTable::default();
        let value = |k: u64| (k as f32 / 7.0, Transform::EditDistance);
        for k in 0..5_000u64 {
            let key = k.wrapping_mul(0x9E37_79B9) << 8;
            assert_eq!(t.get_or_insert_with(key, || value(k)), value(k));
        }
        for k in 0..5_000u64 {
            let key = k.wrapping_mul(0x9E37_79B9) << 8;
            assert_eq!(
                t.get_or_insert_with(key, || panic!("{k} was forgotten")),
                value(k)
            );
        }
        t.clear();
        let fresh = (1.0, Transform::Exact);
        assert_eq!(t.get_or_insert_with(0, || fresh), fresh);
    }
}
