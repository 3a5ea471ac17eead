//! Address clustering on generated UTXO transactions with planted clusters. The size follows
//! `UTXO_BENCH_WALLETS` (default 20,000 wallets, about 1.2 million inputs); figures in
//! docs/benchmarks.md.

use std::sync::OnceLock;

use graph::utxo::{ClusterConfig, UtxoBuilder, UtxoGenConfig, UtxoSet, cluster, generate};

fn main() {
    divan::main();
}

fn config() -> UtxoGenConfig {
    UtxoGenConfig {
        wallets: std::env::var("UTXO_BENCH_WALLETS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(20_000),
        max_addresses: 16,
        spends: 8,
        coinjoins: 1_000,
        seed: 11,
        long_ids: false,
    }
}

fn fixture() -> &'static UtxoSet {
    static F: OnceLock<UtxoSet> = OnceLock::new();
    F.get_or_init(|| {
        let mut b = UtxoBuilder::new();
        let inputs = generate(&config(), &mut b).expect("generated set fits");
        let set = b.finish();
        eprintln!(
            "{inputs} inputs, {} transactions, {} addresses",
            set.tx_count(),
            set.address_count()
        );
        set
    })
}

#[divan::bench(sample_count = 3)]
fn generate_and_group() -> UtxoSet {
    let mut b = UtxoBuilder::new();
    generate(&config(), &mut b).expect("generated set fits");
    b.finish()
}

#[divan::bench(sample_count = 5)]
fn cluster_multi_input() -> usize {
    cluster(fixture(), &ClusterConfig::default()).joins.len()
}
