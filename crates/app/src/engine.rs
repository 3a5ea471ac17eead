//! The screener for a set of lists, built once and reopened in milliseconds.
//!
//! Building the name index over SDN + UN takes about half a second; a command that screens one
//! name should not pay that every time. The built screener is saved under
//! `<data dir>/index/<key>.idx`, where the key hashes the engine version and the exact list
//! versions (content hashes) it was built from. A changed list, a new engine version or another
//! bundled snapshot gives another key, so a stale index is never opened; a damaged index file
//! is rebuilt. The file is written under a temporary name and renamed into place, so a reader
//! never sees half of one. The server's hot reload opens a new [`Engine`] the same way.

use std::path::{Path, PathBuf};

use screening::{ListRef, Screener};
use sha2::{Digest, Sha256};

use crate::sources::{ListSource, Resolved};
use crate::{AppError, Context, Observer, Result, bundled};

/// A screener with the facts every answer reports: which lists and versions, and warnings.
#[derive(Debug)]
pub struct Engine {
    screener: Screener,
    lists: Vec<api::ListUsed>,
    warnings: Vec<api::Warning>,
    cached: bool,
}

impl Engine {
    /// The screening engine.
    pub fn screener(&self) -> &Screener {
        &self.screener
    }

    /// The lists that answer, with versions and ages.
    pub fn lists(&self) -> &[api::ListUsed] {
        &self.lists
    }

    /// Warnings every answer must carry (bundled lists).
    pub fn warnings(&self) -> &[api::Warning] {
        &self.warnings
    }

    /// True when the index was opened from its saved form rather than built.
    pub fn was_cached(&self) -> bool {
        self.cached
    }

    /// An engine over a screener built by the caller (tests, evaluation).
    pub fn from_screener(screener: Screener, lists: Vec<api::ListUsed>) -> Engine {
        Engine {
            screener,
            lists,
            warnings: Vec::new(),
            cached: false,
        }
    }
}

/// Opens the engine for a list source: resolves the list versions, opens the saved index for
/// them when there is one, and otherwise builds it (and saves it, for stored and bundled lists).
pub fn open(ctx: &Context, source: &ListSource, obs: &dyn Observer) -> Result<Engine> {
    let resolved = crate::sources::resolve(ctx, source, obs)?;
    let key = cache_key(&resolved);
    let path = key
        .as_ref()
        .map(|k| index_dir(ctx).join(format!("{k}.idx")));
    let mut lists = resolved.lists_used();
    let mut cached = None;
    if let Some(p) = &path {
        cached = load_index(p);
    }
    let was_cached = cached.is_some();
    let screener = match cached {
        Some(s) => s,
        None => {
            let loaded = resolved.load(ctx)?;
            obs.start("Building the name index", None, crate::Unit::Items);
            let started = std::time::Instant::now();
            lists = loaded.iter().map(|l| l.used.clone()).collect();
            let input: Vec<(ListRef, Vec<model::Entity>)> = loaded
                .into_iter()
                .map(|l| (ListRef::new(l.list.as_str(), l.version), l.entities))
                .collect();
            let s = Screener::build(input);
            obs.finish();
            tracing::info!(
                entities = s.len(),
                ms = started.elapsed().as_millis() as u64,
                "Name index built."
            );
            match &path {
                Some(p) => match save_index(&s, p) {
                    // Answer from the saved file's memory map, as a cached open does: the
                    // built screener's heap tables are freed (and returned to the system), so
                    // a service that rebuilt after a list change holds what a fresh start holds.
                    Ok(()) => match load_index(p) {
                        Some(mapped) => {
                            drop(s);
                            crate::memory::release();
                            mapped
                        }
                        None => s,
                    },
                    Err(e) => {
                        // A read-only data directory still screens; it only rebuilds every time.
                        tracing::warn!(error = %e, "The name index could not be saved.");
                        s
                    }
                },
                None => s,
            }
        }
    };
    let warnings = if resolved.is_bundled() {
        vec![bundled::warning(lists.clone())]
    } else {
        Vec::new()
    };
    Ok(Engine {
        screener,
        lists,
        warnings,
        cached: was_cached,
    })
}

/// Where saved indexes live.
pub fn index_dir(ctx: &Context) -> PathBuf {
    ctx.data_dir().join("index")
}

/// The cache key of a resolved source: a hash of the engine version and of every list's exact
/// content. Files named on the command line are not cached (each new file set would leave an
/// index behind).
fn cache_key(resolved: &Resolved) -> Option<String> {
    let mut h = Sha256::new();
    h.update(screening::ENGINE_VERSION.as_bytes());
    match resolved {
        Resolved::Files(_) => return None,
        Resolved::Stored(metas) => {
            for m in metas {
                h.update(b"\0stored\0");
                h.update(m.list.as_str().as_bytes());
                h.update(b"\0");
                h.update(m.version.as_bytes());
                h.update(b"\0");
                h.update(m.content_hash.as_bytes());
            }
        }
        Resolved::Bundled => {
            h.update(b"\0bundled\0");
            for b in bundled::LISTS {
                h.update(b.version.as_bytes());
                h.update(b"\0");
            }
            h.update(bundled::compressed_size().to_le_bytes());
        }
    }
    let digest = h.finalize();
    Some(digest[..12].iter().map(|b| format!("{b:02x}")).collect())
}

/// Opens a saved index; `None` when there is none or it cannot be used (then it is rebuilt).
///
/// The file is memory-mapped rather than read: a cached command then pays for the pages the
/// checksum pass and the query touch, not for copying 45 MB into a fresh allocation first, which
/// was the largest part of a cached `screen` (issue 9 measured 18 ms of about 30).
fn load_index(path: &Path) -> Option<Screener> {
    let file = std::fs::File::open(path).ok()?;
    // SAFETY: index files are written under a temporary name unique to their writer and renamed
    // into place, and never written again, so the mapped bytes cannot change under the map; a
    // file removed while mapped stays readable. The checksum and the loader's range checks still
    // guard against damage on disk.
    #[allow(unsafe_code)]
    let map = unsafe { memmap2::MmapOptions::new().populate().map(&file) }.ok()?;
    match Screener::load_shared(std::sync::Arc::new(map), true) {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "A saved name index cannot be used; rebuilding it.");
            None
        }
    }
}

/// Saves an index atomically: a temporary file unique to this writer, then a rename; older
/// indexes in the folder are removed.
fn save_index(s: &Screener, path: &Path) -> Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| AppError::Invalid("an index path has no folder".into()))?;
    std::fs::create_dir_all(dir).map_err(AppError::io(dir))?;
    let tmp = dir.join(format!(".tmp-{}", store::unique_suffix()));
    let write = || -> std::io::Result<()> {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        s.save(&mut f)?;
        let f = f.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    if let Err(e) = write() {
        let _ = std::fs::remove_file(&tmp);
        return Err(AppError::io(path)(e));
    }
    // Only the newest index per data directory is worth keeping; a reader that has one open
    // holds its bytes in memory, so removing the file under it is safe.
    if let Ok(rd) = std::fs::read_dir(dir) {
        for entry in rd.flatten() {
            let p = entry.path();
            if p != path && p.extension().is_some_and(|e| e == "idx") {
                let _ = std::fs::remove_file(p);
            }
        }
    }
    Ok(())
}
