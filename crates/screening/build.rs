//! Fingerprints the source of every crate that decides what a built screener holds (model,
//! names, index, screening), for `persist::ENGINE_VERSION`.
//!
//! Every crate in the workspace has version 0.0.0, so the crate version alone would let an
//! application keep using a screener that an older build saved, whose name analysis, keys or
//! weights may differ from what this build computes. The fingerprint changes with any change to
//! those sources, and with it the application's cache key. It reads only files in this
//! repository and downloads nothing.

use std::path::{Path, PathBuf};

fn main() {
    let here = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into()));
    let mut files = Vec::new();
    for krate in ["model", "names", "index", "screening"] {
        let src = here.join("..").join(krate).join("src");
        println!("cargo:rerun-if-changed={}", src.display());
        collect(&src, &mut files);
    }
    files.sort();
    // FNV-1a 64 over each file's path below `crates/` and its bytes.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for f in &files {
        let rel = f.strip_prefix(here.join("..")).unwrap_or(f);
        eat(rel.to_string_lossy().replace('\\', "/").as_bytes());
        eat(&[0]);
        eat(&std::fs::read(f).unwrap_or_default());
        eat(&[0]);
    }
    println!("cargo:rustc-env=SCREENING_SOURCE_HASH={h:016x}");
}

/// Every file below `dir`, recursively.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}
