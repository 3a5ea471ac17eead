//! The acceptance checks of the lists foundation, run through the binary on the real public
//! files in `../shared/data`. Each test prints a reason and passes when that folder is absent
//! (a user's clone has no `../shared`).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn shared() -> Option<PathBuf> {
    testkit::shared("data")
}

fn interdict(data: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_interdict"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("INTERDICT_HOME")
        .env("INTERDICT_OFFLINE", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "interdict {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Imports files and returns (list, entity count, counts by schema) of the resulting snapshot.
fn import(data: &Path, files: &[PathBuf]) -> Vec<(String, u64, Value)> {
    let mut args = vec![
        "lists".to_string(),
        "import".to_string(),
        "--json".to_string(),
    ];
    args.extend(files.iter().map(|f| f.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let rows = json(&interdict(data, &args));
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let m = &r["snapshot"];
            let counts = m["counts"].clone();
            let total = counts
                .as_object()
                .unwrap()
                .values()
                .map(|v| v.as_u64().unwrap())
                .sum();
            (m["list"].as_str().unwrap().to_string(), total, counts)
        })
        .collect()
}

#[test]
fn imports_every_official_format_with_the_published_counts() {
    let Some(d) = shared() else { return };
    let cases: Vec<(Vec<PathBuf>, &str, u64)> = vec![
        (vec![d.join("ofac/sdn_2024-05-03.csv")], "ofac-sdn", 14_965),
        (
            ["cons_prim", "cons_add", "cons_alt", "cons_comments"]
                .iter()
                .map(|f| d.join(format!("ofac/{f}_2025-12.csv")))
                .collect(),
            "ofac-cons",
            442,
        ),
        (
            vec![d.join("ofac/CONS_ENHANCED_2025-02.ZIP")],
            "ofac-cons",
            443,
        ),
        (
            vec![d.join("ofac/CONS_classic_xml_2024-05-06.xml")],
            "ofac-cons",
            443,
        ),
        (
            vec![d.join("ofac/CONS_ADVANCED_2020-03-17.xml")],
            "ofac-cons",
            375,
        ),
        (
            vec![d.join("un/UN_consolidated_2026-02-27.xml")],
            "un",
            1_003,
        ),
        (
            vec![d.join("opensanctions/yente_t1_entities.ftm.json")],
            "opensanctions",
            7,
        ),
    ];
    for (files, list, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let got = import(dir.path(), &files);
        assert_eq!(got.len(), 1, "{files:?}");
        assert_eq!(got[0].0, list, "{files:?}");
        assert_eq!(got[0].1, expected, "{files:?}: counts {}", got[0].2);
        // The same content again is a no-op.
        let again = interdict(
            dir.path(),
            &["lists", "import", "--json", &files[0].display().to_string()],
        );
        if files.len() == 1 {
            assert_eq!(json(&again)[0]["status"], "unchanged");
        }
    }
}

#[test]
fn sdn_counts_by_schema() {
    let Some(d) = shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let got = import(dir.path(), &[d.join("ofac/sdn_2024-05-03.csv")]);
    assert_eq!(
        got[0].2,
        serde_json::json!({"Airplane": 376, "Organization": 6884, "Person": 6854, "Vessel": 851})
    );
}

#[test]
fn ftm_export_carries_kim_sang_man() {
    let Some(d) = shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    import(dir.path(), &[d.join("ofac/sdn_2024-05-03.csv")]);
    let out = interdict(dir.path(), &["lists", "export", "--format", "ftm"]);
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kim = lines
        .iter()
        .find(|v| v["id"] == "ofac.43377")
        .expect("ofac.43377 exported (FtM ids use a dot: references allow no colon)");
    let p = &kim["properties"];
    assert_eq!(kim["schema"], "Person");
    assert_eq!(p["name"], serde_json::json!(["KIM, Sang Man"]));
    assert_eq!(p["birthDate"], serde_json::json!(["1965-04-25"]));
    assert_eq!(p["nationality"], serde_json::json!(["kp"]));
    assert_eq!(p["gender"], serde_json::json!(["male"]));
    assert_eq!(p["program"], serde_json::json!(["DPRK4"]));
    let mut xbt: Vec<&str> = lines
        .iter()
        .filter(|v| v["schema"] == "CryptoWallet" && v["properties"]["holder"][0] == "ofac.43377")
        .filter(|v| v["properties"]["currency"][0] == "XBT")
        .map(|v| v["properties"]["publicKey"][0].as_str().unwrap())
        .collect();
    xbt.sort();
    assert_eq!(
        xbt,
        [
            "1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ",
            "1FCNgfZWpYMeYhy9t18AAkTBu8AsdoAc1Z"
        ]
    );
    let sanction = lines
        .iter()
        .find(|v| v["schema"] == "Sanction" && v["properties"]["entity"][0] == "ofac.43377")
        .expect("a Sanction entity");
    assert_eq!(
        sanction["properties"]["program"],
        serde_json::json!(["DPRK4"])
    );
}

#[test]
fn diff_between_two_sdn_days_finds_the_eight_removals() {
    let Some(d) = shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let old = d.join("ofac/sdn_2024-05-02.csv");
    let new = d.join("ofac/sdn_2024-05-03.csv");
    let out = interdict(
        dir.path(),
        &[
            "lists",
            "diff",
            "--json",
            &old.display().to_string(),
            &new.display().to_string(),
        ],
    );
    let v = json(&out);
    assert_eq!(v["added"].as_array().unwrap().len(), 0);
    assert_eq!(v["changed"].as_array().unwrap().len(), 0);
    let mut removed: Vec<&str> = v["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    removed.sort();
    assert_eq!(removed.len(), 8);
    assert!(removed.iter().all(|id| {
        let n: u32 = id.trim_start_matches("ofac:").parse().unwrap();
        (38556..=38566).contains(&n)
    }));
    // Stored snapshots diff the same way, named by LIST@VERSION and by LIST (the current one).
    import(dir.path(), &[old]);
    import(dir.path(), &[new]);
    let snaps = json(&interdict(dir.path(), &["lists", "--json"]));
    let first = snaps
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .map(|s| format!("ofac-sdn@{}", s["version"].as_str().unwrap()))
        .unwrap();
    let v = json(&interdict(
        dir.path(),
        &["lists", "diff", "--json", &first, "ofac-sdn"],
    ));
    assert_eq!(v["removed"].as_array().unwrap().len(), 8);
    assert_eq!(v["added"].as_array().unwrap().len(), 0);
    assert_eq!(v["changed"].as_array().unwrap().len(), 0);
}

#[test]
fn aliases_of_missing_entities_become_alias_only_entities() {
    let Some(d) = shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    import(
        dir.path(),
        &[
            d.join("ofac/sdn_2024-05-03.csv"),
            d.join("ofac/alt_2025-12.csv"),
        ],
    );
    let out = interdict(dir.path(), &["lists", "export", "--format", "json"]);
    let entities: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let gayk = entities
        .iter()
        .find(|e| e["id"] == "ofac:53824")
        .expect("ofac:53824");
    let names: Vec<&str> = gayk["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["full"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"ASATRYAN, Gaik"), "{names:?}");
    assert!(names.contains(&"ASATRYAN, Gayk Vanushevich"), "{names:?}");
    // A known entity keeps its primary name and gains the aliases from alt.csv.
    let kim = entities.iter().find(|e| e["id"] == "ofac:43377").unwrap();
    assert_eq!(kim["names"][0]["full"], "KIM, Sang Man");
    let out = interdict(dir.path(), &["lists", "--json"]);
    let meta = &json(&out)[0];
    assert!(
        meta["diagnostics"].as_u64().unwrap() > 0,
        "alias-only entities are flagged"
    );
}
