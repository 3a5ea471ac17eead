//! `interdict graph generate|import`, `exposure`, `trace` and `path` end to end on a small
//! generated graph, checked against the planted ground truth.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn interdict(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_interdict"))
        .args(args)
        .env_remove("INTERDICT_HOME")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn json(args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_slice(&interdict(&all).stdout).unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn generate_import_and_analyse() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("t.csv");
    let labels = tmp.path().join("labels.jsonl");
    let direct = tmp.path().join("direct");
    let imported = tmp.path().join("imported");
    let generated = json(&[
        "graph",
        "generate",
        "--graph",
        s(&direct),
        "--csv",
        s(&csv),
        "--labels-out",
        s(&labels),
        "--addresses",
        "1000",
        "--transfers",
        "6000",
        "--seed",
        "3",
        "--tx-hashes",
    ]);
    let thief = generated["truth"]["thief"].as_str().unwrap().to_owned();
    let deposit = generated["truth"]["theft_deposits"][0]
        .as_str()
        .unwrap()
        .to_owned();

    // A bad row in a second file is reported and the rest imports.
    let bad = tmp.path().join("bad.csv");
    std::fs::write(&bad, "from,to,amount\n0xaa,0xbb,1.5\n").unwrap();
    let imp = json(&["graph", "import", s(&csv), s(&bad), "--graph", s(&imported)]);
    assert_eq!(imp["rejected"], 1);
    assert_eq!(imp["diagnostics"][0]["row"], 1);
    assert_eq!(imp["meta"]["edges"], generated["transfers"]);

    // Direct generation and CSV import give the same answers.
    for g in [&direct, &imported] {
        let e = json(&[
            "exposure",
            &deposit,
            "--graph",
            s(g),
            "--labels",
            s(&labels),
        ]);
        let stolen = e["categories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["category"] == "stolen_funds");
        let share = stolen.map_or(0.0, |c| c["share"].as_f64().unwrap());
        assert!(
            share > 0.0,
            "the deposit address received stolen funds: {e}"
        );
        let total: f64 =
            e["attributed_share"].as_f64().unwrap() + e["unattributed"]["total"].as_f64().unwrap();
        assert!((total - 1.0).abs() < 1e-9);
    }
    let seeds = tmp.path().join("seeds.txt");
    std::fs::write(&seeds, format!("# the thief\n{thief}\n")).unwrap();
    let t = json(&[
        "trace",
        "--graph",
        s(&imported),
        "--seeds",
        s(&seeds),
        "--model",
        "tiho",
    ]);
    assert!(t["account_count"].as_u64().unwrap() >= 50);
    let p = json(&[
        "path",
        &thief,
        &deposit,
        "--graph",
        s(&imported),
        "--k",
        "2",
    ]);
    assert!(!p["top"].as_array().unwrap().is_empty());

    // The table output names the categories.
    let table = interdict(&[
        "exposure",
        &deposit,
        "--graph",
        s(&imported),
        "--labels",
        s(&labels),
    ]);
    assert!(String::from_utf8_lossy(&table.stdout).contains("stolen_funds"));
}
