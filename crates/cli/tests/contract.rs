//! The `--json` output of every command, pinned as snapshots: these bodies are the contract of
//! the `api` crate as clients see it, and a change to them must be reviewed.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use serde_json::Value;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/un_small.xml");

fn json(data: &Path, args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_interdict"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("INTERDICT_HOME")
        .env("INTERDICT_OFFLINE", "1")
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    match serde_json::from_str(&text) {
        Ok(v) => v,
        // JSON lines: one value per line.
        Err(_) => Value::Array(
            text.lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect(),
        ),
    }
}

/// Replaces the values that change from run to run (dates of today, temp paths) so that the
/// snapshot pins the shape and the stable values.
fn stable(mut v: Value, data: &Path) -> String {
    fn walk(v: &mut Value, data: &str) {
        match v {
            Value::Object(o) => {
                for (k, x) in o.iter_mut() {
                    match k.as_str() {
                        "age_days" => *x = Value::String("[days]".into()),
                        "imported_at" => *x = Value::String("[time]".into()),
                        _ => walk(x, data),
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|x| walk(x, data)),
            Value::String(s) => {
                *s = s
                    .replace(data, "[data]")
                    .replace(env!("CARGO_MANIFEST_DIR"), "[cli]");
            }
            _ => {}
        }
    }
    walk(&mut v, &data.display().to_string());
    serde_json::to_string_pretty(&v).unwrap()
}

#[test]
fn screen_json() {
    let dir = tempfile::tempdir().unwrap();
    let v = json(
        dir.path(),
        &[
            "screen",
            "Ri Test One",
            "--dob",
            "1960",
            "--explain",
            "--json",
            "--lists",
            FIXTURE,
        ],
    );
    insta::assert_snapshot!(stable(v, dir.path()));
}

#[test]
fn screen_json_from_bundled_lists() {
    let dir = tempfile::tempdir().unwrap();
    let v = json(dir.path(), &["screen", "Gaiq Asatryan", "--json"]);
    insta::assert_snapshot!(stable(v, dir.path()));
}

#[test]
fn compare_json() {
    let dir = tempfile::tempdir().unwrap();
    let v = json(
        dir.path(),
        &[
            "compare",
            "Korea Saenal Trading Corp",
            "KOREA SAENAL TRADING",
            "--schema",
            "Organization",
            "--json",
        ],
    );
    insta::assert_snapshot!(stable(v, dir.path()));
}

#[test]
fn scan_json_and_file() {
    let dir = tempfile::tempdir().unwrap();
    let v = json(
        dir.path(),
        &[
            "scan",
            "PAYMENT 4471 BENEFICIARY RI TEST ONE REF A1",
            "--json",
            "--lists",
            FIXTURE,
        ],
    );
    insta::assert_snapshot!(stable(v, dir.path()));
    let input = dir.path().join("texts.csv");
    std::fs::write(
        &input,
        "id,text\nm1,\"pay Ri Test One, invoice 7\"\nm2,thank you for the order\n",
    )
    .unwrap();
    let lines = json(
        dir.path(),
        &[
            "scan",
            "--input",
            input.to_str().unwrap(),
            "--lists",
            FIXTURE,
        ],
    );
    assert_eq!(lines[0]["id"], "m1");
    assert_eq!(lines[0]["hits"][0]["text"], "Ri Test One");
    assert_eq!(lines[0]["hits"][0]["start"], 4);
    assert_eq!(lines[1]["id"], "m2");
    assert_eq!(lines[1]["hits"], Value::Array(vec![]));
}

#[test]
fn address_json() {
    let dir = tempfile::tempdir().unwrap();
    let v = json(
        dir.path(),
        &[
            "address",
            "--json",
            "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
            "bc1qnotanaddress",
            "--lists",
            "bundled",
        ],
    );
    insta::assert_snapshot!(stable(v, dir.path()));
}

#[test]
fn lists_import_and_show_json() {
    let dir = tempfile::tempdir().unwrap();
    let imported = json(dir.path(), &["lists", "import", "--json", FIXTURE]);
    let shown = json(dir.path(), &["lists", "--json"]);
    assert_eq!(imported[0]["snapshot"], shown[0]);
    insta::assert_snapshot!(stable(shown, dir.path()));
}

#[test]
fn vet_report_lines() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("r.jsonl");
    let key = dir.path().join("key");
    std::fs::write(&key, "a long and fixed test secret, not random").unwrap();
    let r = records.to_str().unwrap();
    json(
        dir.path(),
        &[
            "vet",
            "generate",
            "--subjects",
            "40",
            "--seed",
            "7",
            "--output",
            r,
        ],
    );
    let report = dir.path().join("report.jsonl");
    let out = Command::new(env!("CARGO_BIN_EXE_interdict"))
        .args(["vet", r, "--no-lists", "--key-file", key.to_str().unwrap()])
        .arg("--output")
        .arg(&report)
        .arg("--data-dir")
        .arg(dir.path())
        .env("INTERDICT_OFFLINE", "1")
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c < 2));
    let lines: Vec<Value> = std::fs::read_to_string(&report)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // The run line and the first two subjects pin the shape of every line type but clusters.
    let head = Value::Array(lines.iter().take(3).cloned().collect());
    insta::assert_snapshot!(stable(head, dir.path()));
    assert!(lines.iter().any(|l| l["type"] == "cluster"));
}
