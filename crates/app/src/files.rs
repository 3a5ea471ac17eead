//! Reading list files and guarding outputs against overwriting inputs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ingest::{Input, ParsedList};
use store::SourceFile;

use crate::{AppError, Result};

/// One input file read into memory.
#[derive(Debug, Clone)]
pub struct FileData {
    /// The path as the user gave it (or the URL it was downloaded from).
    pub name: String,
    /// Its content.
    pub bytes: Vec<u8>,
}

/// Reads the given files; a directory stands for the files directly inside it, in name order
/// (hidden files skipped).
pub fn read_inputs(paths: &[PathBuf]) -> Result<Vec<FileData>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut children: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(AppError::io(p))?
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
        return Err(AppError::Invalid("no list files given".into()));
    }
    Ok(out)
}

fn read_one(p: &Path) -> Result<FileData> {
    let bytes = std::fs::read(p).map_err(AppError::io(p))?;
    Ok(FileData {
        name: p.display().to_string(),
        bytes,
    })
}

/// Parses files into lists, each with the source-file records the store keeps. Two files that
/// give the same list in different formats are refused, so one import never mixes them.
pub fn parse(files: &[FileData]) -> Result<Vec<(ParsedList, Vec<SourceFile>)>> {
    let inputs: Vec<Input<'_>> = files
        .iter()
        .map(|f| Input {
            name: &f.name,
            bytes: &f.bytes,
        })
        .collect();
    let parsed = ingest::parse_files(&inputs)?;
    let mut seen = BTreeSet::new();
    for p in &parsed {
        if !seen.insert(p.list) {
            return Err(AppError::Invalid(format!(
                "several files give the {} list in different formats; import them one at a time",
                p.list.as_str()
            )));
        }
    }
    Ok(parsed
        .into_iter()
        .map(|p| {
            let sources = files
                .iter()
                .filter_map(|f| {
                    let inner = format!("{}!", f.name);
                    let (_, fmt) = p
                        .files
                        .iter()
                        .find(|(n, _)| n == &f.name || n.starts_with(&inner))?;
                    Some(SourceFile {
                        name: f.name.clone(),
                        format: fmt.label().to_string(),
                        sha256: store::sha256_hex(&f.bytes),
                        bytes: f.bytes.len() as u64,
                    })
                })
                .collect();
            (p, sources)
        })
        .collect())
}

/// Refuses to run when an output path names one of the inputs, before anything is read or
/// written: a command must never destroy its own input. Paths are compared after resolving
/// links and `..`, so `./a.csv` and `dir/../a.csv` are the same file.
pub fn ensure_distinct(outputs: &[&Path], inputs: &[&Path]) -> Result<()> {
    let canon = |p: &Path| -> Option<PathBuf> {
        if let Ok(c) = p.canonicalize() {
            return Some(c);
        }
        // An output that does not exist yet: resolve its folder and keep the file name.
        let parent = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.canonicalize().ok()?,
            _ => std::env::current_dir().ok()?,
        };
        Some(parent.join(p.file_name()?))
    };
    for out in outputs {
        let Some(o) = canon(out) else { continue };
        for input in inputs {
            if canon(input).is_some_and(|i| i == o) {
                return Err(AppError::Invalid(format!(
                    "the output {} is also an input; choose another output file",
                    out.display()
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_that_names_an_input_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let input = dir.path().join("in.csv");
        std::fs::write(&input, "x").expect("write");
        let same = dir.path().join("sub/../in.csv");
        std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
        let err = ensure_distinct(&[&same], &[&input]).expect_err("same file");
        assert!(err.to_string().contains("is also an input"), "{err}");
        let other = dir.path().join("out.jsonl");
        ensure_distinct(&[&other], &[&input]).expect("different files");
    }
}
