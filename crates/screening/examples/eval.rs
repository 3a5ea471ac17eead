//! Runs the shared evaluation set (`../shared/eval`) through the screener and writes results
//! JSON lines for `score.py`.
//!
//! ```text
//! cargo run --release -p screening --example eval -- [--mode ofac] [--out results.jsonl]
//!     [--queries ../shared/eval/names-dev.csv] [--threads 2] [--repeat 3] [--slowest]
//! python3 ../shared/eval/score.py ../shared/eval/names-dev.csv results.jsonl --threshold 0.8
//! ```
//!
//! The index is built from our own parsers exactly as `../shared/eval/README.md` describes (see
//! `screening::evalset`).

#[path = "../tests/support/evalset.rs"]
mod evalset;

use std::io::Write;
use std::time::Instant;

use screening::{Mode, ScreenConfig};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let mode = match arg("--mode").as_deref() {
        Some("ofac") => Mode::Ofac,
        _ => Mode::Default,
    };
    let out_path = arg("--out").unwrap_or_else(|| "results.jsonl".into());
    let queries_path =
        arg("--queries").unwrap_or_else(|| format!("{}/eval/names-dev.csv", evalset::SHARED));
    let threads: usize = arg("--threads").and_then(|t| t.parse().ok()).unwrap_or(2);

    let t0 = Instant::now();
    let Some(screener) = evalset::eval_screener(false)? else {
        eprintln!("../shared is absent; nothing to evaluate");
        return Ok(());
    };
    let build = t0.elapsed();
    eprintln!(
        "loaded and built: {} entities, {} names, {} keys, index {:.1} MB, in {:.2?}",
        screener.len(),
        screener.name_count(),
        screener.index().key_count(),
        screener.index().heap_bytes() as f64 / 1e6,
        build
    );
    let queries = evalset::read_queries(&std::fs::read_to_string(&queries_path)?);
    let cfg = ScreenConfig {
        mode,
        floor: 0.0,
        limit: 10,
        ..ScreenConfig::default()
    };
    // Warm-up so the timing below measures the steady state.
    for q in queries.iter().take(200) {
        screener.screen(&q.query, &cfg);
    }
    let t1 = Instant::now();
    let chunk = queries.len().div_ceil(threads.max(1));
    let results: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = queries
            .chunks(chunk.max(1))
            .map(|part| {
                let screener = &screener;
                s.spawn(move || {
                    part.iter()
                        .map(|q| {
                            let ms = screener.screen(&q.query, &cfg);
                            let matches: Vec<serde_json::Value> = ms
                                .iter()
                                .map(|m| {
                                    serde_json::json!({"entity_id": m.entity_id, "score": m.score})
                                })
                                .collect();
                            serde_json::json!({"query_id": q.id, "matches": matches}).to_string()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let elapsed = t1.elapsed();
    eprintln!(
        "screened {} queries on {threads} threads in {:.2?}: {:.0} queries/s",
        queries.len(),
        elapsed,
        queries.len() as f64 / elapsed.as_secs_f64()
    );
    // Latency of single queries on one thread, for the median and 99th percentile, with the
    // default configuration (`interdict screen "NAME"`: floor 0.5, top 10, explanations).
    // Wall time: on a shared machine it includes preemption by other jobs, so with `--repeat N`
    // every query is timed N times (in N passes over the set) and its fastest time is kept.
    let single = ScreenConfig {
        mode,
        ..ScreenConfig::default()
    };
    let repeat: usize = arg("--repeat").and_then(|r| r.parse().ok()).unwrap_or(1);
    let mut timed: Vec<(f64, &str)> = queries
        .iter()
        .map(|q| (f64::INFINITY, q.id.as_str()))
        .collect();
    for _ in 0..repeat.max(1) {
        for (q, slot) in queries.iter().zip(timed.iter_mut()) {
            let t = Instant::now();
            std::hint::black_box(screener.screen(&q.query, &single));
            slot.0 = slot.0.min(t.elapsed().as_secs_f64() * 1e6);
        }
    }
    timed.sort_by(|a, b| a.0.total_cmp(&b.0));
    if args.iter().any(|a| a == "--slowest") {
        for (t, id) in timed.iter().rev().take(10) {
            eprintln!("  slow: {id} {t:.0} µs");
        }
    }
    let lat: Vec<f64> = timed.iter().map(|t| t.0).collect();
    let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p) as usize];
    eprintln!(
        "single query, one thread: median {:.0} µs, p90 {:.0} µs, p99 {:.0} µs, max {:.0} µs",
        pct(0.5),
        pct(0.9),
        pct(0.99),
        pct(1.0)
    );
    let mut f = std::io::BufWriter::new(std::fs::File::create(&out_path)?);
    for line in results {
        writeln!(f, "{line}")?;
    }
    eprintln!("wrote {out_path}");
    Ok(())
}
