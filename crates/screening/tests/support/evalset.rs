//! Loading the shared evaluation set (`../shared/eval/README.md`) with our own parsers.
//!
//! Shared by the integration tests, the `eval` example and the benches; it reads files, which
//! the library itself never does.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::Path;

use model::{Entity, NameKind, PartialDate, Schema};
use screening::{ListRef, Query, Screener};

/// Where the shared data lives: `shared/` beside the repository checkout, as in CI.
pub const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");

/// The OFAC SDN CSV, the 2025 alias file and the UN XML the evaluation index is built from.
pub const SDN: &str = "data/ofac/sdn_2024-05-03.csv";
/// The alias file of a later date.
pub const ALT: &str = "data/ofac/alt_2025-12.csv";
/// The UN consolidated list.
pub const UN: &str = "data/un/UN_consolidated_2026-02-27.xml";

/// Parsed lists, each with its reference.
pub type Lists = Vec<(ListRef, Vec<Entity>)>;

/// Parses SDN + ALT + UN with `ingest::parse_files`; `None` when `../shared` is absent.
pub fn load_lists() -> anyhow::Result<Option<Lists>> {
    let base = Path::new(SHARED);
    if testkit::shared(SDN).is_none() {
        return Ok(None);
    }
    let sdn = std::fs::read(base.join(SDN))?;
    let alt = std::fs::read(base.join(ALT))?;
    let un = std::fs::read(base.join(UN))?;
    let inputs = [
        ingest::Input {
            name: "sdn.csv",
            bytes: &sdn,
        },
        ingest::Input {
            name: "alt.csv",
            bytes: &alt,
        },
        ingest::Input {
            name: "consolidated.xml",
            bytes: &un,
        },
    ];
    let parsed = ingest::parse_files(&inputs)?;
    let mut out = Vec::new();
    for p in parsed {
        let list = ListRef::new(p.list.as_str(), "eval");
        out.push((list, p.parsed.entities));
    }
    Ok(Some(out))
}

/// [`eval_screener`] without alias-only entities for a test: `None`, with the reason printed,
/// when `../shared` is absent; a panic when the lists do not parse.
pub fn eval_screener_or_skip() -> Option<Screener> {
    match eval_screener(false) {
        Ok(Some(s)) => Some(s),
        Ok(None) => {
            eprintln!("skipped: ../shared is absent");
            None
        }
        Err(e) => panic!("the shared lists do not parse: {e}"),
    }
}

/// The screener over the evaluation index. With `keep_alias_only` the OFAC entities that only
/// `alt.csv` knows (such as `ofac:53824`) are kept, as the acceptance checks need;
/// without it the index is exactly the README's: SDN rows only, UN without low-quality and
/// original-script aliases.
pub fn eval_screener(keep_alias_only: bool) -> anyhow::Result<Option<Screener>> {
    let Some(lists) = load_lists()? else {
        return Ok(None);
    };
    let sdn_ids = sdn_ids()?;
    let lists = lists
        .into_iter()
        .map(|(list, entities)| {
            let entities = entities
                .into_iter()
                .filter(|e| {
                    keep_alias_only
                        || !e.id.as_str().starts_with("ofac:")
                        || sdn_ids.contains(e.id.as_str())
                })
                .map(|mut e| {
                    if e.id.as_str().starts_with("un:") && !keep_alias_only {
                        e.names.retain(|n| {
                            n.kind != NameKind::WeakAlias
                                && n.full
                                    .chars()
                                    .all(|c| !c.is_alphabetic() || c.is_ascii() || is_latin(c))
                        });
                    }
                    e
                })
                .collect();
            (list, entities)
        })
        .collect();
    Ok(Some(Screener::build(lists)))
}

fn is_latin(c: char) -> bool {
    matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}')
}

/// The `ofac:<ent_num>` ids of the rows of the SDN CSV (its first column).
fn sdn_ids() -> anyhow::Result<BTreeSet<String>> {
    let raw = std::fs::read(Path::new(SHARED).join(SDN))?;
    let text = String::from_utf8_lossy(&raw);
    Ok(text
        .lines()
        .filter_map(|l| l.split(',').next())
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .map(|n| format!("ofac:{n}"))
        .collect())
}

/// One labelled query.
#[derive(Debug, Clone)]
pub struct EvalQuery {
    /// `query_id`.
    pub id: String,
    /// The query.
    pub query: Query,
    /// Expected ids (empty for a negative).
    pub expected: Vec<String>,
    /// The category.
    pub category: String,
}

/// Parses the query CSV (`query_id,name,schema,birth_date,nationality,expected,category,...`).
pub fn read_queries(text: &str) -> Vec<EvalQuery> {
    let mut rows = parse_csv(text).into_iter();
    let Some(header) = rows.next() else {
        return Vec::new();
    };
    let col = |n: &str| header.iter().position(|h| h == n);
    let (Some(qi), Some(ni)) = (col("query_id"), col("name")) else {
        return Vec::new();
    };
    let (si, bi, nai, ei, ci) = (
        col("schema"),
        col("birth_date"),
        col("nationality"),
        col("expected"),
        col("category"),
    );
    let get = |r: &Vec<String>, i: Option<usize>| -> String {
        i.and_then(|i| r.get(i)).cloned().unwrap_or_default()
    };
    rows.filter(|r| r.len() > ni)
        .map(|r| {
            let schema = get(&r, si);
            let dob = get(&r, bi);
            let nat = get(&r, nai);
            EvalQuery {
                id: get(&r, Some(qi)),
                query: Query {
                    name: get(&r, Some(ni)),
                    schema: (!schema.is_empty()).then(|| Schema::from(schema)),
                    birth_date: PartialDate::parse_iso(&dob),
                    nationality: (!nat.is_empty()).then_some(nat),
                    identifiers: Vec::new(),
                },
                expected: get(&r, ei)
                    .split(';')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                category: get(&r, ci),
            }
        })
        .collect()
}

/// A minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
        } else {
            match c {
                '"' => quoted = true,
                ',' => row.push(std::mem::take(&mut field)),
                '\r' => {}
                '\n' => {
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                _ => field.push(c),
            }
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}
