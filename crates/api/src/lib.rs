//! interdict's output contract: the typed JSON that `interdict … --json` prints and that the
//! server sends. Every front end serialises these types and nothing else, so the command line
//! and the HTTP API cannot drift apart.
//!
//! Engine results (`screening::Match`, `wallets::Report`, vetting reports) are embedded as
//! the engine defines them; this crate adds what a response needs around them: which lists and
//! versions answered, warnings such as the bundled-list notice, and batch line framing.
//! [`openapi`] returns the OpenAPI document of every type here; `docs/api/contract.json` is
//! that document, checked by a test (`INTERDICT_BLESS=1 cargo test -p api` rewrites it after
//! an intended change).
//!
//! Which command prints which type:
//!
//! | command | type |
//! |---|---|
//! | `screen NAME --json` | [`ScreenResponse`] |
//! | `screen --input F` (one line per query) | [`ScreenLine`] |
//! | `compare A B --json` | [`CompareResponse`] |
//! | `scan TEXT --json` | [`ScanResponse`] |
//! | `scan --input F` (one line per text) | [`ScanLine`] |
//! | `address … --json` (one line per address) | `wallets::Report` |
//! | `lists --json` | array of [`StoredSnapshot`] |
//! | `lists import/update --json` | array of [`ImportOutcome`] |
//! | `vet … --output F` (one line per run, subject, cluster, diagnostic) | `vetting::ReportLine` |
//! | `customers`, `alerts`, `decide`, `audit`, `monitor`, `retention` | the types of [`records`] |

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub mod service;
pub mod yente;

pub use service::*;
pub mod records;
pub use records::*;
pub mod scan;
pub use scan::*;

/// Where the lists that answered a request come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListOrigin {
    /// A snapshot in the list store (imported or downloaded).
    Stored,
    /// Files named on the command line, parsed for this command only.
    Files,
    /// The default snapshot compiled into the binary: not current, not for compliance decisions.
    Bundled,
}

/// One list that answered a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ListUsed {
    /// The list (`ofac-sdn`, `ofac-cons`, `un`, `eu`, `uk`, `opensanctions`).
    pub list: String,
    /// The list version every match of this list names.
    pub version: String,
    /// The publication date the list states (ISO 8601), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish_date: Option<String>,
    /// Whole days from the publication date to today, when the publication date is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_days: Option<i64>,
    /// Where the list comes from.
    pub origin: ListOrigin,
    /// How many entities the list holds.
    pub entities: u64,
}

/// Why a warning was given; stable codes that clients can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WarningCode {
    /// The answer used the bundled default lists, which are not current.
    BundledLists,
    /// The answer used lists older than their maximum age (a service started with
    /// `--allow-stale`).
    StaleLists,
}

/// Something the user must know about an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Warning {
    /// The machine-readable reason.
    pub code: WarningCode,
    /// The explanation for a person, with what to do about it.
    pub message: String,
    /// The lists the warning is about.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lists: Vec<ListUsed>,
}

/// What an allow-list did to a hit that is still reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AllowMark {
    /// The hit was cleared for this customer, but the listed entity has changed since: it
    /// alerts again.
    Stale,
}

/// One reported match: the engine's match with the explanation only when asked for, and the
/// allow-list state.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MatchOut {
    /// The listed entity's id (`ofac:53824`).
    pub entity_id: model::EntityId,
    /// The entity's primary name.
    pub caption: String,
    /// The entity's FollowTheMoney schema.
    pub schema: String,
    /// The list the entity comes from.
    pub list: String,
    /// The version of that list.
    pub list_version: String,
    /// The score in `[0, 1]`, qualifiers included.
    pub score: f64,
    /// The name score before any qualifier.
    pub name_score: f64,
    /// What each qualifier did to the score.
    pub effects: screening::Effects,
    /// Whether the score reaches the threshold.
    #[serde(rename = "match")]
    pub is_match: bool,
    /// How the score came about (with `--explain`, or always in the server's answers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<screening::Explanation>,
    /// Set when an allow-list clearance no longer applies because the entity changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_list: Option<AllowMark>,
}

impl MatchOut {
    /// The output form of an engine match.
    pub fn new(m: screening::Match, explain: bool, allow_list: Option<AllowMark>) -> MatchOut {
        MatchOut {
            entity_id: m.entity_id,
            caption: m.caption,
            schema: m.schema,
            list: m.list,
            list_version: m.list_version,
            score: m.score,
            name_score: m.name_score,
            effects: m.effects,
            is_match: m.is_match,
            explanation: explain.then_some(m.explanation),
            allow_list,
        }
    }
}

/// The answer to one screened name: one line of a batch output file.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ScreenLine {
    /// The query's id in a batch (`query_id` column, else `line-N`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_id: Option<String>,
    /// Why the query could not be screened, for a batch row that is not usable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Matches at or above the reporting floor, best first, ties by entity id.
    pub matches: Vec<MatchOut>,
    /// Hits cleared for this customer on the allow-list, with the entity unchanged since.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub suppressed: Vec<MatchOut>,
}

impl ScreenLine {
    /// True when any reported (not suppressed) match reaches the threshold.
    pub fn any_match(&self) -> bool {
        self.matches.iter().any(|m| m.is_match)
    }
}

/// The answer to `interdict screen NAME --json`: the line plus what answered it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ScreenResponse {
    /// The matches.
    #[serde(flatten)]
    pub line: ScreenLine,
    /// The alert threshold the `match` flags used.
    pub threshold: f64,
    /// The lists that answered, with versions and ages.
    pub lists: Vec<ListUsed>,
    /// Warnings about the answer (for example, bundled lists that are not current).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

/// The answer to `interdict compare A B --json`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CompareResponse {
    /// The first name, read as the query.
    pub a: String,
    /// The second name, read as the listed name.
    pub b: String,
    /// The name score in `[0, 1]`.
    pub score: f64,
    /// Whether the score reaches the threshold.
    #[serde(rename = "match")]
    pub is_match: bool,
    /// The threshold used.
    pub threshold: f64,
    /// How the score came about.
    pub explanation: screening::Explanation,
}

/// One source file of a stored snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SourceFile {
    /// The name the user gave, or the URL it was downloaded from.
    pub name: String,
    /// The detected format.
    pub format: String,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// A stored list snapshot, as `interdict lists --json` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StoredSnapshot {
    /// The list.
    pub list: String,
    /// The version: `<date>-<first 12 hex digits of the content hash>`.
    pub version: String,
    /// The publication date the files state, if any (ISO 8601).
    pub publish_date: Option<String>,
    /// When it was imported (UTC, RFC 3339).
    pub imported_at: String,
    /// SHA-256 over the sorted source file hashes.
    pub content_hash: String,
    /// The files it was built from.
    pub files: Vec<SourceFile>,
    /// Entity counts by FollowTheMoney schema.
    pub counts: std::collections::BTreeMap<String, u64>,
    /// Number of diagnostics the parsers gave.
    pub diagnostics: u64,
    /// Total number of entities.
    pub entities: u64,
    /// Whether this is the list's current snapshot.
    pub current: bool,
    /// The filters of a filtered export; empty for a whole list.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<String>,
}

impl StoredSnapshot {
    /// The output form of a snapshot's metadata.
    pub fn new(m: store::SnapshotMeta, current: bool) -> StoredSnapshot {
        StoredSnapshot {
            entities: m.entity_count(),
            list: m.list.as_str().to_string(),
            version: m.version,
            publish_date: m.publish_date,
            imported_at: m.imported_at,
            content_hash: m.content_hash,
            files: m
                .files
                .into_iter()
                .map(|f| SourceFile {
                    name: f.name,
                    format: f.format,
                    sha256: f.sha256,
                    bytes: f.bytes,
                })
                .collect(),
            counts: m.counts,
            diagnostics: m.diagnostics,
            current,
            filters: m.filters,
        }
    }
}

/// Whether an import stored something new.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// A new snapshot was stored (and made current).
    New,
    /// The content was already stored; nothing was written.
    Unchanged,
}

/// What `interdict lists import` or `lists update` did for one list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ImportOutcome {
    /// New or unchanged.
    pub status: ImportStatus,
    /// The snapshot.
    pub snapshot: StoredSnapshot,
    /// Why the snapshot was stored but not made current (older, filtered, shrunk, damaged),
    /// each with the flag that accepts it; absent when it became current.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub held: Vec<String>,
}

/// The OpenAPI document of the contract's schemas.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "interdict output contract",
        description = "The JSON that `interdict --json` prints and the server sends."
    ),
    components(schemas(
        ListOrigin,
        ListUsed,
        WarningCode,
        Warning,
        AllowMark,
        MatchOut,
        ScreenLine,
        ScreenResponse,
        CompareResponse,
        SourceFile,
        StoredSnapshot,
        ImportStatus,
        ImportOutcome,
        wallets::Report,
        wallets::Hit,
        wallets::Source,
        wallets::MatchKind,
        vetting::ReportLine,
        ListFreshness,
        Readiness,
        ErrorBody,
        Role,
        KeyInfo,
        CreatedKey,
        ScreenRequest,
        BatchItem,
        BatchRequest,
        BatchResponse,
        AddressRequest,
        AddressResponse,
        VetRequest,
        VetResponse,
        ExposureRequest,
        ExposureResponse,
        TraceRequest,
        TraceResponse,
        EntityOut,
        DiffResponse,
        UpdateResponse,
        SubjectInput,
        SubjectOut,
        SubjectImport,
        AlertState,
        Outcome,
        DecisionOut,
        AlertOut,
        AuditRecord,
        AuditCheckpoint,
        AuditVerification,
        RescreenSummary,
        RetentionSummary,
        ScanRequest,
        ScanLine,
        ScanResponse,
        screening::ScanHit,
    ))
)]
pub struct Contract;

/// The contract's OpenAPI document as pretty JSON.
pub fn openapi() -> String {
    use utoipa::OpenApi;
    Contract::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
