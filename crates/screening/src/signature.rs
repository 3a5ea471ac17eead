//! Letter signatures of tokens and the Jaro–Winkler upper bounds computed from them, with which
//! the scorer rejects hopeless pairs of parts before comparing them.
//!
//! Both the packed store (which keeps a signature per listed token) and the scorer (which reads
//! them) use these, so they live below both.

/// A token's letter counts and first bytes, for a Jaro–Winkler bound that does not read the
/// token's bytes: the scorer keeps one per listed token beside its packed record, so most
/// hopeless pairs are rejected without touching the byte arena (a cache miss per candidate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Signature {
    /// Per byte class (`byte & 31`), a 2-bit count saturating at 3.
    pub(crate) counts: u64,
    /// The first four bytes, little-endian, zero-padded.
    pub(crate) head: u32,
}

impl Signature {
    /// The signature of a token's text.
    pub(crate) fn of(text: &[u8]) -> Signature {
        let mut counts = 0u64;
        for &c in text {
            let shift = 2 * u32::from(c & 31);
            if (counts >> shift) & 3 < 3 {
                counts += 1 << shift;
            }
        }
        let mut head = [0u8; 4];
        for (h, &c) in head.iter_mut().zip(text) {
            *h = c;
        }
        Signature {
            counts,
            head: u32::from_le_bytes(head),
        }
    }

    /// The packed counts, for `PackedNames::touch` in the packed store.
    pub(crate) fn counts(self) -> u64 {
        self.counts
    }

    /// An upper bound of [`jaro_winkler_bound`] for texts of lengths `la` and `lb` with these
    /// signatures, or `None` when a class holds three or more of both (its count is unknown).
    ///
    /// Byte classes merge letters and digits (`b & 31`), which can only raise the common count;
    /// the per-class minimum of two 2-bit counts is computed for all 32 classes at once.
    pub(crate) fn bound(self, other: Signature, la: usize, lb: usize) -> Option<f32> {
        const LO: u64 = 0x5555_5555_5555_5555;
        let (x, y) = (self.counts, other.counts);
        let (x0, x1, y0, y1) = (x & LO, (x >> 1) & LO, y & LO, (y >> 1) & LO);
        if x0 & x1 & y0 & y1 != 0 {
            return None;
        }
        let min_hi = x1 & y1;
        let min_lo = (x0 & y0) | (x0 & !x1 & y1) | (y0 & !y1 & x1);
        let common = (min_lo.count_ones() + 2 * min_hi.count_ones()) as usize;
        let common = common.min(la).min(lb);
        if common == 0 {
            return Some(0.0);
        }
        let m = common as f32;
        let jaro = (m / la as f32 + m / lb as f32 + 1.0) / 3.0;
        let same = ((self.head ^ other.head).trailing_zeros() / 8) as usize;
        let prefix = same.min(4).min(la).min(lb) as f32;
        Some(jaro + prefix * 0.1 * (1.0 - jaro))
    }
}

/// An upper bound of the Jaro–Winkler similarity from the letters the two words share
/// (multiset intersection), ignoring order and the matching window: `m ≤ common`, no
/// transpositions, and the largest possible prefix bonus.
pub(crate) fn jaro_winkler_bound(a: &[u8], b: &[u8]) -> f32 {
    // Tokens are lowercase ASCII letters and digits; other bytes share slots, which can only
    // raise the bound.
    let mut counts = [0i16; 64];
    for &c in a {
        counts[(c & 63) as usize] += 1;
    }
    let mut common = 0usize;
    for &c in b {
        let slot = &mut counts[(c & 63) as usize];
        if *slot > 0 {
            *slot -= 1;
            common += 1;
        }
    }
    if common == 0 {
        return 0.0;
    }
    let m = common as f32;
    let jaro = (m / a.len() as f32 + m / b.len() as f32 + 1.0) / 3.0;
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count() as f32;
    jaro + prefix * 0.1 * (1.0 - jaro)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The signature bound never undercuts the byte bound, so rejecting on it is safe.
        #[test]
        fn signature_bound_is_above_the_byte_bound(
            a in "[a-z0-9]{0,12}|[a]{3,6}[b-d]{0,3}",
            b in "[a-z0-9]{0,12}|[a]{3,6}[b-d]{0,3}",
        ) {
            let exact = jaro_winkler_bound(a.as_bytes(), b.as_bytes());
            if let Some(fast) =
                Signature::of(a.as_bytes()).bound(Signature::of(b.as_bytes()), a.len(), b.len())
            {
                proptest::prop_assert!(fast >= exact, "{a} {b}: {fast} < {exact}");
            }
        }
    }
}
