//! Ranking: retrieval, the best-scoring name per entity, the per-thread memo and the ordering
//! of the returned matches; and `compare` for one pair of names.

use std::cell::RefCell;

use index::Scratch;
use model::Schema;
use names::AnalyzedName;

use crate::build::{NameRec, add_literal_variant, analyze_listed, name_kind};
use crate::explain::explain_name;
use crate::memo::Memo;
use crate::types::Best;
use crate::verdicts::{MAX_BONUS, WEAK_ALIAS_CAP};
use crate::{Explanation, Match, Mode, Query, ScreenConfig, Screener, ofac, qualify, score};

/// How many names retrieval hands to the scorer per query for a person (or unknown) name. On
/// names-dev the right entity's name is within the first 8 for 1,368 of 1,381 retrievable
/// positives; the names further down mostly add false alerts, and the scorer's cost grows
/// linearly with this. With 24 for every query: R@1% 99.8, R@0.1% 97.2; with 18 for persons
/// and [`ORG_CANDIDATES`] for organisations: 99.8 and 98.7.
pub const CANDIDATES: usize = 18;

/// How many names retrieval hands to the scorer for an organisation name. Misspelt or run-on
/// legal forms (`LIIMTED LIABILITY COMPANY RCC TRADING`, `EKO SHIPPINGLIMITED …`) share fuzzy
/// keys with every `LIMITED LIABILITY COMPANY …` on the lists, which pushes the right name to
/// ranks 19–24; with 18 such queries were lost on the full SDN + UN lists.
pub const ORG_CANDIDATES: usize = 24;

/// Per-thread working memory of [`Screener::screen`], reused across queries so the steady
/// state allocates little: the index scratch and the part-similarity memo.
#[derive(Default)]
struct ThreadScratch {
    index: Scratch,
    memo: Memo,
}

thread_local! {
    static SCRATCH: RefCell<ThreadScratch> = RefCell::new(ThreadScratch::default());
}

impl Screener {
    /// Screens one query; matches come sorted by score (descending), ties by entity id.
    ///
    /// Only matches scoring at least `cfg.floor` are returned, at most `cfg.limit` of them.
    pub fn screen(&self, q: &Query, cfg: &ScreenConfig) -> Vec<Match> {
        self.screen_inner(q, cfg, true)
    }

    /// Like [`Screener::screen`], but the explanations carry only the qualifiers, not the
    /// part-by-part name alignment: for batch output that never prints them, where re-running
    /// the winning alignment per returned match is wasted work. Scores and order are the same.
    pub fn screen_unexplained(&self, q: &Query, cfg: &ScreenConfig) -> Vec<Match> {
        self.screen_inner(q, cfg, false)
    }

    fn screen_inner(&self, q: &Query, cfg: &ScreenConfig, explain: bool) -> Vec<Match> {
        let kind = name_kind(q.schema.as_ref());
        let mut query = names::analyze(&q.name, kind);
        let relaxed;
        let q = match contradicted_schema(q, &query) {
            Some(reread) => {
                // The record's schema is wrong for its own name: screen the name for what it
                // is, against every schema.
                query = reread;
                relaxed = Query {
                    schema: None,
                    ..q.clone()
                };
                &relaxed
            }
            None => q,
        };
        SCRATCH.with(|cell| {
            let mut scratch = cell.borrow_mut();
            let n = if query.kind == names::NameKind::Organization {
                ORG_CANDIDATES
            } else {
                CANDIDATES
            };
            let candidates = self.index.search(&query, n, &mut scratch.index);
            add_literal_variant(&mut query);
            self.screen_analyzed(q, cfg, explain, &query, &candidates, &mut scratch)
        })
    }

    /// Screens a name-only query against the listed names `names` only, with the scoring of
    /// [`Screener::screen`]: for the free-text scan, whose prefilter already knows which names
    /// share a pair of parts with the text, so that retrieval need not find them again.
    pub(crate) fn screen_names(
        &self,
        name: &str,
        cfg: &ScreenConfig,
        explain: bool,
        names: &[u32],
    ) -> Vec<Match> {
        let q = Query::name(name);
        let mut query = names::analyze(name, names::NameKind::Unknown);
        let candidates: Vec<index::Candidate> = names
            .iter()
            .map(|&name| index::Candidate { name, score: 1.0 })
            .collect();
        add_literal_variant(&mut query);
        SCRATCH.with(|cell| {
            let mut scratch = cell.borrow_mut();
            self.screen_analyzed(&q, cfg, explain, &query, &candidates, &mut scratch)
        })
    }

    fn screen_analyzed(
        &self,
        q: &Query,
        cfg: &ScreenConfig,
        explain: bool,
        query: &AnalyzedName,
        candidates: &[index::Candidate],
        scratch: &mut ThreadScratch,
    ) -> Vec<Match> {
        // Best name per entity: (entity, score, name id, query variant, listed variant).
        let mut best: Vec<Best> = Vec::with_capacity(candidates.len());
        let folded_query = match cfg.mode {
            Mode::Ofac => query.variants.first().map(|v| v.texts().join(" ")),
            Mode::Default => None,
        };
        let memo = &mut scratch.memo;
        memo.set_query(query, &self.packed);
        // Candidates sit at random places in memory; touching each one's records first lets
        // the processor fetch them in parallel rather than one miss at a time in the loop.
        std::hint::black_box(
            candidates
                .iter()
                .fold(0u64, |acc, c| acc ^ self.packed.touch(c.name)),
        );
        for c in candidates {
            let pn = self.packed.name(c.name);
            if let Some(schema) = &q.schema
                && !self
                    .schemas
                    .get(pn.entity as usize)
                    .is_some_and(|s| schema.compatible(s))
            {
                continue;
            }
            // A name cannot beat a literal match of the same entity found on a lower name id.
            if best.iter().any(|b| {
                b.entity == pn.entity
                    && b.score >= 1.0
                    && b.kind != model::NameKind::WeakAlias
                    && b.name < c.name
            }) {
                continue;
            }
            // Only a reference: the full analysis is read on the scorer's slow path alone.
            let rec = &self.names[c.name as usize];
            let (score, qv, lv) = match cfg.mode {
                Mode::Default => best_pair(query, self.packed.variant_count(&pn), |i, qv, j| {
                    let listed = self.packed.variant(&pn, j);
                    memo.align(i, qv, &listed)
                }),
                Mode::Ofac => (
                    ofac::score(folded_query.as_deref().unwrap_or(""), &rec.folded),
                    0,
                    0,
                ),
            };
            push_best(&mut best, pn.entity, c.name, score, qv, lv, pn.kind);
        }
        // Identifier hits join the candidates even when the name found nothing.
        let mut id_hits: Vec<u32> = Vec::new();
        for raw in &q.identifiers {
            let id = qualify::normalize_identifier(raw);
            if let Some(list) = self.identifiers.get(&id) {
                id_hits.extend(list);
            }
        }
        id_hits.sort_unstable();
        id_hits.dedup();
        let mut out: Vec<(f64, Best)> = Vec::with_capacity(best.len());
        for b in &best {
            let id_hit = id_hits.binary_search(&b.entity).is_ok();
            // Qualifiers add at most MAX_BONUS; below that no match can reach the floor, so its
            // strings are never built.
            if !id_hit && b.score + MAX_BONUS < cfg.floor {
                continue;
            }
            let entity = &self.entities[b.entity as usize];
            let score = self.assess(q, cfg, b, entity, id_hit, false).score;
            if score >= cfg.floor {
                out.push((score, *b));
            }
        }
        for &e in &id_hits {
            if best.iter().any(|b| b.entity == e) {
                continue;
            }
            let entity = &self.entities[e as usize];
            if let Some(schema) = &q.schema
                && !schema.compatible(&entity.schema)
            {
                continue;
            }
            let b = Best {
                entity: e,
                name: u32::MAX,
                score: 0.0,
                qv: 0,
                lv: 0,
                kind: model::NameKind::Primary,
            };
            let score = self.assess(q, cfg, &b, entity, true, false).score;
            if score >= cfg.floor {
                out.push((score, b));
            }
        }
        let id_of = |b: &Best| &self.entities[b.entity as usize].id;
        out.sort_by(|(sa, a), (sb, b)| sb.total_cmp(sa).then(id_of(a).cmp(id_of(b))));
        out.truncate(cfg.limit);
        // Strings (captions, qualifier details) and the part-by-part explanation, which re-runs
        // the winning alignment, are built only for the matches that are returned.
        out.into_iter()
            .map(|(_, b)| {
                let entity = &self.entities[b.entity as usize];
                let id_hit = b.name == u32::MAX || id_hits.binary_search(&b.entity).is_ok();
                let mut m = self.finish(q, cfg, &b, entity, id_hit);
                if explain && let Some(rec) = self.names.get(b.name as usize) {
                    let listed = analyze_listed(&rec.full, &entity.schema).map(|(a, _)| a);
                    let mut e = explain_name(query, listed.as_ref(), rec, &b, cfg.mode);
                    e.qualifiers = std::mem::take(&mut m.explanation.qualifiers);
                    m.explanation = e;
                }
                m
            })
            .collect()
    }
}

/// The query name read without its schema, when the name contradicts the schema the record
/// gives: a Person whose name carries a legal form or an organisation word (`Korea Saenal
/// Trading Company` entered as a Person), or an Organization whose name of two to six words
/// has none and reads as a person's (`Vladimir Putin` entered as an Organization). Customers'
/// records get the schema wrong often enough that a filter on it must not hide the hit.
fn contradicted_schema(q: &Query, analysed: &AnalyzedName) -> Option<AnalyzedName> {
    let words = || analysed.variants.iter().flat_map(|v| v.tokens.iter());
    match q.schema.as_ref()? {
        Schema::Person => {
            // A word of three letters or more that only organisations use, or a dotted
            // abbreviation (`S.A.`, `O.O.O.`) that reads as a legal form.
            let org_word = words().any(|t| names::is_organisation_word(&t.text));
            if !org_word && names::join_dotted_abbreviations(&q.name).is_none() {
                return None;
            }
            let reread = names::analyze(&q.name, names::NameKind::Unknown);
            let form = reread
                .variants
                .iter()
                .flat_map(|v| v.tokens.iter())
                .any(|t| matches!(t.role, names::Role::LegalForm(_)));
            (reread.kind == names::NameKind::Organization && (org_word || form)).then_some(reread)
        }
        Schema::Organization | Schema::Company => {
            let first = analysed.variants.first()?;
            let personal = (2..=6).contains(&first.tokens.len())
                && analysed.scripts.iter().all(|s| *s == names::Script::Latin)
                && first.tokens.iter().all(|t| {
                    matches!(t.role, names::Role::Unknown | names::Role::Particle)
                        && t.text.len() >= 2
                        && t.text.bytes().all(|b| b.is_ascii_alphabetic())
                })
                && first.tokens.iter().any(|t| t.role == names::Role::Unknown);
            if !personal {
                return None;
            }
            let reread = names::analyze(&q.name, names::NameKind::Unknown);
            (reread.kind != names::NameKind::Organization).then_some(reread)
        }
        _ => None,
    }
}

/// Keeps the best-scoring name per entity; a strong name beats a weak alias of equal score.
fn push_best(
    best: &mut Vec<Best>,
    entity: u32,
    name: u32,
    score: f64,
    qv: u16,
    lv: u16,
    kind: model::NameKind,
) {
    let cand = Best {
        entity,
        name,
        score,
        qv,
        lv,
        kind,
    };
    let weak = |b: &Best| b.kind == model::NameKind::WeakAlias;
    let effective = |b: &Best| {
        if weak(b) {
            b.score.min(WEAK_ALIAS_CAP)
        } else {
            b.score
        }
    };
    match best.iter_mut().find(|b| b.entity == entity) {
        Some(b) => {
            let better = effective(&cand) > effective(b)
                || (effective(&cand) == effective(b) && cand.name < b.name);
            if better {
                *b = cand;
            }
        }
        None => best.push(cand),
    }
}

/// The best alignment over every pair of query variant and listed variant, with the indices of
/// the pair that gave it; `align(i, query variant, j)` scores one pair.
fn best_pair(
    query: &AnalyzedName,
    n_listed: usize,
    mut align: impl FnMut(usize, &names::Variant, usize) -> f32,
) -> (f64, u16, u16) {
    let mut best = (0.0f64, 0u16, 0u16);
    for (i, qv) in query.variants.iter().enumerate() {
        if qv.scheme == names::Scheme::ArabicConsonants {
            continue;
        }
        for j in 0..n_listed {
            let s = f64::from(align(i, qv, j));
            if s > best.0 {
                best = (s, i as u16, j as u16);
                if s >= 1.0 {
                    return best;
                }
            }
        }
    }
    best
}

/// Scores one pair of names, `a` as the query and `b` as the listed name, with its explanation.
///
/// No qualifiers apply: only the names are compared, with the same scorer as [`Screener::screen`]
/// (or the OFAC emulation). `schema` decides how both names are read (person or organisation).
pub fn compare(a: &str, b: &str, schema: Option<Schema>, mode: Mode) -> (f64, Explanation) {
    let kind = name_kind(schema.as_ref());
    let mut query = names::analyze(a, kind);
    add_literal_variant(&mut query);
    let mut listed = names::analyze(b, kind);
    add_literal_variant(&mut listed);
    let folded = listed
        .variants
        .first()
        .map(|v| v.texts().join(" "))
        .unwrap_or_default();
    let (score, qv, lv) = match mode {
        Mode::Default => best_pair(&query, listed.variants.len(), |_, qv, j| {
            listed
                .variants
                .get(j)
                .map_or(0.0, |lv| score::align(qv, lv, None))
        }),
        Mode::Ofac => {
            let fq = query
                .variants
                .first()
                .map(|v| v.texts().join(" "))
                .unwrap_or_default();
            (ofac::score(&fq, &folded), 0, 0)
        }
    };
    let rec = NameRec {
        kind: model::NameKind::Primary,
        full: b.to_owned(),
        folded,
    };
    let best = Best {
        entity: 0,
        name: 0,
        score,
        qv,
        lv,
        kind: model::NameKind::Primary,
    };
    let score = score::round_score(score.clamp(0.0, 1.0));
    (
        score,
        explain_name(&query, Some(&listed), &rec, &best, mode),
    )
}
