//! `interdict address` on the real public files in `../shared/data`; skipped with a printed
//! reason when that folder is absent.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn shared() -> Option<PathBuf> {
    testkit::shared("data")
}

fn interdict(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_interdict"))
        .args(args)
        .arg("--data-dir")
        .arg(dir.path())
        .env_remove("INTERDICT_HOME")
        .env("INTERDICT_OFFLINE", "1")
        .output()
        .unwrap()
}

fn reports(out: &Output) -> Vec<Value> {
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn lazarus_wallet_is_found_in_either_case() {
    let Some(d) = shared() else { return };
    let sdn = d.join("ofac/sdn_2024-05-03.csv").display().to_string();
    let out = interdict(&[
        "address",
        "--json",
        "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
        "0x098b716b8aaf21512996dc57eb0615e2383e2f96",
        "--lists",
        &sdn,
    ]);
    let rs = reports(&out);
    assert_eq!(rs.len(), 2);
    for r in rs {
        assert_eq!(r["valid"], true);
        let hits = r["hits"].as_array().unwrap();
        assert!(
            hits.iter().any(|h| h["source"]["entity_id"] == "ofac:27307"
                && h["source"]["name"] == "LAZARUS GROUP"),
            "{r}"
        );
    }
}

#[test]
fn fbi_bybit_list_loads_as_labels_and_invalid_addresses_say_why() {
    let Some(d) = shared() else { return };
    let fbi = d
        .join("dprk/bybit_hack_2025-02_fbi_psa250226_eth.txt")
        .display()
        .to_string();
    let out = interdict(&[
        "address",
        "--json",
        "--no-lists",
        "--labels",
        &fbi,
        "--category",
        "stolen_funds",
        "--fail-on-match",
        "0x51e9d833ecae4e8d9d8be17300aee6d3398c135d",
        "0xC5ABDE4CE8C5740F4bad6C3B05E4Da31d229659",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "--fail-on-match exits 1 on a hit"
    );
    let rs = reports(&out);
    assert_eq!(rs[0]["hits"][0]["source"]["category"], "stolen_funds");
    assert_eq!(rs[1]["valid"], false);
    assert_eq!(rs[1]["error_kind"], "WrongLength");
}

#[test]
fn batch_input_writes_one_line_per_address() {
    let Some(d) = shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(
        &input,
        "id,address,chain\n1,0x098B716B8Aaf21512996dC57EB0615e2383E2f96,ETH\n2,not-an-address,\n3,TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq,XBT\n",
    )
    .unwrap();
    let output = dir.path().join("out.jsonl");
    let sdn = d.join("ofac/sdn_2024-05-03.csv").display().to_string();
    let out = interdict(&[
        "address",
        "--input",
        &input.display().to_string(),
        "--output",
        &output.display().to_string(),
        "--lists",
        &sdn,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = std::fs::read_to_string(&output)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["valid"], true);
    assert_eq!(lines[1]["valid"], false);
    assert!(
        lines[2]["declared_chain_mismatch"].is_string(),
        "{}",
        lines[2]
    );
}
