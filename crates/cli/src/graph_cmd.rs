//! `interdict graph …`, `interdict exposure`, `interdict trace` and `interdict path`: transfer
//! graph import and generation, and the analyses of the `graph` crate.

use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;
use clap::{Args, Subcommand};
use graph::bench::{BenchConfig, bench};
use graph::exposure::{Direction, ExposureConfig, StopRule, exposure};
use graph::generate::GenConfig;
use graph::import::{self as gi, ImportOptions, generate_into, import_files, open_graph};
use graph::labels::NodeLabels;
use graph::paths::{PathConfig, PathScore, paths};
use graph::storage::Meta;
use graph::trace::{TaintModel, TraceConfig, trace};
use graph::utxo::{ChangeHeuristic, ClusterConfig, UtxoGenConfig};
use graph::{query, report};

use crate::Global;
use crate::progress;

/// Arguments of `interdict graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    #[command(subcommand)]
    command: GraphCommand,
}

#[derive(Debug, Subcommand)]
enum GraphCommand {
    /// Import transfers from CSV files into a graph directory (or append them to one).
    ///
    /// The header names at least from, to and amount (Ethereum-ETL's from_address, to_address
    /// and value work too) and any of tx, block, time and asset. Amounts are exact decimal
    /// integers up to 2^256 - 1. Bad rows are reported with their row number and skipped.
    Import(ImportArgs),
    /// Generate a synthetic graph with planted ground truth (exchanges, a mixer, peel chains,
    /// a theft fanning out into ~50 addresses).
    Generate(GenerateArgs),
    /// Show what a graph directory holds.
    Info(InfoArgs),
    /// Time exposure queries and a FIFO replay on a graph (figures for docs/benchmarks.md).
    Bench(BenchArgs),
    /// UTXO transactions: address clusters (multi-input heuristic, CoinJoin excluded) and graphs.
    #[command(subcommand)]
    Utxo(UtxoCommand),
}

#[derive(Debug, Subcommand)]
enum UtxoCommand {
    /// Cluster the addresses of UTXO inputs and outputs into a clusters directory (for
    /// --clusters) and/or write their transfers into a graph directory.
    ///
    /// Rows: tx (txid, tx_hash, transaction_hash, hash), side (in/out), address (addresses),
    /// value, block (block_number); blockchain-ETL inputs and outputs exports work with --inputs
    /// and --outputs. Bad rows are reported and skipped.
    Import(UtxoImportArgs),
    /// Generate UTXO transactions with planted wallets and CoinJoin rounds, as CSV and/or
    /// clustered and checked against the planted wallets.
    Generate(UtxoGenerateArgs),
}

/// Outputs and heuristics of `graph utxo import` and `generate`.
#[derive(Debug, Args)]
struct UtxoOut {
    /// The clusters directory to create.
    #[arg(long, value_name = "DIR")]
    clusters: Option<PathBuf>,
    /// The graph directory to create from the transactions' transfers.
    #[arg(long, value_name = "DIR")]
    graph: Option<PathBuf>,
    /// Join the inputs of CoinJoin-shaped transactions too (wrong for sanctions work).
    #[arg(long)]
    join_coinjoins: bool,
    /// Change heuristic: none or fresh-address.
    #[arg(long, default_value = "none")]
    change: ChangeHeuristic,
}

/// Arguments of `interdict graph utxo import`.
#[derive(Debug, Args)]
struct UtxoImportArgs {
    /// Files with a side column (CSV; Parquet needs `--features parquet`).
    #[arg(value_name = "FILE", required_unless_present_any = ["inputs", "outputs"])]
    files: Vec<PathBuf>,
    /// Files whose every row is an input.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    inputs: Vec<PathBuf>,
    /// Files whose every row is an output.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    outputs: Vec<PathBuf>,
    #[command(flatten)]
    out: UtxoOut,
    /// Print every diagnostic, not only the first 20.
    #[arg(long)]
    diagnostics: bool,
}

/// Arguments of `interdict graph utxo generate`.
#[derive(Debug, Args)]
struct UtxoGenerateArgs {
    /// Write the rows as CSV (tx,side,address,value,block) here.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    #[command(flatten)]
    out: UtxoOut,
    /// Planted wallets (about 45 inputs each; 2.2 million give 100 million inputs).
    #[arg(long, default_value_t = 1_000)]
    wallets: u32,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// Arguments of `interdict graph import`.
#[derive(Debug, Args)]
struct ImportArgs {
    /// CSV files, read in order (Parquet needs a build with `--features parquet`).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The graph directory to create.
    #[arg(long, value_name = "DIR")]
    graph: PathBuf,
    /// Add the transfers to an existing graph (a rebuild merge; node ids stay stable).
    #[arg(long)]
    append: bool,
    /// Print every diagnostic, not only the first 20.
    #[arg(long)]
    diagnostics: bool,
}

/// Arguments of `interdict graph generate`.
#[derive(Debug, Args)]
struct GenerateArgs {
    /// The graph directory to create (omit with --csv to only write CSV).
    #[arg(long, value_name = "DIR", required_unless_present = "csv")]
    graph: Option<PathBuf>,
    /// Also (or instead) write the transfers as CSV here.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Write the planted labels as JSON lines here.
    #[arg(long, value_name = "FILE")]
    labels_out: Option<PathBuf>,
    /// Number of addresses.
    #[arg(long, default_value_t = 10_000)]
    addresses: u32,
    /// Number of transfers.
    #[arg(long, default_value_t = 100_000)]
    transfers: u64,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Give every transfer a 32-byte transaction hash (larger files).
    #[arg(long)]
    tx_hashes: bool,
}

/// Arguments of `interdict graph info`.
#[derive(Debug, Args)]
struct InfoArgs {
    /// The graph directory.
    #[arg(long, value_name = "DIR")]
    graph: PathBuf,
}

/// Arguments of `interdict graph bench`.
#[derive(Debug, Args)]
struct BenchArgs {
    /// The graph directory.
    #[arg(long, value_name = "DIR")]
    graph: PathBuf,
    /// Label files (see `interdict exposure --labels`).
    #[arg(long, num_args = 1.., value_name = "FILE")]
    labels: Vec<PathBuf>,
    /// Number of exposure queries, on addresses drawn evenly from the node ids.
    #[arg(long, default_value_t = 200)]
    queries: u32,
    /// Hops per exposure query.
    #[arg(long, default_value_t = 4)]
    hops: u32,
    /// Epsilon per exposure query.
    #[arg(long, default_value_t = 1e-4)]
    epsilon: f64,
    /// Also replay every transfer with FIFO from this seed address.
    #[arg(long, value_name = "ADDR")]
    fifo_seed: Option<String>,
}

/// Arguments of `interdict exposure`.
#[derive(Debug, Args)]
pub struct ExposureArgs {
    /// The wallet to analyse.
    #[arg(value_name = "ADDR")]
    address: String,
    /// The graph directory.
    #[arg(long, value_name = "DIR")]
    graph: PathBuf,
    /// in (source of funds) or out (destination of funds).
    #[arg(long, default_value = "in")]
    direction: Direction,
    /// Hop limit.
    #[arg(long, default_value_t = 4)]
    hops: u32,
    /// Drop mass below this share.
    #[arg(long, default_value_t = 1e-4)]
    epsilon: f64,
    /// Do not expand nodes with more edges than this (0: no cap).
    #[arg(long, default_value_t = 100_000)]
    degree_cap: u64,
    /// Label files: CSV or JSON lines with address, chain, category, label, source; or one
    /// address per line (takes --category).
    #[arg(long, num_args = 1.., value_name = "FILE")]
    labels: Vec<PathBuf>,
    /// Category for label rows without one and for plain address lists.
    #[arg(long)]
    category: Option<String>,
    /// Stop only at these categories (default: at every labelled address).
    #[arg(long, num_args = 1.., value_name = "CATEGORY")]
    stop_at: Vec<String>,
    /// First block of the window.
    #[arg(long)]
    from_block: Option<u64>,
    /// Last block of the window.
    #[arg(long)]
    to_block: Option<u64>,
    /// Only this asset (token address; "" or "native" for the chain's own coin).
    #[arg(long)]
    asset: Option<String>,
    /// Counterparties listed per category.
    #[arg(long, default_value_t = 5)]
    top: usize,
    /// Count a label for every address of its UTXO cluster (a clusters directory).
    #[arg(long, value_name = "DIR")]
    clusters: Option<PathBuf>,
}

/// Arguments of `interdict trace`.
#[derive(Debug, Args)]
pub struct TraceArgs {
    /// The graph directory.
    #[arg(long, value_name = "DIR")]
    graph: PathBuf,
    /// Seeds, one per line: addresses (taint sources) or transaction ids (tainted transfers).
    #[arg(long, value_name = "FILE")]
    seeds: PathBuf,
    /// Taint model: fifo, haircut, poison or tiho.
    #[arg(long, default_value = "fifo")]
    model: TaintModel,
    /// Accounts listed.
    #[arg(long, default_value_t = 20)]
    top: usize,
    /// Seed every address of a seed address's UTXO cluster (a clusters directory).
    #[arg(long, value_name = "DIR")]
    clusters: Option<PathBuf>,
}

/// Arguments of `interdict path`.
#[derive(Debug, Args)]
pub struct PathArgs {
    /// Start address.
    #[arg(value_name = "FROM")]
    from: String,
    /// End address.
    #[arg(value_name = "TO")]
    to: String,
    /// The graph directory.
    #[arg(long, value_name = "DIR")]
    graph: PathBuf,
    /// Number of top paths.
    #[arg(long, default_value_t = 5)]
    k: usize,
    /// Longest path, in hops.
    #[arg(long, default_value_t = 6)]
    hops: u32,
    /// Rank by the smallest hop amount (bottleneck) or the product of per-hop shares (product).
    #[arg(long, default_value = "bottleneck")]
    score: PathScore,
    /// Only this asset.
    #[arg(long)]
    asset: Option<String>,
}

/// Runs `interdict graph …`.
pub fn run_graph(global: &Global, args: GraphArgs) -> Result<ExitCode> {
    match args.command {
        GraphCommand::Import(a) => import(global, a),
        GraphCommand::Generate(a) => generate_cmd(global, a),
        GraphCommand::Utxo(UtxoCommand::Import(a)) => utxo_import(global, a),
        GraphCommand::Utxo(UtxoCommand::Generate(a)) => utxo_generate(global, a),
        GraphCommand::Info(a) => {
            let g = open_graph(&a.graph)?;
            let text = |m: &Meta| report::info_text(&a.graph.display().to_string(), m);
            print_report(global, g.meta(), text)
        }
        GraphCommand::Bench(a) => {
            let t0 = Instant::now();
            let g = open_graph(&a.graph)?;
            let view = g.view();
            let open_s = t0.elapsed().as_secs_f64();
            let label_set = labels(gi::load_labels(&view, &a.labels, None, None)?);
            let cfg = BenchConfig {
                queries: a.queries,
                hops: a.hops,
                epsilon: a.epsilon,
                fifo_seed: a.fifo_seed.map(|s| query::node(&view, &s)).transpose()?,
            };
            let r = bench(&view, &label_set, &cfg);
            let name = a.graph.display().to_string();
            let json = report::bench_json(&name, &view, open_s, &cfg, &r);
            print_report(global, &json, |_| {
                report::bench_text(&view, open_s, &cfg, &r)
            })
        }
    }
}

fn import(global: &Global, a: ImportArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let dir = &a.graph;
    let inputs: Vec<(&str, &Path)> = a.files.iter().map(|f| ("the input", f.as_path())).collect();
    app::files::refuse_overwrite(dir, &inputs)?;
    let options = ImportOptions {
        append: a.append,
        max_diagnostics: if a.diagnostics { usize::MAX } else { 20 },
    };
    let mut bars = progress::Phases::new("Importing transfers", true);
    let summary = import_files(dir, &a.files, options, &mut bars)?;
    drop(bars);
    let secs = started.elapsed().as_secs_f64();
    tracing::info!(seconds = secs, "Built the graph directory.");
    rejected(global, &summary.diagnostics, summary.rejected);
    let name = dir.display().to_string();
    let json = report::import_json(&name, &summary, secs);
    print_report(global, &json, |_| {
        report::import_text(&name, &summary, secs)
    })
}

fn generate_cmd(global: &Global, a: GenerateArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let cfg = GenConfig {
        addresses: a.addresses,
        transfers: a.transfers,
        seed: a.seed,
        tx_hashes: a.tx_hashes,
    };
    let mut writer = a.csv.as_deref().map(gi::create_csv).transpose()?;
    let csv = writer.as_mut().map(|w| w as &mut dyn std::io::Write);
    let mut bars = progress::Phases::new("Generating transfers", false);
    let out = generate_into(cfg, a.graph.as_deref(), csv, &mut bars)?;
    drop(bars);
    if let Some(p) = &a.labels_out {
        out.truth
            .write_labels(BufWriter::new(std::fs::File::create(p)?))?;
    }
    let secs = started.elapsed().as_secs_f64();
    let name = |p: &Option<PathBuf>| p.as_ref().map(|d| d.display().to_string());
    let (graph, csv) = (name(&a.graph), name(&a.csv));
    let json = report::generated_json(&out, graph.as_deref(), csv.as_deref(), secs);
    print_report(global, &json, |_| report::generated_text(&out, secs))
}

/// Prints label-file diagnostics and passes the labels on.
fn labels((labels, diagnostics): (NodeLabels, Vec<String>)) -> NodeLabels {
    diagnostics.iter().for_each(|d| eprintln!("  {d}"));
    labels
}

/// Prints the rejected rows of an import (not with --json, whose output carries them).
fn rejected(global: &Global, shown: &[gi::FileDiagnostic], count: u64) {
    if !global.json {
        eprint!("{}", report::rejected_text(shown, count));
    }
}

fn utxo_options(out: UtxoOut, diagnostics: bool) -> gi::UtxoOptions {
    gi::UtxoOptions {
        cluster: ClusterConfig {
            exclude_coinjoin: !out.join_coinjoins,
            change: out.change,
        },
        clusters: out.clusters,
        graph: out.graph,
        max_diagnostics: if diagnostics { usize::MAX } else { 20 },
    }
}

fn utxo_import(global: &Global, a: UtxoImportArgs) -> Result<ExitCode> {
    let files = gi::UtxoFile::sided(&a.files, &a.inputs, &a.outputs);
    let mut bars = progress::Phases::new("Reading UTXO rows", true);
    let summary = gi::import_utxo(&files, &utxo_options(a.out, a.diagnostics), &mut bars)?;
    drop(bars);
    rejected(global, &summary.diagnostics, summary.clusters.rejected);
    print_report(global, &summary, report::utxo_text)
}

fn utxo_generate(global: &Global, a: UtxoGenerateArgs) -> Result<ExitCode> {
    let mut writer = a.csv.as_deref().map(gi::create_csv).transpose()?;
    let csv = writer.as_mut().map(|w| w as &mut dyn std::io::Write);
    let cfg = UtxoGenConfig::with_wallets(a.wallets, a.seed);
    let mut bars = progress::Phases::new("Generating UTXO rows", false);
    let summary = gi::generate_utxo(&cfg, csv, &utxo_options(a.out, false), &mut bars)?;
    drop(bars);
    print_report(global, &summary, report::utxo_text)
}

/// Prints a report as pretty JSON or as the given text.
fn print_report<T: serde::Serialize>(
    global: &Global,
    report: &T,
    text: impl Fn(&T) -> String,
) -> Result<ExitCode> {
    if global.json {
        outln!("{}", serde_json::to_string_pretty(report)?);
    } else {
        crate::out::text(&text(report));
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `interdict exposure`.
pub fn run_exposure(global: &Global, args: ExposureArgs) -> Result<ExitCode> {
    let g = open_graph(&args.graph)?;
    let view = g.view();
    let clusters = gi::open_clusters_opt(args.clusters.as_deref())?;
    let category = args.category.as_deref();
    let labels = labels(gi::load_labels(
        &view,
        &args.labels,
        category,
        clusters.as_ref(),
    )?);
    let target = query::node(&view, &args.address)?;
    let cfg = ExposureConfig {
        direction: args.direction,
        max_hops: args.hops,
        epsilon: args.epsilon,
        degree_cap: (args.degree_cap > 0).then_some(args.degree_cap),
        from_block: args.from_block,
        to_block: args.to_block,
        asset: query::asset(&view, args.asset.as_deref())?,
        stop: StopRule::from_categories(args.stop_at),
        max_counterparties: args.top,
    };
    let mut r = exposure(&view, &labels, target, &cfg);
    if let Some(c) = &clusters {
        c.view().explain_exposure(&mut r);
    }
    print_report(global, &r, report::exposure_text)
}

/// Runs `interdict trace`.
pub fn run_trace(global: &Global, args: TraceArgs) -> Result<ExitCode> {
    let g = open_graph(&args.graph)?;
    let view = g.view();
    let mut list = gi::read_seeds(&view, &args.seeds)?;
    for w in &list.warnings {
        eprintln!("{w}");
    }
    let clusters = gi::open_clusters_opt(args.clusters.as_deref())?;
    let added = clusters.map(|c| c.view().extend_seeds(&view, &mut list.seeds));
    let started = Instant::now();
    let cfg = TraceConfig {
        model: args.model,
        max_accounts: args.top,
    };
    let mut r = trace(&view, &list.seeds, &cfg);
    (r.cluster_seed_count, r.cluster_seeds) = added.unwrap_or_default();
    tracing::info!(seconds = started.elapsed().as_secs_f64(), "Trace finished.");
    print_report(global, &r, report::trace_text)
}

/// Runs `interdict path`.
pub fn run_path(global: &Global, args: PathArgs) -> Result<ExitCode> {
    let g = open_graph(&args.graph)?;
    let view = g.view();
    let from = query::node(&view, &args.from)?;
    let to = query::node(&view, &args.to)?;
    let cfg = PathConfig {
        max_hops: args.hops,
        k: args.k,
        score: args.score,
        asset: query::asset(&view, args.asset.as_deref())?,
        ..PathConfig::defaults()
    };
    let r = paths(&view, from, to, &cfg);
    print_report(global, &r, report::path_text)
}
