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

/// The serialised screener over SDN + ALT + UN (every entity, as `interdict screen` loads them):
/// built once, saved once.
fn saved_full() -> Option<&'static (Screener, Vec<u8>)> {
    static S: OnceLock<Option<(Screener, Vec<u8>)>> = OnceLock::new();
    S.get_or_init(|| {
        let lists = evalset::load_lists().ok().flatten()?;
        let s = Screener::build(lists);
        let mut bytes = Vec::new();
        s.save(&mut bytes).ok()?;
        eprintln!("serialised screener: {} bytes", bytes.len());
        Some((s, bytes))
    })
    .as_ref()
}

/// Writing the serialised screener into memory.
#[divan::bench(sample_count = 10)]
fn index_save(bencher: divan::Bencher) {
    let Some((s, bytes)) = saved_full() else {
        return;
    };
    bencher.bench(|| {
        let mut out = Vec::with_capacity(bytes.len());
        s.save(&mut out).ok();
        divan::black_box(out.len())
    });
}

/// Opening the serialised screener from bytes already in memory (the copy of the bytes, which
/// stands for reading the file, is outside the timing).
#[divan::bench(sample_count = 50)]
fn index_load(bencher: divan::Bencher) {
    let Some((_, bytes)) = saved_full() else {
        return;
    };
    bencher
        .with_inputs(|| bytes.clone())
        .bench_values(|b| divan::black_box(Screener::load(b).map(|s| s.len()).ok()));
}

/// Opening without the checksum pass.
#[divan::bench(sample_count = 50)]
fn index_load_without_checksum(bencher: divan::Bencher) {
    let Some((_, bytes)) = saved_full() else {
        return;
    };
    bencher.with_inputs(|| bytes.clone()).bench_values(|b| {
        divan::black_box(Screener::load_without_checksum(b).map(|s| s.len()).ok())
    });
}

/// Opening and then the first query (`Kim Jong Un`, explained), as one `interdict screen` does.
#[divan::bench(sample_count = 50)]
fn index_load_and_first_query(bencher: divan::Bencher) {
    let Some((_, bytes)) = saved_full() else {
        return;
    };
    let cfg = ScreenConfig::default();
    let q = screening::Query::name("Kim Jong Un");
    bencher.with_inputs(|| bytes.clone()).bench_values(|b| {
        let s = Screener::load(b).ok()?;
        Some(divan::black_box(s.screen(&q, &cfg).len()))
    });
}
