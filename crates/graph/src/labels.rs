//! Labels: address → category, from CSV, JSON lines or plain address lists.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::input::canonical_address;
use crate::view::{GraphRef, NodeId};

/// One label record as supplied by the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelRecord {
    /// The address as written.
    pub address: String,
    /// Chain, when given (informational; matching uses the canonical address).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub chain: String,
    /// Category, e.g. `exchange`, `mixer`, `sanctioned`, `stolen_funds`.
    pub category: String,
    /// Human-readable label, e.g. the service name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// Where the label comes from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
}

/// A label file line that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelDiagnostic {
    /// 1-based line number.
    pub line: u64,
    /// What is wrong.
    pub message: String,
}

/// Parses a label file: JSON lines (each line an object), CSV with a header naming at least
/// `address` (and `category` unless `default_category` is given), or one address per line
/// (`#` comments allowed), which takes `default_category`.
pub fn parse_labels(
    text: &str,
    default_category: Option<&str>,
    source: &str,
) -> (Vec<LabelRecord>, Vec<LabelDiagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("");
    if first.starts_with('{') {
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match serde_json::from_str::<serde_json::Value>(line) {
                Ok(v) => match record_from(
                    |k| v.get(k).and_then(|x| x.as_str()).map(str::to_owned),
                    default_category,
                    source,
                ) {
                    Ok(r) => out.push(r),
                    Err(m) => diags.push(LabelDiagnostic {
                        line: i as u64 + 1,
                        message: m,
                    }),
                },
                Err(e) => diags.push(LabelDiagnostic {
                    line: i as u64 + 1,
                    message: format!("not a JSON object: {e}"),
                }),
            }
        }
    } else if first
        .to_ascii_lowercase()
        .split(',')
        .any(|h| h.trim() == "address")
    {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let header: Vec<String> = match rdr.headers() {
            Ok(h) => h.iter().map(|s| s.trim().to_ascii_lowercase()).collect(),
            Err(e) => {
                diags.push(LabelDiagnostic {
                    line: 1,
                    message: e.to_string(),
                });
                return (out, diags);
            }
        };
        for rec in rdr.records() {
            match rec {
                Ok(rec) => {
                    let line = rec.position().map_or(0, |p| p.line());
                    let get = |k: &str| {
                        header
                            .iter()
                            .position(|h| h == k)
                            .and_then(|i| rec.get(i))
                            .map(str::to_owned)
                    };
                    match record_from(get, default_category, source) {
                        Ok(r) => out.push(r),
                        Err(message) => diags.push(LabelDiagnostic { line, message }),
                    }
                }
                Err(e) => diags.push(LabelDiagnostic {
                    line: e.position().map_or(0, |p| p.line()),
                    message: e.to_string(),
                }),
            }
        }
    } else {
        for (i, line) in text.lines().enumerate() {
            let a = line.trim();
            if a.is_empty() || a.starts_with('#') {
                continue;
            }
            match default_category {
                Some(c) => out.push(LabelRecord {
                    address: a.to_owned(),
                    chain: String::new(),
                    category: c.to_owned(),
                    label: String::new(),
                    source: source.to_owned(),
                }),
                None => diags.push(LabelDiagnostic {
                    line: i as u64 + 1,
                    message: "a plain address list needs a default category (--category)".into(),
                }),
            }
        }
    }
    (out, diags)
}

fn record_from(
    get: impl Fn(&str) -> Option<String>,
    default_category: Option<&str>,
    source: &str,
) -> Result<LabelRecord, String> {
    let address = get("address")
        .filter(|a| !a.trim().is_empty())
        .ok_or("no address")?;
    let category = get("category")
        .filter(|c| !c.trim().is_empty())
        .or_else(|| default_category.map(str::to_owned))
        .ok_or("no category (give --category for a default)")?;
    Ok(LabelRecord {
        address: address.trim().to_owned(),
        chain: get("chain").unwrap_or_default(),
        category: category.trim().to_ascii_lowercase(),
        label: get("label").unwrap_or_default(),
        source: get("source")
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| source.to_owned()),
    })
}

/// A label resolved to a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeLabel {
    /// Category.
    pub category: String,
    /// Label text.
    pub label: String,
    /// Source.
    pub source: String,
}

/// Labels keyed by node id; the first record for an address wins, later ones are counted.
#[derive(Debug, Clone, Default)]
pub struct NodeLabels {
    map: BTreeMap<NodeId, NodeLabel>,
    /// Records whose address is not in the graph.
    pub not_in_graph: usize,
    /// Records for an address that already had a label.
    pub duplicates: usize,
}

impl NodeLabels {
    /// Resolves records against the graph's address dictionary.
    pub fn resolve(graph: &GraphRef<'_>, records: &[LabelRecord]) -> NodeLabels {
        let mut labels = NodeLabels::default();
        for r in records {
            match graph.lookup(&r.address) {
                Some(v) => labels.insert(
                    v,
                    NodeLabel {
                        category: r.category.clone(),
                        label: r.label.clone(),
                        source: r.source.clone(),
                    },
                ),
                None => labels.not_in_graph += 1,
            }
        }
        labels
    }

    /// Adds a label; the first label of a node wins.
    pub fn insert(&mut self, node: NodeId, label: NodeLabel) {
        match self.map.entry(node) {
            std::collections::btree_map::Entry::Occupied(_) => self.duplicates += 1,
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(label);
            }
        }
    }

    /// The label of a node.
    pub fn get(&self, node: NodeId) -> Option<&NodeLabel> {
        self.map.get(&node)
    }

    /// Number of labelled nodes.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there are no labels.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Canonical form of a label's address, as the graph stores it.
pub fn label_key(address: &str) -> String {
    canonical_address(address).0.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, default: Option<&str>, expected: &[(&str, &str)], bad_lines: &[u64]) {
        let (recs, diags) = parse_labels(text, default, "test");
        let got: Vec<(&str, &str)> = recs
            .iter()
            .map(|r| (r.address.as_str(), r.category.as_str()))
            .collect();
        assert_eq!(got, expected);
        let lines: Vec<u64> = diags.iter().map(|d| d.line).collect();
        assert_eq!(lines, bad_lines);
    }

    #[test]
    fn formats() {
        check(
            "address,chain,category,label,source\n0xaa,ETH,Exchange,Binance,x\n0xbb,ETH,,,\n",
            None,
            &[("0xaa", "exchange")],
            &[3],
        );
        check(
            "{\"address\":\"0xaa\",\"category\":\"mixer\"}\n{\"address\":\"0xbb\"}\nnot json\n",
            Some("stolen_funds"),
            &[("0xaa", "mixer"), ("0xbb", "stolen_funds")],
            &[3],
        );
        check(
            "# FBI list\n0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D\n\n0xaa\n",
            Some("stolen_funds"),
            &[
                ("0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D", "stolen_funds"),
                ("0xaa", "stolen_funds"),
            ],
            &[],
        );
        check("0xaa\n", None, &[], &[1]);
    }
}
