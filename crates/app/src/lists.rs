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

/// The `lists show` table: one row per stored snapshot, `*` marking the current ones.
pub fn snapshots_text(ctx: &Context, all: &[(SnapshotMeta, bool)]) -> String {
    if all.is_empty() {
        return format!(
            "No lists stored in {}.\nRun `interdict lists update` (needs internet) or `interdict lists import FILE...`.\n",
            ctx.data_dir().display()
        );
    }
    let mut t = format!(
        "{:<1} {:<13} {:<24} {:<10} {:>8} {:>6}  by schema\n",
        "", "list", "version", "published", "entities", "diags"
    );
    for (m, current) in all {
        t.push_str(&format!(
            "{:<1} {:<13} {:<24} {:<10} {:>8} {:>6}  {}\n",
            if *current { "*" } else { "" },
            m.list.as_str(),
            m.version,
            m.publish_date.as_deref().unwrap_or("-"),
            m.entity_count(),
            m.diagnostics,
            counts_text(m)
        ));
    }
    t.push_str(&format!(
        "(* = current; data directory {})\n",
        ctx.data_dir().display()
    ));
    t
}

/// Entity counts by schema, as `Person 2, Vessel 1`.
pub fn counts_text(meta: &SnapshotMeta) -> String {
    meta.counts
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `lists diff` text: a summary line, then `+`, `-` and `~` lines with field changes.
pub fn diff_text(old_name: &str, new_name: &str, d: &ListDiff) -> String {
    let mut t = format!(
        "{old_name} → {new_name}: {} added, {} removed, {} changed\n",
        d.added.len(),
        d.removed.len(),
        d.changed.len()
    );
    for (sign, side) in [("+", &d.added), ("-", &d.removed)] {
        for e in side {
            t.push_str(&format!("{sign} {} [{}] {}\n", e.id, e.schema, e.caption));
        }
    }
    for c in &d.changed {
        t.push_str(&format!("~ {} {}\n", c.id, c.caption));
        for f in &c.changes {
            for v in &f.removed {
                t.push_str(&format!("    - {}: {v}\n", f.field));
            }
            for v in &f.added {
                t.push_str(&format!("    + {}: {v}\n", f.field));
            }
        }
    }
    t
}

/// Exports to `output` (refusing to overwrite an input file) or, without one, to `stdout`;
/// returns how many objects were written.
pub fn export_to(
    ctx: &Context,
    source: &ListSource,
    only: &[ListId],
    format: ExportFormat,
    output: Option<&std::path::Path>,
    stdout: &mut dyn Write,
    obs: &dyn Observer,
) -> Result<u64> {
    let Some(p) = output else {
        let mut out = std::io::BufWriter::new(stdout);
        return export(ctx, source, only, format, &mut out, obs);
    };
    if let ListSource::Files(inputs) = source {
        let inputs: Vec<(&str, &std::path::Path)> = inputs
            .iter()
            .map(|i| ("the list file", i.as_path()))
            .collect();
        files::refuse_overwrite(p, &inputs)?;
    }
    let f = std::fs::File::create(p).map_err(AppError::io(p))?;
    export(
        ctx,
        source,
        only,
        format,
        &mut std::io::BufWriter::new(f),
        obs,
    )
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
