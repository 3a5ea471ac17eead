//! Micro-benchmarks on a generated graph of 20,000 addresses and 200,000 transfers (built in
//! memory, so the numbers exclude page faults). The full-scale figures come from
//! `interdict graph bench`; see docs/benchmarks.md.

use std::sync::OnceLock;

use graph::exposure::{Direction, ExposureConfig, exposure};
use graph::generate::{GenConfig, GroundTruth, generate};
use graph::labels::NodeLabels;
use graph::paths::{PathConfig, paths};
use graph::trace::{Seeds, TaintModel, TraceConfig, trace};
use graph::view::{OwnedGraph, Transfer};

fn main() {
    divan::main();
}

struct Fixture {
    transfers: Vec<Transfer>,
    truth: GroundTruth,
    graph: OwnedGraph,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let generator = generate(GenConfig {
            addresses: 20_000,
            transfers: 200_000,
            seed: 5,
            tx_hashes: false,
        });
        let truth = generator.truth().clone();
        let transfers: Vec<Transfer> = generator.collect();
        let graph = OwnedGraph::from_transfers(&transfers);
        Fixture {
            transfers,
            truth,
            graph,
        }
    })
}

#[divan::bench(sample_count = 10)]
fn build_in_memory() -> OwnedGraph {
    OwnedGraph::from_transfers(&fixture().transfers)
}

#[divan::bench]
fn exposure_4_hops(bencher: divan::Bencher) {
    let f = fixture();
    let view = f.graph.view();
    let labels = NodeLabels::resolve(&view, &f.truth.labels);
    let cfg = ExposureConfig::defaults(Direction::In);
    let targets: Vec<u32> = (0..view.node_count()).step_by(97).collect();
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) % targets.len();
        exposure(&view, &labels, targets[i], &cfg)
    });
}

fn replay(model: TaintModel) {
    let f = fixture();
    let view = f.graph.view();
    let seeds = Seeds {
        addresses: view.lookup(&f.truth.thief).into_iter().collect(),
        edges: Vec::new(),
    };
    let cfg = TraceConfig {
        model,
        max_accounts: 10,
    };
    divan::black_box(trace(&view, &seeds, &cfg));
}

#[divan::bench(sample_count = 10)]
fn fifo_replay() {
    replay(TaintModel::Fifo);
}

#[divan::bench(sample_count = 10)]
fn haircut_replay() {
    replay(TaintModel::Haircut);
}

#[divan::bench(sample_count = 10)]
fn tiho_replay() {
    replay(TaintModel::Tiho);
}

/// Import to disk (columns, re-sort, transaction ids, CSRs) of 1,000,000 generated transfers
/// with 66-character transaction hashes, in input order.
#[divan::bench(sample_count = 3)]
fn disk_import_1m_with_tx_hashes(bencher: divan::Bencher) {
    static T: OnceLock<Vec<Transfer>> = OnceLock::new();
    let ts = T.get_or_init(|| {
        generate(GenConfig {
            addresses: 100_000,
            transfers: 1_000_000,
            seed: 6,
            tx_hashes: true,
        })
        .collect()
    });
    let tmp = tempfile::tempdir().expect("temporary directory");
    let mut n = 0;
    bencher.bench_local(|| {
        n += 1;
        let mut b = graph::storage::GraphBuilder::create(&tmp.path().join(format!("g{n}")))
            .expect("new graph directory");
        for t in ts {
            b.push(&t.as_ref()).expect("write");
        }
        b.finish(graph::storage::ImportRecord::default())
            .expect("finish")
    });
}

#[divan::bench]
fn peel_chain_paths() {
    let f = fixture();
    let view = f.graph.view();
    let chain = &f.truth.peel_chains[0];
    let (Some(a), Some(b)) = (view.lookup(&chain[0]), view.lookup(&chain[9])) else {
        return;
    };
    let cfg = PathConfig {
        max_hops: 9,
        ..PathConfig::defaults()
    };
    divan::black_box(paths(&view, a, b, &cfg));
}
