//! The values screening takes and returns: the query and its configuration, matches and their
//! explanations, and the internal record of the best name per entity.

use model::{EntityId, PartialDate, Schema};
use serde::Serialize;

/// Which list and which version of it a set of entities comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
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
    /// The score in `[0, 1]`: the name score with every qualifier's effect, clamped to `[0, 1]`
    /// and rounded to four decimals.
    pub score: f64,
    /// The name score before any qualifier (and before the weak-alias cap), rounded to four
    /// decimals; 0 for an entity found by an identifier alone.
    pub name_score: f64,
    /// What each qualifier did to the score.
    pub effects: Effects,
    /// Whether the score reaches the threshold.
    #[serde(rename = "match")]
    pub is_match: bool,
    /// How the score came about.
    pub explanation: Explanation,
}

/// What each qualifier did to the score of one match, one field per qualifier that can move it;
/// a field is `null` when its qualifier did not apply.
///
/// The effects apply in field order: the weak-alias cap to the name score, then birth date and
/// nationality, then the identifier lift; the match's `score` is the result, clamped to `[0, 1]`
/// and rounded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Effects {
    /// The weak-alias cap (`WEAK_ALIAS_CAP`: a weak alias alone stays below the default
    /// threshold), when the best listed name is a weak alias.
    pub weak_alias: Option<Effect>,
    /// Birth-date evidence, when both the query and the entity state a birth date.
    pub birth_date: Option<Effect>,
    /// Nationality evidence, when both the query and the entity state a country.
    pub nationality: Option<Effect>,
    /// An identifier or crypto address of the query that equals a listed one.
    pub identifier: Option<Effect>,
}

/// What one qualifier found and what it did to the score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Effect {
    /// What the qualifier found.
    pub outcome: QualifierOutcome,
    /// The change it made to the score (negative lowers it).
    pub effect: f64,
}

/// Why a query scored what it did against one entity.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Explanation {
    /// The scoring method.
    pub method: Method,
    /// The listed name that gave the best name score, as the list writes it; empty when no name
    /// matched (an identifier hit) or the explanation carries only qualifiers.
    pub listed_name: String,
    /// The kind of that listed name; `null` when there is none.
    pub listed_name_kind: Option<model::NameKind>,
    /// The query as the scorer read it (the romanisation that matched best).
    pub query_form: String,
    /// The romanisation scheme of that reading; `null` when there is none.
    pub query_scheme: Option<names::Scheme>,
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

/// The scoring method that produced a score, as explanations name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub enum Method {
    /// interdict's own scorer (mode `default`).
    #[default]
    #[serde(rename = "interdict")]
    Interdict,
    /// The emulation of OFAC Sanctions List Search (mode `ofac`).
    #[serde(rename = "ofac-emulation")]
    OfacEmulation,
}

impl Method {
    /// The method's name in explanations: `interdict` or `ofac-emulation`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Interdict => "interdict",
            Method::OfacEmulation => "ofac-emulation",
        }
    }
}

impl From<Mode> for Method {
    fn from(mode: Mode) -> Method {
        match mode {
            Mode::Default => Method::Interdict,
            Mode::Ofac => Method::OfacEmulation,
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// One aligned pair of name parts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PartMatch {
    /// The query part(s), space-separated when several were joined.
    pub query: String,
    /// The listed part(s).
    pub listed: String,
    /// The role of the listed part.
    pub role: PartRole,
    /// The transformation that made them match.
    pub how: names::Transform,
    /// The part similarity in `[0, 1]`.
    pub similarity: f64,
    /// The weight the pair carried in the name score.
    pub weight: f64,
}

/// A name part without a partner on the other side.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct UnmatchedPart {
    /// The part text.
    pub part: String,
    /// Its role.
    pub role: PartRole,
    /// The weight it cost in the name score.
    pub weight: f64,
}

/// The role of a name part in an explanation (the analysis' role without the legal-form class).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub enum PartRole {
    /// A given name.
    Given,
    /// A family name.
    Family,
    /// An East Slavic patronymic (`Ivanovich`).
    Patronymic,
    /// A particle: `al`, `bin`, `abu`, `van`, `de` and the like.
    Particle,
    /// A legal form (`LLC`, `OOO`, `Limited`).
    LegalForm,
    /// A title or honorific.
    Title,
    /// A generic organisation word (`trading`, `group`, `international`).
    OrgWord,
    /// A function word in an organisation name (`and`, `of`, `the`).
    Stopword,
    /// An initial.
    Initial,
    /// A name part whose role is not known.
    Name,
}

impl PartRole {
    /// The role's name in explanations, in snake case.
    pub fn as_str(self) -> &'static str {
        match self {
            PartRole::Given => "given",
            PartRole::Family => "family",
            PartRole::Patronymic => "patronymic",
            PartRole::Particle => "particle",
            PartRole::LegalForm => "legal_form",
            PartRole::Title => "title",
            PartRole::OrgWord => "org_word",
            PartRole::Stopword => "stopword",
            PartRole::Initial => "initial",
            PartRole::Name => "name",
        }
    }
}

impl From<names::Role> for PartRole {
    fn from(r: names::Role) -> PartRole {
        use names::Role;
        match r {
            Role::Given => PartRole::Given,
            Role::Family => PartRole::Family,
            Role::Patronymic => PartRole::Patronymic,
            Role::Particle => PartRole::Particle,
            Role::LegalForm(_) => PartRole::LegalForm,
            Role::Title => PartRole::Title,
            Role::OrgWord => PartRole::OrgWord,
            Role::Stopword => PartRole::Stopword,
            Role::Initial => PartRole::Initial,
            Role::Unknown => PartRole::Name,
        }
    }
}

impl std::fmt::Display for PartRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// What a qualifier is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
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

/// What a qualifier found when it compared the query with the entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub enum QualifierOutcome {
    /// The query agrees with the entity: a birth date to the month or day, a nationality among
    /// the listed ones, an identifier equal to a listed one.
    Agrees,
    /// The birth dates agree in the year only (the list gives no more, or a range covers it).
    AgreesInYear,
    /// The birth dates are a year apart, or agree in the year but not in the month or day.
    NearMiss,
    /// The query contradicts the entity: birth dates more than a year apart, a nationality not
    /// among the listed ones.
    Differs,
    /// The query's schema is compatible with the entity's.
    Compatible,
    /// The listed name is a weak alias, so the name score was capped.
    Capped,
}

impl QualifierOutcome {
    /// The outcome's name in explanations, in snake case.
    pub fn as_str(self) -> &'static str {
        match self {
            QualifierOutcome::Agrees => "agrees",
            QualifierOutcome::AgreesInYear => "agrees_in_year",
            QualifierOutcome::NearMiss => "near_miss",
            QualifierOutcome::Differs => "differs",
            QualifierOutcome::Compatible => "compatible",
            QualifierOutcome::Capped => "capped",
        }
    }
}

impl std::fmt::Display for QualifierOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// One piece of evidence beside the name and what it did to the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Qualifier {
    /// What the evidence is about.
    pub kind: QualifierKind,
    /// What the qualifier found.
    pub outcome: QualifierOutcome,
    /// What was found, in words (`query 1960-01-15 vs listed 1960`).
    pub detail: String,
    /// The change it made to the score (negative lowers it).
    pub effect: f64,
}

impl Qualifier {
    /// The qualifier's outcome and effect, without its words.
    pub fn effect(&self) -> Effect {
        Effect {
            outcome: self.outcome,
            effect: self.effect,
        }
    }
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
