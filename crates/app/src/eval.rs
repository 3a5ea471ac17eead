//! The labelled name-screening evaluation set's index, as `../shared/eval/README.md` defines it:
//! every row of the 2024-05-03 SDN CSV with the aliases from `alt.csv` of entities in that file,
//! and the UN list without weak aliases and original-script names.

use std::path::{Path, PathBuf};

use model::NameKind;
use screening::{ListRef, Screener};

use crate::{AppError, Result, files};

/// The list files of the evaluation index, under the shared folder.
pub fn list_files(shared: &Path) -> [PathBuf; 3] {
    let data = shared.join("data");
    [
        data.join("ofac/sdn_2024-05-03.csv"),
        data.join("ofac/alt_2025-12.csv"),
        data.join("un/UN_consolidated_2026-02-27.xml"),
    ]
}

/// Builds the evaluation index from the shared folder.
pub fn screener(shared: &Path) -> Result<Screener> {
    let paths = list_files(shared);
    for f in &paths {
        if !f.exists() {
            return Err(AppError::Invalid(format!(
                "{} is missing; point --shared at the folder that holds data/ and eval/",
                f.display()
            )));
        }
    }
    let inputs = files::read_inputs(&paths)?;
    let mut lists = Vec::new();
    for (p, _) in files::parse(&inputs)? {
        let mut entities = p.parsed.entities;
        // Aliases of entities missing from the 2024 SDN file are not part of the labelled
        // index; such entities have no primary name.
        entities.retain(|e| e.names.iter().any(|n| n.kind == NameKind::Primary));
        if p.list == ingest::ListId::Un {
            for e in &mut entities {
                e.names.retain(|n| {
                    n.kind != NameKind::WeakAlias
                        && !matches!(n.script, Some(s) if s != model::Script::Latin)
                });
            }
        }
        lists.push((ListRef::new(p.list.as_str(), "eval"), entities));
    }
    Ok(Screener::build(lists))
}

/// Runs the shared scorer (`score.py`) over a results file with `python`; its report goes to
/// standard output.
pub fn score(
    python: &str,
    scorer: &Path,
    queries: &Path,
    results: &Path,
    threshold: f64,
) -> Result<()> {
    let status = std::process::Command::new(python)
        .arg(scorer)
        .arg(queries)
        .arg(results)
        .arg("--threshold")
        .arg(threshold.to_string())
        .status()
        .map_err(|e| {
            AppError::Invalid(format!(
                "cannot run {python} {}; is Python 3 installed? ({e})",
                scorer.display()
            ))
        })?;
    if !status.success() {
        return Err(AppError::Invalid(format!("the scorer failed ({status})")));
    }
    Ok(())
}
