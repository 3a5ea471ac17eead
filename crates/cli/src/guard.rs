//! Refusing to write an output over one of the command's inputs, before anything is read.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

/// Fails when `output` is one of `inputs` (each with the role it plays, e.g. "the records
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
            bail!(
                "refusing to write {}: it would overwrite {role} {}; choose another output path",
                output.display(),
                input.display()
            );
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
