//! `interdict`: the command-line front end of the interdict sanctions-compliance engine.
//!
//! This crate only parses arguments, draws progress bars and prints; the application logic is
//! in `app` and the engines behind it. Exit status: 0 on success (also when the reader of the
//! output goes away, as `| head` does), 1 when `--fail-on-match` finds a match, 2 on error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[macro_use]
mod out;
mod address_cmd;
mod allow_cmd;
mod eval_cmd;
mod graph_cmd;
mod lists;
mod progress;
mod records_cmd;
mod scan_cmd;
mod screen_cmd;
mod vet_cmd;

/// Global options shared by every command.
#[derive(Debug, clap::Args)]
pub struct Global {
    /// Where imported lists are stored [default: $INTERDICT_HOME, else the platform data dir].
    #[arg(long, global = true, env = "INTERDICT_HOME", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print machine-readable JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    /// More log output on standard error (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// The records database (postgres://… or sqlite://FILE) [default: records.db in the data dir].
    #[arg(long, global = true, env = "INTERDICT_DATABASE", value_name = "URL")]
    pub database: Option<String>,
    /// Who acts, as the audit trail records it.
    #[arg(long, global = true, env = "INTERDICT_USER", default_value = "cli")]
    pub user: String,
    /// The acting user's role: analyst, reviewer or admin.
    #[arg(long, global = true, env = "INTERDICT_ROLE", default_value = "analyst")]
    pub role: String,
}

impl Global {
    /// The application context: `--data-dir` (or `INTERDICT_HOME`), else the platform's.
    pub fn context(&self) -> anyhow::Result<app::Context> {
        Ok(app::Context::from_env(self.data_dir.clone())?)
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "interdict",
    version,
    about = "Sanctions screening for names, crypto addresses and applicants.",
    long_about = "Sanctions screening for names, crypto addresses and applicants.\n\nStart with `interdict lists update` (needs internet) or `interdict lists import FILE...` to load official lists."
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Import, update, show, diff and export sanctions lists.
    Lists(lists::ListsArgs),
    /// Screen a name (or a batch file of names) against the sanctions lists.
    Screen(screen_cmd::ScreenArgs),
    /// Find listed names inside free text (payment fields, invoices, chat), or a file of texts.
    Scan(scan_cmd::ScanArgs),
    /// Score one pair of names and explain the score.
    Compare(screen_cmd::CompareArgs),
    /// Clear hits for a customer (an allow-list that expires when the listed entity changes).
    Allow(allow_cmd::AllowArgs),
    /// Run the shared name-screening evaluation set and print its metrics.
    Eval(eval_cmd::EvalArgs),
    /// Screen crypto addresses against list wallets and label files.
    Address(address_cmd::AddressArgs),
    /// Transfer graphs: import, generate, info, bench.
    Graph(graph_cmd::GraphArgs),
    /// Exposure of a wallet to labelled categories (source or destination of funds).
    Exposure(graph_cmd::ExposureArgs),
    /// Trace funds forward from seed addresses or transactions with a taint model.
    Trace(graph_cmd::TraceArgs),
    /// The shortest and the top-k paths between two addresses.
    Path(graph_cmd::PathArgs),
    /// Vet applicant and contractor records for IT-worker infiltration red flags.
    Vet(vet_cmd::VetArgs),
    /// Run the screening service: yente-compatible /match, native /v1 API, keys, metrics.
    Serve(server::cli::ServeArgs),
    /// Create, list and revoke the service's API keys.
    Keys(server::cli::KeysArgs),
    #[command(flatten)]
    Records(records_cmd::Cmd),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The service logs JSON lines and sets up its own logging.
    (!matches!(cli.command, Command::Serve(_))).then(|| init_logging(cli.global.verbose));
    // A bug must still end with a status the caller expects (2), never 101 (the panic message
    // is printed by the default hook first).
    std::panic::catch_unwind(move || dispatch(cli)).unwrap_or(ExitCode::from(2))
}

fn dispatch(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Lists(args) => lists::run(&cli.global, args),
        Command::Screen(args) => screen_cmd::run(&cli.global, args),
        Command::Scan(args) => scan_cmd::run(&cli.global, args),
        Command::Compare(args) => screen_cmd::compare(&cli.global, args),
        Command::Allow(args) => allow_cmd::run(&cli.global, args),
        Command::Eval(args) => eval_cmd::run(&cli.global, args),
        Command::Address(args) => address_cmd::run(&cli.global, args),
        Command::Graph(args) => graph_cmd::run_graph(&cli.global, args),
        Command::Exposure(args) => graph_cmd::run_exposure(&cli.global, args),
        Command::Trace(args) => graph_cmd::run_trace(&cli.global, args),
        Command::Path(args) => graph_cmd::run_path(&cli.global, args),
        Command::Vet(args) => vet_cmd::run(&cli.global, args),
        Command::Serve(args) => server::cli::serve(cli.global.context(), cli.global.database, args),
        Command::Keys(args) => server::cli::keys(cli.global.context(), cli.global.json, args),
        Command::Records(cmd) => records_cmd::run(&cli.global, cmd),
    };
    match result {
        Ok(code) => code,
        // The reader of our output is gone (`interdict … | head`): nothing is wrong.
        Err(e) if out::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}

fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("INTERDICT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}
