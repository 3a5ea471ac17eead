//! `interdict customers|alerts|decide|audit|retention|monitor`: the compliance records. Each
//! action is one call into `app::records`, printed as its `api` type in JSON.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use app::records::{self as rec, Actor, Role};

use crate::Global;

/// The records commands (flattened into the top level). Words after an action's arguments are
/// its reason.
#[derive(Debug, clap::Subcommand)]
pub enum Cmd {
    /// Monitored subjects: `import FILE` (CSV or JSON lines, upsert), `list [STATUS]`, `remove REF REASON`.
    Customers(Words),
    /// Alerts: `list [STATE [ASSIGNEE]]` (newest first), `show ID`, `assign ID USER [DUE]`, `escalate ID REASON`.
    Alerts(Words),
    /// Four-eyes decisions: `propose ALERT true-match|false-positive REASON`; another user with the reviewer role: `approve ID REASON`, `reject ID REASON`.
    Decide(Words),
    /// The audit trail: `verify [CHECKPOINT_FILE...]` (exit 1 naming the first broken record), `export [FROM [TO]]` (sequence numbers or time prefixes), `checkpoint` (signs the head).
    Audit(Words),
    /// `run [DAYS]`: delete the personal data of subjects removed more than DAYS (3650) days ago.
    Retention(Words),
    /// Re-screen monitored subjects on list, engine or configuration changes (`full`: every subject); resumes a stopped run.
    Monitor(Words),
    /// `set KEY VALUE` (admin): `evidence.input full|hash` keeps screening inputs or only their keyed hashes.
    Settings(Words),
}

/// An action and its arguments.
#[derive(Debug, clap::Args)]
pub struct Words {
    /// The action and its arguments.
    words: Vec<String>,
    /// At most this many rows.
    #[arg(long, default_value_t = 1000)]
    limit: i64,
    /// Export as CSV instead of JSON lines.
    #[arg(long)]
    csv: bool,
    /// Scores at or above this open alerts.
    #[arg(long, default_value_t = screening::DEFAULT_THRESHOLD)]
    threshold: f64,
}

fn print(v: impl serde::Serialize) -> Result<ExitCode> {
    outln!("{}", serde_json::to_string_pretty(&v)?);
    Ok(ExitCode::SUCCESS)
}

/// Runs a records command.
pub fn run(global: &Global, cmd: Cmd) -> Result<ExitCode> {
    let ctx = global.context()?;
    let role =
        Role::parse(&global.role).ok_or_else(|| anyhow!("--role: analyst, reviewer or admin"))?;
    let who = Actor::new(global.user.clone(), role)?;
    let (name, w) = match cmd {
        Cmd::Customers(w) => ("customers", w),
        Cmd::Alerts(w) => ("alerts", w),
        Cmd::Decide(w) => ("decide", w),
        Cmd::Audit(w) => ("audit", w),
        Cmd::Retention(w) => ("retention", w),
        Cmd::Monitor(w) => ("monitor", w),
        Cmd::Settings(w) => ("settings", w),
    };
    let verb = w.words.first().map_or("", String::as_str);
    let arg = |i: usize| w.words.get(i).map(String::as_str);
    let need = |i: usize| arg(i).with_context(|| format!("`{name} {verb}` needs more arguments"));
    let id = |i: usize| need(i)?.parse::<i64>().context("not a number");
    let rest = |i: usize| w.words.get(i..).unwrap_or_default().join(" ");
    rec::block_on(async {
        let db = rec::open(&ctx, global.database.as_deref()).await?;
        match (name, verb) {
            ("customers", "import") => {
                print(rec::import_subjects(&db, &who, Path::new(need(1)?)).await?)
            }
            ("customers", "list") => print(db.list_subjects(arg(1), 0, w.limit).await?),
            ("customers", "remove") => print(db.remove_subject(&who, need(1)?, &rest(2)).await?),
            ("alerts", "list" | "") => {
                let state = arg(1).map(records::parse_state_arg).transpose()?;
                print(db.alerts(state, arg(2), w.limit).await?)
            }
            ("alerts", "show") => print(db.alert(id(1)?).await?),
            ("alerts", "assign") => print(db.assign(&who, id(1)?, need(2)?, arg(3)).await?),
            ("alerts", "escalate") => print(db.escalate(&who, id(1)?, &rest(2)).await?),
            ("decide", "propose") => {
                let outcome = records::parse_outcome_arg(need(2)?)?;
                print(db.propose(&who, id(1)?, outcome, &rest(3)).await?)
            }
            ("decide", "approve" | "reject") => {
                print(db.review(&who, id(1)?, verb == "approve", &rest(2)).await?)
            }
            ("audit", "verify") => {
                let files: Vec<PathBuf> = w.words[1..].iter().map(PathBuf::from).collect();
                let v = rec::verify(&ctx, &db, &files).await?;
                print(&v)?;
                Ok(ExitCode::from(u8::from(!v.ok)))
            }
            ("audit", "export") => {
                let mut out = std::io::stdout().lock();
                let n = rec::export_audit(&db, arg(1), arg(2), w.csv, &mut out).await?;
                eprintln!("exported {n} audit records");
                Ok(ExitCode::SUCCESS)
            }
            ("audit", "checkpoint") => print(rec::checkpoint(&ctx, &db, &who).await?),
            ("retention", "run") => {
                print(rec::retention(&db, &who, arg(1).map_or(Ok(3650), str::parse)?).await?)
            }
            ("monitor", "" | "full") => {
                let config = screening::ScreenConfig {
                    threshold: w.threshold,
                    ..Default::default()
                };
                let opts = rec::MonitorOptions {
                    config,
                    full: verb == "full",
                    max_batches: None,
                };
                let (src, bars) = (
                    app::sources::ListSource::Stored,
                    crate::progress::Bars::default(),
                );
                print(rec::monitor(&ctx, &db, &src, &opts, &bars).await?)
            }
            ("settings", "set") => {
                db.configure(&who, need(1)?, need(2)?).await?;
                Ok(ExitCode::SUCCESS)
            }
            _ => bail!("unknown action `{name} {verb}`; see `interdict {name} --help`"),
        }
    })?
}
