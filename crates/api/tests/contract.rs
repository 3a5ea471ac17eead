//! The documented contract (`docs/api/contract.json`) is exactly what the types generate.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

#[test]
fn the_documented_contract_matches_the_types() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/api/contract.json");
    let generated = api::openapi() + "\n";
    if std::env::var_os("INTERDICT_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let documented = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        documented == generated,
        "docs/api/contract.json is out of date; rerun with INTERDICT_BLESS=1 and review the diff"
    );
    let v: serde_json::Value = serde_json::from_str(&generated).unwrap();
    let schemas = v["components"]["schemas"].as_object().unwrap();
    for name in [
        "ScreenResponse",
        "ScreenLine",
        "MatchOut",
        "CompareResponse",
        "Report",
        "StoredSnapshot",
        "ImportOutcome",
        "Warning",
        "ListUsed",
        "ReportLine",
    ] {
        assert!(schemas.contains_key(name), "{name} missing");
    }
    // Doc comments become descriptions, so the document explains itself.
    assert!(
        schemas["ListUsed"]["properties"]["age_days"]["description"]
            .as_str()
            .unwrap()
            .contains("publication date")
    );
}
