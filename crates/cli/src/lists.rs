//! `interdict lists …`: import, update, show, diff and export.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use app::update::Outcome;
use clap::{Args, Subcommand, ValueEnum};
use model::Diagnostic;
use store::Saved;

use crate::Global;
use crate::progress::Bars;

/// Arguments of `interdict lists`.
#[derive(Debug, Args)]
pub struct ListsArgs {
    #[command(subcommand)]
    command: Option<ListsCommand>,
}

#[derive(Debug, Subcommand)]
enum ListsCommand {
    /// Parse list files and store them as a new versioned snapshot (content already stored is recognised and nothing is written).
    Import {
        /// List files: OFAC CSV sets (give all four files together), OFAC XML/Advanced/Enhanced
        /// (also zipped), UN XML, EU XML, UK XML/CSV, FtM JSON lines or FtM delta files.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Print every diagnostic, not only the first few.
        #[arg(long)]
        diagnostics: bool,
        /// The list the files are, where their content cannot tell (ofac-sdn or ofac-cons).
        #[arg(long, value_name = "LIST")]
        list: Option<String>,
        #[command(flatten)]
        accept: Accept,
    },
    /// Download lists from their official URLs and store any new version.
    Update {
        /// Lists to update [default: ofac-sdn ofac-cons un eu uk].
        #[arg(value_name = "LIST")]
        lists: Vec<String>,
        /// Fetch every file from this base URL instead (a mirror or a local server).
        #[arg(long, env = "INTERDICT_MIRROR", value_name = "URL")]
        mirror: Option<String>,
        /// Seconds to wait for a connection.
        #[arg(long, default_value_t = 20)]
        connect_timeout: u64,
        /// Seconds a whole download may take.
        #[arg(long, default_value_t = 600)]
        timeout: u64,
        /// Attempts per file.
        #[arg(long, default_value_t = 3)]
        retries: u32,
        #[command(flatten)]
        accept: Accept,
    },
    /// Show the stored snapshots (the default).
    Show,
    /// Compare two versions: each a stored snapshot (LIST, LIST@VERSION or VERSION) or a file.
    Diff {
        /// The old version.
        old: String,
        /// The new version.
        new: String,
    },
    /// Write stored lists (or files given with --lists) in another format.
    Export {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Ftm)]
        format: ExportFormat,
        /// Export only these lists (by name) [default: every current snapshot].
        #[arg(long = "list", value_name = "LIST")]
        only: Vec<String>,
        /// Use these files instead of stored snapshots.
        #[arg(long, num_args = 1.., value_name = "PATH")]
        lists: Vec<PathBuf>,
        /// Write here instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// The replacement policy's flags, shared by import and update: a new version becomes current
/// only when it is at least as new and plausible, unless the operator accepts what changed.
#[derive(Debug, Args)]
struct Accept {
    /// Make current a version published before the current one.
    #[arg(long)]
    accept_older: bool,
    /// Make current a version with fewer entities than the bound allows, a schema gone, or a
    /// record count different from the one the file declares.
    #[arg(long, alias = "force")]
    accept_shrink: bool,
    /// Make current a version whose parsers dropped records.
    #[arg(long)]
    accept_errors: bool,
    /// Make current a filtered export (one program of a list, say) as the list.
    #[arg(long)]
    accept_filtered: bool,
    /// The largest drop in entities, in percent of the current version, accepted without
    /// --accept-shrink.
    #[arg(long, value_name = "PERCENT", default_value_t = 5.0)]
    max_drop: f64,
}

impl Accept {
    fn policy(&self) -> app::update::Policy {
        app::update::Policy {
            accept_older: self.accept_older,
            accept_shrink: self.accept_shrink,
            accept_errors: self.accept_errors,
            accept_filtered: self.accept_filtered,
            max_drop: self.max_drop / 100.0,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExportFormat {
    /// FollowTheMoney JSON lines.
    Ftm,
    /// interdict's own entity JSON lines (lossless).
    Json,
}

/// Runs `interdict lists`.
pub fn run(global: &Global, args: ListsArgs) -> Result<ExitCode> {
    let ctx = global.context()?;
    match args.command.unwrap_or(ListsCommand::Show) {
        ListsCommand::Show => show(global, &ctx),
        ListsCommand::Import {
            paths,
            diagnostics,
            list,
            accept,
        } => {
            let list = match list {
                Some(l) => app::update::parse_list_names_only(&[l])?.first().copied(),
                None => None,
            };
            let outcomes =
                app::update::import(&ctx, &paths, list, accept.policy(), &Bars::default())?;
            report_saved(global, &outcomes, diagnostics)?;
            app::records::after_list_change(&ctx, global.database.as_deref(), &Bars::default())?;
            Ok(held_status(&outcomes))
        }
        ListsCommand::Update {
            lists,
            mirror,
            connect_timeout,
            timeout,
            retries,
            accept,
        } => {
            let mut fetcher = app::download::Fetcher::new(
                Duration::from_secs(connect_timeout),
                Duration::from_secs(timeout),
                mirror,
            );
            fetcher.attempts = retries.max(1);
            if std::env::var_os("INTERDICT_TEST_FAST_RETRY").is_some() {
                fetcher.backoff = Duration::from_millis(10);
            }
            let lists = app::update::parse_list_names(&lists)?;
            let policy = accept.policy();
            let results = app::update::update(&ctx, &lists, &fetcher, policy, &Bars::default())?;
            let mut outcomes = Vec::new();
            let mut failures = Vec::new();
            for (list, r) in results {
                match r {
                    Ok(o) => outcomes.push(o),
                    Err(e) => failures.push(format!("{}: {e}", list.as_str())),
                }
            }
            report_saved(global, &outcomes, false)?;
            app::records::after_list_change(&ctx, global.database.as_deref(), &Bars::default())?;
            for f in &failures {
                eprintln!("error: {f}");
            }
            if !failures.is_empty() {
                eprintln!("The stored snapshots of the lists that failed are unchanged.");
                return Ok(ExitCode::from(2));
            }
            Ok(held_status(&outcomes))
        }
        ListsCommand::Diff { old, new } => diff(global, &ctx, &old, &new),
        ListsCommand::Export {
            format,
            only,
            lists,
            output,
        } => {
            let only = app::update::parse_list_names_only(&only)?;
            let format = match format {
                ExportFormat::Ftm => app::lists::ExportFormat::Ftm,
                ExportFormat::Json => app::lists::ExportFormat::Json,
            };
            let source = app::sources::ListSource::from_args(&lists);
            let mut stdout = std::io::stdout().lock();
            let n = app::lists::export_to(
                &ctx,
                &source,
                &only,
                format,
                output.as_deref(),
                &mut stdout,
                &Bars::default(),
            )?;
            if output.is_some() {
                eprintln!("Wrote {n} objects.");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn show(global: &Global, ctx: &app::Context) -> Result<ExitCode> {
    let all = app::lists::snapshots(ctx)?;
    if global.json {
        let rows: Vec<api::StoredSnapshot> = all
            .into_iter()
            .map(|(m, current)| api::StoredSnapshot::new(m, current))
            .collect();
        outln!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        outln!("{}", app::lists::snapshots_text(ctx, &all).trim_end());
    }
    Ok(ExitCode::SUCCESS)
}

fn print_diagnostics(diags: &[Diagnostic], all: bool) {
    const SHOWN: usize = 5;
    let n = if all {
        diags.len()
    } else {
        diags.len().min(SHOWN)
    };
    for d in &diags[..n] {
        eprintln!("  {d}");
    }
    if diags.len() > n {
        eprintln!(
            "  … and {} more (see them with --diagnostics)",
            diags.len() - n
        );
    }
}

/// Exit status 2 when any version was kept without becoming current: the operator must look.
fn held_status(outcomes: &[Outcome]) -> ExitCode {
    if outcomes.iter().all(Outcome::is_current) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

fn report_saved(global: &Global, results: &[Outcome], all_diags: bool) -> Result<()> {
    for (o, line) in results.iter().filter_map(|o| Some((o, o.held_line()?))) {
        eprintln!("{line}");
        if global.json {
            // The JSON on stdout has no diagnostics; the errors that held the version back
            // are named here, with file and offset.
            let errors: Vec<Diagnostic> = o
                .diagnostics
                .iter()
                .filter(|d| d.severity == model::Severity::Error)
                .cloned()
                .collect();
            print_diagnostics(&errors, all_diags);
        }
    }
    if global.json {
        let rows: Vec<api::ImportOutcome> = results.iter().map(Outcome::to_api).collect();
        outln!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    for o in results {
        outln!("{}", o.text());
        if matches!(o.saved, Saved::New(_)) {
            print_diagnostics(&o.diagnostics, all_diags);
        }
    }
    Ok(())
}

fn diff(global: &Global, ctx: &app::Context, old: &str, new: &str) -> Result<ExitCode> {
    let (old_name, new_name, d) = app::lists::diff(ctx, old, new)?;
    if global.json {
        outln!("{}", serde_json::to_string_pretty(&d)?);
    } else {
        outln!(
            "{}",
            app::lists::diff_text(&old_name, &new_name, &d).trim_end()
        );
    }
    Ok(ExitCode::SUCCESS)
}
