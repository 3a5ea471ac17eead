//! The reads a reviewer's workbench needs beyond the command line's: the alert queue with
//! filters, keyset paging and counts per state, a subject's screenings and allow-list entries,
//! the alerts on one listed entity, the audit trail filtered and newest first, and comments on
//! alerts (kept as audit records, so they are as tamper-evident as the decisions they explain).
//!
//! Paging is by key, never by offset: a page continues after the last row's sort key and id,
//! so the hundredth page costs what the first does.

use api::{AlertOut, SubjectOut};
use serde_json::json;
use sqlx::any::AnyRow;

use crate::ops::{ALERT_COLS, SUBJECT_COLS, alert_out, audit_row, subject_out};
use crate::{Actor, Backend, Db, Error, Result, audit, col, time};

/// How the queue is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueueSort {
    /// Highest score first, then newest.
    #[default]
    Score,
    /// Newest first.
    Newest,
    /// Oldest first.
    Oldest,
}

impl QueueSort {
    /// Parses `score`, `newest` or `oldest` (anything else is the default).
    pub fn parse(s: &str) -> QueueSort {
        match s {
            "newest" => QueueSort::Newest,
            "oldest" => QueueSort::Oldest,
            _ => QueueSort::Score,
        }
    }

    /// The sort's name in query strings.
    pub fn as_str(self) -> &'static str {
        match self {
            QueueSort::Score => "score",
            QueueSort::Newest => "newest",
            QueueSort::Oldest => "oldest",
        }
    }
}

/// Which alerts the queue shows; every field narrows, `None` does not.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueFilter {
    /// `open`, `in_review`, `escalated` or `closed`.
    pub state: Option<String>,
    /// The list id (`ofac-sdn`, `un`), matched against the alert's `list@version`.
    pub list: Option<String>,
    /// Scores at or above this.
    pub min_score: Option<f64>,
    /// Scores below this.
    pub max_score: Option<f64>,
    /// Opened at or after this time (RFC 3339, as the records store times).
    pub opened_after: Option<String>,
    /// Opened before this time.
    pub opened_before: Option<String>,
    /// The assignee; the empty string selects unassigned alerts.
    pub assignee: Option<String>,
    /// The subject's kind: customer, counterparty, employee or vendor.
    pub subject_kind: Option<String>,
}

/// One row of the queue: what a reviewer scans before opening an alert.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRow {
    /// The alert.
    pub id: i64,
    /// The subject's id.
    pub subject_id: i64,
    /// The subject's reference.
    pub external_ref: String,
    /// The subject's kind.
    pub subject_kind: String,
    /// The subject's primary name (absent after retention deleted it).
    pub subject_name: Option<String>,
    /// The listed entity.
    pub entity_id: String,
    /// The listed entity's caption, from the stored match.
    pub caption: Option<String>,
    /// `list@version`.
    pub list_version: String,
    /// The score.
    pub score: f64,
    /// `open`, `in_review`, `escalated` or `closed`.
    pub state: String,
    /// Who works on it.
    pub assignee: Option<String>,
    /// Why it opened.
    pub reason: String,
    /// When it opened.
    pub created_at: String,
}

/// One page of the queue and the key of the next one.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuePage {
    /// The rows, in the requested order.
    pub rows: Vec<QueueRow>,
    /// Where the next page starts (`after` for [`Db::queue`]), when there is one.
    pub next: Option<String>,
}

/// A screening of one subject, as the subject page lists it (the results are not read).
#[derive(Debug, Clone, PartialEq)]
pub struct SubjectScreening {
    /// The evidence id.
    pub id: i64,
    /// `cli`, `api` or `monitor`.
    pub source: String,
    /// The list versions it ran against.
    pub lists: String,
    /// The engine version.
    pub engine: String,
    /// The configuration hash.
    pub config_hash: String,
    /// Who ran it.
    pub actor: String,
    /// When.
    pub created_at: String,
}

/// An allow-list entry: a cleared pair, bound to the entity version it was cleared against.
#[derive(Debug, Clone, PartialEq)]
pub struct AllowRow {
    /// The listed entity.
    pub entity_id: String,
    /// The entity's fingerprint when it was cleared.
    pub fingerprint: String,
    /// The approved decision that cleared it.
    pub decision_id: i64,
    /// When.
    pub created_at: String,
}

/// Which audit records to show; every field narrows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Actions starting with this (`decision.` or `alert.assign`).
    pub action: Option<String>,
    /// The actor, exactly.
    pub actor: Option<String>,
    /// The object, exactly (`alert:12`).
    pub object: Option<String>,
}

/// A bound value of a query built from a filter.
enum Bind {
    Text(String),
    Real(f64),
    Int(i64),
}

/// A WHERE clause under construction: conditions are fixed text with numbered parameters, and
/// every value a caller gives is bound, never formatted into the SQL.
#[derive(Default)]
struct Where {
    conds: Vec<String>,
    binds: Vec<Bind>,
}

impl Where {
    fn push(&mut self, cond: &str, values: Vec<Bind>) {
        let mut text = cond.to_string();
        for (i, v) in values.into_iter().enumerate() {
            self.binds.push(v);
            text = text.replace(&format!("?{}", i + 1), &format!("${}", self.binds.len()));
        }
        self.conds.push(text);
    }

    fn sql(&self) -> String {
        if self.conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conds.join(" AND "))
        }
    }

    fn bind<'q>(
        &'q self,
        mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
        for b in &self.binds {
            q = match b {
                Bind::Text(s) => q.bind(s.as_str()),
                Bind::Real(f) => q.bind(*f),
                Bind::Int(i) => q.bind(*i),
            };
        }
        q
    }
}

/// The conditions of a queue filter: for the page (`with_state`, over `alerts a JOIN subjects s`)
/// or for the counts per state (over `alerts a` alone, the state left out).
fn filter_where(f: &QueueFilter, with_state: bool, backend: Backend) -> Where {
    let mut w = Where::default();
    if with_state && let Some(s) = &f.state {
        w.push("a.state = ?1", vec![Bind::Text(s.clone())]);
    }
    if let Some(l) = &f.list {
        match backend {
            // `list@…` as a range (`@` sorts just before `A` in SQLite's byte order); list ids
            // hold no `@`. The counts read it from the covering index `alerts_list`; the page
            // must not (`+` keeps SQLite off that index), because walking the order's own index
            // and stopping after one page beats sorting every alert of the list: 0.1 ms
            // against 15 to 30 ms at 100,000 alerts.
            Backend::Sqlite if with_state => w.push(
                "+a.list_version >= ?1 AND +a.list_version < ?2",
                vec![Bind::Text(format!("{l}@")), Bind::Text(format!("{l}A"))],
            ),
            Backend::Sqlite => w.push(
                "a.list_version >= ?1 AND a.list_version < ?2",
                vec![Bind::Text(format!("{l}@")), Bind::Text(format!("{l}A"))],
            ),
            // PostgreSQL's collation may ignore punctuation in comparisons, so only a pattern
            // is exact there.
            Backend::Postgres => {
                w.push("a.list_version LIKE ?1", vec![Bind::Text(format!("{l}@%"))]);
            }
        }
    }
    if let Some(x) = f.min_score {
        w.push("a.score >= ?1", vec![Bind::Real(x)]);
    }
    if let Some(x) = f.max_score {
        w.push("a.score < ?1", vec![Bind::Real(x)]);
    }
    if let Some(t) = &f.opened_after {
        w.push("a.created_at >= ?1", vec![Bind::Text(t.clone())]);
    }
    if let Some(t) = &f.opened_before {
        w.push("a.created_at < ?1", vec![Bind::Text(t.clone())]);
    }
    match f.assignee.as_deref() {
        None => {}
        Some("") => w.push("a.assignee IS NULL", vec![]),
        Some(a) => w.push("a.assignee = ?1", vec![Bind::Text(a.to_string())]),
    }
    if let Some(k) = &f.subject_kind {
        if with_state {
            w.push("s.kind = ?1", vec![Bind::Text(k.clone())]);
        } else {
            // The counts visit every matching alert: a set of subject ids is cheaper to probe
            // than a join per alert (half the time at 100,000 alerts on SQLite).
            w.push(
                "a.subject_id IN (SELECT id FROM subjects WHERE kind = ?1)",
                vec![Bind::Text(k.clone())],
            );
        }
    }
    w
}

/// Parses a page key: `score:id` for the score order, `id` for the others.
fn parse_after(sort: QueueSort, after: &str) -> Result<(f64, i64)> {
    let bad = || Error::Invalid("the page key is not one this queue gave out".into());
    match sort {
        QueueSort::Score => {
            let (s, id) = after.split_once(':').ok_or_else(bad)?;
            Ok((
                s.parse().map_err(|_| bad())?,
                id.parse().map_err(|_| bad())?,
            ))
        }
        QueueSort::Newest | QueueSort::Oldest => Ok((0.0, after.parse().map_err(|_| bad())?)),
    }
}

fn queue_row(r: &AnyRow) -> Result<QueueRow> {
    let data: Option<String> = col(r, "data")?;
    let subject_name = data
        .and_then(|d| serde_json::from_str::<api::SubjectInput>(&d).ok())
        .and_then(|s| s.names.into_iter().next());
    let detail: Option<String> = col(r, "detail")?;
    let caption = detail
        .and_then(|d| serde_json::from_str::<serde_json::Value>(&d).ok())
        .and_then(|v| v["match"]["caption"].as_str().map(str::to_string));
    Ok(QueueRow {
        id: col(r, "id")?,
        subject_id: col(r, "subject_id")?,
        external_ref: col(r, "external_ref")?,
        subject_kind: col(r, "kind")?,
        subject_name,
        entity_id: col(r, "entity_id")?,
        caption,
        list_version: col(r, "list_version")?,
        score: col(r, "score")?,
        state: col(r, "state")?,
        assignee: col(r, "assignee")?,
        reason: col(r, "reason")?,
        created_at: col(r, "created_at")?,
    })
}

impl Db {
    /// One page of the alert queue: at most `limit` alerts matching `filter`, in `sort` order,
    /// after the page key `after` (from the previous page's `next`).
    pub async fn queue(
        &self,
        filter: &QueueFilter,
        sort: QueueSort,
        after: Option<&str>,
        limit: i64,
    ) -> Result<QueuePage> {
        let limit = limit.clamp(1, 500);
        let mut w = filter_where(filter, true, self.backend());
        if let Some(after) = after {
            let (score, id) = parse_after(sort, after)?;
            match sort {
                QueueSort::Score => w.push(
                    "(a.score < ?1 OR (a.score = ?1 AND a.id < ?2))",
                    vec![Bind::Real(score), Bind::Int(id)],
                ),
                QueueSort::Newest => w.push("a.id < ?1", vec![Bind::Int(id)]),
                QueueSort::Oldest => w.push("a.id > ?1", vec![Bind::Int(id)]),
            }
        }
        let order = match sort {
            QueueSort::Score => "a.score DESC, a.id DESC",
            QueueSort::Newest => "a.id DESC",
            QueueSort::Oldest => "a.id ASC",
        };
        // Ids grow with opening time, so the id orders stand for the time orders.
        let sql = format!(
            "SELECT a.id, a.subject_id, s.external_ref, s.kind, s.data, a.entity_id, a.detail, \
             a.list_version, a.score, a.state, a.assignee, a.reason, a.created_at \
             FROM alerts a JOIN subjects s ON s.id = a.subject_id{} ORDER BY {order} LIMIT {}",
            w.sql(),
            limit + 1
        );
        let rows = w
            .bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .fetch_all(self.pool())
            .await?;
        let mut rows: Vec<QueueRow> = rows.iter().map(queue_row).collect::<Result<_>>()?;
        let more = rows.len() as i64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(0));
        let next = match rows.last() {
            Some(r) if more => Some(match sort {
                QueueSort::Score => format!("{}:{}", r.score, r.id),
                QueueSort::Newest | QueueSort::Oldest => r.id.to_string(),
            }),
            _ => None,
        };
        Ok(QueuePage { rows, next })
    }

    /// How many alerts match `filter` in each state (the filter's own state left out), in
    /// the order open, in review, escalated, closed.
    pub async fn queue_counts(&self, filter: &QueueFilter) -> Result<[(&'static str, i64); 4]> {
        let w = filter_where(filter, false, self.backend());
        let sql = format!(
            "SELECT a.state AS state, COUNT(*) AS n FROM alerts a{} GROUP BY a.state",
            w.sql()
        );
        let rows = w
            .bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .fetch_all(self.pool())
            .await?;
        let mut out = [
            ("open", 0),
            ("in_review", 0),
            ("escalated", 0),
            ("closed", 0),
        ];
        for r in &rows {
            let state: String = col(r, "state")?;
            let n: i64 = col(r, "n")?;
            if let Some(slot) = out.iter_mut().find(|(s, _)| *s == state) {
                slot.1 = n;
            }
        }
        Ok(out)
    }

    /// The distinct list ids that alerts name, for the queue's list filter.
    pub async fn alert_lists(&self) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT DISTINCT list_version FROM alerts")
            .fetch_all(self.pool())
            .await?;
        let mut lists: Vec<String> = rows
            .iter()
            .map(|r| {
                let lv: String = col(r, "list_version")?;
                Ok(lv.split('@').next().unwrap_or("").to_string())
            })
            .collect::<Result<_>>()?;
        lists.sort();
        lists.dedup();
        Ok(lists)
    }

    /// One subject by id.
    pub async fn subject_by_id(&self, id: i64) -> Result<SubjectOut> {
        let sql = format!("SELECT {SUBJECT_COLS} FROM subjects WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| Error::NotFound(format!("subject {id}")))?;
        subject_out(&row)
    }

    /// The subject's screenings, newest first, at most `limit`.
    pub async fn screenings_of(
        &self,
        subject_id: i64,
        limit: i64,
    ) -> Result<Vec<SubjectScreening>> {
        let rows = sqlx::query(
            "SELECT id, source, lists, engine, config_hash, actor, created_at FROM screenings \
             WHERE subject_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(subject_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SubjectScreening {
                    id: col(r, "id")?,
                    source: col(r, "source")?,
                    lists: col(r, "lists")?,
                    engine: col(r, "engine")?,
                    config_hash: col(r, "config_hash")?,
                    actor: col(r, "actor")?,
                    created_at: col(r, "created_at")?,
                })
            })
            .collect()
    }

    /// The subject's allow-list entries, by entity.
    pub async fn allow_entries_of(&self, subject_id: i64) -> Result<Vec<AllowRow>> {
        let rows = sqlx::query(
            "SELECT entity_id, fingerprint, decision_id, created_at FROM allow_entries \
             WHERE subject_id = $1 ORDER BY entity_id",
        )
        .bind(subject_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AllowRow {
                    entity_id: col(r, "entity_id")?,
                    fingerprint: col(r, "fingerprint")?,
                    decision_id: col(r, "decision_id")?,
                    created_at: col(r, "created_at")?,
                })
            })
            .collect()
    }

    /// Alerts on one listed entity, newest first, at most `limit`.
    pub async fn alerts_on_entity(&self, entity_id: &str, limit: i64) -> Result<Vec<AlertOut>> {
        let sql = format!(
            "SELECT {ALERT_COLS} FROM alerts a JOIN subjects s ON s.id = a.subject_id \
             WHERE a.entity_id = $1 ORDER BY a.id DESC LIMIT $2"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(entity_id)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(alert_out).collect()
    }

    /// Audit records matching `filter`, newest first, before `before_seq` (all when `None`),
    /// at most `limit`.
    pub async fn audit_recent(
        &self,
        filter: &AuditFilter,
        before_seq: Option<i64>,
        limit: i64,
    ) -> Result<Vec<audit::Record>> {
        let mut w = Where::default();
        if let Some(a) = &filter.action {
            w.push("action LIKE ?1", vec![Bind::Text(format!("{a}%"))]);
        }
        if let Some(a) = &filter.actor {
            w.push("actor = ?1", vec![Bind::Text(a.clone())]);
        }
        if let Some(o) = &filter.object {
            w.push("object = ?1", vec![Bind::Text(o.clone())]);
        }
        if let Some(s) = before_seq {
            w.push("seq < ?1", vec![Bind::Int(s)]);
        }
        let sql = format!(
            "SELECT seq, ts, actor, action, object, payload, prev_hash, hash FROM audit{} \
             ORDER BY seq DESC LIMIT {}",
            w.sql(),
            limit.clamp(1, 1000)
        );
        let rows = w
            .bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(audit_row).collect()
    }

    /// Adds a comment to an alert. Comments live in the audit trail (`alert.comment`), so they
    /// cannot be edited or removed unnoticed.
    pub async fn comment(&self, actor: &Actor, alert_id: i64, text: &str) -> Result<i64> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::Invalid("the comment is empty".into()));
        }
        if text.chars().count() > 4000 {
            return Err(Error::Invalid(
                "a comment holds at most 4,000 characters".into(),
            ));
        }
        let mut tx = self.begin().await?;
        let exists = sqlx::query("SELECT id FROM alerts WHERE id = $1")
            .bind(alert_id)
            .fetch_optional(tx.conn())
            .await?;
        if exists.is_none() {
            return Err(Error::NotFound(format!("alert {alert_id}")));
        }
        let seq = tx
            .audit(
                &actor.user,
                "alert.comment",
                &format!("alert:{alert_id}"),
                json!({ "text": text, "at": time::now(), "role": actor.role.as_str() }),
            )
            .await?;
        tx.commit().await?;
        Ok(seq)
    }
}
