//! Importing list files and downloading official lists, with the policy that decides whether
//! new content may replace the current snapshot.
//!
//! Nothing is written until every file of a list has been downloaded, checked and parsed; the
//! store then writes atomically. A failed download leaves the current snapshot. Import and
//! update share one replacement policy ([`store::policy`]): a version that is older, filtered,
//! shrunk, inconsistent with its declared count or damaged is stored but not made current,
//! and the outcome says why and which flag accepts it.

use std::path::PathBuf;

use ingest::ListId;
use model::Diagnostic;
use store::policy::{self, Concern};
use store::{Saved, SnapshotMeta, SourceFile, Store};

use crate::download::{self, Fetcher, Source};
use crate::files::{self, FileData};
use crate::{AppError, Context, Observer, Result};

/// What importing or updating one list did.
#[derive(Debug)]
pub struct Outcome {
    /// The snapshot, new or already stored.
    pub saved: Saved,
    /// What the parsers could not use (only meaningful for a new snapshot).
    pub diagnostics: Vec<Diagnostic>,
    /// Why the snapshot was kept but not made current; empty when it is current.
    pub held: Vec<Concern>,
}

impl Outcome {
    /// Whether the snapshot is now the list's current one.
    pub fn is_current(&self) -> bool {
        self.held.is_empty()
    }

    /// The outcome as the output contract has it.
    pub fn to_api(&self) -> api::ImportOutcome {
        api::ImportOutcome {
            status: if matches!(self.saved, Saved::New(_)) {
                api::ImportStatus::New
            } else {
                api::ImportStatus::Unchanged
            },
            snapshot: api::StoredSnapshot::new(self.saved.meta().clone(), self.is_current()),
            held: self
                .held
                .iter()
                .map(|c| format!("{c} ({})", c.flag()))
                .collect(),
        }
    }

    /// The one-line text report: what was stored, its counts and diagnostics.
    pub fn text(&self) -> String {
        let m = self.saved.meta();
        let status = match self.saved {
            Saved::New(_) => "imported",
            Saved::Unchanged(_) => "unchanged (already stored)",
        };
        format!(
            "{}: {status}, {} entities ({}), {} diagnostics",
            m.name(),
            m.entity_count(),
            crate::lists::counts_text(m),
            m.diagnostics
        )
    }

    /// Why the version was not made current, as an error line; `None` when it is current.
    pub fn held_line(&self) -> Option<String> {
        (!self.is_current()).then(|| {
            format!(
                "error: {} was not made current: {}. The current snapshot is unchanged.",
                self.saved.meta().name(),
                held_text(&self.held)
            )
        })
    }
}

/// How import and update decide whether a new version becomes current.
pub type Policy = policy::Policy;

/// Parses list files and stores each list as a snapshot (a re-import of stored content writes
/// nothing). `list` states which list the files are where their content cannot tell (only
/// between `ofac-sdn` and `ofac-cons`). A version the policy does not accept is stored but not
/// made current; its outcome says why.
pub fn import(
    ctx: &Context,
    paths: &[PathBuf],
    list: Option<ListId>,
    policy: Policy,
    obs: &dyn Observer,
) -> Result<Vec<Outcome>> {
    let data = files::read_inputs(paths)?;
    let store = ctx.store()?;
    obs.start("Parsing", None, crate::Unit::Items);
    let parsed = files::parse(&data);
    obs.finish();
    let mut parsed = parsed?;
    if let Some(list) = list {
        if parsed.len() != 1 {
            return Err(AppError::Invalid(format!(
                "--list {} names one list but the files give {}; import them one list at a time",
                list.as_str(),
                parsed.len()
            )));
        }
        for (p, _) in &mut parsed {
            p.restate(list)?;
        }
    }
    let mut out = Vec::new();
    for (p, sources) in parsed {
        let o = store_checked(&store, p, sources, &policy)?;
        if o.is_current() {
            confirm_current(ctx, &o.saved);
        }
        out.push(o);
    }
    Ok(out)
}

/// Stores a parsed list and makes it current when the policy accepts it against the current
/// snapshot; otherwise it stays stored, not current, with the concerns in its outcome.
fn store_checked(
    store: &Store,
    p: ingest::ParsedList,
    sources: Vec<SourceFile>,
    policy: &Policy,
) -> Result<Outcome> {
    let diagnostics = p.parsed.diagnostics.clone();
    // One writer at a time from reading the current snapshot to replacing it.
    let _lock = store.lock()?;
    let current = store.current(p.list)?;
    let prepared = store.prepare(p, sources)?;
    let candidate = prepared.existing.as_ref().unwrap_or(&prepared.meta);
    let held = policy::judge(candidate, current.as_ref(), policy);
    let saved = store.commit(prepared, held.is_empty())?;
    Ok(Outcome {
        saved,
        diagnostics,
        held,
    })
}

/// Records that a stored snapshot was just confirmed current (imported, or downloaded and
/// found new or unchanged), for the service's freshness rule. A failure to record only makes
/// the list look older, which fails closed; it is logged.
fn confirm_current(ctx: &Context, saved: &Saved) {
    let m = saved.meta();
    if let Err(e) = crate::freshness::confirm(ctx, m.list.as_str(), &m.version) {
        tracing::warn!(error = %e, "The list confirmation time could not be recorded.");
    }
}

/// The lists a name list stands for: every list with an official source when empty.
pub fn parse_list_names(names: &[String]) -> Result<Vec<ListId>> {
    if names.is_empty() {
        return Ok(download::SOURCES.iter().map(|s| s.list).collect());
    }
    parse_list_names_only(names)
}

/// The lists named, and none when no name is given.
pub fn parse_list_names_only(names: &[String]) -> Result<Vec<ListId>> {
    names
        .iter()
        .map(|n| {
            ListId::parse(n).ok_or_else(|| {
                AppError::Invalid(format!(
                    "unknown list {n:?}; known lists: {}",
                    ListId::ALL.map(|l| l.as_str()).join(", ")
                ))
            })
        })
        .collect()
}

/// Downloads each list and stores new content. Every list is tried; the result holds one
/// outcome or one error (as a sentence) per list, in the order given.
pub fn update(
    ctx: &Context,
    lists: &[ListId],
    fetcher: &Fetcher,
    policy: Policy,
    obs: &dyn Observer,
) -> Result<Vec<(ListId, Result<Outcome>)>> {
    let store = ctx.store()?;
    Ok(lists
        .iter()
        .map(|&list| {
            let r = match download::source(list) {
                Some(source) => update_one(&store, source, fetcher, policy, obs).inspect(|o| {
                    if o.is_current() {
                        confirm_current(ctx, &o.saved);
                    }
                }),
                None => Err(AppError::Invalid(
                    "no official download is configured; import the files with `interdict lists import`"
                        .into(),
                )),
            };
            (list, r)
        })
        .collect())
}

/// Downloads one list, checks it against the current snapshot and stores it.
pub fn update_one(
    store: &Store,
    source: &Source,
    fetcher: &Fetcher,
    policy: Policy,
    obs: &dyn Observer,
) -> Result<Outcome> {
    let data: Vec<FileData> = fetcher.fetch_source(source, obs)?;
    let mut parsed = files::parse(&data)
        .map_err(|e| AppError::Download(format!("the downloaded files cannot be used: {e}")))?;
    if parsed.len() != 1 || parsed[0].0.list != source.list {
        let got: Vec<&str> = parsed.iter().map(|(p, _)| p.list.as_str()).collect();
        return Err(AppError::Download(format!(
            "the download does not contain the {} list (found: {})",
            source.list.as_str(),
            if got.is_empty() {
                "nothing".to_string()
            } else {
                got.join(", ")
            }
        )));
    }
    let (p, sources) = parsed.remove(0);
    if p.parsed.entities.is_empty() && !p.parsed.is_delta {
        return Err(AppError::Download("the download holds no entities".into()));
    }
    store_checked(store, p, sources, &policy)
}

/// With an empty store, fetches the official lists once so that a first `interdict screen` on
/// a machine with internet just works. Failures are notices: the caller falls back to the
/// bundled lists. Returns the current snapshots afterwards.
pub fn fetch_first_lists(ctx: &Context, store: &Store, obs: &dyn Observer) -> Vec<SnapshotMeta> {
    obs.notice(
        "No lists are stored yet; fetching the official lists (as `interdict lists update` does; set INTERDICT_OFFLINE=1 to skip).",
    );
    let mut fetcher = Fetcher::new(
        std::time::Duration::from_secs(10),
        std::time::Duration::from_secs(600),
        ctx.mirror.clone(),
    );
    fetcher.attempts = 2;
    for source in download::SOURCES {
        match update_one(store, source, &fetcher, Policy::default(), obs) {
            Ok(o) if o.is_current() => {
                confirm_current(ctx, &o.saved);
                obs.notice(&format!(
                    "  {}: {} entities",
                    o.saved.meta().name(),
                    o.saved.meta().entity_count()
                ));
            }
            Ok(o) => obs.notice(&format!(
                "  {}: stored but not used: {}",
                o.saved.meta().name(),
                held_text(&o.held)
            )),
            Err(e) => obs.notice(&format!("  {}: not fetched: {e}", source.list.as_str())),
        }
    }
    store.current_all().unwrap_or_default()
}

/// The concerns of a held version as one sentence, with the flags that accept them.
pub fn held_text(held: &[Concern]) -> String {
    let mut flags: Vec<&str> = held.iter().map(Concern::flag).collect();
    flags.dedup();
    let reasons: Vec<String> = held.iter().map(ToString::to_string).collect();
    format!(
        "{}; it is kept as a non-current version (inspect it with `interdict lists diff`, make it current by importing or updating again with {})",
        reasons.join("; "),
        flags.join(" ")
    )
}
