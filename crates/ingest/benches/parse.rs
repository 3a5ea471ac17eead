//! Parser throughput benchmarks (`cargo bench -p ingest --bench parse`).
//!
//! Each case builds its input in memory so that the benchmark needs no data files in the
//! repository; where a real sample in `../shared/data` seeds the generator and is absent, the
//! case falls back to a small built-in record.

use divan::counter::BytesCount;

fn main() {
    divan::main();
}

/// ingest: FtM — FtM JSON lines throughput.
mod ftm {
    use super::*;

    /// The yente sample, one entity per line, or a built-in entity when the sample is absent.
    fn seed_lines() -> Vec<String> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/opensanctions/yente_t1_entities.ftm.json"
        );
        let text = std::fs::read_to_string(path).unwrap_or_else(|_| {
            concat!(
                r#"{"id":"NK-seed","schema":"Person","caption":"Ivan Petrov","#,
                r#""properties":{"name":["Ivan Petrov","Иван Петров"],"birthDate":["1970-01-02"],"#,
                r#""nationality":["ru"],"gender":["male"],"topics":["sanction"]},"#,
                r#""datasets":["eu_fsf"],"first_seen":"2024-01-01T00:00:00","target":true}"#
            )
            .to_string()
        });
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect()
    }

    /// About 100 MB of FtM lines: the seed lines repeated, each copy with its own id.
    fn generate(target: usize) -> Vec<u8> {
        let seeds = seed_lines();
        let mut out = Vec::with_capacity(target + 16 * 1024);
        let mut n = 0u64;
        while out.len() < target {
            for line in &seeds {
                // Every id in the sample starts with `"id":"NK-`; a counter suffix makes the
                // copies distinct so that no merge path is taken.
                let line = line.replacen("\"id\":\"NK-", &format!("\"id\":\"NK-{n}-"), 1);
                out.extend_from_slice(line.as_bytes());
                out.push(b'\n');
                n += 1;
            }
        }
        out
    }

    #[divan::bench(sample_count = 5, sample_size = 1)]
    fn ftm_json_100mb(bencher: divan::Bencher) {
        let data = generate(100 * 1024 * 1024);
        bencher
            .counter(BytesCount::new(data.len()))
            .bench_local(|| {
                let parsed = ingest::ftm::parse(&ingest::Input {
                    name: "bench.ftm.json",
                    bytes: divan::black_box(&data),
                });
                divan::black_box(parsed)
            });
    }
}

/// ingest: XML — UN consolidated list and OFAC Enhanced XML throughput on the real files in
/// `../shared/data`, or on the small repository fixtures when those are absent.
mod xml {
    use super::*;

    /// A shared data file, or the fallback fixture from `test_data`.
    fn load(shared: &str, fixture: &str) -> Vec<u8> {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/");
        std::fs::read(format!("{root}{shared}")).unwrap_or_else(|_| {
            std::fs::read(format!(
                "{}/test_data/{fixture}",
                env!("CARGO_MANIFEST_DIR")
            ))
            .unwrap_or_default()
        })
    }

    #[divan::bench(sample_count = 20)]
    fn un_consolidated_xml(bencher: divan::Bencher) {
        let data = load("un/UN_consolidated_2026-02-27.xml", "un/small.xml");
        bencher
            .counter(BytesCount::new(data.len()))
            .bench_local(|| {
                divan::black_box(ingest::un::parse(&ingest::Input {
                    name: "un.xml",
                    bytes: divan::black_box(&data),
                }))
            });
    }

    #[divan::bench(sample_count = 20)]
    fn ofac_cons_enhanced_zip(bencher: divan::Bencher) {
        let data = load(
            "ofac/CONS_ENHANCED_2025-02.ZIP",
            "ofac_enhanced/sdn_enhanced_small.xml",
        );
        bencher
            .counter(BytesCount::new(data.len()))
            .bench_local(|| {
                divan::black_box(ingest::parse_files(&[ingest::Input {
                    name: "CONS_ENHANCED.ZIP",
                    bytes: divan::black_box(&data),
                }]))
            });
    }

    #[divan::bench(sample_count = 20)]
    fn ofac_advanced_fixture(bencher: divan::Bencher) {
        let data = load("", "ofac_advanced/sdn_advanced_small.xml");
        bencher
            .counter(BytesCount::new(data.len()))
            .bench_local(|| {
                divan::black_box(ingest::ofac_advanced::parse(&ingest::Input {
                    name: "advanced.xml",
                    bytes: divan::black_box(&data),
                }))
            });
    }
}

/// ingest: OFAC CSV — the real SDN CSV set in `../shared/data/ofac` (skipped with a message when
/// it is absent, because a generated set would not have the remarks that dominate the cost).
mod ofac_csv {
    use super::*;
    use ingest::detect::CsvRole;
    use ingest::{Format, Input, ListId};

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/ofac");

    /// The four files of the SDN set as (name, bytes, role), or `None` when any is missing.
    fn sdn_set() -> Option<Vec<(&'static str, Vec<u8>, CsvRole)>> {
        let files = [
            ("sdn_2024-05-03.csv", CsvRole::Primary),
            ("add_2025-12.csv", CsvRole::Address),
            ("alt_2025-12.csv", CsvRole::Alias),
            ("sdn_comments_2025-12.csv", CsvRole::Comments),
        ];
        let mut out = Vec::new();
        for (name, role) in files {
            match std::fs::read(format!("{DIR}/{name}")) {
                Ok(bytes) => out.push((name, bytes, role)),
                Err(e) => {
                    println!("ofac_csv_sdn skipped: {DIR}/{name} is not readable ({e})");
                    return None;
                }
            }
        }
        Some(out)
    }

    #[divan::bench(sample_count = 10, sample_size = 1)]
    fn ofac_csv_sdn(bencher: divan::Bencher) {
        let Some(files) = sdn_set() else {
            return;
        };
        let total: usize = files.iter().map(|f| f.1.len()).sum();
        let inputs: Vec<(Input<'_>, Format)> = files
            .iter()
            .map(|(name, bytes, role)| {
                let format = Format::OfacCsv {
                    list: ListId::OfacSdn,
                    role: *role,
                };
                (Input { name, bytes }, format)
            })
            .collect();
        bencher.counter(BytesCount::new(total)).bench_local(|| {
            let parsed = ingest::ofac_csv::parse_set(ListId::OfacSdn, divan::black_box(&inputs));
            divan::black_box(parsed)
        });
    }
}
