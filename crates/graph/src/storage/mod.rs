//! The file-format layer: the one part of the crate that touches files.
//!
//! A graph is a directory of flat little-endian arrays, one file per column, so every column
//! can be memory-mapped and viewed as a slice without parsing:
//!
//! | file | type | length | content |
//! |---|---|---|---|
//! | `meta.json` | JSON | | [`Meta`]: counts, asset names, import history |
//! | `addr.bytes`, `addr.off` | bytes, `u64` | n + 1 offsets | canonical address of each node id |
//! | `addr.sorted` | `u32` | n | node ids sorted by address (binary-search lookup) |
//! | `tx.bytes`, `tx.off` | bytes, `u64` | | transaction ids as written, one entry per (block, id), in edge order |
//! | `e.src`, `e.dst` | `u32` | E | sender and receiver of each edge |
//! | `e.amount` | `u128` | E | low 128 bits of each amount |
//! | `e.big_eid`, `e.big_hi` | `u64`, `u128` | few | high 128 bits of the amounts that need them |
//! | `e.block`, `e.time` | `u64` | E | block number; Unix seconds or `u64::MAX` |
//! | `e.asset` | `u32` | E | index into `meta.assets` |
//! | `e.tx` | `u64` | E | index into `tx.*` or `u64::MAX` |
//! | `out.off`, `out.nbr`, `out.eid` | `u64`, `u32`, `u64` | n + 1, E, E | out-edges in CSR form |
//! | `in.off`, `in.nbr`, `in.eid` | `u64`, `u32`, `u64` | n + 1, E, E | in-edges in CSR form |
//!
//! Edge ids are the rank of a transfer in (block, input row) order, so edge attribute files are
//! sorted by block and each node's CSR edges are in chronological order.
//!
//! A clusters directory (`interdict graph utxo import --clusters`, [`write_clusters`],
//! [`MappedClusters`]) holds the address clusters of UTXO transactions, `n` addresses and `t`
//! evidence transactions:
//!
//! | file | type | length | content |
//! |---|---|---|---|
//! | `meta.json` | JSON | | [`ClustersMeta`]: counts, heuristics used, sources |
//! | `addr.bytes`, `addr.off` | bytes, `u64` | n + 1 offsets | canonical address of each id (first appearance order) |
//! | `addr.sorted` | `u32` | n | ids sorted by address (binary-search lookup) |
//! | `cluster` | `u32` | n | cluster of each address: its smallest member id |
//! | `members` | `u32` | n | ids sorted by (cluster, id) |
//! | `parent`, `parent.tx`, `parent.reason` | `u32`, `u32`, `u8` | n | the join forest rooted at each cluster id: parent, evidence transaction (`u32::MAX` at roots), heuristic (0 multi-input, 1 change) |
//! | `tx.bytes`, `tx.off`, `tx.block` | bytes, `u64`, `u64` | t, t + 1, t | the transactions that joined something, in block order |
//!
//! Import is one pass over the input: rows are appended to the column files as they come, with
//! the address dictionary in memory; when the input is not sorted by block, a stable sort
//! permutes the columns once, one column at a time; a pass in block order then gives each
//! transaction id one dictionary entry per block, wherever its rows were; the CSRs are then
//! built by counting.
//! Append is a rebuild merge: the existing columns are copied, new rows appended, the CSRs
//! rebuilt, and the new directory renamed over the old one, so readers never see a half-written
//! graph and node ids stay stable.
//!
//! One writer at a time: import and append hold an advisory lock on `.<name>.interdict-lock`
//! beside the directory for the whole write. Temporary directories (`.<name>.interdict-tmp-…`,
//! unique per writer) and the backup an append keeps between its two renames
//! (`.<name>.interdict-old`) are hidden and marked, and a graph name containing `.interdict-`
//! is refused, so the tool's names never collide with a graph. A reader that finds only the
//! backup opens it; the next writer renames it back or removes it.

mod builder;
mod clusters;
mod mapped;

pub use builder::GraphBuilder;
pub use clusters::{CLUSTERS_FORMAT, ClustersMeta, write_clusters};
pub use mapped::{MappedClusters, MappedGraph};

use serde::{Deserialize, Serialize};

/// The version of the directory layout this code writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// `meta.json`: what a graph directory holds and how it was built.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// [`FORMAT_VERSION`] at write time.
    pub format: u32,
    /// Number of nodes.
    pub nodes: u32,
    /// Number of edges.
    pub edges: u64,
    /// Number of transactions: distinct transaction ids per block (a transaction lives in one
    /// block; an id that occurs in two blocks counts twice).
    pub txs: u64,
    /// Asset names by id: `""` is native.
    pub assets: Vec<String>,
    /// Distinct addresses kept as raw lower-cased text because they did not parse.
    pub non_canonical_addresses: u64,
    /// Lowest block number.
    pub first_block: u64,
    /// Highest block number.
    pub last_block: u64,
    /// One record per import or append, oldest first.
    pub imports: Vec<ImportRecord>,
}

/// One import run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRecord {
    /// The input files, as the caller named them.
    pub sources: Vec<String>,
    /// Transfers imported.
    pub imported: u64,
    /// Rows rejected with a diagnostic.
    pub rejected: u64,
    /// Whether rows arrived out of block order and the columns were re-sorted.
    pub resorted: bool,
}

/// Why a graph directory could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// A file operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The directory holds something this version cannot read.
    #[error("{path}: {message}")]
    Corrupt {
        /// The file or directory.
        path: String,
        /// What is wrong, with a hint.
        message: String,
    },
    /// More distinct addresses than `u32` ids.
    #[error("more than 4,294,967,295 distinct addresses; shard the input by chain")]
    TooManyNodes,
}

/// What marks the tool's own names beside a graph directory (its lock, temporary directories
/// and backup); a graph's own name may not contain it, so the two can never collide.
pub(crate) const SIDE_MARK: &str = ".interdict-";

/// The hidden path beside graph `dir` the tool uses for `what` (`lock`, `old`, `tmp-…`):
/// `.<name>.interdict-<what>`.
pub(crate) fn side_path(dir: &std::path::Path, what: &str) -> std::path::PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(dir.file_name().unwrap_or_default());
    name.push(SIDE_MARK);
    name.push(what);
    dir.with_file_name(name)
}

fn io_err(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> StorageError + '_ {
    move |source| StorageError::Io {
        path: path.display().to_string(),
        source,
    }
}
