//! Snapshots of the text reports the commands print, on the history of `snapshots_test`.

use graph::exposure::{Direction, ExposureConfig, exposure};
use graph::paths::{PathConfig, paths};
use graph::query::parse_seeds;
use graph::report;
use graph::trace::{TaintModel, TraceConfig, trace};
use graph::view::OwnedGraph;

use crate::snapshots_test::{history, labels};

#[test]
fn exposure_text_snapshot() {
    let g = OwnedGraph::from_transfers(&history());
    let v = g.view();
    let r = exposure(
        &v,
        &labels(&g),
        v.lookup("shop").unwrap(),
        &ExposureConfig::defaults(Direction::In),
    );
    insta::assert_snapshot!(report::exposure_text(&r));
}

#[test]
fn trace_text_snapshot() {
    let g = OwnedGraph::from_transfers(&history());
    let v = g.view();
    let seeds = parse_seeds(&v, "seeds.txt", "address\nthief\n");
    assert!(seeds.warnings.is_empty());
    let cfg = TraceConfig {
        model: TaintModel::Haircut,
        max_accounts: 10,
    };
    insta::assert_snapshot!(report::trace_text(&trace(&v, &seeds.seeds, &cfg)));
}

#[test]
fn path_text_snapshot() {
    let g = OwnedGraph::from_transfers(&history());
    let v = g.view();
    let (from, to) = (v.lookup("thief").unwrap(), v.lookup("exchange").unwrap());
    insta::assert_snapshot!(report::path_text(&paths(
        &v,
        from,
        to,
        &PathConfig::defaults()
    )));
}
