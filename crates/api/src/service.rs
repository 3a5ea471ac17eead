//! The service's own types: readiness and list freshness, errors, API keys and the native
//! `/v1` request bodies. Responses of `/v1` reuse the command line's types ([`crate::ScreenResponse`],
//! [`crate::ScreenLine`], [`crate::StoredSnapshot`], `wallets::Report`, `vetting::ReportLine`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{ListOrigin, ListUsed, ScreenLine, Warning};

/// One answering list's freshness: when it was last confirmed current and whether that is
/// within its maximum age.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ListFreshness {
    /// The list.
    pub list: String,
    /// The version that answers.
    pub version: String,
    /// Where it comes from.
    pub origin: ListOrigin,
    /// When it was last confirmed current (a successful update or an import), UTC RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmed_at: Option<String>,
    /// Seconds since then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_seconds: Option<u64>,
    /// The maximum age allowed for this list, in seconds.
    pub max_age_seconds: u64,
    /// True when the list is stored (not bundled) and within its maximum age.
    pub fresh: bool,
}

/// Whether the service answers, and why not: the body of `/readyz` and of every 503.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Readiness {
    /// True when screening requests are answered.
    pub ready: bool,
    /// True when answers come from lists that are not current (only served with
    /// `--allow-stale`, and then every answer is marked stale).
    pub stale: bool,
    /// Why the service is not ready or is stale, one sentence each, with what to do.
    pub reasons: Vec<String>,
    /// Every loaded list with its freshness.
    pub lists: Vec<ListFreshness>,
}

/// An error answer. `detail` is the sentence yente clients read; `code` is stable for
/// programs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong and what to do about it.
    pub detail: String,
    /// A stable machine-readable code (`bad_request`, `not_ready`, `unauthorized`, …).
    pub code: String,
    /// The readiness report, on `not_ready` errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readiness: Option<Readiness>,
}

/// What an API key may do. Each role includes the ones before it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Screening, lookups and reading lists.
    Analyst,
    /// An analyst who may also decide alerts (the records to come).
    Reviewer,
    /// Everything, including list updates and keys.
    Admin,
}

impl Role {
    /// Every role, lowest first.
    pub const ALL: [Role; 3] = [Role::Analyst, Role::Reviewer, Role::Admin];

    /// The role's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Analyst => "analyst",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }

    /// Parses a role name.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// An API key as listed: never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct KeyInfo {
    /// The key's public id (the part of the key before the secret).
    pub id: String,
    /// A name for people (`payments-prod`).
    pub name: String,
    /// What the key may do.
    pub role: Role,
    /// When it was created, UTC RFC 3339.
    pub created_at: String,
    /// When it was revoked, if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
}

/// A key just created: the only time the secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CreatedKey {
    /// The full key to hand to the client (`Authorization: Bearer KEY`); it is stored only as
    /// a hash.
    pub key: String,
    /// The key's record.
    pub info: KeyInfo,
}

/// One name to screen with `/v1/screen`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreenRequest {
    /// The name, in any script and order.
    pub name: String,
    /// `Person`, `Organization`, `Company`, `LegalEntity`, `Vessel` or `Airplane`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Birth date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// Nationality: ISO 3166 alpha-2 code or country name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    /// Identifiers (passport, registration number, IMO).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<String>,
}

/// One query of a batch, with the id the answer line carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchItem {
    /// The caller's id for the query (else its position, `q-N`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_id: Option<String>,
    /// The query.
    #[serde(flatten)]
    pub query: ScreenRequest,
}

/// Options shared by `/v1/screen` and `/v1/screen/batch`, given as URL query parameters.
#[derive(
    Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, utoipa::IntoParams,
)]
#[into_params(parameter_in = Query)]
pub struct ScreenParams {
    /// Alert threshold in `[0, 1]` (default 0.8).
    pub threshold: Option<f64>,
    /// At most this many matches per query (default 10, at most 100).
    pub limit: Option<usize>,
    /// Include explanations (default true for single queries, false for batches).
    pub explain: Option<bool>,
    /// Scoring method: `default` or `ofac`.
    pub mode: Option<String>,
}

/// A batch of names for `/v1/screen/batch` (at most 1,000).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// The queries.
    pub queries: Vec<BatchItem>,
}

/// The answer to a batch: one line per query, in order, and what answered.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct BatchResponse {
    /// One line per query.
    pub lines: Vec<ScreenLine>,
    /// The alert threshold used.
    pub threshold: f64,
    /// The lists that answered.
    pub lists: Vec<ListUsed>,
    /// Warnings (bundled or stale lists).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

/// Crypto addresses for `/v1/addresses`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressRequest {
    /// The addresses (at most 1,000).
    pub addresses: Vec<String>,
}

/// The answer to `/v1/addresses`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AddressResponse {
    /// One report per address, in order.
    pub reports: Vec<wallets::Report>,
    /// The lists whose wallets were searched.
    pub lists: Vec<ListUsed>,
    /// Warnings (bundled or stale lists).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

/// Subject records for `/v1/vet`: each an object of `docs/vetting-record.schema.json`, as
/// `interdict vet` reads them one per line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VetRequest {
    /// The records (at most 1,000).
    #[schema(value_type = Vec<Object>)]
    pub records: Vec<serde_json::Value>,
}

/// The answer to `/v1/vet`: the report `interdict vet` writes, one element per line (the run,
/// every subject in input order, every cluster of linked subjects, every record that could
/// not be read).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct VetResponse {
    /// The report lines, tagged by `type`.
    pub lines: Vec<vetting::ReportLine<'static>>,
    /// The lists that answered the sanctions tier.
    pub lists: Vec<ListUsed>,
    /// Warnings (bundled or stale lists).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

/// A wallet exposure question for `/v1/exposure` (the options of `interdict exposure`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExposureRequest {
    /// The wallet to analyse.
    pub address: String,
    /// `in` (source of funds, the default) or `out` (destination of funds).
    #[serde(default)]
    pub direction: Option<String>,
    /// Hop limit (1 to 10; default 4).
    #[serde(default)]
    pub hops: Option<u32>,
    /// Drop mass below this share (default 0.0001).
    #[serde(default)]
    pub epsilon: Option<f64>,
    /// Do not expand nodes with more edges than this (0: no cap; default 100,000).
    #[serde(default)]
    pub degree_cap: Option<u64>,
    /// Stop only at these categories (default: at every labelled address).
    #[serde(default)]
    pub stop_at: Vec<String>,
    /// First block of the window.
    #[serde(default)]
    pub from_block: Option<u64>,
    /// Last block of the window.
    #[serde(default)]
    pub to_block: Option<u64>,
    /// Only this asset (a token address; `""` or `native` for the chain's own coin).
    #[serde(default)]
    pub asset: Option<String>,
    /// Counterparties listed per category (1 to 1,000; default 5).
    #[serde(default)]
    pub top: Option<usize>,
}

/// The answer to `/v1/exposure`: the report `interdict exposure --json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ExposureResponse {
    /// The exposure report.
    #[schema(value_type = Object)]
    pub exposure: graph::exposure::ExposureReport,
}

/// An incident trace for `/v1/trace` (the options of `interdict trace`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TraceRequest {
    /// Seeds: addresses (taint sources) or transaction ids (tainted transfers), at most 1,000.
    pub seeds: Vec<String>,
    /// Taint model: `fifo` (default), `haircut`, `poison` or `tiho`.
    #[serde(default)]
    pub model: Option<String>,
    /// Accounts listed (1 to 1,000; default 20).
    #[serde(default)]
    pub top: Option<usize>,
}

/// The answer to `/v1/trace`: the report `interdict trace --json` prints, and a warning per
/// seed that names nothing in the graph.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TraceResponse {
    /// The trace report.
    #[schema(value_type = Object)]
    pub trace: graph::trace::TraceReport,
    /// Seeds that name no address or transaction of the graph.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A listed entity as the native API returns it: interdict's own model.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct EntityOut {
    /// The list it comes from.
    pub list: String,
    /// The list version.
    pub list_version: String,
    /// The entity, as FollowTheMoney objects: the entity first, then its sanctions,
    /// identifications, wallets, addresses and relationships.
    #[schema(value_type = Vec<Object>)]
    pub ftm: Vec<serde_json::Value>,
}

/// The answer to `/v1/lists/diff`: counts and changed entity ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DiffResponse {
    /// The older side's name.
    pub old: String,
    /// The newer side's name.
    pub new: String,
    /// Ids of entities added.
    pub added: Vec<String>,
    /// Ids of entities removed.
    pub removed: Vec<String>,
    /// Ids of entities changed.
    pub changed: Vec<String>,
}

/// The answer to `/v1/lists/update` (admin).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct UpdateResponse {
    /// One outcome per list that was updated or found unchanged.
    pub outcomes: Vec<crate::ImportOutcome>,
    /// One sentence per list that failed.
    pub errors: Vec<String>,
    /// The lists that answer from now on.
    pub lists: Vec<ListUsed>,
}
