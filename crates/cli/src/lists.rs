//! `interdict lists …`: import, update, show, diff and export.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use ingest::ListId;
use model::diff::ListDiff;
use model::{Diagnostic, Entity};
use store::{Saved, SnapshotMeta};

use crate::Global;
use crate::load::{self, FileData};

/// Arguments of `interdict lists`.
#[derive(Debug, Args)]
pub struct ListsArgs {
    #[command(subcommand)]
    command: Option<ListsCommand>,
}

#[derive(Debug, Subcommand)]
enum ListsCommand {
    /// Parse list files and save them as a new versioned snapshot (a no-op for content already stored).
    Import {
        /// List files: OFAC CSV sets (give all four files together), OFAC XML/Advanced/Enhanced
        /// (also zipped), UN XML, EU XML, UK XML/CSV, FtM JSON lines or FtM delta files.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Print every diagnostic, not only the first few.
        #[arg(long)]
        diagnostics: bool,
    },
    /// Download lists from their official URLs and store any new version.
    Update {
        /// Lists to update [default: ofac-sdn ofac-cons un eu uk].
        #[arg(value_name = "LIST")]
        lists: Vec<String>,
        /// Fetch every file from this base URL instead (a mirror or a local server).
        #[arg(long, env = "INTERDICT_MIRROR", value_name = "URL")]
        mirror: Option<String>,
        /// Seconds to wait for a connection.
        #[arg(long, default_value_t = 20)]
        connect_timeout: u64,
        /// Seconds a whole download may take.
        #[arg(long, default_value_t = 600)]
        timeout: u64,
        /// Attempts per file.
        #[arg(long, default_value_t = 3)]
        retries: u32,
        /// Accept a new version even if it has fewer than half the entities of the current one.
        #[arg(long)]
        force: bool,
    },
    /// Show the stored snapshots (the default).
    Show,
    /// Compare two versions: each a stored snapshot (LIST, LIST@VERSION or VERSION) or a file.
    Diff {
        /// The old version.
        old: String,
        /// The new version.
        new: String,
    },
    /// Write stored lists (or files given with --lists) in another format.
    Export {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Ftm)]
        format: ExportFormat,
        /// Export only these lists (by name) [default: every current snapshot].
        #[arg(long = "list", value_name = "LIST")]
        only: Vec<String>,
        /// Use these files instead of stored snapshots.
        #[arg(long, num_args = 1.., value_name = "PATH")]
        lists: Vec<PathBuf>,
        /// Write here instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExportFormat {
    /// FollowTheMoney JSON lines.
    Ftm,
    /// interdict's own entity JSON lines (lossless).
    Json,
}

/// Runs `interdict lists`.
pub fn run(global: &Global, args: ListsArgs) -> Result<ExitCode> {
    match args.command.unwrap_or(ListsCommand::Show) {
        ListsCommand::Show => show(global),
        ListsCommand::Import { paths, diagnostics } => import(global, &paths, diagnostics),
        ListsCommand::Update {
            lists,
            mirror,
            connect_timeout,
            timeout,
            retries,
            force,
        } => {
            let mut fetcher = crate::download::Fetcher::new(
                Duration::from_secs(connect_timeout),
                Duration::from_secs(timeout),
                mirror,
            );
            fetcher.attempts = retries.max(1);
            if std::env::var_os("INTERDICT_TEST_FAST_RETRY").is_some() {
                fetcher.backoff = Duration::from_millis(10);
            }
            update(global, &lists, &fetcher, force)
        }
        ListsCommand::Diff { old, new } => diff(global, &old, &new),
        ListsCommand::Export {
            format,
            only,
            lists,
            output,
        } => export(global, format, &only, &lists, output.as_deref()),
    }
}

fn parse_list_names(names: &[String]) -> Result<Vec<ListId>> {
    names
        .iter()
        .map(|n| {
            ListId::parse(n).with_context(|| {
                format!(
                    "unknown list {n:?}; known lists: {}",
                    ListId::ALL.map(|l| l.as_str()).join(", ")
                )
            })
        })
        .collect()
}

fn counts_text(meta: &SnapshotMeta) -> String {
    meta.counts
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn show(global: &Global) -> Result<ExitCode> {
    let store = crate::datadir::open_store(global)?;
    let all = store.snapshots()?;
    let current: Vec<SnapshotMeta> = store.current_all()?;
    let is_current = |m: &SnapshotMeta| current.iter().any(|c| c == m);
    if global.json {
        let rows: Vec<serde_json::Value> = all
            .iter()
            .map(|m| {
                let mut v = serde_json::to_value(m).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("current".into(), is_current(m).into());
                    o.insert("entities".into(), m.entity_count().into());
                }
                v
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(ExitCode::SUCCESS);
    }
    if all.is_empty() {
        println!(
            "No lists stored in {}.\nRun `interdict lists update` (needs internet) or `interdict lists import FILE...`.",
            store.root().display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<1} {:<13} {:<24} {:<10} {:>8} {:>6}  by schema",
        "", "list", "version", "published", "entities", "diags"
    );
    for m in &all {
        println!(
            "{:<1} {:<13} {:<24} {:<10} {:>8} {:>6}  {}",
            if is_current(m) { "*" } else { "" },
            m.list.as_str(),
            m.version,
            m.publish_date.as_deref().unwrap_or("-"),
            m.entity_count(),
            m.diagnostics,
            counts_text(m)
        );
    }
    println!("(* = current; data directory {})", store.root().display());
    Ok(ExitCode::SUCCESS)
}

fn print_diagnostics(diags: &[Diagnostic], all: bool) {
    const SHOWN: usize = 5;
    let n = if all {
        diags.len()
    } else {
        diags.len().min(SHOWN)
    };
    for d in &diags[..n] {
        eprintln!("  {d}");
    }
    if diags.len() > n {
        eprintln!(
            "  … and {} more (see them with --diagnostics)",
            diags.len() - n
        );
    }
}

fn import(global: &Global, paths: &[PathBuf], all_diags: bool) -> Result<ExitCode> {
    let files = load::read_inputs(paths)?;
    let store = crate::datadir::open_store(global)?;
    let pb = crate::progress::spinner("Parsing");
    let parsed = load::parse(&files);
    pb.finish_and_clear();
    let mut results = Vec::new();
    for (p, sources) in parsed? {
        let diags = p.parsed.diagnostics.clone();
        let saved = store.save(p, sources)?;
        results.push((saved, diags));
    }
    report_saved(global, &results, all_diags)?;
    Ok(ExitCode::SUCCESS)
}

fn report_saved(
    global: &Global,
    results: &[(Saved, Vec<Diagnostic>)],
    all_diags: bool,
) -> Result<()> {
    if global.json {
        let rows: Vec<serde_json::Value> = results
            .iter()
            .map(|(s, _)| {
                serde_json::json!({
                    "status": if matches!(s, Saved::New(_)) { "new" } else { "unchanged" },
                    "snapshot": s.meta(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    for (s, diags) in results {
        let m = s.meta();
        let status = match s {
            Saved::New(_) => "imported",
            Saved::Unchanged(_) => "unchanged (already stored)",
        };
        println!(
            "{}: {status}, {} entities ({}), {} diagnostics",
            m.name(),
            m.entity_count(),
            counts_text(m),
            m.diagnostics
        );
        if matches!(s, Saved::New(_)) {
            print_diagnostics(diags, all_diags);
        }
    }
    Ok(())
}

fn update(
    global: &Global,
    names: &[String],
    fetcher: &crate::download::Fetcher,
    force: bool,
) -> Result<ExitCode> {
    let lists = if names.is_empty() {
        crate::download::SOURCES.iter().map(|s| s.list).collect()
    } else {
        parse_list_names(names)?
    };
    let store = crate::datadir::open_store(global)?;
    let mut results = Vec::new();
    let mut failures = Vec::new();
    for list in lists {
        let Some(source) = crate::download::source(list) else {
            failures.push(format!(
                "{}: no official download is configured; import the files with `interdict lists import`",
                list.as_str()
            ));
            continue;
        };
        match update_one(&store, source, fetcher, force) {
            Ok(r) => results.push(r),
            Err(e) => failures.push(format!("{}: {e:#}", list.as_str())),
        }
    }
    report_saved(global, &results, false)?;
    for f in &failures {
        eprintln!("error: {f}");
    }
    if !failures.is_empty() {
        eprintln!("The stored snapshots of the lists that failed are unchanged.");
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn update_one(
    store: &store::Store,
    source: &crate::download::Source,
    fetcher: &crate::download::Fetcher,
    force: bool,
) -> Result<(Saved, Vec<Diagnostic>)> {
    let files: Vec<FileData> = fetcher.fetch_source(source)?;
    let mut parsed = load::parse(&files).context("the downloaded files cannot be used")?;
    if parsed.len() != 1 || parsed[0].0.list != source.list {
        let got: Vec<&str> = parsed.iter().map(|(p, _)| p.list.as_str()).collect();
        bail!(
            "the download does not contain the {} list (found: {})",
            source.list.as_str(),
            if got.is_empty() {
                "nothing".to_string()
            } else {
                got.join(", ")
            }
        );
    }
    let (p, sources) = parsed.remove(0);
    let new_count = p.parsed.entities.len() as u64;
    if new_count == 0 {
        bail!("the download holds no entities");
    }
    if let Some(current) = store.current(source.list)?
        && !force
        && new_count * 2 < current.entity_count()
    {
        bail!(
            "the download has {new_count} entities, fewer than half of the {} in the current snapshot; rerun with --force if this is expected",
            current.entity_count()
        );
    }
    let diags = p.parsed.diagnostics.clone();
    Ok((store.save(p, sources)?, diags))
}

/// Loads one side of a diff: a file path if it exists, else a stored snapshot.
fn load_side(global: &Global, spec: &str) -> Result<(String, Vec<Entity>)> {
    let path = PathBuf::from(spec);
    if path.exists() {
        let files = load::read_inputs(std::slice::from_ref(&path))?;
        let mut parsed = load::parse(&files)?;
        if parsed.len() != 1 {
            bail!(
                "{spec} holds {} lists; diff compares one list",
                parsed.len()
            );
        }
        let (p, _) = parsed.remove(0);
        return Ok((spec.to_string(), p.parsed.entities));
    }
    let store = crate::datadir::open_store(global)?;
    let meta = store.resolve(spec)?;
    let snap = store.load(&meta)?;
    Ok((meta.name(), snap.entities))
}

fn diff(global: &Global, old: &str, new: &str) -> Result<ExitCode> {
    let (old_name, old_entities) = load_side(global, old)?;
    let (new_name, new_entities) = load_side(global, new)?;
    let d: ListDiff = model::diff::diff(&old_entities, &new_entities);
    if global.json {
        println!("{}", serde_json::to_string_pretty(&d)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{old_name} → {new_name}: {} added, {} removed, {} changed",
        d.added.len(),
        d.removed.len(),
        d.changed.len()
    );
    for e in &d.added {
        println!("+ {} [{}] {}", e.id, e.schema, e.caption);
    }
    for e in &d.removed {
        println!("- {} [{}] {}", e.id, e.schema, e.caption);
    }
    for c in &d.changed {
        println!("~ {} {}", c.id, c.caption);
        for f in &c.changes {
            for v in &f.removed {
                println!("    - {}: {v}", f.field);
            }
            for v in &f.added {
                println!("    + {}: {v}", f.field);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn export(
    global: &Global,
    format: ExportFormat,
    only: &[String],
    paths: &[PathBuf],
    output: Option<&std::path::Path>,
) -> Result<ExitCode> {
    let only = parse_list_names(only)?;
    let lists = load::load_lists(global, paths)?;
    let stdout = std::io::stdout();
    let mut out: Box<dyn Write> = match output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(stdout.lock())),
    };
    let mut n = 0u64;
    for l in lists
        .iter()
        .filter(|l| only.is_empty() || only.contains(&l.list))
    {
        tracing::info!(list = l.list.as_str(), version = %l.version, "Exporting.");
        for e in &l.entities {
            match format {
                ExportFormat::Ftm => {
                    for v in model::ftm::to_ftm(e) {
                        serde_json::to_writer(&mut out, &v)?;
                        out.write_all(b"\n")?;
                        n += 1;
                    }
                }
                ExportFormat::Json => {
                    serde_json::to_writer(&mut out, e)?;
                    out.write_all(b"\n")?;
                    n += 1;
                }
            }
        }
    }
    out.flush()?;
    if output.is_some() {
        eprintln!("Wrote {n} objects.");
    }
    Ok(ExitCode::SUCCESS)
}
