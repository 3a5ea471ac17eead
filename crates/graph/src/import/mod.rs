//! Importing transfer files into a graph directory, and writing a synthetic graph.
//!
//! Besides [`crate::storage`], this is the one module that touches files: [`Input::open`] opens
//! the input files the caller names, and [`import_files`] and [`generate_into`] write graph
//! directories through [`GraphBuilder`]. [`import`] itself reads any `impl Read`, so a caller
//! holding bytes (an upload) never needs a path.

#[cfg(feature = "parquet")]
mod parquet_input;
mod utxo;

pub use utxo::{
    UtxoFile, UtxoOptions, UtxoSummary, UtxoTimings, create_csv, generate_utxo, import_utxo,
};

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::generate::{GenConfig, GroundTruth, generate};
use crate::input::{CsvTransfers, InputError, RowBatch, RowDiagnostic};
use crate::storage::{GraphBuilder, ImportRecord, Meta, StorageError};

/// Opens a graph directory, with an error that says how to make one.
pub fn open_graph(dir: &Path) -> Result<crate::storage::MappedGraph, ImportError> {
    crate::storage::MappedGraph::open(dir).map_err(|source| ImportError::OpenGraph {
        path: dir.display().to_string(),
        source,
    })
}

/// Opens a clusters directory, with an error that says how to make one.
pub fn open_clusters(dir: &Path) -> Result<crate::storage::MappedClusters, ImportError> {
    crate::storage::MappedClusters::open(dir).map_err(|source| ImportError::OpenClusters {
        path: dir.display().to_string(),
        source,
    })
}

/// Opens a clusters directory when one is named (the `--clusters` of a query).
pub fn open_clusters_opt(
    dir: Option<&Path>,
) -> Result<Option<crate::storage::MappedClusters>, ImportError> {
    dir.map(open_clusters).transpose()
}

/// Reads label files and resolves them to nodes of `view`; with `clusters`, each label also
/// counts for the other addresses of its UTXO cluster
/// ([`crate::clusters::ClustersRef::extend_labels`]). Returns the labels and the first ten
/// diagnostics of each file.
pub fn load_labels(
    view: &crate::view::GraphRef<'_>,
    files: &[PathBuf],
    category: Option<&str>,
    clusters: Option<&crate::storage::MappedClusters>,
) -> Result<(crate::labels::NodeLabels, Vec<String>), ImportError> {
    let loaded = read_labels(files, category)?;
    let mut labels = crate::labels::NodeLabels::resolve(view, &loaded.records);
    if let Some(c) = clusters {
        c.view().extend_labels(view, &loaded.records, &mut labels);
    }
    Ok((labels, loaded.diagnostics))
}

/// Label files read for a query.
#[derive(Debug, Clone, Default)]
pub struct LoadedLabels {
    /// Every record, in file order.
    pub records: Vec<crate::labels::LabelRecord>,
    /// The first ten diagnostics of each file, as sentences naming file and line.
    pub diagnostics: Vec<String>,
}

/// Reads label files ([`crate::labels::parse_file`]); `category` applies to rows and plain
/// lists that name none (`flagged` when not given).
pub fn read_labels(files: &[PathBuf], category: Option<&str>) -> Result<LoadedLabels, ImportError> {
    let mut out = LoadedLabels::default();
    for f in files {
        let name = f.display().to_string();
        let bytes = std::fs::read(f).map_err(|source| ImportError::Open {
            path: name.clone(),
            source,
        })?;
        let (r, diags) = crate::labels::parse_file(&name, &bytes, category.unwrap_or("flagged"));
        out.diagnostics
            .extend(diags.iter().take(10).map(|d| d.to_string()));
        out.records.extend(r);
    }
    Ok(out)
}

/// Reads a seed list file ([`crate::query::parse_seeds`]); an error when nothing in it occurs
/// in the graph.
pub fn read_seeds(
    view: &crate::view::GraphRef<'_>,
    path: &Path,
) -> Result<crate::query::SeedList, ImportError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ImportError::Open {
        path: name.clone(),
        source,
    })?;
    let list = crate::query::parse_seeds(view, &name, &text);
    if list.is_empty() {
        return Err(ImportError::NoSeeds { path: name });
    }
    Ok(list)
}

/// Rows per batch handed from the reader thread to the builder.
const BATCH_ROWS: usize = 16_384;

/// Why an import or a generation failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// An input file could not be opened (or is not a regular file).
    #[error("cannot open {path}")]
    Open {
        /// The file as the caller named it.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// An input cannot be read as transfers at all (a header without the needed columns).
    #[error("{path}")]
    Input {
        /// The file as the caller named it.
        path: String,
        /// What is wrong.
        source: InputError,
    },
    /// A Parquet file could not be read.
    #[error("{path}")]
    Parquet {
        /// The file as the caller named it.
        path: String,
        /// What is wrong.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A Parquet file was given to a build without the `parquet` feature.
    #[error(
        "{path}: Parquet input needs a build with `--features parquet` (it adds about 3 minutes \
         to a clean build); or convert it to CSV"
    )]
    ParquetDisabled {
        /// The file as the caller named it.
        path: String,
    },
    /// A UTXO input cannot be used (a header without the needed columns, or more
    /// transactions or addresses than 32-bit ids hold).
    #[error("{path}")]
    Utxo {
        /// The file as the caller named it.
        path: String,
        /// What is wrong.
        source: crate::utxo::UtxoError,
    },
    /// A graph directory could not be opened.
    #[error("cannot open the graph {path}; create it with `interdict graph import`")]
    OpenGraph {
        /// The directory.
        path: String,
        /// Why.
        source: StorageError,
    },
    /// A clusters directory could not be opened.
    #[error(
        "cannot open the clusters {path}; create them with `interdict graph utxo import --clusters`"
    )]
    OpenClusters {
        /// The directory.
        path: String,
        /// Why.
        source: StorageError,
    },
    /// A seed list names nothing in the graph.
    #[error("no seed of {path} occurs in the graph")]
    NoSeeds {
        /// The list.
        path: String,
    },
    /// The CSV output of a generation could not be written.
    #[error("cannot write the CSV output")]
    Output(#[source] std::io::Error),
    /// The graph directory could not be written.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Progress of a long import or generation; every method has an empty default.
///
/// Import counts input bytes; generation counts transfers.
pub trait ImportProgress {
    /// The work is about to start; `total` is the amount of work in the phase's unit.
    fn start(&mut self, _total: u64) {}
    /// `done` units of work are finished.
    fn advance(&mut self, _done: u64) {}
    /// Reading is over; sorting, the CSR and the dictionaries follow.
    fn building(&mut self) {}
}

/// Progress that nobody watches.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl ImportProgress for NoProgress {}

/// Where an input's bytes come from.
pub enum Source<'a> {
    /// CSV text from any reader.
    Csv(Box<dyn Read + Send + 'a>),
    /// A Parquet file (feature `parquet`).
    #[cfg(feature = "parquet")]
    Parquet(File),
}

impl std::fmt::Debug for Source<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Csv(_) => f.write_str("Csv"),
            #[cfg(feature = "parquet")]
            Source::Parquet(_) => f.write_str("Parquet"),
        }
    }
}

/// One input of an import.
#[derive(Debug)]
pub struct Input<'a> {
    /// The name diagnostics and the import history use (the path as the user wrote it).
    pub name: String,
    /// Its size in bytes, for progress (0 when unknown).
    pub size: u64,
    /// Its content.
    pub source: Source<'a>,
}

impl Input<'static> {
    /// Opens a file: `.parquet` files as Parquet (an error without the `parquet` feature),
    /// anything else as CSV.
    pub fn open(path: &Path) -> Result<Input<'static>, ImportError> {
        let name = path.display().to_string();
        let parquet = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
        if parquet && !cfg!(feature = "parquet") {
            return Err(ImportError::ParquetDisabled { path: name });
        }
        let file = File::open(path).map_err(|source| ImportError::Open {
            path: name.clone(),
            source,
        })?;
        let meta = file.metadata().map_err(|source| ImportError::Open {
            path: name.clone(),
            source,
        })?;
        // A device or FIFO (`/dev/zero`) never ends: only regular files are read.
        if !meta.is_file() {
            return Err(ImportError::Open {
                path: name,
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file"),
            });
        }
        let size = meta.len();
        #[cfg(feature = "parquet")]
        if parquet {
            return Ok(Input {
                name,
                size,
                source: Source::Parquet(file),
            });
        }
        Ok(Input {
            name,
            size,
            source: Source::Csv(Box::new(std::io::BufReader::with_capacity(1 << 20, file))),
        })
    }
}

/// How to import.
#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    /// Add to an existing graph directory instead of creating one.
    pub append: bool,
    /// How many row diagnostics to keep (all rejected rows are counted).
    pub max_diagnostics: usize,
}

/// A rejected row and the input it came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileDiagnostic {
    /// The input's name.
    pub file: String,
    /// 1-based data row number (the header is row 0).
    pub row: u64,
    /// 1-based line in the file, when the source has lines (`null` otherwise).
    pub line: Option<u64>,
    /// What is wrong.
    pub message: String,
}

impl FileDiagnostic {
    fn new(file: &str, d: &RowDiagnostic) -> FileDiagnostic {
        FileDiagnostic {
            file: file.to_owned(),
            row: d.row,
            line: d.line,
            message: d.message.clone(),
        }
    }
}

impl std::fmt::Display for FileDiagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(
                f,
                "{}: row {} (line {l}): {}",
                self.file, self.row, self.message
            ),
            None => write!(f, "{}: row {}: {}", self.file, self.row, self.message),
        }
    }
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportSummary {
    /// The graph directory's metadata after the import.
    pub meta: Meta,
    /// Rows rejected with a diagnostic.
    pub rejected: u64,
    /// The first [`ImportOptions::max_diagnostics`] diagnostics, in input order.
    pub diagnostics: Vec<FileDiagnostic>,
}

/// Opens `files` and imports them into the graph directory `dir` (created, or appended to).
/// Every input is opened before the graph directory is touched.
pub fn import_files(
    dir: &Path,
    files: &[PathBuf],
    options: ImportOptions,
    progress: &mut dyn ImportProgress,
) -> Result<ImportSummary, ImportError> {
    let inputs = files
        .iter()
        .map(|f| Input::open(f))
        .collect::<Result<Vec<_>, _>>()?;
    let builder = if options.append {
        GraphBuilder::append(dir)?
    } else {
        GraphBuilder::create(dir)?
    };
    import(builder, inputs, options.max_diagnostics, progress)
}

/// Reads `inputs` in order into `builder` and finishes the graph.
///
/// A reader thread parses rows and canonicalises addresses while the calling thread interns
/// and writes columns: the two halves cost about the same, so import uses two cores.
pub fn import(
    mut builder: GraphBuilder,
    inputs: Vec<Input<'_>>,
    max_diagnostics: usize,
    progress: &mut dyn ImportProgress,
) -> Result<ImportSummary, ImportError> {
    let names: Vec<String> = inputs.iter().map(|i| i.name.clone()).collect();
    let sizes: Vec<u64> = inputs.iter().map(|i| i.size).collect();
    progress.start(sizes.iter().sum());
    let mut rejected = 0u64;
    let mut diagnostics = Vec::new();
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Result<RowBatch, ImportError>)>(4);
    let (ret_tx, ret_rx) = std::sync::mpsc::channel::<RowBatch>();
    std::thread::scope(|scope| -> Result<(), ImportError> {
        scope.spawn(move || read_inputs(inputs, &tx, &ret_rx));
        for (i, batch) in rx {
            let batch = batch?;
            for t in batch.rows() {
                builder.push(&t)?;
            }
            for d in &batch.diagnostics {
                rejected += 1;
                if diagnostics.len() < max_diagnostics {
                    diagnostics.push(FileDiagnostic::new(&names[i], d));
                }
            }
            // Progress is the bytes of earlier files plus the position in the current one.
            progress.advance(sizes[..i].iter().sum::<u64>() + batch.bytes_read);
            let _ = ret_tx.send(batch);
        }
        Ok(())
    })?;
    progress.building();
    let meta = builder.finish(ImportRecord {
        sources: names,
        rejected,
        ..ImportRecord::default()
    })?;
    Ok(ImportSummary {
        meta,
        rejected,
        diagnostics,
    })
}

type BatchSender = std::sync::mpsc::SyncSender<(usize, Result<RowBatch, ImportError>)>;

/// The reader thread: sends batches of every input in order, reusing the batches the builder
/// hands back; stops at the first error or when the receiver is gone.
fn read_inputs(
    inputs: Vec<Input<'_>>,
    tx: &BatchSender,
    ret_rx: &std::sync::mpsc::Receiver<RowBatch>,
) {
    for (i, input) in inputs.into_iter().enumerate() {
        let name = input.name;
        // Without the `parquet` feature CSV is the only source, and clippy would ask for a `let`.
        #[cfg_attr(
            not(feature = "parquet"),
            allow(clippy::infallible_destructuring_match)
        )]
        let reader = match input.source {
            Source::Csv(r) => r,
            #[cfg(feature = "parquet")]
            Source::Parquet(file) => {
                let r = parquet_input::read(file, BATCH_ROWS, |b| tx.send((i, Ok(b))).is_ok());
                if let Err(source) = r {
                    let _ = tx.send((i, Err(ImportError::Parquet { path: name, source })));
                    return;
                }
                continue;
            }
        };
        let mut reader = match CsvTransfers::new(reader) {
            Ok(r) => r,
            Err(source) => {
                let _ = tx.send((i, Err(ImportError::Input { path: name, source })));
                return;
            }
        };
        loop {
            let mut batch = ret_rx.try_recv().unwrap_or_default();
            batch.clear();
            let more = reader.fill(&mut batch, BATCH_ROWS);
            if tx.send((i, Ok(batch))).is_err() || !more {
                break;
            }
        }
    }
}

/// What [`generate_into`] produced.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Transfers generated.
    pub transfers: u64,
    /// The graph directory's metadata, when one was written.
    pub meta: Option<Meta>,
    /// What was planted.
    pub truth: GroundTruth,
}

/// Generates a synthetic graph (see [`crate::generate`]) into a new graph directory `dir`
/// and/or as CSV (`from,to,amount,block,time,tx`) into `csv`.
pub fn generate_into(
    cfg: GenConfig,
    dir: Option<&Path>,
    mut csv: Option<&mut dyn Write>,
    progress: &mut dyn ImportProgress,
) -> Result<Generated, ImportError> {
    let generator = generate(cfg);
    let truth = generator.truth().clone();
    let mut builder = dir.map(GraphBuilder::create).transpose()?;
    if let Some(w) = csv.as_mut() {
        writeln!(w, "from,to,amount,block,time,tx").map_err(ImportError::Output)?;
    }
    progress.start(cfg.transfers);
    let mut n = 0u64;
    for t in generator {
        if let Some(b) = builder.as_mut() {
            b.push(&t.as_ref())?;
        }
        if let Some(w) = csv.as_mut() {
            writeln!(
                w,
                "{},{},{},{},{},{}",
                t.from,
                t.to,
                t.amount,
                t.block,
                t.time.unwrap_or_default(),
                t.tx.as_deref().unwrap_or("")
            )
            .map_err(ImportError::Output)?;
        }
        n += 1;
        if n & 0xffff == 0 {
            progress.advance(n);
        }
    }
    if let Some(w) = csv.as_mut() {
        w.flush().map_err(ImportError::Output)?;
    }
    progress.building();
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
    Ok(Generated {
        transfers: n,
        meta,
        truth,
    })
}
