//! The minimal graphs of issue 16, each a case where the engine disagreed with its own
//! definitions: rows are `from,to,amount,tx,block`, as in the issue.

use graph::amount::{Amount, Total};
use graph::exposure::{Direction, ExposureConfig, exposure};
use graph::labels::{NodeLabel, NodeLabels};
use graph::paths::{PathConfig, paths};
use graph::storage::{GraphBuilder, ImportRecord, MappedGraph};
use graph::trace::{Seeds, TaintModel, TraceReport};
use graph::view::{GraphRef, OwnedGraph, Transfer};

/// Every taint model.
const MODELS: [TaintModel; 4] = [
    TaintModel::Poison,
    TaintModel::Haircut,
    TaintModel::Fifo,
    TaintModel::Tiho,
];

/// 2^256 − 1.
const M: &str = "115792089237316195423570985008687907853269984665640564039457584007913129639935";

/// Parses the row notation; `M` and `M-k` stand for 2^256 − 1 and 2^256 − 1 − k.
pub fn rows(text: &str) -> Vec<Transfer> {
    text.split('/')
        .map(|r| {
            let f: Vec<&str> = r.trim().split(',').collect();
            let amount = match f[2].split_once('-') {
                Some(("M", k)) => Amount::parse_decimal(M)
                    .unwrap()
                    .checked_sub(Amount::parse_decimal(k).unwrap())
                    .unwrap(),
                _ if f[2] == "M" => Amount::parse_decimal(M).unwrap(),
                _ => Amount::parse_decimal(f[2]).unwrap(),
            };
            Transfer {
                from: f[0].into(),
                to: f[1].into(),
                amount,
                block: f.get(4).map_or(0, |b| b.parse().unwrap()),
                time: None,
                asset: String::new(),
                tx: f.get(3).filter(|t| !t.is_empty()).map(|t| t.to_string()),
            }
        })
        .collect()
}

fn run(view: &GraphRef<'_>, seeds: &[&str], seed_txs: &[&str], model: TaintModel) -> TraceReport {
    let s = Seeds {
        addresses: seeds.iter().filter_map(|a| view.lookup(a)).collect(),
        edges: seed_txs.iter().flat_map(|t| view.edges_of_tx(t)).collect(),
    };
    crate::trace_all(view, &s, model)
}

/// Every tainted account as (address, received, held, hop, path as tx ids), sorted by address.
type Row = (String, String, Option<String>, u32, Vec<String>);

fn table(r: &TraceReport) -> Vec<Row> {
    let mut v: Vec<Row> = r
        .accounts
        .iter()
        .map(|a| {
            (
                a.address.clone(),
                a.received_exact.map(|x| x.to_string()).unwrap_or_default(),
                a.held_exact.map(|x| x.to_string()),
                a.hop,
                a.path
                    .iter()
                    .map(|e| e.tx.clone().unwrap_or_default())
                    .collect(),
            )
        })
        .collect();
    v.sort();
    v
}

fn row(addr: &str, received: &str, held: Option<&str>, hop: u32, path: &[&str]) -> Row {
    (
        addr.into(),
        received.into(),
        held.map(str::to_owned),
        hop,
        path.iter().map(|s| s.to_string()).collect(),
    )
}

/// Runs `check` on the graph built in memory and on the graph imported to disk.
fn both(ts: &[Transfer], check: impl Fn(&GraphRef<'_>)) {
    let o = OwnedGraph::from_transfers(ts);
    check(&o.view());
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("g");
    let mut b = GraphBuilder::create(&dir).unwrap();
    for t in ts {
        b.push(&t.as_ref()).unwrap();
    }
    b.finish(ImportRecord::default()).unwrap();
    let m = MappedGraph::open(&dir).unwrap();
    check(&m.view());
}

#[test]
fn tiho_groups_a_transaction_whose_rows_are_not_adjacent() {
    let ts = rows("z,a,5,x1,1 / a,c,3,x2,2 / q,r,1,x3,3 / a,b,4,x2,2");
    both(&ts, |v| {
        assert_eq!(
            table(&run(v, &["z"], &[], TaintModel::Tiho)),
            vec![
                row("a", "5", Some("0"), 1, &["x1"]),
                row("b", "4", Some("4"), 2, &["x1", "x2"]),
                row("c", "1", Some("1"), 2, &["x1", "x2"]),
            ]
        );
        // Three transaction ids, three dictionary entries.
        assert_eq!(v.txs.len(), 3);
    });
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("g");
    let mut b = GraphBuilder::create(&dir).unwrap();
    for t in &ts {
        b.push(&t.as_ref()).unwrap();
    }
    assert_eq!(b.finish(ImportRecord::default()).unwrap().txs, 3);
}

#[test]
fn sums_past_two_to_the_256_do_not_clamp() {
    // FIFO: a holds 2M clean before 1 tainted arrives, so paying M and then 1 spends clean funds.
    let ts = rows("x,a,M / x,a,M / s,a,1 / a,b,M / a,c,1");
    both(&ts, |v| {
        assert_eq!(
            table(&run(v, &["s"], &[], TaintModel::Fifo)),
            vec![row("a", "1", Some("1"), 1, &[""])]
        );
        // Exposure: a received 2M + 1 in all.
        let labels = labelled(v, &[("s", "theft")]);
        let r = exposure(
            v,
            &labels,
            v.lookup("a").unwrap(),
            &ExposureConfig::defaults(Direction::In),
        );
        let two_m_plus_1 = Total::from(Amount::parse_decimal(M).unwrap())
            .add_amount(Amount::parse_decimal(M).unwrap())
            .add_amount(Amount::from(1u128));
        assert_eq!(r.total, two_m_plus_1);
        // Paths sum parallel transfers: x sent a 2M.
        let p = paths(
            v,
            v.lookup("x").unwrap(),
            v.lookup("a").unwrap(),
            &PathConfig::defaults(),
        );
        assert_eq!(
            p.top[0].bottleneck,
            two_m_plus_1
                .checked_sub(Total::from(1u128))
                .unwrap_or_default()
        );
    });
    // TIHO and haircut: a receives 2M tainted; b and c each get M, and the exact total is 2M.
    let ts = rows("s,a,M / s,a,M / a,b,M / a,c,M");
    let two_m = "231584178474632390847141970017375815706539969331281128078915168015826259279870";
    for model in MODELS {
        both(&ts, |v| {
            let held = |h: &str| (model != TaintModel::Poison).then(|| h.to_owned());
            let t = table(&run(v, &["s"], &[], model));
            assert_eq!(
                t.iter()
                    .map(|r| (r.0.as_str(), r.1.as_str(), r.2.clone()))
                    .collect::<Vec<_>>(),
                vec![
                    ("a", two_m, held("0")),
                    ("b", M, held(M)),
                    ("c", M, held(M)),
                ],
                "{model:?}"
            );
        });
    }
}

#[test]
fn a_seed_transfer_starts_the_path_and_the_hop_count() {
    let ts = rows("z,a,5,x1,1 / a,b,5,x2,2");
    for model in MODELS {
        both(&ts, |v| {
            let t = table(&run(v, &["z"], &["x2"], model));
            let b = t.iter().find(|r| r.0 == "b").unwrap();
            assert_eq!((b.3, b.4.clone()), (1, vec!["x2".to_owned()]), "{model:?}");
            for r in &t {
                assert_eq!(r.3 as usize, r.4.len(), "{model:?}: hop and path agree");
            }
        });
    }
}

#[test]
fn a_seed_spelled_two_ways_is_one_seed() {
    let checksummed = "0x52908400098527886E0F7030069857D2E4169EE7";
    let ts = vec![Transfer {
        from: checksummed.to_ascii_lowercase(),
        to: "0x8617e340b3d01fa5f11f306f4090fd50e238070d".into(),
        amount: Amount::from(7u128),
        block: 1,
        time: None,
        asset: String::new(),
        tx: None,
    }];
    both(&ts, |v| {
        let r = run(
            v,
            &[checksummed, &checksummed.to_ascii_lowercase()],
            &[],
            TaintModel::Poison,
        );
        assert_eq!(r.seed_addresses, vec![checksummed.to_ascii_lowercase()]);
        assert_eq!(r.seeded_exact, Total::from(7u128));
    });
}

#[test]
fn haircut_is_exact_and_loses_no_taint() {
    let cases: [(&str, Vec<Row>); 3] = [
        // The case: 124 stays tainted at a.
        (
            "z,a,M / a,b,M-124",
            vec![
                row("a", M, Some("124"), 1, &[""]),
                row(
                    "b",
                    &Amount::parse_decimal(M)
                        .unwrap()
                        .checked_sub(Amount::from(124u128))
                        .unwrap()
                        .to_string(),
                    Some(
                        &Amount::parse_decimal(M)
                            .unwrap()
                            .checked_sub(Amount::from(124u128))
                            .unwrap()
                            .to_string(),
                    ),
                    2,
                    &["", ""],
                ),
            ],
        ),
        // a holds 100 clean and 50 tainted, pays 1 three times: shares of 1/3 round down, and
        // what is rounded off stays with a.
        (
            "c,a,100 / z,a,50 / a,b,1 / a,b,1 / a,b,1",
            vec![row("a", "50", Some("50"), 1, &[""])],
        ),
        // Paying more than the known balance: the missing history is clean, all taint leaves.
        (
            "z,a,10 / a,b,30",
            vec![
                row("a", "10", Some("0"), 1, &[""]),
                row("b", "10", Some("10"), 2, &["", ""]),
            ],
        ),
    ];
    for (text, want) in cases {
        both(&rows(text), |v| {
            assert_eq!(
                table(&run(v, &["z"], &[], TaintModel::Haircut)),
                want,
                "{text}"
            );
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Modelling choices the docs state, each with the example the docs give.

fn labelled(v: &GraphRef<'_>, pairs: &[(&str, &str)]) -> NodeLabels {
    let mut labels = NodeLabels::default();
    for (a, c) in pairs {
        labels.insert(
            v.lookup(a).unwrap(),
            NodeLabel {
                category: (*c).into(),
                label: String::new(),
                source: String::new(),
                cluster: None,
            },
        );
    }
    labels
}

#[test]
fn exposure_cuts_in_the_documented_order() {
    // t received 1 from a, then 3 from b; b had received 5 + 5 from x and y, who received nothing.
    let ts = rows("x,b,5,,0 / y,b,5,,0 / a,t,1,,1 / b,t,3,,2");
    let g = OwnedGraph::from_transfers(&ts);
    let v = g.view();
    // (labels, hops, cap) → (category share, hop limit, epsilon, degree cap, no flow), epsilon 0.3.
    type Case<'a> = (&'a [(&'a str, &'a str)], u32, Option<u64>, [f64; 5]);
    let cases: [Case<'_>; 5] = [
        // Epsilon cuts a (0.25) before the hop limit counts b (0.75)…
        (&[], 1, Some(1), [0.0, 0.75, 0.25, 0.0, 0.0]),
        // …and the hop limit comes before the degree cap: b has 2 in-edges > 1, but at hop 1
        // of 1 it is counted as hop limit. With a second hop, the cap stops b.
        (&[], 2, Some(1), [0.0, 0.0, 0.25, 0.75, 0.0]),
        // Without the cap, x and y get 0.375 each and reach the hop limit…
        (&[], 2, None, [0.0, 0.75, 0.25, 0.0, 0.0]),
        // …and one hop further they have no prior flow.
        (&[], 3, None, [0.0, 0.0, 0.25, 0.0, 0.75]),
        // A label is credited before epsilon: a's 0.25 counts for its category.
        (&[("a", "mixer")], 1, Some(1), [0.25, 0.75, 0.0, 0.0, 0.0]),
    ];
    for (labels, hops, cap, want) in cases {
        let cfg = ExposureConfig {
            max_hops: hops,
            epsilon: 0.3,
            degree_cap: cap,
            ..ExposureConfig::defaults(Direction::In)
        };
        let r = exposure(&v, &labelled(&v, labels), v.lookup("t").unwrap(), &cfg);
        let u = &r.unattributed;
        let got = [
            r.attributed_share,
            u.hop_limit,
            u.epsilon,
            u.degree_cap,
            u.no_flow,
        ];
        assert_eq!(got, want, "labels {labels:?}, {hops} hops, cap {cap:?}");
    }
}

#[test]
fn a_labelled_wallet_is_its_own_counterparty_through_a_cycle() {
    // The exchange t sent 10 to a, and a sent it back: t's inflow came from t.
    let ts = rows("t,a,10,,1 / a,t,10,,2");
    let g = OwnedGraph::from_transfers(&ts);
    let v = g.view();
    let labels = labelled(&v, &[("t", "exchange")]);
    let r = exposure(
        &v,
        &labels,
        v.lookup("t").unwrap(),
        &ExposureConfig::defaults(Direction::In),
    );
    assert_eq!(
        r.target_label.as_ref().map(|l| l.category.as_str()),
        Some("exchange")
    );
    let c = &r.categories[0];
    assert_eq!(
        (
            c.category.as_str(),
            c.share,
            c.min_hop,
            c.counterparties[0].address.as_str()
        ),
        ("exchange", 1.0, 2, "t")
    );
}

#[test]
fn the_time_column_does_not_order_transfers() {
    // Same block: row order says a→m, then m→b; the times say the opposite. Row order wins.
    let mut ts = rows("a,m,10,,1 / m,b,10,,1");
    ts[0].time = Some(200);
    ts[1].time = Some(100);
    both(&ts, |v| {
        let t = table(&run(v, &["a"], &[], TaintModel::Poison));
        assert_eq!(
            t.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
            ["b", "m"]
        );
        let labels = labelled(v, &[("a", "theft")]);
        let r = exposure(
            v,
            &labels,
            v.lookup("b").unwrap(),
            &ExposureConfig::defaults(Direction::In),
        );
        assert_eq!(r.attributed_share, 1.0);
    });
}
