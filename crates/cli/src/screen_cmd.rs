//! `interdict screen` and `interdict compare`: name screening, one query or a batch file.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, anyhow, bail};
use app::engine::Engine;
use app::screen::{BatchOptions, Sink};
use app::sources::ListSource;
use clap::{Args, ValueEnum};
use screening::{Mode, ScreenConfig};

use crate::Global;
use crate::progress::Bars;

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
    /// Use these list files instead of the stored snapshots (`bundled`: the default lists
    /// compiled into interdict, which are not current).
    #[arg(long, num_args = 1.., value_name = "PATH")]
    pub lists: Vec<PathBuf>,
    /// Alert threshold [default: the engine's, chosen on the evaluation set].
    #[arg(long, value_name = "T", value_parser = app::screen::parse_score)]
    pub threshold: Option<f64>,
    /// Scoring method.
    #[arg(long, value_enum, default_value_t = ModeArg::Default)]
    pub mode: ModeArg,
    /// Do not report matches scoring below this.
    #[arg(long, default_value_t = 0.5, value_parser = app::screen::parse_score)]
    pub floor: f64,
    /// Report at most this many matches per query.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
}

impl ScreenOpts {
    /// The engine configuration (the scores were checked when the arguments were parsed).
    pub fn config(&self) -> ScreenConfig {
        ScreenConfig {
            mode: self.mode.into(),
            floor: self.floor,
            limit: self.limit,
            threshold: self.threshold.unwrap_or(ScreenConfig::default().threshold),
        }
    }
}

/// Opens the engine over the lists a command works on.
pub fn open_engine(global: &Global, lists: &[PathBuf]) -> Result<Engine> {
    let ctx = global.context()?;
    Ok(app::engine::open(
        &ctx,
        &ListSource::from_args(lists),
        &Bars::default(),
    )?)
}

/// Runs `interdict screen`.
pub fn run(global: &Global, args: ScreenArgs) -> Result<ExitCode> {
    let cfg = args.opts.config();
    let rec = app::evidence::Recorder::for_cli(&global.context()?, global.database.as_deref())?;
    let actor = app::evidence::cli_actor(&global.user);
    let allow = args
        .allow_list
        .as_deref()
        .map(app::allow::read)
        .transpose()?;
    if let Some(input) = &args.input {
        let engine = open_engine(global, &args.opts.lists)?;
        // Batch lines carry no list facts; the warning goes where a person sees it.
        for w in engine.warnings() {
            eprintln!("warning: {}", w.message);
        }
        let mut lock = std::io::BufWriter::new(std::io::stdout().lock());
        let sink = Sink::file_or(
            args.output.as_deref(),
            args.resume,
            args.overwrite,
            &mut lock,
        );
        let opts = BatchOptions {
            explain: args.explain,
            allow: allow.as_ref(),
            evidence: rec.as_ref().map(|r| (r, actor.as_str())),
        };
        let summary = app::screen::batch(&engine, &cfg, input, sink, &opts, &Bars::default())?;
        rec.as_ref().map(|r| r.finish()).transpose()?;
        if args.output.is_some() {
            eprintln!(
                "Screened {} queries in {:.2} s ({:.0} per second).",
                summary.queries,
                summary.seconds,
                summary.queries as f64 / summary.seconds.max(1e-9)
            );
        }
        return Ok(exit(summary.any_match && args.fail_on_match));
    }
    let query = app::screen::args_query(
        args.name.as_deref().unwrap_or(""),
        [
            args.schema.as_deref(),
            args.dob.as_deref(),
            args.nationality.as_deref(),
        ],
        args.identifiers.clone(),
    )
    .map_err(|e| anyhow!("{e}"))?;
    if allow.is_some() && args.customer.is_none() {
        bail!("--allow-list needs --customer REF to know whose clearances apply");
    }
    let engine = open_engine(global, &args.opts.lists)?;
    let response = app::screen::single(
        &engine,
        &query,
        &cfg,
        args.explain,
        allow.as_ref().zip(args.customer.as_deref()),
    );
    if let Some(r) = &rec {
        r.single(&actor, &query, &cfg, &response)?;
        r.finish()?;
    }
    let any = response.line.any_match();
    if global.json {
        outln!("{}", serde_json::to_string_pretty(&response)?);
    } else {
        crate::out::text(&app::text::screen_response(&response, &cfg, args.explain));
    }
    Ok(exit(any && args.fail_on_match))
}

/// Status 1 when a match should fail the command, else 0.
fn exit(fail: bool) -> ExitCode {
    ExitCode::from(u8::from(fail))
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
    let (schema, mode) = (args.schema.as_deref(), args.mode.into());
    let response = app::screen::compare(args.a, args.b, schema, mode, args.threshold)
        .map_err(|e| anyhow!("{e}"))?;
    if global.json {
        outln!("{}", serde_json::to_string_pretty(&response)?);
    } else {
        crate::out::text(&app::screen::compare_text(&response));
    }
    Ok(ExitCode::SUCCESS)
}
