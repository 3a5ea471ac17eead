//! Address validation throughput.
//!
//! Run with `cargo bench -p chain --bench addresses`. Each iteration parses a whole batch, and the
//! items counter makes divan report addresses per second.

use std::hint::black_box;
use std::path::Path;

use divan::Bencher;
use divan::counter::ItemsCount;

fn main() {
    divan::main();
}

/// A fixed mix shaped like the OFAC lists: mostly Bitcoin (P2PKH, P2SH, bech32), then EVM
/// (checksummed and lower-case), Tron, and a few of every other format.
const MIX: &[&str] = &[
    "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX",
    "1295rkVyNfFpqZpXvKGhDqwhP1jZcNNDMV",
    "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h",
    "1Kuf2Rd8mDyAViwBozGTNYnvWL8uYFrkVo",
    "33Kja69SQVc8kozpoP7Qw6HFtGxHkiWzTz",
    "3MkUNScqf21EcfWq6T4x2MFgBeSTqhB5t6",
    "3E7YbpXuhh3CWFks1jmvWoV8y5DvsfzE6n",
    "bc1qv7k70u2zynvem59u88ctdlaw7hc735d8xep9rq",
    "bc1qw4cxpe6sxa5dg6sdwxjph959cw6yztrzl4r54s",
    "bc1q90zrdysy4flyacw7hsury3ajs9yzwtwp6guqpypx94w0d3p58hysvz6pde",
    "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
    "0xa0e1c89Ef1a489c9C7dE96311eD5Ce5D32c20E4B",
    "0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c",
    "0xd882cfc20f52f2599d84b8e8d58c7fb62cfe344b",
    "TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq",
    "TMStbg5fgb4uTV7fK1gEYF9hKAzP3siPsG",
    "LaizKtS5DUhPuP1nTQcc83MS7HwK6vk85z",
    "qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq",
    "XnPFsRWTaSgiVauosEwQ6dEitGYXgwznz2",
    "t1MMXtBrSp1XG38Lx9cePcNUCJj5vdWfUWL",
    "rnXyVQzgxZe7TR1EPzTkGj2jxH4LMJYh66",
    "42RLPACwZPx3vYYmxSueqsogfynBDqXK298EDsNoyoHi",
    "49HqitRzdnhYjgTEAhgGpCfsjdTeMbUTU6cyR4JV1R7k2Eej9rGT8JpFiYDa4tZM6RZiFrHmMzgSrhHEqpDYKBe5B2ufNsL",
    // Rejections are part of real traffic too.
    "1B64QRxf",
    "0xC5ABDE4CE8C5740F4bad6C3B05E4Da31d229659",
];

#[divan::bench]
fn parse_mix(bencher: Bencher) {
    bencher.counter(ItemsCount::new(MIX.len())).bench(|| {
        let mut ok = 0usize;
        for s in black_box(MIX) {
            ok += chain::parse(s).is_ok() as usize;
        }
        ok
    });
}

/// Every address of the OFAC lists in `../shared/data`, when that folder is present.
#[divan::bench]
fn parse_ofac_lists(bencher: Bencher) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/crypto");
    let mut lines = Vec::new();
    for sub in ["0xB10C_lists_2024-09-27", "0xB10C_lists_2025"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths
            .iter()
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        {
            if let Ok(text) = std::fs::read_to_string(p) {
                lines.extend(text.lines().filter(|l| !l.is_empty()).map(str::to_owned));
            }
        }
    }
    if lines.is_empty() {
        eprintln!("parse_ofac_lists: shared data absent, benchmarking the fixed mix instead");
        lines = MIX.iter().map(|s| (*s).to_owned()).collect();
    }
    bencher.counter(ItemsCount::new(lines.len())).bench(|| {
        let mut ok = 0usize;
        for s in black_box(&lines) {
            ok += chain::parse(s).is_ok() as usize;
        }
        ok
    });
}
