//! Where the list store lives.

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::Global;

/// The data directory: `--data-dir`, else `INTERDICT_HOME` (both handled by clap), else the
/// platform's per-user data directory.
pub fn data_dir(global: &Global) -> Result<PathBuf> {
    if let Some(d) = &global.data_dir {
        return Ok(d.clone());
    }
    platform_data_dir()
        .map(|d| d.join("interdict"))
        .context("cannot work out a data directory; pass --data-dir DIR or set INTERDICT_HOME")
}

fn platform_data_dir() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if cfg!(windows) {
        return env("APPDATA");
    }
    if cfg!(target_os = "macos") {
        return env("HOME").map(|h| h.join("Library/Application Support"));
    }
    env("XDG_DATA_HOME").or_else(|| env("HOME").map(|h| h.join(".local/share")))
}

/// Opens the store in the data directory.
pub fn open_store(global: &Global) -> Result<store::Store> {
    let dir = data_dir(global)?;
    store::Store::open(&dir)
        .with_context(|| format!("cannot open the list store in {}", dir.display()))
}
