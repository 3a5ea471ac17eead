//! `interdict graph …`, `interdict exposure`, `interdict trace` and `interdict path`: transfer
//! graph import and generation, and the analyses of the `graph` crate.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use graph::exposure::{Direction, ExposureConfig, ExposureReport, exposure};
use graph::generate::{GenConfig, generate};
use graph::input::{CsvTransfers, RowBatch, RowDiagnostic};
use graph::labels::{LabelRecord, NodeLabels};
use graph::paths::{PathConfig, PathReport, PathScore, paths};
use graph::storage::{GraphBuilder, ImportRecord, MappedGraph};
use graph::trace::{Seeds, TaintModel, TraceConfig, TraceReport, trace};
use graph::view::{EdgeInfo, GraphRef};

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
    Import {
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
    },
    /// Generate a synthetic graph with planted ground truth (exchanges, a mixer, peel chains,
    /// a theft fanning out into ~50 addresses).
    Generate {
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
    },
    /// Show what a graph directory holds.
    Info {
        /// The graph directory.
        #[arg(long, value_name = "DIR")]
        graph: PathBuf,
    },
    /// Time exposure queries and a FIFO replay on a graph (figures for docs/benchmarks.md).
    Bench {
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
    },
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
    /// Incoming (source of funds) or outgoing (destination of funds).
    #[arg(long, value_enum, default_value = "in")]
    direction: DirectionArg,
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
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DirectionArg {
    In,
    Out,
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
    /// Taint model.
    #[arg(long, value_enum, default_value = "fifo")]
    model: ModelArg,
    /// Accounts listed.
    #[arg(long, default_value_t = 20)]
    top: usize,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ModelArg {
    Fifo,
    Haircut,
    Poison,
    Tiho,
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
    /// Rank by the smallest hop amount or by the product of per-hop shares.
    #[arg(long, value_enum, default_value = "bottleneck")]
    score: ScoreArg,
    /// Only this asset.
    #[arg(long)]
    asset: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ScoreArg {
    Bottleneck,
    Product,
}

/// Runs `interdict graph …`.
pub fn run_graph(global: &Global, args: GraphArgs) -> Result<ExitCode> {
    match args.command {
        GraphCommand::Import {
            files,
            graph,
            append,
            diagnostics,
        } => import(global, &files, &graph, append, diagnostics),
        GraphCommand::Generate {
            graph,
            csv,
            labels_out,
            addresses,
            transfers,
            seed,
            tx_hashes,
        } => {
            let cfg = GenConfig {
                addresses,
                transfers,
                seed,
                tx_hashes,
            };
            generate_cmd(
                global,
                cfg,
                graph.as_deref(),
                csv.as_deref(),
                labels_out.as_deref(),
            )
        }
        GraphCommand::Info { graph } => {
            let g = open(&graph)?;
            if global.json {
                println!("{}", serde_json::to_string_pretty(g.meta())?);
            } else {
                let m = g.meta();
                println!("{}", graph.display());
                println!("  addresses      {}", m.nodes);
                println!("  transfers      {}", m.edges);
                println!("  transactions   {}", m.txs);
                println!("  blocks         {}..={}", m.first_block, m.last_block);
                println!("  assets         {}", m.assets.len());
                println!("  non-canonical  {}", m.non_canonical_addresses);
                for (i, r) in m.imports.iter().enumerate() {
                    println!(
                        "  import {}: {} transfers, {} rejected{} from {}",
                        i + 1,
                        r.imported,
                        r.rejected,
                        if r.resorted { ", re-sorted" } else { "" },
                        r.sources.join(", ")
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        GraphCommand::Bench {
            graph,
            labels,
            queries,
            hops,
            epsilon,
            fifo_seed,
        } => bench(global, &graph, &labels, queries, hops, epsilon, fifo_seed),
    }
}

fn open(dir: &Path) -> Result<MappedGraph> {
    MappedGraph::open(dir).with_context(|| {
        format!(
            "cannot open the graph {}; create it with `interdict graph import`",
            dir.display()
        )
    })
}

fn import(
    global: &Global,
    files: &[PathBuf],
    dir: &Path,
    append: bool,
    show_all: bool,
) -> Result<ExitCode> {
    let started = Instant::now();
    let mut builder = if append {
        GraphBuilder::append(dir)?
    } else {
        GraphBuilder::create(dir)?
    };
    let total: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum();
    let pb = progress::bytes(Some(total), "Importing transfers");
    let mut rejected = 0u64;
    let mut shown = Vec::new();
    #[cfg(not(feature = "parquet"))]
    for file in files {
        if is_parquet(file) {
            bail!(
                "{}: Parquet input needs a build with `--features parquet` (it adds about 3 minutes \
                 to a clean build); or convert it to CSV",
                file.display()
            );
        }
    }
    let read_started = Instant::now();
    // A reader thread parses CSV and canonicalises addresses while this thread interns and
    // writes columns: the two halves cost about the same, so import uses both cores.
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Result<RowBatch>)>(4);
    let (ret_tx, ret_rx) = std::sync::mpsc::channel::<RowBatch>();
    std::thread::scope(|scope| -> Result<()> {
        scope.spawn(move || {
            for (i, file) in files.iter().enumerate() {
                #[cfg(feature = "parquet")]
                if is_parquet(file) {
                    let r = parquet_input::read(file, |b| tx.send((i, Ok(b))).is_ok());
                    if let Err(e) = r {
                        let _ = tx.send((i, Err(e.context(format!("{}", file.display())))));
                        return;
                    }
                    continue;
                }
                let reader = File::open(file)
                    .with_context(|| format!("cannot open {}", file.display()))
                    .and_then(|f| {
                        CsvTransfers::new(std::io::BufReader::with_capacity(1 << 20, f))
                            .with_context(|| format!("{}", file.display()))
                    });
                let mut reader = match reader {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = tx.send((i, Err(e)));
                        return;
                    }
                };
                loop {
                    let mut batch = ret_rx.try_recv().unwrap_or_default();
                    batch.clear();
                    let more = reader.fill(&mut batch, 16_384);
                    if tx.send((i, Ok(batch))).is_err() || !more {
                        break;
                    }
                }
            }
        });
        // Progress is the bytes of earlier files plus the position in the current one.
        let sizes: Vec<u64> = files
            .iter()
            .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
            .collect();
        for (i, batch) in rx {
            let batch = batch?;
            let done_before: u64 = sizes[..i].iter().sum();
            for t in batch.rows() {
                builder.push(&t)?;
            }
            for d in &batch.diagnostics {
                rejected += 1;
                if show_all || shown.len() < 20 {
                    shown.push((files[i].display().to_string(), d.clone()));
                }
            }
            pb.set_position(done_before + batch.bytes_read);
            let _ = ret_tx.send(batch);
        }
        Ok(())
    })?;
    tracing::info!(
        seconds = read_started.elapsed().as_secs_f64(),
        transfers = builder.edges(),
        "Read the input."
    );
    pb.finish_and_clear();
    let sp = progress::spinner("Building the CSR and dictionaries");
    let meta = builder.finish(ImportRecord {
        sources: files.iter().map(|f| f.display().to_string()).collect(),
        rejected,
        ..ImportRecord::default()
    })?;
    sp.finish_and_clear();
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        "Built the graph directory."
    );
    let secs = started.elapsed().as_secs_f64();
    if global.json {
        let diags: Vec<serde_json::Value> = shown
            .iter()
            .map(|(f, d)| serde_json::json!({"file": f, "row": d.row, "line": d.line, "message": d.message}))
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "graph": dir.display().to_string(),
                "meta": meta,
                "rejected": rejected,
                "diagnostics": diags,
                "seconds": secs,
            }))?
        );
    } else {
        for (f, d) in &shown {
            print_diag(f, d);
        }
        if rejected as usize > shown.len() {
            eprintln!(
                "… and {} more rejected rows (--diagnostics shows all)",
                rejected as usize - shown.len()
            );
        }
        let last = meta.imports.last().cloned().unwrap_or_default();
        println!(
            "{}: {} transfers imported ({} rejected), {} addresses ({} not canonical), {} transfers in total, {:.1} s",
            dir.display(),
            last.imported,
            rejected,
            meta.nodes,
            meta.non_canonical_addresses,
            meta.edges,
            secs
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn is_parquet(file: &Path) -> bool {
    file.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// Parquet input (feature `parquet`): every column is formatted as text and goes through the
/// same header mapping and field parsing as CSV, so the rules cannot drift apart.
#[cfg(feature = "parquet")]
mod parquet_input {
    use std::fmt::Write as _;
    use std::fs::File;
    use std::path::Path;

    use anyhow::Result;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{
        Decimal128Type, Decimal256Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type,
        UInt16Type, UInt32Type, UInt64Type,
    };
    use arrow_array::{Array, ArrowPrimitiveType};
    use arrow_schema::{DataType, TimeUnit};
    use graph::input::{Columns, RowBatch, RowDiagnostic, parse_fields};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    /// Reads `path` batch by batch; `emit` returns `false` to stop early.
    pub fn read(path: &Path, mut emit: impl FnMut(RowBatch) -> bool) -> Result<()> {
        let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(path)?)?
            .with_batch_size(16_384)
            .build()?;
        let mut row = 0u64;
        for record_batch in reader {
            let rb = record_batch?;
            let names: Vec<String> = rb
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect();
            let cols = Columns::from_header(&names)?;
            let wanted: Vec<usize> = [Some(cols.from), Some(cols.to), Some(cols.amount)]
                .into_iter()
                .chain([cols.tx, cols.block, cols.time, cols.asset])
                .flatten()
                .collect();
            let mut values = vec![String::new(); rb.num_columns()];
            let mut batch = RowBatch::default();
            for r in 0..rb.num_rows() {
                row += 1;
                let mut bad = None;
                for &c in &wanted {
                    values[c].clear();
                    if let Err(t) = cell(rb.column(c).as_ref(), r, &mut values[c]) {
                        bad = Some(format!("column {}: type {t} is not supported", names[c]));
                    }
                }
                let parsed = match bad {
                    Some(m) => Err(m),
                    None => parse_fields(&cols, |i| values.get(i).map(String::as_str)),
                };
                match parsed {
                    Ok(t) => batch.push(&t),
                    Err(message) => batch.diagnostics.push(RowDiagnostic {
                        row,
                        line: None,
                        message,
                    }),
                }
            }
            if !emit(batch) {
                break;
            }
        }
        Ok(())
    }

    fn int<T: ArrowPrimitiveType>(col: &dyn Array, r: usize, out: &mut String)
    where
        T::Native: std::fmt::Display,
    {
        let _ = write!(out, "{}", col.as_primitive::<T>().value(r));
    }

    /// Writes one cell as the text the CSV reader would see; nulls stay empty.
    fn cell(col: &dyn Array, r: usize, out: &mut String) -> Result<(), DataType> {
        if col.is_null(r) {
            return Ok(());
        }
        match col.data_type() {
            DataType::Utf8 => out.push_str(col.as_string::<i32>().value(r)),
            DataType::LargeUtf8 => out.push_str(col.as_string::<i64>().value(r)),
            DataType::Utf8View => out.push_str(col.as_string_view().value(r)),
            DataType::Int8 => int::<Int8Type>(col, r, out),
            DataType::Int16 => int::<Int16Type>(col, r, out),
            DataType::Int32 => int::<Int32Type>(col, r, out),
            DataType::Int64 => int::<Int64Type>(col, r, out),
            DataType::UInt8 => int::<UInt8Type>(col, r, out),
            DataType::UInt16 => int::<UInt16Type>(col, r, out),
            DataType::UInt32 => int::<UInt32Type>(col, r, out),
            DataType::UInt64 => int::<UInt64Type>(col, r, out),
            // Integer-valued decimals are how Ethereum-ETL exports uint256 values.
            DataType::Decimal128(_, 0) => int::<Decimal128Type>(col, r, out),
            DataType::Decimal256(_, 0) => int::<Decimal256Type>(col, r, out),
            DataType::Timestamp(unit, _) => {
                use arrow_array::types::{
                    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
                    TimestampSecondType,
                };
                let secs = match unit {
                    TimeUnit::Second => col.as_primitive::<TimestampSecondType>().value(r),
                    TimeUnit::Millisecond => col
                        .as_primitive::<TimestampMillisecondType>()
                        .value(r)
                        .div_euclid(1_000),
                    TimeUnit::Microsecond => col
                        .as_primitive::<TimestampMicrosecondType>()
                        .value(r)
                        .div_euclid(1_000_000),
                    TimeUnit::Nanosecond => col
                        .as_primitive::<TimestampNanosecondType>()
                        .value(r)
                        .div_euclid(1_000_000_000),
                };
                let _ = write!(out, "{secs}");
            }
            DataType::Binary => hex(col.as_binary::<i32>().value(r), out),
            DataType::LargeBinary => hex(col.as_binary::<i64>().value(r), out),
            DataType::FixedSizeBinary(_) => hex(col.as_fixed_size_binary().value(r), out),
            other => return Err(other.clone()),
        }
        Ok(())
    }

    fn hex(bytes: &[u8], out: &mut String) {
        out.push_str("0x");
        for b in bytes {
            let _ = write!(out, "{b:02x}");
        }
    }

    #[cfg(test)]
    mod tests {
        #![allow(clippy::unwrap_used)]
        use std::sync::Arc;

        use arrow_array::{
            ArrayRef, Decimal128Array, Int64Array, RecordBatch, StringArray,
            TimestampMicrosecondArray,
        };

        #[test]
        fn ethereum_etl_parquet_reads_like_csv() {
            let a = "0x00000000000000000000000000000000000000aa";
            let b = "0x00000000000000000000000000000000000000BB";
            let cols: Vec<(&str, ArrayRef)> = vec![
                (
                    "from_address",
                    Arc::new(StringArray::from(vec![Some(a), Some(a)])),
                ),
                (
                    "to_address",
                    Arc::new(StringArray::from(vec![Some(b), None])),
                ),
                (
                    "value",
                    Arc::new(
                        Decimal128Array::from(vec![Some(10i128.pow(30)), Some(1)])
                            .with_precision_and_scale(38, 0)
                            .unwrap(),
                    ),
                ),
                (
                    "block_number",
                    Arc::new(Int64Array::from(vec![Some(7), Some(8)])),
                ),
                (
                    "block_timestamp",
                    Arc::new(
                        TimestampMicrosecondArray::from(vec![Some(1_740_147_215_000_000), None])
                            .with_timezone("UTC"),
                    ),
                ),
                (
                    "transaction_hash",
                    Arc::new(StringArray::from(vec![Some("0x01"), None])),
                ),
            ];
            let batch = RecordBatch::try_from_iter(cols).unwrap();
            let file = tempfile::NamedTempFile::new().unwrap();
            let mut w =
                parquet::arrow::ArrowWriter::try_new(file.reopen().unwrap(), batch.schema(), None)
                    .unwrap();
            w.write(&batch).unwrap();
            w.close().unwrap();
            let mut got = Vec::new();
            let mut diags = Vec::new();
            super::read(file.path(), |b| {
                got.extend(b.rows().map(|t| {
                    (
                        t.to.into_owned(),
                        t.amount.to_string(),
                        t.block,
                        t.time,
                        t.tx.map(str::to_owned),
                    )
                }));
                diags.extend(b.diagnostics.iter().map(|d| (d.row, d.message.clone())));
                true
            })
            .unwrap();
            assert_eq!(
                got,
                vec![(
                    b.to_ascii_lowercase(),
                    "1000000000000000000000000000000".to_owned(),
                    7,
                    Some(1_740_147_215),
                    Some("0x01".to_owned())
                )]
            );
            assert_eq!(diags, vec![(2, "empty receiver address".to_owned())]);
        }
    }
}

fn print_diag(file: &str, d: &RowDiagnostic) {
    match d.line {
        Some(l) => eprintln!("{file}: row {} (line {l}): {}", d.row, d.message),
        None => eprintln!("{file}: row {}: {}", d.row, d.message),
    }
}

fn generate_cmd(
    global: &Global,
    cfg: GenConfig,
    dir: Option<&Path>,
    csv: Option<&Path>,
    labels_out: Option<&Path>,
) -> Result<ExitCode> {
    let started = Instant::now();
    let generator = generate(cfg);
    let truth = generator.truth().clone();
    let mut builder = dir.map(GraphBuilder::create).transpose()?;
    let mut writer = match csv {
        Some(p) => {
            let f = File::create(p).with_context(|| format!("cannot create {}", p.display()))?;
            let mut w = BufWriter::with_capacity(1 << 20, f);
            writeln!(w, "from,to,amount,block,time,tx")?;
            Some(w)
        }
        None => None,
    };
    let pb = progress::count(cfg.transfers, "Generating transfers");
    let mut n = 0u64;
    let mut line = String::new();
    for t in generator {
        if let Some(b) = builder.as_mut() {
            b.push(&t.as_ref())?;
        }
        if let Some(w) = writer.as_mut() {
            line.clear();
            let _ = writeln!(
                line,
                "{},{},{},{},{},{}",
                t.from,
                t.to,
                t.amount,
                t.block,
                t.time.unwrap_or_default(),
                t.tx.as_deref().unwrap_or("")
            );
            w.write_all(line.as_bytes())?;
        }
        n += 1;
        if n & 0xffff == 0 {
            pb.set_position(n);
        }
    }
    pb.finish_and_clear();
    if let Some(mut w) = writer {
        w.flush()?;
    }
    let meta = match builder {
        Some(b) => Some(b.finish(ImportRecord {
            sources: vec![format!(
                "generated: {} addresses, {} transfers, seed {}",
                cfg.addresses, cfg.transfers, cfg.seed
            )],
            ..ImportRecord::default()
        })?),
        None => None,
    };
    if let Some(p) = labels_out {
        let mut w = BufWriter::new(File::create(p)?);
        for l in &truth.labels {
            serde_json::to_writer(&mut w, l)?;
            writeln!(w)?;
        }
        w.flush()?;
    }
    let summary = serde_json::json!({
        "transfers": n,
        "seconds": started.elapsed().as_secs_f64(),
        "graph": dir.map(|d| d.display().to_string()),
        "csv": csv.map(|d| d.display().to_string()),
        "nodes": meta.as_ref().map(|m| m.nodes),
        "truth": {
            "thief": truth.thief, "victim": truth.victim, "mixer": truth.mixer,
            "fanout": truth.fanout, "theft_deposits": truth.theft_deposits,
            "exchange_hot": truth.exchange_hot, "peel_chains": truth.peel_chains,
        },
    });
    if global.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        println!(
            "{n} transfers generated in {:.1} s; thief {}, {} fan-out addresses, {} exchange deposits hit",
            started.elapsed().as_secs_f64(),
            truth.thief,
            truth.fanout.len(),
            truth.theft_deposits.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn load_labels(
    view: &GraphRef<'_>,
    files: &[PathBuf],
    category: Option<&str>,
) -> Result<NodeLabels> {
    let mut records: Vec<LabelRecord> = Vec::new();
    for f in files {
        let bytes = std::fs::read(f).with_context(|| format!("cannot read {}", f.display()))?;
        // The same parser as `interdict address`, so a label file means the same in both.
        let (labels, diags) = wallets::labels::parse(
            &f.display().to_string(),
            &bytes,
            category.unwrap_or("flagged"),
        );
        for d in diags.iter().take(10) {
            eprintln!("  {d}");
        }
        records.extend(labels.into_iter().map(|l| LabelRecord {
            address: l.address,
            chain: l.chain.unwrap_or_default(),
            category: l.category.to_ascii_lowercase(),
            label: l.label,
            source: l.source,
        }));
    }
    let labels = NodeLabels::resolve(view, &records);
    tracing::info!(
        labelled = labels.len(),
        not_in_graph = labels.not_in_graph,
        "Labels resolved."
    );
    Ok(labels)
}

fn asset_id(view: &GraphRef<'_>, asset: Option<&str>) -> Result<Option<u32>> {
    match asset {
        None => Ok(None),
        Some(a) => {
            let a = if a.eq_ignore_ascii_case("native") {
                ""
            } else {
                a
            };
            view.asset_id(a)
                .map(Some)
                .with_context(|| format!("asset {a:?} does not occur in the graph"))
        }
    }
}

fn node(view: &GraphRef<'_>, address: &str) -> Result<u32> {
    view.lookup(address)
        .with_context(|| format!("{address} does not occur in the graph"))
}

/// Runs `interdict exposure`.
pub fn run_exposure(global: &Global, args: ExposureArgs) -> Result<ExitCode> {
    let g = open(&args.graph)?;
    let view = g.view();
    let labels = load_labels(&view, &args.labels, args.category.as_deref())?;
    let target = node(&view, &args.address)?;
    let direction = match args.direction {
        DirectionArg::In => Direction::In,
        DirectionArg::Out => Direction::Out,
    };
    let cfg = ExposureConfig {
        direction,
        max_hops: args.hops,
        epsilon: args.epsilon,
        degree_cap: (args.degree_cap > 0).then_some(args.degree_cap),
        from_block: args.from_block,
        to_block: args.to_block,
        asset: asset_id(&view, args.asset.as_deref())?,
        stop: if args.stop_at.is_empty() {
            graph::exposure::StopRule::AllLabelled
        } else {
            graph::exposure::StopRule::Categories(args.stop_at.clone())
        },
        max_counterparties: args.top,
    };
    let report = exposure(&view, &labels, target, &cfg);
    if global.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", exposure_table(&report));
    }
    Ok(ExitCode::SUCCESS)
}

fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

fn exposure_table(r: &ExposureReport) -> String {
    let c = &r.config;
    let mut s = String::new();
    let dir = match c.direction {
        Direction::In => "incoming (source of funds)",
        Direction::Out => "outgoing (destination of funds)",
    };
    let _ = writeln!(s, "Exposure of {} — {dir}", r.target);
    let _ = writeln!(
        s,
        "{} hops, epsilon {}, degree cap {}, total {} {}",
        c.max_hops,
        c.epsilon,
        c.degree_cap.map_or("none".into(), |d| d.to_string()),
        r.total,
        if c.direction == Direction::In {
            "received"
        } else {
            "sent"
        }
    );
    if let Some(l) = &r.target_label {
        let _ = writeln!(
            s,
            "The address itself is labelled {} ({}).",
            l.category, l.label
        );
    }
    let _ = writeln!(
        s,
        "\n{:<16} {:>9} {:>9} {:>9} {:>7} {:>14}",
        "category", "share", "direct", "indirect", "min hop", "amount"
    );
    for cat in &r.categories {
        let _ = writeln!(
            s,
            "{:<16} {:>9} {:>9} {:>9} {:>7} {:>14.4e}",
            cat.category,
            pct(cat.share),
            pct(cat.direct_share),
            pct(cat.indirect_share),
            cat.min_hop,
            cat.amount
        );
    }
    let u = &r.unattributed;
    let _ = writeln!(
        s,
        "{:<16} {:>9}   (hop limit {}, epsilon {}, degree cap {}, no prior flow {})",
        "unattributed",
        pct(u.total),
        pct(u.hop_limit),
        pct(u.epsilon),
        pct(u.degree_cap),
        pct(u.no_flow)
    );
    for cat in &r.categories {
        let _ = writeln!(
            s,
            "\n{} — {} counterparties, largest first:",
            cat.category, cat.counterparty_count
        );
        for cp in &cat.counterparties {
            let _ = writeln!(
                s,
                "  {} {} {} (min hop {})",
                cp.address,
                if cp.label.label.is_empty() {
                    ""
                } else {
                    &cp.label.label
                },
                pct(cp.share),
                cp.min_hop
            );
            for e in &cp.path {
                let _ = writeln!(s, "      {}", edge_line(e));
            }
        }
    }
    let _ = writeln!(
        s,
        "\n{} edges scanned, {} states.",
        r.edges_scanned, r.states
    );
    s
}

fn edge_line(e: &EdgeInfo) -> String {
    let mut s = format!("{} → {}  {}", e.from, e.to, e.amount);
    if !e.asset.is_empty() {
        let _ = write!(s, " [{}]", e.asset);
    }
    let _ = write!(s, "  block {}", e.block);
    if let Some(tx) = &e.tx {
        let _ = write!(s, "  tx {tx}");
    }
    s
}

/// Runs `interdict trace`.
pub fn run_trace(global: &Global, args: TraceArgs) -> Result<ExitCode> {
    let g = open(&args.graph)?;
    let view = g.view();
    let text = std::fs::read_to_string(&args.seeds)
        .with_context(|| format!("cannot read {}", args.seeds.display()))?;
    let mut seeds = Seeds::default();
    for (i, line) in text.lines().enumerate() {
        let item = line.split(',').next().unwrap_or("").trim();
        if item.is_empty() || item.starts_with('#') || item.eq_ignore_ascii_case("address") {
            continue;
        }
        if let Some(v) = view.lookup(item) {
            seeds.addresses.push(v);
            continue;
        }
        let edges = view.edges_of_tx(item);
        if edges.is_empty() {
            eprintln!(
                "{}: line {}: {item} is neither an address nor a transaction in the graph",
                args.seeds.display(),
                i + 1
            );
        }
        seeds.edges.extend(edges);
    }
    if seeds.addresses.is_empty() && seeds.edges.is_empty() {
        bail!("no seed of {} occurs in the graph", args.seeds.display());
    }
    let model = match args.model {
        ModelArg::Fifo => TaintModel::Fifo,
        ModelArg::Haircut => TaintModel::Haircut,
        ModelArg::Poison => TaintModel::Poison,
        ModelArg::Tiho => TaintModel::Tiho,
    };
    let started = Instant::now();
    let report = trace(
        &view,
        &seeds,
        &TraceConfig {
            model,
            max_accounts: args.top,
        },
    );
    tracing::info!(seconds = started.elapsed().as_secs_f64(), "Trace finished.");
    if global.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", trace_table(&report));
    }
    Ok(ExitCode::SUCCESS)
}

fn trace_table(r: &TraceReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Trace ({:?}) from {} seed addresses and {} seed transfers: {} transfers replayed, {} carried taint, {} tainted accounts.",
        r.config.model,
        r.seed_addresses.len(),
        r.seed_transfers,
        r.transfers_replayed,
        r.tainted_transfers,
        r.account_count
    );
    let _ = writeln!(
        s,
        "\n{:<44} {:>4} {:>14} {:>14}  first tainted via",
        "address [asset]", "hop", "received", "held"
    );
    for a in &r.accounts {
        let name = if a.asset.is_empty() {
            a.address.clone()
        } else {
            format!("{} [{}]", a.address, a.asset)
        };
        let via: Vec<&str> = a
            .path
            .iter()
            .map(|e| e.from.as_str())
            .chain(a.path.last().map(|e| e.to.as_str()))
            .collect();
        let received = match &a.received_exact {
            Some(x) => x.to_string(),
            None => format!("{:.6e}", a.received),
        };
        let _ = writeln!(
            s,
            "{:<44} {:>4} {:>14} {:>14}  {}",
            name,
            a.hop,
            received,
            a.held.map_or("-".into(), |h| format!("{h:.4e}")),
            via.join(" → ")
        );
    }
    s
}

/// Runs `interdict path`.
pub fn run_path(global: &Global, args: PathArgs) -> Result<ExitCode> {
    let g = open(&args.graph)?;
    let view = g.view();
    let from = node(&view, &args.from)?;
    let to = node(&view, &args.to)?;
    let cfg = PathConfig {
        max_hops: args.hops,
        k: args.k,
        score: match args.score {
            ScoreArg::Bottleneck => PathScore::Bottleneck,
            ScoreArg::Product => PathScore::Product,
        },
        asset: asset_id(&view, args.asset.as_deref())?,
        ..PathConfig::defaults()
    };
    let report = paths(&view, from, to, &cfg);
    if global.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", path_table(&report));
    }
    Ok(ExitCode::SUCCESS)
}

fn path_table(r: &PathReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Paths from {} to {} (at most {} hops)",
        r.from, r.to, r.config.max_hops
    );
    match &r.shortest {
        Some(p) => {
            let _ = writeln!(s, "\nShortest: {} hops", p.len());
            for e in p {
                let _ = writeln!(s, "  {}", edge_line(e));
            }
        }
        None => {
            let _ = writeln!(s, "\nNo path within {} hops.", r.config.max_hops);
        }
    }
    for (i, p) in r.top.iter().enumerate() {
        let _ = writeln!(
            s,
            "\n#{} bottleneck {}, share product {:.3e}, {} hops",
            i + 1,
            p.bottleneck,
            p.share,
            p.hops
        );
        for h in &p.steps {
            let _ = writeln!(
                s,
                "  {} → {}  {} in {} transfers ({} of sender's outflow), blocks {}..={}",
                h.from,
                h.to,
                h.amount,
                h.transfers,
                pct(h.share),
                h.blocks.0,
                h.blocks.1
            );
        }
    }
    if r.truncated {
        let _ = writeln!(
            s,
            "\nThe search hit its expansion budget; the list may be incomplete."
        );
    }
    s
}

fn bench(
    global: &Global,
    dir: &Path,
    label_files: &[PathBuf],
    queries: u32,
    hops: u32,
    epsilon: f64,
    fifo_seed: Option<String>,
) -> Result<ExitCode> {
    let t0 = Instant::now();
    let g = open(dir)?;
    let view = g.view();
    let open_s = t0.elapsed().as_secs_f64();
    let labels = load_labels(&view, label_files, None)?;
    let n = view.node_count().max(1);
    let mut times = Vec::new();
    let mut scanned = Vec::new();
    let cfg = ExposureConfig {
        max_hops: hops,
        epsilon,
        ..ExposureConfig::defaults(Direction::In)
    };
    // Targets spread evenly over node ids (ids follow first appearance, so this mixes early and
    // late, busy and quiet addresses), skipping addresses with no inflow.
    let step = (u64::from(n) / u64::from(queries.max(1))).max(1);
    let mut v = 0u64;
    while times.len() < queries as usize && v < u64::from(n) {
        let node = v as u32;
        v += step;
        if view.inc.degree(node) == 0 {
            continue;
        }
        let t = Instant::now();
        let r = exposure(&view, &labels, node, &cfg);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        scanned.push(r.edges_scanned);
    }
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    let q = |p: f64| {
        sorted
            .get(((sorted.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    let mut fifo = None;
    if let Some(seed) = fifo_seed {
        let s = node(&view, &seed)?;
        let t = Instant::now();
        let r = trace(
            &view,
            &Seeds {
                addresses: vec![s],
                edges: Vec::new(),
            },
            &TraceConfig {
                model: TaintModel::Fifo,
                max_accounts: 10,
            },
        );
        fifo = Some((
            t.elapsed().as_secs_f64(),
            r.transfers_replayed,
            r.account_count,
        ));
    }
    let median_scanned = {
        let mut s = scanned.clone();
        s.sort_unstable();
        s.get(s.len() / 2).copied()
    };
    let out = serde_json::json!({
        "graph": dir.display().to_string(),
        "nodes": view.node_count(),
        "edges": view.edge_count(),
        "open_seconds": open_s,
        "exposure": {
            "queries": times.len(), "hops": hops, "epsilon": epsilon,
            "median_ms": q(0.5), "p90_ms": q(0.9), "p99_ms": q(0.99), "max_ms": q(1.0),
            "median_edges_scanned": median_scanned,
        },
        "fifo": fifo.map(|(s, e, a)| serde_json::json!({"seconds": s, "transfers": e, "tainted_accounts": a})),
    });
    if global.json {
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!(
            "{} addresses, {} transfers; opened in {:.3} s",
            view.node_count(),
            view.edge_count(),
            open_s
        );
        println!(
            "exposure ({} queries, {hops} hops, epsilon {epsilon}): median {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            times.len(),
            q(0.5),
            q(0.9),
            q(0.99),
            q(1.0)
        );
        if let Some((s, e, a)) = fifo {
            println!("FIFO replay: {e} transfers in {s:.1} s, {a} tainted accounts");
        }
    }
    Ok(ExitCode::SUCCESS)
}
