//! Resume and privacy (issue 10, item 6): `--resume` counts input rows, not ids, so rows whose
//! `query_id` repeats are all answered; an output written from another input is refused; and
//! row diagnostics name the row and field, never the value, at the default log level.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

fn screen(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_interdict"))
        .arg("screen")
        .args(args)
        .args([
            "--lists",
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/un_small.xml"),
        ])
        .arg("--data-dir")
        .arg(data)
        .env_remove("INTERDICT_HOME")
        .env_remove("INTERDICT_LOG")
        .env("INTERDICT_OFFLINE", "1")
        .output()
        .unwrap()
}

fn ids(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["query_id"].as_str().unwrap().to_string()
        })
        .collect()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn resume_counts_rows_and_diagnostics_hide_values() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let input = dir.path().join("batch.csv");
    std::fs::write(
        &input,
        "query_id,name,birth_date,nationality\n\
         q1,Jane Roe,,\n\
         q1,John Doe,,\n\
         q2,Ri Test One,1961-13-45,Atlantis\n\
         q3,Max Mustermann,,\n",
    )
    .unwrap();
    let out = dir.path().join("out.jsonl");
    let o = screen(&data, &["--input", s(&input), "--output", s(&out)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(ids(&out), ["q1", "q1", "q2", "q3"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(":4:") && err.contains("birth_date"), "{err}");
    for value in ["1961-13-45", "Atlantis", "Ri Test One"] {
        assert!(!err.contains(value), "{value} leaked: {err}");
    }

    // An interrupted run: the first row answered, the second torn mid-line.
    let full = std::fs::read_to_string(&out).unwrap();
    let mut lines = full.lines();
    let first = lines.next().unwrap();
    let second = lines.next().unwrap();
    std::fs::write(&out, format!("{first}\n{}", &second[..10])).unwrap();
    let o = screen(
        &data,
        &["--input", s(&input), "--output", s(&out), "--resume"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        ids(&out),
        ["q1", "q1", "q2", "q3"],
        "the repeated id's row is answered"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), full);

    // An output from another input is refused rather than skipping rows.
    let other = dir.path().join("other.csv");
    std::fs::write(&other, "query_id,name\nz9,Jane Roe\nz8,John Doe\n").unwrap();
    std::fs::write(&out, format!("{first}\n")).unwrap();
    let o = screen(
        &data,
        &["--input", s(&other), "--output", s(&out), "--resume"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("not written from this input"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
