//! Integration tests: every analysis against an independent brute-force computation on small
//! generated graphs, plus storage round trips. One test binary keeps linking cheap.
#![allow(clippy::unwrap_used)]

mod brute;
mod clusters;
mod exposure;
mod import;
mod issue16;
mod paths;
mod reference;
mod shared;
mod snapshots_test;
mod storage;
pub use storage::same as storage_same;
mod trace;

use graph::generate::{GenConfig, GroundTruth, generate};
use graph::trace::{Seeds, TaintModel, TraceConfig, TraceReport, trace};
use graph::view::{GraphRef, Transfer};

/// A trace that lists every tainted account.
pub fn trace_all(view: &GraphRef<'_>, seeds: &Seeds, model: TaintModel) -> TraceReport {
    trace(
        view,
        seeds,
        &TraceConfig {
            model,
            max_accounts: usize::MAX,
        },
    )
}

/// A small generated graph with its ground truth, sorted the way the graph orders edges.
pub fn small(seed: u64, addresses: u32, transfers: u64) -> (Vec<Transfer>, GroundTruth) {
    let g = generate(GenConfig {
        addresses,
        transfers,
        seed,
        tx_hashes: true,
    });
    let truth = g.truth().clone();
    let mut ts: Vec<Transfer> = g.collect();
    ts.sort_by_key(|t| t.block);
    (ts, truth)
}
