//! `interdict address`: screen crypto addresses against list wallets and label files.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use app::sources::ListSource;
use clap::Args;
use wallets::Report;

use crate::Global;
use crate::progress::Bars;

/// Arguments of `interdict address`.
#[derive(Debug, Args)]
pub struct AddressArgs {
    /// Addresses to screen.
    #[arg(value_name = "ADDR")]
    addresses: Vec<String>,
    /// Screen the addresses in this file instead: CSV with an `address` column and an optional
    /// `chain` column, or plain text with one address per line.
    #[arg(long, value_name = "FILE", conflicts_with = "addresses")]
    input: Option<PathBuf>,
    /// Write one JSON object per address here (JSON lines) [default: standard output].
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Use these list files instead of the stored snapshots (`bundled`: the bundled lists).
    #[arg(long, num_args = 1.., value_name = "PATH")]
    lists: Vec<PathBuf>,
    /// Label files (CSV or JSON lines with address, chain, category, label, source; or one
    /// address per line).
    #[arg(long, num_args = 1.., value_name = "FILE")]
    labels: Vec<PathBuf>,
    /// Category for label rows that name none (and for plain address lists).
    #[arg(long, default_value = "flagged")]
    category: String,
    /// Screen only label files, without any sanctions list.
    #[arg(long)]
    no_lists: bool,
    /// The chain the addresses are declared on; a disagreement is reported.
    #[arg(long, value_name = "CODE")]
    chain: Option<String>,
    /// Also hit on listed or labelled addresses of the same UTXO cluster (a clusters directory
    /// from `interdict graph utxo import --clusters`), with the joining transactions.
    #[arg(long, value_name = "DIR")]
    clusters: Option<PathBuf>,
    /// Exit with status 1 when any address has a hit.
    #[arg(long)]
    fail_on_match: bool,
}

/// Runs `interdict address`.
pub fn run(global: &Global, args: AddressArgs) -> Result<ExitCode> {
    let ctx = global.context()?;
    let source = ListSource::from_args(&args.lists);
    let spec = app::address::BookSpec {
        lists: (!args.no_lists).then_some(&source),
        labels: &args.labels,
        category: &args.category,
    };
    let queries: Vec<(String, Option<String>)> = match &args.input {
        Some(p) => app::address::read_queries(p)?,
        None if args.addresses.is_empty() => bail!("give addresses to screen, or --input FILE"),
        None => args.addresses.iter().map(|a| (a.clone(), None)).collect(),
    };
    if let Some(out) = &args.output {
        app::address::refuse_overwrite(out, &spec, args.input.as_deref())?;
    }
    let book = app::address::book(&ctx, &spec, &Bars::default())?;
    let declared = args.chain.as_deref();
    let reports = app::address::screen_all(&book, &queries, declared, args.clusters.as_deref())?;
    let any_hit = reports.iter().any(Report::is_hit);

    if global.json || args.output.is_some() || args.input.is_some() {
        app::address::write_reports(&reports, args.output.as_deref())?;
    } else {
        for r in &reports {
            crate::out::text(&r.text());
        }
    }
    if args.fail_on_match && any_hit {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
