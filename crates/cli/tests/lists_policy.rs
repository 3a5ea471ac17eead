//! List identity and the replacement policy, through the binary on the real files in
//! `../shared/data`: an older, partial, filtered or damaged file never silently becomes the
//! current list; it is kept, not current, with a message saying what changed, and the flag
//! named in the message promotes it. Each test prints a reason and passes when that folder is
//! absent.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
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

fn import(data: &Path, file: &Path, extra: &[&str]) -> Output {
    let f = file.display().to_string();
    let mut args = vec!["lists", "import", "--json", &f];
    args.extend_from_slice(extra);
    run(data, &args)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The current snapshot of a list: (version, entity count, publish date).
fn current(data: &Path, list: &str) -> Option<(String, u64, Option<String>)> {
    let rows: Value = serde_json::from_slice(&run(data, &["lists", "--json"]).stdout).unwrap();
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["list"] == list && r["current"] == true)
        .map(|r| {
            (
                r["version"].as_str().unwrap().to_string(),
                r["entities"].as_u64().unwrap(),
                r["publish_date"].as_str().map(str::to_string),
            )
        })
}

fn data() -> Option<PathBuf> {
    testkit::shared("data")
}

#[test]
fn an_excerpt_that_declares_the_full_count_does_not_replace_the_sdn_list() {
    let Some(d) = data() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = import(dir.path(), &d.join("ofac/sdn_2024-05-03.csv"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = current(dir.path(), "ofac-sdn").unwrap();
    assert_eq!(before.1, 14_965);

    let excerpt = d.join("ofac/sdn_xml_2entry_excerpt_2020-10-29.xml");
    let out = import(dir.path(), &excerpt, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("the file declares 8497 records but holds 2"),
        "{err}"
    );
    assert!(
        err.contains("it has 2 entities where the current version has 14965"),
        "{err}"
    );
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["snapshot"]["current"], false);
    assert!(rows[0]["held"].as_array().unwrap().len() >= 2);
    assert_eq!(current(dir.path(), "ofac-sdn").unwrap(), before);

    // Promoted explicitly, the stored version becomes current without being written again.
    let out = import(dir.path(), &excerpt, &["--accept-shrink"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["status"], "unchanged");
    assert_eq!(current(dir.path(), "ofac-sdn").unwrap().1, 2);
}

#[test]
fn a_filtered_enhanced_export_is_never_the_whole_list() {
    let Some(d) = data() else { return };
    let irgc = d.join("ofac/ENHANCED_IRGC_filtered_2024-08-28.xml");
    for with_full_list in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        if with_full_list {
            let out = import(dir.path(), &d.join("ofac/sdn_2024-05-03.csv"), &[]);
            assert!(out.status.success(), "{}", stderr(&out));
        }
        let before = current(dir.path(), "ofac-sdn");
        let out = import(dir.path(), &irgc, &[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("it is a filtered export ("), "{err}");
        assert!(err.contains("sanctionsPrograms: IRGC"), "{err}");
        assert!(err.contains("--accept-filtered"), "{err}");
        let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(rows[0]["snapshot"]["entities"], 293);
        assert_eq!(
            rows[0]["snapshot"]["filters"].as_array().unwrap().last(),
            Some(&Value::from("sanctionsPrograms: IRGC"))
        );
        assert_eq!(current(dir.path(), "ofac-sdn"), before);
    }
}

#[test]
fn classic_and_advanced_consolidated_files_are_the_consolidated_list() {
    let Some(d) = data() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = import(
        dir.path(),
        &d.join("ofac/CONS_classic_xml_2024-05-06.xml"),
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(current(dir.path(), "ofac-sdn"), None);
    let (_, n, date) = current(dir.path(), "ofac-cons").unwrap();
    assert_eq!((n, date.as_deref()), (443, Some("2024-05-06")));
    let out = run(dir.path(), &["lists", "export", "--format", "json"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let haniya: Value = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|e| e["id"] == "ofac-cons:9639")
        .expect("ofac-cons:9639 exported");
    assert_eq!(haniya["sanctions"][0]["list"], "NS-PLC");

    // The 2020 Advanced file (older namespace) is older and smaller: kept, not current.
    let adv = d.join("ofac/CONS_ADVANCED_2020-03-17.xml");
    let out = import(dir.path(), &adv, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("it was published on 2020-03-17, before the current version (2024-05-06)"),
        "{err}"
    );
    assert!(err.contains("--accept-older --accept-shrink"), "{err}");
    assert_eq!(current(dir.path(), "ofac-cons").unwrap().1, 443);
    let out = import(dir.path(), &adv, &["--accept-older", "--accept-shrink"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(current(dir.path(), "ofac-cons").unwrap().1, 375);
}

#[test]
fn the_user_states_the_list_where_content_cannot_tell() {
    let Some(d) = data() else { return };
    let dir = tempfile::tempdir().unwrap();
    let excerpt = d.join("ofac/sdn_xml_2entry_excerpt_2020-10-29.xml");
    let out = import(
        dir.path(),
        &excerpt,
        &["--list", "ofac-cons", "--accept-shrink"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(current(dir.path(), "ofac-sdn"), None);
    assert_eq!(current(dir.path(), "ofac-cons").unwrap().1, 2);
    let out = run(dir.path(), &["lists", "export", "--format", "json"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\"ofac-cons:36\""), "{text}");
    // Content that says which list it is cannot be restated as another publisher's list.
    let un = d.join("un/UN_consolidated_2026-02-27.xml");
    let out = import(dir.path(), &un, &["--list", "ofac-sdn"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the content is the un list and cannot be imported as ofac-sdn"),
        "{}",
        stderr(&out)
    );
}
