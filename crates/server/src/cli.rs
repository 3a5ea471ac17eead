//! The arguments of `interdict serve` and `interdict keys`, and their runners. They live here
//! rather than in the `cli` crate so that the binary's own sources stay small; the binary only
//! dispatches to them.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, bail};
use app::freshness::{MaxAge, Rule, parse_duration};
use app::live::Live;
use app::sources::ListSource;

use crate::{Config, LogObserver, guard};

fn duration(s: &str) -> Result<Duration, String> {
    parse_duration(s).map(Duration::from_secs)
}

/// `interdict serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub listen: SocketAddr,
    /// Serve without API keys; allowed only on a loopback address.
    #[arg(long)]
    pub no_auth: bool,
    /// Serve lists that are older than their maximum age, or the bundled default lists; every
    /// answer is then marked stale.
    #[arg(long)]
    pub allow_stale: bool,
    /// Maximum age of a list since it was last confirmed current (`lists update` or `lists import`).
    #[arg(long, default_value = "48h", value_parser = parse_duration, value_name = "DURATION")]
    pub max_age: u64,
    /// Maximum age of one list (repeatable): `ofac-sdn=24h`.
    #[arg(long, value_name = "LIST=DURATION")]
    pub max_age_list: Vec<String>,
    /// Run the update policy (`lists update`) in the background this often (e.g. `1h`).
    #[arg(long, value_parser = duration, value_name = "DURATION")]
    pub update_every: Option<Duration>,
    /// Pick up lists imported by another process this often.
    #[arg(long, default_value = "30s", value_parser = duration, value_name = "DURATION")]
    pub watch_every: Duration,
    /// Screen against these list files instead of the store (or `bundled`).
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub lists: Vec<PathBuf>,
    /// Largest request body in bytes.
    #[arg(long, default_value_t = 4 << 20, value_name = "BYTES")]
    pub max_body: usize,
    /// Longest a request may take.
    #[arg(long, default_value = "30s", value_parser = duration, value_name = "DURATION")]
    pub timeout: Duration,
    /// Requests per second per API key (0: unlimited).
    #[arg(long, default_value_t = 1000.0, value_name = "N")]
    pub rate_limit: f64,
    /// Requests a key may send at once above its rate.
    #[arg(long, default_value_t = 2000.0, value_name = "N")]
    pub burst: f64,
    /// Requests of one key in flight at once (0: unlimited).
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub concurrency: u32,
    /// Names per native batch request.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub max_batch: usize,
    /// A transfer graph directory (`interdict graph import`): serves `/v1/exposure` and
    /// `/v1/trace`.
    #[arg(long, value_name = "DIR")]
    pub graph: Option<PathBuf>,
    /// Label files for the graph (see `interdict exposure --labels`).
    #[arg(long, num_args = 1.., value_name = "FILE", requires = "graph")]
    pub graph_labels: Vec<PathBuf>,
    /// Category for graph label rows without one and for plain address lists.
    #[arg(long, requires = "graph")]
    pub graph_category: Option<String>,
    /// A UTXO clusters directory for the graph (labels and seeds widened to clusters).
    #[arg(long, value_name = "DIR", requires = "graph")]
    pub graph_clusters: Option<PathBuf>,
    /// Screening threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Do not log every request (failures are still logged).
    #[arg(long)]
    pub no_access_log: bool,
    /// Log as text for people instead of JSON lines.
    #[arg(long)]
    pub log_text: bool,
    /// Keep compliance records (evidence of every screening, alerts, decisions, audit) in
    /// records.db in the data directory; on by itself with --database or an existing records.db.
    #[arg(long)]
    pub records: bool,
    /// POST every new alert to this URL (repeatable), signed with --webhook-secret-file; implies --records.
    #[arg(long, value_name = "URL", requires = "webhook_secret_file")]
    pub webhook: Vec<String>,
    /// The file holding the webhook signing secret (HMAC-SHA256 of the body).
    #[arg(long, value_name = "FILE")]
    pub webhook_secret_file: Option<PathBuf>,
}

fn init_logging(text: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("INTERDICT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if text {
        b.try_init()
    } else {
        b.json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init()
    };
}

/// The records configuration of `serve`: kept with --records, --database or an existing
/// records.db.
fn records_config(
    ctx: &app::Context,
    database: Option<String>,
    args: &ServeArgs,
) -> anyhow::Result<Option<crate::records_api::RecordsConfig>> {
    if !args.records
        && args.webhook.is_empty()
        && !app::evidence::records_configured(ctx, database.as_deref())
    {
        return Ok(None);
    }
    let webhook_secret = match &args.webhook_secret_file {
        Some(f) => std::fs::read_to_string(f)
            .with_context(|| format!("reading the webhook secret {}", f.display()))?
            .trim()
            .as_bytes()
            .to_vec(),
        None => Vec::new(),
    };
    Ok(Some(crate::records_api::RecordsConfig {
        database,
        webhooks: args.webhook.clone(),
        webhook_secret,
        ..Default::default()
    }))
}

/// Runs `interdict serve` until Ctrl-C or SIGTERM; `database` is the records database
/// (`--database`).
pub fn serve(
    ctx: anyhow::Result<app::Context>,
    database: Option<String>,
    args: ServeArgs,
) -> anyhow::Result<ExitCode> {
    init_logging(args.log_text);
    let ctx = ctx?;
    let records = records_config(&ctx, database, &args)?;
    let mut max_age = MaxAge {
        default_secs: args.max_age,
        ..MaxAge::default()
    };
    for spec in &args.max_age_list {
        let (list, d) = spec.split_once('=').with_context(|| {
            format!("--max-age-list {spec:?}: use LIST=DURATION, e.g. ofac-sdn=24h")
        })?;
        let secs = parse_duration(d).map_err(anyhow::Error::msg)?;
        max_age.per_list.insert(list.trim().to_string(), secs);
    }
    let keys = if args.no_auth {
        if !args.listen.ip().is_loopback() {
            bail!(
                "--no-auth is allowed only on a loopback address (127.0.0.1 or ::1), not {}; create keys with `interdict keys create --role admin --name NAME`",
                args.listen
            );
        }
        None
    } else {
        let ring = app::keys::KeyRing::open(&ctx)?;
        if ring.active() == 0 {
            bail!(
                "no API keys exist in {}; create one with `interdict keys create --role admin --name ops`, or serve on loopback with --no-auth",
                ctx.data_dir().display()
            );
        }
        Some(ring)
    };
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("setting up the screening threads")?;
    }
    let rule = Rule {
        max_age,
        allow_stale: args.allow_stale,
    };
    let live = Arc::new(Live::new(ctx, rule));
    let source = ListSource::from_args(&args.lists);
    match live.load(&source, &LogObserver) {
        Ok(_) => {}
        // Fail closed but stay up: /readyz says why, and the background updater may still
        // bring lists.
        Err(e) => {
            tracing::error!(error = %e, "No lists could be loaded; the service answers 503 until they are.")
        }
    }
    let graph = match &args.graph {
        None => None,
        Some(dir) => {
            let (g, diagnostics) = app::graphs::Graphs::open(
                dir,
                &args.graph_labels,
                args.graph_category.as_deref(),
                args.graph_clusters.as_deref(),
            )?;
            for d in diagnostics {
                tracing::warn!(diagnostic = %d, "Graph label file.");
            }
            tracing::info!(graph = %dir.display(), "Transfer graph opened.");
            Some(Arc::new(g))
        }
    };
    let config = Config {
        graph,
        max_body: args.max_body,
        timeout: args.timeout,
        key_limits: guard::KeyLimits {
            rate: args.rate_limit,
            burst: args.burst,
            concurrency: args.concurrency,
        },
        access_log: !args.no_access_log,
        max_batch: args.max_batch,
        update_every: args.update_every,
        watch_every: args.watch_every,
        records,
    };
    let no_auth = keys.is_none();
    let (router, state) = crate::app(live, keys, config, Arc::new(app::hooks::NoHook));
    if let Some(why) = state.records.as_ref().and_then(|r| r.startup_error()) {
        bail!("the compliance records cannot be kept: {why}");
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let r = state.live.readiness();
        eprintln!(
            "interdict serve: listening on http://{}{}; docs at /docs; {}",
            args.listen,
            if no_auth {
                " WITHOUT authentication (loopback only, --no-auth)"
            } else {
                ""
            },
            if r.ready && !r.stale {
                "ready".to_string()
            } else if r.ready {
                "ready but STALE: every answer is marked stale".to_string()
            } else {
                format!("NOT ready (503): {}", r.reasons.join("; "))
            }
        );
        crate::serve(listener, router, state).await?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `interdict keys`.
#[derive(Debug, clap::Args)]
pub struct KeysArgs {
    #[command(subcommand)]
    command: KeysCommand,
}

#[derive(Debug, clap::Subcommand)]
enum KeysCommand {
    /// Create a key; it is printed once and stored only as a hash.
    Create {
        /// analyst (screening, lookups), reviewer (and alert decisions), admin (and list updates, keys).
        // A `String` like the binary's global `--role` (the acting user's role for the records
        // commands), which shares the id `role`: with two types clap panics on every
        // `keys create`.
        #[arg(long, value_parser = role_word)]
        role: String,
        /// A name for people, such as the client system.
        #[arg(long)]
        name: String,
    },
    /// List keys (never their secrets).
    List,
    /// Revoke a key by its id.
    Revoke {
        /// The key id shown by `keys list` (or the whole key).
        id: String,
    },
}

fn parse_role(s: &str) -> Result<api::Role, String> {
    api::Role::parse(s).ok_or_else(|| "use analyst, reviewer or admin".into())
}

/// Checks a role word, keeping it as the text the global `--role` also reads.
fn role_word(s: &str) -> Result<String, String> {
    parse_role(s).map(|_| s.to_string())
}

/// Runs `interdict keys`.
pub fn keys(
    ctx: anyhow::Result<app::Context>,
    json: bool,
    args: KeysArgs,
) -> anyhow::Result<ExitCode> {
    let ctx = ctx?;
    let print = |v: &dyn erased::Json| -> anyhow::Result<()> {
        println!("{}", v.json()?);
        Ok(())
    };
    match args.command {
        KeysCommand::Create { role, name } => {
            let role = parse_role(&role).map_err(anyhow::Error::msg)?;
            let k = app::keys::create(&ctx, &name, role)?;
            if json {
                print(&k)?;
            } else {
                println!("{}", k.key);
                eprintln!(
                    "Created key {} ({}, {}). It is shown only now; store it in the client's secret store.",
                    k.info.id,
                    k.info.name,
                    k.info.role.as_str()
                );
            }
        }
        KeysCommand::List => {
            let all = app::keys::list(&ctx)?;
            if json {
                print(&all)?;
            } else {
                for k in all {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        k.id,
                        k.role.as_str(),
                        k.created_at,
                        k.revoked_at
                            .map_or("active".to_string(), |r| format!("revoked {r}")),
                        k.name
                    );
                }
            }
        }
        KeysCommand::Revoke { id } => {
            let k = app::keys::revoke(&ctx, &id)?;
            if json {
                print(&k)?;
            } else {
                eprintln!(
                    "Revoked key {} ({}); a running service refuses it from its next request.",
                    k.id, k.name
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

mod erased {
    /// Serialises any printable value.
    pub trait Json {
        fn json(&self) -> serde_json::Result<String>;
    }

    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> serde_json::Result<String> {
            serde_json::to_string_pretty(self)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    /// The binary's shape: a global `--role` (a `String`, the acting user's role) beside the
    /// `keys` subcommand, whose `create --role` shares the id.
    #[derive(Debug, Parser)]
    struct Bin {
        #[arg(long, global = true, default_value = "analyst")]
        role: String,
        #[command(subcommand)]
        command: Cmd,
    }

    #[derive(Debug, clap::Subcommand)]
    enum Cmd {
        Keys(super::KeysArgs),
    }

    #[test]
    fn keys_create_parses_beside_the_global_role() {
        let b = Bin::try_parse_from([
            "interdict",
            "keys",
            "create",
            "--role",
            "admin",
            "--name",
            "ops",
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        let Cmd::Keys(k) = b.command;
        match k.command {
            super::KeysCommand::Create { role, name } => {
                assert_eq!((role.as_str(), name.as_str()), ("admin", "ops"));
            }
            other => panic!("{other:?}"),
        }
        assert!(
            Bin::try_parse_from([
                "interdict",
                "keys",
                "create",
                "--role",
                "boss",
                "--name",
                "x"
            ])
            .is_err()
        );
    }
}
