//! Reading list files from disk and loading the lists a command works on.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use ingest::{Input, ListId, ParsedList};
use model::Entity;
use store::SourceFile;

use crate::Global;

/// One input file read into memory.
pub struct FileData {
    /// The path as the user gave it.
    pub name: String,
    /// Its content.
    pub bytes: Vec<u8>,
}

/// Reads the given files; a directory stands for the files directly inside it, in name order.
pub fn read_inputs(paths: &[PathBuf]) -> Result<Vec<FileData>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut children: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("cannot list directory {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .filter(|p| {
                    !p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                })
                .collect();
            children.sort();
            for c in children {
                out.push(read_one(&c)?);
            }
        } else {
            out.push(read_one(p)?);
        }
    }
    if out.is_empty() {
        bail!("no list files given");
    }
    Ok(out)
}

fn read_one(p: &Path) -> Result<FileData> {
    let bytes = std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?;
    Ok(FileData {
        name: p.display().to_string(),
        bytes,
    })
}

/// Parses files into lists, with the source-file records of each list for the store.
pub fn parse(files: &[FileData]) -> Result<Vec<(ParsedList, Vec<SourceFile>)>> {
    let inputs: Vec<Input<'_>> = files
        .iter()
        .map(|f| Input {
            name: &f.name,
            bytes: &f.bytes,
        })
        .collect();
    let parsed = ingest::parse_files(&inputs)?;
    let mut seen = std::collections::BTreeSet::new();
    for p in &parsed {
        if !seen.insert(p.list) {
            bail!(
                "several files give the {} list in different formats; import them one at a time",
                p.list.as_str()
            );
        }
    }
    Ok(parsed
        .into_iter()
        .map(|p| {
            let sources = files
                .iter()
                .filter(|f| {
                    p.files.iter().any(|(name, _)| {
                        name == &f.name || name.starts_with(&format!("{}!", f.name))
                    })
                })
                .map(|f| SourceFile {
                    name: f.name.clone(),
                    format: p
                        .files
                        .iter()
                        .find(|(n, _)| n == &f.name || n.starts_with(&format!("{}!", f.name)))
                        .map(|(_, fmt)| fmt.label().to_string())
                        .unwrap_or_default(),
                    sha256: store::sha256_hex(&f.bytes),
                    bytes: f.bytes.len() as u64,
                })
                .collect();
            (p, sources)
        })
        .collect())
}

/// A list ready for screening: which list, which version, its entities.
pub struct LoadedList {
    /// Which list.
    pub list: ListId,
    /// The version: a stored snapshot version, or `file:<hash>` for files given directly.
    pub version: String,
    /// The entities.
    pub entities: Vec<Entity>,
}

/// Loads the lists a screening command works on: the files given with `--lists`, or else the
/// current stored snapshot of every list.
pub fn load_lists(global: &Global, paths: &[PathBuf]) -> Result<Vec<LoadedList>> {
    if !paths.is_empty() {
        let files = read_inputs(paths)?;
        let mut out = Vec::new();
        for (p, sources) in parse(&files)? {
            if p.parsed.is_delta {
                bail!(
                    "{} is an FtM delta; import the full list and the delta with `interdict lists import` first",
                    p.files.first().map(|f| f.0.as_str()).unwrap_or("?")
                );
            }
            let hash = store::content_hash(&sources);
            out.push(LoadedList {
                list: p.list,
                version: format!("file:{}", &hash[..12]),
                entities: p.parsed.entities,
            });
        }
        return Ok(out);
    }
    let store = crate::datadir::open_store(global)?;
    let mut current = store.current_all()?;
    if current.is_empty() && std::env::var_os("INTERDICT_OFFLINE").is_none() {
        current = fetch_first_lists(&store);
    }
    if current.is_empty() {
        bail!(
            "no lists are stored in {}; run `interdict lists update` (needs internet) or `interdict lists import FILE...`, or pass --lists FILE...",
            store.root().display()
        );
    }
    current
        .into_iter()
        .map(|m| {
            let snap = store.load(&m)?;
            Ok(LoadedList {
                list: m.list,
                version: m.version,
                entities: snap.entities,
            })
        })
        .collect()
}

/// With an empty store, fetches the official lists once so that a first `interdict screen` on a
/// machine with internet just works. Failures only warn: the caller then explains how to load
/// lists by hand. Set `INTERDICT_OFFLINE` to skip this.
fn fetch_first_lists(store: &store::Store) -> Vec<store::SnapshotMeta> {
    eprintln!(
        "No lists are stored yet; fetching the official lists (as `interdict lists update` does; set INTERDICT_OFFLINE=1 to skip)."
    );
    let mut fetcher = crate::download::Fetcher::new(
        std::time::Duration::from_secs(10),
        std::time::Duration::from_secs(600),
        std::env::var("INTERDICT_MIRROR").ok(),
    );
    fetcher.attempts = 2;
    for source in crate::download::SOURCES {
        match crate::lists::update_one(store, source, &fetcher, false) {
            Ok((saved, _)) => eprintln!(
                "  {}: {} entities",
                saved.meta().name(),
                saved.meta().entity_count()
            ),
            Err(e) => eprintln!("  {}: not fetched: {e:#}", source.list.as_str()),
        }
    }
    store.current_all().unwrap_or_default()
}
