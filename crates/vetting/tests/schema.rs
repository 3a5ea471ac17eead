//! The record format cannot drift: docs/vetting-record.schema.json and the serde types name the
//! same fields, and generated records and the test fixtures validate against the schema.
//!
//! The validator covers exactly the JSON Schema subset the file uses and rejects any other
//! keyword or pattern, so that a schema change it does not understand fails here instead of being
//! silently ignored.

use std::collections::BTreeSet;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde_json::Value;
use vetting::record::*;

fn schema() -> Value {
    let text = include_str!("../../../docs/vetting-record.schema.json");
    serde_json::from_str(text).unwrap_or_else(|e| panic!("schema does not parse: {e}"))
}

const DATE: &str = "^\\d{4}(-\\d{2}(-\\d{2})?)?";
const COUNTRY: &str = "^[A-Za-z]{2}$";
const OFFSET: &str = "^(UTC)?[+-]\\d{1,2}(:\\d{2})?$";

fn pattern_ok(pattern: &str, s: &str) -> Result<bool, String> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    Ok(match pattern {
        // Anchored at the start only, as in the schema.
        DATE => digits(0..4) && (b.len() == 4 || b.get(4) == Some(&b'-') && digits(5..7)),
        COUNTRY => b.len() == 2 && b.iter().all(u8::is_ascii_alphabetic),
        OFFSET => {
            let t = s.strip_prefix("UTC").unwrap_or(s);
            let Some(rest) = t.strip_prefix(['+', '-']) else {
                return Ok(false);
            };
            let (h, m) = rest
                .split_once(':')
                .map_or((rest, None), |(h, m)| (h, Some(m)));
            (1..=2).contains(&h.len())
                && h.bytes().all(|c| c.is_ascii_digit())
                && m.is_none_or(|m| m.len() == 2 && m.bytes().all(|c| c.is_ascii_digit()))
        }
        other => return Err(format!("pattern {other} is not known to the checker")),
    })
}

/// Validates `v` against `s`; `strict` treats properties the schema does not name as errors (the
/// schema allows them for producers, but our own output must not have any).
fn validate(root: &Value, s: &Value, v: &Value, path: &str, strict: bool, errs: &mut Vec<String>) {
    let Some(obj) = s.as_object() else {
        errs.push(format!("{path}: schema is not an object"));
        return;
    };
    for k in obj.keys() {
        if !matches!(
            k.as_str(),
            "$schema"
                | "$id"
                | "title"
                | "description"
                | "type"
                | "required"
                | "properties"
                | "additionalProperties"
                | "items"
                | "$ref"
                | "$defs"
                | "enum"
                | "pattern"
                | "minimum"
                | "minItems"
                | "maxItems"
        ) {
            errs.push(format!("{path}: keyword {k} is not known to the checker"));
        }
    }
    if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
        let Some(name) = r.strip_prefix("#/$defs/") else {
            errs.push(format!("{path}: unsupported $ref {r}"));
            return;
        };
        match root.get("$defs").and_then(|d| d.get(name)) {
            Some(d) => validate(root, d, v, path, strict, errs),
            None => errs.push(format!("{path}: missing definition {name}")),
        }
        return;
    }
    if let Some(t) = obj.get("type") {
        let types: Vec<&str> = match t {
            Value::String(x) => vec![x.as_str()],
            Value::Array(xs) => xs.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let ok = types.iter().any(|t| match *t {
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            "array" => v.is_array(),
            "object" => v.is_object(),
            "null" => v.is_null(),
            _ => false,
        });
        if !ok {
            errs.push(format!("{path}: {v} is not of type {types:?}"));
            return;
        }
    }
    if let Some(e) = obj.get("enum").and_then(Value::as_array)
        && !e.contains(v)
    {
        errs.push(format!("{path}: {v} is not one of {e:?}"));
    }
    if let (Some(p), Some(s)) = (obj.get("pattern").and_then(Value::as_str), v.as_str()) {
        match pattern_ok(p, s) {
            Ok(true) => {}
            Ok(false) => errs.push(format!("{path}: '{s}' does not match {p}")),
            Err(e) => errs.push(format!("{path}: {e}")),
        }
    }
    if let (Some(m), Some(x)) = (obj.get("minimum").and_then(Value::as_f64), v.as_f64())
        && x < m
    {
        errs.push(format!("{path}: {x} is below {m}"));
    }
    if let Some(a) = v.as_array() {
        if let Some(n) = obj.get("minItems").and_then(Value::as_u64)
            && (a.len() as u64) < n
        {
            errs.push(format!("{path}: fewer than {n} items"));
        }
        if let Some(n) = obj.get("maxItems").and_then(Value::as_u64)
            && (a.len() as u64) > n
        {
            errs.push(format!("{path}: more than {n} items"));
        }
        if let Some(items) = obj.get("items") {
            for (i, x) in a.iter().enumerate() {
                validate(root, items, x, &format!("{path}[{i}]"), strict, errs);
            }
        }
    }
    if let Some(o) = v.as_object() {
        let props = obj.get("properties").and_then(Value::as_object);
        for r in obj
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(r) = r.as_str()
                && !o.contains_key(r)
            {
                errs.push(format!("{path}: required property {r} is missing"));
            }
        }
        for (k, x) in o {
            match props.and_then(|p| p.get(k)) {
                Some(ps) => validate(root, ps, x, &format!("{path}.{k}"), strict, errs),
                None if strict || obj.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    errs.push(format!("{path}: property {k} is not in the schema"))
                }
                None => {}
            }
        }
    }
}

fn check(v: &Value, what: &str) {
    let root = schema();
    let mut errs = Vec::new();
    validate(&root, &root, v, "$", true, &mut errs);
    assert!(errs.is_empty(), "{what}:\n{}", errs.join("\n"));
}

/// A deserializer that records the field names serde asks for and then gives up: the field list
/// of a derived `Deserialize` struct, renames included.
struct Fields<'a>(&'a mut &'static [&'static str]);

impl<'de> Deserializer<'de> for Fields<'_> {
    type Error = de::value::Error;
    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(de::Error::custom("captured"))
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

fn fields<T: DeserializeOwned>() -> BTreeSet<&'static str> {
    let mut f: &'static [&'static str] = &[];
    let _ = T::deserialize(Fields(&mut f));
    f.iter().copied().collect()
}

fn schema_fields(s: &Value, pointer: &str) -> BTreeSet<String> {
    s.pointer(pointer)
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn serde_types_and_schema_name_the_same_fields() {
    let s = schema();
    let types: Vec<(&str, BTreeSet<&str>)> = vec![
        ("/properties", fields::<Record>()),
        ("/properties/claims/properties", fields::<Claims>()),
        (
            "/properties/observations/properties",
            fields::<Observations>(),
        ),
        ("/$defs/PostalAddress/properties", fields::<PostalAddress>()),
        ("/$defs/GovernmentId/properties", fields::<GovernmentId>()),
        ("/$defs/OnlineProfile/properties", fields::<OnlineProfile>()),
        ("/$defs/Employment/properties", fields::<Employment>()),
        ("/$defs/Reference/properties", fields::<Reference>()),
        (
            "/$defs/PaymentDestination/properties",
            fields::<PaymentDestination>(),
        ),
        ("/$defs/LoginEvent/properties", fields::<LoginEvent>()),
        ("/$defs/UsbDevice/properties", fields::<UsbDevice>()),
        ("/$defs/Device/properties", fields::<Device>()),
        ("/$defs/Shipment/properties", fields::<Shipment>()),
        (
            "/$defs/InterviewSession/properties",
            fields::<InterviewSession>(),
        ),
        ("/$defs/PayRequest/properties", fields::<PayRequest>()),
        ("/$defs/PhoneCheck/properties", fields::<PhoneCheck>()),
        (
            "/$defs/ActivityProfile/properties",
            fields::<ActivityProfile>(),
        ),
        ("/$defs/SecurityEvent/properties", fields::<SecurityEvent>()),
        (
            "/$defs/ConsortiumMatch/properties",
            fields::<ConsortiumMatch>(),
        ),
        (
            "/$defs/PrivilegeRequest/properties",
            fields::<PrivilegeRequest>(),
        ),
        ("/$defs/CardCharge/properties", fields::<CardCharge>()),
        (
            "/$defs/AddressExposure/properties",
            fields::<AddressExposure>(),
        ),
    ];
    for (pointer, serde_fields) in &types {
        assert!(!serde_fields.is_empty(), "no serde fields for {pointer}");
        let want: BTreeSet<String> = serde_fields.iter().map(|f| f.to_string()).collect();
        assert_eq!(schema_fields(&s, pointer), want, "{pointer}");
    }
    // Every definition in the schema is one of the types above.
    let defs: BTreeSet<String> = schema_fields(&s, "/$defs");
    let covered: BTreeSet<String> = types
        .iter()
        .filter_map(|(p, _)| p.strip_prefix("/$defs/"))
        .filter_map(|p| p.strip_suffix("/properties"))
        .map(String::from)
        .collect();
    assert_eq!(defs, covered);
}

#[test]
fn generated_records_validate() {
    let (records, _) = vetting::synthetic::generate(1000, 5);
    for r in &records {
        let v = serde_json::to_value(r).unwrap_or_else(|e| panic!("{e}"));
        check(&v, &r.subject_id);
    }
}

#[test]
fn fixtures_validate() {
    // The full fixture sets every field of the format; it must validate and survive a serde
    // round trip unchanged (so every key in it is a serde field).
    let text = include_str!("../test_data/full_record.json");
    let v: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"));
    check(&v, "test_data/full_record.json");
    let r: Record = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(serde_json::to_value(&r).ok(), Some(v));
    // Every record fixture of the signal tests that parses must validate too.
    let src = include_str!("signals.rs");
    let mut n = 0;
    for chunk in src.split("r#\"").skip(1) {
        let Some(json) = chunk.split("\"#").next() else {
            continue;
        };
        if !json.starts_with("{\"subject_id\"") || vetting::parse_line(json).is_err() {
            continue;
        }
        let v: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
        check(&v, json);
        n += 1;
    }
    assert!(n > 50, "only {n} fixtures found");
}

#[test]
fn the_checker_rejects_what_it_should() {
    let root = schema();
    let bad = [
        r#"{"claims":{}}"#,
        r#"{"subject_id":"a","claims":{"birth_date":"90-01-01"}}"#,
        r#"{"subject_id":"a","claims":{"residence_country":"USA"}}"#,
        r#"{"subject_id":"a","observations":{"phone_checks":[{"number":"1","line_type":"pager"}]}}"#,
        r#"{"subject_id":"a","observations":{"activity":{"hours_utc":[1,2]}}}"#,
        r#"{"subject_id":"a","observations":{"declined_in_person":-1}}"#,
        r#"{"subject_id":"a","claims":{"utc_offset":"CET"}}"#,
        r#"{"subject_id":"a","claims":{"nmae":"typo"}}"#,
    ];
    for b in bad {
        let v: Value = serde_json::from_str(b).unwrap_or_else(|e| panic!("{e}"));
        let mut errs = Vec::new();
        validate(&root, &root, &v, "$", true, &mut errs);
        assert!(!errs.is_empty(), "accepted {b}");
    }
}
