//! Reading the list store for people: what is stored, differences between versions, exports.

use std::io::Write;
use std::path::PathBuf;

use ingest::ListId;
use model::Entity;
use model::diff::ListDiff;
use store::SnapshotMeta;

use crate::sources::ListSource;
use crate::{AppError, Context, Observer, Result, files};

/// Every stored snapshot, each with whether it is its list's current one.
pub fn snapshots(ctx: &Context) -> Result<Vec<(SnapshotMeta, bool)>> {
    let store = ctx.store()?;
    let all = store.snapshots()?;
    let current = store.current_all()?;
    Ok(all
        .into_iter()
        .map(|m| {
            let is_current = current.contains(&m);
            (m, is_current)
        })
        .collect())
}

/// One side of a diff: a file path if it exists, else a stored snapshot (`LIST`,
/// `LIST@VERSION` or `VERSION`). Returns a display name and the entities.
pub fn load_side(ctx: &Context, spec: &str) -> Result<(String, Vec<Entity>)> {
    let path = PathBuf::from(spec);
    if path.exists() {
        let data = files::read_inputs(std::slice::from_ref(&path))?;
        let mut parsed = files::parse(&data)?;
        if parsed.len() != 1 {
            return Err(AppError::Invalid(format!(
                "{spec} holds {} lists; diff compares one list",
                parsed.len()
            )));
        }
        let (p, _) = parsed.remove(0);
        return Ok((spec.to_string(), p.parsed.entities));
    }
    let store = ctx.store()?;
    let meta = store.resolve(spec)?;
    let snap = store.load(&meta)?;
    Ok((meta.name(), snap.entities))
}

/// The differences between two stored versions only (never files): what a service offers its
/// clients, who must not make it read files on the server.
pub fn diff_stored(ctx: &Context, old: &str, new: &str) -> Result<(String, String, ListDiff)> {
    let store = ctx.store()?;
    let (o, n) = (store.resolve(old)?, store.resolve(new)?);
    let (os, ns) = (store.load(&o)?, store.load(&n)?);
    Ok((
        o.name(),
        n.name(),
        model::diff::diff(&os.entities, &ns.entities),
    ))
}

/// The differences between two versions, with their display names.
pub fn diff(ctx: &Context, old: &str, new: &str) -> Result<(String, String, ListDiff)> {
    let (old_name, old_entities) = load_side(ctx, old)?;
    let (new_name, new_entities) = load_side(ctx, new)?;
    Ok((
        old_name,
        new_name,
        model::diff::diff(&old_entities, &new_entities),
    ))
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// FollowTheMoney JSON lines, as OpenSanctions publishes them.
    Ftm,
    /// interdict's own entity JSON lines (lossless).
    Json,
}

/// Writes the lists of a source (only those named in `only`, when not empty) to `out`;
/// returns how many objects were written.
pub fn export(
    ctx: &Context,
    source: &ListSource,
    only: &[ListId],
    format: ExportFormat,
    out: &mut dyn Write,
    obs: &dyn Observer,
) -> Result<u64> {
    let resolved = crate::sources::resolve(ctx, source, obs)?;
    if resolved.is_bundled() {
        obs.notice(&crate::bundled::warning(resolved.lists_used()).message);
    }
    let mut n = 0u64;
    for l in resolved
        .load(ctx)?
        .iter()
        .filter(|l| only.is_empty() || only.contains(&l.list))
    {
        tracing::info!(list = l.list.as_str(), version = %l.version, "Exporting.");
        for e in &l.entities {
            match format {
                ExportFormat::Ftm => {
                    for v in model::ftm::to_ftm(e) {
                        serde_json::to_writer(&mut *out, &v).map_err(std::io::Error::from)?;
                        out.write_all(b"\n")?;
                        n += 1;
                    }
                }
                ExportFormat::Json => {
                    serde_json::to_writer(&mut *out, e).map_err(std::io::Error::from)?;
                    out.write_all(b"\n")?;
                    n += 1;
                }
            }
        }
    }
    out.flush()?;
    Ok(n)
}
