//! Measures the serialised screener over SDN + ALT + UN (`../shared`): `build PATH` parses the
//! lists, builds the screener and saves it to PATH; `open PATH` reads PATH, opens it and runs
//! the first query, as one `interdict screen NAME` with a cached index would. Each prints its
//! times and the process's peak resident memory.
//!
//! ```text
//! cargo run --release -p screening --example index_open -- build /tmp/screener.bin
//! cargo run --release -p screening --example index_open -- open /tmp/screener.bin
//! ```

#[path = "../tests/support/evalset.rs"]
mod evalset;
#[path = "../tests/support/rss.rs"]
mod rss;

use std::time::Instant;

use screening::{Query, ScreenConfig, Screener};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(mode), Some(path)) = (args.get(1), args.get(2)) else {
        anyhow::bail!("usage: index_open build|open PATH [--no-checksum]");
    };
    match mode.as_str() {
        "build" => {
            let Some(lists) = evalset::load_lists()? else {
                eprintln!("../shared is absent; nothing to measure");
                return Ok(());
            };
            let t = Instant::now();
            let s = Screener::build(lists);
            let built = t.elapsed();
            let t = Instant::now();
            let mut bytes = Vec::new();
            s.save(&mut bytes)?;
            let saved = t.elapsed();
            std::fs::write(path, &bytes)?;
            println!(
                "build {built:.2?}, save {saved:.2?}, {} bytes, {} entities, {} names; peak RSS {} kB",
                bytes.len(),
                s.len(),
                s.name_count(),
                rss::peak_rss_kb()
            );
        }
        "open" => {
            let verify = !args.iter().any(|a| a == "--no-checksum");
            let t = Instant::now();
            let bytes = std::fs::read(path)?;
            let read = t.elapsed();
            let t = Instant::now();
            let s = if verify {
                Screener::load(bytes)?
            } else {
                Screener::load_without_checksum(bytes)?
            };
            let load = t.elapsed();
            let t = Instant::now();
            let first = s.screen(&Query::name("Kim Jong Un"), &ScreenConfig::default());
            let query = t.elapsed();
            let t = Instant::now();
            let second = s.screen(&Query::name("Kim Jong Un"), &ScreenConfig::default());
            let again = t.elapsed();
            assert_eq!(first, second);
            println!(
                "read {read:.2?}, load {load:.2?}, first query {query:.2?} ({} matches), same query again {again:.2?}; peak RSS {} kB",
                first.len(),
                rss::peak_rss_kb()
            );
        }
        other => anyhow::bail!("unknown mode {other:?}; use build or open"),
    }
    Ok(())
}
