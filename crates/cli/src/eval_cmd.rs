//! `interdict eval`: run the shared name-screening evaluation set and print its metrics.
//!
//! The index is `app::eval`'s (as `../shared/eval/README.md` defines it); the queries go through
//! the same batch pipeline as `interdict screen --input`, and the shared scorer (`score.py`)
//! computes the metrics.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use app::screen::{BatchOptions, Sink};
use clap::Args;

use crate::Global;
use crate::progress::Bars;
use crate::screen_cmd::ModeArg;

/// Arguments of `interdict eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The shared folder holding `data/` and `eval/`.
    #[arg(
        long,
        env = "INTERDICT_SHARED",
        default_value = "../shared",
        value_name = "DIR"
    )]
    shared: PathBuf,
    /// Query file [default: DIR/eval/names-dev.csv].
    #[arg(long, value_name = "FILE")]
    queries: Option<PathBuf>,
    /// Threshold passed to the scorer for R@t and FA@t [default: the engine's].
    #[arg(long)]
    threshold: Option<f64>,
    /// Scoring method.
    #[arg(long, value_enum, default_value_t = ModeArg::Default)]
    mode: ModeArg,
    /// Keep the results here [default: a temporary file].
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The Python interpreter that runs score.py.
    #[arg(long, default_value = "python3")]
    python: String,
}

/// Runs `interdict eval`.
pub fn run(_global: &Global, args: EvalArgs) -> Result<ExitCode> {
    let queries = args
        .queries
        .clone()
        .unwrap_or_else(|| args.shared.join("eval/names-dev.csv"));
    let scorer = args.shared.join("eval/score.py");

    let started = std::time::Instant::now();
    let screener = app::eval::screener(&args.shared)?;
    eprintln!(
        "Index: {} entities, built in {:.2} s.",
        screener.len(),
        started.elapsed().as_secs_f64()
    );
    let engine = app::engine::Engine::from_screener(screener, Vec::new());

    let tmp;
    let output = match &args.output {
        Some(p) => p.clone(),
        None => {
            tmp = std::env::temp_dir().join(format!("interdict-eval-{}.jsonl", std::process::id()));
            tmp
        }
    };
    let cfg = screening::ScreenConfig {
        mode: args.mode.into(),
        floor: 0.0,
        limit: 10,
        ..screening::ScreenConfig::default()
    };
    app::screen::batch(
        &engine,
        &cfg,
        &queries,
        Sink::File {
            path: &output,
            resume: false,
            overwrite: true,
        },
        &BatchOptions {
            explain: false,
            allow: None,
            evidence: None,
        },
        &Bars::default(),
    )?;
    let threshold = args.threshold.unwrap_or(cfg.threshold);
    let scored = app::eval::score(&args.python, &scorer, &queries, &output, threshold);
    if args.output.is_none() {
        let _ = std::fs::remove_file(&output);
    }
    scored?;
    Ok(ExitCode::SUCCESS)
}
