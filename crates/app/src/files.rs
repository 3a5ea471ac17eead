//! Reading list files and guarding outputs against overwriting inputs.

use std::collections::BTreeSet;
use std::io::Read;
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

/// The input limits of this process: [`ingest::Limits::default`], with the per-file size cap
/// (and the ZIP expansion cap) taken from `INTERDICT_MAX_INPUT` when set (bytes, or a number
/// with a `K`, `M` or `G` suffix). An unreadable value is ignored with the default kept, so a
/// typo can never lift the bound.
pub fn limits() -> ingest::Limits {
    let mut l = ingest::Limits::default();
    if let Some(n) = std::env::var("INTERDICT_MAX_INPUT")
        .ok()
        .and_then(|v| parse_size(&v))
    {
        l.max_input_bytes = n;
        l.max_zip_expanded = n;
    }
    l
}

/// `123`, `64K`, `512M`, `2G` as bytes.
fn parse_size(v: &str) -> Option<u64> {
    let v = v.trim();
    let (num, shift) = match v.char_indices().last()? {
        (i, 'k' | 'K') => (&v[..i], 10),
        (i, 'm' | 'M') => (&v[..i], 20),
        (i, 'g' | 'G') => (&v[..i], 30),
        _ => (v, 0),
    };
    num.trim().parse::<u64>().ok()?.checked_mul(1 << shift)
}

/// A reader that fails with `InvalidData` once more than `left` bytes have been read, so a
/// stream without end (`/dev/zero` through standard input, a runaway pipe) costs a bounded
/// amount of memory and time.
#[derive(Debug)]
pub struct Capped<R> {
    inner: R,
    left: u64,
    cap: u64,
}

impl<R> Capped<R> {
    /// Caps `inner` at `cap` bytes.
    pub fn new(inner: R, cap: u64) -> Capped<R> {
        Capped {
            inner,
            left: cap,
            cap,
        }
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            // One probe byte tells a file of exactly `cap` bytes from a longer one.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(too_big(self.cap)),
            };
        }
        let n = usize::try_from(self.left)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let got = self.inner.read(&mut buf[..n])?;
        self.left -= got as u64;
        Ok(got)
    }
}

fn too_big(cap: u64) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!(
            "the input is larger than the {cap}-byte limit (set INTERDICT_MAX_INPUT to raise it)"
        ),
    )
}

/// Opens one input for streaming: standard input for `-`, else a regular file (a device, FIFO
/// or directory is refused before anything is read, so `/dev/zero` cannot run forever). The
/// reader fails once it has given more than the size cap; the size is the file's length (0 for
/// standard input), for progress bars.
pub fn open_input(path: &Path) -> Result<(Box<dyn Read + Send>, u64)> {
    let cap = limits().max_input_bytes;
    if path.as_os_str() == "-" {
        return Ok((Box::new(Capped::new(std::io::stdin(), cap)), 0));
    }
    let f = std::fs::File::open(path).map_err(AppError::io(path))?;
    let meta = f.metadata().map_err(AppError::io(path))?;
    if !meta.is_file() {
        return Err(AppError::Invalid(format!(
            "{} is not a regular file; give a file, or `-` to read standard input",
            path.display()
        )));
    }
    if meta.len() > cap {
        return Err(AppError::Io {
            path: path.to_path_buf(),
            source: too_big(cap),
        });
    }
    Ok((Box::new(Capped::new(f, cap)), meta.len()))
}

/// Reads one input whole within the size cap ([`open_input`]'s rules).
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    let (mut r, size) = open_input(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // Grown by 16 MiB steps rather than doubled, so a stream of unknown length (standard
    // input) costs at most the cap plus one step, not twice the cap.
    loop {
        bytes.reserve_exact(16 << 20);
        let n = (&mut r)
            .take(16 << 20)
            .read_to_end(&mut bytes)
            .map_err(AppError::io(path))?;
        if n == 0 {
            break;
        }
    }
    Ok(bytes)
}

/// Reads one input whole as UTF-8 text within the size cap.
pub fn read_input_text(path: &Path) -> Result<String> {
    String::from_utf8(read_input(path)?).map_err(|e| AppError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()),
    })
}

/// Reads the given files; a directory stands for the regular files directly inside it, in name
/// order (hidden files skipped). Each file is read within the size cap ([`read_input`]).
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
    Ok(FileData {
        name: p.display().to_string(),
        bytes: read_input(p)?,
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
    let parsed = ingest::parse_files_within(&inputs, &limits())?;
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
