//! Screening benchmarks against OFAC SDN + UN (`../shared`), skipped when the files are absent.
//!
//! ```text
//! cargo bench -p screening --bench screen -j2
//! ```

#[path = "../tests/support/evalset.rs"]
mod evalset;

use std::sync::OnceLock;

use screening::{ScreenConfig, Screener};

fn main() {
    divan::main();
}

fn screener() -> Option<&'static Screener> {
    static S: OnceLock<Option<Screener>> = OnceLock::new();
    S.get_or_init(|| evalset::eval_screener(false).ok().flatten())
        .as_ref()
}

fn queries() -> &'static [evalset::EvalQuery] {
    static Q: OnceLock<Vec<evalset::EvalQuery>> = OnceLock::new();
    Q.get_or_init(|| {
        std::fs::read_to_string(format!("{}/eval/names-dev.csv", evalset::SHARED))
            .map(|t| evalset::read_queries(&t))
            .unwrap_or_default()
    })
}

/// One query at a time, cycling through the dev set (all categories, all scripts).
#[divan::bench(sample_count = 2000)]
fn screen_one(bencher: divan::Bencher) {
    let (Some(s), qs) = (screener(), queries()) else {
        return;
    };
    if qs.is_empty() {
        return;
    }
    let cfg = ScreenConfig::default();
    let mut i = 0usize;
    bencher.bench_local(|| {
        i = (i + 7919) % qs.len();
        divan::black_box(s.screen(&qs[i].query, &cfg))
    });
}

/// Building the index over SDN + UN from parsed entities (parsing excluded).
#[divan::bench(sample_count = 5)]
fn build_sdn_un(bencher: divan::Bencher) {
    let Ok(Some(lists)) = evalset::load_lists() else {
        return;
    };
    bencher
        .with_inputs(|| lists.clone())
        .bench_values(|l| divan::black_box(Screener::build(l).len()));
}
