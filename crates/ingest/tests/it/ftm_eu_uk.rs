//! Acceptance tests for the FtM, EU FSF and UK parsers against real data and fixtures.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use ingest::{Input, ftm};
use serde_json::Value;

/// The shared data folder, or `None` (with the reason printed) when it is not there.
fn shared(rel: &str) -> Option<Vec<u8>> {
    let path = testkit::shared(&format!("data/{rel}"))?;
    Some(std::fs::read(path).expect("the shared file reads"))
}

/// The properties of an FtM object as sets, so that value order does not matter.
fn property_sets(v: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    if let Some(Value::Object(props)) = v.get("properties") {
        for (k, vals) in props {
            let set = vals
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect();
            out.insert(k.clone(), set);
        }
    }
    out
}

/// Every top-level key except `properties`.
fn top_level(v: &Value) -> BTreeMap<String, Value> {
    v.as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.as_str() != "properties")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

#[test]
fn yente_entities_load_and_round_trip() {
    let Some(bytes) = shared("opensanctions/yente_t1_entities.ftm.json") else {
        return;
    };
    let parsed = ftm::parse(&Input {
        name: "yente_t1_entities.ftm.json",
        bytes: &bytes,
    })
    .expect("parses");
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    assert!(!parsed.is_delta);
    let mut schemata: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &parsed.entities {
        *schemata.entry(e.schema.name()).or_default() += 1;
    }
    assert_eq!(
        schemata,
        BTreeMap::from([("Address", 1), ("Organization", 2), ("Person", 4)])
    );

    // Lossless: every input line exports back to the same id, schema, metadata and
    // property sets.
    let text = String::from_utf8(bytes).expect("utf-8");
    let inputs: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(inputs.len(), parsed.entities.len());
    for (input, entity) in inputs.iter().zip(&parsed.entities) {
        let out = model::ftm::to_ftm(entity);
        assert_eq!(out.len(), 1, "an FtM entity exports as one object");
        assert_eq!(top_level(&out[0]), top_level(input), "{}", entity.id);
        assert_eq!(
            property_sets(&out[0]),
            property_sets(input),
            "{}",
            entity.id
        );
    }
}

#[test]
fn yente_delta_loads_its_operations() {
    let Some(bytes) = shared("opensanctions/yente_t2_20240527194702_entities.delta.json") else {
        return;
    };
    let parsed = ftm::parse_delta(&Input {
        name: "entities.delta.json",
        bytes: &bytes,
    })
    .expect("parses");
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    assert!(parsed.is_delta);
    let got: Vec<(&str, &str)> = parsed
        .entities
        .iter()
        .map(|e| (e.id.as_str(), e.schema.name()))
        .collect();
    assert_eq!(
        got,
        [
            ("os:NK-2T3S8Hu29ktYnKSTgQp2wL", "Organization"),
            ("os:NK-2sJaJRaPJcWUfMbHjTtWcL", "Person"),
        ]
    );
    assert_eq!(
        parsed.entities[0].meta.get("caption"),
        Some(&Value::from("AL-QAIDA IN IRAQ"))
    );
    assert!(parsed.deleted.is_empty());
}

#[test]
fn detection_routes_ftm_files() {
    let Some(bytes) = shared("opensanctions/yente_t1_entities.ftm.json") else {
        return;
    };
    let lists = ingest::parse_files(&[Input {
        name: "entities.ftm.json",
        bytes: &bytes,
    }])
    .expect("parses");
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0].parsed.entities.len(), 7);
}

/// A fixture of this crate's `test_data`.
fn fixture(rel: &str) -> Vec<u8> {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/test_data")).join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

type Parser = fn(&Input<'_>) -> Result<ingest::Parsed, ingest::IngestError>;

/// Parses a fixture and compares the entities with the reviewed expectation file.
fn check_expected(parser: Parser, file: &str, expected: &str, publish: Option<&str>) {
    let bytes = fixture(file);
    let parsed = parser(&Input {
        name: file,
        bytes: &bytes,
    })
    .expect(file);
    assert!(
        parsed.diagnostics.is_empty(),
        "{file}: {:?}",
        parsed.diagnostics
    );
    let got = serde_json::to_value(&parsed.entities).expect("serialises");
    let want: Value = serde_json::from_slice(&fixture(expected)).expect("expected json");
    assert_eq!(got, want, "{file}");
    assert_eq!(
        parsed.publish_date.map(|d| d.to_string()).as_deref(),
        publish,
        "{file}"
    );
}

#[test]
fn eu_and_uk_fixtures_parse_to_the_expected_entities() {
    use ingest::{eu, uk};
    let table: [(Parser, &str, &str, Option<&str>); 5] = [
        (
            eu::parse,
            "eu/fsf_sample.xml",
            "eu/fsf_sample.expected.json",
            Some("2024-05-27"),
        ),
        (
            uk::parse_xml,
            "uk/UK_Sanctions_List.xml",
            "uk/UK_Sanctions_List.expected.json",
            Some("2025-06-10"),
        ),
        // The CSV form of the same designations gives exactly the same entities.
        (
            uk::parse_csv,
            "uk/UK_Sanctions_List.csv",
            "uk/UK_Sanctions_List.expected.json",
            Some("2025-06-10"),
        ),
        (
            uk::parse_csv,
            "uk/ConList.csv",
            "uk/ConList.expected.json",
            Some("2025-04-16"),
        ),
        (
            uk::parse_xml,
            "uk/ConList.xml",
            "uk/ConList_xml.expected.json",
            None,
        ),
    ];
    for (parser, file, expected, publish) in table {
        check_expected(parser, file, expected, publish);
    }
}

#[test]
fn eu_and_uk_fixtures_are_detected() {
    for (file, format) in [
        ("eu/fsf_sample.xml", ingest::Format::EuXml),
        ("uk/UK_Sanctions_List.xml", ingest::Format::UkXml),
        ("uk/UK_Sanctions_List.csv", ingest::Format::UkCsv),
        ("uk/ConList.csv", ingest::Format::UkCsv),
        ("uk/ConList.xml", ingest::Format::UkXml),
        ("ftm/bad_lines.ftm.json", ingest::Format::FtmJson),
        ("ftm/ops.delta.json", ingest::Format::FtmDelta),
    ] {
        assert_eq!(
            ingest::detect(file, &fixture(file)).ok(),
            Some(format),
            "{file}"
        );
    }
}

/// What a bad input should give: an error, or entity ids plus diagnostic severities and
/// locations (`L<n>` for a line, `B` for a byte offset, `F` for the whole file).
enum Outcome {
    Fails,
    Loads(&'static [&'static str], &'static [&'static str]),
}

fn summary(d: &model::Diagnostic) -> String {
    let sev = match d.severity {
        model::Severity::Info => "info",
        model::Severity::Warning => "warning",
        model::Severity::Error => "error",
    };
    match d.location {
        model::Location::Line(l) => format!("{sev}@L{l}"),
        model::Location::Byte(_) => format!("{sev}@B"),
        model::Location::File => format!("{sev}@F"),
    }
}

#[test]
fn bad_inputs_give_diagnostics_or_errors() {
    use Outcome::*;
    use ingest::{eu, uk};
    let table: [(Parser, &str, Outcome); 14] = [
        (
            ftm::parse,
            "ftm/bad_lines.ftm.json",
            Loads(
                &["os:NK-a", "os:NK-e"],
                &["error@L2", "error@L4", "error@L5", "error@L6", "warning@L7"],
            ),
        ),
        (
            ftm::parse,
            "ftm/bom_crlf.ftm.json",
            Loads(&["os:NK-a", "os:NK-b"], &[]),
        ),
        (
            ftm::parse_delta,
            "ftm/ops.delta.json",
            Loads(&["os:NK-a", "os:NK-b"], &["error@L4"]),
        ),
        (
            eu::parse,
            "eu/truncated.xml",
            Loads(&["eu:9101", "eu:2801"], &["error@B"]),
        ),
        (
            eu::parse,
            "eu/malformed.xml",
            Loads(&["eu:9101", "eu:2801"], &["error@B"]),
        ),
        (
            eu::parse,
            // The file declares UTF-8; the record holding Latin-1 bytes is dropped with an
            // error rather than the whole file re-decoded.
            "eu/latin1.xml",
            Loads(&["eu:9101", "eu:2801"], &["error@B"]),
        ),
        (eu::parse, "eu/empty.xml", Fails),
        (
            uk::parse_xml,
            "uk/truncated.xml",
            Loads(&["uk:AFG0042", "uk:RUS1234"], &["error@B"]),
        ),
        (uk::parse_csv, "uk/missing_id_column.csv", Fails),
        (uk::parse_csv, "uk/empty.csv", Fails),
        (
            uk::parse_csv,
            "uk/latin1_lf.csv",
            Loads(
                &["uk:7001", "uk:15001"],
                // One note for the whole Windows-1252 file, at its first such row.
                &["info@L3"],
            ),
        ),
        (
            uk::parse_csv,
            "uk/short_rows.csv",
            Loads(&["uk:7001"], &["warning@L5", "error@L5", "error@L6"]),
        ),
        (uk::parse_xml, "eu/fsf_sample.xml", Fails),
        (eu::parse, "uk/UK_Sanctions_List.xml", Fails),
    ];
    for (parser, file, outcome) in table {
        let bytes = fixture(file);
        let got = parser(&Input {
            name: file,
            bytes: &bytes,
        });
        match (outcome, got) {
            (Fails, Err(e)) => assert!(e.to_string().contains(file), "{file}: {e}"),
            (Loads(ids, diags), Ok(p)) => {
                let got_ids: Vec<&str> = p.entities.iter().map(|e| e.id.as_str()).collect();
                assert_eq!(got_ids, ids, "{file}");
                let got_diags: Vec<String> = p.diagnostics.iter().map(summary).collect();
                assert_eq!(got_diags, diags, "{file}: {:?}", p.diagnostics);
            }
            (Fails, Ok(p)) => panic!("{file}: expected an error, got {:?}", p.diagnostics),
            (Loads(..), Err(e)) => panic!("{file}: {e}"),
        }
    }
}

/// What a broken EU or UK XML fixture must give: the surviving entity ids, and the one error
/// with its byte offset, the text found at that offset and its message.
struct Broken {
    parser: Parser,
    file: &'static str,
    ids: &'static [&'static str],
    at: u64,
    found: &'static str,
    message: &'static str,
}

#[test]
fn broken_eu_and_uk_records_are_dropped_and_the_rest_loads() {
    use ingest::{eu, uk};
    let table = [
        // Record 2801 (line 28, byte 3840) of three closes `<remark>` with `</remrak>` on line
        // 34; 9101 before it and 8282 after it load.
        Broken {
            parser: eu::parse,
            file: "eu/malformed_middle.xml",
            ids: &["eu:9101", "eu:8282"],
            at: 4844,
            found: "</remrak>",
            message: "Malformed XML: ill-formed document: expected `</remark>`, but `</remrak>` \
                      was found. The incomplete record starting at byte 3840 was dropped. \
                      Reading resumed at byte 6407.",
        },
        // The second of three Designations (RUS1234, line 47, byte 2922) closes `<RegimeName>`
        // with `</RegimeNme>` on line 59; AFG0042 and RUS2176 load.
        Broken {
            parser: uk::parse_xml,
            file: "uk/malformed_middle.xml",
            ids: &["uk:AFG0042", "uk:RUS2176"],
            at: 3630,
            found: "</RegimeNme>",
            message: "Malformed XML: ill-formed document: expected `</RegimeName>`, but \
                      `</RegimeNme>` was found. The incomplete record starting at byte 2922 was \
                      dropped. Reading resumed at byte 4737.",
        },
        // The last record (8282) leaves `<subjectType>` open, so no record follows the error.
        Broken {
            parser: eu::parse,
            file: "eu/malformed.xml",
            ids: &["eu:9101", "eu:2801"],
            at: 8191,
            found: "</sanctionEntity>",
            message: "Malformed XML: ill-formed document: expected `</subjectType>`, but \
                      `</sanctionEntity>` was found. The incomplete record starting at byte 6407 \
                      was dropped. No further record follows.",
        },
        Broken {
            parser: eu::parse,
            file: "eu/truncated.xml",
            ids: &["eu:9101", "eu:2801"],
            at: 6580,
            found: "<regulation regulationType=",
            message: "Malformed XML: syntax error: tag not closed: `>` not found before end of \
                      input. The incomplete record starting at byte 6407 was dropped. No further \
                      record follows.",
        },
        Broken {
            parser: uk::parse_xml,
            file: "uk/truncated.xml",
            ids: &["uk:AFG0042", "uk:RUS1234"],
            at: 4846,
            found: "",
            message: "The file ends inside <Designation> before the XML document is complete \
                      (truncated?). The incomplete record starting at byte 4738 was dropped.",
        },
    ];
    for case in table {
        let file = case.file;
        let bytes = fixture(file);
        let p = (case.parser)(&Input {
            name: file,
            bytes: &bytes,
        })
        .unwrap_or_else(|e| panic!("{file}: {e}"));
        let ids: Vec<&str> = p.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, case.ids, "{file}");
        let [d] = p.diagnostics.as_slice() else {
            panic!("{file}: expected one diagnostic, got {:?}", p.diagnostics);
        };
        assert_eq!(d.severity, model::Severity::Error, "{file}");
        assert_eq!(d.file, file);
        assert_eq!(d.location, model::Location::Byte(case.at), "{file}");
        assert_eq!(d.message, case.message, "{file}");
        // The offset points at the bad tag itself, or at the end of a file cut between tags.
        let rest = usize::try_from(case.at)
            .ok()
            .and_then(|at| bytes.get(at..))
            .unwrap_or_default();
        let points_there = match case.found {
            "" => rest.is_empty(),
            found => rest.starts_with(found.as_bytes()),
        };
        assert!(points_there, "{file}");
    }
}
