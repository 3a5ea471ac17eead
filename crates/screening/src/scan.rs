//! Free-text screening: listed names found inside unstructured text (payment remittance
//! fields, invoice lines, chat messages, SWIFT field 70) in any script.
//!
//! Scoring every window of a text against the index would cost a full screening per token. The
//! scan instead reads the text once, token by token, and asks a prefilter built from the listed
//! names whether two nearby tokens occur together in one listed name (or whether one token is a
//! whole single-word listed name). Only the spans such pairs mark are screened, with the normal
//! scorer, so the cost is linear in the length of the text and does not grow with the lists.
//!
//! Tokens are compared by their spelling-equivalence skeleton ([`names::skeleton`]), the same key
//! the scorer reads, so spelling variants the skeleton folds (`Mohammed`/`Muhammad`,
//! `Jong`/`Jung`) still pair. Text in scripts other than Latin is romanised per token with every
//! reading; Han text, written without spaces, is read one character at a time, with the joined
//! readings of two and three characters (Chinese given names are one joined token in the lists).
//!
//! The text is processed in segments of bounded size that overlap by a few tokens, so working
//! memory does not grow with the text; hits are reported in text order through a callback.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use index::KeyHash;
use model::NameKind;
use serde::Serialize;

use crate::packed::{LEGAL_TAG, PackedNames};
use crate::{DEFAULT_THRESHOLD, Match, PartRole, Query, ScreenConfig, Screener};

/// How far apart (in tokens) two tokens of one name may stand in the text and still pair: one
/// or two unlisted middle names or particles may sit between them.
const PAIR_REACH: usize = 3;

/// At most this many tokens of a single listed variant are paired with each other; longer names
/// (long organisation names) still pair within [`PAIR_REACH`] + 1 positions.
const FULL_PAIRING: usize = 8;

/// A marked region of more tokens than this is force-closed: text that is nothing but listed
/// name words (a word list) must not grow one region without bound.
const MAX_REGION: usize = 48;

/// Segments are cut at the first space after this many bytes.
const SEGMENT_BYTES: usize = 64 * 1024;

/// Single-word listed names written in fewer bytes than this never trigger alone:
/// two- and three-letter words are acronyms or common words in too many languages.
const MIN_SINGLE: usize = 4;

/// How a text is scanned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScanConfig {
    /// A listed name scoring at or above this inside the text is a hit.
    pub threshold: f64,
    /// The longest span, in tokens, screened as one query; longer marked regions are screened in
    /// overlapping windows of this length.
    pub max_window: usize,
    /// At most this many entities are reported for one span.
    pub per_span: usize,
}

impl Default for ScanConfig {
    fn default() -> ScanConfig {
        ScanConfig {
            threshold: DEFAULT_THRESHOLD,
            max_window: 8,
            per_span: 5,
        }
    }
}

/// One listed name found in a text: where, which entity, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct ScanHit {
    /// The first character of the span, counted in Unicode scalar values from the start of the
    /// text (not bytes, so that every client language can slice the text with it).
    pub start: usize,
    /// One past the last character of the span, in the same units as `start`.
    pub end: usize,
    /// The text of the span as written.
    pub text: String,
    /// The match of the span against the listed entity, as `screen` reports it.
    #[serde(flatten)]
    pub hit: Match,
}

/// The prefilter: which skeletons occur in listed names, which pairs of them occur in one name,
/// and which are single-word names on their own.
#[derive(Debug, Default)]
pub(crate) struct ScanIndex {
    /// Skeleton hash → flags ([`PART`], [`SINGLE`]).
    tokens: HashMap<u64, u8, KeyHash>,
    /// Unordered pairs of skeleton hashes that occur in one listed variant ([`pair_key`]).
    pairs: HashSet<u64, KeyHash>,
    /// (pair key, name id), sorted and unique: the names each pair occurs in, so that a marked
    /// window is scored against those names without a retrieval.
    postings: Vec<(u64, u32)>,
}

/// The skeleton is a part of some listed name.
const PART: u8 = 1;
/// The skeleton is, alone, the one distinctive word of some listed name.
const SINGLE: u8 = 2;

/// The 64-bit FNV-1a hash of a skeleton.
fn key(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The key of an unordered pair of skeleton hashes.
fn pair_key(a: u64, b: u64) -> u64 {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    (lo.rotate_left(29) ^ hi).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ lo
}

/// Whether a role tag marks a word that identifies a name (given, family, patronymic, unknown),
/// as against generic words (organisation words, legal forms, particles, titles, stopwords,
/// initials), which only ever pair with a distinctive word.
fn distinctive(tag: u8) -> bool {
    matches!(tag, 0 | 1 | 2 | 8)
}

/// Whether a role tag marks a word worth indexing at all: everything but legal forms, titles,
/// stopwords and initials (organisation words such as `bank` pair with distinctive words).
fn indexed(tag: u8) -> bool {
    tag < LEGAL_TAG && !matches!(tag, 4 | 6 | 7)
}

impl ScanIndex {
    /// Builds the prefilter from every listed variant (weak aliases excepted: they are too broad
    /// to match on).
    fn build(packed: &PackedNames) -> ScanIndex {
        let mut ix = ScanIndex::default();
        let mut parts: Vec<(u64, bool)> = Vec::with_capacity(16);
        for (id, name) in packed.names.iter().enumerate() {
            if name.kind == NameKind::WeakAlias {
                continue;
            }
            for j in 0..usize::from(name.n_variants) {
                let Some(&(start, len)) = packed.variants.get(name.first_variant as usize + j)
                else {
                    continue;
                };
                parts.clear();
                for t in start as usize..start as usize + usize::from(len) {
                    let (Some(tok), Some(&tag)) = (packed.tokens.get(t), packed.roles.get(t))
                    else {
                        continue;
                    };
                    if !indexed(tag) {
                        continue;
                    }
                    let at = tok.at as usize + usize::from(tok.text_len);
                    let Some(skel) = packed
                        .bytes
                        .as_bytes()
                        .get(at..at + usize::from(tok.skel_len))
                    else {
                        continue;
                    };
                    if skel.is_empty() {
                        continue;
                    }
                    parts.push((key(skel), distinctive(tag)));
                }
                ix.add_variant(&parts, id as u32);
            }
        }
        ix.postings.sort_unstable();
        ix.postings.dedup();
        ix
    }

    /// The names a pair occurs in.
    fn names_of(&self, pair: u64) -> impl Iterator<Item = u32> + '_ {
        let from = self.postings.partition_point(|&(k, _)| k < pair);
        self.postings[from..]
            .iter()
            .take_while(move |&&(k, _)| k == pair)
            .map(|&(_, n)| n)
    }

    /// Adds one variant's indexed parts: every part, the pairs within reach, and the variant's
    /// only distinctive part as a single-word name.
    fn add_variant(&mut self, parts: &[(u64, bool)], name: u32) {
        for &(k, _) in parts {
            *self.tokens.entry(k).or_insert(0) |= PART;
        }
        let distinct: Vec<u64> = parts.iter().filter(|p| p.1).map(|p| p.0).collect();
        if distinct.len() == 1 && parts.len() == 1 {
            *self.tokens.entry(distinct[0]).or_insert(0) |= SINGLE;
        }
        let reach = if parts.len() <= FULL_PAIRING {
            parts.len()
        } else {
            PAIR_REACH + 1
        };
        for (i, a) in parts.iter().enumerate() {
            for b in parts.iter().skip(i + 1).take(reach) {
                if (a.1 || b.1) && a.0 != b.0 {
                    let k = pair_key(a.0, b.0);
                    self.pairs.insert(k);
                    self.postings.push((k, name));
                }
            }
        }
    }

    fn flags(&self, k: u64) -> u8 {
        self.tokens.get(&k).copied().unwrap_or(0)
    }
}

/// One key a text token may stand for, and over how many tokens it reaches (joined Han
/// readings reach over two or three characters).
#[derive(Debug, Clone, Copy)]
struct Reading {
    key: u64,
    extent: u8,
}

/// One token of the text being scanned.
#[derive(Debug, Clone)]
struct Tok {
    /// Byte range in the segment.
    from: usize,
    to: usize,
    /// Character offset of `from` in the whole text.
    char_from: usize,
    /// Character offset of `to` in the whole text.
    char_to: usize,
    /// Whether the token is one Han character.
    han: bool,
    /// Whether the token begins with an uppercase letter or is in a script without case.
    capital: bool,
    /// The readings of the token that are parts of listed names.
    readings: Vec<Reading>,
    /// Whether some reading is a whole single-word listed name.
    single: bool,
}

/// Whether a character is read as part of a word.
fn word_char(c: char) -> bool {
    c.is_alphanumeric() || names::is_apostrophe(c) || is_mark(c)
}

/// Combining marks (decomposed accents, Hangul jamo vowels written apart, Indic vowel signs)
/// stay inside the word they modify.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Whether a character is a Han ideograph (read one at a time).
fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Splits a segment into tokens with byte and character offsets: runs of word characters, each
/// Han character on its own.
fn tokenize(seg: &str, char_base: usize, out: &mut Vec<Tok>) {
    let mut chars = char_base;
    let mut cur: Option<(usize, usize)> = None;
    let push = |out: &mut Vec<Tok>, from: usize, to: usize, cf: usize, ct: usize, han: bool| {
        out.push(Tok {
            from,
            to,
            char_from: cf,
            char_to: ct,
            han,
            capital: false,
            readings: Vec::new(),
            single: false,
        });
    };
    for (i, c) in seg.char_indices() {
        if is_han(c) {
            if let Some((from, cf)) = cur.take() {
                push(out, from, i, cf, chars, false);
            }
            push(out, i, i + c.len_utf8(), chars, chars + 1, true);
        } else if word_char(c) {
            if cur.is_none() {
                cur = Some((i, chars));
            }
        } else if let Some((from, cf)) = cur.take() {
            push(out, from, i, cf, chars, false);
        }
        chars += 1;
    }
    if let Some((from, cf)) = cur.take() {
        push(out, from, seg.len(), cf, chars, false);
    }
}

/// Per-thread cache of word readings: most words of running text repeat, and a word's readings
/// depend only on its text, so a cache returns exactly what the computation would.
#[derive(Default)]
struct WordCache {
    map: HashMap<Box<str>, (Vec<u64>, bool), std::hash::RandomState>,
}

/// Entries kept before the cache starts over, bounding its memory.
const CACHE_WORDS: usize = 50_000;

thread_local! {
    static CACHE: std::cell::RefCell<WordCache> = std::cell::RefCell::new(WordCache::default());
}

/// The skeleton keys a word may stand for, and whether it began with a capital (or has no
/// case). ASCII words are lowercased and skeletonised directly; others go through the full name
/// analysis, every romanisation.
fn word_readings(word: &str) -> (Vec<u64>, bool) {
    let capital = word
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || (c.is_alphabetic() && !c.is_lowercase()));
    if word.bytes().all(|b| b.is_ascii_alphanumeric()) {
        let lower = word.to_ascii_lowercase();
        return (vec![key(names::skeleton(&lower).as_bytes())], capital);
    }
    let an = names::analyze(word, names::NameKind::Unknown);
    let mut keys: Vec<u64> = Vec::new();
    for v in &an.variants {
        for t in &v.tokens {
            let s = if matches!(t.role, names::Role::LegalForm(_)) {
                names::skeleton(&t.text)
            } else {
                t.skeleton.clone()
            };
            let k = key(s.as_bytes());
            if !s.is_empty() && !keys.contains(&k) && keys.len() < 12 {
                keys.push(k);
            }
        }
    }
    (keys, capital)
}

fn cached_readings(word: &str) -> (Vec<u64>, bool) {
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if let Some(r) = c.map.get(word) {
            return r.clone();
        }
        let r = word_readings(word);
        if c.map.len() >= CACHE_WORDS {
            c.map.clear();
        }
        c.map.insert(word.into(), r.clone());
        r
    })
}

/// The romanised key of one to three adjacent Han characters read as one word.
fn han_key(chars: &str) -> u64 {
    let joined: String = names::normalize(chars).split(' ').collect();
    key(names::skeleton(&joined).as_bytes())
}

/// The lowest score of a window's best candidate that still names the listed name the window
/// is about (see `screen_region`).
const FLOOR: f64 = 0.5;

/// The lowest best-candidate score of a window of three tokens or more at which the window is
/// cut to its candidate's words, or without its edge words, and screened again.
const RETRY: f64 = 0.65;

/// A span whose pairs occur in more listed names than this is screened with the index's
/// retrieval (which keeps the best [`crate::CANDIDATES`]) instead of against all of them.
const MAX_PAIR_NAMES: usize = 32;

/// The text of a span of tokens, from the first token's start to the last one's end.
fn span_text<'a>(seg: &'a str, toks: &[Tok], span: Region) -> &'a str {
    seg.get(toks[span.first].from..toks[span.last].to)
        .unwrap_or("")
}

/// A span of tokens (inclusive) that pairs marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Region {
    first: usize,
    last: usize,
}

impl Screener {
    fn scan_index(&self) -> &ScanIndex {
        self.scan.get_or_init(|| ScanIndex::build(&self.packed))
    }

    /// Finds listed names inside free text; hits come in text order (by start, then score
    /// descending, then entity id). See [`Screener::scan_with`].
    pub fn scan(&self, text: &str, cfg: &ScanConfig) -> Vec<ScanHit> {
        let mut hits = Vec::new();
        self.scan_with(text, cfg, &mut |h| hits.push(h));
        hits
    }

    /// Finds listed names inside free text and hands each hit to `sink` in text order.
    ///
    /// The text is read in segments of about 64 KiB cut at spaces, overlapping by the tokens of
    /// any region still open at the cut, so working memory stays bounded whatever the length
    /// of the text. Deterministic: the same text, lists and configuration give the same hits.
    pub fn scan_with(&self, text: &str, cfg: &ScanConfig, sink: &mut dyn FnMut(ScanHit)) {
        self.scan_segments(text, cfg, SEGMENT_BYTES, sink);
    }

    /// [`Screener::scan_with`] with segments of about `segment_bytes`; tests use small
    /// segments to check that cutting a text never changes its hits.
    fn scan_segments(
        &self,
        text: &str,
        cfg: &ScanConfig,
        segment_bytes: usize,
        sink: &mut dyn FnMut(ScanHit),
    ) {
        let ix = self.scan_index();
        let mut from = 0usize;
        let mut char_base = 0usize;
        let mut toks: Vec<Tok> = Vec::new();
        // A segment must hold more tokens than the overlap it leaves, or it would make no
        // progress; a segment with too few is grown before it is read.
        let least = 2 * (PAIR_REACH + cfg.max_window) + MAX_REGION;
        let mut size = segment_bytes.max(1);
        while from < text.len() {
            let mut to = text.len();
            if to - from > size {
                to = from + size;
                while !text.is_char_boundary(to) {
                    to += 1;
                }
                match text[to..].find(char::is_whitespace) {
                    Some(sp) => to += sp,
                    None => to = text.len(),
                }
            }
            let last = to >= text.len();
            let seg = &text[from..to];
            toks.clear();
            tokenize(seg, char_base, &mut toks);
            if !last && !toks.is_empty() && toks.len() <= least {
                size = size.saturating_mul(2);
                continue;
            }
            size = segment_bytes.max(1);
            if toks.is_empty() {
                // Nothing but spaces and punctuation: move past it.
                char_base += seg.chars().count();
                from = to;
                continue;
            }
            self.read_tokens(ix, seg, &mut toks);
            let regions = regions(ix, seg, &toks);
            // A region touching the end of a segment that is not the last may continue into
            // the next one: the next segment starts at its first token and screens it whole.
            let keep_from = if last {
                toks.len()
            } else {
                let tail = toks.len().saturating_sub(PAIR_REACH + cfg.max_window);
                regions
                    .iter()
                    .filter(|r| r.last >= tail)
                    .map(|r| r.first)
                    .min()
                    .unwrap_or(tail)
                    .max(1)
            };
            for r in regions.iter().filter(|r| last || r.last < keep_from) {
                for h in self.screen_region(ix, seg, &toks, *r, cfg) {
                    sink(h);
                }
            }
            if last || keep_from >= toks.len() {
                break;
            }
            let next = &toks[keep_from];
            char_base = next.char_from;
            from += next.from;
        }
    }

    /// Fills in each token's readings: cached per word for words, per character and joined
    /// pairs and triples for Han.
    fn read_tokens(&self, ix: &ScanIndex, seg: &str, toks: &mut [Tok]) {
        for i in 0..toks.len() {
            let (from, to) = (toks[i].from, toks[i].to);
            if toks[i].han {
                toks[i].capital = true;
                for extent in 1..=3usize {
                    let Some(end) = toks.get(i + extent - 1) else {
                        break;
                    };
                    if !end.han || (extent > 1 && toks[i + extent - 2].to != end.from) {
                        break;
                    }
                    let k = han_key(&seg[from..end.to]);
                    let f = ix.flags(k);
                    if f & PART != 0 {
                        toks[i].readings.push(Reading {
                            key: k,
                            extent: extent as u8,
                        });
                        toks[i].single |= f & SINGLE != 0 && extent > 1;
                    }
                }
                continue;
            }
            let (keys, capital) = cached_readings(&seg[from..to]);
            let t = &mut toks[i];
            t.capital = capital;
            for k in keys {
                let f = ix.flags(k);
                if f & PART != 0 {
                    t.readings.push(Reading { key: k, extent: 1 });
                    t.single |= f & SINGLE != 0 && to - from >= MIN_SINGLE;
                }
            }
        }
    }

    /// Screens one marked region (in windows when it is long), trims each hit's span to the
    /// tokens of the listed name, and resolves overlapping spans: the higher best score wins,
    /// then the longer span, then the earlier.
    fn screen_region(
        &self,
        ix: &ScanIndex,
        seg: &str,
        toks: &[Tok],
        r: Region,
        cfg: &ScanConfig,
    ) -> Vec<ScanHit> {
        let _ = ix;
        let screen_cfg = ScreenConfig {
            threshold: cfg.threshold,
            floor: cfg.threshold,
            limit: cfg.per_span.max(1),
            ..ScreenConfig::default()
        };
        let w = cfg.max_window.max(1);
        let mut windows: Vec<Region> = Vec::new();
        let mut first = r.first;
        loop {
            let last = (first + w - 1).min(r.last);
            windows.push(Region { first, last });
            if last >= r.last {
                break;
            }
            first += (w / 2).max(1);
        }
        let mut spans: Vec<(Region, Vec<Match>)> = Vec::new();
        for win in windows {
            // A window whose edges are running text ("to LI, Jiadong for") may fail where the
            // name alone passes: then the window without its first, last, or both edge tokens.
            let mut tries = vec![win];
            if win.last >= win.first + 2 {
                tries.push(Region {
                    first: win.first + 1,
                    ..win
                });
                tries.push(Region {
                    last: win.last - 1,
                    ..win
                });
            }
            if win.last >= win.first + 3 {
                tries.push(Region {
                    first: win.first + 1,
                    last: win.last - 1,
                });
            }
            // A probe without explanations first: most marked windows in ordinary text name
            // no listed party, and the explanation is the costly part of a screening.
            let probe_cfg = ScreenConfig {
                floor: FLOOR.min(screen_cfg.threshold),
                limit: 1,
                ..screen_cfg
            };
            let Some(probe) = self.run(ix, seg, toks, win, &probe_cfg, false).pop() else {
                continue;
            };
            let found = if probe.score >= screen_cfg.threshold {
                self.screen_span(ix, seg, toks, win, &screen_cfg)
            } else {
                Vec::new()
            };
            // Cutting a window to its name pays only where words around a name can have
            // pulled a close candidate below the threshold: windows of three tokens or more
            // whose best candidate is close.
            let retry = win.last >= win.first + 2 && probe.score >= RETRY;
            let best = if !found.is_empty() {
                Some((win, found))
            } else if !retry {
                None
            } else if let Some(top) = self.run(ix, seg, toks, win, &probe_cfg, true).first()
                && let span = self.trim(seg, toks, win, top)
                && span != win
                && let again = self.screen_span(ix, seg, toks, span, &screen_cfg)
                && !again.is_empty()
            {
                // The best candidate names the listed name the window is about; cut the window
                // to that name's words and try again.
                Some((span, again))
            } else {
                tries.into_iter().skip(1).find_map(|t| {
                    let found = self.screen_span(ix, seg, toks, t, &screen_cfg);
                    (!found.is_empty()).then_some((t, found))
                })
            };
            let Some((win, found)) = best else {
                continue;
            };
            let top = &found[0];
            let span = self.trim(seg, toks, win, top);
            if span != win {
                let again = self.screen_span(ix, seg, toks, span, &screen_cfg);
                if again.iter().any(|m| m.entity_id == top.entity_id) {
                    spans.push((span, again));
                    continue;
                }
            }
            spans.push((win, found));
        }
        spans.sort_by(|a, b| {
            b.1[0]
                .score
                .total_cmp(&a.1[0].score)
                .then((b.0.last - b.0.first).cmp(&(a.0.last - a.0.first)))
                .then(a.0.first.cmp(&b.0.first))
        });
        let mut kept: Vec<(Region, Vec<Match>)> = Vec::new();
        for (span, found) in spans {
            if kept
                .iter()
                .any(|(k, _)| span.first <= k.last && k.first <= span.last)
            {
                continue;
            }
            kept.push((span, found));
        }
        kept.sort_by_key(|(k, _)| k.first);
        let mut out = Vec::new();
        for (span, found) in kept {
            // A span trimmed to one word must be a name that may stand alone (see `regions`).
            if span.first == span.last && !single_ok(seg, toks, span.first) {
                continue;
            }
            let (a, b) = (&toks[span.first], &toks[span.last]);
            for m in found {
                out.push(ScanHit {
                    start: a.char_from,
                    end: b.char_to,
                    text: seg[a.from..b.to].to_owned(),
                    hit: m,
                });
            }
        }
        out
    }

    /// The matches of one span that a free text supports: at or above the threshold, and with
    /// at most a quarter of the listed name's distinctive parts (given, family and unknown-role
    /// names) missing from the span. A field of a payment form says "this is a name"; running
    /// text does not, so a span that covers only part of a listed name ("Jose Lopez" against
    /// `LOPEZ, Jose Francisco`, "Main Street" against `MAIN STREET 1095 PTY LTD`) is not
    /// evidence enough. Patronymics, particles, titles and organisation words may be missing.
    fn screen_span(
        &self,
        ix: &ScanIndex,
        seg: &str,
        toks: &[Tok],
        span: Region,
        cfg: &ScreenConfig,
    ) -> Vec<Match> {
        self.supported(self.run(ix, seg, toks, span, cfg, true), cfg)
    }

    /// Screens a span: against the names its marked pairs occur in, when there are few (the
    /// prefilter has found them already), else with the index's retrieval.
    fn run(
        &self,
        ix: &ScanIndex,
        seg: &str,
        toks: &[Tok],
        span: Region,
        cfg: &ScreenConfig,
        explain: bool,
    ) -> Vec<Match> {
        let text = span_text(seg, toks, span);
        let mut names: Vec<u32> = Vec::new();
        for j in span.first..=span.last {
            for i in j.saturating_sub(PAIR_REACH).max(span.first)..=j {
                for a in &toks[i].readings {
                    for b in &toks[j].readings {
                        if a.key != b.key {
                            names.extend(ix.names_of(pair_key(a.key, b.key)));
                        }
                    }
                }
            }
        }
        names.sort_unstable();
        names.dedup();
        if names.is_empty() || names.len() > MAX_PAIR_NAMES {
            let q = Query::name(text);
            return if explain {
                self.screen(&q, cfg)
            } else {
                self.screen_unexplained(&q, cfg)
            };
        }
        self.screen_names(text, cfg, explain, &names)
    }

    /// The matches of [`Screener::screen_span`]'s rule among `matches`.
    fn supported(&self, matches: Vec<Match>, cfg: &ScreenConfig) -> Vec<Match> {
        let distinctive =
            |r: PartRole| matches!(r, PartRole::Given | PartRole::Family | PartRole::Name);
        matches
            .into_iter()
            .filter(|m| {
                let e = &m.explanation;
                let missing = e
                    .unmatched_listed
                    .iter()
                    .filter(|p| distinctive(p.role))
                    .count();
                let matched = e.parts.iter().filter(|p| distinctive(p.role)).count();
                let reaches = m.score >= cfg.threshold;
                if matched + missing == 0 {
                    // A name of generic words only (`GLOBAL TRADING GROUP`) is identified by
                    // all of them: any missing word but a legal form makes it another company.
                    return reaches
                        && e.unmatched_listed
                            .iter()
                            .all(|p| p.role == PartRole::LegalForm);
                }
                reaches && missing * 4 <= missing + matched
            })
            .take(cfg.limit)
            .collect()
    }

    /// Narrows a window to the tokens from the first to the last that read as a part of the
    /// matched listed name (or are legal-form words), so that words around the name are not
    /// reported as part of it.
    fn trim(&self, seg: &str, toks: &[Tok], win: Region, top: &Match) -> Region {
        let listed = names::analyze(&top.explanation.listed_name, names::NameKind::Unknown);
        let mut keys: Vec<u64> = Vec::new();
        for v in &listed.variants {
            for t in &v.tokens {
                keys.push(key(t.skeleton.as_bytes()));
                keys.push(key(names::skeleton(&t.text).as_bytes()));
            }
        }
        // Legal-form words stay with the name: `Company` is the listed `CORPORATION`'s form.
        let hit = |t: &Tok| {
            t.readings.iter().any(|r| keys.contains(&r.key))
                || seg
                    .get(t.from..t.to)
                    .is_some_and(|w| names::LEGAL_WORDS.contains(&w.to_lowercase().as_str()))
        };
        let mut first = win.first;
        while first < win.last && !hit(&toks[first]) {
            first += 1;
        }
        let mut last = win.last;
        while last > first && !hit(&toks[last]) {
            last -= 1;
        }
        if !hit(&toks[first]) {
            return win;
        }
        // A joined Han reading covers the characters after it.
        let reach = toks[last]
            .readings
            .iter()
            .filter(|r| keys.contains(&r.key))
            .map(|r| usize::from(r.extent))
            .max()
            .unwrap_or(1);
        Region {
            first,
            last: (last + reach - 1).min(toks.len() - 1),
        }
    }
}

/// The regions of a segment's tokens that the prefilter marks: spans between two tokens
/// within [`PAIR_REACH`] whose readings occur together in a listed name (overlapping spans
/// merged), and single tokens that are a whole single-word listed name written with a capital
/// (or in a script without case).
fn regions(ix: &ScanIndex, seg: &str, toks: &[Tok]) -> Vec<Region> {
    let mut out: Vec<Region> = Vec::new();
    let add = |r: Region, out: &mut Vec<Region>| {
        if let Some(prev) = out.last_mut()
            && r.first <= prev.last
            && r.last.max(prev.last) - prev.first < MAX_REGION
        {
            prev.last = prev.last.max(r.last);
            return;
        }
        out.push(r);
    };
    for j in 0..toks.len() {
        if toks[j].readings.is_empty() {
            continue;
        }
        let mut best: Option<Region> = None;
        // Pairs within one token (a Hangul word that romanises to a whole name) and with the
        // tokens before it.
        for i in j.saturating_sub(PAIR_REACH)..=j {
            for a in &toks[i].readings {
                let a_end = i + usize::from(a.extent) - 1;
                for b in &toks[j].readings {
                    if a.key == b.key || (i != j && a_end >= j) {
                        continue;
                    }
                    if ix.pairs.contains(&pair_key(a.key, b.key)) {
                        let last = (j + usize::from(b.extent) - 1).max(a_end);
                        let r = Region { first: i, last };
                        best = Some(match best {
                            Some(p) => Region {
                                first: p.first.min(r.first),
                                last: p.last.max(r.last),
                            },
                            None => r,
                        });
                    }
                }
            }
        }
        if best.is_none() && single_ok(seg, toks, j) {
            best = Some(Region { first: j, last: j });
        }
        if let Some(r) = best {
            let r = trim_case(
                seg,
                toks,
                Region {
                    first: r.first,
                    last: r.last.min(toks.len() - 1),
                },
            );
            add(r, &mut out);
        }
    }
    out.sort_by_key(|r| r.first);
    out
}

/// Whether token `j` may be reported alone: a whole single-word listed name, written with a
/// capital (or in a script without case), not one word of a longer proper noun.
fn single_ok(seg: &str, toks: &[Tok], j: usize) -> bool {
    toks[j].single && toks[j].capital && !in_proper_noun(seg, toks, j)
}

/// Whether token `j` is one word of a longer proper noun: a neighbour, separated from it by
/// spaces only, is capitalised and reads as a part of a listed name. A single-word listed name
/// (the vessel `LINDA`) inside a longer name ("Linda Taylor") is not that name.
fn in_proper_noun(seg: &str, toks: &[Tok], j: usize) -> bool {
    let joined = |a: &Tok, b: &Tok| {
        seg.get(a.to..b.from)
            .is_some_and(|gap| !gap.is_empty() && gap.chars().all(|c| c == ' '))
    };
    // In text that is all capitals a capital says nothing; there only a neighbour that reads
    // as a listed name part counts. In mixed-case text any capitalised neighbour does.
    let name_like = |t: &Tok| {
        let word = seg.get(t.from..t.to).unwrap_or("");
        // Legal-form words follow and precede company names without being part of them.
        if names::LEGAL_WORDS.contains(&word.to_lowercase().as_str()) {
            return false;
        }
        let titled = t.capital && word.chars().skip(1).any(char::is_lowercase);
        titled || (t.capital && !t.readings.is_empty())
    };
    let before = j
        .checked_sub(1)
        .and_then(|i| toks.get(i))
        .is_some_and(|p| name_like(p) && joined(p, &toks[j]));
    let after = toks
        .get(j + 1)
        .is_some_and(|n| name_like(n) && joined(&toks[j], n));
    before || after
}

/// Drops lowercase words from the edges of a region that holds a capitalised word: a name is
/// written in one case style, so "to" and "for" around "LI, Jiadong" are running text.
fn trim_case(seg: &str, toks: &[Tok], mut r: Region) -> Region {
    if !(r.first..=r.last).any(|i| toks[i].capital) {
        return r;
    }
    // Only a word set off by a space: `Al-'asiri` keeps its lowercase part.
    let spaced = |a: &Tok, b: &Tok| {
        seg.get(a.to..b.from)
            .is_some_and(|g| g.contains(char::is_whitespace))
    };
    while r.first < r.last && !toks[r.first].capital && spaced(&toks[r.first], &toks[r.first + 1]) {
        r.first += 1;
    }
    while r.last > r.first && !toks[r.last].capital && spaced(&toks[r.last - 1], &toks[r.last]) {
        r.last -= 1;
    }
    r
}

/// The lazily built prefilter a screener carries.
pub(crate) type ScanSlot = OnceLock<ScanIndex>;

#[cfg(test)]
mod tests {
    use model::{Entity, EntityId, Name, Schema};
    use proptest::prelude::*;

    use super::*;
    use crate::ListRef;

    fn entity(id: &str, schema: Schema, names: &[&str]) -> Entity {
        let mut e = Entity::new(EntityId::parse(id).expect("a valid test id"), schema);
        for (i, n) in names.iter().enumerate() {
            let kind = if i == 0 {
                NameKind::Primary
            } else {
                NameKind::Alias
            };
            e.names.push(Name::new(*n, kind));
        }
        e
    }

    fn screener() -> Screener {
        Screener::build(vec![(
            ListRef::new("test", "1"),
            vec![
                entity("os:t1", Schema::Person, &["PUTIN, Vladimir Vladimirovich"]),
                entity("os:t2", Schema::Person, &["KIM, Jong Un"]),
                entity("os:t3", Schema::Organization, &["ROSNEFTEGAZ"]),
                entity("os:t4", Schema::Organization, &["BANK MELLI IRAN"]),
                entity("os:t5", Schema::Person, &["AL-TIKRITI, Saddam Hussein"]),
                entity("os:t6", Schema::Person, &["SMITH, John"]),
            ],
        )])
    }

    /// (text, expected hits as (entity, span text)).
    const CASES: &[(&str, &[(&str, &str)])] = &[
        (
            "PAYMENT TO VLADIMIR VLADIMIROVICH PUTIN REF 123",
            &[("os:t1", "VLADIMIR VLADIMIROVICH PUTIN")],
        ),
        (
            "did you pay Vladimir Putin yet?",
            &[("os:t1", "Vladimir Putin")],
        ),
        (
            ":70:/INV/77 KIM JONG UN /ROC/1",
            &[("os:t2", "KIM JONG UN")],
        ),
        (
            "Invoice for Rosneftegaz, due Monday",
            &[("os:t3", "Rosneftegaz")],
        ),
        (
            "transfer via Bank Melli Iran branch 4",
            &[("os:t4", "Bank Melli Iran")],
        ),
        (
            "Перевод Владимир Владимирович Путин за услуги",
            &[("os:t1", "Владимир Владимирович Путин")],
        ),
        ("Thank you for your order, see you in the bank", &[]),
        ("rosneftegaz", &[]),
    ];

    #[test]
    fn finds_listed_names_in_text_with_their_spans() {
        let s = screener();
        for (text, want) in CASES {
            let hits = s.scan(text, &ScanConfig::default());
            let got: Vec<(&str, &str)> = hits
                .iter()
                .map(|h| (h.hit.entity_id.as_str(), h.text.as_str()))
                .collect();
            assert_eq!(&got, want, "{text}");
            for h in &hits {
                let span: String = text.chars().skip(h.start).take(h.end - h.start).collect();
                assert_eq!(span, h.text, "{text}");
            }
        }
    }

    #[test]
    fn cutting_the_text_into_segments_changes_nothing() {
        let s = screener();
        let filler = "payment for goods delivered under contract number 42, thanks. ";
        let mut text = String::new();
        for i in 0..40 {
            text.push_str(filler);
            if i % 7 == 3 {
                text.push_str("Vladimir Putin ");
            }
            if i % 11 == 5 {
                text.push_str("Kim Jong Un ");
            }
        }
        let whole = s.scan(&text, &ScanConfig::default());
        assert_eq!(whole.len(), 10);
        for seg in [16, 64, 200, 1000] {
            let mut cut = Vec::new();
            s.scan_segments(&text, &ScanConfig::default(), seg, &mut |h| cut.push(h));
            assert_eq!(cut, whole, "segments of {seg} bytes");
        }
    }

    proptest! {
        /// Any text scans without panicking, and every hit's offsets slice out its text.
        #[test]
        fn spans_are_character_offsets_of_their_text(text in "\\PC{0,200}") {
            let s = screener();
            for h in s.scan(&text, &ScanConfig::default()) {
                let span: String = text.chars().skip(h.start).take(h.end - h.start).collect();
                prop_assert_eq!(span, h.text);
            }
        }

        /// A listed name between any words is found, whatever surrounds it: the scan's
        /// recall does not depend on the rest of the message.
        #[test]
        fn a_listed_name_is_found_among_any_words(
            before in proptest::collection::vec("[a-z]{2,9}", 0..12),
            after in proptest::collection::vec("[a-z]{2,9}", 0..12),
        ) {
            let s = screener();
            let text = format!("{} Vladimir Putin, {}", before.join(" "), after.join(" "));
            let hits = s.scan(&text, &ScanConfig::default());
            prop_assert!(hits.iter().any(|h| h.hit.entity_id.as_str() == "os:t1"
                && h.text.contains("Putin")), "{:?}", text);
        }
    }
}
