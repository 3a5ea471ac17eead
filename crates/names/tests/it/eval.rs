//! Measurements against the labelled evaluation set in `../shared/eval/` (read-only, never copied).
//!
//! These tests print their figures and assert floors, so that a normalisation change that loses
//! coverage fails loudly. When the evaluation set is absent they print why and return.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use names::{AnalyzedName, NameKind, analyze};

fn eval_dir() -> Option<PathBuf> {
    testkit::shared("eval/names-dev.csv")?;
    testkit::shared("eval/index.jsonl")?;
    testkit::shared("eval")
}

/// One labelled query row.
struct Query {
    name: String,
    schema: String,
    expected: Vec<String>,
    category: String,
}

/// Splits one CSV line with RFC 4180 quoting (the file has no embedded newlines).
fn split_csv(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    fields.push(cur);
    fields
}

fn load_queries(dir: &std::path::Path) -> anyhow::Result<Vec<Query>> {
    let text = std::fs::read_to_string(dir.join("names-dev.csv"))?;
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        let f = split_csv(line);
        if f.len() < 7 {
            continue;
        }
        out.push(Query {
            name: f[1].clone(),
            schema: f[2].clone(),
            expected: f[5]
                .split(';')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            category: f[6].clone(),
        });
    }
    Ok(out)
}

/// Entity id → (schema, names).
fn load_index(dir: &std::path::Path) -> anyhow::Result<HashMap<String, (String, Vec<String>)>> {
    let text = std::fs::read_to_string(dir.join("index.jsonl"))?;
    let mut out = HashMap::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let id = v["id"].as_str().unwrap_or_default().to_owned();
        let schema = v["schema"].as_str().unwrap_or_default().to_owned();
        let names = v["names"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|n| n.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        out.insert(id, (schema, names));
    }
    Ok(out)
}

fn kind_of(schema: &str) -> NameKind {
    match schema {
        "Person" => NameKind::Person,
        "Organization" => NameKind::Organization,
        _ => NameKind::Unknown,
    }
}

fn token_set(name: &AnalyzedName, variant: usize) -> BTreeSet<String> {
    name.variants
        .get(variant)
        .map(|v| v.tokens.iter().map(|t| t.text.clone()).collect())
        .unwrap_or_default()
}

/// The sorted skeletons of every variant, each joined by spaces: the blocking signature.
fn skeleton_keys(name: &AnalyzedName) -> Vec<String> {
    name.variants
        .iter()
        .map(|v| {
            let mut s: Vec<&str> = v.tokens.iter().map(|t| t.skeleton.as_str()).collect();
            s.sort_unstable();
            s.join(" ")
        })
        .collect()
}

/// Share of Hangul queries with a variant whose token set equals a listed name's token set.
#[test]
fn hangul_queries_reproduce_list_spellings() -> anyhow::Result<()> {
    let Some(dir) = eval_dir() else {
        return Ok(());
    };
    let queries = load_queries(&dir)?;
    let index = load_index(&dir)?;
    let mut total = 0;
    let mut hits = 0;
    for q in queries.iter().filter(|q| q.category == "script_hang") {
        total += 1;
        let analysed = analyze(&q.name, NameKind::Person);
        let listed: Vec<BTreeSet<String>> = q
            .expected
            .iter()
            .filter_map(|id| index.get(id))
            .flat_map(|(_, names)| names.iter())
            .map(|n| token_set(&analyze(n, NameKind::Person), 0))
            .collect();
        let hit = (0..analysed.variants.len()).any(|v| listed.contains(&token_set(&analysed, v)));
        if hit {
            hits += 1;
        } else {
            println!("miss: {} -> {:?}", q.name, listed);
        }
    }
    let share = hits as f64 / total.max(1) as f64;
    println!("script_hang token-set coverage: {hits}/{total} = {share:.3}");
    assert!(
        total > 0 && share >= 0.9,
        "coverage {share:.3} below the 0.9 floor"
    );
    Ok(())
}

/// Share of queries per category whose sorted skeleton signature equals one of a listed name's:
/// high for positive variant categories, low for negatives (the false-collapse rate).
#[test]
fn skeleton_signatures_by_category() -> anyhow::Result<()> {
    let Some(dir) = eval_dir() else {
        return Ok(());
    };
    let queries = load_queries(&dir)?;
    let index = load_index(&dir)?;
    let mut by_key: HashMap<String, HashSet<&str>> = HashMap::new();
    let mut ids: Vec<&String> = index.keys().collect();
    ids.sort();
    for id in ids {
        let (schema, names) = &index[id];
        for n in names {
            for key in skeleton_keys(&analyze(n, kind_of(schema))) {
                by_key.entry(key).or_default().insert(id.as_str());
            }
        }
    }
    // NAMES_EVAL_VERBOSE=1 prints the misses of transliteration categories and negative hits.
    let verbose = std::env::var_os("NAMES_EVAL_VERBOSE").is_some();
    let mut stats: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for q in &queries {
        let keys = skeleton_keys(&analyze(&q.name, kind_of(&q.schema)));
        let found: HashSet<&str> = keys
            .iter()
            .filter_map(|k| by_key.get(k))
            .flatten()
            .copied()
            .collect();
        let hit = if q.expected.is_empty() {
            !found.is_empty()
        } else {
            q.expected.iter().any(|e| found.contains(e.as_str()))
        };
        let interesting = q.category.starts_with("translit")
            || q.category.starts_with("script")
            || q.category.starts_with("neg_");
        if verbose && interesting && (hit == q.expected.is_empty()) {
            println!("{}: {} {:?}", q.category, q.name, keys);
        }
        let e = stats.entry(q.category.as_str()).or_default();
        e.0 += usize::from(hit);
        e.1 += 1;
    }
    for (cat, (hit, n)) in &stats {
        println!(
            "{cat:>22}: {hit:>4}/{n:<4} = {:.3}",
            *hit as f64 / *n as f64
        );
    }
    let rate = |c: &str| stats.get(c).map_or(0.0, |(h, n)| *h as f64 / *n as f64);
    // Floors a little under the figures measured when this test was written (see README.md).
    assert!(
        rate("exact") > 0.99,
        "exact names must reproduce their own signature"
    );
    assert!(rate("translit_ko") > 0.95);
    assert!(rate("translit_ru") > 0.95);
    assert!(rate("translit_ar") > 0.88);
    assert!(rate("script_cyrl") > 0.9);
    assert!(rate("script_hang") > 0.9);
    for (cat, (hit, n)) in &stats {
        if cat.starts_with("neg_") {
            assert!(
                *hit as f64 / *n as f64 <= 0.02,
                "{cat}: too many false collapses"
            );
        }
    }
    Ok(())
}
