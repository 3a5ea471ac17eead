//! The timing harness behind `interdict graph bench`: exposure queries on addresses spread over
//! the graph and an optional FIFO replay, with the wall-clock times they took.
//!
//! Timings are the one output of this crate that is not deterministic; the analyses themselves
//! are.

use std::time::Instant;

use crate::exposure::{Direction, ExposureConfig, exposure};
use crate::labels::NodeLabels;
use crate::trace::{Seeds, TaintModel, TraceConfig, trace};
use crate::view::{GraphRef, NodeId};

/// What to time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BenchConfig {
    /// Number of exposure queries.
    pub queries: u32,
    /// Hops per exposure query.
    pub hops: u32,
    /// Epsilon per exposure query.
    pub epsilon: f64,
    /// Replay every transfer with FIFO from this node.
    pub fifo_seed: Option<NodeId>,
}

/// Measured timings.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchReport {
    /// Exposure query times in milliseconds, sorted ascending.
    pub exposure_ms: Vec<f64>,
    /// The median of the edges each exposure query scanned.
    pub median_edges_scanned: Option<u64>,
    /// The FIFO replay, when asked for.
    pub fifo: Option<FifoTiming>,
}

/// One FIFO replay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FifoTiming {
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Transfers replayed.
    pub transfers: u64,
    /// Accounts that ended up tainted.
    pub tainted_accounts: usize,
}

impl BenchReport {
    /// The `p` quantile (0 to 1) of the exposure query times, by the nearest lower rank; 0 when
    /// no query ran.
    pub fn quantile_ms(&self, p: f64) -> f64 {
        let n = self.exposure_ms.len();
        self.exposure_ms
            .get(((n as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or(0.0)
    }
}

/// Times `cfg.queries` incoming exposure queries and the FIFO replay.
pub fn bench(view: &GraphRef<'_>, labels: &NodeLabels, cfg: &BenchConfig) -> BenchReport {
    let n = view.node_count().max(1);
    let mut times = Vec::new();
    let mut scanned = Vec::new();
    let exposure_cfg = ExposureConfig {
        max_hops: cfg.hops,
        epsilon: cfg.epsilon,
        ..ExposureConfig::defaults(Direction::In)
    };
    // Targets spread evenly over node ids (ids follow first appearance, so this mixes early and
    // late, busy and quiet addresses), skipping addresses with no inflow.
    let step = (u64::from(n) / u64::from(cfg.queries.max(1))).max(1);
    let mut v = 0u64;
    while times.len() < cfg.queries as usize && v < u64::from(n) {
        let node = v as u32;
        v += step;
        if view.inc.degree(node) == 0 {
            continue;
        }
        let t = Instant::now();
        let r = exposure(view, labels, node, &exposure_cfg);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        scanned.push(r.edges_scanned);
    }
    times.sort_by(f64::total_cmp);
    scanned.sort_unstable();
    let fifo = cfg.fifo_seed.map(|s| {
        let t = Instant::now();
        let r = trace(
            view,
            &Seeds {
                addresses: vec![s],
                edges: Vec::new(),
            },
            &TraceConfig {
                model: TaintModel::Fifo,
                max_accounts: 10,
            },
        );
        FifoTiming {
            seconds: t.elapsed().as_secs_f64(),
            transfers: r.transfers_replayed,
            tainted_accounts: r.account_count,
        }
    });
    BenchReport {
        median_edges_scanned: scanned.get(scanned.len() / 2).copied(),
        exposure_ms: times,
        fifo,
    }
}
