//! `interdict vet`: vet subject records (JSON lines) for IT-worker infiltration red flags, and
//! `interdict vet generate`: write synthetic records with planted truth.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use vetting::Band;

use crate::Global;
use crate::progress::{Bars, VetBars};

/// Arguments of `interdict vet`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct VetArgs {
    #[command(subcommand)]
    command: Option<VetCommand>,
    /// Subject records, one JSON object per line (docs/vetting-record.schema.json).
    #[arg(value_name = "RECORDS.jsonl")]
    records: Option<PathBuf>,
    /// Use these list files instead of the stored snapshots (`bundled`: the bundled lists).
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
    let Some(records) = args.records else {
        bail!("give a records file: interdict vet RECORDS.jsonl --output REPORT.jsonl");
    };
    let Some(output) = args.output else {
        bail!("give --output REPORT.jsonl");
    };
    let job = app::vet::Job {
        records,
        output,
        html: args.html,
        lists: (!args.no_lists).then(|| app::sources::ListSource::from_args(&args.lists)),
        leads: args.leads,
        anonymizers: args.anonymizers,
        allow_tools: args.allow_tool,
        key_file: args.key_file,
    };
    let ctx = global.context()?;
    let (outcome, seconds) = app::vet::run(&ctx, &job, &Bars::default(), &mut |size, vetter| {
        Box::new(VetBars::new(size, vetter, std::time::Instant::now()))
    })?;
    eprintln!("{}", outcome.summary(seconds));
    for d in outcome.diagnostics.iter().take(20) {
        eprintln!("  {d}");
    }
    Ok(ExitCode::from(u8::from(outcome.count(Band::Blocked) > 0)))
}

fn generate(g: &GenerateArgs) -> Result<ExitCode> {
    eprintln!("{}", app::vet::generate(g.subjects, g.seed, &g.output)?);
    Ok(ExitCode::SUCCESS)
}
