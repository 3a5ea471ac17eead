//! `interdict vet`: vet subject records (JSON lines) for IT-worker infiltration red flags, and
//! `interdict vet generate`: write synthetic records with planted truth.

use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use rayon::prelude::*;
use screening::{ListRef, Screener};
use vetting::{Band, CidrSet, Finding, HashKey, Leads, SubjectKeys, Vetter};
use wallets::AddressBook;

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

    let (key, key_note) = match &args.key_file {
        Some(p) => {
            let bytes = std::fs::read(p)
                .with_context(|| format!("cannot read key file {}", p.display()))?;
            let trimmed = bytes.trim_ascii();
            if trimmed.len() < 16 {
                bail!(
                    "the key file {} holds fewer than 16 bytes; use a long random secret",
                    p.display()
                );
            }
            (
                HashKey::new(trimmed),
                "keyed hashes use the configured key".to_string(),
            )
        }
        None => {
            eprintln!(
                "note: no --key-file given; sensitive identifiers are hashed with a random per-run key, so hashes do not persist across runs"
            );
            (
                HashKey::new(&random_key()),
                "keyed hashes use a random per-run key".to_string(),
            )
        }
    };

    let (screener, book, list_versions) = if args.no_lists {
        eprintln!("note: --no-lists: no sanctions screening, nothing can be blocked");
        (None, None, Vec::new())
    } else {
        let ctx = global.context()?;
        let resolved = app::sources::resolve(
            &ctx,
            &app::sources::ListSource::from_args(&args.lists),
            &crate::progress::Bars::default(),
        )?;
        let lists = resolved.load(&ctx)?;
        let mut book = AddressBook::new();
        let mut versions = Vec::new();
        let mut input = Vec::new();
        for l in lists {
            book.add_list(l.list.as_str(), &l.version, &l.entities);
            versions.push(format!("{}@{}", l.list.as_str(), l.version));
            input.push((ListRef::new(l.list.as_str(), l.version), l.entities));
        }
        let pb = crate::progress::spinner("Building the name index");
        let screener = Screener::build(input);
        pb.finish_and_clear();
        (Some(screener), Some(book), versions)
    };

    let mut leads = Leads::default();
    for p in &args.leads {
        let text =
            std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
        let (l, diags) = Leads::parse(&p.display().to_string(), &text);
        for d in &diags {
            eprintln!("  {d}");
        }
        leads.merge(l);
    }
    let mut cidr_text = String::new();
    for p in &args.anonymizers {
        cidr_text.push_str(
            &std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?,
        );
        cidr_text.push('\n');
    }
    let anon_name = args
        .anonymizers
        .first()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let (anonymizers, diags) = CidrSet::parse(&anon_name, &cidr_text);
    for d in &diags {
        eprintln!("  {d}");
    }

    let mut vetter = Vetter::new(key);
    vetter.screener = screener.as_ref();
    vetter.book = book.as_ref();
    vetter.leads = (!args.leads.is_empty()).then_some(&leads);
    vetter.rules.anonymizers = anonymizers;
    vetter.rules.allowed_tools = args.allow_tool.iter().map(|t| t.to_lowercase()).collect();

    let started = std::time::Instant::now();
    let (keys, lines, per, diagnostics) = vet_file(&vetter, records)?;
    if vetter.screener.is_some() {
        let (people, parties) = vetter.names.sizes();
        eprintln!(
            "screened {people} distinct subject names and {parties} distinct counterparty names in {:.1} s (records included)",
            started.elapsed().as_secs_f64()
        );
    }
    let pb = crate::progress::spinner("Linking subjects");
    let linked = vetting::link::link(&keys);
    pb.finish_and_clear();
    let report = vetting::assemble(&keys, &lines, per, linked);
    drop(keys);

    let file = std::fs::File::create(output)
        .with_context(|| format!("cannot create {}", output.display()))?;
    let mut w = BufWriter::new(file);
    let run = serde_json::json!({
        "type": "run",
        "records": records.display().to_string(),
        "subjects": report.subjects.len(),
        "clusters": report.clusters.len(),
        "diagnostics": diagnostics.len(),
        "lists": list_versions,
        "key": key_note,
        "leads": args.leads.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
    });
    writeln!(w, "{run}")?;
    for s in &report.subjects {
        let mut v = serde_json::to_value(s)?;
        if let Some(o) = v.as_object_mut() {
            o.insert("type".into(), "subject".into());
        }
        writeln!(w, "{v}")?;
    }
    for c in &report.clusters {
        let mut v = serde_json::to_value(c)?;
        if let Some(o) = v.as_object_mut() {
            o.insert("type".into(), "cluster".into());
        }
        writeln!(w, "{v}")?;
    }
    for d in &diagnostics {
        let mut v = serde_json::to_value(d)?;
        if let Some(o) = v.as_object_mut() {
            o.insert("type".into(), "diagnostic".into());
        }
        writeln!(w, "{v}")?;
    }
    w.flush()?;

    if let Some(h) = &args.html {
        let lists = if list_versions.is_empty() {
            "none".to_string()
        } else {
            list_versions.join(", ")
        };
        let note = format!(
            "Records: {} · lists: {lists} · {key_note}",
            records.display()
        );
        let page = vetting::html::render(&report, "interdict vetting report", &note);
        std::fs::write(h, page).with_context(|| format!("cannot write {}", h.display()))?;
    }

    let count = |b: Band| report.subjects.iter().filter(|s| s.band == b).count();
    eprintln!(
        "{} subjects vetted in {:.1} s: {} blocked, {} high, {} review, {} clear; {} clusters; {} malformed records",
        report.subjects.len(),
        started.elapsed().as_secs_f64(),
        count(Band::Blocked),
        count(Band::High),
        count(Band::Review),
        count(Band::Clear),
        report.clusters.len(),
        diagnostics.len()
    );
    for d in diagnostics.iter().take(20) {
        eprintln!("  {d}");
    }
    Ok(if count(Band::Blocked) > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// One record's link keys and findings, or the reason it could not be read.
type RecordResult = Result<(SubjectKeys, Vec<Finding>), String>;

type Vetted = (
    Vec<SubjectKeys>,
    Vec<u64>,
    Vec<Vec<Finding>>,
    Vec<model::Diagnostic>,
);

/// Streams the records file in chunks, vetting each chunk in parallel and keeping only compact
/// link keys and findings, so that memory does not grow with the size of the records.
fn vet_file(vetter: &Vetter<'_>, path: &Path) -> Result<Vetted> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let pb = crate::progress::bytes(Some(total), "Vetting records");
    let name = path.display().to_string();
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    let mut keys = Vec::new();
    let mut lines = Vec::new();
    let mut per = Vec::new();
    let mut diags = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut line_no: u64 = 0;
    const CHUNK: usize = 16_384;
    loop {
        let mut chunk: Vec<(u64, String)> = Vec::with_capacity(CHUNK);
        let mut read = 0u64;
        while chunk.len() < CHUNK {
            let mut buf = Vec::new();
            let n = reader.read_until(b'\n', &mut buf)?;
            if n == 0 {
                break;
            }
            read += n as u64;
            line_no += 1;
            match String::from_utf8(buf) {
                Ok(s) if s.trim().is_empty() => {}
                Ok(s) => chunk.push((line_no, s)),
                Err(_) => diags.push(model::Diagnostic::at_line(
                    model::Severity::Error,
                    &name,
                    line_no,
                    "The line is not valid UTF-8; the record was skipped.",
                )),
            }
        }
        if chunk.is_empty() {
            break;
        }
        let results: Vec<(u64, RecordResult)> = chunk
            .into_par_iter()
            .map(|(n, s)| {
                let r = vetting::parse_line(s.trim())
                    .map(|rec| (vetter.keys(&rec), vetter.record_findings(&rec)));
                (n, r)
            })
            .collect();
        for (n, r) in results {
            match r {
                Ok((k, f)) => {
                    if !seen.insert(k.subject_id.clone()) {
                        diags.push(model::Diagnostic::at_line(
                            model::Severity::Error,
                            &name,
                            n,
                            "This subject id was already used on an earlier line; the record was skipped.",
                        ));
                        continue;
                    }
                    keys.push(k);
                    lines.push(n);
                    per.push(f);
                }
                Err(msg) => diags.push(model::Diagnostic::at_line(
                    model::Severity::Error,
                    &name,
                    n,
                    msg,
                )),
            }
        }
        pb.inc(read);
    }
    pb.finish_and_clear();
    Ok((keys, lines, per, diags))
}

fn random_key() -> Vec<u8> {
    let mut key = vec![0u8; 32];
    let ok = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut key))
        .is_ok();
    if !ok {
        // Without /dev/urandom, the standard library's per-process random hasher seeds still give
        // a key that differs from run to run.
        use std::hash::{BuildHasher, Hasher};
        for chunk in key.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(
                std::time::SystemTime::now()
                    .elapsed()
                    .map(|d| d.as_nanos())
                    .unwrap_or(0),
            );
            chunk.copy_from_slice(&h.finish().to_le_bytes()[..chunk.len()]);
        }
    }
    key
}

fn generate(g: &GenerateArgs) -> Result<ExitCode> {
    let (records, truth) = vetting::synthetic::generate(g.subjects, g.seed);
    let file = std::fs::File::create(&g.output)
        .with_context(|| format!("cannot create {}", g.output.display()))?;
    let mut w = BufWriter::new(file);
    for r in &records {
        serde_json::to_writer(&mut w, r)?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    let base = g.output.display().to_string();
    std::fs::write(
        format!("{base}.anonymizers.txt"),
        vetting::synthetic::ANONYMIZERS,
    )?;
    let truth_json = serde_json::json!({
        "infiltration": truth.infiltration,
        "benign": truth.benign,
        "scenarios": truth.scenarios,
    });
    std::fs::write(
        format!("{base}.truth.json"),
        serde_json::to_string_pretty(&truth_json)?,
    )?;
    eprintln!(
        "{} subjects written to {base}; {} planted infiltration, {} benign look-alikes; anonymiser list {base}.anonymizers.txt, truth {base}.truth.json",
        records.len(),
        truth.infiltration.len(),
        truth.benign.len()
    );
    Ok(ExitCode::SUCCESS)
}
