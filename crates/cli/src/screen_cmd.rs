//! `interdict screen` and `interdict compare`: name screening, one query or a batch file.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use model::{PartialDate, Schema};
use rayon::prelude::*;
use screening::{AllowList, AllowState, ListRef, Match, Mode, Query, ScreenConfig, Screener};
use serde::Serialize;

use crate::Global;

/// The scoring method on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ModeArg {
    /// interdict's transliteration-aware scorer with qualifiers.
    Default,
    /// OFAC Sanctions List Search parity: Jaro-Winkler and Soundex on the name only.
    Ofac,
}

impl From<ModeArg> for Mode {
    fn from(m: ModeArg) -> Mode {
        match m {
            ModeArg::Default => Mode::Default,
            ModeArg::Ofac => Mode::Ofac,
        }
    }
}

/// Arguments of `interdict screen`.
#[derive(Debug, Args)]
pub struct ScreenArgs {
    /// The name to screen (any script, any order).
    #[arg(value_name = "NAME", required_unless_present = "input")]
    name: Option<String>,
    /// Birth date: YYYY, YYYY-MM or YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    dob: Option<String>,
    /// Nationality or country, ISO 3166 alpha-2 (or a country name).
    #[arg(long, value_name = "CC")]
    nationality: Option<String>,
    /// The kind of party: Person, Organization, Company, LegalEntity, Vessel, Airplane.
    #[arg(long, value_name = "SCHEMA")]
    schema: Option<String>,
    /// Identifiers to look for (passport or registration numbers, crypto addresses).
    #[arg(long = "id", value_name = "ID")]
    identifiers: Vec<String>,
    #[command(flatten)]
    opts: ScreenOpts,
    /// Show the explanation of every match.
    #[arg(long)]
    explain: bool,
    /// Exit with status 1 when any query has a match.
    #[arg(long)]
    fail_on_match: bool,
    /// Screen a batch: CSV (columns query_id,name,schema,birth_date,nationality) or JSON lines.
    #[arg(long, value_name = "FILE", conflicts_with = "name")]
    input: Option<PathBuf>,
    /// Where batch results go (JSON lines, one line per query).
    #[arg(long, short, value_name = "FILE", requires = "input")]
    output: Option<PathBuf>,
    /// Continue an interrupted batch: keep the queries already in --output and append the rest.
    #[arg(long, requires = "output")]
    resume: bool,
    /// Replace an existing --output file.
    #[arg(long, requires = "output", conflicts_with = "resume")]
    overwrite: bool,
    /// Cleared hits (JSON lines written by `interdict allow add`): a cleared hit is reported as
    /// suppressed, and reported again once the listed entity has changed.
    #[arg(long, value_name = "FILE")]
    allow_list: Option<PathBuf>,
    /// The customer reference the allow-list is keyed by (single query); a batch takes it from a
    /// `customer_ref` column, else from `query_id`.
    #[arg(long, value_name = "REF")]
    customer: Option<String>,
}

/// Options shared by single and batch screening.
#[derive(Debug, Args)]
pub struct ScreenOpts {
    /// Use these list files instead of the stored snapshots.
    #[arg(long, num_args = 1.., value_name = "PATH")]
    pub lists: Vec<PathBuf>,
    /// Alert threshold [default: the engine's, chosen on the evaluation set].
    #[arg(long, value_name = "T")]
    pub threshold: Option<f64>,
    /// Scoring method.
    #[arg(long, value_enum, default_value_t = ModeArg::Default)]
    pub mode: ModeArg,
    /// Do not report matches scoring below this.
    #[arg(long, default_value_t = 0.5)]
    pub floor: f64,
    /// Report at most this many matches per query.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
}

impl ScreenOpts {
    /// The engine configuration.
    pub fn config(&self) -> Result<ScreenConfig> {
        let mut cfg = ScreenConfig {
            mode: self.mode.into(),
            floor: self.floor,
            limit: self.limit,
            ..ScreenConfig::default()
        };
        if let Some(t) = self.threshold {
            if !(0.0..=1.0).contains(&t) {
                bail!("--threshold must be between 0 and 1, not {t}");
            }
            cfg.threshold = t;
        }
        if !(0.0..=1.0).contains(&cfg.floor) {
            bail!("--floor must be between 0 and 1, not {}", cfg.floor);
        }
        Ok(cfg)
    }
}

/// Parses a schema name case-insensitively.
pub fn parse_schema(s: &str) -> Result<Schema> {
    const KNOWN: [&str; 6] = [
        "Person",
        "Organization",
        "Company",
        "LegalEntity",
        "Vessel",
        "Airplane",
    ];
    let t = s.trim();
    let alias = match t.to_ascii_lowercase().as_str() {
        "individual" => "Person",
        "organisation" | "entity" => "Organization",
        "aircraft" => "Airplane",
        _ => "",
    };
    KNOWN
        .iter()
        .find(|k| k.eq_ignore_ascii_case(t))
        .or_else(|| KNOWN.iter().find(|k| **k == alias))
        .map(|k| Schema::from(k.to_string()))
        .with_context(|| format!("unknown schema {t:?}; use one of {}", KNOWN.join(", ")))
}

fn parse_nationality(s: &str) -> Result<String> {
    model::country::code(s)
        .map(str::to_string)
        .with_context(|| format!("unknown country {s:?}; give an ISO 3166 alpha-2 code such as kp"))
}

fn parse_dob(s: &str) -> Result<PartialDate> {
    PartialDate::parse_iso(s)
        .with_context(|| format!("bad birth date {s:?}; use YYYY, YYYY-MM or YYYY-MM-DD"))
}

/// Builds the screener over the lists a command works on, with a spinner on a terminal.
pub fn build_screener(global: &Global, paths: &[PathBuf]) -> Result<Screener> {
    let lists = crate::load::load_lists(global, paths)?;
    let pb = crate::progress::spinner("Building the name index");
    let started = std::time::Instant::now();
    let input: Vec<(ListRef, Vec<model::Entity>)> = lists
        .into_iter()
        .map(|l| (ListRef::new(l.list.as_str(), l.version), l.entities))
        .collect();
    let screener = Screener::build(input);
    pb.finish_and_clear();
    tracing::info!(
        entities = screener.len(),
        ms = started.elapsed().as_millis() as u64,
        "Name index built."
    );
    Ok(screener)
}

/// Runs `interdict screen`.
pub fn run(global: &Global, args: ScreenArgs) -> Result<ExitCode> {
    let cfg = args.opts.config()?;
    let allow = args
        .allow_list
        .as_deref()
        .map(crate::allow_cmd::read_allow_list)
        .transpose()?;
    if let Some(input) = &args.input {
        let screener = build_screener(global, &args.opts.lists)?;
        let any = batch(
            &screener,
            &cfg,
            input,
            &BatchOutput {
                path: args.output.as_deref(),
                resume: args.resume,
                overwrite: args.overwrite,
                explain: args.explain,
                allow: allow.as_ref(),
            },
        )?;
        return Ok(exit(any && args.fail_on_match));
    }
    let name = args.name.clone().unwrap_or_default();
    if name.trim().is_empty() {
        bail!("the name to screen is empty");
    }
    let query = Query {
        name,
        schema: args.schema.as_deref().map(parse_schema).transpose()?,
        birth_date: args.dob.as_deref().map(parse_dob).transpose()?,
        nationality: args
            .nationality
            .as_deref()
            .map(parse_nationality)
            .transpose()?,
        identifiers: args.identifiers.clone(),
    };
    if allow.is_some() && args.customer.is_none() {
        bail!("--allow-list needs --customer REF to know whose clearances apply");
    }
    let screener = build_screener(global, &args.opts.lists)?;
    let matches = screener.screen(&query, &cfg);
    let line = BatchLine::new(
        None,
        matches,
        args.explain,
        &screener,
        allow.as_ref().zip(args.customer.as_deref()),
    );
    let any = line.matches.iter().any(|m| m.is_match);
    if global.json {
        println!("{}", serde_json::to_string_pretty(&line)?);
    } else {
        print_lines(&line, &cfg, args.explain);
    }
    Ok(exit(any && args.fail_on_match))
}

fn exit(fail: bool) -> ExitCode {
    if fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_lines(line: &BatchLine, cfg: &ScreenConfig, explain: bool) {
    if line.matches.is_empty() && line.suppressed.is_empty() {
        println!("No match at or above the reporting floor {:.2}.", cfg.floor);
        return;
    }
    println!(
        "{:<6} {:<5} {:<16} {:<13} name",
        "score", "match", "entity", "list"
    );
    let mut versions: Vec<String> = Vec::new();
    for (m, suppressed) in line
        .matches
        .iter()
        .map(|m| (m, false))
        .chain(line.suppressed.iter().map(|m| (m, true)))
    {
        let verdict = match (suppressed, m.is_match) {
            (true, _) => "clrd",
            (false, true) => "YES",
            (false, false) => "no",
        };
        println!(
            "{:<6.3} {:<5} {:<16} {:<13} {}{}",
            m.score,
            verdict,
            m.entity_id.as_str(),
            m.list,
            m.caption,
            match (suppressed, m.allow_list) {
                (true, _) => "  (cleared for this customer; suppressed)",
                (false, Some(_)) => "  (was cleared, but the listed entity has changed since)",
                _ => "",
            }
        );
        if explain && let Some(e) = &m.explanation {
            print_explanation(e);
        }
        versions.push(format!("{}@{}", m.list, m.list_version));
    }
    versions.sort();
    versions.dedup();
    println!(
        "(threshold {:.2}; list versions: {})",
        cfg.threshold,
        versions.join(", ")
    );
}

/// Prints an explanation as indented lines.
pub fn print_explanation(e: &screening::Explanation) {
    println!(
        "       matched {} name {:?} (query read as {:?}, {}), name score {:.3}, method {}",
        e.listed_name_kind.map_or("", |k| k.as_str()),
        e.listed_name,
        e.query_form,
        e.query_scheme.map_or("", |s| s.as_str()),
        e.name_score,
        e.method
    );
    for p in &e.parts {
        println!(
            "         {:<14} ~ {:<14} {:<16} sim {:.2} weight {:.2} ({})",
            p.query, p.listed, p.how, p.similarity, p.weight, p.role
        );
    }
    for u in &e.unmatched_query {
        println!(
            "         unmatched in query:  {} ({}, weight {:.2})",
            u.part, u.role, u.weight
        );
    }
    for u in &e.unmatched_listed {
        println!(
            "         unmatched in listed: {} ({}, weight {:.2})",
            u.part, u.role, u.weight
        );
    }
    for q in &e.qualifiers {
        println!(
            "         qualifier {:?}: {} ({:+.3})",
            q.kind, q.detail, q.effect
        );
    }
}

/// One output line of a batch.
#[derive(Serialize)]
struct BatchLine {
    #[serde(skip_serializing_if = "Option::is_none")]
    query_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    matches: Vec<MatchLine>,
    /// Hits cleared for this customer on the allow-list, with the entity unchanged since.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressed: Vec<MatchLine>,
}

/// One match of a batch line: the fields of [`Match`], serialised directly (no
/// `serde_json::Value` round trip), with the explanation only when asked for.
#[derive(Serialize)]
struct MatchLine {
    entity_id: model::EntityId,
    caption: String,
    schema: String,
    list: String,
    list_version: String,
    score: f64,
    #[serde(rename = "match")]
    is_match: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<screening::Explanation>,
    /// `"stale"` when the hit was cleared for this customer but the listed entity changed since.
    #[serde(skip_serializing_if = "Option::is_none")]
    allow_list: Option<&'static str>,
}

impl BatchLine {
    fn new(
        query_id: Option<String>,
        matches: Vec<Match>,
        explain: bool,
        screener: &Screener,
        allow: Option<(&AllowList, &str)>,
    ) -> BatchLine {
        let mut line = BatchLine {
            query_id,
            error: None,
            matches: Vec::with_capacity(matches.len()),
            suppressed: Vec::new(),
        };
        for m in matches {
            let state = match allow {
                Some((list, customer)) => screener
                    .entity(&m.entity_id)
                    .map_or(AllowState::NotListed, |entity| {
                        list.check(customer, &m, entity)
                    }),
                None => AllowState::NotListed,
            };
            let ml = MatchLine {
                entity_id: m.entity_id,
                caption: m.caption,
                schema: m.schema,
                list: m.list,
                list_version: m.list_version,
                score: m.score,
                is_match: m.is_match,
                explanation: explain.then_some(m.explanation),
                allow_list: (state == AllowState::Stale).then_some("stale"),
            };
            if state == AllowState::Suppressed {
                line.suppressed.push(ml);
            } else {
                line.matches.push(ml);
            }
        }
        line
    }
}

/// One query read from a batch file, or why it could not be read.
struct BatchQuery {
    id: String,
    customer: Option<String>,
    line: u64,
    query: Result<Query, String>,
    warnings: Vec<String>,
}

fn nonempty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

fn query_from_fields(
    id: String,
    line: u64,
    name: Option<&str>,
    schema: Option<&str>,
    dob: Option<&str>,
    nationality: Option<&str>,
) -> BatchQuery {
    let mut warnings = Vec::new();
    let Some(name) = nonempty(name) else {
        return BatchQuery {
            id,
            customer: None,
            line,
            query: Err("the name is empty".into()),
            warnings,
        };
    };
    let mut q = Query::name(name);
    if let Some(s) = nonempty(schema) {
        match parse_schema(s) {
            Ok(s) => q.schema = Some(s),
            Err(e) => warnings.push(format!("{e}; screened without a schema")),
        }
    }
    if let Some(d) = nonempty(dob) {
        match parse_dob(d) {
            Ok(d) => q.birth_date = Some(d),
            Err(e) => warnings.push(format!("{e}; screened without it")),
        }
    }
    if let Some(n) = nonempty(nationality) {
        match parse_nationality(n) {
            Ok(n) => q.nationality = Some(n),
            Err(e) => warnings.push(format!("{e}; screened without it")),
        }
    }
    BatchQuery {
        id,
        customer: None,
        line,
        query: Ok(q),
        warnings,
    }
}

/// Reads every query of a batch file (CSV with a header, or JSON lines).
fn read_batch(path: &Path) -> Result<Vec<BatchQuery>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let mut out = Vec::new();
    if first == Some(b'{') {
        for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
            let line_no = i as u64 + 1;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<serde_json::Value>(line) {
                Ok(v) => {
                    let s = |k: &str| v.get(k).and_then(|x| x.as_str());
                    let id = match v.get("query_id") {
                        Some(serde_json::Value::String(s)) => s.clone(),
                        Some(serde_json::Value::Number(n)) => n.to_string(),
                        _ => format!("line-{line_no}"),
                    };
                    let mut bq = query_from_fields(
                        id,
                        line_no,
                        s("name"),
                        s("schema"),
                        s("birth_date"),
                        s("nationality"),
                    );
                    bq.customer = nonempty(s("customer_ref")).map(str::to_string);
                    out.push(bq);
                }
                Err(e) => out.push(BatchQuery {
                    customer: None,
                    id: format!("line-{line_no}"),
                    line: line_no,
                    query: Err(format!("invalid JSON: {e}")),
                    warnings: vec![],
                }),
            }
        }
        return Ok(out);
    }
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers: Vec<String> = reader
        .headers()
        .with_context(|| format!("{}: unreadable CSV header", path.display()))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let col = |n: &str| headers.iter().position(|h| h == n);
    let Some(name_col) = col("name") else {
        bail!(
            "{}: the header has no `name` column (expected query_id,name,schema,birth_date,nationality)",
            path.display()
        );
    };
    let customer_col = col("customer_ref");
    let (id_col, schema_col, dob_col, nat_col) = (
        col("query_id"),
        col("schema"),
        col("birth_date"),
        col("nationality"),
    );
    for (i, rec) in reader.records().enumerate() {
        let line_no = i as u64 + 2;
        match rec {
            Ok(r) => {
                let g = |c: Option<usize>| c.and_then(|c| r.get(c));
                let id = g(id_col)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("line-{line_no}"));
                let mut bq = query_from_fields(
                    id,
                    line_no,
                    g(Some(name_col)),
                    g(schema_col),
                    g(dob_col),
                    g(nat_col),
                );
                bq.customer = nonempty(g(customer_col)).map(str::to_string);
                out.push(bq);
            }
            Err(e) => out.push(BatchQuery {
                customer: None,
                id: format!("line-{line_no}"),
                line: line_no,
                query: Err(format!("unreadable CSV row: {e}")),
                warnings: vec![],
            }),
        }
    }
    Ok(out)
}

/// Reads the query ids already complete in an output file, cutting off a partial last line.
fn completed_ids(path: &Path) -> Result<HashSet<String>> {
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .with_context(|| format!("cannot open {} to resume", path.display()))?;
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes)?;
    let complete = bytes
        .iter()
        .rposition(|b| *b == b'\n')
        .map(|p| p + 1)
        .unwrap_or(0);
    if complete < bytes.len() {
        // An interrupted run may have left half a line; drop it so that it is screened again.
        f.set_len(complete as u64)?;
        f.seek(SeekFrom::End(0))?;
    }
    let mut ids = HashSet::new();
    for line in BufReader::new(&bytes[..complete]).lines() {
        let line = line?;
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line)
            && let Some(id) = v.get("query_id").and_then(|x| x.as_str())
        {
            ids.insert(id.to_string());
        }
    }
    Ok(ids)
}

/// Where and how a batch writes its results.
pub struct BatchOutput<'a> {
    /// The output file; standard output when `None`.
    pub path: Option<&'a Path>,
    /// Continue an interrupted run in `path`.
    pub resume: bool,
    /// Replace an existing `path`.
    pub overwrite: bool,
    /// Include explanations.
    pub explain: bool,
    /// Cleared hits to suppress.
    pub allow: Option<&'a AllowList>,
}

/// Screens a batch file; returns whether any query matched.
pub fn batch(
    screener: &Screener,
    cfg: &ScreenConfig,
    input: &Path,
    opts: &BatchOutput<'_>,
) -> Result<bool> {
    let (output, resume, overwrite, explain, allow) = (
        opts.path,
        opts.resume,
        opts.overwrite,
        opts.explain,
        opts.allow,
    );
    let mut queries = read_batch(input)?;
    let mut done = HashSet::new();
    let mut out: Box<dyn Write> = match output {
        Some(p) if p.exists() && resume => {
            done = completed_ids(p)?;
            Box::new(std::io::BufWriter::new(
                std::fs::OpenOptions::new()
                    .append(true)
                    .open(p)
                    .with_context(|| format!("cannot append to {}", p.display()))?,
            ))
        }
        Some(p) if p.exists() && !overwrite => bail!(
            "{} exists; pass --resume to continue an interrupted run or --overwrite to replace it",
            p.display()
        ),
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    if !done.is_empty() {
        queries.retain(|q| !done.contains(&q.id));
        eprintln!(
            "Resuming: {} queries already done, {} to go.",
            done.len(),
            queries.len()
        );
    }
    for q in &queries {
        for w in &q.warnings {
            eprintln!("{}:{}: warning: [{}] {w}", input.display(), q.line, q.id);
        }
        if let Err(e) = &q.query {
            eprintln!("{}:{}: error: [{}] {e}", input.display(), q.line, q.id);
        }
    }
    let pb = crate::progress::count(queries.len() as u64, "Screening");
    let started = std::time::Instant::now();
    let mut any = false;
    // Chunks keep memory bounded and make every chunk durable before the next starts, so an
    // interrupted run loses at most one chunk of work.
    for chunk in queries.chunks(4096) {
        let lines: Vec<(String, bool)> = chunk
            .par_iter()
            .map(|q| {
                let line = match &q.query {
                    Ok(query) => {
                        // Without --explain the part-by-part explanation is never printed, so
                        // it is not built either.
                        let matches = if explain {
                            screener.screen(query, cfg)
                        } else {
                            screener.screen_unexplained(query, cfg)
                        };
                        let customer = q.customer.as_deref().unwrap_or(&q.id);
                        let line = BatchLine::new(
                            Some(q.id.clone()),
                            matches,
                            explain,
                            screener,
                            allow.map(|a| (a, customer)),
                        );
                        let any = line.matches.iter().any(|m| m.is_match);
                        (line, any)
                    }
                    Err(e) => (
                        BatchLine {
                            query_id: Some(q.id.clone()),
                            error: Some(e.clone()),
                            matches: vec![],
                            suppressed: vec![],
                        },
                        false,
                    ),
                };
                (serde_json::to_string(&line.0).unwrap_or_default(), line.1)
            })
            .collect();
        for (l, m) in lines {
            out.write_all(l.as_bytes())?;
            out.write_all(b"\n")?;
            any |= m;
        }
        out.flush()?;
        pb.inc(chunk.len() as u64);
    }
    pb.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    tracing::info!(
        queries = queries.len(),
        secs,
        qps = queries.len() as f64 / secs.max(1e-9),
        "Batch done."
    );
    if output.is_some() {
        eprintln!(
            "Screened {} queries in {:.2} s ({:.0} per second).",
            queries.len(),
            secs,
            queries.len() as f64 / secs.max(1e-9)
        );
    }
    Ok(any)
}

/// Arguments of `interdict compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The first name (read as the query).
    a: String,
    /// The second name (read as the listed name).
    b: String,
    /// How to read both names: Person, Organization, …
    #[arg(long)]
    schema: Option<String>,
    /// Scoring method.
    #[arg(long, value_enum, default_value_t = ModeArg::Default)]
    mode: ModeArg,
    /// Alert threshold for the verdict [default: the engine's].
    #[arg(long)]
    threshold: Option<f64>,
}

/// Runs `interdict compare`.
pub fn compare(global: &Global, args: CompareArgs) -> Result<ExitCode> {
    let schema = args.schema.as_deref().map(parse_schema).transpose()?;
    let threshold = args.threshold.unwrap_or(screening::DEFAULT_THRESHOLD);
    let (score, explanation) = screening::compare(&args.a, &args.b, schema, args.mode.into());
    let is_match = score >= threshold;
    if global.json {
        let v = serde_json::json!({
            "a": args.a, "b": args.b, "score": score, "match": is_match,
            "threshold": threshold, "explanation": explanation,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!(
            "{:.3}  {}  (threshold {threshold:.2})",
            score,
            if is_match { "MATCH" } else { "no match" }
        );
        print_explanation(&explanation);
    }
    Ok(ExitCode::SUCCESS)
}
