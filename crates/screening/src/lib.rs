//! Name screening for interdict: candidate retrieval over an in-memory index, deterministic
//! scoring that explains itself, an OFAC-parity mode and allow-lists.
//!
//! The engine is pure: [`Screener::build`] takes parsed entities, [`Screener::screen`] takes a
//! [`Query`] and a [`ScreenConfig`] and returns ranked [`Match`]es, each with an
//! [`Explanation`]. Nothing here reads files or the network.

mod allow;
mod explain;
mod lazy;
mod ofac;
mod packed;
pub mod persist;
pub mod qualify;
mod score;
pub mod synthetic;

pub use allow::{AllowEntry, AllowList, AllowState, fingerprint};
pub use explain::{Explanation, PartMatch, Qualifier, QualifierKind, UnmatchedPart};
pub use persist::{ENGINE_VERSION, FORMAT_VERSION, LoadError};

use std::cell::RefCell;
use std::collections::HashMap;

use index::{IndexBuilder, NameIndex, Scratch};
use model::{Entity, EntityId, PartialDate, Schema};
use names::AnalyzedName;
use serde::Serialize;

/// Which list and which version of it a set of entities comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ListRef {
    /// The list name, e.g. `ofac-sdn`.
    pub list: String,
    /// The list version, e.g. `2024-05-03-abc…`.
    pub version: String,
}

impl ListRef {
    /// A list reference from its name and version.
    pub fn new(list: impl Into<String>, version: impl Into<String>) -> ListRef {
        ListRef {
            list: list.into(),
            version: version.into(),
        }
    }
}

/// One indexed name: its entity, its kind and its analysis.
#[derive(Debug)]
struct NameRec {
    kind: model::NameKind,
    full: String,
    /// The Latin folding of the first variant, for the OFAC emulation.
    folded: String,
}

/// The screening engine: the candidate index and the entities it points at.
///
/// Built once per set of list snapshots and then shared read-only across threads (it is
/// `Send + Sync`; per-thread scratch memory lives in a thread local).
#[derive(Debug, Default)]
pub struct Screener {
    /// The entities; an opened screener decodes each on first use (see [`lazy`]).
    entities: lazy::Entities,
    entity_list: Vec<u32>,
    lists: Vec<ListRef>,
    by_id: lazy::IdMap,
    names: lazy::NameRecs,
    index: NameIndex,
    identifiers: lazy::Identifiers,
    /// The listed names again, laid out for the scorer's hot loop (see [`packed`]).
    packed: packed::PackedNames,
    /// The schema of every entity, densely, so the candidate loop need not touch entities.
    schemas: Vec<Schema>,
}

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

/// Words of legal forms (English and romanised Russian), weighted as generic organisation words
/// in the literal reading of an organisation name.
const LEGAL_WORDS: &[&str] = &[
    "limited",
    "liability",
    "company",
    "joint",
    "stock",
    "corporation",
    "corp",
    "co",
    "ltd",
    "llc",
    "inc",
    "incorporated",
    "jsc",
    "ojsc",
    "pjsc",
    "cjsc",
    "ooo",
    "oao",
    "zao",
    "pao",
    "ao",
    "gmbh",
    "plc",
    "public",
    "closed",
    "open",
    "obshchestvo",
    "aktsionernoe",
    "aktsionernoye",
    "otkrytoye",
    "otkrytoe",
    "zakrytoe",
    "zakrytoye",
    "publichnoe",
    "s",
    "ogranichennoi",
    "ogranichennoy",
    "otvetstvennostiu",
    "otvetstvennostyu",
    "pte",
    "sa",
    "ag",
    "bv",
    "nv",
    "fze",
    "llp",
    "lp",
    "de",
    "cv",
    "sarl",
    "srl",
    "spa",
    "kg",
    "as",
    "tov",
    "too",
];

/// Adds a literal reading to an organisation name that has legal forms: its words as written,
/// legal-form words kept as low-weight words instead of one canonical token.
///
/// Customers misspell or run together the words of a long legal form ("LIMITED LIABILITYCOMPANY",
/// "JONT STOCK COMPANY"), which then no longer parses as a legal form; the literal reading of the
/// listed name still aligns with it word by word.
fn add_literal_variant(an: &mut AnalyzedName) {
    if an.kind != names::NameKind::Organization
        || !an.variants.iter().any(|v| {
            v.tokens
                .iter()
                .any(|t| matches!(t.role, names::Role::LegalForm(_)))
        })
    {
        return;
    }
    let plain = names::analyze(&an.original.replace(',', " "), names::NameKind::Person);
    let Some(first) = plain.variants.into_iter().next() else {
        return;
    };
    let tokens: Vec<names::Token> = first
        .tokens
        .into_iter()
        .map(|t| {
            let role = if LEGAL_WORDS.contains(&t.text.as_str()) {
                names::Role::OrgWord
            } else {
                names::Role::Unknown
            };
            names::Token::new(t.text, role)
        })
        .collect();
    let duplicate = an.variants.iter().any(|v| {
        v.tokens.len() == tokens.len()
            && v.tokens.iter().zip(&tokens).all(|(a, b)| a.text == b.text)
    });
    if !duplicate {
        an.variants.push(names::Variant {
            scheme: first.scheme,
            form: first.form,
            tokens,
        });
    }
}

/// The analysis of a listed name as the screener indexes and scores it, with the number of its
/// leading variants that retrieval indexes (all but the literal reading); `None` when the name
/// has no letters or digits. Explanations analyse again with this same function, so they see
/// exactly the variants the score came from.
fn analyze_listed(full: &str, schema: &Schema) -> Option<(AnalyzedName, usize)> {
    let mut analyzed = names::analyze(full, name_kind(Some(schema)));
    if analyzed.variants.is_empty() {
        return None;
    }
    let indexed = analyzed.variants.len();
    add_literal_variant(&mut analyzed);
    Some((analyzed, indexed))
}

/// The name-analysis kind for an entity or query schema.
fn name_kind(schema: Option<&Schema>) -> names::NameKind {
    match schema {
        Some(Schema::Person) => names::NameKind::Person,
        Some(Schema::Organization | Schema::Company | Schema::Vessel | Schema::Airplane) => {
            names::NameKind::Organization
        }
        _ => names::NameKind::Unknown,
    }
}

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

/// The most the qualifiers can add to a name score (birth date and nationality agree).
const MAX_BONUS: f64 = qualify::DOB_MATCH_BONUS + qualify::COUNTRY_MATCH_BONUS;

impl Screener {
    /// Builds the candidate index from the entities of one or more lists.
    ///
    /// Entities whose schema is not matchable (sanctions, addresses) are kept for lookup but not
    /// indexed; an id that appears twice keeps its first entity.
    pub fn build(lists: Vec<(ListRef, Vec<Entity>)>) -> Screener {
        let mut s = Screener::default();
        let mut builder = IndexBuilder::new();
        for (list, entities) in lists {
            let list_no = s.lists.len() as u32;
            s.lists.push(list);
            for e in entities {
                if s.by_id.contains_key(&e.id) {
                    continue;
                }
                let idx = s.entities.len() as u32;
                s.by_id.insert(e.id.clone(), idx);
                if e.schema.is_matchable() {
                    for n in &e.names {
                        let Some((analyzed, retrieval_variants)) =
                            analyze_listed(&n.full, &e.schema)
                        else {
                            continue;
                        };
                        // The literal reading serves alignment only: indexed, its legal-form
                        // words would let every "LIMITED LIABILITY COMPANY …" outrank a short
                        // rare name ("OOO 'DSK'") in retrieval.
                        builder.add_variants(&analyzed.variants[..retrieval_variants]);
                        let folded = analyzed.variants[0].texts().join(" ");
                        s.packed.push(idx, n.kind, &analyzed);
                        s.names.push(NameRec {
                            kind: n.kind,
                            full: n.full.clone(),
                            folded,
                        });
                    }
                }
                for id in qualify::identifiers_of(&e) {
                    s.identifiers.entry(id).or_default().push(idx);
                }
                s.schemas.push(e.schema.clone());
                s.entities.push(e);
                s.entity_list.push(list_no);
            }
        }
        s.index = builder.finish();
        s
    }

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
            let (score, _, _) = self.assess(q, cfg, b, entity, id_hit, false);
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
            let (score, _, _) = self.assess(q, cfg, &b, entity, true, false);
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

    /// Turns the best name of one entity into a scored, explained match.
    /// The name part of the explanation is left empty here; `screen` fills it in for the
    /// matches it returns.
    fn finish(
        &self,
        q: &Query,
        cfg: &ScreenConfig,
        b: &Best,
        entity: &Entity,
        id_hit: bool,
    ) -> Match {
        let list = &self.lists[self.entity_list[b.entity as usize] as usize];
        let (score, is_match, explanation) = self.assess(q, cfg, b, entity, id_hit, true);
        Match {
            entity_id: entity.id.clone(),
            caption: entity.caption().to_owned(),
            schema: entity.schema.name().to_owned(),
            list: list.list.clone(),
            list_version: list.version.clone(),
            score,
            is_match,
            explanation,
        }
    }

    /// The final score, the verdict and the qualifiers of the best name of one entity. Without
    /// `detail` no qualifier is recorded and no string is built, for ranking the candidates.
    fn assess(
        &self,
        q: &Query,
        cfg: &ScreenConfig,
        b: &Best,
        entity: &Entity,
        id_hit: bool,
        detail: bool,
    ) -> (f64, bool, Explanation) {
        let mut explanation = Explanation {
            method: if detail {
                method_name(cfg.mode).to_owned()
            } else {
                String::new()
            },
            ..Explanation::default()
        };
        let mut score = b.score;
        let weak = b.kind == model::NameKind::WeakAlias;
        let mut corroborated = false;
        if cfg.mode == Mode::Default {
            if weak {
                let capped = score.min(WEAK_ALIAS_CAP);
                if detail {
                    explanation.qualifiers.push(Qualifier {
                        kind: QualifierKind::WeakAlias,
                        detail: "the listed name is a weak alias: it only confirms other evidence"
                            .into(),
                        effect: score::round((capped - score) as f32),
                    });
                }
                score = capped;
            }
            if detail && let Some(schema) = &q.schema {
                explanation.qualifiers.push(Qualifier {
                    kind: QualifierKind::Schema,
                    detail: format!(
                        "query {} compatible with listed {}",
                        schema.name(),
                        entity.schema.name()
                    ),
                    effect: 0.0,
                });
            }
            if let Some(d) = &q.birth_date
                && let Some(qual) = qualify::birth_date(d, entity, detail)
            {
                corroborated |= qual.effect > 0.0;
                score += qual.effect;
                if detail {
                    explanation.qualifiers.push(qual);
                }
            }
            if let Some(n) = &q.nationality
                && let Some(qual) = qualify::nationality(n, entity, detail)
            {
                score += qual.effect;
                if detail {
                    explanation.qualifiers.push(qual);
                }
            }
        }
        if id_hit {
            corroborated = true;
            let lifted = score.max(qualify::IDENTIFIER_SCORE);
            if detail {
                explanation.qualifiers.push(Qualifier {
                    kind: QualifierKind::Identifier,
                    detail: "an identifier or crypto address of the query equals a listed one"
                        .into(),
                    effect: score::round((lifted - score) as f32),
                });
            }
            score = lifted;
        }
        let score = (score.clamp(0.0, 1.0) * 10_000.0).round() / 10_000.0;
        let is_match = score >= cfg.threshold && (!weak || corroborated || cfg.mode == Mode::Ofac);
        (score, is_match, explanation)
    }

    /// The entity with this id, if it is indexed.
    pub fn entity(&self, id: &EntityId) -> Option<&Entity> {
        self.by_id.get(id).map(|&i| &self.entities[i as usize])
    }

    /// How many entities are indexed.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// Whether no entity is indexed.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// How many names the candidate index holds.
    pub fn name_count(&self) -> usize {
        self.names.len()
    }

    /// The candidate index, for statistics and benchmarks.
    pub fn index(&self) -> &NameIndex {
        &self.index
    }
}

/// A weak alias alone never scores above this, below the default threshold: OFAC's guidance is
/// that weak AKAs serve to confirm a hit, not to make one (FAQ 124).
pub const WEAK_ALIAS_CAP: f64 = 0.75;

/// The best name of one entity so far.
#[derive(Debug, Clone, Copy)]
struct Best {
    entity: u32,
    name: u32,
    score: f64,
    qv: u16,
    lv: u16,
    kind: model::NameKind,
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

/// Memoised part similarities of one query: (query variant and token, listed token text id,
/// listed role class) → similarity. Retrieval brings names that share tokens, so the same pairs
/// recur across candidates.
#[derive(Default)]
struct Memo {
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
    q_sigs: Vec<score::Signature>,
    /// Where each query variant's tokens start in `q_ids`.
    q_starts: Vec<u32>,
    /// Joined/split comparisons by key: the same query token meets the same runs of listed
    /// tokens (`jong un`) in many candidates, and the comparison computes a skeleton.
    joined: HashMap<u64, Option<names::TokenMatch>, BuildFastHash>,
}

impl Memo {
    fn set_query(&mut self, query: &AnalyzedName, packed: &packed::PackedNames) {
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
            self.q_sigs.push(score::Signature::of(t.text.as_bytes()));
        }
    }

    /// Aligns query variant `i` with one packed listed variant, memoising part similarities
    /// and joined/split comparisons.
    fn align(&mut self, i: usize, qv: &names::Variant, listed: &packed::Listed<'_>) -> f32 {
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
                        .unwrap_or_else(|| score::Signature::of(qt[qi].text.as_bytes()));
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

fn method_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Default => "interdict",
        Mode::Ofac => "ofac-emulation",
    }
}

fn name_kind_name(k: model::NameKind) -> &'static str {
    match k {
        model::NameKind::Primary => "primary",
        model::NameKind::Alias => "alias",
        model::NameKind::WeakAlias => "weak_alias",
        model::NameKind::Previous => "previous",
        model::NameKind::Now => "now",
    }
}

fn scheme_name(s: names::Scheme) -> String {
    format!("{s:?}")
}

/// Re-runs the winning alignment with detail recording, for the explanation.
fn explain_name(
    query: &AnalyzedName,
    listed: Option<&AnalyzedName>,
    rec: &NameRec,
    b: &Best,
    mode: Mode,
) -> Explanation {
    let mut e = Explanation {
        method: method_name(mode).to_owned(),
        listed_name: rec.full.clone(),
        listed_name_kind: name_kind_name(rec.kind).to_owned(),
        name_score: (b.score * 10_000.0).round() / 10_000.0,
        ..Explanation::default()
    };
    let (Some(qv), Some(lv)) = (
        query.variants.get(b.qv as usize),
        listed.and_then(|l| l.variants.get(b.lv as usize)),
    ) else {
        return e;
    };
    e.query_form = qv.texts().join(" ");
    e.query_scheme = scheme_name(qv.scheme);
    if mode == Mode::Default {
        let mut d = score::Detail::default();
        score::align(qv, lv, Some(&mut d));
        e.parts = d.parts;
        e.unmatched_query = d.unmatched_query;
        e.unmatched_listed = d.unmatched_listed;
    }
    e
}

/// What to screen: a name and the optional facts that confirm or contradict a hit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    /// The name, in any script and order.
    pub name: String,
    /// The kind of party, when known; incompatible entities are never returned.
    pub schema: Option<Schema>,
    /// The birth date at whatever precision is known.
    pub birth_date: Option<PartialDate>,
    /// The nationality or country, ISO 3166 alpha-2 (any case).
    pub nationality: Option<String>,
    /// Identifiers (passport, registration number, crypto address) to look for.
    pub identifiers: Vec<String>,
}

impl Query {
    /// A query with only a name.
    pub fn name(name: impl Into<String>) -> Query {
        Query {
            name: name.into(),
            ..Query::default()
        }
    }
}

/// The scoring method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// interdict's own scorer: transliteration-aware alignment plus qualifiers.
    #[default]
    Default,
    /// An emulation of OFAC Sanctions List Search: the higher of whole-string Jaro–Winkler and
    /// per-part Jaro–Winkler with Soundex, name only.
    Ofac,
}

/// How to screen: method, alert threshold, reporting floor and result limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScreenConfig {
    /// The scoring method.
    pub mode: Mode,
    /// Scores at or above this are a match (an alert).
    pub threshold: f64,
    /// Scores below this are not returned at all.
    pub floor: f64,
    /// At most this many matches are returned.
    pub limit: usize,
}

/// The default alert threshold of [`Mode::Default`], chosen on the evaluation set.
pub const DEFAULT_THRESHOLD: f64 = 0.8;

impl Default for ScreenConfig {
    fn default() -> ScreenConfig {
        ScreenConfig {
            mode: Mode::Default,
            threshold: DEFAULT_THRESHOLD,
            floor: 0.5,
            limit: 10,
        }
    }
}

/// One screening result: a listed entity, its score and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match {
    /// The listed entity.
    pub entity_id: EntityId,
    /// The entity's primary name.
    pub caption: String,
    /// The entity's schema name.
    pub schema: String,
    /// The list the entity comes from.
    pub list: String,
    /// The version of that list.
    pub list_version: String,
    /// The score in `[0, 1]`.
    pub score: f64,
    /// Whether the score reaches the threshold.
    #[serde(rename = "match")]
    pub is_match: bool,
    /// How the score came about.
    pub explanation: Explanation,
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
    let score = (score.clamp(0.0, 1.0) * 10_000.0).round() / 10_000.0;
    (
        score,
        explain_name(&query, Some(&listed), &rec, &best, mode),
    )
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
