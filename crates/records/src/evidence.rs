//! Screening evidence from the front ends (the command line and the service) and the webhook
//! outbox: both written in [`Tx`]s, so each change commits with its audit records.

use serde_json::{Value, json};

use crate::{Db, Result, Tx, audit, col, time};

/// One screened query to keep as evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreeningRow {
    /// The normalised input (JSON), or `None` where policy keeps only its keyed hash.
    pub input: Option<String>,
    /// The keyed hash (HMAC-SHA256) of the normalised input.
    pub input_hash: String,
    /// The results with scores and explanations (JSON).
    pub results: String,
}

/// The screenings of one request (or one chunk of a batch file): what they share and one row
/// per query. Each batch gets one audit record naming its rows and a digest of their hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreeningBatch {
    /// Who asked: the API key's name, or `os:<user>` on the command line.
    pub actor: String,
    /// `cli` or `api`.
    pub source: String,
    /// The request id, or the batch file and chunk.
    pub reference: String,
    /// The endpoint or command (`/v1/screen`, `screen --input`).
    pub endpoint: String,
    /// `list@version`, comma-separated.
    pub lists: String,
    /// The engine version.
    pub engine: String,
    /// A hash of the screening configuration.
    pub config_hash: String,
    /// One row per query.
    pub rows: Vec<ScreeningRow>,
}

/// Rows per INSERT statement: 11 parameters each stays far below both backends' limits.
const ROWS_PER_STATEMENT: usize = 100;

impl Db {
    /// Stores the batches' rows and one audit record per batch, all in one transaction;
    /// returns how many rows were stored.
    pub async fn record_screenings(&self, batches: &[ScreeningBatch]) -> Result<u64> {
        let mut tx = self.begin().await?;
        let mut n = 0;
        for b in batches {
            n += tx.screenings(b).await?;
        }
        tx.commit().await?;
        Ok(n)
    }

    /// Undelivered outbox items due at `now`, oldest first.
    pub async fn outbox_due(&self, now: &str, limit: i64) -> Result<Vec<OutboxItem>> {
        let rows = sqlx::query(
            "SELECT id, topic, object, body, attempts, delivered_to FROM outbox \
             WHERE delivered_at IS NULL AND next_at <= $1 ORDER BY id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let to: String = col(r, "delivered_to")?;
                Ok(OutboxItem {
                    id: col(r, "id")?,
                    topic: col(r, "topic")?,
                    object: col(r, "object")?,
                    body: col(r, "body")?,
                    attempts: col(r, "attempts")?,
                    delivered_to: to.lines().map(str::to_string).collect(),
                })
            })
            .collect()
    }

    /// Records a delivery attempt: the receivers that answered 2xx so far, and either
    /// delivered (logged in the audit trail) or the next attempt's time and the last error.
    pub async fn outbox_attempt(
        &self,
        actor: &str,
        item: &OutboxItem,
        delivered: bool,
        next_at: &str,
        error: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let now = time::now();
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, delivered_to = $2, next_at = $3, \
             last_error = $4, delivered_at = $5 WHERE id = $1",
        )
        .bind(item.id)
        .bind(item.delivered_to.join("\n"))
        .bind(next_at)
        .bind(error)
        .bind(delivered.then_some(now.as_str()))
        .execute(tx.conn())
        .await?;
        if delivered {
            // The receivers' URLs may carry tokens: the log keeps their number only.
            tx.audit(
                actor,
                "webhook.delivered",
                &format!("outbox:{}", item.id),
                json!({ "topic": item.topic, "object": item.object, "receivers": item.delivered_to.len(), "attempts": item.attempts + 1 }),
            )
            .await?;
        }
        tx.commit().await
    }
}

/// A notification waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    /// The outbox id (sent as `x-interdict-delivery`, so receivers can drop repeats).
    pub id: i64,
    /// `alert.opened`.
    pub topic: String,
    /// `alert:12`.
    pub object: String,
    /// The JSON body to send.
    pub body: String,
    /// Attempts so far.
    pub attempts: i64,
    /// The receivers that have it (answered 2xx).
    pub delivered_to: Vec<String>,
}

impl Tx {
    /// Stores one batch of screenings and its audit record; returns the rows stored.
    pub async fn screenings(&mut self, b: &ScreeningBatch) -> Result<u64> {
        if b.rows.is_empty() {
            return Ok(0);
        }
        let now = time::now();
        let mut ids: Vec<i64> = Vec::with_capacity(b.rows.len());
        let mut digest = String::new();
        for chunk in b.rows.chunks(ROWS_PER_STATEMENT) {
            let mut sql = String::from(
                "INSERT INTO screenings (source, input, input_hash, lists, engine, config_hash, \
                 results, actor, created_at, reference) VALUES ",
            );
            for i in 0..chunk.len() {
                let p = i * 10;
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!(
                    "(${},${},${},${},${},${},${},${},${},${})",
                    p + 1,
                    p + 2,
                    p + 3,
                    p + 4,
                    p + 5,
                    p + 6,
                    p + 7,
                    p + 8,
                    p + 9,
                    p + 10
                ));
            }
            sql.push_str(" RETURNING id");
            // The statement holds only numbered placeholders; every value is bound.
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for r in chunk {
                q = q
                    .bind(b.source.clone())
                    .bind(r.input.clone())
                    .bind(r.input_hash.clone())
                    .bind(b.lists.clone())
                    .bind(b.engine.clone())
                    .bind(b.config_hash.clone())
                    .bind(r.results.clone())
                    .bind(b.actor.clone())
                    .bind(now.clone())
                    .bind(b.reference.clone());
                digest.push_str(&r.input_hash);
                digest.push('\t');
                digest.push_str(&audit::sha256_hex(r.results.as_bytes()));
                digest.push('\n');
            }
            for row in q.fetch_all(self.conn()).await? {
                ids.push(col(&row, "id")?);
            }
        }
        let (first, last) = (
            ids.iter().min().copied().unwrap_or(0),
            ids.iter().max().copied().unwrap_or(0),
        );
        self.audit(
            &b.actor,
            "screening.record",
            &format!("screenings:{first}-{last}"),
            json!({
                "source": b.source, "endpoint": b.endpoint, "reference": b.reference,
                "count": ids.len(), "lists": b.lists, "engine": b.engine, "config": b.config_hash,
                "digest": audit::sha256_hex(digest.as_bytes()),
            }),
        )
        .await?;
        Ok(ids.len() as u64)
    }

    /// Queues a notification for the webhook worker in this transaction, so it exists exactly
    /// when the change it announces does.
    pub async fn outbox(&mut self, topic: &str, object: &str, body: &Value) -> Result<i64> {
        let now = time::now();
        let r = sqlx::query(
            "INSERT INTO outbox (topic, object, body, next_at, created_at) \
             VALUES ($1, $2, $3, $4, $4) RETURNING id",
        )
        .bind(topic)
        .bind(object)
        .bind(body.to_string())
        .bind(&now)
        .fetch_one(self.conn())
        .await?;
        col(&r, "id")
    }
}
