//! `interdict vet`: vet subject records (JSON lines) for IT-worker infiltration red flags, and
//! `interdict vet generate`: write synthetic records with planted truth.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use screening::ListRef;
use vetting::keys::MIN_SECRET_LEN;
use vetting::pipeline::{self, Sanctions, Setup};
use vetting::{Band, HashKey};

use crate::Global;

/// Arguments of `interdict vet`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct VetArgs {
    #[command(subcommand)]
    command: Option<VetCommand>,
    /// Subject records, one JSON object per line (docs/vetting-record.schema.json).
    #[arg(value_name = "RECORDS.jsonl")]
    records: Option<PathBuf>,
    /// Use these list files instead of the stored snapshots.
    #[arg(long, num_args = 1.., value_name = "PATH")]
    lists: Vec<PathBuf>,
    /// Vet without any sanctions list (no blocking tier).
    #[arg(long, conflicts_with = "lists")]
    no_lists: bool,
    /// Researcher indicator lists (CSV: cluster, persona, type, value, note); matches are leads.
    /// Give several files after one flag or repeat the flag.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    leads: Vec<PathBuf>,
    /// A file with the secret key for hashing SSNs, id numbers and accounts.
    #[arg(long, value_name = "K")]
    key_file: Option<PathBuf>,
    /// Anonymiser CIDR lists (`ADDR/LEN label`; `!ADDR/LEN` marks allowed corporate egress).
    #[arg(long, value_name = "CIDR_FILE")]
    anonymizers: Vec<PathBuf>,
    /// Remote-access tools IT has approved (not flagged).
    #[arg(long, value_name = "NAME")]
    allow_tool: Vec<String>,
    /// Where to write the report (JSON lines: run, subjects, clusters, diagnostics).
    #[arg(long, short, value_name = "REPORT.jsonl")]
    output: Option<PathBuf>,
    /// Also write a standalone HTML report here.
    #[arg(long, value_name = "REPORT.html")]
    html: Option<PathBuf>,
}

/// Subcommands of `interdict vet`.
#[derive(Debug, Subcommand)]
enum VetCommand {
    /// Write synthetic subject records with planted infiltration cases and benign look-alikes.
    Generate(GenerateArgs),
}

/// Arguments of `interdict vet generate`.
#[derive(Debug, Args)]
struct GenerateArgs {
    /// How many subjects.
    #[arg(long, default_value_t = 1000)]
    subjects: usize,
    /// The random seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The records file; the anonymiser list goes to FILE.anonymizers.txt and the planted truth
    /// to FILE.truth.json.
    #[arg(long, short, value_name = "FILE")]
    output: PathBuf,
}

/// Runs `interdict vet`.
pub fn run(global: &Global, args: VetArgs) -> Result<ExitCode> {
    if let Some(VetCommand::Generate(g)) = args.command {
        return generate(&g);
    }
    let Some(records) = args.records.as_deref() else {
        bail!("give a records file: interdict vet RECORDS.jsonl --output REPORT.jsonl");
    };
    let Some(output) = args.output.as_deref() else {
        bail!("give --output REPORT.jsonl");
    };
    refuse_overwrites(global, &args, records, output)?;
    let (key, configured) = key(args.key_file.as_deref())?;
    let sanctions = if args.no_lists {
        eprintln!("note: --no-lists: no sanctions screening, nothing can be blocked");
        None
    } else {
        let lists = crate::load::load_lists(global, &args.lists)?.into_iter();
        let pb = crate::progress::spinner("Building the name index");
        let s = Sanctions::build(
            lists
                .map(|l| (ListRef::new(l.list.as_str(), l.version), l.entities))
                .collect(),
        );
        pb.finish_and_clear();
        Some(s)
    };
    let (leads, anon) = (read_all(&args.leads)?, read_all(&args.anonymizers)?);
    let (setup, diags) = Setup::new(key, configured, sanctions, &leads, &anon, &args.allow_tool);
    for d in &diags {
        eprintln!("  {d}");
    }
    let vetter = setup.vetter();
    let info = setup.run_info(&records.display().to_string());
    let file = File::open(records).with_context(|| format!("cannot open {}", records.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let out =
        File::create(output).with_context(|| format!("cannot create {}", output.display()))?;
    let started = std::time::Instant::now();
    let mut progress = crate::progress::VetBars::new(size, &vetter, started);
    let input = BufReader::with_capacity(1 << 20, file);
    let outcome = pipeline::run(&vetter, input, BufWriter::new(out), &info, &mut progress)?;
    drop(progress);
    if let Some(h) = &args.html {
        let page = outcome.html(&info);
        std::fs::write(h, page).with_context(|| format!("cannot write {}", h.display()))?;
    }
    eprintln!("{}", outcome.summary(started.elapsed().as_secs_f64()));
    for d in outcome.diagnostics.iter().take(20) {
        eprintln!("  {d}");
    }
    Ok(ExitCode::from(u8::from(outcome.count(Band::Blocked) > 0)))
}

/// The key from `--key-file` (and `true`), or a random per-run key (and `false`).
fn key(file: Option<&Path>) -> Result<(HashKey, bool)> {
    let Some(p) = file else {
        eprintln!(
            "note: no --key-file given; sensitive identifiers are hashed with a random per-run key, so hashes do not persist across runs"
        );
        let mut key = [0u8; 32];
        getrandom::getrandom(&mut key).map_err(|e| {
            anyhow!("cannot draw a random key from the operating system ({e}); pass --key-file")
        })?;
        return Ok((HashKey::new(&key), false));
    };
    let bytes =
        std::fs::read(p).with_context(|| format!("cannot read key file {}", p.display()))?;
    match HashKey::from_secret(&bytes) {
        Some(k) => Ok((k, true)),
        None => bail!(
            "the key file {} holds fewer than {MIN_SECRET_LEN} bytes; use a long random secret",
            p.display()
        ),
    }
}

/// Refuses, before anything is read, an output (or HTML report) path that is one of the inputs.
fn refuse_overwrites(global: &Global, args: &VetArgs, records: &Path, output: &Path) -> Result<()> {
    let mut inputs: Vec<(&str, &Path)> = vec![("the records file", records)];
    let (lists, leads, anon) = (&args.lists, &args.leads, &args.anonymizers);
    for (role, paths) in [
        ("the list", lists),
        ("the lead file", leads),
        ("the anonymiser list", anon),
    ] {
        inputs.extend(paths.iter().map(|p| (role, p.as_path())));
    }
    inputs.extend(args.key_file.iter().map(|p| ("the key file", p.as_path())));
    let store = crate::datadir::data_dir(global).map(|d| d.join("lists"));
    if let (false, true, Ok(d)) = (args.no_lists, args.lists.is_empty(), &store) {
        inputs.push(("the list store", d));
    }
    crate::guard::refuse_overwrite(output, &inputs)?;
    if let Some(h) = &args.html {
        inputs.push(("the report", output));
        crate::guard::refuse_overwrite(h, &inputs)?;
    }
    Ok(())
}

/// Reads each file as text, paired with its name as the user gave it.
fn read_all(paths: &[PathBuf]) -> Result<Vec<(String, String)>> {
    let read = |p: &PathBuf| {
        std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))
    };
    paths
        .iter()
        .map(|p| Ok((p.display().to_string(), read(p)?)))
        .collect()
}

fn generate(g: &GenerateArgs) -> Result<ExitCode> {
    let (records, truth) = vetting::synthetic::generate(g.subjects, g.seed);
    let file =
        File::create(&g.output).with_context(|| format!("cannot create {}", g.output.display()))?;
    vetting::synthetic::write_records(&records, BufWriter::new(file))?;
    let base = g.output.display().to_string();
    std::fs::write(
        format!("{base}.anonymizers.txt"),
        vetting::synthetic::ANONYMIZERS,
    )?;
    let truth_json = serde_json::to_string_pretty(&truth.to_json())?;
    std::fs::write(format!("{base}.truth.json"), truth_json)?;
    eprintln!(
        "{} subjects written to {base}; {} planted infiltration, {} benign look-alikes; anonymiser list {base}.anonymizers.txt, truth {base}.truth.json",
        records.len(),
        truth.infiltration.len(),
        truth.benign.len()
    );
    Ok(ExitCode::SUCCESS)
}
