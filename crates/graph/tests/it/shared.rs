//! Acceptance over the real data in `../shared/data` (skipped when absent).

use graph::input::canonical_address;
use graph::labels::{LabelRecord, NodeLabels};
use graph::view::{OwnedGraph, Transfer};

#[test]
fn fbi_bybit_list_loads_as_a_label_file() {
    let Some(path) = testkit::shared("data/dprk/bybit_hack_2025-02_fbi_psa250226_eth.txt") else {
        return;
    };
    let text = std::fs::read_to_string(path).expect("the shared file reads");
    let (labels, diags) = wallets::labels::parse("FBI PSA250226", text.as_bytes(), "stolen_funds");
    assert!(diags.is_empty(), "{diags:?}");
    let records: Vec<LabelRecord> = labels
        .into_iter()
        .map(|l| LabelRecord {
            address: l.address,
            chain: l.chain.unwrap_or_default(),
            category: l.category,
            label: l.label,
            source: l.source,
        })
        .collect();
    assert_eq!(records.len(), 51);
    // Every entry is a checksummed EVM address and canonicalises through chain::parse.
    assert!(records.iter().all(|r| canonical_address(&r.address).1));
    // Labels resolve against a graph whatever the spelling in the transfers.
    let first = records[0].address.to_ascii_lowercase();
    let g = OwnedGraph::from_transfers(&[Transfer {
        from: first,
        to: "0x00000000000000000000000000000000000000aa".into(),
        amount: 1u128.into(),
        block: 1,
        time: None,
        asset: String::new(),
        tx: None,
    }]);
    let labels = NodeLabels::resolve(&g.view(), &records);
    assert_eq!((labels.len(), labels.not_in_graph), (1, 50));
}
