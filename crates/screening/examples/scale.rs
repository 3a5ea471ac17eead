//! Builds a synthetic index (default 1,000,000 entities) and measures build time, memory and
//! query throughput on two threads.
//!
//! ```text
//! cargo run --release -p screening --example scale -- [--entities 1000000] [--queries 20000]
//! ```

#[path = "../tests/support/rss.rs"]
mod rss;

use std::time::Instant;

use screening::{ListRef, Query, ScreenConfig, Screener, synthetic};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let n = arg("--entities", 1_000_000);
    let nq = arg("--queries", 20_000);
    let t0 = Instant::now();
    let entities = synthetic::entities(n, 1);
    let gen_time = t0.elapsed();
    // Queries: names of other synthetic entities (another seed), so most hit common tokens.
    let queries: Vec<Query> = synthetic::entities(nq, 2)
        .into_iter()
        .map(|e| Query::name(e.caption().to_owned()))
        .collect();
    let t1 = Instant::now();
    let screener = Screener::build(vec![(ListRef::new("synthetic", "1"), entities)]);
    let build = t1.elapsed();
    eprintln!(
        "generated {n} entities in {gen_time:.2?}; built {} names, {} keys (index {:.0} MB) in {build:.2?}; peak RSS {} MB",
        screener.name_count(),
        screener.index().key_count(),
        screener.index().heap_bytes() as f64 / 1e6,
        rss::peak_rss_kb() / 1024
    );
    let cfg = ScreenConfig::default();
    let t2 = Instant::now();
    let hits: usize = std::thread::scope(|s| {
        let hs: Vec<_> = queries
            .chunks(queries.len().div_ceil(2).max(1))
            .map(|part| {
                let sc = &screener;
                s.spawn(move || part.iter().map(|q| sc.screen(q, &cfg).len()).sum::<usize>())
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    let el = t2.elapsed();
    eprintln!(
        "{nq} queries on 2 threads in {el:.2?}: {:.0} queries/s ({hits} matches above the floor)",
        nq as f64 / el.as_secs_f64()
    );
}
