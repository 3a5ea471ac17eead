//! The compliance records' contract: monitored subjects, alerts, decisions, the audit trail and
//! the re-screening runs, as `interdict customers|alerts|decide|audit|monitor|retention --json`
//! print them and `/v1/customers`, `/v1/alerts`, `/v1/decisions` and `/v1/audit` send them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A monitored subject as imported (one CSV row or JSON line) or sent to `/v1/customers`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectInput {
    /// The caller's own reference, unique across subjects (the upsert key).
    pub external_ref: String,
    /// `customer` (default), `counterparty`, `employee` or `vendor`.
    #[serde(default = "default_kind")]
    pub kind: String,
    /// `person` or `organization`, when known; it narrows screening.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Every name, in any script; the first is the primary name.
    pub names: Vec<String>,
    /// Birth or incorporation date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// Nationality or country of registration (ISO 3166 alpha-2 or a country name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    /// Postal addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<String>,
    /// Identifiers (passport, tax or registration numbers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<String>,
    /// Crypto addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wallets: Vec<String>,
}

fn default_kind() -> String {
    "customer".to_string()
}

/// A stored subject.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SubjectOut {
    /// The records database's id.
    pub id: i64,
    /// The caller's reference.
    pub external_ref: String,
    /// customer, counterparty, employee or vendor.
    pub kind: String,
    /// `active`, `removed` (no longer monitored, retention clock running) or `purged`
    /// (personal data deleted after the retention period).
    pub status: String,
    /// True once a true match was approved: every screening of this subject reports it.
    pub blocked: bool,
    /// Bumped on every change of the subject's data.
    pub version: i64,
    /// The subject's data; absent once purged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<SubjectInput>,
    /// SHA-256 of the data's canonical JSON (what the audit trail refers to).
    pub data_hash: String,
    /// When monitoring stopped, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_at: Option<String>,
    /// Why monitoring stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_reason: Option<String>,
    /// First imported (UTC, RFC 3339).
    pub created_at: String,
    /// Last changed.
    pub updated_at: String,
}

/// What an import of subjects did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct SubjectImport {
    /// Rows read.
    pub read: u64,
    /// New subjects.
    pub inserted: u64,
    /// Existing subjects whose data changed (they are re-screened on the next run).
    pub updated: u64,
    /// Existing subjects with the same data.
    pub unchanged: u64,
    /// Rows refused, each named in `problems`.
    pub rejected: u64,
    /// One line per refused row: file, line and what is wrong (never the row's values).
    pub problems: Vec<String>,
}

/// The state of an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    /// Opened by a screening, nobody on it yet.
    Open,
    /// Assigned to an analyst.
    InReview,
    /// Escalated for a senior decision.
    Escalated,
    /// Closed by an approved decision (see `resolution`).
    Closed,
}

/// The outcome a decision closes an alert with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The subject is the listed party: the subject is blocked.
    TrueMatch,
    /// The subject is not the listed party: the pair is allowed until the entity changes.
    FalsePositive,
}

/// A four-eyes decision on an alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DecisionOut {
    /// The decision's id.
    pub id: i64,
    /// The alert it closes.
    pub alert_id: i64,
    /// The proposed outcome.
    pub outcome: Outcome,
    /// `pending`, `approved` or `rejected`.
    pub state: String,
    /// Who proposed it.
    pub proposer: String,
    /// Why.
    pub proposer_reason: String,
    /// When.
    pub proposed_at: String,
    /// Who approved or rejected it (never the proposer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewer: Option<String>,
    /// The reviewer's reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewer_reason: Option<String>,
    /// When it was reviewed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewed_at: Option<String>,
}

/// An alert: one subject against one version of one listed entity.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AlertOut {
    /// The alert's id.
    pub id: i64,
    /// The subject's id.
    pub subject_id: i64,
    /// The subject's reference.
    pub external_ref: String,
    /// The listed entity.
    pub entity_id: String,
    /// The listed entity's content fingerprint (hex) when the alert opened.
    pub fingerprint: String,
    /// `list@version` the entity was read from.
    pub list_version: String,
    /// The screening score.
    pub score: f64,
    /// Where the alert is.
    pub state: AlertState,
    /// Why it opened: `new_hit`, `entity_changed` (a cleared pair whose entity changed) or
    /// `subject_changed`; `delisted` is added when the entity left the list.
    pub reason: String,
    /// Details: the match explanation, the entity's field changes, the delisting note.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object)]
    pub detail: Option<serde_json::Value>,
    /// Who works on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// When it is due.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_at: Option<String>,
    /// How it was closed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Outcome>,
    /// Opened (UTC, RFC 3339).
    pub created_at: String,
    /// Last changed.
    pub updated_at: String,
    /// The decisions on it, oldest first (filled by `alerts show`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<DecisionOut>,
}

/// One audit record, as `audit export` writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AuditRecord {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When (UTC, RFC 3339).
    pub ts: String,
    /// Who.
    pub actor: String,
    /// What happened (`alert.open`, `decision.approve`, …).
    pub action: String,
    /// What it happened to (`alert:12`).
    pub object: String,
    /// Details, canonical JSON text.
    pub payload: String,
    /// The previous record's hash (hex).
    pub prev_hash: String,
    /// SHA-256 of the previous hash and this record's canonical encoding (hex).
    pub hash: String,
}

/// A signed audit checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditCheckpoint {
    /// The number of records covered.
    pub seq: i64,
    /// The hash of record `seq`.
    pub hash: String,
    /// When it was signed.
    pub ts: String,
    /// The Ed25519 public key (hex).
    pub public_key: String,
    /// The signature (hex).
    pub signature: String,
}

/// What `audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AuditVerification {
    /// True when every record, the head and every checkpoint verify.
    pub ok: bool,
    /// Records that verified before the first break (all of them when `ok`).
    pub records: i64,
    /// The first broken record, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_broken: Option<i64>,
    /// What is wrong, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// Checkpoints checked (stored and given).
    pub checkpoints: u64,
}

/// What a re-screening run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct RescreenSummary {
    /// The run's id (a hash of what it screens against).
    pub run_id: String,
    /// `none` (nothing changed), `delta` (list changes and changed subjects) or `full`.
    pub kind: String,
    /// The list versions screened against (`list@version`).
    pub lists: Vec<String>,
    /// Whether the run continued one that had stopped.
    pub resumed: bool,
    /// Listed entities added, changed and removed since the last run.
    pub added: u64,
    /// See `added`.
    pub changed: u64,
    /// See `added`.
    pub removed: u64,
    /// Subjects screened forward (all in a full run, new or changed ones in a delta run).
    pub subjects_screened: u64,
    /// Subjects that reverse screening of the delta retrieved and screened.
    pub candidates: u64,
    /// Alerts opened.
    pub alerts_opened: u64,
    /// Open alerts marked because their entity left the list.
    pub alerts_delisted: u64,
    /// Hits not alerted because an allow-list entry covers the same entity version.
    pub allowed: u64,
}

/// What `retention run` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RetentionSummary {
    /// Subjects removed before this time had their personal data deleted.
    pub cutoff: String,
    /// How many subjects were purged.
    pub purged: u64,
}
