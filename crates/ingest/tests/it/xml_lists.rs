//! Acceptance tests for the UN and OFAC XML parsers against the real files in `../shared/data`.

use std::path::PathBuf;

use ingest::{Input, ListId};
use model::{PartialDate, Schema};

/// The bytes of a shared data file, or `None` (with the reason printed) when it is not there.
fn shared(rel: &str) -> Option<Vec<u8>> {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"));
    let path = root.join(rel);
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(e) => {
            println!("skipping: {} is not available ({e})", path.display());
            None
        }
    }
}

#[test]
fn un_consolidated_list_loads_completely() {
    let Some(bytes) = shared("un/UN_consolidated_2026-02-27.xml") else {
        return;
    };
    let p = ingest::un::parse(&Input {
        name: "UN_consolidated_2026-02-27.xml",
        bytes: &bytes,
    })
    .expect("the UN list parses");
    let persons = p
        .entities
        .iter()
        .filter(|e| e.schema == Schema::Person)
        .count();
    let orgs = p
        .entities
        .iter()
        .filter(|e| e.schema == Schema::Organization)
        .count();
    assert_eq!((p.entities.len(), persons, orgs), (1003, 730, 273));
    assert_eq!(p.publish_date, PartialDate::parse_iso("2026-02-27"));
    assert_eq!(p.list, Some(ListId::Un));
    let ri = p
        .entities
        .iter()
        .find(|e| e.id.as_str() == "un:KPi.033")
        .expect("un:KPi.033 is listed");
    assert_eq!(ri.caption(), "RI WON HO");
    assert_eq!(ri.names[0].parts.family.as_deref(), Some("RI"));
    assert_eq!(ri.nationalities, ["kp"]);
    assert_eq!(ri.identifications[0].number, "381310014");
    // Every record has a reference number and a name, so nothing is dropped.
    assert!(
        p.diagnostics
            .iter()
            .all(|d| d.severity != model::Severity::Error),
        "{:#?}",
        p.diagnostics
    );
    for d in &p.diagnostics {
        println!("{d}");
    }
}
