//! Snapshots of the explanations users read: an exposure report, a trace and a path query on a
//! small hand-written history, as JSON and as the text the commands print (review both when
//! semantics change).

use graph::exposure::{Direction, ExposureConfig, exposure};
use graph::labels::{LabelRecord, NodeLabels};
use graph::paths::{PathConfig, paths};
use graph::report;
use graph::trace::{Seeds, TaintModel, TraceConfig, trace};
use graph::view::{OwnedGraph, Transfer};

fn history() -> Vec<Transfer> {
    let t = |from: &str, to: &str, amount: u128, block: u64, tx: &str| Transfer {
        from: from.into(),
        to: to.into(),
        amount: amount.into(),
        block,
        time: Some(1_700_000_000 + block * 12),
        asset: String::new(),
        tx: Some(tx.into()),
    };
    vec![
        t("exchange", "alice", 900, 1, "0x01"),
        t("thief", "mule", 300, 2, "0x02"),
        t("mule", "alice", 300, 3, "0x03"),
        t("alice", "shop", 600, 4, "0x04"),
        t("alice", "bob", 400, 4, "0x04"),
        t("bob", "exchange", 400, 5, "0x05"),
    ]
}

fn labels(g: &OwnedGraph) -> NodeLabels {
    let rec = |a: &str, c: &str| LabelRecord {
        address: a.into(),
        chain: String::new(),
        category: c.into(),
        label: format!("{a} (test)"),
        source: "test".into(),
    };
    NodeLabels::resolve(
        &g.view(),
        &[rec("exchange", "exchange"), rec("thief", "stolen_funds")],
    )
}

#[test]
fn exposure_report_snapshot() {
    let g = OwnedGraph::from_transfers(&history());
    let v = g.view();
    let r = exposure(
        &v,
        &labels(&g),
        v.lookup("shop").unwrap(),
        &ExposureConfig::defaults(Direction::In),
    );
    insta::assert_json_snapshot!(r);
    insta::assert_snapshot!("exposure_text", report::exposure_text(&r));
}

#[test]
fn fifo_trace_snapshot() {
    let g = OwnedGraph::from_transfers(&history());
    let v = g.view();
    let seeds = Seeds {
        addresses: vec![v.lookup("thief").unwrap()],
        edges: Vec::new(),
    };
    let r = trace(
        &v,
        &seeds,
        &TraceConfig {
            model: TaintModel::Fifo,
            max_accounts: 10,
        },
    );
    insta::assert_json_snapshot!(r);
    insta::assert_snapshot!("trace_text", report::trace_text(&r));
}

#[test]
fn path_snapshot() {
    let g = OwnedGraph::from_transfers(&history());
    let v = g.view();
    let r = paths(
        &v,
        v.lookup("thief").unwrap(),
        v.lookup("exchange").unwrap(),
        &PathConfig::defaults(),
    );
    insta::assert_json_snapshot!(r);
    insta::assert_snapshot!("path_text", report::path_text(&r));
}
