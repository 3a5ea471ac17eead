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

/// Refuses, before anything is read or written, to write `output` when it is one of `inputs` (each with the role it plays, e.g. "the records
/// file"): the same path once canonicalised, the same file through another name (a hard or
/// symbolic link), an input inside the output directory, or an existing file directly inside an
/// input directory (which the command would read).
pub fn refuse_overwrite(output: &Path, inputs: &[(&str, &Path)]) -> Result<()> {
    let out = canonical(output);
    let out_meta = std::fs::metadata(output).ok();
    for (role, input) in inputs {
        // An input that does not exist yet (another output) is compared by its path.
        let inp = canonical(input);
        let in_meta = std::fs::metadata(input).ok();
        let clash = inp == out
            || inp.starts_with(&out) && out_meta.as_ref().is_some_and(|m| m.is_dir())
            || in_meta.as_ref().is_some_and(|m| m.is_dir())
                && out_meta.is_some()
                && out.parent() == Some(inp.as_path())
            || out_meta
                .as_ref()
                .zip(in_meta.as_ref())
                .is_some_and(|(o, i)| same_file(o, i));
        if clash {
            return Err(AppError::Invalid(format!(
                "refusing to write {}: it would overwrite {role} {}; choose another output path",
                output.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

/// The canonical form of a path that may not exist yet: its parent canonicalised, joined with
/// its file name; the path made absolute when even the parent does not exist.
fn canonical(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    let parent = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match (std::fs::canonicalize(parent), p.file_name()) {
        (Ok(d), Some(name)) => d.join(name),
        _ => std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()),
    }
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    // Without inode numbers, canonical paths are the only identity we can compare.
    false
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
        let err = refuse_overwrite(&same, &[("the input", &input)]).expect_err("same file");
        assert!(err.to_string().contains("overwrite the input"), "{err}");
        let other = dir.path().join("out.jsonl");
        refuse_overwrite(&other, &[("the input", &input)]).expect("different files");
    }
}
