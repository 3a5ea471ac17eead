//! Damage is loud: damaged copies of the real list files, made by the test, lose only the
//! damaged record, say where, exit non-zero and leave the current snapshot in place unless
//! `--accept-errors` is given. Each test prints a reason and passes when `../shared` is absent.
#![allow(clippy::unwrap_used)]

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn run(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_interdict"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("INTERDICT_HOME")
        .env("INTERDICT_OFFLINE", "1")
        .output()
        .unwrap()
}

/// Imports a damaged file into an empty store: it must be refused (exit 2, nothing current,
/// the error naming the file and byte offset), then accepted with `--accept-errors`. Returns
/// the entity count, the stderr of the refusal and the exported entities.
fn import_damaged(bytes: &[u8], name: &str) -> (u64, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, bytes).unwrap();
    let data = dir.path().join("data");
    let f = file.display().to_string();
    let out = run(&data, &["lists", "import", "--json", &f]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--accept-errors"), "{err}");
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["snapshot"]["current"], false);
    let out = run(&data, &["lists", "import", "--json", "--accept-errors", &f]);
    assert!(out.status.success());
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let n = rows[0]["snapshot"]["entities"].as_u64().unwrap();
    let out = run(&data, &["lists", "export", "--format", "json"]);
    (n, err, String::from_utf8(out.stdout).unwrap())
}

#[test]
fn a_missing_end_tag_costs_one_record() {
    let Some(un) = testkit::shared("data/un/UN_consolidated_2026-02-27.xml") else {
        return;
    };
    let text = std::fs::read_to_string(un).unwrap();
    let damaged = text.replacen("</INDIVIDUAL>", "", 1);
    let (n, err, _) = import_damaged(damaged.as_bytes(), "un.xml");
    assert_eq!(n, 1_002);
    assert!(
        err.contains("un.xml (byte 272): error: The record has no end tag </INDIVIDUAL>."),
        "{err}"
    );

    let Some(zip) = testkit::shared("data/ofac/CONS_ENHANCED_2025-02.ZIP") else {
        return;
    };
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let mut xml = String::new();
    archive
        .by_index(0)
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let damaged = xml.replacen("</entity>", "", 1);
    let (n, err, _) = import_damaged(damaged.as_bytes(), "cons.xml");
    assert_eq!(n, 442);
    assert!(
        err.contains("The record has no end tag </entity>."),
        "{err}"
    );
}

#[test]
fn a_bad_byte_costs_its_record_and_garbles_nothing() {
    let Some(un) = testkit::shared("data/un/UN_consolidated_2026-02-27.xml") else {
        return;
    };
    let mut bytes = std::fs::read(un).unwrap();
    // A letter near the end, well after the entity that carries "JÉRÔME".
    let at = (bytes.len() - 5_000..bytes.len())
        .find(|&i| bytes[i].is_ascii_alphabetic())
        .unwrap();
    bytes[at] = 0xFF;
    let (n, _, exported) = import_damaged(&bytes, "un.xml");
    assert_eq!(n, 1_002);
    assert!(exported.contains("JÉRÔME"));
    assert!(!exported.contains("JÃ‰RÃ”ME"));
}
