//! Streaming XML plumbing shared by every XML parser (UN, OFAC SDN, enhanced and advanced, EU
//! and UK).
//!
//! Every XML list is a header followed by a long run of records (`<INDIVIDUAL>`, `<sdnEntry>`,
//! `<entity>`, `<DistinctParty>`, `<sanctionEntity>`, `<Designation>` …). [`drive`] streams the
//! file once with quick-xml and one reused buffer, keeps only the stack of open element names
//! and the text of the innermost element, and hands each event to a [`Handler`] that knows the
//! format. Memory therefore stays bounded by the largest record, not by the file. Parsers whose
//! records are small and read best as a tree (EU, UK) use [`scan`], a [`Handler`] that builds
//! one [`Node`] tree per record on top of the same driver.
//!
//! The driver owns the recovery rule so that parsers do not each invent their own, and every
//! XML list follows the same one: a syntax error drops the record it occurs in, is reported as
//! an error diagnostic with its byte offset and the offset of the dropped record, and reading
//! resumes at the next record start tag, so that one broken record costs only that record and
//! the rest of the file loads. A file that ends inside the document is reported as truncated;
//! whether that makes the whole file unusable is decided by the caller, which knows whether any
//! record survived.

use std::borrow::Cow;
use std::collections::HashMap;

use model::{Diagnostic, Entity, FuzzyDate, PartialDate, Severity};
use quick_xml::events::attributes::AttrError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::LocalName;
use quick_xml::{Reader, XmlVersion};

use crate::{IngestError, Input};

/// The attributes of one start tag, looked up by local name so that namespace prefixes do not
/// matter.
pub(crate) struct Attrs<'a, 'b>(&'a BytesStart<'b>);

impl Attrs<'_, '_> {
    /// The value of the attribute with this local name, unescaped and trimmed; `None` when it is
    /// absent, empty or not well-formed.
    pub(crate) fn get(&self, key: &str) -> Option<String> {
        for attr in self.0.attributes().with_checks(false).flatten() {
            if LocalName::from(attr.key).into_inner() != key {
                continue;
            }
            let value = attr.normalized_value(XmlVersion::Implicit1_0).ok()?;
            let value = value.trim();
            return (!value.is_empty()).then(|| value.to_string());
        }
        None
    }

    /// Every attribute as (local name, value) in document order, checked for well-formedness;
    /// a value that cannot be unescaped is kept as written. Used where a record is kept as a
    /// tree, so that a malformed attribute can be reported instead of silently lost.
    pub(crate) fn all(&self) -> impl Iterator<Item = Result<(String, String), AttrError>> + '_ {
        self.0.attributes().map(|attr| {
            attr.map(|a| {
                let key = LocalName::from(a.key).into_inner().to_string();
                let value = match a.normalized_value(XmlVersion::Implicit1_0) {
                    Ok(v) => v.into_owned(),
                    Err(_) => a.value.clone().into_owned(),
                };
                (key, value)
            })
        })
    }
}

/// Where the driver is and what it has found so far, shared with the handler.
pub(crate) struct Ctx<'a> {
    /// The file name used in diagnostics.
    pub(crate) file: &'a str,
    /// Diagnostics in the order they were found.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Byte offset of the start tag of the record being read.
    pub(crate) record_offset: u64,
    /// Byte offset of the start tag of the element that was opened last.
    pub(crate) offset: u64,
}

impl Ctx<'_> {
    /// Records a diagnostic at a byte offset.
    pub(crate) fn diag(&mut self, severity: Severity, offset: u64, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::at_byte(severity, self.file, offset, message));
    }

    /// Records a diagnostic about the current record, naming it by its id.
    pub(crate) fn record_diag(
        &mut self,
        severity: Severity,
        record: &str,
        message: impl Into<String>,
    ) {
        let d = Diagnostic::at_byte(severity, self.file, self.record_offset, message)
            .with_record(record);
        self.diagnostics.push(d);
    }
}

/// The format-specific half of a streaming parser.
///
/// Paths are the local names of the open elements. Inside a record the path starts at the
/// record element, so that handlers do not depend on what encloses it (which after a resync is
/// not known); outside records it starts at the outermost element read since the last resync.
pub(crate) trait Handler {
    /// Whether an element with this local name starts a record (only asked outside records).
    fn is_record(&self, name: &str) -> bool;
    /// A record starts; `attrs` are the attributes of the record element.
    fn record_start(&mut self, name: &str, attrs: &Attrs<'_, '_>, ctx: &mut Ctx<'_>);
    /// An element inside the current record starts.
    fn start(&mut self, _path: &[String], _attrs: &Attrs<'_, '_>, _ctx: &mut Ctx<'_>) {}
    /// An element inside the current record ends; `text` is its raw text content.
    fn end(&mut self, path: &[String], text: &str, ctx: &mut Ctx<'_>);
    /// The current record ended normally.
    fn record_end(&mut self, ctx: &mut Ctx<'_>);
    /// The current record is broken and must be forgotten.
    fn record_abort(&mut self);
    /// An element outside records starts.
    fn outer_start(&mut self, _path: &[String], _attrs: &Attrs<'_, '_>, _ctx: &mut Ctx<'_>) {}
    /// An element outside records ends.
    fn outer_end(&mut self, _path: &[String], _text: &str, _ctx: &mut Ctx<'_>) {}
    /// Text of the innermost open element that is followed by a child element, or that ends a
    /// record. `end` and `outer_end` only see the text after the last child, which is all a
    /// leaf needs; a handler that keeps mixed content whole (the tree of [`scan`]) adds these
    /// pieces in front of it.
    fn text(&mut self, _text: &str) {}
    /// Reading resumes at a later record start tag after a syntax error. The elements that
    /// were open are forgotten without end events, and the paths that follow start afresh; a
    /// handler that mirrors the open elements drops its copy here.
    fn resync(&mut self) {}
}

/// What the driver saw of the document as a whole.
pub(crate) struct Outcome {
    /// Diagnostics from the driver and the handler.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Set when reading stopped before the end of the document: the byte offset and a message.
    pub(crate) broken: Option<(u64, String)>,
    /// How many records ended normally.
    pub(crate) records: usize,
}

/// The body of an input as UTF-8 text, without a BOM, the offset of the body in the input, and
/// the offsets (in the text, which keeps the file's byte offsets) of bytes that are not UTF-8.
///
/// quick-xml 0.42 reads UTF-8 only. A file whose XML declaration names a single-byte encoding
/// (Windows-1252, ISO-8859-1) is decoded as Windows-1252, which covers both, with a warning
/// because byte offsets after the first non-ASCII byte then refer to the decoded text. Any other
/// file is never re-decoded: each byte that is not part of valid UTF-8 is replaced by `?` (one
/// byte for one, so offsets stay true) and its offset is returned, so that [`drive`] drops the
/// record that holds it with an error instead of garbling every name in the file.
pub(crate) fn body_text<'a>(
    input: &Input<'a>,
    diags: &mut Vec<Diagnostic>,
) -> (Cow<'a, str>, u64, Vec<u64>) {
    let body = crate::text::strip_bom(input.bytes);
    let base = (input.bytes.len() - body.len()) as u64;
    match std::str::from_utf8(body) {
        Ok(s) => (Cow::Borrowed(s), base, Vec::new()),
        Err(e) if declares_single_byte(body) => {
            diags.push(Diagnostic::at_byte(
                Severity::Warning,
                input.name,
                base + e.valid_up_to() as u64,
                "The file declares a single-byte encoding; it was read as Windows-1252, and byte                  offsets from here on refer to the decoded text.",
            ));
            let (text, _) = crate::text::decode(body);
            (Cow::Owned(text.into_owned()), base, Vec::new())
        }
        Err(_) => {
            let (text, bad) = replace_invalid(body);
            (
                Cow::Owned(text),
                base,
                bad.into_iter().map(|b| b + base).collect(),
            )
        }
    }
}

/// Whether the XML declaration names Windows-1252 or ISO-8859-1 (Latin-1).
fn declares_single_byte(body: &[u8]) -> bool {
    let head = &body[..body.len().min(200)];
    let Some(end) = head.windows(2).position(|w| w == b"?>") else {
        return false;
    };
    let decl = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
    decl.starts_with("<?xml")
        && [
            "windows-1252",
            "iso-8859-1",
            "latin1",
            "cp1252",
            "iso-8859-15",
        ]
        .iter()
        .any(|enc| decl.contains(enc))
}

/// Copies valid UTF-8 and replaces each other byte by `?`, returning the offsets replaced.
fn replace_invalid(bytes: &[u8]) -> (String, Vec<u64>) {
    let mut out = String::with_capacity(bytes.len());
    let mut bad = Vec::new();
    let mut rest = bytes;
    let mut at = 0usize;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                break;
            }
            Err(e) => {
                let good = e.valid_up_to();
                // The prefix was just checked; this cannot fail.
                out.push_str(std::str::from_utf8(&rest[..good]).unwrap_or_default());
                let skip = e.error_len().unwrap_or(rest.len() - good).max(1);
                for i in 0..skip {
                    out.push('?');
                    bad.push((at + good + i) as u64);
                }
                at += good + skip;
                rest = &rest[good + skip..];
            }
        }
    }
    (out, bad)
}

/// Checks that the document's root element is one of `roots` before any parsing, so that XML
/// of another format fails with a clear error instead of yielding an empty list.
pub(crate) fn check_root(
    input: &Input<'_>,
    text: &str,
    roots: &[&str],
    what: &str,
) -> Result<(), IngestError> {
    if text.trim().is_empty() {
        return Err(IngestError::whole(input.name, "the file is empty"));
    }
    let mut reader = Reader::from_reader(text.as_bytes());
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let local = LocalName::from(e.name()).into_inner().to_string();
                if roots.contains(&local.as_str()) {
                    return Ok(());
                }
                return Err(IngestError::UnknownFormat {
                    file: input.name.to_string(),
                    detail: format!("XML with root element <{local}>, not {what}"),
                });
            }
            Ok(Event::Eof) => {
                return Err(IngestError::whole(
                    input.name,
                    format!("no XML element found; expected {what}"),
                ));
            }
            Ok(Event::Text(t)) if !t.xml10_content().trim().is_empty() => {
                return Err(IngestError::UnknownFormat {
                    file: input.name.to_string(),
                    detail: format!("text before the first XML element; expected {what}"),
                });
            }
            Ok(_) => {}
            Err(e) => {
                return Err(IngestError::at_byte(
                    input.name,
                    reader.error_position(),
                    format!("the XML is malformed before its root element ({e}); expected {what}"),
                ));
            }
        }
        buf.clear();
    }
}

/// Streams `text` through `handler`; `base` is added to every byte offset. Syntax errors are
/// recovered from as the module docs describe, and [`Outcome`] says where reading broke off.
pub(crate) fn drive<H: Handler>(
    file: &str,
    text: &str,
    base: u64,
    bad: &[u64],
    handler: &mut H,
) -> Outcome {
    let bytes = text.as_bytes();
    let mut st = State {
        ctx: Ctx {
            file,
            diagnostics: Vec::new(),
            record_offset: 0,
            offset: 0,
        },
        path: Vec::with_capacity(16),
        content: String::new(),
        record_depth: None,
        records: 0,
    };
    let mut broken = None;
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    // Start of the slice the current reader reads, relative to `bytes`.
    let mut origin: usize = 0;
    let mut root_name: Option<String> = None;
    let mut seen_root_end = false;
    'restart: loop {
        let mut reader = Reader::from_reader(&bytes[origin..]);
        // After a resync the reader starts inside the document, so the end tags of the
        // enclosing elements arrive without their start tags.
        reader.config_mut().allow_unmatched_ends = true;
        st.path.clear();
        st.content.clear();
        loop {
            buf.clear();
            let pos_before = base + (origin as u64) + reader.buffer_position();
            match reader.read_event_into(&mut buf) {
                Ok(Event::Start(e)) => {
                    if root_name.is_none() {
                        root_name = Some(LocalName::from(e.name()).into_inner().to_string());
                    }
                    // Records never nest, so a record's start tag inside a record of the same
                    // name means the previous one lost its end tag: only that record is lost,
                    // and reading restarts at this tag with a fresh reader (whose stack of open
                    // elements no longer holds the unclosed one).
                    let local = LocalName::from(e.name()).into_inner();
                    if let Some(d) = st.record_depth
                        && st.path.get(d).is_some_and(|r| r == local)
                    {
                        let mut msg = format!("The record has no end tag </{local}>.");
                        st.abort(handler, &mut msg);
                        msg.push_str(&format!(" Reading resumed at byte {pos_before}."));
                        let at = st.ctx.record_offset;
                        st.ctx.diag(Severity::Error, at, msg);
                        handler.resync();
                        origin = (pos_before - base) as usize;
                        continue 'restart;
                    }
                    st.open(handler, &e, pos_before);
                }
                Ok(Event::Empty(e)) => {
                    // A root written as an empty element (`<export/>`) is a complete document,
                    // not a truncated one. Only the first element read from the start of the
                    // file can be the root; after a resync the first element is a record.
                    seen_root_end |= root_name.is_none() && origin == 0;
                    st.open(handler, &e, pos_before);
                    st.close(handler);
                }
                Ok(Event::End(e)) => {
                    let local = LocalName::from(e.name()).into_inner();
                    let is_root = root_name.as_deref() == Some(local);
                    if st.path.is_empty() {
                        // An end tag whose start came before the last resync: it closes
                        // nothing we track, but it tells us the document was complete.
                        seen_root_end |= is_root;
                        continue;
                    }
                    // A record that holds a byte that is not UTF-8 is dropped with an error:
                    // its text cannot be trusted, and nothing else is affected.
                    let end = base + origin as u64 + reader.buffer_position();
                    if st.record_depth == Some(st.path.len() - 1) {
                        let from = st.ctx.record_offset;
                        let first = bad.partition_point(|&b| b < from);
                        if let Some(&b) = bad.get(first).filter(|&&b| b < end) {
                            let mut msg = format!(
                                "Byte {b} is not valid UTF-8 (and the file declares no other encoding)."
                            );
                            st.abort(handler, &mut msg);
                            st.ctx.diag(Severity::Error, b, msg);
                            st.path.pop();
                            st.content.clear();
                            continue;
                        }
                    }
                    st.close(handler);
                    seen_root_end |= is_root && st.path.is_empty();
                }
                Ok(Event::Text(t)) => st.content.push_str(&t.xml10_content()),
                Ok(Event::CData(t)) => st.content.push_str(&t.xml10_content()),
                Ok(Event::GeneralRef(r)) => match r.resolve_char_ref() {
                    Ok(Some(c)) => st.content.push(c),
                    Ok(None) => match quick_xml::escape::resolve_predefined_entity(&r) {
                        Some(s) => st.content.push_str(s),
                        // An entity only a DTD could define: kept as written.
                        None => st.push_raw_ref(&r, pos_before),
                    },
                    Err(_) => st.push_raw_ref(&r, pos_before),
                },
                Ok(Event::Eof) => {
                    if !st.path.is_empty() || !seen_root_end {
                        let at = base + origin as u64 + reader.buffer_position();
                        let mut msg = match st.path.last() {
                            Some(inside) => format!(
                                "The file ends inside <{inside}> before the XML document is complete (truncated?)."
                            ),
                            None => {
                                "The file ends before the XML document is complete (truncated?)."
                                    .to_string()
                            }
                        };
                        st.abort(handler, &mut msg);
                        st.ctx.diag(Severity::Error, at, msg.clone());
                        broken = Some((at, msg));
                    }
                    break 'restart;
                }
                Ok(_) => {}
                Err(err) => {
                    let at = base + origin as u64 + reader.error_position();
                    let mut msg = format!("Malformed XML: {err}.");
                    st.abort(handler, &mut msg);
                    let from = origin
                        + (reader.buffer_position() as usize).max(reader.error_position() as usize);
                    match next_record_start(bytes, from.min(bytes.len()), handler) {
                        Some(next) => {
                            msg.push_str(&format!(
                                " Reading resumed at byte {}.",
                                base + next as u64
                            ));
                            st.ctx.diag(Severity::Error, at, msg);
                            handler.resync();
                            origin = next;
                            continue 'restart;
                        }
                        None => {
                            msg.push_str(" No further record follows.");
                            st.ctx.diag(Severity::Error, at, msg.clone());
                            broken = Some((at, msg));
                            break 'restart;
                        }
                    }
                }
            }
        }
    }
    Outcome {
        diagnostics: st.ctx.diagnostics,
        broken,
        records: st.records,
    }
}

/// The driver's per-run state.
struct State<'a> {
    ctx: Ctx<'a>,
    path: Vec<String>,
    content: String,
    /// Depth in `path` of the record element while inside a record.
    record_depth: Option<usize>,
    /// How many records ended normally.
    records: usize,
}

impl State<'_> {
    fn open<H: Handler>(&mut self, handler: &mut H, e: &BytesStart<'_>, offset: u64) {
        let local = LocalName::from(e.name()).into_inner();
        if !self.content.is_empty() {
            handler.text(&self.content);
        }
        self.path.push(local.to_string());
        self.content.clear();
        self.ctx.offset = offset;
        let attrs = Attrs(e);
        match self.record_depth {
            None if handler.is_record(local) => {
                self.record_depth = Some(self.path.len() - 1);
                self.ctx.record_offset = offset;
                handler.record_start(local, &attrs, &mut self.ctx);
            }
            None => handler.outer_start(&self.path, &attrs, &mut self.ctx),
            Some(d) => handler.start(&self.path[d..], &attrs, &mut self.ctx),
        }
    }

    /// Closes the innermost open element.
    fn close<H: Handler>(&mut self, handler: &mut H) {
        let text = std::mem::take(&mut self.content);
        match self.record_depth {
            Some(d) if self.path.len() == d + 1 => {
                self.record_depth = None;
                self.records += 1;
                if !text.is_empty() {
                    handler.text(&text);
                }
                handler.record_end(&mut self.ctx);
            }
            Some(d) => handler.end(&self.path[d..], &text, &mut self.ctx),
            None => handler.outer_end(&self.path, &text, &mut self.ctx),
        }
        self.path.pop();
        self.content = text;
        self.content.clear();
    }

    /// Forgets the record being read, if any, and says so in `msg`.
    fn abort<H: Handler>(&mut self, handler: &mut H, msg: &mut String) {
        if self.record_depth.take().is_some() {
            handler.record_abort();
            msg.push_str(&format!(
                " The incomplete record starting at byte {} was dropped.",
                self.ctx.record_offset
            ));
        }
    }

    /// Keeps a reference the driver cannot resolve as written, and says so.
    fn push_raw_ref(&mut self, name: &str, offset: u64) {
        self.ctx.diag(
            Severity::Warning,
            offset,
            format!("Unknown entity reference &{name};; it was kept as written."),
        );
        self.content.push('&');
        self.content.push_str(name);
        self.content.push(';');
    }
}

/// The offset of the next start tag at or after `from` whose local name starts a record.
fn next_record_start<H: Handler>(bytes: &[u8], from: usize, handler: &H) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        let rel = bytes[i..].iter().position(|b| *b == b'<')?;
        let at = i + rel;
        let rest = &bytes[at + 1..];
        let end = rest
            .iter()
            .position(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/' | b'<'))
            .unwrap_or(rest.len());
        if let Ok(name) = std::str::from_utf8(&rest[..end]) {
            let local = name.rsplit(':').next().unwrap_or(name);
            if !local.is_empty() && end < rest.len() && handler.is_record(local) {
                return Some(at);
            }
        }
        i = at + 1;
    }
    None
}

/// The whitespace-collapsed text, or `None` when empty.
pub(crate) fn clean(text: &str) -> Option<String> {
    crate::text::clean(text)
}

/// Collects entities in source order and merges records that repeat an id.
#[derive(Default)]
pub(crate) struct Collector {
    /// The entities so far.
    pub(crate) entities: Vec<Entity>,
    index: HashMap<String, usize>,
}

impl Collector {
    /// Adds an entity, merging it into an earlier one with the same id (with a warning).
    pub(crate) fn push(&mut self, entity: Entity, ctx: &mut Ctx<'_>) {
        match self.index.get(entity.id.as_str()) {
            Some(&i) => {
                ctx.record_diag(
                    Severity::Warning,
                    entity.id.as_str(),
                    "The id appears in more than one record; the records were merged.",
                );
                self.entities[i].merge(entity);
            }
            None => {
                self.index
                    .insert(entity.id.as_str().to_string(), self.entities.len());
                self.entities.push(entity);
            }
        }
    }
}

/// Reads the records of a UN or OFAC XML file into `handler`: decodes the body
/// ([`body_text`]), checks the root element ([`check_root`], `what` names the expected file in
/// the error) and drives the handler ([`drive`]). Returns the diagnostics found before the
/// records and the outcome, which the parser hands to [`finish`] once it has taken its
/// entities from the handler.
pub(crate) fn read_records<H: Handler>(
    input: &Input<'_>,
    roots: &[&str],
    what: &str,
    handler: &mut H,
) -> Result<(Vec<Diagnostic>, Outcome), IngestError> {
    let mut pre = Vec::new();
    let (text, base, bad) = body_text(input, &mut pre);
    check_root(input, &text, roots, what)?;
    let outcome = drive(input.name, &text, base, &bad, handler);
    Ok((pre, outcome))
}

/// Turns the outcome of a run into the parse result: an error when the file broke before any
/// record was complete, the entities with diagnostics otherwise.
pub(crate) fn finish(
    input: &Input<'_>,
    mut pre: Vec<Diagnostic>,
    outcome: Outcome,
    entities: Vec<Entity>,
    what: &str,
) -> Result<(Vec<Entity>, Vec<Diagnostic>), IngestError> {
    if let (true, Some((at, msg))) = (entities.is_empty(), &outcome.broken) {
        return Err(IngestError::at_byte(
            input.name,
            *at,
            format!("no complete {what} could be read before the XML broke off: {msg}"),
        ));
    }
    pre.extend(outcome.diagnostics);
    if entities.is_empty() {
        pre.push(Diagnostic::for_file(
            Severity::Warning,
            input.name,
            format!("The file is well-formed but holds no {what}."),
        ));
    }
    Ok((entities, pre))
}

/// One element of a record read by [`scan`]: its local name, attributes, text and children.
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

/// What a [`scan`] found besides the records.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    /// The root element's name, attributes and offset, without text or children. It is taken
    /// from the start tag, so a file that breaks off later still has it.
    pub root: Node,
    /// The direct children of the root that are not records (`DateGenerated`, …), read up to
    /// the first syntax error.
    pub header: Vec<Node>,
}

/// The [`Handler`] behind [`scan`]: mirrors the open elements as [`Node`]s, hands each finished
/// record to the callback and keeps the root and its non-record children.
struct TreeHandler<'r, F> {
    record: &'r str,
    on_record: F,
    /// The open elements from the outermost one down.
    stack: Vec<Node>,
    /// The length of `stack` below the record element while a record is open.
    record_base: usize,
    /// Whether reading has resumed after a syntax error. Paths outside records then no longer
    /// start at the root, so the header is not added to any more.
    resynced: bool,
    scan: Scan,
}

impl<F: FnMut(Node)> TreeHandler<'_, F> {
    /// Opens a node for a start tag; a malformed attribute is reported and skipped so that
    /// the rest of the element still loads.
    fn push(&mut self, name: &str, attrs: &Attrs<'_, '_>, ctx: &mut Ctx<'_>) {
        let mut node = Node {
            name: name.to_string(),
            offset: ctx.offset,
            ..Node::default()
        };
        for attr in attrs.all() {
            match attr {
                Ok(pair) => node.attrs.push(pair),
                Err(err) => ctx.diag(
                    Severity::Warning,
                    node.offset,
                    format!("A malformed attribute of <{name}> was ignored: {err}."),
                ),
            }
        }
        self.stack.push(node);
    }

    /// Closes the innermost node, giving it the text after its last child.
    fn pop(&mut self, text: &str) -> Option<Node> {
        let mut node = self.stack.pop()?;
        node.text.push_str(text);
        Some(node)
    }
}

impl<F: FnMut(Node)> Handler for TreeHandler<'_, F> {
    fn is_record(&self, name: &str) -> bool {
        name == self.record
    }

    fn record_start(&mut self, name: &str, attrs: &Attrs<'_, '_>, ctx: &mut Ctx<'_>) {
        self.record_base = self.stack.len();
        self.push(name, attrs, ctx);
    }

    fn start(&mut self, path: &[String], attrs: &Attrs<'_, '_>, ctx: &mut Ctx<'_>) {
        if let Some(name) = path.last() {
            self.push(name, attrs, ctx);
        }
    }

    fn end(&mut self, _path: &[String], text: &str, _ctx: &mut Ctx<'_>) {
        // Inside a record every element is kept as a child of its parent.
        if let Some(node) = self.pop(text)
            && let Some(parent) = self.stack.last_mut()
        {
            parent.children.push(node);
        }
    }

    fn record_end(&mut self, _ctx: &mut Ctx<'_>) {
        if let Some(node) = self.pop("") {
            (self.on_record)(node);
        }
    }

    fn record_abort(&mut self) {
        self.stack.truncate(self.record_base);
    }

    fn outer_start(&mut self, path: &[String], attrs: &Attrs<'_, '_>, ctx: &mut Ctx<'_>) {
        if let Some(name) = path.last() {
            self.push(name, attrs, ctx);
        }
        // The root is kept from its start tag because after a resync its end tag reaches no
        // handler; the parsers only read its attributes.
        if path.len() == 1
            && !self.resynced
            && let Some(top) = self.stack.last()
        {
            self.scan.root = top.clone();
        }
    }

    fn outer_end(&mut self, path: &[String], text: &str, _ctx: &mut Ctx<'_>) {
        let Some(node) = self.pop(text) else {
            return;
        };
        // Deeper elements outside records carry nothing the parsers use and are dropped.
        if path.len() == 2 && !self.resynced {
            self.scan.header.push(node);
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(top) = self.stack.last_mut() {
            top.text.push_str(text);
        }
    }

    fn resync(&mut self) {
        // The driver forgets the open elements, so the mirrored ones go too; a record open at
        // the error was already dropped by `record_abort`.
        self.stack.clear();
        self.record_base = 0;
        self.resynced = true;
    }
}

/// Streams `input`, checks that the root element is one of `roots` and calls `on_record` with
/// every element named `record` (at any depth outside another record) as a [`Node`] tree.
///
/// A syntax error drops only the record it occurs in, and reading resumes at the next record
/// (see the module docs). Diagnostics about the file as a whole (syntax errors, truncation,
/// non-UTF-8 bytes, malformed attributes) go to `diags`. Fails when the file is empty, is not
/// XML with one of the expected roots, or breaks without a single record being complete.
pub(crate) fn scan(
    input: &Input<'_>,
    roots: &[&str],
    record: &str,
    diags: &mut Vec<Diagnostic>,
    on_record: impl FnMut(Node),
) -> Result<Scan, IngestError> {
    // Offsets count from after a byte-order mark, as the EU and UK parsers have always
    // reported them (the UN and OFAC parsers count from the start of the file).
    let (text, base, bad) = body_text(input, diags);
    let bad: Vec<u64> = bad.into_iter().map(|b| b - base).collect();
    check_root(input, &text, roots, &format!("<{}>", roots.join("> or <")))?;
    let mut handler = TreeHandler {
        record,
        on_record,
        stack: Vec::new(),
        record_base: 0,
        resynced: false,
        scan: Scan::default(),
    };
    let outcome = drive(input.name, &text, 0, &bad, &mut handler);
    if let (0, Some((at, what))) = (outcome.records, &outcome.broken) {
        return Err(IngestError::at_byte(
            input.name,
            *at,
            format!("no complete record could be read before the XML broke off: {what}"),
        ));
    }
    diags.extend(outcome.diagnostics);
    Ok(handler.scan)
}

/// The alpha-2 code of a country as a list writes it; an unknown name adds a warning to `warnings`
/// (reported with the record), and placeholders such as "na" are ignored.
pub(crate) fn country_code(raw: &str, what: &str, warnings: &mut Vec<String>) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty()
        || matches!(
            raw.to_ascii_lowercase().as_str(),
            "na" | "n/a" | "unknown" | "undetermined" | "-0-"
        )
    {
        return None;
    }
    match model::country::code(raw).or_else(|| list_spelling(raw)) {
        Some(c) => Some(c.to_string()),
        None => {
            warnings.push(format!(
                "Unknown {what} country {raw:?}; kept out of the country fields."
            ));
            None
        }
    }
}

/// Emits the warnings collected for one record, naming the record.
pub(crate) fn flush_warnings(ctx: &mut Ctx<'_>, record: &str, warnings: &mut Vec<String>) {
    for w in warnings.drain(..) {
        ctx.record_diag(Severity::Warning, record, w);
    }
}

/// Country spellings of the UN and OFAC XML files that the shared country table lacks.
fn list_spelling(raw: &str) -> Option<&'static str> {
    let key = model::country::normalise_key(raw);
    match key.as_str() {
        "china hong kong special administrative region"
        | "hong kong special administrative region" => Some("hk"),
        "china macao special administrative region" | "macao special administrative region" => {
            Some("mo")
        }
        _ => None,
    }
}

/// Parses a date as XML Schema writes it (`2015-04-07`, `2015-04-07-04:00`, `2015-04-07Z`,
/// `2025-01-10T00:00:00`) or in any spelling [`FuzzyDate::parse`] knows.
pub(crate) fn xsd_date(raw: &str) -> Option<FuzzyDate> {
    let raw = raw.trim();
    if let Some(d) = FuzzyDate::parse(raw) {
        return Some(d);
    }
    // An xsd:date may carry a time zone, which a calendar date for screening does not need.
    let head = raw.get(..10)?;
    let rest = &raw[10..];
    if rest.starts_with(['-', '+', 'Z', 'T']) {
        return PartialDate::parse_iso(head).map(FuzzyDate::exact);
    }
    None
}

/// Reduces a date period that OFAC gives as full dates (earliest possible day, latest possible
/// day) to the precision it stands for: `1962-01-01`–`1962-12-31` is the year 1962,
/// `1965-04-01`–`1965-04-30` is April 1965, two equal days are that day, anything else a range.
pub(crate) fn period(from: PartialDate, to: PartialDate, circa: bool) -> FuzzyDate {
    let (from, to) = if to < from { (to, from) } else { (from, to) };
    let jan1 = |d: &PartialDate| d.month == Some(1) && d.day == Some(1);
    let dec31 = |d: &PartialDate| d.month == Some(12) && d.day == Some(31);
    let last_of_month = |d: &PartialDate| match (d.month, d.day) {
        (Some(m), Some(day)) => {
            PartialDate::new(d.year, Some(m), Some(day.saturating_add(1))).is_none()
        }
        _ => false,
    };
    let single = |start: PartialDate, end: Option<PartialDate>| FuzzyDate { start, end, circa };
    if from == to {
        return single(from, None);
    }
    if from.day.is_none() || to.day.is_none() {
        return single(from, Some(to));
    }
    if jan1(&from) && dec31(&to) {
        let (a, b) = (PartialDate::year(from.year), PartialDate::year(to.year));
        return single(a, (a != b).then_some(b));
    }
    if from.year == to.year && from.month == to.month && from.day == Some(1) && last_of_month(&to) {
        return single(PartialDate { day: None, ..from }, None);
    }
    single(from, Some(to))
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
    fn mixed_content_and_unknown_references_are_kept() {
        // Text on both sides of a child belongs to the element, as in the document.
        let (res, names, diags) = run("<list><rec id=\"1\"><v>a<b/>c &foo;</v></rec></list>");
        assert!(res.is_ok());
        assert_eq!(names, ["1:ac &foo;"]);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].severity, Severity::Warning);
    }

    #[test]
    fn malformed_after_a_record_is_a_diagnostic() {
        let (res, names, diags) = run("<list><rec id=\"1\"/><rec id=\"2\"></oops></list>");
        assert!(res.is_ok());
        assert_eq!(names, ["1:"]);
        assert_eq!(diags.len(), 1);
    }

    #[test]
    fn a_broken_record_is_dropped_and_reading_resumes() {
        // Record 2 (byte 46) closes <v> with </w> at byte 62; records 1 and 3 load, the root
        // keeps its attributes and an element after the resync is neither root nor header.
        let xml = "<list a=\"1\"><h>x</h><rec id=\"1\"><v>A</v></rec><rec id=\"2\"><v>B</w></rec>\
                   <rec id=\"3\"><v>C</v></rec><late/></list>";
        let (res, names, diags) = run(xml);
        let scan = res.expect("scans");
        assert_eq!(names, ["1:A", "3:C"]);
        assert_eq!(
            diags.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [
                "t.xml (byte 62): error: Malformed XML: ill-formed document: expected `</v>`, \
                 but `</w>` was found. The incomplete record starting at byte 46 was dropped. \
                 Reading resumed at byte 72."
            ]
        );
        assert_eq!(
            (&xml[46..50], &xml[62..66], &xml[72..76]),
            ("<rec", "</w>", "<rec")
        );
        assert_eq!(
            (scan.root.name.as_str(), scan.root.attr("a")),
            ("list", Some("1"))
        );
        assert_eq!(scan.header.len(), 1);
        assert_eq!(scan.header[0].name, "h");
    }

    #[test]
    fn an_empty_root_is_a_complete_document() {
        let (res, names, diags) = run("<list/>");
        assert_eq!(res.expect("scans").root.name, "list");
        assert!(names.is_empty());
        assert!(diags.is_empty());
    }

    #[test]
    fn latin1_is_decoded_only_where_declared() {
        let scan_texts = |bytes: &[u8]| {
            let input = Input {
                name: "t.xml",
                bytes,
            };
            let mut diags = Vec::new();
            let mut got = Vec::new();
            scan(&input, &["list"], "rec", &mut diags, |n| {
                got.push(n.texts("v").join(""))
            })
            .expect("scans");
            (got, diags)
        };
        let (got, diags) = scan_texts(
            b"<?xml version=\"1.0\" encoding=\"windows-1252\"?><list><rec><v>Jos\xe9</v></rec></list>",
        );
        assert_eq!(got, ["José"]);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].severity, Severity::Warning);
        // Undeclared, the byte costs its record only.
        let (got, diags) =
            scan_texts(b"<list><rec><v>Jos\xe9</v></rec><rec><v>Ana</v></rec></list>");
        assert_eq!(got, ["Ana"]);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].severity, Severity::Error);
        assert_eq!(diags[0].location, model::Location::Byte(17));
    }
}
