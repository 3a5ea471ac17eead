//! Screening evidence from the front ends: every screening by `interdict screen` (one name or a
//! batch file) and by the service (`/v1/screen`, `/v1/screen/batch`, yente's `/match`) is kept
//! in the records database with the normalised input (or only its keyed hash, where the
//! `evidence.input` setting says `hash`), the list versions, the engine version, the
//! configuration hash, the results with scores and explanations, the actor and the time, and
//! one audit record per request or batch chunk in the same transaction.
//!
//! Writing is off the screening path: a [`Recorder`] owns one writer thread with its own
//! connection pool and a bounded queue. The writer takes everything queued (up to
//! [`MAX_ROWS_PER_TX`] rows) into one transaction, so a batch of 100,000 names costs a few
//! dozen transactions, never one per name. When the queue is full the caller waits up to
//! `wait`; after that the screening is refused (fail closed), because an answer that cannot be
//! recorded must not be given. The command line waits as long as it takes (backpressure).
//!
//! What is not yet committed lives in memory: a process killed between an answer and the
//! writer's commit loses at most the queue (`capacity` requests). `finish` drains the queue
//! and reports anything that could not be written.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use records::{ScreeningBatch, ScreeningRow};
use screening::{Query, ScreenConfig};
use serde_json::json;

use crate::hooks::{HookRefused, ScreeningEvent, ScreeningHook};
use crate::{AppError, Context, Result};

/// Rows one writer transaction takes at most.
pub const MAX_ROWS_PER_TX: usize = 20_000;

/// The setting that says how inputs are kept: `full` (the default) or `hash`.
pub const POLICY_KEY: &str = "evidence.input";

/// How a [`Recorder`] runs.
#[derive(Debug, Clone)]
pub struct RecorderOptions {
    /// Requests (or batch chunks) that may wait in memory for the writer.
    pub capacity: usize,
    /// How long a caller waits for room in a full queue before the screening is refused;
    /// `None` waits as long as it takes.
    pub wait: Option<Duration>,
    /// `cli` or `api`.
    pub source: &'static str,
}

#[derive(Debug, Default)]
struct Health {
    written: AtomicU64,
    lost: AtomicU64,
    closing: AtomicBool,
    failing: AtomicBool,
    last_error: Mutex<Option<String>>,
}

/// The evidence writer: a bounded queue and one thread that commits what is queued.
pub struct Recorder {
    sender: Mutex<Option<SyncSender<ScreeningBatch>>>,
    worker: Mutex<Option<JoinHandle<()>>>,
    health: Arc<Health>,
    key: Vec<u8>,
    keep_input: bool,
    opts: RecorderOptions,
    /// Why the recorder does not run, when it could not start.
    broken: Option<String>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("source", &self.opts.source)
            .field("broken", &self.broken)
            .finish()
    }
}

/// Where the key of the input hashes lives (created on first use, owner-readable only).
pub fn key_path(ctx: &Context) -> PathBuf {
    ctx.data_dir().join("evidence-hmac.key")
}

fn hmac_key(path: &Path) -> Result<Vec<u8>> {
    match std::fs::read_to_string(path) {
        Ok(text) => records::audit::unhex(text.trim()).ok_or_else(|| {
            AppError::Invalid(format!(
                "{}: not an evidence key (hex digits)",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut key = vec![0u8; 32];
            getrandom::getrandom(&mut key)
                .map_err(|e| AppError::Invalid(format!("no random source: {e}")))?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(AppError::io(dir))?;
            }
            let tmp = path.with_extension(format!("tmp{}", std::process::id()));
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let write = || -> std::io::Result<()> {
                use std::io::Write;
                let mut f = opts.open(&tmp)?;
                f.write_all(records::audit::hex(&key).as_bytes())?;
                f.sync_all()?;
                // Two processes creating the key at once: the first rename wins and both
                // read it back, so every writer hashes with the same key.
                if path.exists() {
                    std::fs::remove_file(&tmp)
                } else {
                    std::fs::rename(&tmp, path)
                }
            };
            write().map_err(AppError::io(path))?;
            hmac_key(path)
        }
        Err(e) => Err(AppError::io(path)(e)),
    }
}

/// The text of a screening configuration that the records hash (the same for the command
/// line, the service and the monitor).
pub fn config_text(cfg: &ScreenConfig) -> String {
    format!(
        "{:?}|{}|{}|{}",
        cfg.mode, cfg.threshold, cfg.floor, cfg.limit
    )
}

/// The normalised input of a query, as stored: the name normalised as the engine reads it,
/// and the qualifiers.
pub fn normalised(q: &Query) -> serde_json::Value {
    json!({
        "name": names::normalize(&q.name),
        "schema": q.schema.as_ref().map(|s| s.name().to_string()),
        "birth_date": q.birth_date.as_ref().map(ToString::to_string),
        "nationality": q.nationality,
        "identifiers": q.identifiers,
    })
}

/// `list@version`, comma-separated.
pub fn lists_text(lists: &[api::ListUsed]) -> String {
    lists
        .iter()
        .map(|l| format!("{}@{}", l.list, l.version))
        .collect::<Vec<_>>()
        .join(",")
}

/// The user the command line acts as: `--user` when given, else `os:<login name>`.
pub fn cli_actor(user: &str) -> String {
    if user != "cli" {
        return user.to_string();
    }
    let login = ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "unknown".into());
    format!("os:{login}")
}

/// Whether the records database is configured (`--database`) or present in the data directory.
pub fn records_configured(ctx: &Context, database: Option<&str>) -> bool {
    database.is_some() || crate::records::default_path(ctx).exists()
}

impl Recorder {
    /// Starts the writer over the records database (`database`, else `records.db` in the data
    /// directory); fails when the database cannot be opened.
    pub fn start(ctx: &Context, database: Option<&str>, opts: RecorderOptions) -> Result<Recorder> {
        let key = hmac_key(&key_path(ctx))?;
        let (tx, rx) = std::sync::mpsc::sync_channel(opts.capacity.max(1));
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let health = Arc::new(Health::default());
        let (ctx2, db2, h2) = (ctx.clone(), database.map(str::to_string), health.clone());
        let worker = std::thread::Builder::new()
            .name("evidence-writer".into())
            .spawn(move || writer(ctx2, db2, rx, ready_tx, h2))
            .map_err(|e| AppError::Invalid(format!("cannot start the evidence writer: {e}")))?;
        let policy = ready_rx
            .recv()
            .map_err(|_| AppError::Invalid("the evidence writer stopped at start".into()))?
            .map_err(AppError::Invalid)?;
        Ok(Recorder {
            sender: Mutex::new(Some(tx)),
            worker: Mutex::new(Some(worker)),
            health,
            key,
            keep_input: policy.as_deref() != Some("hash"),
            opts,
            broken: None,
        })
    }

    /// A recorder that refuses everything, saying why (the service keeps running and answers
    /// 503 to screenings, as when its lists are missing).
    pub fn broken(why: String, source: &'static str) -> Recorder {
        Recorder {
            sender: Mutex::new(None),
            worker: Mutex::new(None),
            health: Arc::new(Health::default()),
            key: Vec::new(),
            keep_input: false,
            opts: RecorderOptions {
                capacity: 0,
                wait: None,
                source,
            },
            broken: Some(why),
        }
    }

    /// The command line's recorder: `Some` when the records database is configured or present.
    pub fn for_cli(ctx: &Context, database: Option<&str>) -> Result<Option<Recorder>> {
        if !records_configured(ctx, database) {
            return Ok(None);
        }
        Recorder::start(
            ctx,
            database,
            RecorderOptions {
                capacity: 8,
                wait: None,
                source: "cli",
            },
        )
        .map(Some)
    }

    /// Why the recorder does not run, if it does not.
    pub fn broken_reason(&self) -> Option<&str> {
        self.broken.as_deref()
    }

    /// Rows committed so far.
    pub fn written(&self) -> u64 {
        self.health.written.load(Ordering::Relaxed)
    }

    /// One stored row for a query and its results (JSON).
    pub fn row(&self, q: &Query, results: String) -> ScreeningRow {
        self.row_of(&normalised(q).to_string(), results)
    }

    fn row_of(&self, input: &str, results: String) -> ScreeningRow {
        ScreeningRow {
            input_hash: records::audit::hmac_sha256_hex(&self.key, input.as_bytes()),
            input: self.keep_input.then(|| input.to_string()),
            results,
        }
    }

    /// A batch with what its rows share.
    pub fn batch(
        &self,
        actor: &str,
        reference: &str,
        endpoint: &str,
        lists: &[api::ListUsed],
        config: &str,
        rows: Vec<ScreeningRow>,
    ) -> ScreeningBatch {
        ScreeningBatch {
            actor: actor.to_string(),
            source: self.opts.source.to_string(),
            reference: reference.to_string(),
            endpoint: endpoint.to_string(),
            lists: lists_text(lists),
            engine: screening::ENGINE_VERSION.to_string(),
            config_hash: records::audit::sha256_hex(config.as_bytes())[..16].to_string(),
            rows,
        }
    }

    /// Queues a batch, waiting for room as the options say; refuses when the recorder does
    /// not run or the queue stayed full.
    pub fn submit(&self, batch: ScreeningBatch) -> std::result::Result<(), HookRefused> {
        let refused = |detail: String| HookRefused {
            code: "evidence_unavailable",
            detail,
        };
        if let Some(why) = &self.broken {
            return Err(refused(format!(
                "The screening was not answered because it cannot be recorded: {why}"
            )));
        }
        let sender = self
            .sender
            .lock()
            .ok()
            .and_then(|s| s.clone())
            .ok_or_else(|| refused("The evidence writer has stopped.".into()))?;
        let Some(wait) = self.opts.wait else {
            return sender
                .send(batch)
                .map_err(|_| refused("The evidence writer has stopped.".into()));
        };
        let deadline = Instant::now() + wait;
        let mut batch = batch;
        loop {
            match sender.try_send(batch) {
                Ok(()) => return Ok(()),
                Err(TrySendError::Disconnected(_)) => {
                    return Err(refused("The evidence writer has stopped.".into()));
                }
                Err(TrySendError::Full(b)) => {
                    if Instant::now() >= deadline {
                        tracing::warn!(
                            "The evidence queue stayed full; a screening was refused (fail closed)."
                        );
                        return Err(refused(
                            "The screening was not answered because the records database is not keeping up (fail closed); retry shortly.".into(),
                        ));
                    }
                    batch = b;
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
        }
    }

    /// Stores one screened query of the command line.
    pub fn single(
        &self,
        actor: &str,
        query: &Query,
        cfg: &ScreenConfig,
        response: &api::ScreenResponse,
    ) -> Result<()> {
        let results = serde_json::to_string(&response.line).unwrap_or_default();
        let row = self.row(query, results);
        let b = self.batch(
            actor,
            "screen",
            "screen",
            &response.lists,
            &config_text(cfg),
            vec![row],
        );
        self.submit(b)
            .map_err(|e| AppError::Invalid(e.detail.clone()))
    }

    /// Drains the queue, stops the writer and says how many rows were written; an error when
    /// some could not be.
    pub fn finish(&self) -> Result<u64> {
        self.health.closing.store(true, Ordering::Relaxed);
        if let Ok(mut s) = self.sender.lock() {
            s.take();
        }
        if let Some(w) = self.worker.lock().ok().and_then(|mut w| w.take()) {
            let _ = w.join();
        }
        let lost = self.health.lost.load(Ordering::Relaxed);
        if lost > 0 {
            let why = self
                .health
                .last_error
                .lock()
                .ok()
                .and_then(|e| e.clone())
                .unwrap_or_default();
            return Err(AppError::Invalid(format!(
                "{lost} screenings could not be recorded in the records database: {why}"
            )));
        }
        Ok(self.written())
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

/// The writer thread: opens the database on its own runtime, says whether inputs are kept,
/// then commits whatever is queued, many batches per transaction.
fn writer(
    ctx: Context,
    database: Option<String>,
    rx: Receiver<ScreeningBatch>,
    ready: std::sync::mpsc::Sender<std::result::Result<Option<String>, String>>,
    health: Arc<Health>,
) {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = ready.send(Err(format!("cannot start the async runtime: {e}")));
            return;
        }
    };
    let opened = rt.block_on(async {
        let db = crate::records::open(&ctx, database.as_deref()).await?;
        let policy = db.setting(POLICY_KEY).await?;
        Ok::<_, AppError>((db, policy))
    });
    let db = match opened {
        Ok((db, policy)) => {
            let _ = ready.send(Ok(policy));
            db
        }
        Err(e) => {
            let _ = ready.send(Err(format!("the records database cannot be opened: {e}")));
            return;
        }
    };
    while let Ok(first) = rx.recv() {
        let mut rows = first.rows.len();
        let mut pending = vec![first];
        while rows < MAX_ROWS_PER_TX {
            match rx.try_recv() {
                Ok(b) => {
                    rows += b.rows.len();
                    pending.push(b);
                }
                Err(_) => break,
            }
        }
        let mut delay = Duration::from_millis(50);
        let mut attempts = 0;
        loop {
            attempts += 1;
            match rt.block_on(db.record_screenings(&pending)) {
                Ok(n) => {
                    health.written.fetch_add(n, Ordering::Relaxed);
                    health.failing.store(false, Ordering::Relaxed);
                    break;
                }
                Err(e) => {
                    health.failing.store(true, Ordering::Relaxed);
                    tracing::error!(error = %e, attempts, "Screening evidence could not be written; retrying.");
                    if let Ok(mut l) = health.last_error.lock() {
                        *l = Some(e.to_string());
                    }
                    // While the process runs, retry for as long as it takes (the queue fills
                    // and new screenings are refused); when it is closing, give up after a few
                    // attempts and say how much was lost.
                    if health.closing.load(Ordering::Relaxed) && attempts >= 5 {
                        health.lost.fetch_add(rows as u64, Ordering::Relaxed);
                        break;
                    }
                    std::thread::sleep(delay);
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
            }
        }
    }
}

impl ScreeningHook for Recorder {
    fn screened(&self, ev: &ScreeningEvent<'_>) -> std::result::Result<(), HookRefused> {
        let actor = api_user(ev.principal);
        let rows = match (ev.lines, ev.answers) {
            (Some(lines), _) => {
                // Lines with an error were not screened; the others answer the queries in order.
                let mut queries = ev.queries.iter();
                lines
                    .iter()
                    .filter(|l| l.error.is_none())
                    .filter_map(|l| {
                        let q = queries.next()?;
                        Some(self.row(q, serde_json::to_string(l).unwrap_or_default()))
                    })
                    .collect()
            }
            (None, answers) => {
                let input = serde_json::Value::Array(ev.queries.iter().map(normalised).collect())
                    .to_string();
                let results = answers
                    .map(|a| serde_json::to_string(a).unwrap_or_default())
                    .unwrap_or_else(|| json!({ "matches": ev.matches }).to_string());
                vec![self.row_of(&input, results)]
            }
        };
        let b = self.batch(
            &actor,
            ev.request_id,
            ev.endpoint,
            ev.lists,
            &ev.config,
            rows,
        );
        self.submit(b)
    }
}

/// The user id the records give a service client: the API key's name (the loopback operator
/// without keys is `local`).
pub fn api_user(p: &crate::hooks::Principal) -> String {
    if p.key_id == "local" {
        "local".to_string()
    } else {
        p.name.clone()
    }
}
