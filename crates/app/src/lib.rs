//! interdict's application layer: everything a front end needs between the engine crates and
//! the user, shared by the command line (`cli`) and the HTTP server.
//!
//! - [`Context`]: where the data directory is, and whether the network may be used.
//! - [`sources`]: which lists a command works on (stored snapshots, files, the [`bundled`]
//!   default) and loading them.
//! - [`update`] and [`download`]: fetching official lists and the policy that decides whether a
//!   download may replace the current snapshot.
//! - [`engine`]: the screener built from a set of snapshots, saved next to them and reopened in
//!   milliseconds; a changed list or engine version rebuilds it.
//! - [`screen`], [`address`]: single and batch pipelines, with resume, producing the typed
//!   output contract of the `api` crate.
//! - [`scan`]: free-text scans of one text or a file of texts, producing the same contract.
//! - [`allow`]: allow-list decisions and their file format.
//! - [`live`], [`freshness`], [`keys`], [`matching`], [`hooks`]: what a long-running service
//!   needs: the swappable screener generation, the fail-closed freshness rule, API keys,
//!   yente's matching protocol, and the hook after each screening request; [`memory`] returns
//!   a freed generation's memory to the system; [`graphs`] the transfer graph a service
//!   answers wallet exposure and trace questions from.
//! - [`records`]: monitored subjects, alerts, four-eyes decisions, the audit trail and
//!   re-screening on list changes, over the `records` database; [`evidence`]: every screening
//!   by a front end kept there; [`webhooks`]: new alerts announced, at least once.
//!
//! This crate may read and write files under the data directory and the paths a user names; it
//! knows nothing of terminals, argument parsing or HTTP. Long work reports progress through
//! [`Observer`], which the front end implements.

pub mod address;
pub mod allow;
pub mod bundled;
pub mod download;
pub mod engine;
mod error;
pub mod eval;
pub mod evidence;
pub mod files;
pub mod freshness;
pub mod graphs;
pub mod hooks;
pub mod keys;
pub mod lists;
pub mod live;
pub mod matching;
pub mod memory;
pub mod records;
pub mod scan;
pub mod screen;
pub mod sources;
pub mod text;
pub mod update;
pub mod vet;
pub mod webhooks;

use std::path::{Path, PathBuf};

pub use error::{AppError, Result};

/// What a command runs with: the data directory and the network policy.
#[derive(Debug, Clone)]
pub struct Context {
    data_dir: PathBuf,
    /// When set, nothing is downloaded implicitly (a first `screen` on an empty store uses the
    /// bundled lists instead of fetching the official ones).
    pub offline: bool,
    /// Fetch every official file from this base URL instead (a mirror or a local server).
    pub mirror: Option<String>,
}

impl Context {
    /// A context over a data directory.
    pub fn new(data_dir: impl Into<PathBuf>) -> Context {
        Context {
            data_dir: data_dir.into(),
            offline: false,
            mirror: None,
        }
    }

    /// The context a front end runs with: `data_dir` when given, else the platform's
    /// per-user data directory; `INTERDICT_OFFLINE` (any non-empty value) and
    /// `INTERDICT_MIRROR` from the environment.
    pub fn from_env(data_dir: Option<PathBuf>) -> Result<Context> {
        let dir = data_dir.or_else(default_data_dir).ok_or_else(|| {
            AppError::Invalid(
                "cannot work out a data directory; pass --data-dir DIR or set INTERDICT_HOME"
                    .into(),
            )
        })?;
        let mut ctx = Context::new(dir);
        ctx.offline = std::env::var_os("INTERDICT_OFFLINE").is_some_and(|v| !v.is_empty());
        ctx.mirror = std::env::var("INTERDICT_MIRROR")
            .ok()
            .filter(|m| !m.is_empty());
        Ok(ctx)
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Opens (and creates) the list store in the data directory.
    pub fn store(&self) -> Result<store::Store> {
        Ok(store::Store::open(&self.data_dir)?)
    }
}

/// The per-user data directory of the platform, joined with `interdict`; `None` when the
/// environment names none (no `HOME`, `XDG_DATA_HOME` or `APPDATA`).
pub fn default_data_dir() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = if cfg!(windows) {
        env("APPDATA")
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|h| h.join("Library/Application Support"))
    } else {
        env("XDG_DATA_HOME").or_else(|| env("HOME").map(|h| h.join(".local/share")))
    };
    base.map(|d| d.join("interdict"))
}

/// What long-running work tells the front end: progress of a counted task and notices for
/// the user. The command line draws progress bars and prints notices on standard error; the
/// server logs them. Notices never carry personal data of screened people.
pub trait Observer: Sync {
    /// A task starts: `total` units (`None` when unknown), counted in `unit`.
    fn start(&self, _task: &str, _total: Option<u64>, _unit: Unit) {}
    /// `n` more units of the current task are done.
    fn advance(&self, _n: u64) {}
    /// The current task is over.
    fn finish(&self) {}
    /// Something the user should read (a fallback taken, a file skipped, a row warning).
    fn notice(&self, _message: &str) {}
}

/// What a task's progress counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Bytes (downloads).
    Bytes,
    /// Items (queries, records).
    Items,
}

/// An observer that ignores everything: for tests and embedded use.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Observer for Silent {}
