//! Compliance records: monitored subjects, alerts, four-eyes decisions, the audit trail and
//! re-screening on every list change, over the `records` database.
//!
//! Every operation takes an [`Actor`] and returns `api` types, so the command line and the
//! server's routes stay thin. Functions are `async` because the database driver is; a front end
//! without a runtime runs them through [`block_on`]. Screening work runs on blocking threads
//! (rayon inside), never on the async executor.
//!
//! Re-screening ([`monitor`]) compares what the subjects were last screened against (list
//! versions, engine version, configuration hash; the `monitor.state` setting) with what is
//! current now:
//! - engine or configuration changed, or nothing screened yet: a **full** run screens every
//!   active subject forward against the current lists;
//! - list versions changed: a **delta** run diffs each changed list against its previous
//!   version, marks alerts on removed entities, and matches each added or changed entity against
//!   an index over the monitored subjects ("reverse screening"), so its cost grows with the
//!   delta; every retrieved subject is then screened forward against the delta entities with the
//!   same engine and threshold, so an alert opens exactly when forward screening would match;
//! - in both, subjects imported or changed since their last screening are screened forward.
//!
//! A run is identified by a hash of where it starts and where it goes; each batch commits its
//! alerts, evidence, audit records and the run's checkpoint in one transaction, so a killed run
//! continues where it stopped, and alerts are unique per subject and entity version, so nothing
//! is ever opened twice. On PostgreSQL an advisory lock lets one process re-screen at a time.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use api::{RescreenSummary, SubjectImport, SubjectInput};
use model::{Entity, EntityId, Name, NameKind, Schema, SourceKind};
pub use records::{Actor, Db, Role};
use records::{Evidence, Hit};
use screening::{ListRef, Match, Query, ScreenConfig, Screener};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::sources::ListSource;
use crate::{AppError, Context, Observer, Result};

/// Runs a future to completion on a fresh single-threaded runtime (for front ends without one).
pub fn block_on<F: Future>(f: F) -> Result<F::Output> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AppError::Invalid(format!("cannot start the async runtime: {e}")))?;
    Ok(rt.block_on(f))
}

/// The default records database: `records.db` in the data directory.
pub fn default_path(ctx: &Context) -> PathBuf {
    ctx.data_dir().join("records.db")
}

/// Opens the records database: `database` (`sqlite://FILE` or `postgres://…`) or the default
/// SQLite file in the data directory; migrations are applied.
pub async fn open(ctx: &Context, database: Option<&str>) -> Result<Db> {
    Ok(match database {
        Some(url) => Db::open(url).await?,
        None => {
            std::fs::create_dir_all(ctx.data_dir()).map_err(AppError::io(ctx.data_dir()))?;
            Db::open_sqlite(&default_path(ctx)).await?
        }
    })
}

/// Where the audit signing key lives.
pub fn key_path(ctx: &Context) -> PathBuf {
    ctx.data_dir().join("audit-ed25519.key")
}

/// Rows per import transaction.
const IMPORT_BATCH: usize = 5_000;

/// Imports subjects from a CSV file (header row) or JSON lines (one [`SubjectInput`] per line),
/// upserting by `external_ref`. A bad row is reported by line and field and skipped.
pub async fn import_subjects(db: &Db, actor: &Actor, path: &Path) -> Result<SubjectImport> {
    let (rows, problems) = read_subjects(path)?;
    let source = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    import_rows(db, actor, &rows, problems, &source).await
}

/// Upserts read subjects in batches of [`IMPORT_BATCH`], counting refused rows too.
async fn import_rows(
    db: &Db,
    actor: &Actor,
    rows: &[SubjectInput],
    problems: Vec<String>,
    source: &str,
) -> Result<SubjectImport> {
    let mut total = SubjectImport {
        rejected: problems.len() as u64,
        problems,
        ..SubjectImport::default()
    };
    total.read = total.rejected;
    for chunk in rows.chunks(IMPORT_BATCH) {
        let s = db.import_subjects(actor, chunk, source).await?;
        total.read += s.read;
        total.inserted += s.inserted;
        total.updated += s.updated;
        total.unchanged += s.unchanged;
    }
    Ok(total)
}

/// Reads subjects and the problems of refused rows (`file:line: field: what`).
pub fn read_subjects(path: &Path) -> Result<(Vec<SubjectInput>, Vec<String>)> {
    let file = std::fs::File::open(path).map_err(AppError::io(path))?;
    read_subjects_from(std::io::BufReader::new(file), path)
}

/// Imports subjects sent as a body (the API's `POST /v1/customers`): CSV with a header row or
/// JSON lines, as [`import_subjects`] reads files; refused rows are named by line.
pub async fn import_subjects_body(db: &Db, actor: &Actor, body: &[u8]) -> Result<SubjectImport> {
    let (rows, problems) = read_subjects_from(body, Path::new("body"))?;
    import_rows(db, actor, &rows, problems, "api").await
}

/// Reads subjects from CSV or JSON lines; `path` names the input in problems.
fn read_subjects_from<R: BufRead>(
    mut reader: R,
    path: &Path,
) -> Result<(Vec<SubjectInput>, Vec<String>)> {
    let first = {
        let buf = reader.fill_buf().map_err(AppError::io(path))?;
        buf.iter().find(|b| !b.is_ascii_whitespace()).copied()
    };
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut keep = |line: usize, r: std::result::Result<SubjectInput, String>| match r
        .and_then(|s| check(&s).map(|()| s))
    {
        Ok(s) => rows.push(s),
        Err(e) => problems.push(format!("{}:{line}: {e}", path.display())),
    };
    if first == Some(b'{') {
        for (i, line) in reader.lines().enumerate() {
            let line = line.map_err(AppError::io(path))?;
            if line.trim().is_empty() {
                continue;
            }
            keep(
                i + 1,
                serde_json::from_str::<SubjectInput>(&line).map_err(|e| {
                    // serde's message names the field; drop the value it may quote.
                    let msg = e.to_string();
                    format!(
                        "not a subject: {}",
                        msg.split(" at line").next().unwrap_or("")
                    )
                }),
            );
        }
    } else {
        let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
        let headers: Vec<String> = csv
            .headers()
            .map_err(|e| AppError::Invalid(format!("{}: {e}", path.display())))?
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        if !headers.iter().any(|h| h == "external_ref" || h == "ref") {
            return Err(AppError::Invalid(format!(
                "{}: the header has no external_ref column (columns: external_ref, kind, schema, name, alias, birth_date, nationality, address, identifier, wallet; repeat a column or separate values with ';')",
                path.display()
            )));
        }
        for (i, rec) in csv.records().enumerate() {
            keep(
                i + 2,
                rec.map_err(|_| "not a CSV record".to_string())
                    .map(|r| from_csv(&headers, &r)),
            );
        }
    }
    Ok((rows, problems))
}

fn from_csv(headers: &[String], r: &csv::StringRecord) -> SubjectInput {
    let mut s = SubjectInput {
        kind: "customer".into(),
        ..SubjectInput::default()
    };
    for (h, v) in headers.iter().zip(r.iter()) {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        let many = || {
            v.split(';')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
        };
        match h.as_str() {
            "external_ref" | "ref" => s.external_ref = v.to_string(),
            "kind" => s.kind = v.to_ascii_lowercase(),
            "schema" => s.schema = Some(v.to_ascii_lowercase()),
            "name" | "names" | "alias" | "aliases" => s.names.extend(many()),
            "birth_date" | "dob" => s.birth_date = Some(v.to_string()),
            "nationality" | "country" => s.nationality = Some(v.to_string()),
            "address" | "addresses" => s.addresses.extend(many()),
            "identifier" | "identifiers" => s.identifiers.extend(many()),
            "wallet" | "wallets" => s.wallets.extend(many()),
            _ => {}
        }
    }
    s
}

/// The structural checks of `records` and the value checks of the screening inputs.
fn check(s: &SubjectInput) -> std::result::Result<(), String> {
    records::validate_subject(s)?;
    if let Some(d) = &s.birth_date {
        crate::screen::parse_dob(d).map_err(|e| format!("birth_date: {e}"))?;
    }
    if let Some(n) = &s.nationality {
        crate::screen::parse_nationality(n).map_err(|e| format!("nationality: {e}"))?;
    }
    Ok(())
}

/// Imports subjects given directly (the API's `POST /v1/customers`); refused ones are named by
/// position.
pub async fn upsert_subjects(
    db: &Db,
    actor: &Actor,
    subjects: Vec<SubjectInput>,
) -> Result<SubjectImport> {
    let mut problems = Vec::new();
    let mut ok = Vec::new();
    for (i, s) in subjects.into_iter().enumerate() {
        match check(&s) {
            Ok(()) => ok.push(s),
            Err(e) => problems.push(format!("subject {}: {e}", i + 1)),
        }
    }
    let mut out = db.import_subjects(actor, &ok, "api").await?;
    out.rejected = problems.len() as u64;
    out.read += out.rejected;
    out.problems = problems;
    Ok(out)
}

/// The forward queries of a subject: one per name, with its qualifiers.
pub fn queries(s: &SubjectInput) -> Vec<Query> {
    let schema = s.schema.as_deref().map(|k| match k {
        "organization" => Schema::Organization,
        _ => Schema::Person,
    });
    let birth_date = s
        .birth_date
        .as_deref()
        .and_then(|d| crate::screen::parse_dob(d).ok());
    let nationality = s
        .nationality
        .as_deref()
        .and_then(|n| crate::screen::parse_nationality(n).ok());
    s.names
        .iter()
        .filter(|n| !n.trim().is_empty())
        .map(|n| Query {
            name: n.clone(),
            schema: schema.clone(),
            birth_date,
            nationality: nationality.clone(),
            identifiers: s.identifiers.clone(),
        })
        .collect()
}

/// Screens one subject: its matches at or above the threshold, one per entity (the best).
fn screen_subject(screener: &Screener, s: &SubjectInput, cfg: &ScreenConfig) -> Vec<Match> {
    let mut best: BTreeMap<EntityId, Match> = BTreeMap::new();
    for q in queries(s) {
        for m in screener.screen(&q, cfg) {
            if !m.is_match {
                continue;
            }
            match best.get(&m.entity_id) {
                Some(b) if b.score >= m.score => {}
                _ => {
                    best.insert(m.entity_id.clone(), m);
                }
            }
        }
    }
    best.into_values().collect()
}

/// What the subjects were last screened against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Target {
    lists: Vec<String>,
    engine: String,
    config: String,
}

const STATE_KEY: &str = "monitor.state";
/// The setting holding the configuration of the last finished run, which the automatic runs
/// after a list change reuse.
const CONFIG_KEY: &str = "monitor.config";

/// The screening configuration a run keeps for the next automatic one.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct StoredConfig {
    threshold: f64,
    floor: f64,
    limit: usize,
    ofac: bool,
}

/// The configuration of the last finished re-screening run (the engine's default before any).
pub async fn last_config(db: &Db) -> Result<ScreenConfig> {
    let stored: Option<StoredConfig> = db
        .setting(CONFIG_KEY)
        .await?
        .and_then(|s| serde_json::from_str(&s).ok());
    Ok(stored.map_or_else(ScreenConfig::default, |c| ScreenConfig {
        threshold: c.threshold,
        floor: c.floor,
        limit: c.limit,
        mode: if c.ofac {
            screening::Mode::Ofac
        } else {
            screening::Mode::Default
        },
    }))
}

/// Re-screens the monitored subjects after the lists changed (`lists import`, `lists update`,
/// the service's swap), when a records database is configured or present in the data
/// directory; nothing otherwise. The run is the one `interdict monitor` starts, with the
/// configuration of the last run, so it is idempotent and resumable, and it reports through
/// `obs`.
pub fn after_list_change(
    ctx: &Context,
    database: Option<&str>,
    obs: &(dyn Observer + Send + Sync),
) -> Result<Option<RescreenSummary>> {
    if !crate::evidence::records_configured(ctx, database) {
        return Ok(None);
    }
    let run = block_on(async {
        let db = open(ctx, database).await?;
        let opts = MonitorOptions {
            config: last_config(&db).await?,
            ..MonitorOptions::default()
        };
        monitor(ctx, &db, &ListSource::Stored, &opts, obs).await
    })?;
    let s = run.map_err(|e| {
        AppError::Invalid(format!(
            "the lists are stored, but re-screening the monitored subjects failed ({e}); run `interdict monitor` to finish it"
        ))
    })?;
    if s.kind != "none" {
        obs.notice(&describe(&s));
    }
    Ok(Some(s))
}

/// One line about a re-screening run, for people.
pub fn describe(s: &RescreenSummary) -> String {
    format!(
        "Re-screened the monitored subjects ({} run{}): {} screened, {} candidates from {} added and {} changed listed entities, {} alerts opened, {} marked delisted.",
        s.kind,
        if s.resumed { ", resumed" } else { "" },
        s.subjects_screened,
        s.candidates,
        s.added,
        s.changed,
        s.alerts_opened,
        s.alerts_delisted
    )
}

fn config_hash(cfg: &ScreenConfig) -> String {
    records::audit::sha256_hex(crate::evidence::config_text(cfg).as_bytes())[..16].to_string()
}

/// Options of a re-screening run.
#[derive(Debug, Clone, Default)]
pub struct MonitorOptions {
    /// The screening configuration (its threshold opens alerts).
    pub config: ScreenConfig,
    /// Re-screen every subject even when only lists changed.
    pub full: bool,
    /// Stop after this many batches (tests use it to simulate a killed run); `None` runs to the end.
    pub max_batches: Option<u64>,
}

/// Subjects per forward batch (one transaction each).
const FORWARD_BATCH: i64 = 2_000;
/// Listed entities per reverse batch (one transaction each).
const REVERSE_BATCH: usize = 100;

/// Runs (or continues) the re-screening that brings the subjects up to the current lists,
/// engine and configuration.
pub async fn monitor(
    ctx: &Context,
    db: &Db,
    source: &ListSource,
    opts: &MonitorOptions,
    obs: &(dyn Observer + Send + Sync),
) -> Result<RescreenSummary> {
    let lock = db.rescreen_lock().await?;
    let out = monitor_locked(ctx, db, source, opts, obs).await;
    lock.release().await?;
    out
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Invalid(format!("a screening worker failed: {e}")))
}

async fn monitor_locked(
    ctx: &Context,
    db: &Db,
    source: &ListSource,
    opts: &MonitorOptions,
    obs: &(dyn Observer + Send + Sync),
) -> Result<RescreenSummary> {
    let engine = {
        let (ctx2, source2) = (ctx.clone(), source.clone());
        blocking(move || crate::engine::open(&ctx2, &source2, &crate::Silent)).await??
    };
    let lists: Vec<String> = engine
        .lists()
        .iter()
        .map(|l| format!("{}@{}", l.list, l.version))
        .collect();
    let target = Target {
        lists: lists.clone(),
        engine: screening::ENGINE_VERSION.to_string(),
        config: config_hash(&opts.config),
    };
    let prev: Option<Target> = db
        .setting(STATE_KEY)
        .await?
        .and_then(|s| serde_json::from_str(&s).ok());
    let full = opts.full
        || prev
            .as_ref()
            .is_none_or(|p| p.engine != target.engine || p.config != target.config);
    let kind = if full { "full" } else { "delta" };
    let target_json = serde_json::to_string(&target).unwrap_or_default();
    let prev_json = prev
        .as_ref()
        .map(|p| serde_json::to_string(p).unwrap_or_default())
        .unwrap_or_default();
    let run_id =
        records::audit::sha256_hex(format!("{kind}\n{prev_json}\n{target_json}").as_bytes())[..16]
            .to_string();
    let mut summary = RescreenSummary {
        run_id: run_id.clone(),
        kind: kind.to_string(),
        lists: lists.clone(),
        ..RescreenSummary::default()
    };
    let lists_changed = prev.as_ref().is_none_or(|p| p.lists != target.lists);
    if !full && !lists_changed && db.subjects_page(0, 1, true).await?.is_empty() {
        // Nothing changed since the last run: no run, no records.
        summary.kind = "none".to_string();
        return Ok(summary);
    }
    let existing = db.run(&run_id).await?;
    summary.resumed = existing.as_ref().is_some_and(|r| r.state == "running");
    let (mut phase, mut cursor) = existing.as_ref().map_or((0, 0), |r| (r.phase, r.cursor));
    let finished = existing.as_ref().is_some_and(|r| r.state == "done");
    if finished {
        // This exact run finished; only subjects changed since are due.
        phase = 1;
        cursor = 0;
    }
    let actor = Actor::system("monitor");
    {
        let mut tx = db.begin().await?;
        tx.run_start(&actor.user, &run_id, kind, &target_json)
            .await?;
        tx.commit().await?;
    }
    let screener = Arc::new(engine);
    let cfg = opts.config;
    let evidence_base = Evidence {
        subject_id: None,
        source: "monitor",
        input: None,
        input_hash: String::new(),
        lists: lists.join(","),
        engine: target.engine.clone(),
        config_hash: target.config.clone(),
        results: String::new(),
        actor: actor.user.clone(),
    };
    let mut batches = 0u64;
    let stop = |batches: u64| opts.max_batches.is_some_and(|m| batches >= m);

    // Phase 0: the list delta, reverse-screened (delta runs only).
    if !full && phase == 0 {
        let delta = {
            let (ctx2, prev2, now2) = (ctx.clone(), prev.clone(), lists.clone());
            blocking(move || {
                list_delta(
                    &ctx2,
                    prev2.as_ref().map(|p| &p.lists[..]).unwrap_or(&[]),
                    &now2,
                )
            })
            .await??
        };
        summary.added = delta.added;
        summary.changed = delta.changed.len() as u64 - delta.added;
        summary.removed = delta.removed.len() as u64;
        if cursor == 0 && !delta.removed.is_empty() {
            let mut tx = db.begin().await?;
            for (id, note) in &delta.removed {
                summary.alerts_delisted += tx.delisted(&actor.user, id, note).await?;
            }
            tx.run_advance(&run_id, 0, 0, 0).await?;
            tx.commit().await?;
        }
        if !delta.changed.is_empty() {
            obs.start(
                "Reverse screening the list changes",
                Some(delta.changed.len() as u64),
                crate::Unit::Items,
            );
            let subjects = subject_index(ctx, db).await?;
            let delta_screener = Arc::new(delta.screener);
            let changed = Arc::new(delta.changed);
            let start = usize::try_from(cursor).unwrap_or(0);
            let mut i = start;
            while i < changed.len() {
                let end = (i + REVERSE_BATCH).min(changed.len());
                let (subjects2, changed2) = (subjects.clone(), changed.clone());
                let ids: Vec<i64> =
                    blocking(move || reverse_candidates(&subjects2, &changed2[i..end])).await?;
                summary.candidates += ids.len() as u64;
                let rows = db.subjects_by_id(&ids).await?;
                let batch_ids: BTreeSet<String> = changed[i..end]
                    .iter()
                    .map(|c| c.entity.id.to_string())
                    .collect();
                let (ds, changed3) = (delta_screener.clone(), changed.clone());
                let screened = blocking(move || {
                    use rayon::prelude::*;
                    rows.into_par_iter()
                        .map(|r| {
                            let ms: Vec<Match> = screen_subject(&ds, &r.data, &cfg)
                                .into_iter()
                                .filter(|m| batch_ids.contains(m.entity_id.as_str()))
                                .collect();
                            (r, ms)
                        })
                        .collect::<Vec<_>>()
                })
                .await?;
                let changes: BTreeMap<&str, &DeltaEntity> =
                    changed3.iter().map(|c| (c.entity.id.as_str(), c)).collect();
                let mut tx = db.begin().await?;
                let mut opened = 0;
                for (row, ms) in &screened {
                    if ms.is_empty() {
                        continue;
                    }
                    let (o, a) =
                        record_hits(&mut tx, &actor, &evidence_base, row, ms, "new_hit", |id| {
                            changes
                                .get(id)
                                .map(|c| (c.fingerprint.clone(), c.changes.clone()))
                        })
                        .await?;
                    opened += o;
                    summary.allowed += a;
                }
                tx.run_advance(&run_id, 0, end as i64, opened as i64)
                    .await?;
                tx.commit().await?;
                summary.alerts_opened += opened;
                obs.advance((end - i) as u64);
                i = end;
                batches += 1;
                if stop(batches) {
                    obs.finish();
                    return Ok(summary);
                }
            }
            obs.finish();
        }
        cursor = 0;
        let mut tx = db.begin().await?;
        tx.run_advance(&run_id, 1, 0, 0).await?;
        tx.commit().await?;
    }

    // Phase 1: forward screening of every subject (full) or of new and changed ones (delta).
    obs.start("Screening subjects", None, crate::Unit::Items);
    let screener2 = screener.clone();
    let fingerprint = move |id: &str| -> Option<(String, Option<serde_json::Value>)> {
        let id = EntityId::parse(id).ok()?;
        screener2
            .screener()
            .entity(&id)
            .map(|e| (format!("{:016x}", screening::fingerprint(e)), None))
    };
    loop {
        let page = db.subjects_page(cursor, FORWARD_BATCH, !full).await?;
        let Some(last) = page.last().map(|r| r.id) else {
            break;
        };
        let s2 = screener.clone();
        let screened = blocking(move || {
            use rayon::prelude::*;
            page.into_par_iter()
                .map(|r| {
                    let ms = screen_subject(s2.screener(), &r.data, &cfg);
                    (r, ms)
                })
                .collect::<Vec<_>>()
        })
        .await?;
        let mut tx = db.begin().await?;
        let mut opened = 0;
        for (row, ms) in &screened {
            if !ms.is_empty() {
                let reason = if full { "new_hit" } else { "subject_changed" };
                let (o, a) = record_hits(
                    &mut tx,
                    &actor,
                    &evidence_base,
                    row,
                    ms,
                    reason,
                    &fingerprint,
                )
                .await?;
                opened += o;
                summary.allowed += a;
            }
        }
        let versions: Vec<(i64, i64)> = screened.iter().map(|(r, _)| (r.id, r.version)).collect();
        tx.mark_screened(&versions).await?;
        tx.run_advance(&run_id, 1, last, opened as i64).await?;
        tx.commit().await?;
        summary.alerts_opened += opened;
        summary.subjects_screened += screened.len() as u64;
        obs.advance(screened.len() as u64);
        cursor = last;
        batches += 1;
        if stop(batches) {
            obs.finish();
            return Ok(summary);
        }
    }
    obs.finish();
    if finished && summary.subjects_screened == 0 {
        summary.kind = "none".to_string();
        return Ok(summary);
    }
    let config_json = serde_json::to_string(&StoredConfig {
        threshold: cfg.threshold,
        floor: cfg.floor,
        limit: cfg.limit,
        ofac: cfg.mode == screening::Mode::Ofac,
    })
    .unwrap_or_default();
    let mut tx = db.begin().await?;
    tx.run_finish(
        &actor.user,
        &run_id,
        &[(STATE_KEY, &target_json), (CONFIG_KEY, &config_json)],
        json!({
            "kind": kind, "lists": lists, "screened": summary.subjects_screened,
            "candidates": summary.candidates, "alerts_opened": summary.alerts_opened,
            "delisted": summary.alerts_delisted, "allowed": summary.allowed,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(summary)
}

/// Stores one subject's hits (evidence and alerts); returns (opened, allowed).
async fn record_hits<F>(
    tx: &mut records::Tx,
    actor: &Actor,
    base: &Evidence,
    row: &records::SubjectRow,
    ms: &[Match],
    reason: &'static str,
    entity: F,
) -> Result<(u64, u64)>
where
    F: Fn(&str) -> Option<(String, Option<serde_json::Value>)>,
{
    let input = serde_json::to_string(&row.data).unwrap_or_default();
    let screening_id = tx
        .evidence(&Evidence {
            subject_id: Some(row.id),
            input_hash: records::audit::sha256_hex(input.as_bytes()),
            input: Some(input),
            results: serde_json::to_string(ms).unwrap_or_default(),
            ..base.clone()
        })
        .await?;
    let (mut opened, mut allowed) = (0, 0);
    for m in ms {
        let Some((fingerprint, changes)) = entity(m.entity_id.as_str()) else {
            continue;
        };
        let mut detail = json!({ "screening": screening_id, "match": m });
        if let Some(c) = changes {
            detail["changes"] = c;
        }
        let (id, was_allowed) = tx
            .hit(
                &actor.user,
                &Hit {
                    subject_id: row.id,
                    entity_id: m.entity_id.to_string(),
                    fingerprint,
                    list_version: format!("{}@{}", m.list, m.list_version),
                    score: m.score,
                    reason,
                    detail,
                },
            )
            .await?;
        opened += u64::from(id.is_some());
        allowed += u64::from(was_allowed);
    }
    Ok((opened, allowed))
}

/// An added or changed listed entity.
#[derive(Debug, Clone)]
struct DeltaEntity {
    entity: Entity,
    fingerprint: String,
    /// The field changes (JSON), absent for added entities.
    changes: Option<serde_json::Value>,
}

/// The changes between the previous and the current list versions.
struct Delta {
    /// Added and changed entities, sorted by id (added ones counted in `added`).
    changed: Vec<DeltaEntity>,
    added: u64,
    /// Removed entity ids with a note.
    removed: Vec<(String, String)>,
    /// A screener over `changed`, to confirm reverse candidates with the forward engine.
    screener: Screener,
}

fn list_delta(ctx: &Context, prev: &[String], now: &[String]) -> Result<Delta> {
    let list_of = |spec: &str| spec.split('@').next().unwrap_or("").to_string();
    let mut changed = Vec::new();
    let mut removed = Vec::new();
    let mut added = 0;
    let mut input: Vec<(ListRef, Vec<Entity>)> = Vec::new();
    for spec in now {
        if prev.contains(spec) {
            continue;
        }
        let list = list_of(spec);
        let old = prev.iter().find(|p| list_of(p) == list);
        let (_, new_entities) = crate::lists::load_side(ctx, spec)?;
        let old_entities = match old {
            Some(o) => crate::lists::load_side(ctx, o)?.1,
            None => Vec::new(),
        };
        let d = model::diff::diff(&old_entities, &new_entities);
        let by_id: BTreeMap<&EntityId, &Entity> = new_entities.iter().map(|e| (&e.id, e)).collect();
        let mut mine = Vec::new();
        for a in &d.added {
            if let Some(e) = by_id.get(&a.id) {
                added += 1;
                mine.push(DeltaEntity {
                    entity: (*e).clone(),
                    fingerprint: format!("{:016x}", screening::fingerprint(e)),
                    changes: None,
                });
            }
        }
        for c in &d.changed {
            if let Some(e) = by_id.get(&c.id) {
                mine.push(DeltaEntity {
                    entity: (*e).clone(),
                    fingerprint: format!("{:016x}", screening::fingerprint(e)),
                    changes: serde_json::to_value(&c.changes).ok(),
                });
            }
        }
        for r in &d.removed {
            removed.push((r.id.to_string(), format!("removed from the list in {spec}")));
        }
        let version = spec.split_once('@').map_or("", |(_, v)| v).to_string();
        input.push((
            ListRef::new(list, version),
            mine.iter().map(|d| d.entity.clone()).collect(),
        ));
        changed.extend(mine);
    }
    changed.sort_by(|a, b| a.entity.id.cmp(&b.entity.id));
    Ok(Delta {
        changed,
        added,
        removed,
        screener: Screener::build(input),
    })
}

/// The id prefix of subjects in the reverse index (`os:subject-<id>`; the index needs an id
/// with a known source, and this one never meets a listed id).
const SUBJECT_PREFIX: &str = "subject-";

/// Builds (or finds) the reverse-screening index over the active subjects, which is cached
/// under the data directory until the subjects change; running it after a large import makes
/// the next delta re-screen pay only for the delta.
pub async fn warm_subject_index(ctx: &Context, db: &Db) -> Result<()> {
    subject_index(ctx, db).await.map(|_| ())
}

/// An index over the active subjects, cached under the data directory by subject revision.
async fn subject_index(ctx: &Context, db: &Db) -> Result<Arc<Screener>> {
    let rev = db.subjects_revision().await?;
    let key =
        records::audit::sha256_hex(format!("{}\n{rev}", screening::ENGINE_VERSION).as_bytes());
    let dir = ctx.data_dir().join("records-index");
    let path = dir.join(format!("subjects-{}.idx", &key[..16]));
    if let Ok(bytes) = std::fs::read(&path)
        && let Ok(s) = Screener::load(bytes)
    {
        return Ok(Arc::new(s));
    }
    let mut entities = Vec::new();
    let mut after = 0;
    loop {
        let page = db.subjects_page(after, 20_000, false).await?;
        let Some(last) = page.last().map(|r| r.id) else {
            break;
        };
        after = last;
        entities.extend(page.iter().filter_map(subject_entity));
    }
    let s =
        blocking(move || Screener::build(vec![(ListRef::new("subjects", "current"), entities)]))
            .await?;
    // The cache is an optimisation: a read-only data directory still works.
    if std::fs::create_dir_all(&dir).is_ok() {
        let mut buf = Vec::new();
        if s.save(&mut buf).is_ok() {
            let tmp = path.with_extension(format!("tmp{}", std::process::id()));
            if std::fs::write(&tmp, &buf).is_ok() {
                let _ = std::fs::rename(&tmp, &path);
            }
        }
    }
    Ok(Arc::new(s))
}

fn subject_entity(r: &records::SubjectRow) -> Option<Entity> {
    let id = EntityId::new(
        SourceKind::OpenSanctions,
        &format!("{SUBJECT_PREFIX}{}", r.id),
    )
    .ok()?;
    let schema = match r.data.schema.as_deref() {
        Some("organization") => Schema::Organization,
        Some(_) => Schema::Person,
        None => Schema::LegalEntity,
    };
    let mut e = Entity::new(id, schema);
    for (i, n) in r.data.names.iter().enumerate() {
        let kind = if i == 0 {
            NameKind::Primary
        } else {
            NameKind::Alias
        };
        e.names.push(Name::new(n.clone(), kind));
    }
    Some(e)
}

/// Low enough that every subject the forward engine would match is retrieved.
const REVERSE_FLOOR: f64 = 0.55;

/// The subjects whose names come near the names of the given listed entities.
fn reverse_candidates(subjects: &Screener, changed: &[DeltaEntity]) -> Vec<i64> {
    use rayon::prelude::*;
    let cfg = ScreenConfig {
        floor: REVERSE_FLOOR,
        threshold: 1.0,
        limit: 500,
        ..ScreenConfig::default()
    };
    let mut ids: Vec<i64> = changed
        .par_iter()
        .flat_map_iter(|d| {
            d.entity
                .names
                .iter()
                .filter(|n| n.kind != NameKind::WeakAlias)
                .flat_map(|n| subjects.screen_unexplained(&Query::name(n.full.clone()), &cfg))
                .filter_map(|m| {
                    m.entity_id
                        .as_str()
                        .rsplit_once(SUBJECT_PREFIX)
                        .and_then(|(_, id)| id.parse::<i64>().ok())
                })
                .collect::<Vec<_>>()
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Signs the audit chain's head with the key in the data directory (created, and its creation
/// logged, on first use); the checkpoint carries the public half for auditors.
pub async fn checkpoint(ctx: &Context, db: &Db, actor: &Actor) -> Result<api::AuditCheckpoint> {
    let key = records::signing_key(db, actor, &key_path(ctx)).await?;
    Ok(db.checkpoint(actor, &key).await?)
}

/// Verifies the audit trail, its stored checkpoints and the checkpoint files an auditor kept
/// (JSON, as `audit checkpoint` prints them). When the data directory holds the signing key,
/// every checkpoint must be signed by it.
pub async fn verify(
    ctx: &Context,
    db: &Db,
    checkpoint_files: &[PathBuf],
) -> Result<api::AuditVerification> {
    let mut given = Vec::new();
    for f in checkpoint_files {
        let text = std::fs::read_to_string(f).map_err(AppError::io(f))?;
        given.push(serde_json::from_str(&text).map_err(|e| {
            AppError::Invalid(format!("{}: not an audit checkpoint: {e}", f.display()))
        })?);
    }
    let trusted = std::fs::read_to_string(key_path(ctx)).ok().and_then(|hex| {
        let bytes = records::audit::unhex(hex.trim())?;
        let key = ed25519_dalek::SigningKey::from_bytes(&<[u8; 32]>::try_from(bytes).ok()?);
        Some(records::audit::hex(key.verifying_key().as_bytes()))
    });
    Ok(db.verify_audit(&given, trusted.as_deref()).await?)
}

/// Writes the audit records between `from` and `to` (inclusive; each a sequence number or an
/// RFC 3339 time prefix such as `2026-01`) as JSON lines or CSV; returns how many.
pub async fn export_audit<W: std::io::Write + ?Sized>(
    db: &Db,
    from: Option<&str>,
    to: Option<&str>,
    csv: bool,
    out: &mut W,
) -> Result<u64> {
    let keep = |r: &records::audit::Record, bound: Option<&str>, lower: bool| match bound {
        None => true,
        Some(b) => match b.parse::<i64>() {
            Ok(seq) => {
                if lower {
                    r.seq >= seq
                } else {
                    r.seq <= seq
                }
            }
            // A time prefix: `--to 2026-01` keeps all of January.
            Err(_) => {
                if lower {
                    r.ts.as_str() >= b
                } else {
                    r.ts.get(..b.len()).unwrap_or(&r.ts) <= b
                }
            }
        },
    };
    let mut n = 0;
    let mut after = 0;
    loop {
        let page = db.audit_page(after, 10_000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        let mut buf = Vec::new();
        let mut w = csv::WriterBuilder::new()
            .has_headers(n == 0)
            .from_writer(&mut buf);
        for r in page {
            if !keep(&r, from, true) || !keep(&r, to, false) {
                continue;
            }
            let rec = records::audit_out(r);
            if csv {
                w.serialize(&rec)
                    .map_err(|e| AppError::Invalid(e.to_string()))?;
            } else {
                let line =
                    serde_json::to_string(&rec).map_err(|e| AppError::Invalid(e.to_string()))?;
                out.write_all(line.as_bytes())?;
                out.write_all(b"\n")?;
            }
            n += 1;
        }
        drop(w);
        out.write_all(&buf)?;
    }
    Ok(n)
}

/// Deletes the personal data of subjects removed more than `days` days ago (OFAC keeps records
/// 10 years: 3,650 days is the default of the command line) and logs that it did.
pub async fn retention(db: &Db, actor: &Actor, days: i64) -> Result<api::RetentionSummary> {
    if days < 0 {
        return Err(AppError::Invalid(
            "the retention period cannot be negative".into(),
        ));
    }
    let cutoff = records::time::days_ago(days);
    let purged = db.purge(actor, &cutoff).await?;
    Ok(api::RetentionSummary { cutoff, purged })
}
