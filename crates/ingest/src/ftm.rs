//! OpenSanctions FtM JSON lines and FtM delta files.
//!
//! Both formats hold one JSON object per line. The parser walks the byte slice line by line
//! (no copy of a line is made), decodes each line with `serde_json::from_slice` and hands the
//! object to [`model::ftm::from_ftm`], which keeps every property and top-level key so that the
//! entity exports back to the same FtM object. A bad line becomes a diagnostic with its line
//! number and the rest of the file still loads.
//!
//! The parser is single-threaded and deterministic; a caller that wants parallelism can split
//! the input at line boundaries itself.

use std::borrow::Cow;
use std::collections::HashMap;

use model::ftm::{entity_id_from_ftm, from_ftm};
use model::{Diagnostic, Entity, EntityId, Severity};
use serde::Deserialize;
use serde_json::Value;

use crate::{IngestError, Input, Parsed, text};

/// Parses FtM entities, one JSON object per line.
///
/// Blank lines are skipped, a BOM and CRLF line ends are accepted, and an id that occurs twice
/// is merged into its first occurrence with a warning. Fails only when the file is empty or
/// when not a single line could be used.
pub fn parse(input: &Input<'_>) -> Result<Parsed, IngestError> {
    let mut out = Parsed::default();
    let mut index: HashMap<EntityId, usize> = HashMap::new();
    let mut first_error: Option<(u64, String)> = None;
    let mut seen_lines = 0u64;
    for (line_no, line) in lines(input.bytes) {
        seen_lines += 1;
        let value = match serde_json::from_slice::<Value>(line) {
            Ok(v) => v,
            Err(e) => {
                let msg = format!("The line is not valid JSON ({e}); it was skipped.");
                bad_line(input, &mut out, &mut first_error, line_no, msg);
                continue;
            }
        };
        match from_ftm(value) {
            Ok(entity) => add_entity(input, &mut out, &mut index, line_no, entity),
            Err(e) => {
                let msg = format!("The line is not a usable FtM entity: {e}; it was skipped.");
                bad_line(input, &mut out, &mut first_error, line_no, msg);
            }
        }
    }
    finish(input, out, seen_lines, first_error)
}

/// One line of an FtM delta file. Borrowing the operation name avoids an allocation per line.
#[derive(Deserialize)]
struct DeltaLine<'a> {
    #[serde(borrow)]
    op: Cow<'a, str>,
    entity: Value,
}

/// Parses an FtM delta file (`ADD` / `MOD` / `DEL` operations).
///
/// `ADD` and `MOD` lines become entities and `DEL` lines become [`Parsed::deleted`] ids; a `DEL`
/// needs only the entity id. When one id has several operations, the last one wins, as it would
/// if the operations were applied in order, and an info diagnostic says so.
pub fn parse_delta(input: &Input<'_>) -> Result<Parsed, IngestError> {
    let mut out = Parsed {
        is_delta: true,
        ..Parsed::default()
    };
    // For each id, its latest operation: an index into `entities`, or a deletion.
    let mut latest: HashMap<EntityId, Option<usize>> = HashMap::new();
    let mut entities: Vec<Option<Entity>> = Vec::new();
    let mut deleted: Vec<Option<EntityId>> = Vec::new();
    let mut first_error: Option<(u64, String)> = None;
    let mut seen_lines = 0u64;
    for (line_no, line) in lines(input.bytes) {
        seen_lines += 1;
        let op = match serde_json::from_slice::<DeltaLine<'_>>(line) {
            Ok(op) => op,
            Err(e) => {
                let msg = format!(
                    "The line is not a delta operation ({e}); a delta line is \
                     {{\"op\": \"ADD\"|\"MOD\"|\"DEL\", \"entity\": {{…}}}}. It was skipped."
                );
                bad_line(input, &mut out, &mut first_error, line_no, msg);
                continue;
            }
        };
        let kind = op.op.trim().to_ascii_uppercase();
        let (id, entity) = match kind.as_str() {
            "ADD" | "MOD" => match from_ftm(op.entity) {
                Ok(e) => (e.id.clone(), Some(e)),
                Err(e) => {
                    let msg = format!("The {kind} entity is not usable: {e}; it was skipped.");
                    bad_line(input, &mut out, &mut first_error, line_no, msg);
                    continue;
                }
            },
            "DEL" => {
                let id = op
                    .entity
                    .get("id")
                    .and_then(Value::as_str)
                    .filter(|s| !s.trim().is_empty())
                    .and_then(entity_id_from_ftm);
                let Some(id) = id else {
                    let msg = "The DEL operation has no usable entity id; it was skipped.";
                    bad_line(input, &mut out, &mut first_error, line_no, msg.to_string());
                    continue;
                };
                (id, None)
            }
            other => {
                let msg = format!(
                    "Unknown delta operation {other:?} (expected ADD, MOD or DEL); the line was skipped."
                );
                bad_line(input, &mut out, &mut first_error, line_no, msg);
                continue;
            }
        };
        // A later operation on the same id supersedes the earlier one.
        if let Some(previous) = latest.remove(&id) {
            match previous {
                Some(i) => entities[i] = None,
                None => {
                    if let Some(slot) = deleted.iter_mut().find(|d| d.as_ref() == Some(&id)) {
                        *slot = None;
                    }
                }
            }
            out.diagnostics.push(
                Diagnostic::at_line(
                    Severity::Info,
                    input.name,
                    line_no,
                    format!(
                        "A second operation ({kind}) on the same entity replaces the earlier one."
                    ),
                )
                .with_record(id.as_str()),
            );
        }
        match entity {
            Some(e) => {
                latest.insert(id, Some(entities.len()));
                entities.push(Some(e));
            }
            None => {
                latest.insert(id.clone(), None);
                deleted.push(Some(id));
            }
        }
    }
    out.entities = entities.into_iter().flatten().collect();
    out.deleted = deleted.into_iter().flatten().collect();
    if seen_lines == 0 {
        // An empty delta is a legitimate "nothing changed" file.
        return Ok(out);
    }
    finish(input, out, seen_lines, first_error)
}

/// The non-blank lines of the file with their 1-based line numbers, without BOM, `\r` or
/// surrounding whitespace.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (u64, &[u8])> {
    let mut rest = text::strip_bom(bytes);
    let mut line_no = 0u64;
    std::iter::from_fn(move || {
        loop {
            if rest.is_empty() {
                return None;
            }
            line_no += 1;
            let (line, tail) = match rest.iter().position(|&b| b == b'\n') {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => (rest, &rest[rest.len()..]),
            };
            rest = tail;
            let line = line.trim_ascii();
            if !line.is_empty() {
                return Some((line_no, line));
            }
        }
    })
}

fn add_entity(
    input: &Input<'_>,
    out: &mut Parsed,
    index: &mut HashMap<EntityId, usize>,
    line_no: u64,
    entity: Entity,
) {
    match index.get(&entity.id) {
        Some(&i) => {
            out.diagnostics.push(
                Diagnostic::at_line(
                    Severity::Warning,
                    input.name,
                    line_no,
                    "The entity id occurs a second time; the two records were merged.",
                )
                .with_record(entity.id.as_str()),
            );
            out.entities[i].merge(entity);
        }
        None => {
            index.insert(entity.id.clone(), out.entities.len());
            out.entities.push(entity);
        }
    }
}

fn bad_line(
    input: &Input<'_>,
    out: &mut Parsed,
    first_error: &mut Option<(u64, String)>,
    line_no: u64,
    message: String,
) {
    if first_error.is_none() {
        *first_error = Some((line_no, message.clone()));
    }
    out.diagnostics.push(Diagnostic::at_line(
        Severity::Error,
        input.name,
        line_no,
        message,
    ));
}

/// Turns a file of which nothing could be used into an error; anything else is returned.
fn finish(
    input: &Input<'_>,
    out: Parsed,
    seen_lines: u64,
    first_error: Option<(u64, String)>,
) -> Result<Parsed, IngestError> {
    if seen_lines == 0 {
        return Err(IngestError::whole(
            input.name,
            "the file is empty; an FtM entities file has one JSON object per line",
        ));
    }
    let nothing = out.entities.is_empty() && out.deleted.is_empty();
    match first_error {
        Some((line, message)) if nothing => Err(IngestError::at_line(
            input.name,
            line,
            format!(
                "no line of the file is a usable FtM record; the first problem: {message} \
                 (is this an FtM JSON lines file?)"
            ),
        )),
        _ => Ok(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::Location;

    fn input(bytes: &[u8]) -> Input<'_> {
        Input {
            name: "t.json",
            bytes,
        }
    }

    /// Parses `content` and returns the entity ids and the (severity, line) of each diagnostic.
    fn check(content: &str, ids: &[&str], diags: &[(Severity, u64)]) {
        let p = parse(&input(content.as_bytes())).expect("parses");
        let got: Vec<&str> = p.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(got, ids, "{content:?}");
        let got: Vec<(Severity, u64)> = p
            .diagnostics
            .iter()
            .map(|d| match d.location {
                Location::Line(l) => (d.severity, l),
                _ => (d.severity, 0),
            })
            .collect();
        assert_eq!(got, diags, "{content:?}");
    }

    #[test]
    fn parses_lines_and_reports_bad_ones() {
        use Severity::*;
        let a = r#"{"id":"a","schema":"Person","properties":{"name":["A"]}}"#;
        let b = r#"{"id":"b","schema":"Company","properties":{"name":["B"]}}"#;
        check(&format!("{a}\n{b}\n"), &["os:a", "os:b"], &[]);
        check(
            &format!("\u{feff}{a}\r\n\r\n  \n{b}"),
            &["os:a", "os:b"],
            &[],
        );
        check(
            &format!("{a}\n{{nope\n{b}\n"),
            &["os:a", "os:b"],
            &[(Error, 2)],
        );
        check(
            &format!("{a}\n{{\"schema\":\"Person\"}}\n{{\"id\":\"c\"}}\n{b}"),
            &["os:a", "os:b"],
            &[(Error, 2), (Error, 3)],
        );
        check(
            &format!(
                "{a}\n{{\"id\":\"c\",\"schema\":\"Person\",\"properties\":{{\"name\":\"x\"}}}}"
            ),
            &["os:a"],
            &[(Error, 2)],
        );
        check(&format!("{a}\n[1,2]\n"), &["os:a"], &[(Error, 2)]);
        check(&format!("{a}\n{a}\n"), &["os:a"], &[(Warning, 2)]);
    }

    #[test]
    fn duplicate_ids_merge() {
        let content = "{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{\"name\":[\"A\"]}}\n\
                       {\"id\":\"a\",\"schema\":\"Person\",\"properties\":{\"alias\":[\"B\"]}}\n";
        let p = parse(&input(content.as_bytes())).expect("parses");
        assert_eq!(p.entities.len(), 1);
        assert_eq!(p.entities[0].names.len(), 2);
    }

    #[test]
    fn unusable_files_fail() {
        assert!(parse(&input(b"")).is_err());
        assert!(parse(&input(b"\n \r\n")).is_err());
        assert!(parse(&input(b"<html>\n<body>\n")).is_err());
        assert!(parse(&input(b"\xff\xfe{\n")).is_err());
    }

    #[test]
    fn non_utf8_line_is_reported_and_skipped() {
        let content = b"{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{\"name\":[\"A\xe9\"]}}\n{\"id\":\"b\",\"schema\":\"Person\"}\n";
        let p = parse(&input(content)).expect("parses");
        assert_eq!(p.entities.len(), 1);
        assert_eq!(p.diagnostics.len(), 1);
        assert_eq!(p.diagnostics[0].location, Location::Line(1));
    }

    #[test]
    fn delta_operations() {
        let content = concat!(
            r#"{"op":"ADD","entity":{"id":"a","schema":"Person","properties":{"name":["A"]}}}"#,
            "\n",
            r#"{"op":"MOD","entity":{"id":"b","schema":"Person","properties":{"name":["B"]}}}"#,
            "\n",
            r#"{"op":"DEL","entity":{"id":"c"}}"#,
            "\n",
            r#"{"op":"MOD","entity":{"id":"a","schema":"Person","properties":{"name":["A2"]}}}"#,
            "\n",
            r#"{"op":"DEL","entity":{}}"#,
            "\n",
            r#"{"op":"UPSERT","entity":{"id":"d"}}"#,
            "\n",
            r#"{"op":"DEL","entity":{"id":"b"}}"#,
            "\n",
        );
        let p = parse_delta(&input(content.as_bytes())).expect("parses");
        assert!(p.is_delta);
        let ids: Vec<&str> = p.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["os:a"]);
        assert_eq!(p.entities[0].caption(), "A2");
        let del: Vec<&str> = p.deleted.iter().map(EntityId::as_str).collect();
        assert_eq!(del, ["os:c", "os:b"]);
        let sev: Vec<(Severity, Location)> = p
            .diagnostics
            .iter()
            .map(|d| (d.severity, d.location.clone()))
            .collect();
        assert_eq!(
            sev,
            [
                (Severity::Info, Location::Line(4)),
                (Severity::Error, Location::Line(5)),
                (Severity::Error, Location::Line(6)),
                (Severity::Info, Location::Line(7)),
            ]
        );
    }

    #[test]
    fn empty_delta_is_no_change() {
        let p = parse_delta(&input(b"")).expect("parses");
        assert!(p.is_delta && p.entities.is_empty() && p.deleted.is_empty());
        assert!(parse_delta(&input(b"{\"id\":\"a\"}\n")).is_err());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = parse(&input(&bytes));
            let _ = parse_delta(&input(&bytes));
        }

        #[test]
        fn truncations_never_panic(cut in 0usize..400) {
            let full = concat!(
                r#"{"id":"a","schema":"Person","properties":{"name":["Ivan"],"birthDate":["1970"]}}"#,
                "\n",
                r#"{"op":"DEL","entity":{"id":"b"}}"#,
                "\n",
            );
            let bytes = &full.as_bytes()[..cut.min(full.len())];
            let _ = parse(&input(bytes));
            let _ = parse_delta(&input(bytes));
        }
    }
}
