//! `interdict scan`: listed names inside free text, one text or a file of texts.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use app::screen::Sink;
use clap::Args;

use crate::Global;
use crate::progress::Bars;

/// Arguments of `interdict scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// The text to scan (any script).
    #[arg(value_name = "TEXT", required_unless_present = "input")]
    text: Option<String>,
    /// Scan a file of texts: CSV with columns id,text, or JSON lines {"id", "text"}.
    #[arg(long, value_name = "FILE", conflicts_with = "text")]
    input: Option<PathBuf>,
    /// Where the results go (JSON lines, one line per text) [default: standard output].
    #[arg(long, short, value_name = "FILE", requires = "input")]
    output: Option<PathBuf>,
    /// Replace an existing --output file.
    #[arg(long, requires = "output")]
    overwrite: bool,
    /// Use these list files instead of the stored snapshots (`bundled` for the built-in ones).
    #[arg(long, num_args = 1.., value_name = "PATH")]
    lists: Vec<PathBuf>,
    /// The score a span must reach to be reported [default: the engine's threshold].
    #[arg(long, value_name = "T", value_parser = app::screen::parse_score)]
    threshold: Option<f64>,
    /// Exit with status 1 when any text has a hit.
    #[arg(long)]
    fail_on_match: bool,
}

/// Runs `interdict scan`.
pub fn run(global: &Global, args: ScanArgs) -> Result<ExitCode> {
    let cfg = app::scan::config(args.threshold);
    let engine = crate::screen_cmd::open_engine(global, &args.lists)?;
    let any = if let Some(input) = &args.input {
        let mut lock = std::io::BufWriter::new(std::io::stdout().lock());
        let sink = Sink::file_or(args.output.as_deref(), false, args.overwrite, &mut lock);
        let summary = app::scan::batch(&engine, &cfg, input, sink, &Bars::default())?;
        eprintln!("{}", app::scan::summary_text(&summary));
        summary.with_hits > 0
    } else {
        let response = app::scan::single(&engine, None, args.text.as_deref().unwrap_or(""), &cfg);
        if global.json {
            outln!("{}", serde_json::to_string_pretty(&response)?);
        } else {
            crate::out::text(&app::scan::response_text(&response));
        }
        !response.line.hits.is_empty()
    };
    Ok(ExitCode::from(u8::from(any && args.fail_on_match)))
}
