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

const WATCHLIST: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../server/test_data/watchlist.ftm.json"
);

fn count(d: &Path, sql: &str) -> i64 {
    let url = format!("sqlite://{}", d.join("records.db").display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let db = records::Db::open(&url).await.unwrap();
        records::testing::scalar(&db, sql).await.unwrap()
    })
}

#[test]
fn screening_leaves_evidence_and_a_list_import_re_screens() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_eq!(
        interdict(d, "cli", "admin", &["lists", "import", FIXTURE])
            .status
            .code(),
        Some(0)
    );
    let listed = {
        let ctx = app::Context::new(d);
        app::lists::load_side(&ctx, "un").unwrap().1[0].names[0]
            .full
            .clone()
    };
    // Without a records database, screening keeps nothing and creates none.
    json(&interdict(
        d,
        "ana",
        "analyst",
        &["screen", &listed, "--json"],
    ));
    assert!(!d.join("records.db").exists());
    let csv = d.join("customers.csv");
    std::fs::write(
        &csv,
        format!("external_ref,name\nc1,{listed}\nc2,Ivan Petrov\nc3,Margaret Appleby\n"),
    )
    .unwrap();
    json(&interdict(
        d,
        "ops",
        "admin",
        &["customers", "import", csv.to_str().unwrap()],
    ));
    assert_eq!(
        json(&interdict(d, "ops", "admin", &["monitor"]))["kind"],
        "full"
    );

    // With one, every screening is evidence: one name, then a batch of three.
    json(&interdict(
        d,
        "ana",
        "analyst",
        &["screen", &listed, "--json"],
    ));
    let batch = d.join("batch.csv");
    std::fs::write(
        &batch,
        format!("query_id,name\na,{listed}\nb,Sakura Tanaka\nc,Oluwaseun Adeyemi\n"),
    )
    .unwrap();
    let out = d.join("out.jsonl");
    let b = interdict(
        d,
        "ana",
        "analyst",
        &[
            "screen",
            "--input",
            batch.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(
        b.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&b.stderr)
    );
    assert_eq!(
        count(
            d,
            "SELECT COUNT(*) FROM screenings WHERE source = 'cli' AND actor = 'ana'"
        ),
        4
    );
    assert_eq!(
        count(
            d,
            "SELECT COUNT(*) FROM audit WHERE action = 'screening.record' AND actor = 'ana'"
        ),
        2
    );

    // Importing a new list re-screens the monitored subjects against what it added.
    let imp = interdict(d, "ops", "admin", &["lists", "import", WATCHLIST]);
    let stderr = String::from_utf8_lossy(&imp.stderr);
    assert_eq!(imp.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("Re-screened the monitored subjects (delta run)"),
        "{stderr}"
    );
    let alerts = json(&interdict(d, "ana", "analyst", &["alerts", "list", "open"]));
    let pairs: Vec<(String, String)> = alerts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["external_ref"].as_str().unwrap().to_string(),
                a["entity_id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        pairs.contains(&("c2".to_string(), "os:NK-petrov".to_string())),
        "{pairs:?}"
    );
    assert_eq!(pairs.iter().filter(|(r, _)| r == "c3").count(), 0);
    // An administrator keeps only keyed hashes of inputs from now on.
    let set = &["settings", "set", "evidence.input", "hash"];
    assert_eq!(interdict(d, "ana", "analyst", set).status.code(), Some(2));
    assert_eq!(interdict(d, "ops", "admin", set).status.code(), Some(0));
    json(&interdict(
        d,
        "ana",
        "analyst",
        &["screen", "Ivan Petrov", "--json"],
    ));
    assert_eq!(
        count(
            d,
            "SELECT COUNT(*) FROM screenings WHERE input IS NULL AND input_hash <> ''"
        ),
        1
    );
    // The same import again changes nothing and re-screens nothing.
    let again = interdict(d, "ops", "admin", &["lists", "import", WATCHLIST]);
    assert!(!String::from_utf8_lossy(&again.stderr).contains("Re-screened"));
    assert_eq!(
        json(&interdict(d, "x", "analyst", &["audit", "verify"]))["ok"],
        true
    );
}
