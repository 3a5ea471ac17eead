//! Importing list files and downloading official lists, with the policy that decides whether
//! new content may replace the current snapshot.
//!
//! Nothing is written until every file of a list has been downloaded, checked and parsed; the
//! store then writes atomically. A failed or implausible download leaves the current snapshot.

use std::path::PathBuf;

use ingest::ListId;
use model::Diagnostic;
use store::{Saved, SnapshotMeta, Store};

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
}

/// Parses list files and stores each list as a snapshot (a re-import of stored content writes
/// nothing).
pub fn import(ctx: &Context, paths: &[PathBuf], obs: &dyn Observer) -> Result<Vec<Outcome>> {
    let data = files::read_inputs(paths)?;
    let store = ctx.store()?;
    obs.start("Parsing", None, crate::Unit::Items);
    let parsed = files::parse(&data);
    obs.finish();
    let mut out = Vec::new();
    for (p, sources) in parsed? {
        let diagnostics = p.parsed.diagnostics.clone();
        let saved = store.save(p, sources)?;
        confirm_current(ctx, &saved);
        out.push(Outcome { saved, diagnostics });
    }
    Ok(out)
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

/// How `update` decides.
#[derive(Debug, Clone, Copy, Default)]
pub struct Policy {
    /// Accept a download with fewer than half the entities of the current snapshot.
    pub force: bool,
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
                    confirm_current(ctx, &o.saved);
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
    let new_count = p.parsed.entities.len() as u64;
    if new_count == 0 {
        return Err(AppError::Download("the download holds no entities".into()));
    }
    if let Some(current) = store.current(source.list)?
        && !policy.force
        && new_count * 2 < current.entity_count()
    {
        return Err(AppError::Download(format!(
            "the download has {new_count} entities, fewer than half of the {} in the current snapshot; rerun with --force if this is expected",
            current.entity_count()
        )));
    }
    let diagnostics = p.parsed.diagnostics.clone();
    Ok(Outcome {
        saved: store.save(p, sources)?,
        diagnostics,
    })
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
            Ok(o) => {
                confirm_current(ctx, &o.saved);
                obs.notice(&format!(
                    "  {}: {} entities",
                    o.saved.meta().name(),
                    o.saved.meta().entity_count()
                ));
            }
            Err(e) => obs.notice(&format!("  {}: not fetched: {e}", source.list.as_str())),
        }
    }
    store.current_all().unwrap_or_default()
}
