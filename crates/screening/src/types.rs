//! The values screening takes and returns: the query and its configuration, matches and their
//! explanations, and the internal record of the best name per entity.

use model::{EntityId, PartialDate, Schema};
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

/// Why a query scored what it did against one entity.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Explanation {
    /// The scoring method (`interdict` or `ofac-emulation`).
    pub method: String,
    /// The listed name that gave the best name score, as the list writes it.
    pub listed_name: String,
    /// The kind of that listed name (`primary`, `alias`, `weak_alias`, `previous`, `now`).
    pub listed_name_kind: String,
    /// The query as the scorer read it (the romanisation that matched best).
    pub query_form: String,
    /// The romanisation scheme of that reading.
    pub query_scheme: String,
    /// The name score before qualifiers.
    pub name_score: f64,
    /// Each aligned pair of parts.
    pub parts: Vec<PartMatch>,
    /// Query parts that found no partner.
    pub unmatched_query: Vec<UnmatchedPart>,
    /// Listed parts that found no partner.
    pub unmatched_listed: Vec<UnmatchedPart>,
    /// Birth date, nationality, gender, identifier and schema evidence with its effect.
    pub qualifiers: Vec<Qualifier>,
}

/// One aligned pair of name parts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartMatch {
    /// The query part(s), space-separated when several were joined.
    pub query: String,
    /// The listed part(s).
    pub listed: String,
    /// The role of the listed part (`given`, `family`, `legal_form`, `org_word`, …).
    pub role: String,
    /// The transformation that made them match (`exact`, `transliteration`, …).
    pub how: String,
    /// The part similarity in `[0, 1]`.
    pub similarity: f64,
    /// The weight the pair carried in the name score.
    pub weight: f64,
}

/// A name part without a partner on the other side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnmatchedPart {
    /// The part text.
    pub part: String,
    /// Its role.
    pub role: String,
    /// The weight it cost in the name score.
    pub weight: f64,
}

/// What a qualifier is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QualifierKind {
    /// Birth date.
    BirthDate,
    /// Nationality, citizenship or country.
    Nationality,
    /// Gender.
    Gender,
    /// An identifier or crypto address.
    Identifier,
    /// Schema compatibility.
    Schema,
    /// The listed name is a weak alias.
    WeakAlias,
}

/// One piece of evidence beside the name and what it did to the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Qualifier {
    /// What the evidence is about.
    pub kind: QualifierKind,
    /// What was found, in words (`query 1960-01-15 vs listed 1960`).
    pub detail: String,
    /// The change it made to the score (negative lowers it).
    pub effect: f64,
}

/// The best name of one entity so far.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Best {
    pub(crate) entity: u32,
    pub(crate) name: u32,
    pub(crate) score: f64,
    pub(crate) qv: u16,
    pub(crate) lv: u16,
    pub(crate) kind: model::NameKind,
}
