//! Bounds on every input (issue 10, item 4): devices and endless streams are refused, ZIP
//! bombs are refused before they are inflated, over-long names and address strings cost one
//! row each, and a damaged graph directory is refused when it is opened. Every case ends with
//! exit status 0, 1 or 2, never a panic or an abort, and quickly.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn run_in(data: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_interdict"));
    c.args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("INTERDICT_HOME")
        .env("INTERDICT_OFFLINE", "1");
    for (k, v) in env {
        c.env(k, v);
    }
    match stdin {
        Some(p) => c.stdin(std::fs::File::open(p).unwrap()),
        None => c.stdin(Stdio::null()),
    };
    c.output().unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Runs a command that must be refused with exit 2 within a few seconds, its message holding
/// `needle`.
fn refused(data: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)], needle: &str) {
    let t = Instant::now();
    let o = run_in(data, args, stdin, env);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
    assert!(err(&o).contains(needle), "{args:?}: {}", err(&o));
    assert!(
        t.elapsed() < Duration::from_secs(20),
        "{args:?} took {:?}",
        t.elapsed()
    );
}

#[test]
fn devices_are_refused_and_standard_input_is_capped() {
    if !Path::new("/dev/zero").exists() {
        eprintln!("skipped: no /dev/zero on this system");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let not_regular = "not a regular file";
    refused(
        &data,
        &["lists", "import", "/dev/zero"],
        None,
        &[],
        not_regular,
    );
    let report = dir.path().join("r.jsonl");
    let vet = ["vet", "/dev/zero", "--no-lists", "--output", s(&report)];
    refused(&data, &vet, None, &[], not_regular);
    let g = dir.path().join("g");
    refused(
        &data,
        &["graph", "import", "/dev/zero", "--graph", s(&g)],
        None,
        &[],
        "/dev/zero",
    );
    assert!(!g.exists());
    // `-` reads standard input, within the size cap.
    let cap = [("INTERDICT_MAX_INPUT", "1M")];
    refused(
        &data,
        &["lists", "import", "-"],
        Some("/dev/zero"),
        &cap,
        "1048576-byte limit",
    );
    // A regular file above the cap is refused before it is read.
    let big = dir.path().join("big.xml");
    std::fs::write(&big, vec![b' '; 2 << 20]).unwrap();
    refused(
        &data,
        &["lists", "import", s(&big)],
        None,
        &cap,
        "1048576-byte limit",
    );
}

/// A ZIP archive of one member of `mib` MiB of zeros (deflated about 1,000 times), built here.
fn zip_bomb(path: &Path, mib: u64) {
    let f = std::fs::File::create(path).unwrap();
    let mut w = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(mib >= 4096);
    w.start_file("SDN_ENHANCED.XML", opts).unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..mib {
        w.write_all(&chunk).unwrap();
    }
    w.finish().unwrap();
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_inflated() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("bomb.zip");
    zip_bomb(&bomb, 64);
    assert!(std::fs::metadata(&bomb).unwrap().len() < 1 << 20);
    let data = dir.path().join("data");
    refused(&data, &["lists", "import", s(&bomb)], None, &[], "ZIP bomb");
    let o = run_in(&data, &["lists", "show", "--json"], None, &[]);
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "[]");
}

#[test]
fn a_thirty_megabyte_name_costs_one_row() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let batch = dir.path().join("batch.csv");
    let mut text = String::from("query_id,name\nq1,Jane Roe\nq2,");
    text.push_str(&"A".repeat(30 << 20));
    text.push_str("\nq3,John Doe\n");
    std::fs::write(&batch, text).unwrap();
    let out = dir.path().join("out.jsonl");
    let t = Instant::now();
    let o = run_in(
        &data,
        &[
            "screen",
            "--input",
            s(&batch),
            "--output",
            s(&out),
            "--lists",
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/un_small.xml"),
        ],
        None,
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(t.elapsed() < Duration::from_secs(60), "{:?}", t.elapsed());
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["query_id"], "q2");
    assert!(
        lines[1]["error"]
            .as_str()
            .unwrap()
            .contains("2048-byte limit"),
        "{}",
        lines[1]
    );
    assert!(!err(&o).contains("AAAA"), "the name is never repeated");
}

#[test]
fn long_address_strings_cost_one_row_each() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let csv = dir.path().join("t.csv");
    let mut text = String::from("from,to,amount,block\n0xaa,0xbb,1,1\n");
    // 80 rows of 1 MiB addresses: 80 MiB of strings, far beyond a row's limit.
    let long = "f".repeat(1 << 20);
    for i in 0..80 {
        text.push_str(&format!("0x{long},0xcc,{i},2\n"));
    }
    text.push_str("0xbb,0xcc,1,3\n");
    std::fs::write(&csv, text).unwrap();
    let g = dir.path().join("g");
    let o = run_in(
        &data,
        &["--json", "graph", "import", s(&csv), "--graph", s(&g)],
        None,
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["rejected"], 80, "{v}");
    assert_eq!(v["meta"]["edges"], 2, "{v}");
}

#[test]
fn a_damaged_graph_directory_is_refused_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let g = dir.path().join("g");
    let o = run_in(
        &data,
        &[
            "graph",
            "generate",
            "--graph",
            s(&g),
            "--addresses",
            "200",
            "--transfers",
            "1000",
        ],
        None,
        &[],
    );
    assert!(o.status.success(), "{}", err(&o));
    let seeds = dir.path().join("seeds.txt");
    let info = run_in(
        &data,
        &["--json", "graph", "info", "--graph", s(&g)],
        None,
        &[],
    );
    assert!(info.status.success(), "{}", err(&info));
    // Node ids beyond the node count in the edge source column, the neighbour lists and the
    // address order: each must be refused when the graph is opened.
    for file in ["e.src", "out.nbr", "addr.sorted", "e.tx"] {
        let path = g.join(file);
        let orig = std::fs::read(&path).unwrap();
        let mut bytes = orig.clone();
        bytes[..4].copy_from_slice(&0xfff0_0000u32.to_le_bytes());
        std::fs::write(&path, &bytes).unwrap();
        std::fs::write(&seeds, "0x0000000000000000000000000000000000000001\n").unwrap();
        let o = run_in(
            &data,
            &[
                "trace",
                "--graph",
                s(&g),
                "--seeds",
                s(&seeds),
                "--model",
                "fifo",
            ],
            None,
            &[],
        );
        assert_eq!(o.status.code(), Some(2), "{file}: {}", err(&o));
        assert!(err(&o).contains("out of range"), "{file}: {}", err(&o));
        std::fs::write(&path, &orig).unwrap();
    }
    // Impossible counts in meta.json.
    let meta = g.join("meta.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["edges"] = serde_json::json!(u64::MAX);
    std::fs::write(&meta, v.to_string()).unwrap();
    let o = run_in(&data, &["graph", "info", "--graph", s(&g)], None, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
}
