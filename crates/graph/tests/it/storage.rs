use graph::input::CsvTransfers;
use graph::storage::{GraphBuilder, ImportRecord, MappedGraph};
use graph::view::{GraphRef, OwnedGraph, Transfer};

use crate::small;

/// Asserts that two graphs hold the same columns.
pub fn same(a: &GraphRef<'_>, b: &GraphRef<'_>) {
    assert_eq!(a.out.offsets, b.out.offsets);
    assert_eq!(a.out.nbrs, b.out.nbrs);
    assert_eq!(a.out.eids, b.out.eids);
    assert_eq!(a.inc.offsets, b.inc.offsets);
    assert_eq!(a.inc.nbrs, b.inc.nbrs);
    assert_eq!(a.inc.eids, b.inc.eids);
    assert_eq!(a.src, b.src);
    assert_eq!(a.dst, b.dst);
    assert_eq!(a.amount_lo, b.amount_lo);
    assert_eq!(a.big_eids, b.big_eids);
    assert_eq!(a.big_hi, b.big_hi);
    assert_eq!(a.block, b.block);
    assert_eq!(a.time, b.time);
    assert_eq!(a.asset, b.asset);
    assert_eq!(a.tx, b.tx);
    assert_eq!(a.addresses.bytes, b.addresses.bytes);
    assert_eq!(a.addresses.offsets, b.addresses.offsets);
    assert_eq!(a.address_order, b.address_order);
    assert_eq!(a.txs.bytes, b.txs.bytes);
    assert_eq!(a.assets, b.assets);
}

fn build(dir: &std::path::Path, ts: &[Transfer]) {
    let mut b = GraphBuilder::create(dir).unwrap();
    for t in ts {
        b.push(&t.as_ref()).unwrap();
    }
    b.finish(ImportRecord::default()).unwrap();
}

#[test]
fn disk_graph_equals_in_memory_graph() {
    let (mut ts, _) = small(41, 300, 1000);
    // Shuffle blocks a little so the import has to re-sort, and add a uint256 amount.
    ts.swap(10, 900);
    ts[5].amount = graph::amount::Amount::parse_decimal(
        "115792089237316195423570985008687907853269984665640564039457584007913129639935",
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("g");
    build(&dir, &ts);
    let m = MappedGraph::open(&dir).unwrap();
    let o = OwnedGraph::from_transfers(&ts);
    same(&m.view(), &o.view());
    assert!(m.meta().imports[0].resorted);
    let v = m.view();
    let e = v.big_eids[0];
    assert_eq!(v.amount(e), ts[5].amount);
    assert_eq!(
        v.lookup(&ts[0].from.to_uppercase().replace("0X", "0x")),
        v.lookup(&ts[0].from)
    );
}

#[test]
fn append_equals_one_import() {
    let (ts, _) = small(42, 300, 1000);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("g");
    build(&dir, &ts[..600]);
    let mut b = GraphBuilder::append(&dir).unwrap();
    for t in &ts[600..] {
        b.push(&t.as_ref()).unwrap();
    }
    let meta = b.finish(ImportRecord::default()).unwrap();
    assert_eq!(meta.imports.len(), 2);
    let m = MappedGraph::open(&dir).unwrap();
    same(&m.view(), &OwnedGraph::from_transfers(&ts).view());
    assert!(!tmp.path().join("g.tmp").exists() && !tmp.path().join("g.old").exists());
}

#[test]
fn csv_import_reports_bad_rows_and_loads_the_rest() {
    let csv = "from,to,amount,block,tx\n\
               0xaa00000000000000000000000000000000000001,0xaa00000000000000000000000000000000000002,10,5,0x1\n\
               0xaa00000000000000000000000000000000000001,0xaa00000000000000000000000000000000000002,ten,5,0x2\n\
               Alice,0xAA00000000000000000000000000000000000002,7,4,\n";
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("g");
    let mut b = GraphBuilder::create(&dir).unwrap();
    let mut r = CsvTransfers::new(csv.as_bytes()).unwrap();
    let mut bad = Vec::new();
    while let Some(row) = r.next_row() {
        match row {
            Ok(t) => b.push(&t).unwrap(),
            Err(d) => bad.push((d.row, d.line)),
        }
    }
    let meta = b.finish(ImportRecord::default()).unwrap();
    assert_eq!(bad, vec![(2, Some(3))]);
    assert_eq!(
        (meta.nodes, meta.edges, meta.non_canonical_addresses),
        (3, 2, 1)
    );
    let m = MappedGraph::open(&dir).unwrap();
    let v = m.view();
    // Block 4 sorts before block 5.
    assert_eq!(v.address(v.src[0]), "alice");
    assert_eq!(v.block, &[4, 5]);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    /// Interleaved transaction rows, equal blocks, out-of-order blocks and an append: the disk
    /// graph equals the in-memory one, and `meta.txs` counts distinct (block, id) pairs.
    #[test]
    fn disk_graph_keeps_one_entry_per_transaction(
        rows in proptest::collection::vec((0u8..4, 0u8..4, 0u64..4, proptest::option::of(0u8..3)), 1..40),
        split in 0usize..40,
    ) {
        let ts: Vec<Transfer> = rows
            .iter()
            .map(|&(f, t, block, tx)| Transfer {
                from: format!("n{f}"),
                to: format!("n{t}"),
                amount: 1u128.into(),
                block,
                time: None,
                asset: String::new(),
                tx: tx.map(|x| format!("x{x}")),
            })
            .collect();
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("g");
        let split = split.min(ts.len());
        build(&dir, &ts[..split]);
        let mut b = GraphBuilder::append(&dir).unwrap();
        for t in &ts[split..] {
            b.push(&t.as_ref()).unwrap();
        }
        let meta = b.finish(ImportRecord::default()).unwrap();
        let distinct: std::collections::BTreeSet<(u64, &str)> = ts
            .iter()
            .filter_map(|t| t.tx.as_deref().map(|x| (t.block, x)))
            .collect();
        proptest::prop_assert_eq!(meta.txs, distinct.len() as u64);
        let m = MappedGraph::open(&dir).unwrap();
        same(&m.view(), &OwnedGraph::from_transfers(&ts).view());
    }
}
