//! The explanation of a score: which listed name matched, how each part aligned, what was left
//! over and which qualifiers moved the score.

use serde::Serialize;

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
