//! Name scoring: order-insensitive alignment of the parts of two analysed names.
//!
//! Each query part is paired with at most one listed part (or a run of parts, for joined and
//! split spellings) by a greedy assignment over the part similarity matrix, strongest pairs
//! first. The name score is a weighted mean of the pair similarities, where unmatched parts on
//! either side add weight to the denominator: extra query parts cost their full role weight,
//! extra listed parts [`LISTED_EXTRA`] of it, because customers drop middle names and legal forms
//! more often than they invent words.

use names::{
    Role, Token, TokenMatch, TokenView, Transform, Variant, compare_joined, compare_tokens,
};

use crate::packed::Listed;
use crate::parts::Parts;
use crate::signature::{Signature, jaro_winkler_bound};
use crate::types::{PartMatch, PartRole, UnmatchedPart};

/// How much an unmatched listed part costs, relative to its role weight.
pub(crate) const LISTED_EXTRA: f32 = 0.3;

/// How much an unmatched query given name, patronymic or initial costs, relative to its role
/// weight: customer records routinely carry more given and middle names than the lists
/// (`Vladimir Alexei Vladimirovich Putin` for `PUTIN, Vladimir Vladimirovich`), while an extra
/// family name or organisation word says the query is someone or something else and keeps its
/// full weight.
pub(crate) const QUERY_EXTRA_GIVEN: f32 = 0.5;

/// The cost of an unmatched query part of this role and weight (see [`QUERY_EXTRA_GIVEN`]).
fn query_extra(role: Role, weight: f32) -> f32 {
    match role {
        Role::Given | Role::Patronymic | Role::Initial => weight * QUERY_EXTRA_GIVEN,
        _ => weight,
    }
}

/// Similarity of two parts for scoring, with the transformation that explains it.
///
/// `compare_tokens` reports Jaro–Winkler for pairs that no transformation equates; raw
/// Jaro–Winkler is too generous for names (`ivanov`/`petrov` ≈ 0.7), so plain edit distance is
/// credited only for what a typo can produce: one edit in a part of four letters or more, two
/// in a long part, or a Jaro–Winkler of at least 0.9.
///
/// With `machine`, `a` comes from a machine romanisation of Hangul or Han script: its spelling
/// is exactly one system's, every system's spelling is compared through skeletons, and there is
/// no keyboard typo to forgive, so one letter off (`unyong`/`unjong`, `yongjin`/`dongjin`) is a
/// different syllable and gets no edit or phonetic credit.
pub(crate) fn part_similarity<B: TokenView + ?Sized>(
    a: &Token,
    b: &B,
    machine: bool,
) -> (f32, Transform) {
    if a.text != b.text()
        && a.skeleton != b.skeleton()
        && a.text.len() > 1
        && b.text().len() > 1
        && !matches!(a.role, Role::LegalForm(_))
        && !matches!(b.role(), Role::LegalForm(_))
        && jaro_winkler_bound(a.text.as_bytes(), b.text().as_bytes()) < 0.7
    {
        // No transformation can apply and Jaro–Winkler cannot reach the phonetic gate, so
        // `compare_tokens` would report a hopeless edit distance; skip its cost.
        return (0.0, Transform::EditDistance);
    }
    let m = compare_tokens(a, b);
    if matches!(m.how, Transform::Phonetic | Transform::EditDistance)
        && (machine
            || (matches!(b.role(), Role::Given | Role::Family) && syllables(&a.text, b.text())))
    {
        return (0.0, m.how);
    }
    let sim = match m.how {
        Transform::Exact => 1.0,
        Transform::LegalFormClass | Transform::Transliteration | Transform::JoinedSplit => {
            m.similarity
        }
        Transform::Phonetic => {
            // Equal Double Metaphone codes on short parts conflate different names
            // (`Ali`/`Eli`), so they count only when the spelling is also close.
            if a.text.len().min(b.text().len()) >= 5 {
                phonetic_grade(&a.text, b.text()).max(typo(a, b, m.similarity))
            } else {
                typo(a, b, m.similarity)
            }
        }
        Transform::Initial => {
            if a.role == Role::Initial
                || b.role() == Role::Initial
                || a.text.len() == 1
                || b.text().len() == 1
            {
                m.similarity
            } else {
                0.0
            }
        }
        Transform::EditDistance => typo(a, b, m.similarity),
    };
    (sim, m.how)
}

/// What agreeing Double Metaphone codes are worth, graded by how close the spellings are:
/// from 0.6 at the phonetic gate's Jaro–Winkler of 0.7 to 0.85 for near-equal spellings. A flat
/// credit made codes that conflate different names (`Sunok`/`Sangho`, `Michele`/`Miguel`) as
/// strong as true variants and was the weakest link of about half the false alerts.
fn phonetic_grade(a: &str, b: &str) -> f32 {
    let jw = names::jaro_winkler(a, b) as f32;
    0.6 + 0.25 * ((jw - 0.7) / 0.3).clamp(0.0, 1.0)
}

/// Whether both parts are single romanised Korean (or Chinese) syllables of equal length,
/// which [`part_similarity`] asks of a listed person's given or family name: every system's
/// spelling of one syllable shares a skeleton, so two syllables one letter apart that do not
/// are two different name syllables (`min`/`man`, `jin`/`jun`), not a
/// typo of one. Crediting them made common Korean names alert on listed ones (`Kim Min-jun`
/// for `KIM, Man Chun`).
fn syllables(a: &str, b: &str) -> bool {
    // A dropped or added letter (`hok`/`hyok`) is still a typo of one syllable; a changed one
    // makes another.
    a.len() == b.len()
        && a.len() <= 6
        && names::is_korean_syllable(a)
        && names::is_korean_syllable(b)
}

/// [`part_similarity`] of a query token and a packed listed part: the cheap rejection runs on
/// interned ids, lengths and the packed bytes, so that only pairs it cannot settle read the full
/// listed token. `ids` are the query token's interned text and skeleton ids.
pub(crate) fn part_similarity_packed(
    a: &Token,
    ids: (u32, u32),
    a_sig: Signature,
    listed: &Listed<'_>,
    j: usize,
    machine: bool,
) -> (f32, Transform) {
    let b_text = listed.text(j);
    // Equal texts, and equal skeletons outside legal forms, are settled by `compare_tokens`'
    // first checks; answering them here keeps the full listed token out of the cache.
    if ids.0 == listed.text_id(j) {
        return (1.0, Transform::Exact);
    }
    let legal = matches!(a.role, Role::LegalForm(_)) || listed.is_legal_form(j);
    if ids.1 == listed.skel_id(j) && !legal && !listed.skeleton(j).is_empty() {
        return (names::SIM_TRANSLITERATION, Transform::Transliteration);
    }
    // Past equal texts and skeletons, a machine romanisation gets credit only as a legal form
    // or an initial (see `part_similarity`); otherwise Jaro–Winkler cannot reach the phonetic
    // gate. Either way `compare_tokens` would report a hopeless edit distance.
    if ids.1 != listed.skel_id(j)
        && a.text.len() > 1
        && b_text.len() > 1
        && !legal
        && (machine
            || a_sig
                .bound(listed.signature(j), a.text.len(), b_text.len())
                .unwrap_or_else(|| jaro_winkler_bound(a.text.as_bytes(), b_text))
                < 0.7)
    {
        return (0.0, Transform::EditDistance);
    }
    part_similarity(a, &listed.view(j), machine)
}

/// Whether a query reading is a machine romanisation of Hangul or Han script (see
/// [`part_similarity`]).
pub(crate) fn machine_scheme(s: names::Scheme) -> bool {
    use names::Scheme as S;
    matches!(
        s,
        S::Dprk
            | S::McCuneReischauer
            | S::RevisedRomanization
            | S::KoreanCommon
            | S::Pinyin
            | S::HanjaKorean
    )
}

fn typo<B: TokenView + ?Sized>(a: &Token, b: &B, jw: f32) -> f32 {
    let (at, bt) = (a.text.as_bytes(), b.text().as_bytes());
    let min_len = at.len().min(bt.len());
    if jw < 0.75 || min_len < 3 {
        return 0.0;
    }
    // One edit changes a short part far more than a long one (`yong`/`jong` are different
    // Korean names, `mohammad`/`mohammed` the same), and an edit of the first letter more than
    // one inside the word.
    let edit = match (osa_within_2(at, bt), min_len) {
        (1, 6..) => 0.88,
        (1, 5) => 0.84,
        (1, 4) => 0.75,
        (1, 3) => 0.6,
        (2, 8..) => 0.8,
        _ => 0.0,
    };
    // Two adjacent letters swapped (`tsar`/`star`) is a slip of the keyboard that keeps every
    // letter of the part, unlike a changed first letter, so it escapes the penalty below.
    let first_differs = at.first() != bt.first() && !swapped_pair(at, bt);
    // In a short part the first letter is most of its identity: Korean `yong`/`jong` and
    // `sun`/`jun` are different names, not typos, and gave most Korean false alerts.
    let edit = match (first_differs, min_len) {
        (true, ..=4) => 0.0,
        (true, _) => edit - 0.1,
        (false, _) => edit,
    };
    let jw_sim = if jw >= 0.9 && min_len >= 5 {
        0.6 + (jw - 0.9) * 2.5
    } else {
        0.0
    };
    f32::max(edit, jw_sim).max(0.0)
}

/// Whether `b` is `a` with exactly one pair of adjacent letters swapped.
fn swapped_pair(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let Some(i) = a.iter().zip(b).position(|(x, y)| x != y) else {
        return false;
    };
    i + 1 < a.len() && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..]
}

/// Optimal-string-alignment distance of two short byte strings, or 3 when it is more than 2
/// (or the strings are too long for the stack buffers); no allocation.
fn osa_within_2(a: &[u8], b: &[u8]) -> usize {
    const N: usize = 40;
    if a.len().abs_diff(b.len()) > 2 || a.len() >= N || b.len() >= N {
        return 3;
    }
    let mut prev2 = [0usize; N];
    let mut prev = [0usize; N];
    let mut cur = [0usize; N];
    for (j, p) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *p = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > 2 {
            return 3;
        }
        prev2 = prev;
        prev = cur;
    }
    prev[b.len()].min(3)
}

/// A joined/split comparison: gets the comparison's key ([`joined_key`]) and a function that
/// computes it ([`names::compare_joined`]), so that a caller can memoise by key. Generic rather
/// than `dyn`, so the scorer's closures inline into the alignment loop.
pub(crate) trait JoinedSim:
    FnMut(u64, &mut dyn FnMut() -> Option<TokenMatch>) -> Option<TokenMatch>
{
}

impl<F: FnMut(u64, &mut dyn FnMut() -> Option<TokenMatch>) -> Option<TokenMatch>> JoinedSim for F {}

/// One aligned pair: query parts `q` (a run), listed parts `l` (a run), similarity, weight.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Edge {
    q: (u8, u8),
    l: (u8, u8),
    sim: f32,
    weight: f32,
    how: Transform,
}

impl Edge {
    /// A placeholder for fixed-size buffers.
    const EMPTY: Edge = Edge {
        q: (0, 0),
        l: (0, 0),
        sim: 0.0,
        weight: 0.0,
        how: Transform::Exact,
    };
}

/// The detail of one alignment, for explanations.
#[derive(Debug, Default, Clone)]
pub(crate) struct Detail {
    pub parts: Vec<PartMatch>,
    pub unmatched_query: Vec<UnmatchedPart>,
    pub unmatched_listed: Vec<UnmatchedPart>,
}

/// Parts beyond this many per side are compared only pairwise, never as joined runs; real
/// names rarely have more, and the cost of the run search grows with the square.
const MAX_PARTS: usize = 16;

/// Scores one query variant against one listed variant; fills `detail` when given.
pub(crate) fn align(q: &Variant, l: &Variant, detail: Option<&mut Detail>) -> f32 {
    let machine = machine_scheme(q.scheme);
    let (qt, lt) = (q.tokens.as_slice(), l.tokens.as_slice());
    align_with(
        qt,
        lt,
        detail,
        &mut Vec::new(),
        &mut |i, j| part_similarity(&qt[i], &lt[j], machine),
        &mut |_, compute| compute(),
    )
}

/// [`align`] over any two [`Parts`], with a caller-supplied part similarity of the query and
/// listed part positions (the screener memoises it per query) and joined/split comparison, and
/// a reusable edge buffer.
pub(crate) fn align_with<Q: Parts + ?Sized, L: Parts + ?Sized>(
    q: &Q,
    l: &L,
    detail: Option<&mut Detail>,
    edges: &mut Vec<Edge>,
    sim: &mut impl FnMut(usize, usize) -> (f32, Transform),
    joined: &mut impl JoinedSim,
) -> f32 {
    let (nq, nl) = (q.len(), l.len());
    if nq == 0 || nl == 0 || nq > 64 || nl > 64 {
        return 0.0;
    }
    edges.clear();
    for i in 0..nq {
        for j in 0..nl {
            let (sim, how) = sim(i, j);
            if sim > 0.0 {
                // An initial agreeing with a name's first letter is only as much evidence as
                // the initial carries, so the pair weighs what the initial weighs: the full
                // name's weight would make the pair's 0.6 similarity drag the score down more
                // than leaving the initial out would (`V. V. Putin`).
                let weight = if how == Transform::Initial {
                    q.weight(i).min(l.weight(j))
                } else {
                    (q.weight(i) + l.weight(j)) / 2.0
                };
                edges.push(Edge {
                    q: (i as u8, i as u8 + 1),
                    l: (j as u8, j as u8 + 1),
                    sim,
                    weight,
                    how,
                });
            }
        }
    }
    if nq <= MAX_PARTS && nl <= MAX_PARTS {
        joined_edges(q, l, false, edges, joined);
        joined_edges(l, q, true, edges, joined);
    }
    // Strongest pairs first; ties by position so the result is deterministic.
    edges.sort_by(|x, y| {
        (y.sim * y.weight.min(1.0))
            .total_cmp(&(x.sim * x.weight.min(1.0)))
            .then(y.sim.total_cmp(&x.sim))
            .then(x.q.cmp(&y.q))
            .then(x.l.cmp(&y.l))
    });
    let mut q_used = 0u64;
    let mut l_used = 0u64;
    let mut num = 0.0f32;
    let mut den = 0.0f32;
    let record = detail.is_some();
    let mut chosen: Vec<Edge> = Vec::new();
    // Pairs of single parts, with their position in `chosen`, for the syllable-order check.
    let mut singles = [(Edge::EMPTY, 0usize); 8];
    let mut n_singles = 0usize;
    for &e in edges.iter() {
        let qm = run_mask(e.q);
        let lm = run_mask(e.l);
        if q_used & qm != 0 || l_used & lm != 0 {
            continue;
        }
        q_used |= qm;
        l_used |= lm;
        num += e.sim * e.weight;
        den += e.weight;
        if e.q.1 - e.q.0 == 1 && e.l.1 - e.l.0 == 1 && n_singles < singles.len() {
            singles[n_singles] = (e, chosen.len());
            n_singles += 1;
        }
        if record {
            chosen.push(e);
        }
    }
    if n_singles >= 2 {
        for (k, sim) in korean_syllables_crossed(q, l, &singles[..n_singles]) {
            let (e, at) = singles[k];
            num -= (e.sim - sim) * e.weight;
            if record {
                chosen[at].sim = sim;
            }
        }
    }
    for i in 0..nq {
        if q_used & (1 << i) == 0 {
            den += query_extra(q.view(i).role(), q.weight(i));
        }
    }
    for j in 0..nl {
        if l_used & (1 << j) == 0 {
            den += l.weight(j) * LISTED_EXTRA;
        }
    }
    let mut score = if den > 0.0 { num / den } else { 0.0 };
    if score > GENERIC_ONLY_CAP && !distinctive_matched(l, l_used) {
        score = GENERIC_ONLY_CAP;
    }
    if let Some(d) = detail {
        chosen.sort_by_key(|e| (e.q, e.l));
        for e in &chosen {
            d.parts.push(PartMatch {
                query: join(q, e.q),
                listed: join(l, e.l),
                role: PartRole::from(l.view(e.l.0 as usize).role()),
                how: e.how,
                similarity: round(e.sim),
                weight: round(e.weight),
            });
        }
        for i in 0..nq {
            if q_used & (1 << i) == 0 {
                let v = q.view(i);
                let w = query_extra(v.role(), q.weight(i));
                d.unmatched_query.push(unmatched(&v, w));
            }
        }
        for j in 0..nl {
            if l_used & (1 << j) == 0 {
                d.unmatched_listed
                    .push(unmatched(&l.view(j), l.weight(j) * LISTED_EXTRA));
            }
        }
    }
    score
}

/// The highest score of an alignment that agrees on no distinctive part of the listed name
/// while that name has one: generic words, legal forms, initials and particles alone (`Korea
/// Trading Corporation` against `KOREA HYOKSIN TRADING CORPORATION`) are no evidence of which
/// party is meant. Below the alert threshold and below names-dev's 1 % false-alert threshold.
pub(crate) const GENERIC_ONLY_CAP: f32 = 0.7;

/// Whether the alignment matched a distinctive listed part (a name word of full weight that is
/// not a place or descriptive word of an organisation's name, [`names::is_place_word`]), or
/// the listed name has none to match; `l_used` marks the matched listed parts.
fn distinctive_matched<L: Parts + ?Sized>(l: &L, l_used: u64) -> bool {
    let mut has_distinctive = false;
    for j in 0..l.len().min(64) {
        if l.weight(j) >= 1.0
            && !(l.view(j).role() == Role::Unknown
                && std::str::from_utf8(l.text(j)).is_ok_and(names::is_place_word))
        {
            if l_used & (1 << j) != 0 {
                return true;
            }
            has_distinctive = true;
        }
    }
    !has_distinctive
}

/// What a given-name syllable matched out of order is worth: a Korean given name is two
/// syllables in a fixed order, so `Jin Ho` and `Ho Jin` are different names that share
/// syllables, not one name reordered.
pub(crate) const SYLLABLE_CROSSED: f32 = 0.5;

/// The chosen single-part pairs (by position in `singles`) that are two adjacent syllables of
/// a Korean (or Chinese) given name matched in swapped order, with the similarity each keeps
/// ([`SYLLABLE_CROSSED`] times its own). The two pairs must be adjacent on both sides and
/// crossed, all four parts must read as one romanised syllable each, and a third matched pair
/// must anchor the name (the family name), so that a two-part name written family name last
/// (`Ho Kim` for `KIM Ho`) and Western given names in another order (`John Paul`/`Paul John`)
/// are untouched. Roles are not asked: an all-capitals listed name without a comma has guessed
/// ones (`YUN HO-JIN` reads `jin` as the family name).
///
/// Costs nothing on most alignments: the loop compares positions, and syllables are read only
/// for swapped adjacent pairs.
fn korean_syllables_crossed<Q: Parts + ?Sized, L: Parts + ?Sized>(
    q: &Q,
    l: &L,
    singles: &[(Edge, usize)],
) -> Vec<(usize, f32)> {
    let mut out: Vec<(usize, f32)> = Vec::new();
    if singles.len() < 3 {
        return out;
    }
    let syllable = |b: &[u8]| std::str::from_utf8(b).is_ok_and(names::is_korean_syllable);
    for a in 0..singles.len() {
        for b in a + 1..singles.len() {
            let (x, y) = (singles[a].0, singles[b].0);
            let adjacent = x.q.0.abs_diff(y.q.0) == 1 && x.l.0.abs_diff(y.l.0) == 1;
            // Swapped: the query order of the two pairs differs from the listed order.
            if !adjacent || (x.q.0 < y.q.0) == (x.l.0 < y.l.0) {
                continue;
            }
            let parts = [
                q.text(usize::from(x.q.0)),
                q.text(usize::from(y.q.0)),
                l.text(usize::from(x.l.0)),
                l.text(usize::from(y.l.0)),
            ];
            if !parts.iter().all(|p| syllable(p)) {
                continue;
            }
            for (k, e) in [(a, x), (b, y)] {
                if out.iter().all(|(seen, _)| *seen != k) {
                    out.push((k, e.sim * SYLLABLE_CROSSED));
                }
            }
        }
    }
    out
}

fn unmatched<T: TokenView>(t: &T, weight: f32) -> UnmatchedPart {
    UnmatchedPart {
        part: t.text().to_owned(),
        role: PartRole::from(t.role()),
        weight: round(weight),
    }
}

/// A 64-bit FNV-1a key of a joined/split comparison: the single part's text and skeleton and
/// the run's texts, with separators (what `names::compare_joined` reads).
fn joined_key<S: Parts + ?Sized, R: Parts + ?Sized>(
    single: &S,
    i: usize,
    runs: &R,
    run: std::ops::Range<usize>,
) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8], sep: u8| {
        for &b in bytes.iter().chain(std::iter::once(&sep)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    eat(single.text(i), 0xff);
    eat(single.skeleton(i), 0xfd);
    for j in run {
        eat(runs.text(j), 0xfe);
    }
    h
}

/// Edges where one part of `single` equals a run of two or three adjacent parts of `runs`
/// (`Kumhyok` vs `Kum Hyok`, `Abdul` vs `Abd al`); `flipped` says `single` is the listed side.
fn joined_edges<S: Parts + ?Sized, R: Parts + ?Sized>(
    single: &S,
    runs: &R,
    flipped: bool,
    edges: &mut Vec<Edge>,
    joined: &mut impl JoinedSim,
) {
    for i in 0..single.len() {
        let (text, skel) = (single.text(i), single.skeleton(i));
        if text.len() < 4 || single.is_legal_form(i) {
            continue;
        }
        let heads = single.heads(i);
        for len in 2..=3usize {
            for start in 0..runs.len().saturating_sub(len - 1) {
                let run = start..start + len;
                // Cheap filter before concatenating: the run must start like the part. The
                // first bytes come from the part records, so most runs are refused without
                // reading text.
                let run_heads = runs.heads(start);
                if run_heads.0 != heads.0 && run_heads.1 != heads.1 {
                    continue;
                }
                let total: usize = run.clone().map(|j| runs.text(j).len()).sum();
                if total + 2 < text.len() || total > text.len() + 2 {
                    continue;
                }
                // Concatenated texts or skeletons must equal the part's; this avoids computing
                // a skeleton of every concatenation, which is the costly part.
                let texts_equal = concat_eq(run.clone().map(|j| runs.text(j)), text);
                let skeletons_equal =
                    texts_equal || concat_eq(run.clone().map(|j| runs.skeleton(j)), skel);
                if !skeletons_equal && !concat_prefix_eq(run.clone().map(|j| runs.text(j)), text, 3)
                {
                    continue;
                }
                let key = joined_key(single, i, runs, run.clone());
                let m = joined(key, &mut || {
                    let parts: Vec<R::View<'_>> = run.clone().map(|j| runs.view(j)).collect();
                    compare_joined(&single.view(i), &parts)
                });
                if let Some(m) = m {
                    let run_weight: f32 = run.clone().map(|j| runs.weight(j)).sum::<f32>();
                    let weight = (single.weight(i) + run_weight) / 2.0;
                    let (a, b) = ((i as u8, i as u8 + 1), (start as u8, (start + len) as u8));
                    let (q, l) = if flipped { (b, a) } else { (a, b) };
                    edges.push(Edge {
                        q,
                        l,
                        sim: m.similarity,
                        weight,
                        how: m.how,
                    });
                }
            }
        }
    }
}

/// Whether the concatenation of `parts` equals `whole`, without allocating.
fn concat_eq<'a>(parts: impl Iterator<Item = &'a [u8]>, whole: &[u8]) -> bool {
    let mut rest = whole;
    for p in parts {
        match rest.strip_prefix(p) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    rest.is_empty()
}

/// Whether the concatenated `parts` and `whole` share their first `n` bytes; the skeleton of a
/// concatenation can differ from the concatenated skeletons (`abd` + `al` vs `abdul`), so such
/// pairs still go to `compare_joined`.
fn concat_prefix_eq<'a>(parts: impl Iterator<Item = &'a [u8]>, whole: &[u8], n: usize) -> bool {
    let mut got = 0usize;
    for p in parts {
        for &b in p {
            if got == n {
                return true;
            }
            if whole.get(got) != Some(&b) {
                return false;
            }
            got += 1;
        }
    }
    got == n
}

fn run_mask((a, b): (u8, u8)) -> u64 {
    let mut m = 0u64;
    for i in a..b {
        m |= 1 << i;
    }
    m
}

/// The texts of parts `a..b` of one side, joined by spaces.
fn join<P: Parts + ?Sized>(parts: &P, (a, b): (u8, u8)) -> String {
    (a..b)
        .map(|i| parts.view(usize::from(i)).text().to_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A part similarity or weight rounded to four decimals, for explanations.
pub(crate) fn round(x: f32) -> f64 {
    round_score(f64::from(x))
}

/// A score rounded to four decimals, as matches and explanations report it.
pub(crate) fn round_score(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_romanisations_get_no_typo_credit() {
        check("unyong", "unjong", false, true);
        check("unyong", "unjong", true, false);
        check("hyok", "hyeok", true, true);
        check("yong", "jong", false, false);
        check("mohammad", "mohammed", false, true);
    }

    #[test]
    fn phonetic_agreement_is_graded_by_spelling() {
        let sim = |a: &str, b: &str| {
            let a = Token::new(a.to_owned(), Role::Given);
            let b = Token::new(b.to_owned(), Role::Given);
            part_similarity(&a, &b, false).0
        };
        // Conflated names get less than close variants.
        assert!(sim("sunok", "sangho") < 0.75, "{}", sim("sunok", "sangho"));
        assert!(
            sim("michele", "miguel") < 0.75,
            "{}",
            sim("michele", "miguel")
        );
        assert!(
            sim("khaled", "khalid") >= 0.8,
            "{}",
            sim("khaled", "khalid")
        );
        assert!(sim("michele", "miguel") < sim("khaled", "khalid"));
    }

    #[test]
    fn generic_words_alone_do_not_alert() {
        let score = |q: &str, l: &str| {
            let q = names::analyze(q, names::NameKind::Organization);
            let l = names::analyze(l, names::NameKind::Organization);
            align(&q.variants[0], &l.variants[0], None)
        };
        for (q, l, lo, hi) in [
            (
                "Korea Trading Corporation",
                "KOREA HYOKSIN TRADING CORPORATION",
                0.0,
                GENERIC_ONLY_CAP,
            ),
            (
                "Golden Investment JSC",
                "GOLDEN ARROW INVESTMENT JSC",
                0.0,
                GENERIC_ONLY_CAP,
            ),
            // A name made only of generic words still matches itself.
            (
                "Korea Trading Corporation",
                "KOREA TRADING CORPORATION",
                1.0,
                1.0,
            ),
            // Dropping a generic word keeps the distinctive one.
            (
                "Hyoksin Trading Corporation",
                "KOREA HYOKSIN TRADING CORPORATION",
                0.8,
                1.0,
            ),
        ] {
            let got = score(q, l);
            assert!((lo..=hi).contains(&got), "{q} vs {l}: {got}");
        }
    }

    #[test]
    fn different_syllables_are_not_typos() {
        check("min", "man", false, false);
        check("jin", "jun", false, false);
        check("hyok", "hyeok", false, true);
        check("ivanov", "ivanof", false, true);
    }

    #[test]
    fn adjacent_swaps_are_typos_even_at_the_first_letter() {
        check("tsar", "star", false, true);
        check("omar", "mora", false, false);
        check("yong", "jong", false, false);
        assert!(swapped_pair(b"tsar", b"star"));
        assert!(swapped_pair(b"abcd", b"abdc"));
        assert!(!swapped_pair(b"abcd", b"abcd"));
        assert!(!swapped_pair(b"abcd", b"badc"));
    }

    #[test]
    fn korean_given_syllables_keep_their_order() {
        let score = |q: &str, l: &str| {
            let q = names::analyze(q, names::NameKind::Person);
            let l = names::analyze(l, names::NameKind::Person);
            align(&q.variants[0], &l.variants[0], None)
        };
        // (query, listed, lowest score, highest score)
        for (q, l, lo, hi) in [
            ("Yoon Ho Jin", "YUN, Ho-Jin", 0.95, 1.0),
            ("Yoon Jin Ho", "YUN, Ho-Jin", 0.0, 0.8),
            ("Jin Ho Yoon", "YUN, Ho-Jin", 0.0, 0.8),
            ("Ho Jin Yoon", "YUN, Ho-Jin", 0.95, 1.0),
            ("Kim Chol Su", "KIM, Su Chol", 0.0, 0.8),
            ("Yoon Jin Ho", "YUN HO-JIN", 0.0, 0.8),
            ("Yoon Ho Jin", "YUN HO-JIN", 0.95, 1.0),
            // The family name moved to the end is another order of the same name.
            ("Ho Jin Yoon", "YUN HO-JIN", 0.95, 1.0),
            ("Jong Un Kim", "KIM JONG UN", 0.99, 1.0),
            ("Ho Kim", "KIM, Ho", 0.99, 1.0),
            // Western given names in another order are still the same person.
            ("Paul John Smith", "SMITH, John Paul", 0.99, 1.0),
            ("Ali Hassan Omar", "OMAR, Hassan Ali", 0.99, 1.0),
        ] {
            let got = score(q, l);
            assert!((lo..=hi).contains(&got), "{q} vs {l}: {got}");
        }
    }

    fn check(a: &str, b: &str, machine: bool, credited: bool) {
        let a = Token::new(a.to_owned(), Role::Given);
        let b = Token::new(b.to_owned(), Role::Given);
        let (sim, _) = part_similarity(&a, &b, machine);
        assert_eq!(
            sim > 0.0,
            credited,
            "{} vs {} (machine {machine})",
            a.text,
            b.text
        );
    }
}
