//! Writing a clusters directory (the layout is in the parent module's docs).

use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::builder::{lock, tmp_dir, write_vec};
use super::{StorageError, io_err};
use crate::build::sorted_order;
use crate::clusters::{Forest, NO_PARENT};
use crate::utxo::{ChangeHeuristic, ClusterConfig, Clustering, UtxoSet};

/// The version of the clusters directory layout this code writes and reads.
pub const CLUSTERS_FORMAT: u32 = 1;

/// `meta.json` of a clusters directory: what it holds and how it was made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClustersMeta {
    /// [`CLUSTERS_FORMAT`] at write time.
    pub format: u32,
    /// Distinct addresses.
    pub addresses: u64,
    /// Clusters (single addresses included).
    pub clusters: u64,
    /// Addresses of the largest cluster.
    pub largest_cluster: u64,
    /// UTXO transactions read.
    pub transactions: u64,
    /// Input rows read.
    pub inputs: u64,
    /// Output rows read.
    pub outputs: u64,
    /// Transactions found CoinJoin-shaped.
    pub coinjoins: u64,
    /// Whether their inputs were left unjoined.
    pub exclude_coinjoin: bool,
    /// The change heuristic used.
    pub change: ChangeHeuristic,
    /// Joins that merged two clusters (the forest's edges).
    pub joins: u64,
    /// Distinct transactions among the joins (the evidence kept).
    pub evidence_txs: u64,
    /// Addresses kept as lower-cased text because they did not parse.
    pub non_canonical_addresses: u64,
    /// Rows rejected with a diagnostic.
    pub rejected: u64,
    /// The inputs, as the caller named them.
    pub sources: Vec<String>,
}

impl ClustersMeta {
    /// The counts of `set` and `c` made with `cfg`, for the given sources.
    pub fn new(set: &UtxoSet, c: &Clustering, cfg: &ClusterConfig, sources: Vec<String>) -> Self {
        let mut sizes = vec![0u32; set.address_count()];
        for &k in &c.cluster {
            sizes[k as usize] += 1;
        }
        ClustersMeta {
            format: CLUSTERS_FORMAT,
            addresses: set.address_count() as u64,
            clusters: sizes.iter().filter(|&&s| s > 0).count() as u64,
            largest_cluster: sizes.iter().copied().max().unwrap_or(0).into(),
            transactions: set.tx_count() as u64,
            inputs: set.input_count() as u64,
            outputs: set.output_count() as u64,
            coinjoins: c.coinjoins,
            exclude_coinjoin: cfg.exclude_coinjoin,
            change: cfg.change,
            joins: c.joins.len() as u64,
            evidence_txs: 0,
            non_canonical_addresses: set.non_canonical(),
            rejected: 0,
            sources,
        }
    }
}

/// Writes the clusters of `set` to the new directory `dir` (under a temporary name, renamed
/// into place), returning `meta` with the evidence count filled in.
pub fn write_clusters(
    dir: &Path,
    set: &UtxoSet,
    c: &Clustering,
    mut meta: ClustersMeta,
) -> Result<ClustersMeta, StorageError> {
    // One writer at a time, as for graph directories: the lock also clears what a killed
    // writer left behind.
    let _lock = lock(dir)?;
    if dir.exists() {
        return Err(StorageError::Corrupt {
            path: dir.display().to_string(),
            message: "already exists; choose a new directory for the clusters".into(),
        });
    }
    let tmp = tmp_dir(dir);
    let _ = fs::remove_dir_all(&tmp);
    fs::create_dir_all(&tmp).map_err(io_err(&tmp))?;
    let n = set.address_count();
    let table = set.address_table();
    let (bytes, offsets) = table.parts();
    write_bytes(&tmp.join("addr.bytes"), bytes)?;
    write_vec(&tmp.join("addr.off"), &offsets.collect::<Vec<u64>>())?;
    let order = sorted_order(n as u32, |a| table.get(a).as_bytes());
    write_vec(&tmp.join("addr.sorted"), &order)?;
    drop(order);
    write_vec(&tmp.join("cluster"), &c.cluster)?;
    // Members sorted by (cluster, id): a counting sort over cluster ids, placing ids in order.
    let mut start = vec![0u32; n + 1];
    for &k in &c.cluster {
        start[k as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut members = vec![0u32; n];
    for (a, &k) in c.cluster.iter().enumerate() {
        members[start[k as usize] as usize] = a as u32;
        start[k as usize] += 1;
    }
    drop(start);
    write_vec(&tmp.join("members"), &members)?;
    drop(members);
    let mut forest = Forest::new(n, c);
    // Keep only the transactions that joined something, renumbered in block order.
    let mut evidence = vec![NO_PARENT; set.tx_count()];
    for &t in forest.parent_tx.iter().filter(|&&t| t != NO_PARENT) {
        evidence[t as usize] = 0;
    }
    let mut kept = Vec::new();
    for (t, e) in evidence.iter_mut().enumerate() {
        if *e == 0 {
            *e = kept.len() as u32;
            kept.push(t as u32);
        }
    }
    for t in forest.parent_tx.iter_mut().filter(|t| **t != NO_PARENT) {
        *t = evidence[*t as usize];
    }
    drop(evidence);
    write_vec(&tmp.join("parent"), &forest.parent)?;
    write_vec(&tmp.join("parent.tx"), &forest.parent_tx)?;
    write_vec(&tmp.join("parent.reason"), &forest.parent_reason)?;
    forest.parent = Vec::new();
    let mut tx_bytes = Vec::new();
    let mut tx_off = vec![0u64];
    for &t in &kept {
        tx_bytes.extend_from_slice(set.txid(t).as_bytes());
        tx_off.push(tx_bytes.len() as u64);
    }
    write_bytes(&tmp.join("tx.bytes"), &tx_bytes)?;
    write_vec(&tmp.join("tx.off"), &tx_off)?;
    let blocks: Vec<u64> = kept.iter().map(|&t| set.block(t)).collect();
    write_vec(&tmp.join("tx.block"), &blocks)?;
    meta.evidence_txs = kept.len() as u64;
    let meta_path = tmp.join("meta.json");
    let json = serde_json::to_vec_pretty(&meta).map_err(|e| StorageError::Corrupt {
        path: meta_path.display().to_string(),
        message: e.to_string(),
    })?;
    fs::write(&meta_path, json).map_err(io_err(&meta_path))?;
    fs::rename(&tmp, dir).map_err(io_err(dir))?;
    Ok(meta)
}

fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), StorageError> {
    fs::write(path, bytes).map_err(io_err(path))
}
