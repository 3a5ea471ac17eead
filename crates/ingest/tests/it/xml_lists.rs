//! Acceptance tests for the UN and OFAC XML parsers against the real files in `../shared/data`.

use ingest::{Input, ListId};
use model::{PartialDate, Schema};

/// The bytes of a shared data file, or `None` (with the reason printed) when it is not there.
fn shared(rel: &str) -> Option<Vec<u8>> {
    let path = testkit::shared(&format!("data/{rel}"))?;
    Some(std::fs::read(path).expect("the shared file reads"))
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

#[test]
fn cons_enhanced_zip_loads_through_parse_files() {
    let Some(bytes) = shared("ofac/CONS_ENHANCED_2025-02.ZIP") else {
        return;
    };
    let lists = ingest::parse_files(&[Input {
        name: "CONS_ENHANCED_2025-02.ZIP",
        bytes: &bytes,
    }])
    .expect("the ZIP parses");
    assert_eq!(lists.len(), 1);
    let l = &lists[0];
    assert_eq!(l.list, ListId::OfacCons);
    assert_eq!(l.files[0].1, ingest::Format::OfacEnhancedXml);
    assert_eq!(l.parsed.entities.len(), 443);
    assert_eq!(l.parsed.publish_date, PartialDate::parse_iso("2025-01-10"));
    assert!(
        l.parsed
            .entities
            .iter()
            .all(|e| e.id.as_str().starts_with("ofac-cons:") && !e.names.is_empty())
    );
    let haniya = l
        .parsed
        .entities
        .iter()
        .find(|e| e.id.as_str() == "ofac-cons:9639")
        .expect("entity 9639 is listed");
    assert_eq!(haniya.caption(), "HANIYA, Ismail Abdul Salah");
    assert_eq!(haniya.schema, Schema::Person);
    assert_eq!(haniya.programs(), ["NS-PLC"]);
    // Relations name their targets by id in the same list.
    let linked = l
        .parsed
        .entities
        .iter()
        .flat_map(|e| &e.relations)
        .filter(|r| r.target_id.is_some())
        .count();
    assert_eq!(linked, 283);
    assert!(
        l.parsed
            .diagnostics
            .iter()
            .all(|d| d.severity != model::Severity::Error),
        "{:#?}",
        l.parsed.diagnostics
    );
}

#[test]
fn classic_sdn_xml_excerpt_loads() {
    let Some(bytes) = shared("ofac/sdn_xml_2entry_excerpt_2020-10-29.xml") else {
        return;
    };
    let p = ingest::ofac_xml::parse(&Input {
        name: "sdn.xml",
        bytes: &bytes,
    })
    .expect("the excerpt parses");
    let ids: Vec<&str> = p.entities.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["ofac:36", "ofac:173"]);
    assert_eq!(p.publish_date, PartialDate::new(2020, Some(10), Some(29)));
    assert_eq!(p.entities[1].caption(), "ANGLO-CARIBBEAN CO., LTD.");
    assert_eq!(
        p.entities[1].addresses[0].postal_code.as_deref(),
        Some("EC3N 1DY")
    );
    assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);
}
