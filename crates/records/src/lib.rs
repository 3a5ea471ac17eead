//! The compliance records database: monitored subjects, screening evidence, alerts, four-eyes
//! decisions, allow-list entries, re-screening runs and the tamper-evident audit trail, on
//! SQLite (a file, WAL mode) or PostgreSQL (several server replicas).
//!
//! One implementation serves both backends: queries are runtime-checked SQL through sqlx's
//! `any` driver, written once in the dialect both accept (`$1` parameters, `ON CONFLICT`,
//! `RETURNING`, partial unique indexes); only the migrations differ per backend
//! (`migrations/sqlite`, `migrations/postgres`), and they are applied when a database is opened.
//!
//! Every change and its audit record are written in one transaction ([`Tx`]): a transaction
//! starts by locking the single `audit_head` row (an `UPDATE` of it, which takes the write lock
//! on SQLite and the row lock on PostgreSQL), so audit records are numbered and chained in
//! commit order by any number of processes, and a killed process leaves either both or neither.
//! The chain logic itself is pure and lives in [`audit`].

pub mod audit;
mod evidence;
mod ops;
mod queue;
pub mod testing;
pub mod time;

use std::path::Path;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Row, Transaction};

pub use evidence::{OutboxItem, ScreeningBatch, ScreeningRow};
pub use ops::{
    AlertFilter, CONFIGURABLE, Evidence, Hit, RunState, SubjectRow, audit_out, parse_outcome_arg,
    parse_state_arg, signing_key, validate_subject,
};
pub use queue::{
    AllowRow, AuditFilter, QueueFilter, QueuePage, QueueRow, QueueSort, SubjectScreening,
};

/// Errors of the records database.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database refused or failed.
    #[error("records database: {0}")]
    Db(#[from] sqlx::Error),
    /// The actor's role may not do this.
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// The four-eyes rule: the proposer of a decision may not review it.
    #[error("not allowed: {0}")]
    FourEyes(String),
    /// No such record.
    #[error("not found: {0}")]
    NotFound(String),
    /// The request contradicts the record's state or is malformed.
    #[error("{0}")]
    Invalid(String),
    /// A file next to the database (the signing key) could not be used.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The roles of the server (and of the command line's `--role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Works alerts and proposes decisions.
    Analyst,
    /// Approves or rejects other users' proposals.
    Reviewer,
    /// Configures; has every right of a reviewer.
    Admin,
}

impl Role {
    /// Parses `analyst`, `reviewer` or `admin`.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "analyst" => Some(Role::Analyst),
            "reviewer" => Some(Role::Reviewer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// The role's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Analyst => "analyst",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }
}

/// Who does something: a user id and a role. Automatic work uses `system:<job>` as the id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The user id as the audit trail records it.
    pub user: String,
    /// What the user may do.
    pub role: Role,
}

impl Actor {
    /// An actor; the user id must not be empty.
    pub fn new(user: impl Into<String>, role: Role) -> Result<Actor> {
        let user = user.into();
        if user.trim().is_empty() {
            return Err(Error::Invalid("the user id is empty".into()));
        }
        Ok(Actor { user, role })
    }

    /// The actor of automatic work such as the monitor.
    pub fn system(job: &str) -> Actor {
        Actor {
            user: format!("system:{job}"),
            role: Role::Admin,
        }
    }
}

/// Which database a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// The migrations of one backend, in order: (version, name, SQL).
type Migrations = &'static [(i64, &'static str, &'static str)];

const SQLITE_MIGRATIONS: Migrations = &[
    (
        1,
        "records",
        include_str!("../migrations/sqlite/0001_records.sql"),
    ),
    (
        2,
        "evidence_outbox",
        include_str!("../migrations/sqlite/0002_evidence_outbox.sql"),
    ),
    (
        3,
        "workbench",
        include_str!("../migrations/sqlite/0003_workbench.sql"),
    ),
];
const POSTGRES_MIGRATIONS: Migrations = &[
    (
        1,
        "records",
        include_str!("../migrations/postgres/0001_records.sql"),
    ),
    (
        2,
        "evidence_outbox",
        include_str!("../migrations/postgres/0002_evidence_outbox.sql"),
    ),
    (
        3,
        "workbench",
        include_str!("../migrations/postgres/0003_workbench.sql"),
    ),
];

/// An open records database.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

impl Db {
    /// Opens (creating if needed) the SQLite database at `path` in WAL mode and migrates it.
    pub async fn open_sqlite(path: &Path) -> Result<Db> {
        let url = format!("sqlite://{}?mode=rwc", path.display());
        Db::open(&url).await
    }

    /// Opens `sqlite://…` or `postgres://…` and applies pending migrations.
    pub async fn open(url: &str) -> Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(Error::Invalid(format!(
                "unsupported database URL (use sqlite://FILE or postgres://…): {}",
                url.split('@').next_back().unwrap_or("")
            )));
        };
        let opts = AnyPoolOptions::new().max_connections(match backend {
            Backend::Sqlite => 4,
            Backend::Postgres => 8,
        });
        let opts = match backend {
            // WAL lets readers run beside the one writer; NORMAL synchronisation is durable
            // across process kills (the WAL is fsynced at checkpoints, and a killed process
            // loses nothing committed); the busy timeout makes writers queue, not fail.
            Backend::Sqlite => opts.after_connect(|conn, _| {
                Box::pin(async move {
                    sqlx::raw_sql(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                         PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON;",
                    )
                    .execute(conn)
                    .await?;
                    Ok(())
                })
            }),
            Backend::Postgres => opts,
        };
        let pool = opts.connect(url).await?;
        let db = Db { pool, backend };
        db.migrate().await?;
        Ok(db)
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies the migrations not yet applied, each in its own transaction.
    async fn migrate(&self) -> Result<()> {
        let migrations = match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS,
            Backend::Postgres => POSTGRES_MIGRATIONS,
        };
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            // Two replicas starting together must not both create the tables.
            sqlx::query("SELECT pg_advisory_xact_lock(7326001)")
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS records_migrations \
             (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )
        .execute(&mut *tx)
        .await?;
        let applied: Vec<i64> = sqlx::query("SELECT version FROM records_migrations")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<_, _>>()?;
        for &(version, name, sql) in migrations {
            if applied.contains(&version) {
                continue;
            }
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO records_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            )
            .bind(version)
            .bind(name)
            .bind(time::now())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Starts a write transaction holding the audit head, so its audit records chain in order.
    pub async fn begin(&self) -> Result<Tx> {
        let mut tx = self.pool.begin().await?;
        // The first statement writes, so SQLite takes its write lock now (waiting on the busy
        // timeout) rather than failing to upgrade a read lock later; PostgreSQL locks the row.
        sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1")
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        Ok(Tx {
            tx,
            seq: row.try_get(0)?,
            hash: row.try_get(1)?,
            start_seq: row.try_get(0)?,
        })
    }

    /// The pool, for reads.
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Takes the re-screening lock: on PostgreSQL a session advisory lock (released when the
    /// guard is released or its connection closes, also when the process is killed), so only
    /// one process re-screens at a time; on SQLite nothing (one writer at a time anyway, and
    /// runs are idempotent).
    pub async fn rescreen_lock(&self) -> Result<RunLock> {
        if self.backend == Backend::Sqlite {
            return Ok(RunLock { conn: None });
        }
        let mut conn = self.pool.acquire().await?;
        // Closing the connection when the guard is dropped without release frees the lock even
        // when the release never runs.
        conn.close_on_drop();
        // Keyed by schema: replicas sharing a schema exclude each other, and tests in separate
        // schemas of one server do not.
        sqlx::query("SELECT pg_advisory_lock(hashtext('interdict-rescreen:' || current_schema()))")
            .execute(&mut *conn)
            .await?;
        Ok(RunLock { conn: Some(conn) })
    }
}

/// The re-screening lock (see [`Db::rescreen_lock`]).
#[derive(Debug)]
pub struct RunLock {
    conn: Option<PoolConnection<Any>>,
}

impl RunLock {
    /// Releases the lock.
    pub async fn release(mut self) -> Result<()> {
        if let Some(mut conn) = self.conn.take() {
            sqlx::query(
                "SELECT pg_advisory_unlock(hashtext('interdict-rescreen:' || current_schema()))",
            )
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }
}

/// A write transaction and the audit chain's head as it will be after it commits.
pub struct Tx {
    tx: Transaction<'static, Any>,
    seq: i64,
    hash: String,
    start_seq: i64,
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tx").field("seq", &self.seq).finish()
    }
}

impl Tx {
    /// Appends an audit record to the chain inside this transaction.
    pub async fn audit(
        &mut self,
        actor: &str,
        action: &str,
        object: &str,
        payload: serde_json::Value,
    ) -> Result<i64> {
        let rec = audit::Record::next(
            self.seq,
            &self.hash,
            time::now(),
            actor.to_string(),
            action.to_string(),
            object.to_string(),
            audit::canonical_json(&payload),
        );
        sqlx::query(
            "INSERT INTO audit (seq, ts, actor, action, object, payload, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(rec.seq)
        .bind(&rec.ts)
        .bind(&rec.actor)
        .bind(&rec.action)
        .bind(&rec.object)
        .bind(&rec.payload)
        .bind(&rec.prev_hash)
        .bind(&rec.hash)
        .execute(&mut *self.tx)
        .await?;
        self.seq = rec.seq;
        self.hash = rec.hash;
        Ok(rec.seq)
    }

    /// Commits the changes and the audit records together.
    pub async fn commit(mut self) -> Result<()> {
        if self.seq != self.start_seq {
            sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
                .bind(self.seq)
                .bind(&self.hash)
                .execute(&mut *self.tx)
                .await?;
        }
        self.tx.commit().await?;
        Ok(())
    }

    /// The connection, for the statements of the change itself.
    pub(crate) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }
}

/// Reads a column, naming it in the error.
pub(crate) fn col<'r, T>(row: &'r AnyRow, name: &str) -> Result<T>
where
    T: sqlx::Decode<'r, Any> + sqlx::Type<Any>,
{
    Ok(row.try_get(name)?)
}
