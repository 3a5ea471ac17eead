//! The OpenAPI schemas of screening's output types (feature `schema`): every output type has
//! one, doc comments become descriptions, and the serialised names match what serde writes.
#![cfg(feature = "schema")]

use screening::{AllowEntry, AllowState, Explanation, ListRef, Match, Mode};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(components(schemas(Match, Explanation, ListRef, Mode, AllowState, AllowEntry)))]
struct Doc;

fn schemas() -> serde_json::Value {
    let doc = serde_json::to_value(Doc::openapi()).expect("an OpenAPI document serialises");
    doc["components"]["schemas"].clone()
}

#[test]
fn output_types_have_schemas_with_descriptions() {
    let s = schemas();
    for name in [
        "Match",
        "Effects",
        "Effect",
        "Explanation",
        "PartMatch",
        "UnmatchedPart",
        "Qualifier",
        "QualifierKind",
        "QualifierOutcome",
        "PartRole",
        "Method",
        "Mode",
        "ListRef",
        "AllowState",
        "AllowEntry",
        "EntityId",
        "NameKind",
        "Scheme",
        "Transform",
    ] {
        assert!(s.get(name).is_some(), "no schema for {name}");
    }
    assert_eq!(
        s["Match"]["properties"]["is_match"],
        serde_json::Value::Null,
        "serde's rename must reach the schema"
    );
    let score = s["Match"]["properties"]["score"]["description"].as_str();
    assert!(
        score.is_some_and(|d| d.starts_with("The score in `[0, 1]`")),
        "{score:?}"
    );
    assert_eq!(
        s["Method"]["enum"],
        serde_json::json!(["interdict", "ofac-emulation"])
    );
    assert_eq!(s["EntityId"]["type"], "string");
}

#[test]
fn schema_document_snapshot() {
    insta::assert_json_snapshot!("output_schemas", schemas());
}
