use std::collections::HashMap;

use graph::exposure::{Direction, ExposureConfig, exposure};
use graph::labels::NodeLabels;
use graph::view::{OwnedGraph, Transfer};

use crate::{brute, small};

fn label_map(truth: &graph::generate::GroundTruth) -> HashMap<String, String> {
    truth
        .labels
        .iter()
        .map(|l| (l.address.clone(), l.category.clone()))
        .collect()
}

fn exact_config(direction: Direction, hops: u32) -> ExposureConfig {
    ExposureConfig {
        epsilon: 0.0,
        degree_cap: None,
        max_hops: hops,
        ..ExposureConfig::defaults(direction)
    }
}

/// Compares the walk with path enumeration for every address that has edges in that direction.
fn agree_on(
    ts: &[Transfer],
    truth: &graph::generate::GroundTruth,
    hops: u32,
    direction: Direction,
) {
    let g = OwnedGraph::from_transfers(ts);
    let view = g.view();
    let labels = NodeLabels::resolve(&view, &truth.labels);
    let names = label_map(truth);
    let mut checked = 0;
    for v in 0..view.node_count() {
        let addr = view.address(v).to_owned();
        let incoming = direction == Direction::In;
        let got = exposure(&view, &labels, v, &exact_config(direction, hops));
        let want = brute::exposure(ts, &names, &addr, incoming, hops);
        for (cat, share) in &want.categories {
            let c = got.categories.iter().find(|c| &c.category == cat);
            let s = c.map_or(0.0, |c| c.share);
            assert!(
                (s - share).abs() < 1e-9,
                "{addr} {cat}: walk {s} brute {share}"
            );
            let d = c.map_or(0.0, |c| c.direct_share);
            let wd = want.direct.get(cat).copied().unwrap_or(0.0);
            assert!((d - wd).abs() < 1e-9, "{addr} {cat} direct: {d} vs {wd}");
        }
        assert_eq!(got.categories.len(), want.categories.len(), "{addr}");
        let u = &got.unattributed;
        assert!((u.hop_limit - want.hop_limit).abs() < 1e-9, "{addr} hops");
        assert!((u.no_flow - want.no_flow).abs() < 1e-9, "{addr} no flow");
        assert!(
            (got.attributed_share + u.total - 1.0).abs() < 1e-9,
            "{addr} conservation"
        );
        checked += 1;
    }
    assert!(checked > 100);
}

#[test]
fn incoming_agrees_with_path_enumeration() {
    let (ts, truth) = small(11, 300, 900);
    agree_on(&ts, &truth, 3, Direction::In);
}

#[test]
fn outgoing_agrees_with_path_enumeration() {
    let (ts, truth) = small(12, 300, 900);
    agree_on(&ts, &truth, 3, Direction::Out);
}

#[test]
fn epsilon_only_moves_mass_to_the_remainder() {
    let (ts, truth) = small(13, 300, 900);
    let g = OwnedGraph::from_transfers(&ts);
    let view = g.view();
    let labels = NodeLabels::resolve(&view, &truth.labels);
    for v in 0..view.node_count() {
        let exact = exposure(&view, &labels, v, &exact_config(Direction::In, 4));
        let cfg = ExposureConfig {
            epsilon: 1e-2,
            ..exact_config(Direction::In, 4)
        };
        let pruned = exposure(&view, &labels, v, &cfg);
        assert!((pruned.attributed_share + pruned.unattributed.total - 1.0).abs() < 1e-9);
        for c in &pruned.categories {
            let e = exact
                .categories
                .iter()
                .find(|x| x.category == c.category)
                .map_or(0.0, |x| x.share);
            assert!(c.share <= e + 1e-9);
            assert!(c.share >= e - pruned.unattributed.epsilon - 1e-9);
        }
    }
}

#[test]
fn theft_deposits_see_stolen_funds_and_paths_explain_it() {
    let (ts, truth) = small(14, 400, 3000);
    let g = OwnedGraph::from_transfers(&ts);
    let view = g.view();
    // Without the deposits' own exchange labels, so the walk can look behind them.
    let labels: Vec<_> = truth
        .labels
        .iter()
        .filter(|l| l.category != "exchange")
        .cloned()
        .collect();
    let labels = NodeLabels::resolve(&view, &labels);
    let mut seen = 0;
    for d in &truth.theft_deposits {
        let v = view.lookup(d).unwrap();
        let r = exposure(&view, &labels, v, &ExposureConfig::defaults(Direction::In));
        let stolen = r.categories.iter().find(|c| c.category == "stolen_funds");
        if let Some(c) = stolen {
            seen += 1;
            assert!(c.min_hop >= 2, "theft is at least two hops away");
            assert_eq!(c.direct_share, 0.0);
            let cp = &c.counterparties[0];
            assert_eq!(cp.address, truth.thief);
            // The path runs from the thief to the deposit address, in time order.
            assert_eq!(cp.path.first().unwrap().from, truth.thief);
            assert_eq!(&cp.path.last().unwrap().to, d);
            assert!(
                cp.path
                    .windows(2)
                    .all(|w| w[0].to == w[1].from && w[0].edge < w[1].edge)
            );
        }
    }
    assert!(
        seen * 2 >= truth.theft_deposits.len(),
        "{seen} of {}",
        truth.theft_deposits.len()
    );
}

fn check(
    ts: &[(&str, &str, u128, u64)],
    target: &str,
    dir: Direction,
    hops: u32,
    want: &[(&str, f64, u32)],
) {
    let transfers: Vec<Transfer> = ts
        .iter()
        .map(|&(f, t, a, b)| Transfer {
            from: f.into(),
            to: t.into(),
            amount: a.into(),
            block: b,
            time: None,
            asset: String::new(),
            tx: None,
        })
        .collect();
    let g = OwnedGraph::from_transfers(&transfers);
    let view = g.view();
    let mut labels = NodeLabels::default();
    for (name, cat) in [
        ("mixer", "mixer"),
        ("cex", "exchange"),
        ("sdn", "sanctioned"),
    ] {
        if let Some(v) = view.lookup(name) {
            labels.insert(
                v,
                graph::labels::NodeLabel {
                    category: cat.into(),
                    label: name.into(),
                    source: "test".into(),
                    cluster: None,
                },
            );
        }
    }
    let r = exposure(
        &view,
        &labels,
        view.lookup(target).unwrap(),
        &exact_config(dir, hops),
    );
    let got: Vec<(&str, f64, u32)> = r
        .categories
        .iter()
        .map(|c| {
            (
                c.category.as_str(),
                (c.share * 1e6).round() / 1e6,
                c.min_hop,
            )
        })
        .collect();
    assert_eq!(got, want);
}

#[test]
fn hand_checked_walks() {
    // Later inflows cannot explain an earlier outflow: the mixer's 100 arrives after a → me.
    check(
        &[
            ("cex", "a", 50, 1),
            ("a", "me", 50, 2),
            ("mixer", "a", 100, 3),
        ],
        "me",
        Direction::In,
        4,
        &[("exchange", 1.0, 2)],
    );
    // Haircut: a received 30 from the mixer and 90 from the exchange before paying me.
    check(
        &[
            ("mixer", "a", 30, 1),
            ("cex", "a", 90, 1),
            ("a", "me", 60, 2),
            ("sdn", "me", 60, 3),
        ],
        "me",
        Direction::In,
        4,
        &[
            ("sanctioned", 0.5, 1),
            ("exchange", 0.375, 2),
            ("mixer", 0.125, 2),
        ],
    );
    // The hop limit cuts: with 1 hop only the direct sanctioned counterparty counts.
    check(
        &[
            ("mixer", "a", 30, 1),
            ("a", "me", 60, 2),
            ("sdn", "me", 60, 3),
        ],
        "me",
        Direction::In,
        1,
        &[("sanctioned", 0.5, 1)],
    );
    // Outgoing: me pays a, which later pays the exchange 40 and the mixer 40.
    check(
        &[
            ("me", "a", 80, 1),
            ("a", "cex", 40, 2),
            ("a", "mixer", 40, 3),
            ("me", "sdn", 20, 4),
        ],
        "me",
        Direction::Out,
        4,
        &[
            ("exchange", 0.4, 2),
            ("mixer", 0.4, 2),
            ("sanctioned", 0.2, 1),
        ],
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    #[test]
    fn random_graphs_agree(edges in proptest::collection::vec((0u8..6, 0u8..6, 1u64..100, 0u64..4), 1..25)) {
        let names = ["mixer", "cex", "a", "b", "c", "d"];
        let ts: Vec<Transfer> = edges.iter().map(|&(f, t, a, b)| Transfer {
            from: names[f as usize].into(), to: names[t as usize].into(), amount: u128::from(a).into(),
            block: b, time: None, asset: String::new(), tx: None,
        }).collect();
        let mut sorted = ts.clone();
        sorted.sort_by_key(|t| t.block);
        let g = OwnedGraph::from_transfers(&ts);
        let view = g.view();
        let mut labels = NodeLabels::default();
        let mut map = HashMap::new();
        for (n, c) in [("mixer", "mixer"), ("cex", "exchange")] {
            map.insert(n.to_owned(), c.to_owned());
            if let Some(v) = view.lookup(n) {
                labels.insert(v, graph::labels::NodeLabel { category: c.into(), label: String::new(), source: String::new(), cluster: None });
            }
        }
        for dir in [Direction::In, Direction::Out] {
            for v in 0..view.node_count() {
                let got = exposure(&view, &labels, v, &exact_config(dir, 3));
                let want = brute::exposure(&sorted, &map, view.address(v), dir == Direction::In, 3);
                for (cat, share) in &want.categories {
                    let s = got.categories.iter().find(|c| &c.category == cat).map_or(0.0, |c| c.share);
                    proptest::prop_assert!((s - share).abs() < 1e-9);
                }
                proptest::prop_assert!((got.unattributed.hop_limit - want.hop_limit).abs() < 1e-9);
                proptest::prop_assert!((got.attributed_share + got.unattributed.total - 1.0).abs() < 1e-9);
            }
        }
    }
}
