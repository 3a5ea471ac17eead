//! What a newcomer meets first: screening on a fresh machine with no internet (the bundled
//! lists), output piped into `head`, and a saved index that follows list changes.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/un_small.xml");
const BIN: &str = env!("CARGO_BIN_EXE_interdict");

fn interdict(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("INTERDICT_HOME")
        .env("INTERDICT_OFFLINE", "1")
        .output()
        .unwrap()
}

#[test]
fn a_fresh_offline_machine_screens_against_the_bundled_lists_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = interdict(dir.path(), &["screen", "Gaiq Asatryan"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("ofac:53824"), "{stdout}");
    assert!(
        stdout.contains("WARNING: These results use the default lists bundled with interdict"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ofac-sdn published 2024-05-03")
            && stdout.contains("un published 2026-02-27"),
        "{stdout}"
    );
    assert!(stdout.contains("must not be used for compliance decisions"));

    let out = interdict(dir.path(), &["screen", "Gaiq Asatryan", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["matches"][0]["entity_id"], "ofac:53824");
    assert_eq!(v["matches"][0]["list_version"], "bundled-2024-05-03");
    let lists = v["lists"].as_array().unwrap();
    assert_eq!(lists.len(), 2);
    assert_eq!(lists[0]["list"], "ofac-sdn");
    assert_eq!(lists[0]["origin"], "bundled");
    assert_eq!(lists[0]["publish_date"], "2024-05-03");
    assert!(lists[0]["age_days"].as_i64().unwrap() >= 945);
    assert_eq!(lists[1]["list"], "un");
    assert_eq!(lists[1]["publish_date"], "2026-02-27");
    assert_eq!(v["warnings"][0]["code"], "bundled_lists");
    assert_eq!(v["warnings"][0]["lists"], v["lists"]);
}

#[test]
fn lists_bundled_asks_for_the_bundled_lists_even_with_lists_stored() {
    let dir = tempfile::tempdir().unwrap();
    let out = interdict(dir.path(), &["lists", "import", FIXTURE]);
    assert_eq!(out.status.code(), Some(0));
    let out = interdict(
        dir.path(),
        &["screen", "Gaiq Asatryan", "--json", "--lists", "bundled"],
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["matches"][0]["entity_id"], "ofac:53824");
    assert_eq!(v["warnings"][0]["code"], "bundled_lists");
    // Without it, the stored list answers and no warning is given.
    let out = interdict(dir.path(), &["screen", "Gaiq Asatryan", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["lists"][0]["origin"], "stored");
    assert!(v.get("warnings").is_none(), "{v}");
}

/// Runs `interdict ARGS | head OPTS` in a shell; returns interdict's standard error and the
/// pipeline's status (interdict's, through `pipefail`).
fn piped(data: &Path, args: &str, head: &str) -> (String, Option<i32>) {
    let err = data.join("stderr.txt");
    let script = format!(
        "set -o pipefail; \"$BIN\" {args} --data-dir \"$DATA\" 2>\"$ERR\" | head {head} >/dev/null"
    );
    let status = Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("BIN", BIN)
        .env("DATA", data)
        .env("ERR", &err)
        .env("INTERDICT_OFFLINE", "1")
        .env_remove("INTERDICT_HOME")
        .status()
        .unwrap();
    (
        std::fs::read_to_string(&err).unwrap_or_default(),
        status.code(),
    )
}

#[test]
fn output_piped_into_head_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    // Large enough (FtM lines of 17,000 entities) that the pipe closes while interdict writes.
    let (err, code) = piped(
        dir.path(),
        "lists export --format ftm --lists bundled",
        "-n 1",
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(code, Some(0), "{err}");
    let (err, code) = piped(
        dir.path(),
        "screen 'Gaiq Asatryan' --lists bundled --floor 0 --limit 1000 --explain",
        "-c 1",
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn after_importing_a_changed_list_the_next_screen_uses_the_new_version() {
    let dir = tempfile::tempdir().unwrap();
    let screen = |name: &str| -> Value {
        let out = interdict(dir.path(), &["screen", name, "--json"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    assert_eq!(
        interdict(dir.path(), &["lists", "import", FIXTURE])
            .status
            .code(),
        Some(0)
    );
    let first = screen("Test One Ri");
    let v1 = first["lists"][0]["version"].as_str().unwrap().to_string();
    assert_eq!(first["matches"][0]["list_version"], v1.as_str());
    // The same command again opens the saved index (written once, not rewritten) and answers
    // the same.
    let saved = saved_indexes(dir.path());
    assert_eq!(saved.len(), 1, "{saved:?}");
    assert_eq!(screen("Test One Ri"), first);
    assert_eq!(saved_indexes(dir.path()), saved);

    // A new version of the list renames the person; the next screen must see it at once.
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    assert!(text.contains("ONE"), "the fixture names TEST ONE RI");
    let changed = dir.path().join("un_changed.xml");
    std::fs::write(&changed, text.replace("ONE", "ZEBULON")).unwrap();
    assert_eq!(
        interdict(dir.path(), &["lists", "import", changed.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let second = screen("Test Zebulon Ri");
    let v2 = second["lists"][0]["version"].as_str().unwrap().to_string();
    assert_ne!(v1, v2);
    assert_eq!(second["matches"][0]["list_version"], v2.as_str());
    assert!(
        second["matches"][0]["score"].as_f64().unwrap() >= 0.95,
        "{second}"
    );
    // Only the index of the current versions is kept.
    assert_eq!(saved_indexes(dir.path()).len(), 1);
}

/// The saved index files with their modification times.
fn saved_indexes(data: &Path) -> Vec<(std::ffi::OsString, std::time::SystemTime)> {
    let mut out: Vec<_> = std::fs::read_dir(data.join("index"))
        .map(|rd| {
            rd.flatten()
                .map(|e| (e.file_name(), e.metadata().unwrap().modified().unwrap()))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}
