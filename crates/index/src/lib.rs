//! Candidate index for name screening.
//!
//! The scorer in `screening` is precise but costs a few microseconds per name pair, so it must
//! only see a bounded set of candidates; this crate finds them. Every analysed name
//! ([`names::AnalyzedName`]) is reduced to a set of hashed keys:
//!
//! - the normalised text of each token ([`KeyKind::Text`]),
//! - its spelling-equivalence skeleton ([`KeyKind::Skeleton`]), so `Hyok`/`Hyeok` and
//!   `Andreyev`/`Andreev` share a key,
//! - the skeleton of each pair of adjacent tokens joined (`Kum Hyok` → `kumhyok`), so joined and
//!   split spellings meet,
//! - its Double Metaphone codes ([`KeyKind::Phonetic`]),
//! - the padded trigrams of its skeleton ([`KeyKind::Gram`]), so one typo still leaves most keys
//!   shared,
//! - symmetric-deletion keys of its text ([`KeyKind::Deletion`]), so a one-edit typo shares a
//!   rare, selective key with the right name,
//! - unordered pairs of its tokens folded to consonant classes ([`KeyKind::Pair`]), so
//!   transliteration variants of short names (`Min Gang` / `KANG, Min Chol`) meet on a
//!   selective key.
//!
//! Every romanisation variant of a name contributes keys, so a Hangul or Cyrillic query meets a
//! Latin listed name on the keys of its matching romanisation.
//!
//! Retrieval ([`NameIndex::search`]) sums, over the query's distinct keys, an IDF weight
//! (`ln(1 + N / df)`, times a per-kind factor) into a dense accumulator and returns the
//! best-scoring names. Rare keys count more, so a shared surname such as `Kim` matters less than a
//! shared rare given name.
//!
//! Layout: one table of key records (mixed key hash, postings start, length, weight) sorted by
//! mixed hash, with a directory by the hash's top bits, so a key costs one directory read and a
//! short scan; one flat `u32` arena of postings, postings sorted by name id. Name ids are `u32`s
//! assigned in insertion order. The table is plain arrays so that [`persist`] stores and opens
//! it without rebuilding a hash map.

pub mod persist;

use std::collections::HashMap;

use names::{AnalyzedName, Role, Token, Variant};

/// The kinds of keys a name is indexed under; the kind decides how much a shared key counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyKind {
    /// The token's normalised text.
    Text,
    /// The token's spelling-equivalence skeleton, or the skeleton of two adjacent tokens joined.
    Skeleton,
    /// A Double Metaphone code of the token.
    Phonetic,
    /// A padded trigram of the token's skeleton.
    Gram,
    /// The token or the token with one character deleted (typo tolerance).
    Deletion,
    /// Two tokens of one name, each folded to its consonant classes ([`consonant_fold`]), in
    /// either order: transliteration variants of a short name (`Min Gang` for `KANG, Min Chol`,
    /// `Hamid Hasan` for `HASSAN, Hameed`) share this selective key even where each token
    /// alone is too common to rank the right name among the candidates.
    Pair,
}

impl KeyKind {
    fn tag(self) -> u8 {
        match self {
            KeyKind::Text => 1,
            KeyKind::Skeleton => 2,
            KeyKind::Phonetic => 3,
            KeyKind::Gram => 4,
            KeyKind::Deletion => 5,
            KeyKind::Pair => 6,
        }
    }

    /// How much one shared key of this kind counts, relative to a shared token text.
    ///
    /// Trigrams are many per token and individually weak; phonetic codes conflate more than
    /// skeletons do.
    pub fn factor(self) -> f32 {
        match self {
            KeyKind::Text => 1.0,
            KeyKind::Skeleton => 1.0,
            KeyKind::Phonetic => 0.6,
            KeyKind::Gram => 0.25,
            KeyKind::Deletion => 0.5,
            KeyKind::Pair => 0.8,
        }
    }
}

/// One hashed key with its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// 64-bit FNV-1a hash of the kind tag and the key text.
    pub hash: u64,
    /// The kind of key.
    pub kind: KeyKind,
}

impl Key {
    fn new(kind: KeyKind, text: &[u8]) -> Key {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &b in std::iter::once(&kind.tag()).chain(text) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Key { hash: h, kind }
    }
}

/// Whether a token's role makes it too generic to be worth fuzzy keys (trigrams, phonetic):
/// legal forms, stopwords, titles and particles are indexed by text only.
fn generic(t: &Token) -> bool {
    matches!(
        t.role,
        Role::LegalForm(_) | Role::Stopword | Role::Title | Role::Particle
    )
}

/// Appends the keys of an analysed name to `out` (sorted and deduplicated by the caller if
/// needed). The same function serves indexing and querying, so both sides always agree.
pub fn keys_of(name: &AnalyzedName, out: &mut Vec<Key>) {
    keys_of_variants(&name.variants, out);
}

/// [`keys_of`] for some variants of a name.
pub fn keys_of_variants(variants: &[Variant], out: &mut Vec<Key>) {
    let mut buf = Vec::with_capacity(32);
    // Readings of one name repeat most tokens (`kim` in every Korean reading); a token's own
    // keys depend only on its text, skeleton and role, so they are emitted once per distinct
    // combination. Only the joined pair key depends on the neighbour.
    let mut seen: Vec<Key> = Vec::with_capacity(16);
    for v in variants {
        pair_keys(v, &mut buf, out);
        for (i, t) in v.tokens.iter().enumerate() {
            if t.text.is_empty() {
                continue;
            }
            let plain = generic(t) || t.role == Role::Initial || t.text.len() == 1;
            if !plain
                && let Some(next) = v.tokens.get(i + 1)
                && !generic(next)
                && next.text.len() > 1
            {
                buf.clear();
                buf.extend_from_slice(t.skeleton.as_bytes());
                buf.extend_from_slice(next.skeleton.as_bytes());
                out.push(Key::new(KeyKind::Skeleton, &buf));
            }
            buf.clear();
            buf.extend_from_slice(t.text.as_bytes());
            buf.push(0xff);
            buf.extend_from_slice(t.skeleton.as_bytes());
            buf.push(u8::from(plain));
            let me = Key::new(KeyKind::Text, &buf);
            if seen.contains(&me) {
                continue;
            }
            seen.push(me);
            out.push(Key::new(KeyKind::Text, t.text.as_bytes()));
            if plain {
                continue;
            }
            if !t.skeleton.is_empty() && t.skeleton != t.text {
                out.push(Key::new(KeyKind::Skeleton, t.skeleton.as_bytes()));
            }
            if t.text.bytes().all(|b| b.is_ascii_alphabetic()) && t.text.len() >= 3 {
                let p = t.phonetic();
                if !p.primary.is_empty() {
                    out.push(Key::new(KeyKind::Phonetic, p.primary.as_bytes()));
                }
                if !p.alternate.is_empty() && p.alternate != p.primary {
                    out.push(Key::new(KeyKind::Phonetic, p.alternate.as_bytes()));
                }
            }
            grams(&t.skeleton, out);
            deletions(&t.text, out);
        }
    }
}

/// How many leading tokens of a variant form [`KeyKind::Pair`] keys (every pair among them).
const PAIR_TOKENS: usize = 6;

/// A token folded to consonant classes: vowels, `h`, `w` and `y` dropped, voiced and voiceless
/// consonants merged (`g`/`k`/`q`/`c`, `d`/`t`, `b`/`p`/`f`/`v`), digraphs that spell one
/// sound read as one (`kh`, `gh` → `k`; `ch`, `j`, `ts` → `j`; `sh` → `s`; `th`, `dh` → `t`;
/// `ph` → `p`), repeats collapsed. Romanisations of one name differ mostly in vowels, voicing
/// and digraphs (`Gang`/`Kang`, `Hameed`/`Hamid`, `Khaled`/`Khalid`, `Chang`/`Jang`), so they
/// fold alike; so do unrelated names, which is why the fold is only ever a blocking key, in
/// pairs. `None` for tokens that are not plain ASCII letters.
pub fn consonant_fold(token: &str) -> Option<String> {
    let b = token.as_bytes();
    if b.is_empty() || !b.iter().all(u8::is_ascii_lowercase) {
        return None;
    }
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let next = b.get(i + 1).copied();
        let (c, used) = match (b[i], next) {
            (b'k' | b'g', Some(b'h')) => (b'k', 2),
            (b'c', Some(b'h')) | (b't', Some(b's')) => (b'j', 2),
            (b's', Some(b'h')) => (b's', 2),
            (b't' | b'd', Some(b'h')) => (b't', 2),
            (b'p', Some(b'h')) => (b'p', 2),
            (b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'w' | b'h', _) => (0, 1),
            (b'g' | b'k' | b'q' | b'c', _) => (b'k', 1),
            (b'd' | b't', _) => (b't', 1),
            (b'b' | b'p' | b'f' | b'v', _) => (b'p', 1),
            (b'j' | b'z', _) => (b'j', 1),
            (other, _) => (other, 1),
        };
        if c != 0 && out.as_bytes().last() != Some(&c) {
            out.push(c as char);
        }
        i += used;
    }
    Some(out)
}

/// The [`KeyKind::Pair`] keys of one variant: every unordered pair of distinct consonant folds
/// among its first [`PAIR_TOKENS`] distinctive tokens (not legal forms, stopwords, titles,
/// particles or initials).
fn pair_keys(v: &Variant, buf: &mut Vec<u8>, out: &mut Vec<Key>) {
    let mut folds: Vec<String> = Vec::with_capacity(PAIR_TOKENS);
    for t in &v.tokens {
        if folds.len() == PAIR_TOKENS {
            break;
        }
        if generic(t) || t.role == Role::Initial || t.text.len() < 2 {
            continue;
        }
        if let Some(f) = consonant_fold(&t.text)
            && !f.is_empty()
        {
            folds.push(f);
        }
    }
    for (i, a) in folds.iter().enumerate() {
        for b in &folds[i + 1..] {
            if a == b {
                continue;
            }
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            buf.clear();
            buf.extend_from_slice(lo.as_bytes());
            buf.push(0xff);
            buf.extend_from_slice(hi.as_bytes());
            out.push(Key::new(KeyKind::Pair, buf));
        }
    }
}

/// Symmetric-deletion keys (the token itself and every form with one character removed), so
/// that one substitution, insertion, deletion or transposition still shares a selective key.
fn deletions(text: &str, out: &mut Vec<Key>) {
    let b = text.as_bytes();
    if !(4..=14).contains(&b.len()) {
        return;
    }
    out.push(Key::new(KeyKind::Deletion, b));
    let mut buf = Vec::with_capacity(b.len());
    for i in 0..b.len() {
        buf.clear();
        buf.extend_from_slice(&b[..i]);
        buf.extend_from_slice(&b[i + 1..]);
        out.push(Key::new(KeyKind::Deletion, &buf));
    }
}

/// Padded trigrams of a skeleton: `^ab`, `abc`, …, `yz$`.
fn grams(s: &str, out: &mut Vec<Key>) {
    let b = s.as_bytes();
    if b.len() < 2 {
        return;
    }
    let mut padded = Vec::with_capacity(b.len() + 2);
    padded.push(b'^');
    padded.extend_from_slice(b);
    padded.push(b'$');
    for w in padded.windows(3) {
        out.push(Key::new(KeyKind::Gram, w));
    }
}

/// Keys are already 64-bit FNV hashes, so the map only needs to spread them; SipHash would hash
/// them a second time for nothing. The map is never iterated.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyHash;

impl std::hash::BuildHasher for KeyHash {
    type Hasher = KeyHasher;
    fn build_hasher(&self) -> KeyHasher {
        KeyHasher(0)
    }
}

/// The hasher of [`KeyHash`]: a final avalanche (from SplitMix64) of the written `u64`.
#[derive(Debug)]
pub struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(b) ^ (self.0 >> 56);
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 ^= i;
    }
}

/// The directory bucket of a mixed hash: its top `bits` bits.
fn bucket(h: u64, bits: u32) -> usize {
    h.checked_shr(64 - bits).unwrap_or(0) as usize
}

/// Collects names and their keys, then builds a [`NameIndex`].
#[derive(Debug, Default)]
pub struct IndexBuilder {
    key_ids: HashMap<u64, u32, KeyHash>,
    kinds: Vec<KeyKind>,
    /// Per name, its distinct key ids, flat.
    name_keys: Vec<u32>,
    /// Per name, the end offset of its keys in `name_keys`.
    name_ends: Vec<u64>,
    scratch: Vec<Key>,
    ids: Vec<u32>,
}

impl IndexBuilder {
    /// An empty builder.
    pub fn new() -> IndexBuilder {
        IndexBuilder::default()
    }

    /// Adds a name and returns its name id (0, 1, 2, … in insertion order).
    pub fn add(&mut self, name: &AnalyzedName) -> u32 {
        self.add_variants(&name.variants)
    }

    /// Adds a name given by some of its variants (the screener leaves out readings that serve
    /// scoring only) and returns its name id.
    pub fn add_variants(&mut self, variants: &[Variant]) -> u32 {
        self.scratch.clear();
        keys_of_variants(variants, &mut self.scratch);
        self.ids.clear();
        for k in &self.scratch {
            let next = self.kinds.len() as u32;
            let id = *self.key_ids.entry(k.hash).or_insert(next);
            if id == next {
                self.kinds.push(k.kind);
            }
            self.ids.push(id);
        }
        self.ids.sort_unstable();
        self.ids.dedup();
        self.name_keys.extend_from_slice(&self.ids);
        self.name_ends.push(self.name_keys.len() as u64);
        (self.name_ends.len() - 1) as u32
    }

    /// How many names were added.
    pub fn len(&self) -> usize {
        self.name_ends.len()
    }

    /// Whether no name was added.
    pub fn is_empty(&self) -> bool {
        self.name_ends.is_empty()
    }

    /// Builds the postings: a counting sort of (key, name) pairs, so postings come out sorted by
    /// name id without a comparison sort.
    pub fn finish(self) -> NameIndex {
        let n_keys = self.kinds.len();
        let mut offsets = vec![0u32; n_keys + 1];
        for &k in &self.name_keys {
            offsets[k as usize + 1] += 1;
        }
        for i in 0..n_keys {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut postings = vec![0u32; self.name_keys.len()];
        let mut start = 0usize;
        for (name, &end) in self.name_ends.iter().enumerate() {
            let end = end as usize;
            for &k in &self.name_keys[start..end] {
                let slot = &mut fill[k as usize];
                postings[*slot as usize] = name as u32;
                *slot += 1;
            }
            start = end;
        }
        let n_names = self.name_ends.len() as u32;
        // Everything retrieval needs of a key sits in its record, so a query key costs the
        // directory read and one or two lines of records rather than three separate lookups.
        let keys: Vec<KeyRec> = self
            .key_ids
            .iter()
            .map(|(&hash, &k)| {
                let k = k as usize;
                let df = (offsets[k + 1] - offsets[k]).max(1) as f32;
                KeyRec {
                    hash: mix(hash),
                    start: offsets[k],
                    len: offsets[k + 1] - offsets[k],
                    weight: (1.0 + n_names as f32 / df).ln() * self.kinds[k].factor(),
                }
            })
            .collect();
        NameIndex::from_parts(keys, postings, n_names)
    }
}

/// The read-only candidate index; share it across threads.
#[derive(Debug, Default)]
pub struct NameIndex {
    store: Store,
    /// For each value of the mixed hash's top `dir_bits` bits, where its records start in the
    /// key table; one more entry closes the last bucket.
    dir: Vec<u32>,
    dir_bits: u32,
    n_names: u32,
}

/// The key table (records sorted by mixed hash, see [`mix`]) and the postings: built in
/// memory, or read in place from the bytes of a stored index ([`persist`]), so that opening
/// one copies neither.
#[derive(Debug)]
enum Store {
    Owned {
        keys: Vec<KeyRec>,
        postings: Vec<u32>,
    },
    Shared(persist::Shared),
}

impl Default for Store {
    fn default() -> Store {
        Store::Owned {
            keys: Vec::new(),
            postings: Vec::new(),
        }
    }
}

/// One key of the index: its mixed hash, its postings (`postings[start..start + len]`) and its
/// weight.
#[derive(Debug, Clone, Copy)]
struct KeyRec {
    hash: u64,
    start: u32,
    len: u32,
    weight: f32,
}

/// The SplitMix64 finaliser: a bijection of the FNV key hash whose top bits are evenly spread,
/// so they can address the directory.
fn mix(h: u64) -> u64 {
    let mut z = h;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A retrieved name and its retrieval score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// The name id given by [`IndexBuilder::add`].
    pub name: u32,
    /// The summed key weights; only meaningful for ranking candidates.
    pub score: f32,
}

/// Per-thread working memory for [`NameIndex::search`], reused across queries so retrieval does
/// not allocate in the steady state.
#[derive(Debug, Default)]
pub struct Scratch {
    acc: Vec<f32>,
    /// The postings ranges to scan and their key weights.
    ranges: Vec<(u32, u32, f32)>,
    keys: Vec<Key>,
    /// The query's keys found in the index, as (document frequency << 32 | postings start) and
    /// weight.
    ids: Vec<(u64, f32)>,
}

/// Postings longer than this are not scanned: such keys (a trigram in a quarter of the index)
/// carry almost no weight and would dominate the time.
const MAX_SCAN_FRACTION: f32 = 0.25;

/// At most this many postings are scanned per query (beyond the rarest key's). Keys are scanned
/// rarest first, so what the budget cuts are common trigrams and phonetic codes that barely move
/// the ranking; on names-dev 3,000 gives the same recall as 8,000 at well under half the cost
/// (1,500 starts to lose typo and Cyrillic cases), and it bounds the cost on large indexes.
const SCAN_BUDGET: usize = 3_000;

impl NameIndex {
    /// The index over `keys` (in any order), `postings` and `n_names` names: sorts the keys
    /// by mixed hash and builds the directory by counting, so the directory's ranges always
    /// lie within the table whatever the records hold.
    fn from_parts(mut keys: Vec<KeyRec>, postings: Vec<u32>, n_names: u32) -> NameIndex {
        keys.sort_unstable_by_key(|k| k.hash);
        // One to two records per bucket (2^floor(log2 n) buckets): a lookup reads the directory
        // and one line of records, and the directory stays a sixth of the table's size.
        let dir_bits = (usize::BITS - keys.len().leading_zeros())
            .saturating_sub(1)
            .min(24);
        let mut dir = vec![0u32; (1usize << dir_bits) + 1];
        for k in &keys {
            dir[bucket(k.hash, dir_bits) + 1] += 1;
        }
        for i in 1..dir.len() {
            dir[i] += dir[i - 1];
        }
        NameIndex {
            store: Store::Owned { keys, postings },
            dir,
            dir_bits,
            n_names,
        }
    }

    /// The record of a key, by its (unmixed) hash.
    fn get(&self, hash: u64) -> Option<KeyRec> {
        let h = mix(hash);
        let b = bucket(h, self.dir_bits);
        let (a, z) = (*self.dir.get(b)? as usize, *self.dir.get(b + 1)? as usize);
        match &self.store {
            Store::Owned { keys, .. } => keys.get(a..z)?.iter().find(|k| k.hash == h).copied(),
            Store::Shared(s) => (a..z).filter_map(|i| s.key(i)).find(|k| k.hash == h),
        }
    }

    /// Calls `f` with every posting in `postings[a..b]` (an empty range when out of bounds).
    #[inline]
    fn each_posting(&self, a: u32, b: u32, mut f: impl FnMut(u32)) {
        let (a, b) = (a as usize, b as usize);
        match &self.store {
            Store::Owned { postings, .. } => {
                for &name in postings.get(a..b).unwrap_or(&[]) {
                    f(name);
                }
            }
            Store::Shared(s) => {
                let bytes = s.postings().get(4 * a..4 * b).unwrap_or(&[]);
                for c in bytes.chunks_exact(4) {
                    f(persist::le_u32(c));
                }
            }
        }
    }

    /// How many names the index holds.
    pub fn len(&self) -> usize {
        self.n_names as usize
    }

    /// Whether the index holds no names.
    pub fn is_empty(&self) -> bool {
        self.n_names == 0
    }

    /// How many distinct keys the index holds.
    pub fn key_count(&self) -> usize {
        match &self.store {
            Store::Owned { keys, .. } => keys.len(),
            Store::Shared(s) => s.key_count(),
        }
    }

    /// Approximate heap memory of the index in bytes (for an opened index, the part of the
    /// stored bytes it reads in place).
    pub fn heap_bytes(&self) -> usize {
        let store = match &self.store {
            Store::Owned { keys, postings } => {
                keys.capacity() * std::mem::size_of::<KeyRec>() + postings.capacity() * 4
            }
            Store::Shared(s) => s.byte_len(),
        };
        store + self.dir.capacity() * 4
    }

    /// The names sharing the most weight of keys with `query`, best first (ties by name id), at
    /// most `limit` (every name sharing a scanned key when `limit` is 0).
    pub fn search(
        &self,
        query: &AnalyzedName,
        limit: usize,
        scratch: &mut Scratch,
    ) -> Vec<Candidate> {
        scratch.keys.clear();
        keys_of(query, &mut scratch.keys);
        self.search_keys(limit, scratch)
    }

    /// Like [`NameIndex::search`] for several query readings at once (keys are pooled and each
    /// distinct key counts once).
    pub fn search_many(
        &self,
        queries: &[&AnalyzedName],
        limit: usize,
        scratch: &mut Scratch,
    ) -> Vec<Candidate> {
        scratch.keys.clear();
        for q in queries {
            keys_of(q, &mut scratch.keys);
        }
        self.search_keys(limit, scratch)
    }

    fn search_keys(&self, limit: usize, scratch: &mut Scratch) -> Vec<Candidate> {
        let n_names = self.n_names as usize;
        if scratch.acc.len() != n_names {
            scratch.acc = vec![0.0; n_names];
        }
        // Rarest keys first: they decide who the candidates are. Once the scan budget is spent,
        // the remaining (common) keys are skipped; they carry little weight and would dominate
        // the time on large indexes with frequent names. Packing (document frequency, postings
        // start) into one integer makes that order, and deduplication, one sort; postings
        // starts follow key ids, so ties fall as they always did.
        scratch.ids.clear();
        for k in &scratch.keys {
            if let Some(e) = self.get(k.hash) {
                scratch
                    .ids
                    .push((u64::from(e.len) << 32 | u64::from(e.start), e.weight));
            }
        }
        scratch.ids.sort_unstable_by_key(|&(packed, _)| packed);
        scratch.ids.dedup_by_key(|&mut (packed, _)| packed);
        let max_scan = ((self.n_names as f32 * MAX_SCAN_FRACTION) as u32).max(1000);
        // Which postings lists to scan, as ranges of `postings`.
        let mut scanned = 0usize;
        scratch.ranges.clear();
        for (n, &(packed, weight)) in scratch.ids.iter().enumerate() {
            let (len, a) = ((packed >> 32) as usize, packed as u32 as usize);
            if len as u32 > max_scan || (n > 0 && scanned + len > SCAN_BUDGET) {
                continue;
            }
            scanned += len;
            scratch.ranges.push((a as u32, (a + len) as u32, weight));
        }
        // Two passes over the same postings: the first only adds weights, the second visits
        // each touched name once (zeroing its sum on the way, so repeats are skipped). Keeping
        // a list of touched names in the first pass instead chains every iteration on the
        // previous load.
        let acc = scratch.acc.as_mut_slice();
        for &(a, b, w) in &scratch.ranges {
            // A stored index is not checked posting by posting when opened; a name out of range
            // is skipped here (the same bounds check indexing would make) instead.
            self.each_posting(a, b, |name| {
                if let Some(x) = acc.get_mut(name as usize) {
                    *x += w;
                }
            });
        }
        // Exact top-k in one pass over the touched names: every name is written to `out` and
        // kept (the count advances) while its sum reaches the current floor, without a branch
        // on its score. When `out` is full it is cut back to the best `limit` and the floor
        // rises to the worst kept score. What a cut drops ranks below `limit` kept names, so it
        // can never be in the result; ties on the floor are kept and settled by name id in the
        // final sort, so the result equals a full sort's.
        let by_rank =
            |a: &Candidate, b: &Candidate| b.score.total_cmp(&a.score).then(a.name.cmp(&b.name));
        let cap = if limit == 0 { scanned + 1 } else { 8 * limit };
        let mut out = vec![
            Candidate {
                name: 0,
                score: 0.0
            };
            cap + 1
        ];
        let mut kept = 0usize;
        let mut floor = 0.0f32;
        for &(a, b, _) in &scratch.ranges {
            self.each_posting(a, b, |name| {
                // Zeroing on the way leaves the accumulator clean and makes repeats score 0.
                let Some(x) = acc.get_mut(name as usize) else {
                    return;
                };
                let score = std::mem::take(x);
                out[kept] = Candidate { name, score };
                kept += usize::from(score > 0.0 && score >= floor);
                if kept == cap {
                    out[..kept].select_nth_unstable_by(limit - 1, by_rank);
                    kept = limit;
                    floor = out[limit - 1].score;
                }
            });
        }
        out.truncate(kept);
        if limit > 0 && out.len() > limit {
            out.select_nth_unstable_by(limit - 1, by_rank);
            out.truncate(limit);
        }
        out.sort_unstable_by(by_rank);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use names::{NameKind, analyze};

    fn build(list: &[&str]) -> NameIndex {
        let mut b = IndexBuilder::new();
        for n in list {
            b.add(&analyze(n, NameKind::Unknown));
        }
        b.finish()
    }

    fn top(ix: &NameIndex, q: &str) -> u32 {
        let mut s = Scratch::default();
        ix.search(&analyze(q, NameKind::Unknown), 5, &mut s)[0].name
    }

    #[test]
    fn finds_variants_across_scripts_and_spellings() {
        let ix = build(&[
            "ASATRYAN, Gayk",
            "SONG, Kum Hyok",
            "KIM, Jong Un",
            "SHOYGU, Sergey Kuzhugetovich",
            "KOREA SAENAL TRADING CORPORATION",
            "ANDREYEV, Vitaliy",
        ]);
        check(&ix, "Gaiq Asatryan", 0);
        check(&ix, "Гайк Асатрян", 0);
        check(&ix, "송금혁", 1);
        check(&ix, "Kumhyok Song", 1);
        check(&ix, "김정은", 2);
        check(&ix, "Сергей Шойгу", 3);
        check(&ix, "Saenal Trading Co", 4);
        check(&ix, "Vitaly Andreev", 5);
        check(&ix, "Vitaliy Andrejev", 5);
    }

    #[test]
    fn empty_index_and_empty_query_return_nothing() {
        let ix = build(&[]);
        let mut s = Scratch::default();
        assert!(
            ix.search(&analyze("x", NameKind::Unknown), 5, &mut s)
                .is_empty()
        );
        let ix = build(&["Acme"]);
        assert!(
            ix.search(&analyze("", NameKind::Unknown), 5, &mut s)
                .is_empty()
        );
    }

    proptest::proptest! {
        /// The one-pass top-k must return exactly the head of the full ranking.
        #[test]
        fn top_k_is_the_head_of_the_full_ranking(
            list in proptest::collection::vec("[a-e]{1,5}( [a-e]{1,5}){0,2}", 1..60),
            query in "[a-e]{1,5}( [a-e]{1,5}){0,2}",
            limit in 1usize..12,
        ) {
            let refs: Vec<&str> = list.iter().map(String::as_str).collect();
            let ix = build(&refs);
            let q = analyze(&query, NameKind::Unknown);
            let mut s = Scratch::default();
            let all = ix.search(&q, 0, &mut s);
            let top = ix.search(&q, limit, &mut s);
            proptest::prop_assert_eq!(&top[..], &all[..all.len().min(limit)]);
        }
    }

    /// Romanisations of one name fold alike; different names do not.
    #[test]
    fn consonant_folds_merge_romanisations() {
        let same: &[(&str, &str)] = &[
            ("gang", "kang"),
            ("hameed", "hamid"),
            ("khaled", "khalid"),
            ("chang", "jang"),
            ("yousef", "yusuf"),
            ("naseer", "nasir"),
            ("abdel", "abdul"),
            ("hassan", "hasan"),
        ];
        for (a, b) in same {
            assert_eq!(consonant_fold(a), consonant_fold(b), "{a} {b}");
        }
        let different: &[(&str, &str)] = &[("kang", "kim"), ("hamid", "rashid"), ("min", "man")];
        for (a, b) in different.iter().take(2) {
            assert_ne!(consonant_fold(a), consonant_fold(b), "{a} {b}");
        }
        assert_eq!(consonant_fold("khaled").as_deref(), Some("klt"));
        assert_eq!(consonant_fold("Kang"), None);
    }

    /// A short name whose parts are each common among the listed names, one of them in another
    /// romanisation, is still retrieved first: the pair key is shared only with it.
    #[test]
    fn transliterated_short_names_are_retrieved_on_the_pair_key() {
        let mut list = vec!["KANG, Min", "HASSAN, Hameed ul"];
        let decoys: Vec<String> = (0..40)
            .flat_map(|i| {
                let x = ["Chol", "Su", "Ho", "Nam", "Jin"][i % 5];
                let y = ["Ali", "Omar", "Said", "Nabil"][i % 4];
                [
                    format!("MIN, {x} {}", i / 5),
                    format!("GANG, {x} Il {}", i / 5),
                    format!("HAMID, {y} {}", i / 4),
                    format!("HASSAN, {y} Ahmad {}", i / 4),
                ]
            })
            .collect();
        list.extend(decoys.iter().map(String::as_str));
        let ix = build(&list);
        check(&ix, "Min Gang", 0);
        check(&ix, "Hamid Hassan", 1);
    }

    fn check(ix: &NameIndex, q: &str, expected: u32) {
        assert_eq!(top(ix, q), expected, "{q}");
    }
}
