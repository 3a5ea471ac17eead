//! Label files: addresses with a category and a label, supplied by the user.
//!
//! Accepted forms, detected from the content:
//! - CSV with a header naming an `address` column and any of `chain`, `category`, `label`,
//!   `source` (other columns, such as `role` or `note`, fill `label` when it is absent);
//! - JSON lines with the same keys, or one JSON array of such objects (or of address strings);
//! - plain text, one address per line (`#` starts a comment), as the FBI publishes its lists.

use model::{Diagnostic, Severity};
use serde::Serialize;

/// One labelled address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// The address as written.
    pub address: String,
    /// The chain, when the file says.
    pub chain: Option<String>,
    /// Category (`stolen_funds`, `mixer`, `exchange`, `sanctioned`, …).
    pub category: String,
    /// Free-text label.
    pub label: String,
    /// Where the label comes from: the `source` column, else the file name.
    pub source: String,
}

/// Parses a label file. Rows without an address become diagnostics; the rest loads.
/// `default_category` applies to rows (and plain-text files) that name none.
pub fn parse(name: &str, bytes: &[u8], default_category: &str) -> (Vec<Label>, Vec<Diagnostic>) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = String::from_utf8_lossy(bytes);
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.trim_start().starts_with('[') {
        return parse_json_array(name, &text, default_category);
    }
    if first.trim_start().starts_with('{') {
        return parse_jsonl(name, &text, default_category);
    }
    let lower = first.to_ascii_lowercase();
    if lower
        .split([',', ';', '\t'])
        .any(|c| c.trim().trim_matches('"') == "address")
    {
        return parse_csv(name, text.as_bytes(), default_category);
    }
    parse_plain(name, &text, default_category)
}

fn parse_plain(name: &str, text: &str, category: &str) -> (Vec<Label>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    for line in text.lines() {
        let a = line.split('#').next().unwrap_or("").trim();
        if a.is_empty() {
            continue;
        }
        out.push(Label {
            address: a.to_string(),
            chain: None,
            category: category.to_string(),
            label: String::new(),
            source: name.to_string(),
        });
    }
    (out, Vec::new())
}

fn parse_csv(name: &str, bytes: &[u8], default_category: &str) -> (Vec<Label>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_ascii_lowercase()).collect(),
        Err(e) => {
            diags.push(Diagnostic::at_line(
                Severity::Error,
                name,
                1,
                format!("Unreadable header: {e}."),
            ));
            return (out, diags);
        }
    };
    let col = |n: &str| headers.iter().position(|h| h == n);
    let (a, c, lab, src) = (col("address"), col("chain"), col("label"), col("source"));
    // Researcher files name the role of an address (victim, laundering, …) rather than a
    // category; a victim's wallet must not be reported as stolen funds, so the role wins over the
    // default category.
    let cat = col("category").or_else(|| col("role"));
    let extra: Vec<usize> = ["attribution", "note", "name"]
        .iter()
        .filter_map(|n| col(n))
        .collect();
    for (i, rec) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                diags.push(Diagnostic::at_line(
                    Severity::Error,
                    name,
                    line,
                    format!("Unreadable row: {e}."),
                ));
                continue;
            }
        };
        let get = |i: Option<usize>| {
            i.and_then(|i| rec.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let Some(address) = get(a) else {
            diags.push(Diagnostic::at_line(
                Severity::Warning,
                name,
                line,
                "Row has no address; skipped.",
            ));
            continue;
        };
        let label = get(lab).map(str::to_string).unwrap_or_else(|| {
            extra
                .iter()
                .filter_map(|i| rec.get(*i).map(str::trim).filter(|s| !s.is_empty()))
                .collect::<Vec<_>>()
                .join("; ")
        });
        out.push(Label {
            address: address.to_string(),
            chain: get(c).map(str::to_string),
            category: get(cat).unwrap_or(default_category).to_string(),
            label,
            source: get(src).unwrap_or(name).to_string(),
        });
    }
    (out, diags)
}

/// A JSON array of label objects (or of address strings). Read as plain text it would load its
/// brackets and keys as addresses, so an array that does not parse is one error instead.
fn parse_json_array(
    name: &str,
    text: &str,
    default_category: &str,
) -> (Vec<Label>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let items: Vec<serde_json::Value> = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            diags.push(Diagnostic::at_line(
                Severity::Error,
                name,
                e.line() as u64,
                format!(
                    "The file starts like a JSON array but does not parse ({e}); label files are CSV with an address column, JSON lines, a JSON array of objects, or one address per line. Nothing was loaded."
                ),
            ));
            return (out, diags);
        }
    };
    for (i, v) in items.iter().enumerate() {
        let label = match v {
            serde_json::Value::String(a) if !a.trim().is_empty() => Some(Label {
                address: a.trim().to_string(),
                chain: None,
                category: default_category.to_string(),
                label: String::new(),
                source: name.to_string(),
            }),
            _ => label_from_object(v, name, default_category),
        };
        match label {
            Some(l) => out.push(l),
            None => diags.push(Diagnostic::for_file(
                Severity::Warning,
                name,
                format!("Array element {i} has no \"address\"; skipped."),
            )),
        }
    }
    (out, diags)
}

/// The label a JSON object describes, or `None` without an address.
fn label_from_object(v: &serde_json::Value, name: &str, default_category: &str) -> Option<Label> {
    let s = |k: &str| {
        v.get(k)
            .and_then(|x| x.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    Some(Label {
        address: s("address")?.to_string(),
        chain: s("chain").map(str::to_string),
        category: s("category").unwrap_or(default_category).to_string(),
        label: s("label").unwrap_or("").to_string(),
        source: s("source").unwrap_or(name).to_string(),
    })
}

fn parse_jsonl(name: &str, text: &str, default_category: &str) -> (Vec<Label>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                diags.push(Diagnostic::at_line(
                    Severity::Error,
                    name,
                    line_no,
                    format!("Invalid JSON: {e}."),
                ));
                continue;
            }
        };
        let Some(label) = label_from_object(&v, name, default_category) else {
            diags.push(Diagnostic::at_line(
                Severity::Warning,
                name,
                line_no,
                "Object has no \"address\"; skipped.",
            ));
            continue;
        };
        out.push(label);
    }
    (out, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(content: &str, expected: &[(&str, Option<&str>, &str, &str)], n_diags: usize) {
        let (labels, diags) = parse("f", content.as_bytes(), "flagged");
        let got: Vec<(&str, Option<&str>, &str, &str)> = labels
            .iter()
            .map(|l| {
                (
                    l.address.as_str(),
                    l.chain.as_deref(),
                    l.category.as_str(),
                    l.label.as_str(),
                )
            })
            .collect();
        assert_eq!(got, expected, "{content:?}");
        assert_eq!(diags.len(), n_diags, "{diags:?}");
    }

    #[test]
    fn reads_every_form() {
        check(
            "0xabc\n# comment\n\n0xdef # trailing\n",
            &[
                ("0xabc", None, "flagged", ""),
                ("0xdef", None, "flagged", ""),
            ],
            0,
        );
        check(
            "address,chain,category,label,source\n0xa,ETH,mixer,Tornado,me\n,ETH,x,y,z\n",
            &[("0xa", Some("ETH"), "mixer", "Tornado")],
            1,
        );
        check(
            "address,chain,role,attribution,note\n0xb,ETH,laundering,Lazarus,hop 1\n",
            &[("0xb", Some("ETH"), "laundering", "Lazarus; hop 1")],
            0,
        );
        check(
            "{\"address\": \"0xc\", \"category\": \"stolen_funds\"}\nnot json\n{\"chain\": \"x\"}\n",
            &[("0xc", None, "stolen_funds", "")],
            2,
        );
        // A JSON array (issue 16: it loaded "[", "{" and the keys as addresses).
        check(
            "[\n  {\"address\": \"0xd\", \"category\": \"mixer\", \"label\": \"T\"},\n  \"0xe\",\n  {\"chain\": \"x\"}\n]\n",
            &[("0xd", None, "mixer", "T"), ("0xe", None, "flagged", "")],
            1,
        );
        check("[\n  {\"address\": \"0xd\",\n", &[], 1);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(b in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let _ = parse("f", &b, "c");
        }
    }
}
