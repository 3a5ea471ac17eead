//! Test support: every backend a test should run on, each in a fresh database.
//!
//! SQLite is always there (a file in a temporary directory). PostgreSQL is used when it answers
//! at [`PG_URL_VAR`] (default `postgres://postgres@127.0.0.1:5432/test`), each test in its own
//! schema so parallel tests never see each other. When it does not answer, the PostgreSQL half
//! is skipped with a printed reason, except in CI (`CI` or `INTERDICT_REQUIRE_SHARED` set),
//! where a missing PostgreSQL fails the test: CI must never go green by skipping a backend.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::{Db, Result};

/// The variable naming the PostgreSQL server for tests.
pub const PG_URL_VAR: &str = "INTERDICT_TEST_PG";

/// The default PostgreSQL test server (trust authentication).
pub const PG_DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/test";

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh database for one test; drop removes its files (SQLite), [`TestDb::cleanup`] its
/// schema (PostgreSQL).
#[derive(Debug)]
pub struct TestDb {
    /// `sqlite` or `postgres`.
    pub name: &'static str,
    /// The URL to open it again (another "process" on the same database).
    pub url: String,
    /// The open database.
    pub db: Db,
    /// The schema to drop afterwards (PostgreSQL).
    schema: Option<String>,
    /// The temporary directory (SQLite; also a data directory for the test).
    pub dir: tempfile::TempDir,
}

impl TestDb {
    /// Drops the PostgreSQL schema.
    pub async fn cleanup(self) {
        if let Some(schema) = &self.schema
            && let Ok(admin) = Db::admin(&pg_url()).await
        {
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE"
            )))
            .execute(&admin)
            .await;
        }
    }
}

fn pg_url() -> String {
    std::env::var(PG_URL_VAR).unwrap_or_else(|_| PG_DEFAULT.to_string())
}

fn required() -> bool {
    ["CI", "INTERDICT_REQUIRE_SHARED"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|v| !v.is_empty()))
}

/// A fresh SQLite database in a temporary directory.
pub async fn sqlite() -> Result<TestDb> {
    let dir = tempfile::tempdir().map_err(|source| crate::Error::Io {
        path: "temporary directory".into(),
        source,
    })?;
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("records.db").display()
    );
    let db = Db::open(&url).await?;
    Ok(TestDb {
        name: "sqlite",
        url,
        db,
        schema: None,
        dir,
    })
}

/// A fresh PostgreSQL schema, or `None` (with the reason printed) when PostgreSQL does not
/// answer outside CI.
///
/// # Panics
///
/// When PostgreSQL does not answer in CI.
pub async fn postgres() -> Option<TestDb> {
    let base = pg_url();
    let admin = match Db::admin(&base).await {
        Ok(a) => a,
        Err(e) => {
            assert!(
                !required(),
                "PostgreSQL does not answer at {PG_URL_VAR} ({e}), and CI is set: the PostgreSQL half of the records tests must run"
            );
            println!("skipped on PostgreSQL: it does not answer ({e})");
            return None;
        }
    };
    let schema = format!(
        "t_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await
        .expect("create a test schema");
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    let db = Db::open(&url)
        .await
        .expect("open the PostgreSQL test schema");
    Some(TestDb {
        name: "postgres",
        url,
        db,
        schema: Some(schema),
        dir: tempfile::tempdir().expect("temporary directory"),
    })
}

/// Every backend to test on: SQLite, and PostgreSQL when it answers (always in CI).
pub async fn all() -> Vec<TestDb> {
    let mut out = vec![sqlite().await.expect("SQLite test database")];
    out.extend(postgres().await);
    out
}

impl Db {
    /// A bare pool on a server, without migrations (to create and drop test schemas).
    async fn admin(url: &str) -> Result<sqlx::AnyPool> {
        sqlx::any::install_default_drivers();
        Ok(sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(std::time::Duration::from_secs(3))
            .connect(url)
            .await?)
    }
}

/// Runs raw SQL against a database, as someone editing it by hand would (tamper tests).
pub async fn execute(db: &Db, sql: &str) -> Result<u64> {
    Ok(sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(db.pool())
        .await?
        .rows_affected())
}

/// The first column of the first row of a query, as a number (counts in tests).
pub async fn scalar(db: &Db, sql: &str) -> Result<i64> {
    use sqlx::Row;
    let row = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(db.pool())
        .await?;
    Ok(row.try_get::<i64, _>(0)?)
}
