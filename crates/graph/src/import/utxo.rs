//! Importing UTXO inputs and outputs: address clusters into a clusters directory, and the
//! address-to-address transfers into a graph directory.
//!
//! Reading uses two cores like transfer import: a reader thread parses rows (CSV, or Parquet
//! with the `parquet` feature) into batches while the calling thread interns them into a
//! [`UtxoBuilder`]. Grouping canonicalises addresses on two threads; union-find and the
//! writing run on one.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use super::{FileDiagnostic, ImportError, ImportProgress, Input, Source};
use crate::input::TransferRef;
use crate::storage::{ClustersMeta, GraphBuilder, ImportRecord, Meta, write_clusters};
use crate::utxo::{
    ClusterConfig, PlantedCheck, Side, UtxoBatch, UtxoBuilder, UtxoCsv, UtxoDiagnostic, UtxoError,
    UtxoGenConfig, UtxoSet, cluster, generate_rows,
};

/// Rows per batch handed from the reader thread to the builder.
const BATCH_ROWS: usize = 16_384;

/// One UTXO input file and which side its rows are when it has no side column.
#[derive(Debug, Clone)]
pub struct UtxoFile {
    /// The file.
    pub path: PathBuf,
    /// `None` when the file has a side column.
    pub side: Option<Side>,
}

impl UtxoFile {
    /// The files of a command line: `files` with a side column, then files of only inputs and
    /// of only outputs.
    pub fn sided(files: &[PathBuf], inputs: &[PathBuf], outputs: &[PathBuf]) -> Vec<UtxoFile> {
        let with = |list: &[PathBuf], side| {
            list.iter()
                .map(|p| UtxoFile {
                    path: p.clone(),
                    side,
                })
                .collect::<Vec<_>>()
        };
        let mut all = with(files, None);
        all.extend(with(inputs, Some(Side::Input)));
        all.extend(with(outputs, Some(Side::Output)));
        all
    }
}

/// What a UTXO import writes and how it clusters.
#[derive(Debug, Clone, Default)]
pub struct UtxoOptions {
    /// The clustering heuristics.
    pub cluster: ClusterConfig,
    /// The clusters directory to create.
    pub clusters: Option<PathBuf>,
    /// The graph directory to create from the transactions' transfers.
    pub graph: Option<PathBuf>,
    /// How many row diagnostics to keep (all rejected rows are counted).
    pub max_diagnostics: usize,
}

/// Seconds spent in each phase.
#[derive(Debug, Clone, Default, Serialize)]
pub struct UtxoTimings {
    /// Reading and interning the rows (or generating them).
    pub read: f64,
    /// Canonicalising addresses and grouping rows by transaction.
    pub group: f64,
    /// Union-find.
    pub cluster: f64,
    /// Writing the clusters directory.
    pub write_clusters: f64,
    /// Writing the graph directory.
    pub write_graph: f64,
}

/// What a UTXO import or generation did.
#[derive(Debug, Clone, Serialize)]
pub struct UtxoSummary {
    /// The counts (also in the clusters directory's `meta.json`, when one was written).
    pub clusters: ClustersMeta,
    /// The clusters directory written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clusters_dir: Option<String>,
    /// The graph directory written, and its metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graph: Option<(String, Meta)>,
    /// The first diagnostics of rejected rows.
    pub diagnostics: Vec<FileDiagnostic>,
    /// For generated data: how the clusters compare with the planted wallets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planted: Option<PlantedCheck>,
    /// Phase times.
    pub seconds: UtxoTimings,
}

fn utxo_err(path: &str) -> impl FnOnce(UtxoError) -> ImportError + '_ {
    move |e| ImportError::Utxo {
        path: path.to_owned(),
        source: e,
    }
}

/// Reads `files` in order and writes what `options` asks for. Every input is opened, and the
/// output directories are checked to be new, before anything is read.
pub fn import_utxo(
    files: &[UtxoFile],
    options: &UtxoOptions,
    progress: &mut dyn ImportProgress,
) -> Result<UtxoSummary, ImportError> {
    check_new(options)?;
    let inputs = files
        .iter()
        .map(|f| Ok((Input::open(&f.path)?, f.side)))
        .collect::<Result<Vec<_>, ImportError>>()?;
    let started = Instant::now();
    let names: Vec<String> = inputs.iter().map(|i| i.0.name.clone()).collect();
    let sizes: Vec<u64> = inputs.iter().map(|i| i.0.size).collect();
    progress.start(sizes.iter().sum());
    let mut builder = new_builder(options);
    let mut rejected = 0u64;
    let mut diagnostics = Vec::new();
    type Msg = (usize, bool, Result<UtxoBatch, ImportError>);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Msg>(4);
    let (ret_tx, ret_rx) = std::sync::mpsc::channel::<UtxoBatch>();
    std::thread::scope(|scope| -> Result<(), ImportError> {
        scope.spawn(move || read_inputs(inputs, &tx, &ret_rx));
        for (i, lines, batch) in rx {
            let batch = batch?;
            batch.push_into(&mut builder).map_err(utxo_err(&names[i]))?;
            for d in &batch.diagnostics {
                rejected += 1;
                if diagnostics.len() < options.max_diagnostics {
                    diagnostics.push(file_diagnostic(&names[i], d, lines));
                }
            }
            progress.advance(sizes[..i].iter().sum::<u64>() + batch.bytes_read);
            let _ = ret_tx.send(batch);
        }
        Ok(())
    })?;
    let read = started.elapsed().as_secs_f64();
    let mut summary = finish(builder, names, options, progress, false)?;
    summary.clusters.rejected = rejected;
    summary.diagnostics = diagnostics;
    summary.seconds.read = read;
    if let Some(dir) = &options.clusters {
        // The meta was written before the rejected count was known to `finish`; rewrite it.
        let path = dir.join("meta.json");
        let json = serde_json::to_vec_pretty(&summary.clusters)
            .map_err(|e| ImportError::Output(std::io::Error::other(e.to_string())))?;
        std::fs::write(&path, json).map_err(ImportError::Output)?;
    }
    Ok(summary)
}

/// Generates UTXO transactions with planted clusters ([`crate::utxo::generate`]) as CSV
/// (`tx,side,address,value,block`) into `csv` and/or clusters them as `options` asks, with the
/// comparison against the planted wallets.
pub fn generate_utxo(
    cfg: &UtxoGenConfig,
    mut csv: Option<&mut dyn Write>,
    options: &UtxoOptions,
    progress: &mut dyn ImportProgress,
) -> Result<UtxoSummary, ImportError> {
    check_new(options)?;
    let started = Instant::now();
    let want_set = options.clusters.is_some() || options.graph.is_some();
    let mut builder = new_builder(options);
    if let Some(w) = csv.as_mut() {
        writeln!(w, "tx,side,address,value,block").map_err(ImportError::Output)?;
    }
    progress.start(0);
    let mut rows = 0u64;
    let gen_name = "generated";
    let inputs = generate_rows::<ImportError>(cfg, &mut |tx, block, side, address, value| {
        if let Some(w) = csv.as_mut() {
            let side = if side == Side::Input { "in" } else { "out" };
            writeln!(w, "{tx},{side},{address},{value},{}", block.unwrap_or(0))
                .map_err(ImportError::Output)?;
        }
        if want_set {
            builder
                .push(tx, block, side, address, value)
                .map_err(utxo_err(gen_name))?;
        }
        rows += 1;
        if rows & 0xffff == 0 {
            progress.advance(rows);
        }
        Ok(())
    })?;
    if let Some(w) = csv.as_mut() {
        w.flush().map_err(ImportError::Output)?;
    }
    let read = started.elapsed().as_secs_f64();
    let source = format!(
        "generated: {} wallets, {} spends, {} CoinJoin rounds, seed {}",
        cfg.wallets, cfg.spends, cfg.coinjoins, cfg.seed
    );
    if !want_set {
        // CSV only: nothing was grouped or clustered, so only the row counts are known.
        return Ok(UtxoSummary {
            clusters: ClustersMeta {
                inputs,
                outputs: rows - inputs,
                sources: vec![source],
                ..ClustersMeta::default()
            },
            clusters_dir: None,
            graph: None,
            diagnostics: Vec::new(),
            planted: None,
            seconds: UtxoTimings {
                read,
                ..UtxoTimings::default()
            },
        });
    }
    let mut summary = finish(builder, vec![source], options, progress, true)?;
    summary.seconds.read = read;
    Ok(summary)
}

/// Input values matter only to the transfers of a graph; without one, 8 bytes per input less.
fn new_builder(options: &UtxoOptions) -> UtxoBuilder {
    if options.graph.is_some() {
        UtxoBuilder::new()
    } else {
        UtxoBuilder::for_clustering()
    }
}

fn check_new(options: &UtxoOptions) -> Result<(), ImportError> {
    for dir in [&options.clusters, &options.graph].into_iter().flatten() {
        if dir.exists() {
            return Err(ImportError::Storage(
                crate::storage::StorageError::Corrupt {
                    path: dir.display().to_string(),
                    message: "already exists; choose a new directory".into(),
                },
            ));
        }
    }
    Ok(())
}

/// Groups, clusters and writes; `planted` asks for the comparison with generated wallets.
fn finish(
    builder: UtxoBuilder,
    sources: Vec<String>,
    options: &UtxoOptions,
    progress: &mut dyn ImportProgress,
    planted: bool,
) -> Result<UtxoSummary, ImportError> {
    progress.building();
    let mut seconds = UtxoTimings::default();
    let t = Instant::now();
    let set = builder.finish();
    seconds.group = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let c = cluster(&set, &options.cluster);
    seconds.cluster = t.elapsed().as_secs_f64();
    let planted = planted.then(|| PlantedCheck::new(&set, &c));
    let mut meta = ClustersMeta::new(&set, &c, &options.cluster, sources.clone());
    let t = Instant::now();
    if let Some(dir) = &options.clusters {
        meta = write_clusters(dir, &set, &c, meta)?;
    }
    seconds.write_clusters = t.elapsed().as_secs_f64();
    drop(c);
    let t = Instant::now();
    let graph = match &options.graph {
        Some(dir) => Some((dir.display().to_string(), write_graph(dir, &set, sources)?)),
        None => None,
    };
    seconds.write_graph = t.elapsed().as_secs_f64();
    Ok(UtxoSummary {
        clusters: meta,
        clusters_dir: options.clusters.as_ref().map(|d| d.display().to_string()),
        graph,
        diagnostics: Vec::new(),
        planted,
        seconds,
    })
}

/// Writes the transfers of `set` ([`UtxoSet::for_each_transfer`]) to a new graph directory.
fn write_graph(dir: &Path, set: &UtxoSet, sources: Vec<String>) -> Result<Meta, ImportError> {
    let mut b = GraphBuilder::create(dir)?;
    let mut err = None;
    set.for_each_transfer(|t, from, to, amount| {
        if err.is_some() {
            return;
        }
        let r = b.push(&TransferRef {
            from: from.into(),
            to: to.into(),
            from_parsed: true,
            to_parsed: true,
            amount: crate::amount::Amount::from(amount),
            block: set.block(t),
            time: None,
            asset: "".into(),
            tx: Some(set.txid(t)),
        });
        if let Err(e) = r {
            err = Some(e);
        }
    });
    if let Some(e) = err {
        return Err(e.into());
    }
    Ok(b.finish(ImportRecord {
        sources,
        ..ImportRecord::default()
    })?)
}

fn file_diagnostic(file: &str, d: &UtxoDiagnostic, lines: bool) -> FileDiagnostic {
    FileDiagnostic {
        file: file.to_owned(),
        // CSV lines count the header as line 1; Parquet rows are numbered from 1.
        row: if lines {
            d.line.saturating_sub(1)
        } else {
            d.line
        },
        line: lines.then_some(d.line),
        message: d.message.clone(),
    }
}

type BatchSender = std::sync::mpsc::SyncSender<(usize, bool, Result<UtxoBatch, ImportError>)>;

/// The reader thread: sends batches of every input in order (with whether its diagnostics
/// count lines), reusing the batches the builder hands back; stops at the first error or when
/// the receiver is gone.
fn read_inputs(
    inputs: Vec<(Input<'_>, Option<Side>)>,
    tx: &BatchSender,
    ret_rx: &std::sync::mpsc::Receiver<UtxoBatch>,
) {
    for (i, (input, side)) in inputs.into_iter().enumerate() {
        let name = input.name;
        #[cfg_attr(
            not(feature = "parquet"),
            allow(clippy::infallible_destructuring_match)
        )]
        let reader = match input.source {
            Source::Csv(r) => r,
            #[cfg(feature = "parquet")]
            Source::Parquet(file) => {
                let r = super::parquet_input::read_utxo(file, side, BATCH_ROWS, |b| {
                    tx.send((i, false, Ok(b))).is_ok()
                });
                if let Err(source) = r {
                    let _ = tx.send((i, false, Err(ImportError::Parquet { path: name, source })));
                    return;
                }
                continue;
            }
        };
        let mut reader = match UtxoCsv::new(reader, side) {
            Ok(r) => r,
            Err(e) => {
                let _ = tx.send((i, true, Err(utxo_err(&name)(e))));
                return;
            }
        };
        loop {
            let mut batch = ret_rx.try_recv().unwrap_or_default();
            batch.clear();
            let more = reader.fill(&mut batch, BATCH_ROWS);
            if tx.send((i, true, Ok(batch))).is_err() || !more {
                break;
            }
        }
    }
}

/// Opens a file for writing generated CSV.
pub fn create_csv(path: &Path) -> Result<std::io::BufWriter<File>, ImportError> {
    File::create(path)
        .map(|f| std::io::BufWriter::with_capacity(1 << 20, f))
        .map_err(|source| ImportError::Open {
            path: path.display().to_string(),
            source,
        })
}
