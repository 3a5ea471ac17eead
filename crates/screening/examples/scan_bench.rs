//! Throughput of the free-text scan against OFAC SDN + UN (`../shared`): messages of the scan
//! evaluation set (`test_data/scan/scan.csv`) repeated to at least `MB` megabytes (default 50),
//! scanned by `THREADS` threads (default 2), each taking every `THREADS`-th message; then the
//! same bytes as one long text per thread, which exercises the segmenting.
//!
//! `SHARE` (default 0.01) is the share of messages that carry a listed name: the set's negative
//! messages, with one of its positive messages in every `1 / SHARE` (payment traffic in which one
//! message in a hundred names a listed party is already far above what banks see). `SHARE` 1
//! takes the set's messages as they are (about two in five carry a name).
//!
//! ```text
//! cargo run --release -p screening --example scan_bench -- [MB] [THREADS] [SHARE]
//! ```

#[path = "../tests/support/evalset.rs"]
mod evalset;

use std::time::Instant;

use screening::ScanConfig;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mb: usize = args.next().map_or(Ok(50), |a| a.parse())?;
    let threads: usize = args.next().map_or(Ok(2), |a| a.parse())?;
    let share: f64 = args.next().map_or(Ok(0.01), |a| a.parse())?;
    let Some(screener) = evalset::eval_screener(false)? else {
        eprintln!("skipped: ../shared is absent");
        return Ok(());
    };
    let rows = evalset::parse_csv(include_str!("../test_data/scan/scan.csv"));
    let positive = |r: &&Vec<String>| r.get(2).is_some_and(|e| !e.is_empty());
    let all: Vec<&str> = rows
        .iter()
        .skip(1)
        .filter_map(|r| r.get(1).map(String::as_str))
        .collect();
    let negatives: Vec<&str> = rows
        .iter()
        .skip(1)
        .filter(|r| !positive(r))
        .filter_map(|r| r.get(1).map(String::as_str))
        .collect();
    let positives: Vec<&str> = rows
        .iter()
        .skip(1)
        .filter(|r| positive(r))
        .filter_map(|r| r.get(1).map(String::as_str))
        .collect();
    let every = if share > 0.0 {
        (1.0 / share).round().max(1.0) as usize
    } else {
        usize::MAX
    };
    let mut messages: Vec<&str> = Vec::new();
    let mut bytes = 0usize;
    let (mut neg, mut pos) = (0usize, 0usize);
    while bytes < mb << 20 {
        let m = if share >= 1.0 {
            all[messages.len() % all.len()]
        } else if messages.len() % every == every - 1 {
            pos += 1;
            positives[pos % positives.len()]
        } else {
            neg += 1;
            negatives[neg % negatives.len()]
        };
        messages.push(m);
        bytes += m.len();
    }
    let cfg = ScanConfig::default();
    // The prefilter is built on the first scan; build it outside the timing.
    screener.scan("warm up", &cfg);
    let started = Instant::now();
    let hits: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (screener, messages) = (&screener, &messages);
                s.spawn(move || {
                    messages
                        .iter()
                        .skip(t)
                        .step_by(threads)
                        .map(|m| screener.scan(m, &cfg).len())
                        .sum::<usize>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    let secs = started.elapsed().as_secs_f64();
    println!(
        "messages (share with a name {share}): {} messages, {:.1} MB, {threads} threads: {:.2} s, {:.1} MB/s, {:.0} messages/s, {hits} hits",
        messages.len(),
        bytes as f64 / 1e6,
        secs,
        bytes as f64 / 1e6 / secs,
        messages.len() as f64 / secs
    );
    let long: Vec<String> = (0..threads)
        .map(|t| {
            let part: Vec<&str> = messages.iter().skip(t).step_by(threads).copied().collect();
            part.join("\n")
        })
        .collect();
    let started = Instant::now();
    let hits: usize = std::thread::scope(|s| {
        let handles: Vec<_> = long
            .iter()
            .map(|text| {
                let screener = &screener;
                s.spawn(move || screener.scan(text, &cfg).len())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    let secs = started.elapsed().as_secs_f64();
    let total: usize = long.iter().map(String::len).sum();
    println!(
        "one long text per thread: {:.1} MB, {threads} threads: {:.2} s, {:.1} MB/s, {hits} hits",
        total as f64 / 1e6,
        secs,
        total as f64 / 1e6 / secs
    );
    Ok(())
}
