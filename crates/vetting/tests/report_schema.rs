//! The JSON Schema of the report lines (feature `schema`), as the api crate publishes it.
#![cfg(feature = "schema")]

use serde_json::Value;
use utoipa::{PartialSchema, ToSchema};
use vetting::pipeline::ReportLine;

fn components() -> Vec<(String, Value)> {
    let mut schemas = Vec::new();
    ReportLine::schemas(&mut schemas);
    schemas
        .into_iter()
        .map(|(n, s)| (n, serde_json::to_value(s).unwrap_or_default()))
        .collect()
}

#[test]
fn report_lines_are_tagged_by_type() {
    let line = serde_json::to_value(ReportLine::schema()).unwrap_or_default();
    let tags: Vec<&Value> = line["oneOf"]
        .as_array()
        .map(|v| {
            v.iter()
                .map(|variant| &variant["allOf"][1]["properties"]["type"]["enum"][0])
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(tags, ["run", "subject", "cluster", "diagnostic"]);
    assert_eq!(
        line["oneOf"][1]["allOf"][0]["$ref"],
        "#/components/schemas/SubjectReport"
    );
}

#[test]
fn every_output_type_has_a_schema() {
    let c = components();
    let names: Vec<&str> = c.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "RunLine",
            "SubjectReport",
            "Cluster",
            "Band",
            "Finding",
            "Category",
            "ListEntry",
            "LeadSource",
            "Edge",
            "KeyKind"
        ]
    );
    let get = |name: &str| c.iter().find(|(n, _)| n == name).map(|(_, s)| s.clone());
    let subject = get("SubjectReport").unwrap_or_default();
    // Fields the writer leaves out when empty are not required.
    assert_eq!(
        subject["required"],
        serde_json::json!([
            "subject_id",
            "line",
            "band",
            "score",
            "categories",
            "action",
            "findings"
        ])
    );
    assert_eq!(
        get("Band").unwrap_or_default()["enum"],
        serde_json::json!(["clear", "review", "high", "blocked"])
    );
    let finding = get("Finding").unwrap_or_default();
    assert_eq!(finding["properties"]["sources"]["items"]["type"], "string");
    let required = finding["required"].as_array().cloned().unwrap_or_default();
    assert!(!required.contains(&Value::from("linked_subjects")));
    assert!(required.contains(&Value::from("signal")));
}
