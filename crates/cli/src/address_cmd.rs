//! `interdict address`: screen crypto addresses against list wallets and label files.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use wallets::{AddressBook, Report, Source};

use crate::Global;

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
    /// Use these list files instead of the stored snapshots.
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
    /// Exit with status 1 when any address has a hit.
    #[arg(long)]
    fail_on_match: bool,
}

/// Runs `interdict address`.
pub fn run(global: &Global, args: AddressArgs) -> Result<ExitCode> {
    let mut book = AddressBook::new();
    if !args.no_lists {
        for l in crate::load::load_lists(global, &args.lists)? {
            book.add_list(l.list.as_str(), &l.version, &l.entities);
        }
    }
    for path in &args.labels {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let name = path.display().to_string();
        let (labels, diags) = wallets::labels::parse(&name, &bytes, &args.category);
        for d in &diags {
            eprintln!("  {d}");
        }
        if labels.is_empty() {
            bail!("{name} holds no labelled addresses");
        }
        book.add_labels(&labels);
    }
    tracing::info!(entries = book.len(), "Address book ready.");

    let queries: Vec<(String, Option<String>)> = match &args.input {
        Some(p) => read_queries(p)?,
        None if args.addresses.is_empty() => bail!("give addresses to screen, or --input FILE"),
        None => args.addresses.iter().map(|a| (a.clone(), None)).collect(),
    };
    let reports: Vec<Report> = queries
        .iter()
        .map(|(a, c)| book.screen(a, c.as_deref().or(args.chain.as_deref())))
        .collect();
    let any_hit = reports.iter().any(Report::is_hit);

    if global.json || args.output.is_some() || args.input.is_some() {
        let mut out: Box<dyn Write> = match &args.output {
            Some(p) => Box::new(std::io::BufWriter::new(
                std::fs::File::create(p)
                    .with_context(|| format!("cannot create {}", p.display()))?,
            )),
            None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
        };
        for r in &reports {
            serde_json::to_writer(&mut out, r)?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
    } else {
        for r in &reports {
            print_report(r);
        }
    }
    if args.fail_on_match && any_hit {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn print_report(r: &Report) {
    if !r.valid {
        print!(
            "{}  INVALID: {}",
            r.address,
            r.error.as_deref().unwrap_or("?")
        );
    } else {
        print!(
            "{}  valid {} ({})",
            r.address,
            r.family.as_deref().unwrap_or(""),
            r.chains.join(", ")
        );
    }
    if let Some(m) = &r.declared_chain_mismatch {
        print!("  [declared chain mismatch: {m}]");
    }
    println!("  — {} hit(s)", r.hits.len());
    for h in &r.hits {
        let how = format!("{:?}", h.matched_on);
        match &h.source {
            Source::List {
                list,
                list_version,
                entity_id,
                name,
                programs,
                currency,
            } => println!(
                "    {how:<9} {entity_id:<14} {name}  [{}]  {currency}  ({list}@{list_version})",
                programs.join(", ")
            ),
            Source::Label {
                source,
                category,
                label,
                ..
            } => println!("    {how:<9} {category:<14} {label}  ({source})"),
        }
        if let Some(m) = &h.currency_mismatch {
            println!(
                "              note: the list files this address under a currency it cannot belong to: {m}"
            );
        }
    }
}

fn read_queries(path: &PathBuf) -> Result<Vec<(String, Option<String>)>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let text =
        String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes)).into_owned();
    let first = text.lines().next().unwrap_or("").to_ascii_lowercase();
    if !first
        .split(',')
        .any(|c| c.trim().trim_matches('"') == "address")
    {
        return Ok(text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| (l.to_string(), None))
            .collect());
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .with_context(|| format!("{}: unreadable CSV header", path.display()))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let a = headers
        .iter()
        .position(|h| h == "address")
        .context("no address column")?;
    let c = headers.iter().position(|h| h == "chain");
    let mut out = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec =
            rec.with_context(|| format!("{}: line {}: unreadable row", path.display(), i + 2))?;
        let addr = rec.get(a).unwrap_or("").to_string();
        let chain = c
            .and_then(|c| rec.get(c))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        out.push((addr, chain));
    }
    Ok(out)
}
