//! The list store: versioned snapshots of parsed sanctions lists in a data directory.
//!
//! Layout under the data directory:
//!
//! ```text
//! lists/<list>/<version>/meta.json          what was imported, when, from which files
//! lists/<list>/<version>/entities.jsonl     one entity per line, sorted by id
//! lists/<list>/<version>/diagnostics.jsonl  what the parsers could not use
//! lists/<list>/CURRENT                      the version screening uses by default
//! ```
//!
//! A snapshot directory is written under a temporary name and renamed into place, and `CURRENT`
//! is replaced by a rename, so a crash or a failed import never leaves a half-written snapshot
//! where a reader would find it. A version is `<publish date or import date>-<content hash>`;
//! importing the same content again finds the existing version and writes nothing.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use ingest::{ListId, ParsedList};
use model::{Diagnostic, Entity, EntityId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub mod policy;
mod time;

pub use time::utc_now;

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A file or directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A stored file is not what the store wrote.
    #[error("{path}: the stored snapshot is damaged ({message}); re-import the list")]
    Corrupt {
        /// The path involved.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A snapshot named by the user does not exist.
    #[error("no stored snapshot matches {spec:?}; run `interdict lists` to see what is stored")]
    NotFound {
        /// What the user asked for.
        spec: String,
    },
    /// A snapshot name matches several stored snapshots.
    #[error(
        "{spec:?} matches several snapshots ({candidates}); name the list too, as LIST@VERSION"
    )]
    Ambiguous {
        /// What the user asked for.
        spec: String,
        /// The matches.
        candidates: String,
    },
    /// A delta was imported for a list that has no snapshot to apply it to.
    #[error("{list} has no stored snapshot to apply the delta file to; import a full export first")]
    DeltaWithoutBase {
        /// The list.
        list: String,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// One source file of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    /// The name the user gave (or the URL it was downloaded from).
    pub name: String,
    /// The detected format.
    pub format: String,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// What the store knows about one snapshot without loading its entities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotMeta {
    /// The list.
    pub list: ListId,
    /// The version: `<date>-<first 12 hex digits of the content hash>`.
    pub version: String,
    /// The publication date the files state, if any (ISO).
    pub publish_date: Option<String>,
    /// When it was imported (UTC, RFC 3339).
    pub imported_at: String,
    /// SHA-256 over the sorted source file hashes.
    pub content_hash: String,
    /// The files it was built from.
    pub files: Vec<SourceFile>,
    /// Entity counts by FtM schema.
    pub counts: BTreeMap<String, u64>,
    /// Number of diagnostics.
    pub diagnostics: u64,
    /// Number of error-level diagnostics: records the parsers dropped.
    #[serde(default)]
    pub errors: u64,
    /// The filters a filtered export states (one program of a list, say); empty for a complete
    /// list. A filtered snapshot never silently replaces a complete one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<String>,
    /// The number of records the files declare (OFAC classic XML `Record_Count`), if they do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_count: Option<u64>,
    /// The number of records the files hold, as the declared count counts them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_count: Option<u64>,
}

impl SnapshotMeta {
    /// `list@version`, the unambiguous name of a snapshot.
    pub fn name(&self) -> String {
        format!("{}@{}", self.list.as_str(), self.version)
    }

    /// Total number of entities.
    pub fn entity_count(&self) -> u64 {
        self.counts.values().sum()
    }
}

/// A loaded snapshot.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Its metadata.
    pub meta: SnapshotMeta,
    /// Its entities, sorted by id.
    pub entities: Vec<Entity>,
}

/// A snapshot ready to be written: what [`Store::prepare`] returns, so that the caller can
/// judge it against the current snapshot before [`Store::commit`] writes it.
#[derive(Debug)]
pub struct Prepared {
    /// Its metadata, as it will be stored.
    pub meta: SnapshotMeta,
    /// The same content, already stored under this metadata (then nothing is written).
    pub existing: Option<SnapshotMeta>,
    entities: Vec<Entity>,
    diagnostics: Vec<Diagnostic>,
}

/// The outcome of [`Store::save`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// A new snapshot was written.
    New(SnapshotMeta),
    /// The same content was already stored; nothing was written.
    Unchanged(SnapshotMeta),
}

impl Saved {
    /// The snapshot's metadata either way.
    pub fn meta(&self) -> &SnapshotMeta {
        match self {
            Saved::New(m) | Saved::Unchanged(m) => m,
        }
    }
}

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// The content hash of a set of files: order-independent, so the same files given in another
/// order are the same content.
pub fn content_hash(files: &[SourceFile]) -> String {
    let mut hashes: Vec<&str> = files.iter().map(|f| f.sha256.as_str()).collect();
    hashes.sort_unstable();
    let mut h = Sha256::new();
    for x in hashes {
        h.update(x.as_bytes());
        h.update(b"\n");
    }
    hex(&h.finalize())
}

/// Counts entities by schema name.
pub fn count_by_schema(entities: &[Entity]) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for e in entities {
        *counts.entry(e.schema.name().to_string()).or_insert(0) += 1;
    }
    counts
}

/// The list store rooted at a data directory.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// Opens (and creates if needed) a store at `root`.
    pub fn open(root: impl Into<PathBuf>) -> Result<Store, StoreError> {
        let root = root.into();
        let lists = root.join("lists");
        fs::create_dir_all(&lists).map_err(io_err(&lists))?;
        Ok(Store { root })
    }

    /// The data directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Takes the store's writer lock: an exclusive advisory lock (`flock`) on `lists/.lock`,
    /// held until the returned guard is dropped. Every writer holds it from reading the current
    /// snapshot to making the new one current, so two imports (in two processes, or two
    /// containers sharing the volume) run one after the other and each judges the other's
    /// result. The lock dies with its process, so a writer killed with `kill -9` never leaves
    /// the store locked; the temporary files it left are removed here, once no writer can
    /// still be using them.
    pub fn lock(&self) -> Result<WriteLock, StoreError> {
        let path = self.root.join("lists").join(".lock");
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(io_err(&path))?;
        file.lock().map_err(io_err(&path))?;
        for list in ListId::ALL {
            let dir = self.list_dir(list);
            let Ok(rd) = fs::read_dir(&dir) else {
                continue;
            };
            for entry in rd.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with(".tmp-") {
                    let _ = fs::remove_dir_all(entry.path());
                } else if name.starts_with(".CURRENT.") {
                    let _ = fs::remove_file(entry.path());
                }
            }
        }
        Ok(WriteLock { _file: file })
    }

    fn list_dir(&self, list: ListId) -> PathBuf {
        self.root.join("lists").join(list.as_str())
    }

    /// Every stored snapshot, by list and then version.
    pub fn snapshots(&self) -> Result<Vec<SnapshotMeta>, StoreError> {
        let mut out = Vec::new();
        for list in ListId::ALL {
            let dir = self.list_dir(list);
            let Ok(rd) = fs::read_dir(&dir) else {
                continue;
            };
            let mut versions = Vec::new();
            for entry in rd {
                let entry = entry.map_err(io_err(&dir))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') || !entry.path().is_dir() {
                    continue;
                }
                versions.push(self.read_meta(&entry.path())?);
            }
            versions.sort_by(|a, b| {
                (&a.publish_date, &a.imported_at, &a.version).cmp(&(
                    &b.publish_date,
                    &b.imported_at,
                    &b.version,
                ))
            });
            out.extend(versions);
        }
        Ok(out)
    }

    fn read_meta(&self, dir: &Path) -> Result<SnapshotMeta, StoreError> {
        let path = dir.join("meta.json");
        let bytes = fs::read(&path).map_err(io_err(&path))?;
        serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
            path,
            message: e.to_string(),
        })
    }

    /// The current snapshot of a list, if any.
    pub fn current(&self, list: ListId) -> Result<Option<SnapshotMeta>, StoreError> {
        let path = self.list_dir(list).join("CURRENT");
        let version = match fs::read_to_string(&path) {
            Ok(v) => v.trim().to_string(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_err(&path)(e)),
        };
        let dir = self.list_dir(list).join(&version);
        if !dir.is_dir() {
            return Err(StoreError::Corrupt {
                path,
                message: format!("it names version {version}, which is not stored"),
            });
        }
        self.read_meta(&dir).map(Some)
    }

    /// The current snapshot of every list that has one.
    pub fn current_all(&self) -> Result<Vec<SnapshotMeta>, StoreError> {
        let mut out = Vec::new();
        for list in ListId::ALL {
            if let Some(m) = self.current(list)? {
                out.push(m);
            }
        }
        Ok(out)
    }

    /// Finds a snapshot by `list` (its current version), `list@version`, or a version (or a
    /// unique prefix of one) of any list.
    pub fn resolve(&self, spec: &str) -> Result<SnapshotMeta, StoreError> {
        let not_found = || StoreError::NotFound {
            spec: spec.to_string(),
        };
        if let Some(list) = ListId::parse(spec) {
            return self.current(list)?.ok_or_else(not_found);
        }
        let (list, version) = match spec.split_once('@') {
            Some((l, v)) => (Some(ListId::parse(l).ok_or_else(not_found)?), v),
            None => (None, spec),
        };
        let all = self.snapshots()?;
        let matches: Vec<&SnapshotMeta> = all
            .iter()
            .filter(|m| list.is_none_or(|l| m.list == l))
            .filter(|m| m.version == version || m.version.starts_with(version))
            .collect();
        let exact: Vec<&SnapshotMeta> = matches
            .iter()
            .copied()
            .filter(|m| m.version == version)
            .collect();
        match (exact.as_slice(), matches.as_slice()) {
            ([one], _) | ([], [one]) => Ok((*one).clone()),
            ([], []) => Err(not_found()),
            _ => Err(StoreError::Ambiguous {
                spec: spec.to_string(),
                candidates: matches
                    .iter()
                    .map(|m| m.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    /// Loads a snapshot's entities.
    pub fn load(&self, meta: &SnapshotMeta) -> Result<Snapshot, StoreError> {
        let path = self
            .list_dir(meta.list)
            .join(&meta.version)
            .join("entities.jsonl");
        let file = fs::File::open(&path).map_err(io_err(&path))?;
        let mut entities = Vec::with_capacity(meta.entity_count() as usize);
        for (i, line) in BufReader::new(file).lines().enumerate() {
            let line = line.map_err(io_err(&path))?;
            if line.is_empty() {
                continue;
            }
            let e: Entity = serde_json::from_str(&line).map_err(|e| StoreError::Corrupt {
                path: path.clone(),
                message: format!("line {}: {e}", i + 1),
            })?;
            entities.push(e);
        }
        Ok(Snapshot {
            meta: meta.clone(),
            entities,
        })
    }

    /// Loads a snapshot's diagnostics.
    pub fn diagnostics(&self, meta: &SnapshotMeta) -> Result<Vec<Diagnostic>, StoreError> {
        let path = self
            .list_dir(meta.list)
            .join(&meta.version)
            .join("diagnostics.jsonl");
        let text = fs::read_to_string(&path).map_err(io_err(&path))?;
        text.lines()
            .filter(|l| !l.is_empty())
            .map(|l| {
                serde_json::from_str(l).map_err(|e| StoreError::Corrupt {
                    path: path.clone(),
                    message: e.to_string(),
                })
            })
            .collect()
    }

    /// Saves a parsed list as a new snapshot and makes it current, unless the same content is
    /// already stored. A delta is applied to the list's current snapshot first.
    pub fn save(&self, parsed: ParsedList, files: Vec<SourceFile>) -> Result<Saved, StoreError> {
        let _lock = self.lock()?;
        let prepared = self.prepare(parsed, files)?;
        self.commit(prepared, true)
    }

    /// Builds the snapshot a parsed list would become (applying a delta to the current
    /// snapshot) without writing anything, and finds the same content if it is already stored.
    pub fn prepare(
        &self,
        parsed: ParsedList,
        files: Vec<SourceFile>,
    ) -> Result<Prepared, StoreError> {
        let list = parsed.list;
        let mut files = files;
        let mut entities = parsed.parsed.entities;
        let mut base_hash = String::new();
        if parsed.parsed.is_delta {
            let base = self
                .current(list)?
                .ok_or_else(|| StoreError::DeltaWithoutBase {
                    list: list.as_str().to_string(),
                })?;
            base_hash = base.content_hash.clone();
            let snap = self.load(&base)?;
            entities = apply_delta(snap.entities, entities, &parsed.parsed.deleted);
            let mut merged = base.files.clone();
            merged.append(&mut files);
            files = merged;
        }
        let mut hash = content_hash(&files);
        if !base_hash.is_empty() {
            hash = sha256_hex(format!("{base_hash}{hash}").as_bytes());
        }
        let existing = self
            .snapshots()?
            .into_iter()
            .find(|m| m.list == list && m.content_hash == hash);
        entities.sort_by(|a, b| a.id.cmp(&b.id));
        let now = utc_now();
        let publish_date = parsed.parsed.publish_date.map(|d| d.to_string());
        let date_part = publish_date
            .clone()
            .unwrap_or_else(|| now[..10].to_string());
        let errors = parsed
            .parsed
            .diagnostics
            .iter()
            .filter(|d| d.severity == model::Severity::Error)
            .count() as u64;
        let meta = SnapshotMeta {
            list,
            version: format!("{date_part}-{}", &hash[..12]),
            publish_date,
            imported_at: now,
            content_hash: hash,
            files,
            counts: count_by_schema(&entities),
            diagnostics: parsed.parsed.diagnostics.len() as u64,
            errors,
            filters: parsed.parsed.filters,
            declared_count: parsed.parsed.declared_count,
            record_count: parsed.parsed.record_count,
        };
        Ok(Prepared {
            meta,
            existing,
            entities,
            diagnostics: parsed.parsed.diagnostics,
        })
    }

    /// Writes a prepared snapshot (nothing when the content is already stored) and makes it
    /// current when `make_current` is true; otherwise it is kept as a non-current version that
    /// can be inspected, diffed and promoted later.
    pub fn commit(&self, prepared: Prepared, make_current: bool) -> Result<Saved, StoreError> {
        let list = prepared.meta.list;
        let saved = match prepared.existing {
            Some(existing) => Saved::Unchanged(existing),
            None => {
                self.write_snapshot(&prepared.meta, &prepared.entities, &prepared.diagnostics)?;
                Saved::New(prepared.meta)
            }
        };
        if make_current {
            self.set_current(list, &saved.meta().version)?;
        }
        Ok(saved)
    }

    fn write_snapshot(
        &self,
        meta: &SnapshotMeta,
        entities: &[Entity],
        diagnostics: &[Diagnostic],
    ) -> Result<(), StoreError> {
        let dir = self.list_dir(meta.list);
        fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        let target = dir.join(&meta.version);
        if target.is_dir() {
            // Another writer stored the same content first (the same version name means the
            // same content hash): nothing to write.
            return Ok(());
        }
        let tmp = dir.join(format!(".tmp-{}-{}", meta.version, unique_suffix()));
        fs::create_dir(&tmp).map_err(io_err(&tmp))?;
        let result = (|| {
            write_jsonl(&tmp.join("entities.jsonl"), entities)?;
            write_jsonl(&tmp.join("diagnostics.jsonl"), diagnostics)?;
            let path = tmp.join("meta.json");
            let json = serde_json::to_vec_pretty(meta).map_err(|e| StoreError::Corrupt {
                path: path.clone(),
                message: e.to_string(),
            })?;
            write_synced(&path, &json)?;
            fs::rename(&tmp, &target).map_err(io_err(&target))?;
            sync_dir(&dir)
        })();
        if result.is_err() {
            let _ = fs::remove_dir_all(&tmp);
        }
        result
    }

    fn set_current(&self, list: ListId, version: &str) -> Result<(), StoreError> {
        let dir = self.list_dir(list);
        let tmp = dir.join(format!(".CURRENT.{}", unique_suffix()));
        write_synced(&tmp, format!("{version}\n").as_bytes())?;
        let path = dir.join("CURRENT");
        fs::rename(&tmp, &path).map_err(io_err(&path))?;
        sync_dir(&dir)
    }
}

/// The store's writer lock ([`Store::lock`]); released when dropped or when the process ends.
#[derive(Debug)]
pub struct WriteLock {
    _file: fs::File,
}

/// A name part no other writer uses: the process id (not enough alone: two containers sharing
/// a volume both run as PID 1), the time in nanoseconds and 64 bits from the standard
/// library's per-process random hash keys.
pub fn unique_suffix() -> String {
    use std::hash::{BuildHasher, Hasher};
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(nanos);
    format!("{}-{nanos:x}-{:016x}", std::process::id(), h.finish())
}

/// Makes a rename in `dir` durable (a no-op where directories cannot be opened, as on Windows).
fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err(dir))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let mut f = fs::File::create(path).map_err(io_err(path))?;
    f.write_all(bytes).map_err(io_err(path))?;
    f.sync_all().map_err(io_err(path))
}

fn write_jsonl<T: Serialize>(path: &Path, items: &[T]) -> Result<(), StoreError> {
    let f = fs::File::create(path).map_err(io_err(path))?;
    let mut w = BufWriter::new(f);
    for item in items {
        serde_json::to_writer(&mut w, item).map_err(|e| StoreError::Corrupt {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        w.write_all(b"\n").map_err(io_err(path))?;
    }
    let f = w.into_inner().map_err(|e| io_err(path)(e.into_error()))?;
    f.sync_all().map_err(io_err(path))
}

/// Applies FtM delta operations: deleted ids go, added or modified entities replace their
/// earlier version.
pub fn apply_delta(base: Vec<Entity>, upserts: Vec<Entity>, deleted: &[EntityId]) -> Vec<Entity> {
    let mut map: BTreeMap<EntityId, Entity> = base.into_iter().map(|e| (e.id.clone(), e)).collect();
    for id in deleted {
        map.remove(id);
    }
    for e in upserts {
        map.insert(e.id.clone(), e);
    }
    map.into_values().collect()
}
