//! `interdict eval`: run the shared name-screening evaluation set and print its metrics.
//!
//! The index is built from the real list files exactly as `../shared/eval/README.md` describes:
//! every row of the 2024-05-03 SDN CSV with the aliases from `alt.csv` of entities in that file,
//! and the UN list without low-quality aliases and original-script names. The queries go through
//! the same batch path as `interdict screen --input`, and the repository's scorer (`score.py`)
//! computes the metrics.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use model::NameKind;
use screening::{ListRef, Screener};

use crate::Global;
use crate::screen_cmd::{BatchOutput, ModeArg, batch};

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
    let data = args.shared.join("data");
    let files = [
        data.join("ofac/sdn_2024-05-03.csv"),
        data.join("ofac/alt_2025-12.csv"),
        data.join("un/UN_consolidated_2026-02-27.xml"),
    ];
    for f in &files {
        if !f.exists() {
            bail!(
                "{} is missing; point --shared at the folder that holds data/ and eval/",
                f.display()
            );
        }
    }
    let queries = args
        .queries
        .clone()
        .unwrap_or_else(|| args.shared.join("eval/names-dev.csv"));
    let scorer = args.shared.join("eval/score.py");

    let started = std::time::Instant::now();
    let inputs = crate::load::read_inputs(&files)?;
    let mut lists = Vec::new();
    for (p, _) in crate::load::parse(&inputs)? {
        let mut entities = p.parsed.entities;
        // Aliases of entities missing from the 2024 SDN file are not part of the labelled index;
        // such entities have no primary name.
        entities.retain(|e| e.names.iter().any(|n| n.kind == NameKind::Primary));
        if p.list == ingest::ListId::Un {
            for e in &mut entities {
                e.names.retain(|n| {
                    n.kind != NameKind::WeakAlias
                        && !matches!(n.script, Some(s) if s != model::Script::Latin)
                });
            }
        }
        lists.push((ListRef::new(p.list.as_str(), "eval"), entities));
    }
    let screener = Screener::build(lists);
    eprintln!(
        "Index: {} entities, built in {:.2} s.",
        screener.len(),
        started.elapsed().as_secs_f64()
    );

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
    batch(
        &screener,
        &cfg,
        &queries,
        &BatchOutput {
            path: Some(&output),
            resume: false,
            overwrite: true,
            explain: false,
            allow: None,
        },
    )?;
    let threshold = args.threshold.unwrap_or(cfg.threshold);
    let status = std::process::Command::new(&args.python)
        .arg(&scorer)
        .arg(&queries)
        .arg(&output)
        .arg("--threshold")
        .arg(threshold.to_string())
        .status()
        .with_context(|| {
            format!(
                "cannot run {} {}; is Python 3 installed?",
                args.python,
                scorer.display()
            )
        })?;
    if args.output.is_none() {
        let _ = std::fs::remove_file(&output);
    }
    if !status.success() {
        bail!("the scorer failed ({status})");
    }
    Ok(ExitCode::SUCCESS)
}
