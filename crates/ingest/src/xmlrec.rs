//! Streaming XML reading by record, shared by the EU and UK parsers.
//!
//! Sanctions XML files are long sequences of small, self-contained records (`sanctionEntity`,
//! `Designation`, `FinancialSanctionsTarget`). The reader streams the file with quick-xml and
//! one reused buffer, builds a small tree for one record at a time and hands it to a callback,
//! so memory stays bounded by the largest record. Syntax errors and truncation end the scan
//! with an error diagnostic; every record completed before that point is kept.

use std::borrow::Cow;

use model::{Diagnostic, Severity};
use quick_xml::events::{BytesStart, Event};

use crate::{IngestError, Input, text};

/// One element of a record: its local name, attributes, text and children.
#[derive(Debug, Clone, Default)]
pub(crate) struct Node {
    /// The local name (without namespace prefix).
    pub name: String,
    /// Attributes by local name, values unescaped.
    pub attrs: Vec<(String, String)>,
    /// The concatenated text content directly inside the element.
    pub text: String,
    /// Child elements in document order.
    pub children: Vec<Node>,
    /// Byte offset of the element's start tag.
    pub offset: u64,
}

impl Node {
    /// An attribute value, trimmed, when present and not empty.
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The direct children with a local name.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The first direct child with a local name.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The trimmed text of the first direct child with a local name, when not empty.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
    }

    /// Every descendant (at any depth) with a local name, in document order.
    pub fn descendants<'a>(&'a self, name: &str, out: &mut Vec<&'a Node>) {
        for c in &self.children {
            if c.name == name {
                out.push(c);
            }
            c.descendants(name, out);
        }
    }

    /// The trimmed texts of every descendant with a local name, without empty ones.
    pub fn texts(&self, name: &str) -> Vec<&str> {
        let mut nodes = Vec::new();
        self.descendants(name, &mut nodes);
        nodes
            .into_iter()
            .map(|n| n.text.trim())
            .filter(|t| !t.is_empty())
            .collect()
    }
}

/// What a scan found besides the records.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    /// The root element, without children.
    pub root: Node,
    /// The direct children of the root that are not records (`DateGenerated`, …).
    pub header: Vec<Node>,
    /// How many records were handed to the callback.
    pub records: usize,
}

/// Streams `input`, checks that the root element is one of `roots` and calls `on_record` with
/// every element named `record` (at any depth outside another record) and its byte offset.
///
/// Diagnostics about the file as a whole (syntax errors, truncation, non-UTF-8 bytes) go to
/// `diags`. Fails when the file is empty, is not XML with one of the expected roots, or breaks
/// before a single record is complete.
pub(crate) fn scan(
    input: &Input<'_>,
    roots: &[&str],
    record: &str,
    diags: &mut Vec<Diagnostic>,
    mut on_record: impl FnMut(Node),
) -> Result<Scan, IngestError> {
    let body = text::strip_bom(input.bytes);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(IngestError::whole(input.name, "the file is empty"));
    }
    // quick-xml 0.42 reads UTF-8 only. Rather than stop at the first Latin-1 byte, decode the
    // whole file with the Windows-1252 fallback and say so once; offsets then refer to the
    // decoded text, which differs from the file only after such bytes.
    let (decoded, lossy) = text::decode(body);
    if lossy {
        diags.push(Diagnostic::for_file(
            Severity::Warning,
            input.name,
            "The file is not valid UTF-8; it was read as Windows-1252, so some characters may \
             be wrong and byte offsets may be slightly off.",
        ));
    }
    let bytes: &[u8] = decoded.as_bytes();
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut out = Scan::default();
    // The open elements from the root down; `in_record` is the index of the record element in
    // `stack` while one is open.
    let mut stack: Vec<Node> = Vec::new();
    let mut in_record: Option<usize> = None;
    let mut root_seen = false;
    let mut root_closed = false;

    loop {
        buf.clear();
        let start_pos = reader.buffer_position();
        let event = match reader.read_event_into(&mut buf) {
            Ok(ev) => ev,
            Err(e) => {
                let at = reader.error_position();
                return broken(
                    input,
                    out,
                    diags,
                    at,
                    &format!("the XML is malformed: {e}"),
                    &stack,
                );
            }
        };
        match event {
            Event::Start(e) | Event::Empty(e) if root_closed => {
                let name = local(&e);
                return broken(
                    input,
                    out,
                    diags,
                    start_pos,
                    &format!("content <{name}> follows the end of the root element"),
                    &stack,
                );
            }
            Event::Start(e) => {
                let node = element(&e, start_pos, input, diags);
                open(
                    &mut stack,
                    &mut in_record,
                    &mut root_seen,
                    node,
                    record,
                    roots,
                    input,
                )?;
            }
            Event::Empty(e) => {
                let node = element(&e, start_pos, input, diags);
                open(
                    &mut stack,
                    &mut in_record,
                    &mut root_seen,
                    node,
                    record,
                    roots,
                    input,
                )?;
                close(
                    &mut stack,
                    &mut in_record,
                    &mut out,
                    &mut root_closed,
                    &mut on_record,
                );
            }
            Event::End(_) => {
                close(
                    &mut stack,
                    &mut in_record,
                    &mut out,
                    &mut root_closed,
                    &mut on_record,
                );
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content()),
            Event::CData(t) => push_text(&mut stack, &t),
            Event::GeneralRef(r) => {
                let resolved: Option<Cow<'_, str>> = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(Cow::Owned(c.to_string())),
                    Ok(None) => quick_xml::escape::resolve_predefined_entity(&r).map(Cow::Borrowed),
                    Err(_) => None,
                };
                match resolved {
                    Some(s) => push_text(&mut stack, &s),
                    None => {
                        diags.push(Diagnostic::at_byte(
                            Severity::Warning,
                            input.name,
                            start_pos,
                            format!(
                                "Unknown entity reference &{};; it was kept as written.",
                                &*r
                            ),
                        ));
                        push_text(&mut stack, &format!("&{};", &*r));
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !root_seen {
        return Err(IngestError::whole(
            input.name,
            format!("no XML root element <{}> found", roots.join("> or <")),
        ));
    }
    if !stack.is_empty() {
        let at = reader.buffer_position();
        return broken(
            input,
            out,
            diags,
            at,
            "the file ends before its elements are closed (truncated download?)",
            &stack,
        );
    }
    Ok(out)
}

/// Ends a scan at a fatal problem: a diagnostic when records were already read, else an error.
fn broken(
    input: &Input<'_>,
    out: Scan,
    diags: &mut Vec<Diagnostic>,
    at: u64,
    what: &str,
    stack: &[Node],
) -> Result<Scan, IngestError> {
    if out.records == 0 {
        return Err(IngestError::at_byte(
            input.name,
            at,
            format!("{what}; no complete record could be read"),
        ));
    }
    let open: Vec<&str> = stack.iter().map(|n| n.name.as_str()).collect();
    let inside = if open.is_empty() {
        String::new()
    } else {
        format!(" inside <{}>", open.join("><"))
    };
    diags.push(Diagnostic::at_byte(
        Severity::Error,
        input.name,
        at,
        format!(
            "Reading stopped{inside}: {what}. The {} complete records before this point were kept; \
             the rest of the file was not read.",
            out.records
        ),
    ));
    Ok(out)
}

fn local(e: &BytesStart<'_>) -> String {
    e.local_name().as_ref().to_string()
}

fn element(
    e: &BytesStart<'_>,
    offset: u64,
    input: &Input<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Node {
    let mut node = Node {
        name: local(e),
        offset,
        ..Node::default()
    };
    for attr in e.attributes() {
        match attr {
            Ok(a) => {
                let key = a.key.local_name().as_ref().to_string();
                let value = match a.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                    Ok(v) => v.into_owned(),
                    Err(_) => a.value.clone().into_owned(),
                };
                node.attrs.push((key, value));
            }
            Err(err) => diags.push(Diagnostic::at_byte(
                Severity::Warning,
                input.name,
                offset,
                format!(
                    "A malformed attribute of <{}> was ignored: {err}.",
                    node.name
                ),
            )),
        }
    }
    node
}

fn open(
    stack: &mut Vec<Node>,
    in_record: &mut Option<usize>,
    root_seen: &mut bool,
    node: Node,
    record: &str,
    roots: &[&str],
    input: &Input<'_>,
) -> Result<(), IngestError> {
    if stack.is_empty() {
        if !roots.contains(&node.name.as_str()) {
            return Err(IngestError::UnknownFormat {
                file: input.name.to_string(),
                detail: format!(
                    "XML with root element <{}>, expected <{}>",
                    node.name,
                    roots.join("> or <")
                ),
            });
        }
        *root_seen = true;
    } else if in_record.is_none() && node.name == record {
        *in_record = Some(stack.len());
    }
    stack.push(node);
    Ok(())
}

fn close(
    stack: &mut Vec<Node>,
    in_record: &mut Option<usize>,
    out: &mut Scan,
    root_closed: &mut bool,
    on_record: &mut impl FnMut(Node),
) {
    let Some(node) = stack.pop() else {
        return;
    };
    let depth = stack.len();
    if *in_record == Some(depth) {
        *in_record = None;
        out.records += 1;
        on_record(node);
    } else if in_record.is_some() {
        // Inside a record every element is kept as a child of its parent.
        if let Some(parent) = stack.last_mut() {
            parent.children.push(node);
        }
    } else if depth == 1 {
        // A direct child of the root that is not a record: header information.
        out.header.push(node);
    } else if depth == 0 {
        out.root = node;
        *root_closed = true;
    }
    // Deeper non-record elements outside records carry nothing we use and are dropped.
}

fn push_text(stack: &mut [Node], s: &str) {
    if let Some(top) = stack.last_mut() {
        top.text.push_str(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::Location;

    fn run(xml: &str) -> (Result<Scan, IngestError>, Vec<String>, Vec<Diagnostic>) {
        let input = Input {
            name: "t.xml",
            bytes: xml.as_bytes(),
        };
        let mut diags = Vec::new();
        let mut names = Vec::new();
        let res = scan(&input, &["list"], "rec", &mut diags, |n| {
            names.push(format!(
                "{}:{}",
                n.attr("id").unwrap_or("?"),
                n.texts("v").join("|")
            ));
        });
        (res, names, diags)
    }

    #[test]
    fn reads_records_and_header() {
        let (res, names, diags) = run(
            "<?xml version=\"1.0\"?><list xmlns=\"urn:x\" a=\"1\"><When>2024</When>\
             <rec id=\"1\"><v>A &amp; B&#x21;</v><w><v>C</v></w></rec><rec id=\"2\"/></list>",
        );
        let scan = res.expect("scans");
        assert_eq!(names, ["1:A & B!|C", "2:"]);
        assert!(diags.is_empty());
        assert_eq!(scan.records, 2);
        assert_eq!(scan.root.attr("a"), Some("1"));
        assert_eq!(scan.header[0].text, "2024");
    }

    #[test]
    fn truncation_keeps_complete_records() {
        let (res, names, diags) = run("<list><rec id=\"1\"><v>A</v></rec><rec id=\"2\"><v>B");
        assert!(res.is_ok());
        assert_eq!(names, ["1:A"]);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].severity, Severity::Error);
        assert!(matches!(diags[0].location, Location::Byte(_)));
    }

    #[test]
    fn unusable_files_fail() {
        assert!(run("").0.is_err());
        assert!(run("<other/>").0.is_err());
        assert!(run("<list><rec id=\"1\"><v>A</v>").0.is_err());
        assert!(run("<list><rec id=\"1\"></wrong></list>").0.is_err());
        assert!(run("just text").0.is_err());
    }

    #[test]
    fn malformed_after_a_record_is_a_diagnostic() {
        let (res, names, diags) = run("<list><rec id=\"1\"/><rec id=\"2\"></oops></list>");
        assert!(res.is_ok());
        assert_eq!(names, ["1:"]);
        assert_eq!(diags.len(), 1);
    }

    #[test]
    fn latin1_is_decoded() {
        let input = Input {
            name: "t.xml",
            bytes: b"<list><rec id=\"1\"><v>Jos\xe9</v></rec></list>",
        };
        let mut diags = Vec::new();
        let mut got = Vec::new();
        scan(&input, &["list"], "rec", &mut diags, |n| {
            got.push(n.texts("v").join(""))
        })
        .expect("scans");
        assert_eq!(got, ["José"]);
        assert_eq!(diags.len(), 1);
    }
}
