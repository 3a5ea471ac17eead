//! The wire types of yente's API (OpenSanctions' screening service, 5.x), so that a yente
//! client only changes its base URL: `POST /match/{dataset}`, `GET /search/{dataset}`,
//! `GET /entities/{id}`, `GET /catalog`, `GET /algorithms`.
//!
//! Field names, nesting and defaults follow yente's own models. Where interdict says more (the
//! list version, the aligned name parts), it adds fields (`interdict`, `lists`, `stale`) that
//! yente clients ignore.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{ListUsed, MatchOut};

/// One example entity to match: a FollowTheMoney schema and properties. A property value is a
/// string or a list of values (numbers are read as their text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EntityExample {
    /// The caller's id, echoed back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The FollowTheMoney schema (`Person`, `Company`, `LegalEntity`, …).
    pub schema: String,
    /// Properties (`name`, `birthDate`, `nationality`, `idNumber`, …).
    #[schema(value_type = Object)]
    pub properties: BTreeMap<String, serde_json::Value>,
}

/// The body of `POST /match/{dataset}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MatchRequest {
    /// Feature weights (accepted for compatibility; interdict's scorer has no tunable weights).
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
    /// Algorithm configuration; interdict's algorithms take none, so any key is an error.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub config: BTreeMap<String, serde_json::Value>,
    /// The examples, by a key the caller chooses; each answer carries the same key.
    #[schema(value_type = Object)]
    pub queries: BTreeMap<String, Option<EntityExample>>,
}

/// An example as it was understood: values cleaned (countries as ISO codes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ParsedExample {
    /// The caller's id.
    pub id: Option<String>,
    /// The schema.
    pub schema: String,
    /// The cleaned properties.
    pub properties: BTreeMap<String, Vec<String>>,
}

/// A FollowTheMoney entity as yente returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EntityResponse {
    /// The entity id (`ofac:12345`).
    pub id: String,
    /// Its display name.
    pub caption: String,
    /// The FollowTheMoney schema.
    pub schema: String,
    /// Properties: lists of strings, or of nested entities for entity-valued properties when
    /// `nested` is asked for.
    #[schema(value_type = Object)]
    pub properties: BTreeMap<String, Vec<serde_json::Value>>,
    /// The datasets (lists) it appears in.
    pub datasets: Vec<String>,
    /// Other ids of the same entity.
    pub referents: Vec<String>,
    /// True for entities that are targets of sanctions.
    pub target: bool,
    /// First seen (naive ISO 8601 to the second, UTC).
    pub first_seen: Option<String>,
    /// Last seen.
    pub last_seen: Option<String>,
    /// Last changed.
    pub last_change: Option<String>,
}

/// One feature's contribution to a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FeatureResult {
    /// How the feature was computed, for people.
    pub detail: Option<String>,
    /// The feature's score or effect.
    pub score: f64,
    /// The query value compared.
    pub query: Option<String>,
    /// The candidate value compared.
    pub candidate: Option<String>,
}

/// A scored candidate: the entity plus the score.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ScoredEntity {
    /// The entity.
    #[serde(flatten)]
    pub entity: EntityResponse,
    /// The score in `[0, 1]`.
    pub score: f64,
    /// Whether the score reaches the threshold.
    #[serde(rename = "match")]
    pub is_match: bool,
    /// Per-feature results.
    pub explanations: BTreeMap<String, FeatureResult>,
    /// interdict's own account of the match: list version, name score, qualifier effects and the
    /// aligned name parts.
    pub interdict: MatchOut,
}

/// A result count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TotalSpec {
    /// The count.
    pub value: u64,
    /// `eq`.
    pub relation: String,
}

/// The answer to one example.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct EntityMatches {
    /// 200.
    pub status: u16,
    /// Candidates at or above the cutoff, best first, at most `limit`.
    pub results: Vec<ScoredEntity>,
    /// How many candidates reach the threshold.
    pub total: TotalSpec,
    /// The example as understood.
    pub query: ParsedExample,
}

/// The answer to `POST /match/{dataset}`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MatchResponse {
    /// One answer per example key.
    pub responses: BTreeMap<String, EntityMatches>,
    /// The result limit used.
    pub limit: usize,
    /// The lists (and versions) that answered.
    pub lists: Vec<ListUsed>,
    /// True when the lists are not current (served only with `--allow-stale`).
    pub stale: bool,
}

/// A facet of search results (interdict returns none; the field is there for clients).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SearchFacet {
    /// The facet's label.
    pub label: String,
    /// Its values.
    pub values: Vec<SearchFacetItem>,
}

/// One value of a facet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SearchFacetItem {
    /// The value.
    pub name: String,
    /// Its label.
    pub label: String,
    /// How many results have it.
    pub count: u64,
}

/// The answer to `GET /search/{dataset}`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SearchResponse {
    /// The page size.
    pub limit: usize,
    /// The offset.
    pub offset: usize,
    /// How many entities matched.
    pub total: TotalSpec,
    /// The page of results.
    pub results: Vec<EntityResponse>,
    /// Facets (none).
    pub facets: BTreeMap<String, SearchFacet>,
}

/// A dataset of the catalog: a list, or a collection of lists.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Dataset {
    /// The name to use in `/match/{dataset}`.
    pub name: String,
    /// A title for people.
    pub title: String,
    /// The version answering now.
    pub version: Option<String>,
    /// When the data was last updated (publication date).
    pub updated_at: Option<String>,
    /// The lists a collection contains.
    pub children: Vec<String>,
    /// True for a list that is loaded (false for collections).
    pub load: bool,
    /// The version in the index.
    pub index_version: Option<String>,
    /// True when the index holds the current version.
    pub index_current: bool,
    /// How many entities.
    pub entity_count: u64,
    /// Freshness of a list (confirmation time and maximum age).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub freshness: Option<crate::ListFreshness>,
}

/// The answer to `GET /catalog`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Catalog {
    /// Every dataset.
    pub datasets: Vec<Dataset>,
    /// Datasets whose index is current.
    pub current: Vec<String>,
    /// Datasets whose index is out of date (older than their maximum age).
    pub outdated: Vec<String>,
    /// True when any dataset is outdated.
    pub index_stale: bool,
}

/// One scoring algorithm.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Algorithm {
    /// The name for `?algorithm=`.
    pub name: String,
    /// What it does.
    pub description: Option<String>,
    /// Its features (deprecated in yente; kept empty-compatible).
    #[schema(value_type = Object)]
    pub features: BTreeMap<String, serde_json::Value>,
    /// Its documentation.
    #[schema(value_type = Object)]
    pub docs: serde_json::Value,
}

/// The answer to `GET /algorithms`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Algorithms {
    /// The algorithms.
    pub algorithms: Vec<Algorithm>,
    /// The default algorithm name.
    pub default: String,
    /// What `best` stands for.
    pub best: String,
}

/// `{"status": "ok"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StatusResponse {
    /// `ok`.
    pub status: String,
}
