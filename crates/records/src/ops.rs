//! The operations on the records: each writes its change and its audit records in one [`Tx`].

use api::{
    AlertOut, AlertState, AuditCheckpoint, AuditRecord, AuditVerification, DecisionOut, Outcome,
    SubjectImport, SubjectInput, SubjectOut,
};
use serde_json::{Value, json};
use sqlx::any::AnyRow;

use crate::audit::{self, Checkpoint, Verifier};
use crate::{Actor, Db, Error, Result, Role, Tx, col, time};

/// A subject as the screening pipelines read it.
#[derive(Debug, Clone)]
pub struct SubjectRow {
    /// The id.
    pub id: i64,
    /// The data version (screening marks it screened at this version).
    pub version: i64,
    /// The data.
    pub data: SubjectInput,
}

/// A screening hit to record: it opens an alert unless one exists for the same subject and
/// entity version, or an allow-list entry covers this entity version.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The subject.
    pub subject_id: i64,
    /// The listed entity.
    pub entity_id: String,
    /// The entity's content fingerprint (hex).
    pub fingerprint: String,
    /// `list@version`.
    pub list_version: String,
    /// The score.
    pub score: f64,
    /// Why the screening ran: `new_hit` (list change) or `subject_changed`.
    pub reason: &'static str,
    /// The explanation and, for changed entities, the field changes.
    pub detail: Value,
}

/// The settings an administrator may change, with their allowed values: `evidence.input`
/// keeps screening inputs (`full`) or only their keyed hashes (`hash`); writers read it when
/// they start.
pub const CONFIGURABLE: &[(&str, &[&str])] = &[("evidence.input", &["full", "hash"])];

/// Which alerts to list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertFilter {
    /// Only alerts in this state.
    pub state: Option<AlertState>,
    /// Only alerts assigned to this user.
    pub assignee: Option<String>,
    /// Only alerts on entities of this list (`ofac-sdn`).
    pub list: Option<String>,
    /// Only alerts scoring at least this.
    pub min_score: Option<f64>,
    /// Only alerts older than this id (paging, newest first).
    pub before_id: Option<i64>,
    /// At most this many.
    pub limit: i64,
}

/// A re-screening run's progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunState {
    /// The run id.
    pub id: String,
    /// `full` or `delta`.
    pub kind: String,
    /// What it screens against (JSON).
    pub target: String,
    /// The phase reached (the caller numbers its phases).
    pub phase: i64,
    /// The position within the phase.
    pub cursor: i64,
    /// `running` or `done`.
    pub state: String,
    /// Alerts opened so far.
    pub alerts_opened: i64,
}

/// Checks a subject before it is stored; the message names the field, never its value.
pub fn validate_subject(s: &SubjectInput) -> Result<(), String> {
    if s.external_ref.trim().is_empty() {
        return Err("external_ref is empty".into());
    }
    if !matches!(
        s.kind.as_str(),
        "customer" | "counterparty" | "employee" | "vendor"
    ) {
        return Err("kind must be customer, counterparty, employee or vendor".into());
    }
    if s.names.iter().all(|n| n.trim().is_empty()) {
        return Err("no name".into());
    }
    if let Some(schema) = &s.schema
        && !matches!(schema.as_str(), "person" | "organization")
    {
        return Err("schema must be person or organization".into());
    }
    Ok(())
}

fn subject_json(s: &SubjectInput) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

pub(crate) fn subject_out(r: &AnyRow) -> Result<SubjectOut> {
    let data: Option<String> = col(r, "data")?;
    Ok(SubjectOut {
        id: col(r, "id")?,
        external_ref: col(r, "external_ref")?,
        kind: col(r, "kind")?,
        status: col(r, "status")?,
        blocked: col::<i64>(r, "blocked")? != 0,
        version: col(r, "version")?,
        data: data.and_then(|d| serde_json::from_str(&d).ok()),
        data_hash: col(r, "data_hash")?,
        removed_at: col(r, "removed_at")?,
        removed_reason: col(r, "removed_reason")?,
        created_at: col(r, "created_at")?,
        updated_at: col(r, "updated_at")?,
    })
}

pub(crate) const SUBJECT_COLS: &str = "id, external_ref, kind, status, blocked, version, data, data_hash, \
     removed_at, removed_reason, created_at, updated_at";

fn state_str(s: AlertState) -> &'static str {
    match s {
        AlertState::Open => "open",
        AlertState::InReview => "in_review",
        AlertState::Escalated => "escalated",
        AlertState::Closed => "closed",
    }
}

fn parse_state(s: &str) -> AlertState {
    match s {
        "in_review" => AlertState::InReview,
        "escalated" => AlertState::Escalated,
        "closed" => AlertState::Closed,
        _ => AlertState::Open,
    }
}

fn outcome_str(o: Outcome) -> &'static str {
    match o {
        Outcome::TrueMatch => "true_match",
        Outcome::FalsePositive => "false_positive",
    }
}

fn parse_outcome(s: &str) -> Outcome {
    if s == "true_match" {
        Outcome::TrueMatch
    } else {
        Outcome::FalsePositive
    }
}

pub(crate) const ALERT_COLS: &str = "a.id, a.subject_id, s.external_ref, a.entity_id, a.fingerprint, \
     a.list_version, a.score, a.state, a.reason, a.detail, a.assignee, a.due_at, a.resolution, \
     a.created_at, a.updated_at";

pub(crate) fn alert_out(r: &AnyRow) -> Result<AlertOut> {
    let detail: Option<String> = col(r, "detail")?;
    let resolution: Option<String> = col(r, "resolution")?;
    Ok(AlertOut {
        id: col(r, "id")?,
        subject_id: col(r, "subject_id")?,
        external_ref: col(r, "external_ref")?,
        entity_id: col(r, "entity_id")?,
        fingerprint: col(r, "fingerprint")?,
        list_version: col(r, "list_version")?,
        score: col(r, "score")?,
        state: parse_state(&col::<String>(r, "state")?),
        reason: col(r, "reason")?,
        detail: detail.and_then(|d| serde_json::from_str(&d).ok()),
        assignee: col(r, "assignee")?,
        due_at: col(r, "due_at")?,
        resolution: resolution.as_deref().map(parse_outcome),
        created_at: col(r, "created_at")?,
        updated_at: col(r, "updated_at")?,
        decisions: Vec::new(),
    })
}

fn decision_out(r: &AnyRow) -> Result<DecisionOut> {
    Ok(DecisionOut {
        id: col(r, "id")?,
        alert_id: col(r, "alert_id")?,
        outcome: parse_outcome(&col::<String>(r, "outcome")?),
        state: col(r, "state")?,
        proposer: col(r, "proposer")?,
        proposer_reason: col(r, "proposer_reason")?,
        proposed_at: col(r, "proposed_at")?,
        reviewer: col(r, "reviewer")?,
        reviewer_reason: col(r, "reviewer_reason")?,
        reviewed_at: col(r, "reviewed_at")?,
    })
}

pub(crate) fn audit_row(r: &AnyRow) -> Result<audit::Record> {
    Ok(audit::Record {
        seq: col(r, "seq")?,
        ts: col(r, "ts")?,
        actor: col(r, "actor")?,
        action: col(r, "action")?,
        object: col(r, "object")?,
        payload: col(r, "payload")?,
        prev_hash: col(r, "prev_hash")?,
        hash: col(r, "hash")?,
    })
}

fn reason_required(reason: &str) -> Result<()> {
    if reason.trim().is_empty() {
        return Err(Error::Invalid("a reason is required".into()));
    }
    Ok(())
}

impl Db {
    /// Upserts subjects (already validated) in one transaction with one audit record for the
    /// batch, which holds the count and a digest of the references and data hashes, not data.
    pub async fn import_subjects(
        &self,
        actor: &Actor,
        rows: &[SubjectInput],
        source: &str,
    ) -> Result<SubjectImport> {
        let mut out = SubjectImport::default();
        let now = time::now();
        let mut tx = self.begin().await?;
        let mut digest = String::new();
        for s in rows {
            let data = subject_json(s);
            let hash = audit::sha256_hex(data.as_bytes());
            let row = sqlx::query(
                "INSERT INTO subjects (external_ref, kind, data, data_hash, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) \
                 ON CONFLICT (external_ref) DO UPDATE SET kind = excluded.kind, data = excluded.data, \
                 data_hash = excluded.data_hash, status = 'active', removed_at = NULL, \
                 removed_reason = NULL, version = subjects.version + 1, updated_at = excluded.updated_at \
                 WHERE subjects.data_hash <> excluded.data_hash OR subjects.status <> 'active' \
                 RETURNING version",
            )
            .bind(&s.external_ref)
            .bind(&s.kind)
            .bind(&data)
            .bind(&hash)
            .bind(&now)
            .fetch_optional(tx.conn())
            .await?;
            out.read += 1;
            match row {
                Some(r) if col::<i64>(&r, "version")? == 1 => out.inserted += 1,
                Some(_) => out.updated += 1,
                None => out.unchanged += 1,
            }
            digest.push_str(&s.external_ref);
            digest.push('\t');
            digest.push_str(&hash);
            digest.push('\n');
        }
        tx.audit(
            &actor.user,
            "subjects.import",
            &format!("import:{source}"),
            json!({
                "rows": out.read, "inserted": out.inserted, "updated": out.updated,
                "unchanged": out.unchanged, "digest": audit::sha256_hex(digest.as_bytes()),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Subjects by status (all when `None`), ordered by id, after `after_id`.
    pub async fn list_subjects(
        &self,
        status: Option<&str>,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<SubjectOut>> {
        let sql = format!(
            "SELECT {SUBJECT_COLS} FROM subjects WHERE id > $1 AND ($2 = '' OR status = $2) \
             ORDER BY id LIMIT $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(after_id)
            .bind(status.unwrap_or(""))
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(subject_out).collect()
    }

    /// One subject by reference.
    pub async fn subject(&self, external_ref: &str) -> Result<SubjectOut> {
        let sql = format!("SELECT {SUBJECT_COLS} FROM subjects WHERE external_ref = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(external_ref)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| Error::NotFound(format!("subject {external_ref}")))?;
        subject_out(&row)
    }

    /// Stops monitoring a subject and starts its retention clock.
    pub async fn remove_subject(
        &self,
        actor: &Actor,
        external_ref: &str,
        reason: &str,
    ) -> Result<SubjectOut> {
        reason_required(reason)?;
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "UPDATE subjects SET status = 'removed', removed_at = $2, removed_reason = $3, \
             updated_at = $2 WHERE external_ref = $1 AND status = 'active' RETURNING id",
        )
        .bind(external_ref)
        .bind(time::now())
        .bind(reason)
        .fetch_optional(tx.conn())
        .await?
        .ok_or_else(|| Error::NotFound(format!("active subject {external_ref}")))?;
        let id: i64 = col(&row, "id")?;
        tx.audit(
            &actor.user,
            "subject.remove",
            &format!("subject:{id}"),
            json!({ "reason": reason }),
        )
        .await?;
        tx.commit().await?;
        self.subject(external_ref).await
    }

    /// Active subjects after `after_id`, in id order; only those changed since their last
    /// screening when `dirty_only`.
    pub async fn subjects_page(
        &self,
        after_id: i64,
        limit: i64,
        dirty_only: bool,
    ) -> Result<Vec<SubjectRow>> {
        let sql = if dirty_only {
            "SELECT id, version, data FROM subjects WHERE id > $1 AND status = 'active' \
             AND screened_version < version ORDER BY id LIMIT $2"
        } else {
            "SELECT id, version, data FROM subjects WHERE id > $1 AND status = 'active' \
             ORDER BY id LIMIT $2"
        };
        let rows = sqlx::query(sql)
            .bind(after_id)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                let data: Option<String> = col(r, "data")?;
                Ok(SubjectRow {
                    id: col(r, "id")?,
                    version: col(r, "version")?,
                    data: data
                        .and_then(|d| serde_json::from_str(&d).ok())
                        .unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Subjects by id (those not active are left out).
    pub async fn subjects_by_id(&self, ids: &[i64]) -> Result<Vec<SubjectRow>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
            // The ids are integers formatted here, never caller text.
            let sql = format!(
                "SELECT id, version, data FROM subjects WHERE status = 'active' AND id IN ({}) ORDER BY id",
                list.join(",")
            );
            for r in sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(self.pool())
                .await?
            {
                let data: Option<String> = col(&r, "data")?;
                out.push(SubjectRow {
                    id: col(&r, "id")?,
                    version: col(&r, "version")?,
                    data: data
                        .and_then(|d| serde_json::from_str(&d).ok())
                        .unwrap_or_default(),
                });
            }
        }
        Ok(out)
    }

    /// A cheap fingerprint of the set of active subjects and their versions, for caching an
    /// index over them.
    pub async fn subjects_revision(&self) -> Result<String> {
        let r = sqlx::query(
            "SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS m, CAST(COALESCE(SUM(version), 0) AS BIGINT) AS v, \
             COALESCE(MAX(updated_at), '') AS u FROM subjects WHERE status = 'active'",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(format!(
            "{}-{}-{}-{}",
            col::<i64>(&r, "n")?,
            col::<i64>(&r, "m")?,
            col::<i64>(&r, "v")?,
            col::<String>(&r, "u")?
        ))
    }

    /// Whether the subject is blocked by an approved true match.
    pub async fn is_blocked(&self, external_ref: &str) -> Result<bool> {
        Ok(self.subject(external_ref).await?.blocked)
    }

    /// Changes a setting an administrator may configure (see [`CONFIGURABLE`]), logging the
    /// old and new values.
    pub async fn configure(&self, actor: &Actor, key: &str, value: &str) -> Result<()> {
        if actor.role != Role::Admin {
            return Err(Error::Forbidden(
                "changing settings needs the admin role".into(),
            ));
        }
        let Some((_, allowed)) = CONFIGURABLE.iter().find(|(k, _)| *k == key) else {
            let keys: Vec<&str> = CONFIGURABLE.iter().map(|(k, _)| *k).collect();
            return Err(Error::Invalid(format!(
                "unknown setting {key:?}; settings: {}",
                keys.join(", ")
            )));
        };
        if !allowed.contains(&value) {
            return Err(Error::Invalid(format!(
                "{key} must be one of {}",
                allowed.join(", ")
            )));
        }
        let old = self.setting(key).await?;
        let mut tx = self.begin().await?;
        tx.set_setting(key, value).await?;
        tx.audit(
            &actor.user,
            "setting.change",
            &format!("setting:{key}"),
            json!({ "from": old, "to": value }),
        )
        .await?;
        tx.commit().await
    }

    /// A setting, if set.
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        let r = sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(self.pool())
            .await?;
        r.map(|r| col(&r, "value")).transpose()
    }

    /// A run by id.
    pub async fn run(&self, id: &str) -> Result<Option<RunState>> {
        let r = sqlx::query(
            "SELECT id, kind, target, phase, cursor, state, alerts_opened FROM runs WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        r.map(|r| {
            Ok(RunState {
                id: col(&r, "id")?,
                kind: col(&r, "kind")?,
                target: col(&r, "target")?,
                phase: col(&r, "phase")?,
                cursor: col(&r, "cursor")?,
                state: col(&r, "state")?,
                alerts_opened: col(&r, "alerts_opened")?,
            })
        })
        .transpose()
    }

    /// Alerts, newest first, filtered by state and assignee.
    pub async fn alerts(
        &self,
        state: Option<AlertState>,
        assignee: Option<&str>,
        limit: i64,
    ) -> Result<Vec<AlertOut>> {
        self.alerts_where(&AlertFilter {
            state,
            assignee: assignee.map(str::to_string),
            limit,
            ..AlertFilter::default()
        })
        .await
    }

    /// Alerts, newest first, by every filter given.
    pub async fn alerts_where(&self, f: &AlertFilter) -> Result<Vec<AlertOut>> {
        let sql = format!(
            "SELECT {ALERT_COLS} FROM alerts a JOIN subjects s ON s.id = a.subject_id \
             WHERE ($1 = '' OR a.state = $1) AND ($2 = '' OR a.assignee = $2) \
             AND ($3 = '' OR a.list_version LIKE $3 || '@%') AND a.score >= $4 \
             AND ($5 = 0 OR a.id < $5) ORDER BY a.id DESC LIMIT $6"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(f.state.map(state_str).unwrap_or(""))
            .bind(f.assignee.as_deref().unwrap_or(""))
            .bind(f.list.as_deref().unwrap_or(""))
            .bind(f.min_score.unwrap_or(0.0))
            .bind(f.before_id.unwrap_or(0))
            .bind(f.limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(alert_out).collect()
    }

    /// One alert with its decisions.
    pub async fn alert(&self, id: i64) -> Result<AlertOut> {
        let sql = format!(
            "SELECT {ALERT_COLS} FROM alerts a JOIN subjects s ON s.id = a.subject_id WHERE a.id = $1"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| Error::NotFound(format!("alert {id}")))?;
        let mut a = alert_out(&row)?;
        let rows = sqlx::query("SELECT * FROM decisions WHERE alert_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(self.pool())
            .await?;
        a.decisions = rows.iter().map(decision_out).collect::<Result<_>>()?;
        Ok(a)
    }

    /// Every alert of a subject, oldest first.
    pub async fn alerts_of(&self, subject_id: i64) -> Result<Vec<AlertOut>> {
        let sql = format!(
            "SELECT {ALERT_COLS} FROM alerts a JOIN subjects s ON s.id = a.subject_id \
             WHERE a.subject_id = $1 ORDER BY a.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(subject_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(alert_out).collect()
    }

    async fn alert_state(tx: &mut Tx, id: i64) -> Result<AlertState> {
        let r = sqlx::query("SELECT state FROM alerts WHERE id = $1")
            .bind(id)
            .fetch_optional(tx.conn())
            .await?
            .ok_or_else(|| Error::NotFound(format!("alert {id}")))?;
        Ok(parse_state(&col::<String>(&r, "state")?))
    }

    /// Assigns an alert (open or in review) and puts it in review.
    pub async fn assign(
        &self,
        actor: &Actor,
        id: i64,
        assignee: &str,
        due_at: Option<&str>,
    ) -> Result<AlertOut> {
        if assignee.trim().is_empty() {
            return Err(Error::Invalid("the assignee is empty".into()));
        }
        let mut tx = self.begin().await?;
        let state = Db::alert_state(&mut tx, id).await?;
        if state == AlertState::Closed {
            return Err(Error::Invalid(format!("alert {id} is closed")));
        }
        let next = if state == AlertState::Open {
            AlertState::InReview
        } else {
            state
        };
        sqlx::query(
            "UPDATE alerts SET assignee = $2, due_at = $3, state = $4, updated_at = $5 WHERE id = $1",
        )
        .bind(id)
        .bind(assignee)
        .bind(due_at)
        .bind(state_str(next))
        .bind(time::now())
        .execute(tx.conn())
        .await?;
        tx.audit(
            &actor.user,
            "alert.assign",
            &format!("alert:{id}"),
            json!({ "assignee": assignee, "due_at": due_at, "from": state_str(state), "to": state_str(next) }),
        )
        .await?;
        tx.commit().await?;
        self.alert(id).await
    }

    /// Escalates an open or in-review alert.
    pub async fn escalate(&self, actor: &Actor, id: i64, reason: &str) -> Result<AlertOut> {
        reason_required(reason)?;
        let mut tx = self.begin().await?;
        let state = Db::alert_state(&mut tx, id).await?;
        if !matches!(state, AlertState::Open | AlertState::InReview) {
            return Err(Error::Invalid(format!(
                "alert {id} is {}; only open or in-review alerts are escalated",
                state_str(state)
            )));
        }
        sqlx::query("UPDATE alerts SET state = 'escalated', updated_at = $2 WHERE id = $1")
            .bind(id)
            .bind(time::now())
            .execute(tx.conn())
            .await?;
        tx.audit(
            &actor.user,
            "alert.escalate",
            &format!("alert:{id}"),
            json!({ "reason": reason, "from": state_str(state) }),
        )
        .await?;
        tx.commit().await?;
        self.alert(id).await
    }

    /// Proposes closing an alert; one pending proposal per alert.
    pub async fn propose(
        &self,
        actor: &Actor,
        alert_id: i64,
        outcome: Outcome,
        reason: &str,
    ) -> Result<DecisionOut> {
        reason_required(reason)?;
        let mut tx = self.begin().await?;
        let state = Db::alert_state(&mut tx, alert_id).await?;
        if state == AlertState::Closed {
            return Err(Error::Invalid(format!("alert {alert_id} is closed")));
        }
        let pending =
            sqlx::query("SELECT id FROM decisions WHERE alert_id = $1 AND state = 'pending'")
                .bind(alert_id)
                .fetch_optional(tx.conn())
                .await?;
        if let Some(p) = pending {
            return Err(Error::Invalid(format!(
                "alert {alert_id} already has a pending decision ({})",
                col::<i64>(&p, "id")?
            )));
        }
        let r = sqlx::query(
            "INSERT INTO decisions (alert_id, outcome, proposer, proposer_reason, proposed_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(alert_id)
        .bind(outcome_str(outcome))
        .bind(&actor.user)
        .bind(reason)
        .bind(time::now())
        .fetch_one(tx.conn())
        .await?;
        let id: i64 = col(&r, "id")?;
        tx.audit(
            &actor.user,
            "decision.propose",
            &format!("decision:{id}"),
            json!({ "alert": alert_id, "outcome": outcome_str(outcome), "reason": reason, "role": actor.role.as_str() }),
        )
        .await?;
        tx.commit().await?;
        self.decision(id).await
    }

    /// One decision.
    pub async fn decision(&self, id: i64) -> Result<DecisionOut> {
        let r = sqlx::query("SELECT * FROM decisions WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| Error::NotFound(format!("decision {id}")))?;
        decision_out(&r)
    }

    /// Approves (`approve`) or rejects a pending decision. Only a reviewer (or admin) who is
    /// not the proposer may; an approval closes the alert, and a false positive becomes an
    /// allow-list entry for the entity version, a true match blocks the subject.
    pub async fn review(
        &self,
        actor: &Actor,
        id: i64,
        approve: bool,
        reason: &str,
    ) -> Result<DecisionOut> {
        reason_required(reason)?;
        if actor.role == Role::Analyst {
            return Err(Error::Forbidden(
                "approving or rejecting a decision needs the reviewer role".into(),
            ));
        }
        let mut tx = self.begin().await?;
        let d = sqlx::query("SELECT * FROM decisions WHERE id = $1")
            .bind(id)
            .fetch_optional(tx.conn())
            .await?
            .ok_or_else(|| Error::NotFound(format!("decision {id}")))?;
        let d = decision_out(&d)?;
        if d.state != "pending" {
            return Err(Error::Invalid(format!(
                "decision {id} is already {}",
                d.state
            )));
        }
        if d.proposer == actor.user {
            return Err(Error::FourEyes(format!(
                "{} proposed decision {id} and cannot also review it (four-eyes rule)",
                actor.user
            )));
        }
        let now = time::now();
        let verb = if approve { "approved" } else { "rejected" };
        sqlx::query(
            "UPDATE decisions SET state = $2, reviewer = $3, reviewer_reason = $4, reviewed_at = $5 \
             WHERE id = $1 AND state = 'pending'",
        )
        .bind(id)
        .bind(verb)
        .bind(&actor.user)
        .bind(reason)
        .bind(&now)
        .execute(tx.conn())
        .await?;
        let object = format!("decision:{id}");
        let payload = json!({ "alert": d.alert_id, "outcome": outcome_str(d.outcome), "reason": reason, "proposer": d.proposer });
        if !approve {
            tx.audit(&actor.user, "decision.reject", &object, payload)
                .await?;
            tx.commit().await?;
            return self.decision(id).await;
        }
        tx.audit(&actor.user, "decision.approve", &object, payload)
            .await?;
        let a = sqlx::query(
            "UPDATE alerts SET state = 'closed', resolution = $2, updated_at = $3 WHERE id = $1 \
             RETURNING subject_id, entity_id, fingerprint",
        )
        .bind(d.alert_id)
        .bind(outcome_str(d.outcome))
        .bind(&now)
        .fetch_one(tx.conn())
        .await?;
        let subject_id: i64 = col(&a, "subject_id")?;
        let entity_id: String = col(&a, "entity_id")?;
        let fingerprint: String = col(&a, "fingerprint")?;
        tx.audit(
            &actor.user,
            "alert.close",
            &format!("alert:{}", d.alert_id),
            json!({ "resolution": outcome_str(d.outcome), "decision": id }),
        )
        .await?;
        match d.outcome {
            Outcome::FalsePositive => {
                sqlx::query(
                    "INSERT INTO allow_entries (subject_id, entity_id, fingerprint, decision_id, created_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (subject_id, entity_id) DO UPDATE SET \
                     fingerprint = excluded.fingerprint, decision_id = excluded.decision_id, \
                     created_at = excluded.created_at",
                )
                .bind(subject_id)
                .bind(&entity_id)
                .bind(&fingerprint)
                .bind(id)
                .bind(&now)
                .execute(tx.conn())
                .await?;
                tx.audit(
                    &actor.user,
                    "allow.add",
                    &format!("subject:{subject_id}"),
                    json!({ "entity": entity_id, "fingerprint": fingerprint, "decision": id }),
                )
                .await?;
            }
            Outcome::TrueMatch => {
                sqlx::query("UPDATE subjects SET blocked = 1, updated_at = $2 WHERE id = $1")
                    .bind(subject_id)
                    .bind(&now)
                    .execute(tx.conn())
                    .await?;
                tx.audit(
                    &actor.user,
                    "subject.block",
                    &format!("subject:{subject_id}"),
                    json!({ "entity": entity_id, "decision": id }),
                )
                .await?;
            }
        }
        tx.commit().await?;
        self.decision(id).await
    }

    /// Audit records after `after_seq`, in order, at most `limit`.
    pub async fn audit_page(&self, after_seq: i64, limit: i64) -> Result<Vec<audit::Record>> {
        let rows = sqlx::query(
            "SELECT seq, ts, actor, action, object, payload, prev_hash, hash FROM audit \
             WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after_seq)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(audit_row).collect()
    }

    /// Verifies the whole chain, the head and every checkpoint (stored ones and `given`).
    /// With `trusted_key` (hex), every checkpoint must be signed by that key.
    pub async fn verify_audit(
        &self,
        given: &[AuditCheckpoint],
        trusted_key: Option<&str>,
    ) -> Result<AuditVerification> {
        let mut checkpoints: Vec<Checkpoint> = sqlx::query(
            "SELECT seq, hash, ts, public_key, signature FROM audit_checkpoints ORDER BY seq",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(Checkpoint {
                seq: col(r, "seq")?,
                hash: col(r, "hash")?,
                ts: col(r, "ts")?,
                public_key: col(r, "public_key")?,
                signature: col(r, "signature")?,
            })
        })
        .collect::<Result<_>>()?;
        checkpoints.extend(given.iter().map(|c| Checkpoint {
            seq: c.seq,
            hash: c.hash.clone(),
            ts: c.ts.clone(),
            public_key: c.public_key.clone(),
            signature: c.signature.clone(),
        }));
        let mut bad: Option<(i64, String)> = None;
        for c in &checkpoints {
            let trusted = trusted_key.is_none_or(|k| k == c.public_key);
            if !c.signature_ok() || !trusted {
                bad.get_or_insert((
                    c.seq,
                    format!(
                        "the checkpoint at record {} has an invalid or foreign signature",
                        c.seq
                    ),
                ));
            }
        }
        let mut want: std::collections::BTreeMap<i64, Vec<String>> = Default::default();
        for c in &checkpoints {
            want.entry(c.seq).or_default().push(c.hash.clone());
        }
        // Each page is hashed on a blocking thread while the next one is read, so reading
        // (row decoding) and hashing use both cores.
        let want = std::sync::Arc::new(want);
        let mut v = Verifier::default();
        let mut page = self.audit_page(0, 20_000).await?;
        while let Some(last) = page.last().map(|r| r.seq) {
            let want2 = want.clone();
            let check = tokio::task::spawn_blocking(move || {
                let mut differs = None;
                for r in &page {
                    if !v.push(r) {
                        break;
                    }
                    if let Some(hashes) = want2.get(&r.seq)
                        && hashes.iter().any(|h| h != &r.hash)
                    {
                        differs.get_or_insert((
                            r.seq,
                            format!("record {} differs from the signed checkpoint", r.seq),
                        ));
                    }
                }
                (v, differs)
            });
            let (next, checked) = tokio::join!(self.audit_page(last, 20_000), check);
            let (checked_v, differs) = checked
                .map_err(|e| Error::Invalid(format!("the verification worker failed: {e}")))?;
            v = checked_v;
            if bad.is_none() {
                bad = differs;
            }
            if v.broken.is_some() {
                break;
            }
            page = next?;
        }
        let verified = v.verified();
        let (first_broken, problem) = if let Some(b) = v.broken.clone() {
            (Some(b.seq), Some(b.problem))
        } else {
            let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(self.pool())
                .await?;
            let (hseq, hhash): (i64, String) = (col(&head, "seq")?, col(&head, "hash")?);
            let beyond = want.keys().next_back().copied().filter(|&s| s > verified);
            if hseq != verified || hhash != v.last_hash() {
                (
                    Some(verified + 1),
                    Some(format!(
                        "the chain ends at record {verified} but its head says {hseq}: records were removed from the end"
                    )),
                )
            } else if let Some(s) = beyond {
                (
                    Some(verified + 1),
                    Some(format!(
                        "a signed checkpoint covers record {s} but the chain ends at record {verified}: records were removed from the end"
                    )),
                )
            } else if let Some((seq, p)) = bad {
                (Some(seq), Some(p))
            } else {
                (None, None)
            }
        };
        Ok(AuditVerification {
            ok: first_broken.is_none(),
            records: verified,
            first_broken,
            problem,
            checkpoints: checkpoints.len() as u64,
        })
    }

    /// Signs the chain's head with `key`, stores the checkpoint and logs that it did.
    pub async fn checkpoint(
        &self,
        actor: &Actor,
        key: &ed25519_dalek::SigningKey,
    ) -> Result<AuditCheckpoint> {
        let mut tx = self.begin().await?;
        let cp = Checkpoint::sign(key, tx.seq, &tx.hash.clone(), &time::now());
        sqlx::query(
            "INSERT INTO audit_checkpoints (seq, hash, ts, public_key, signature) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (seq) DO NOTHING",
        )
        .bind(cp.seq)
        .bind(&cp.hash)
        .bind(&cp.ts)
        .bind(&cp.public_key)
        .bind(&cp.signature)
        .execute(tx.conn())
        .await?;
        tx.audit(
            &actor.user,
            "audit.checkpoint",
            &format!("audit:{}", cp.seq),
            json!({ "seq": cp.seq, "hash": cp.hash, "public_key": cp.public_key }),
        )
        .await?;
        tx.commit().await?;
        Ok(AuditCheckpoint {
            seq: cp.seq,
            hash: cp.hash,
            ts: cp.ts,
            public_key: cp.public_key,
            signature: cp.signature,
        })
    }

    /// Deletes the personal data of subjects removed before `cutoff`: their data, their
    /// screening inputs and results, and their alerts' details; the audit trail keeps only ids
    /// and hashes, so it still verifies. Logs one record listing the subjects.
    pub async fn purge(&self, actor: &Actor, cutoff: &str) -> Result<u64> {
        let mut tx = self.begin().await?;
        let ids: Vec<i64> = sqlx::query(
            "UPDATE subjects SET data = NULL, status = 'purged', updated_at = $2 \
             WHERE status = 'removed' AND removed_at < $1 RETURNING id",
        )
        .bind(cutoff)
        .bind(time::now())
        .fetch_all(tx.conn())
        .await?
        .iter()
        .map(|r| col(r, "id"))
        .collect::<Result<_>>()?;
        for &id in &ids {
            sqlx::query("UPDATE screenings SET input = NULL, results = NULL WHERE subject_id = $1")
                .bind(id)
                .execute(tx.conn())
                .await?;
            sqlx::query("UPDATE alerts SET detail = NULL WHERE subject_id = $1")
                .bind(id)
                .execute(tx.conn())
                .await?;
        }
        tx.audit(
            &actor.user,
            "retention.purge",
            "subjects",
            json!({ "cutoff": cutoff, "subjects": ids }),
        )
        .await?;
        tx.commit().await?;
        Ok(ids.len() as u64)
    }
}

/// Screening evidence to store with a run's batch.
#[derive(Debug, Clone)]
pub struct Evidence {
    /// The subject screened, if a stored one.
    pub subject_id: Option<i64>,
    /// `cli`, `api` or `monitor`.
    pub source: &'static str,
    /// The normalised input (None where policy keeps only its hash).
    pub input: Option<String>,
    /// SHA-256 of the input.
    pub input_hash: String,
    /// `list@version`, comma-separated.
    pub lists: String,
    /// The engine version.
    pub engine: String,
    /// A hash of the screening configuration.
    pub config_hash: String,
    /// The results with scores and explanations (JSON).
    pub results: String,
    /// Who screened (`system:monitor` for re-screening runs).
    pub actor: String,
}

impl Tx {
    /// Records a hit: opens an alert unless one exists for this subject and entity version or an
    /// allow-list entry covers this entity version. Returns `Some(id)` for a new alert, `None`
    /// otherwise, and whether an allow entry suppressed it.
    pub async fn hit(&mut self, actor: &str, h: &Hit) -> Result<(Option<i64>, bool)> {
        let allow = sqlx::query(
            "SELECT fingerprint FROM allow_entries WHERE subject_id = $1 AND entity_id = $2",
        )
        .bind(h.subject_id)
        .bind(&h.entity_id)
        .fetch_optional(self.conn())
        .await?;
        let mut reason = h.reason;
        if let Some(a) = allow {
            if col::<String>(&a, "fingerprint")? == h.fingerprint {
                return Ok((None, true));
            }
            reason = "entity_changed";
        }
        let now = time::now();
        let row = sqlx::query(
            "INSERT INTO alerts (subject_id, entity_id, fingerprint, list_version, score, reason, \
             detail, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
             ON CONFLICT (subject_id, entity_id, fingerprint) DO NOTHING RETURNING id",
        )
        .bind(h.subject_id)
        .bind(&h.entity_id)
        .bind(&h.fingerprint)
        .bind(&h.list_version)
        .bind(h.score)
        .bind(reason)
        .bind(h.detail.to_string())
        .bind(&now)
        .fetch_optional(self.conn())
        .await?;
        let Some(row) = row else {
            return Ok((None, false));
        };
        let id: i64 = col(&row, "id")?;
        self.audit(
            actor,
            "alert.open",
            &format!("alert:{id}"),
            json!({
                "subject": h.subject_id, "entity": h.entity_id, "fingerprint": h.fingerprint,
                "list_version": h.list_version, "score": h.score, "reason": reason,
            }),
        )
        .await?;
        // The webhook body names the subject by the caller's reference, never by its data.
        let r = sqlx::query("SELECT external_ref FROM subjects WHERE id = $1")
            .bind(h.subject_id)
            .fetch_one(self.conn())
            .await?;
        let external_ref: String = col(&r, "external_ref")?;
        self.outbox(
            "alert.opened",
            &format!("alert:{id}"),
            &json!({
                "event": "alert.opened",
                "alert": {
                    "id": id, "subject_id": h.subject_id, "external_ref": external_ref,
                    "entity_id": h.entity_id, "fingerprint": h.fingerprint,
                    "list_version": h.list_version, "score": h.score, "reason": reason,
                    "created_at": now,
                },
            }),
        )
        .await?;
        Ok((Some(id), false))
    }

    /// Stores screening evidence; returns its id.
    pub async fn evidence(&mut self, e: &Evidence) -> Result<i64> {
        let r = sqlx::query(
            "INSERT INTO screenings (subject_id, source, input, input_hash, lists, engine, \
             config_hash, results, actor, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             RETURNING id",
        )
        .bind(e.subject_id)
        .bind(e.source)
        .bind(&e.input)
        .bind(&e.input_hash)
        .bind(&e.lists)
        .bind(&e.engine)
        .bind(&e.config_hash)
        .bind(&e.results)
        .bind(&e.actor)
        .bind(time::now())
        .fetch_one(self.conn())
        .await?;
        col(&r, "id")
    }

    /// Marks subjects screened at the given versions (a subject changed since stays due), 500
    /// per statement: a full re-screen of a million subjects is 2,000 statements, not a million.
    pub async fn mark_screened(&mut self, subjects: &[(i64, i64)]) -> Result<()> {
        for chunk in subjects.chunks(500) {
            // VALUES columns are `column1`, `column2` on both backends.
            let values: Vec<String> = (0..chunk.len())
                .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
                .collect();
            let sql = format!(
                "UPDATE subjects SET screened_version = v.column2 FROM (VALUES {}) AS v \
                 WHERE subjects.id = v.column1 AND subjects.version = v.column2",
                values.join(",")
            );
            // Only numbered placeholders are formatted in; the values are bound.
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for &(id, version) in chunk {
                q = q.bind(id).bind(version);
            }
            q.execute(self.conn()).await?;
        }
        Ok(())
    }

    /// Marks the alerts on entities that left the list (not closed, not yet marked) for
    /// review with the reason; returns how many.
    pub async fn delisted(&mut self, actor: &str, entity_id: &str, note: &str) -> Result<u64> {
        let ids: Vec<i64> = sqlx::query(
            "UPDATE alerts SET reason = reason || ',delisted', updated_at = $2 \
             WHERE entity_id = $1 AND state <> 'closed' AND reason NOT LIKE '%delisted%' RETURNING id",
        )
        .bind(entity_id)
        .bind(time::now())
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(|r| col(r, "id"))
        .collect::<Result<_>>()?;
        for id in &ids {
            self.audit(
                actor,
                "alert.delisted",
                &format!("alert:{id}"),
                json!({ "entity": entity_id, "note": note }),
            )
            .await?;
        }
        Ok(ids.len() as u64)
    }

    /// Starts a run (a no-op when it exists); logs the start.
    pub async fn run_start(
        &mut self,
        actor: &str,
        id: &str,
        kind: &str,
        target: &str,
    ) -> Result<bool> {
        let r = sqlx::query(
            "INSERT INTO runs (id, kind, target, started_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO NOTHING RETURNING id",
        )
        .bind(id)
        .bind(kind)
        .bind(target)
        .bind(time::now())
        .fetch_optional(self.conn())
        .await?;
        if r.is_some() {
            self.audit(actor, "rescreen.start", &format!("run:{id}"), json!({ "kind": kind, "target": serde_json::from_str::<Value>(target).unwrap_or(Value::Null) }))
                .await?;
        }
        Ok(r.is_some())
    }

    /// Moves a run's checkpoint and adds to its alert count.
    pub async fn run_advance(
        &mut self,
        id: &str,
        phase: i64,
        cursor: i64,
        opened: i64,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE runs SET phase = $2, cursor = $3, alerts_opened = alerts_opened + $4 WHERE id = $1",
        )
        .bind(id)
        .bind(phase)
        .bind(cursor)
        .bind(opened)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Finishes a run, records the settings it leaves behind and logs the summary.
    pub async fn run_finish(
        &mut self,
        actor: &str,
        id: &str,
        settings: &[(&str, &str)],
        summary: Value,
    ) -> Result<()> {
        sqlx::query("UPDATE runs SET state = 'done', finished_at = $2 WHERE id = $1")
            .bind(id)
            .bind(time::now())
            .execute(self.conn())
            .await?;
        for (k, v) in settings {
            self.set_setting(k, v).await?;
        }
        self.audit(actor, "rescreen.finish", &format!("run:{id}"), summary)
            .await?;
        Ok(())
    }

    /// Sets a setting (the caller logs what it means).
    pub async fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}

/// Reads the signing key at `path`, creating it (and logging its creation) when absent.
pub async fn signing_key(
    db: &Db,
    actor: &Actor,
    path: &std::path::Path,
) -> Result<ed25519_dalek::SigningKey> {
    let io = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let bytes = audit::unhex(text.trim())
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .ok_or_else(|| {
                    Error::Invalid(format!(
                        "{}: not an Ed25519 key (64 hex digits)",
                        path.display()
                    ))
                })?;
            Ok(ed25519_dalek::SigningKey::from_bytes(&bytes))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut seed = [0u8; 32];
            getrandom::getrandom(&mut seed)
                .map_err(|e| Error::Invalid(format!("no random source: {e}")))?;
            let key = ed25519_dalek::SigningKey::from_bytes(&seed);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            let tmp = path.with_extension("tmp");
            write_private(&tmp, &audit::hex(&seed)).map_err(io)?;
            std::fs::rename(&tmp, path).map_err(io)?;
            let mut tx = db.begin().await?;
            tx.audit(
                &actor.user,
                "key.create",
                "audit-key",
                json!({ "public_key": audit::hex(key.verifying_key().as_bytes()) }),
            )
            .await?;
            tx.commit().await?;
            Ok(key)
        }
        Err(e) => Err(io(e)),
    }
}

fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

/// Converts a stored audit record to the contract type.
pub fn audit_out(r: audit::Record) -> AuditRecord {
    AuditRecord {
        seq: r.seq,
        ts: r.ts,
        actor: r.actor,
        action: r.action,
        object: r.object,
        payload: r.payload,
        prev_hash: r.prev_hash,
        hash: r.hash,
    }
}

/// Parses an outcome name (`true_match`/`true-match`, `false_positive`/`false-positive`).
pub fn parse_outcome_arg(s: &str) -> Result<Outcome> {
    match s.replace('-', "_").as_str() {
        "true_match" => Ok(Outcome::TrueMatch),
        "false_positive" => Ok(Outcome::FalsePositive),
        _ => Err(Error::Invalid(format!(
            "unknown outcome {s:?}: use true-match or false-positive"
        ))),
    }
}

/// Parses an alert state name.
pub fn parse_state_arg(s: &str) -> Result<AlertState> {
    match s.replace('-', "_").as_str() {
        "open" => Ok(AlertState::Open),
        "in_review" => Ok(AlertState::InReview),
        "escalated" => Ok(AlertState::Escalated),
        "closed" => Ok(AlertState::Closed),
        _ => Err(Error::Invalid(format!(
            "unknown alert state {s:?}: use open, in-review, escalated or closed"
        ))),
    }
}
