//! `interdict screen` and `interdict compare` through the binary, on a small fixture list.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/un_small.xml");

fn interdict(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_interdict"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("INTERDICT_HOME")
        .env("INTERDICT_OFFLINE", "1")
        .output()
        .unwrap()
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn single_query_finds_the_listed_person_with_list_version() {
    let dir = tempfile::tempdir().unwrap();
    let out = interdict(
        dir.path(),
        &["screen", "Test One Ri", "--json", "--lists", FIXTURE],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let m = &v["matches"][0];
    assert_eq!(m["entity_id"], "un:KPi.901");
    assert_eq!(m["match"], true);
    assert!(m["list_version"].as_str().unwrap().starts_with("file:"));
    assert!(
        m.get("explanation").is_none(),
        "explanations only with --explain"
    );

    let out = interdict(
        dir.path(),
        &[
            "screen",
            "Test One Ri",
            "--fail-on-match",
            "--lists",
            FIXTURE,
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let out = interdict(
        dir.path(),
        &[
            "screen",
            "Completely Different",
            "--fail-on-match",
            "--lists",
            FIXTURE,
        ],
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn bad_arguments_exit_2_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    for (args, hint) in [
        (
            vec!["screen", "X", "--dob", "31/02/1960", "--lists", FIXTURE],
            "YYYY",
        ),
        (
            vec!["screen", "X", "--schema", "Ship", "--lists", FIXTURE],
            "Vessel",
        ),
        (
            vec!["screen", "X", "--threshold", "2", "--lists", FIXTURE],
            "between 0 and 1",
        ),
        (
            vec![
                "screen",
                "X",
                "--nationality",
                "Atlantis",
                "--lists",
                FIXTURE,
            ],
            "alpha-2",
        ),
    ] {
        let out = interdict(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(hint), "{args:?}: {err}");
    }
}

#[test]
fn batch_writes_every_query_and_resumes_after_an_interruption() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("q.csv");
    std::fs::write(
        &input,
        "query_id,name,schema,birth_date,nationality,extra\n\
         q1,RI Test One,Person,1960-05-17,kp,ignored\n\
         q2,,Person,,,\n\
         q3,Test Trading Corp,Organization,,,\n\
         q4,Someone Else,Person,not-a-date,,\n",
    )
    .unwrap();
    let output = dir.path().join("out.jsonl");
    let (i, o) = (input.display().to_string(), output.display().to_string());
    let out = interdict(
        dir.path(),
        &["screen", "--input", &i, "--output", &o, "--lists", FIXTURE],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(":3: error: [q2] the name is empty"), "{err}");
    assert!(err.contains(":5: warning: [q4]"), "{err}");
    let got = lines(&output);
    let ids: Vec<&str> = got
        .iter()
        .map(|v| v["query_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["q1", "q2", "q3", "q4"]);
    assert_eq!(got[0]["matches"][0]["entity_id"], "un:KPi.901");
    assert_eq!(got[1]["error"], "the name is empty");
    assert_eq!(got[2]["matches"][0]["entity_id"], "un:KPe.901");

    // An existing output is not overwritten by accident.
    let out = interdict(
        dir.path(),
        &["screen", "--input", &i, "--output", &o, "--lists", FIXTURE],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--resume"));

    // Simulate an interruption: one complete line and half of the next.
    let text = std::fs::read_to_string(&output).unwrap();
    let first_nl = text.find('\n').unwrap();
    std::fs::write(&output, &text[..first_nl + 10]).unwrap();
    let out = interdict(
        dir.path(),
        &[
            "screen", "--input", &i, "--output", &o, "--resume", "--lists", FIXTURE,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = lines(&output);
    let mut ids: Vec<&str> = again
        .iter()
        .map(|v| v["query_id"].as_str().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, ["q1", "q2", "q3", "q4"]);
}

#[test]
fn batch_reads_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("q.jsonl");
    std::fs::write(&input, "{\"query_id\": \"a\", \"name\": \"Ri Test One\"}\n{\"query_id\": 7, \"name\": \"TTC\"}\nnot json\n").unwrap();
    let output = dir.path().join("out.jsonl");
    let out = interdict(
        dir.path(),
        &[
            "screen",
            "--input",
            &input.display().to_string(),
            "--output",
            &output.display().to_string(),
            "--lists",
            FIXTURE,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = lines(&output);
    assert_eq!(got.len(), 3);
    assert_eq!(got[1]["query_id"], "7");
    assert!(got[2]["error"].as_str().unwrap().contains("invalid JSON"));
}

#[test]
fn compare_names_the_legal_form_part() {
    let dir = tempfile::tempdir().unwrap();
    let out = interdict(
        dir.path(),
        &[
            "compare",
            "Korea Saenal Trading Corp",
            "KOREA SAENAL TRADING",
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["match"], true, "{v}");
    let e = &v["explanation"];
    let mentions_legal_form = e["unmatched_query"]
        .as_array()
        .unwrap()
        .iter()
        .chain(e["parts"].as_array().unwrap())
        .any(|p| p["role"] == "legal_form" && (p["part"] == "corp" || p["query"] == "corp"));
    assert!(mentions_legal_form, "{e}");
}

#[test]
fn allow_list_suppresses_a_cleared_hit_until_the_entity_changes() {
    let dir = tempfile::tempdir().unwrap();
    let allow = dir.path().join("allow.jsonl");
    let a = allow.display().to_string();
    let out = interdict(
        dir.path(),
        &[
            "allow",
            "add",
            "cust-7",
            "un:KPi.901",
            "--allow-list",
            &a,
            "--note",
            "different DOB",
            "--lists",
            FIXTURE,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The cleared customer sees the hit as suppressed; another customer still gets the alert.
    let screen = |list: &str, customer: &str| -> Value {
        let out = interdict(
            dir.path(),
            &[
                "screen",
                "Ri Test One",
                "--json",
                "--allow-list",
                &a,
                "--customer",
                customer,
                "--lists",
                list,
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let v = screen(FIXTURE, "cust-7");
    assert!(
        v["matches"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["entity_id"] != "un:KPi.901"),
        "{v}"
    );
    assert_eq!(v["suppressed"][0]["entity_id"], "un:KPi.901");
    let v = screen(FIXTURE, "cust-8");
    assert_eq!(v["matches"][0]["entity_id"], "un:KPi.901");
    assert!(v.get("suppressed").is_none());

    // A new list version that changes the entity makes the clearance stale: the hit is back.
    let changed = dir.path().join("un_changed.xml");
    let text = std::fs::read_to_string(FIXTURE)
        .unwrap()
        .replace("1960-05-17", "1961-05-17");
    std::fs::write(&changed, text).unwrap();
    let v = screen(&changed.display().to_string(), "cust-7");
    assert_eq!(v["matches"][0]["entity_id"], "un:KPi.901", "{v}");
    assert_eq!(v["matches"][0]["allow_list"], "stale");

    // A batch takes the customer from a customer_ref column.
    let input = dir.path().join("q.csv");
    std::fs::write(
        &input,
        "query_id,customer_ref,name\nq1,cust-7,Ri Test One\nq2,cust-9,Ri Test One\n",
    )
    .unwrap();
    let output = dir.path().join("out.jsonl");
    let out = interdict(
        dir.path(),
        &[
            "screen",
            "--input",
            &input.display().to_string(),
            "--output",
            &output.display().to_string(),
            "--allow-list",
            &a,
            "--lists",
            FIXTURE,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = lines(&output);
    assert_eq!(got[0]["suppressed"][0]["entity_id"], "un:KPi.901");
    assert_eq!(got[1]["matches"][0]["entity_id"], "un:KPi.901");

    // Without a customer, a single query cannot use the allow-list.
    let out = interdict(
        dir.path(),
        &[
            "screen",
            "Ri Test One",
            "--allow-list",
            &a,
            "--lists",
            FIXTURE,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
}
