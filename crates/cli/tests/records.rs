//! The records commands end to end on the default SQLite database: import customers, monitor,
//! four-eyes decisions (the proposer cannot approve), and `audit verify` naming a record edited
//! by hand in SQL.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/un_small.xml");
const BIN: &str = env!("CARGO_BIN_EXE_interdict");

fn interdict(data: &Path, user: &str, role: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .args(["--data-dir"])
        .arg(data)
        .args(["--user", user, "--role", role])
        .env_remove("INTERDICT_HOME")
        .env_remove("INTERDICT_DATABASE")
        .env("INTERDICT_OFFLINE", "1")
        .output()
        .unwrap()
}

fn json(out: &Output) -> Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn customers_alerts_decisions_and_a_tampered_audit_trail() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_eq!(
        interdict(d, "cli", "admin", &["lists", "import", FIXTURE])
            .status
            .code(),
        Some(0)
    );
    let (_, entities) = {
        let ctx = app::Context::new(d);
        app::lists::load_side(&ctx, "un").unwrap()
    };
    let listed = entities[0].names[0].full.clone();
    let csv = d.join("customers.csv");
    std::fs::write(
        &csv,
        format!("external_ref,name\nc1,{listed}\nc2,Margaret Appleby\n"),
    )
    .unwrap();
    let import = json(&interdict(
        d,
        "ops",
        "admin",
        &["customers", "import", csv.to_str().unwrap()],
    ));
    assert_eq!(import["inserted"], 2);
    let run = json(&interdict(d, "ops", "admin", &["monitor"]));
    assert_eq!(run["kind"], "full");
    let alerts = json(&interdict(d, "ana", "analyst", &["alerts", "list", "open"]));
    let alert = alerts[0]["id"].as_i64().unwrap().to_string();
    assert_eq!(alerts[0]["external_ref"], "c1");
    let d1 = json(&interdict(
        d,
        "ana",
        "analyst",
        &[
            "decide",
            "propose",
            &alert,
            "false-positive",
            "other",
            "birth",
            "date",
        ],
    ));
    assert_eq!(d1["proposer_reason"], "other birth date");
    let id = d1["id"].as_i64().unwrap().to_string();
    let own = interdict(d, "ana", "reviewer", &["decide", "approve", &id, "fine"]);
    assert_eq!(own.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&own.stderr).contains("four-eyes"));
    let analyst = interdict(d, "bob", "analyst", &["decide", "approve", &id, "fine"]);
    assert_eq!(analyst.status.code(), Some(2));
    assert_eq!(
        json(&interdict(
            d,
            "rev",
            "reviewer",
            &["decide", "approve", &id, "agreed"]
        ))["state"],
        "approved"
    );
    assert_eq!(
        json(&interdict(d, "ana", "analyst", &["alerts", "show", &alert]))["state"],
        "closed"
    );
    assert_eq!(
        json(&interdict(d, "x", "analyst", &["audit", "verify"]))["ok"],
        true
    );

    // An edit by hand in SQL: verify fails with status 1 and names the record.
    let url = format!("sqlite://{}", d.join("records.db").display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let db = records::Db::open(&url).await.unwrap();
        records::testing::execute(&db, "UPDATE audit SET payload = '{}' WHERE seq = 2")
            .await
            .unwrap();
    });
    let v = interdict(d, "x", "analyst", &["audit", "verify"]);
    assert_eq!(v.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&v.stdout).unwrap();
    assert_eq!(v["first_broken"], 2, "{v}");
}
