//! The vet pipeline every front end runs: subject records as JSON lines in, vetted in parallel
//! batches, a JSON-lines report out.
//!
//! [`run`] reads from any `impl BufRead` and writes to any `impl Write`; it opens no file.
//! Memory does not grow with the records: each batch keeps only compact link keys and findings
//! before the next one is read. [`Vetter::vet`] shares the per-record work and the collection
//! step, so the two give the same findings for the same records.

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::{BufRead, Write};

use model::Diagnostic;
use rayon::prelude::*;
use serde::Serialize;

use crate::{Band, Cluster, Finding, Parsed, Report, SubjectKeys, SubjectReport, Vetter};

/// Lines read per batch: large enough to keep every core busy, small enough to bound memory.
pub const BATCH_LINES: usize = 16_384;

/// The longest record line read, in bytes: a longer line is skipped with a diagnostic naming
/// its line, so one runaway line (a file without newlines) costs at most this much memory.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// The most record bytes one batch holds, so memory stays bounded however long the lines are.
const BATCH_BYTES: usize = 64 << 20;

/// Reads one line (newline included) into `buf`, keeping at most `cap` bytes of it. Returns the
/// bytes consumed (0 at the end) and whether the line was longer than `cap`, in which case
/// `buf` is left empty and the rest of the line is consumed without being kept.
fn read_line_capped(
    input: &mut impl BufRead,
    buf: &mut Vec<u8>,
    cap: usize,
) -> std::io::Result<(usize, bool)> {
    let (mut consumed, mut over) = (0, false);
    loop {
        let avail = input.fill_buf()?;
        if avail.is_empty() {
            return Ok((consumed, over));
        }
        let (len, done) = match avail.iter().position(|b| *b == b'\n') {
            Some(i) => (i + 1, true),
            None => (avail.len(), false),
        };
        if !over {
            if buf.len() + len > cap {
                over = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&avail[..len]);
            }
        }
        input.consume(len);
        consumed += len;
        if done {
            return Ok((consumed, over));
        }
    }
}

/// Progress of a run; every method has an empty default.
pub trait VetProgress {
    /// `bytes` of the records have been read and vetted so far.
    fn read(&mut self, _bytes: u64) {}
    /// Every record is vetted; linking across subjects and scoring follow.
    fn linking(&mut self) {}
}

/// Progress that nobody watches.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl VetProgress for NoProgress {}

/// What the caller tells the report's first line about the run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunInfo {
    /// The records input, as the user named it.
    pub records: String,
    /// The sanctions lists used, as `list@version`.
    pub lists: Vec<String>,
    /// Which key the keyed hashes use (a sentence, never the key).
    pub key: String,
    /// The lead files used, as the user named them.
    pub leads: Vec<String>,
}

/// The first line of a report: the run and its counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct RunLine {
    /// The records input, as the user named it.
    pub records: String,
    /// Subjects vetted.
    pub subjects: usize,
    /// Clusters of linked subjects.
    pub clusters: usize,
    /// Records that could not be read (the diagnostic lines).
    pub diagnostics: usize,
    /// The sanctions lists used, as `list@version`.
    pub lists: Vec<String>,
    /// Which key the keyed hashes use.
    pub key: String,
    /// The lead files used.
    pub leads: Vec<String>,
}

/// One line of the JSON-lines report, tagged by `type`: the run first, then every subject in
/// input order, every cluster, and every diagnostic.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReportLine<'a> {
    /// The run.
    Run(RunLine),
    /// One subject's band, score and findings.
    Subject(Cow<'a, SubjectReport>),
    /// A cluster of linked subjects.
    Cluster(Cow<'a, Cluster>),
    /// A record that could not be read: file, line and a sentence (`model::Diagnostic`).
    #[cfg_attr(feature = "schema", schema(value_type = Object))]
    Diagnostic(Cow<'a, Diagnostic>),
}

impl RunInfo {
    /// The line under the title of the HTML report.
    pub fn html_note(&self) -> String {
        // Lists by name and publication date where the version carries one, never by the
        // content hash of a file.
        let lists = if self.lists.is_empty() {
            "none".to_string()
        } else {
            self.lists
                .iter()
                .map(|l| match l.split_once('@') {
                    Some((list, version)) => crate::ListEntry::show(list, version),
                    None => l.clone(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!("Records: {} · lists: {lists} · {}", self.records, self.key)
    }
}

/// Everything a run uses besides the records, parsed: the key, the sanctions tier, leads,
/// anonymiser ranges and approved tools.
#[derive(Debug)]
pub struct Setup {
    /// The key for sensitive identifiers.
    pub key: crate::HashKey,
    /// Whether the key was configured (else it is a random per-run key).
    pub key_configured: bool,
    /// The sanctions tier; `None` vets without lists, so nothing can be blocked.
    pub sanctions: Option<Sanctions>,
    /// Research leads and the files they came from; `None` when no lead file was given.
    pub leads: Option<(crate::Leads, Vec<String>)>,
    /// Anonymiser ranges.
    pub anonymizers: crate::CidrSet,
    /// Remote-access tools IT has approved, in any case.
    pub allowed_tools: Vec<String>,
}

impl Setup {
    /// A setup from lead files and anonymiser lists, each given as (file name, text), with
    /// the diagnostics of both (lead files first); no lead file means no lead tier.
    pub fn new(
        key: crate::HashKey,
        key_configured: bool,
        sanctions: Option<Sanctions>,
        lead_files: &[(String, String)],
        anonymizer_files: &[(String, String)],
        allowed_tools: &[String],
    ) -> (Setup, Vec<Diagnostic>) {
        let (leads, mut diags) = parse_leads(lead_files);
        let (anonymizers, more) = crate::CidrSet::parse_files(anonymizer_files);
        diags.extend(more);
        let names = lead_files.iter().map(|(n, _)| n.clone()).collect();
        let setup = Setup {
            key,
            key_configured,
            sanctions,
            leads: (!lead_files.is_empty()).then_some((leads, names)),
            anonymizers,
            allowed_tools: allowed_tools.to_vec(),
        };
        (setup, diags)
    }

    /// The vetter for this setup.
    pub fn vetter(&self) -> Vetter<'_> {
        let mut v = Vetter::new(self.key.clone());
        if let Some(s) = &self.sanctions {
            v.names = std::sync::Arc::new(crate::NameCache::with_dates(s.published.clone()));
        }
        v.screener = self.sanctions.as_ref().map(|s| &s.screener);
        v.book = self.sanctions.as_ref().map(|s| &s.book);
        v.leads = self.leads.as_ref().map(|l| &l.0);
        v.rules.anonymizers = self.anonymizers.clone();
        v.rules.allowed_tools = self
            .allowed_tools
            .iter()
            .map(|t| t.to_lowercase())
            .collect();
        v
    }

    /// What the report's first line says about a run over `records`.
    pub fn run_info(&self, records: &str) -> RunInfo {
        RunInfo {
            records: records.to_string(),
            lists: self
                .sanctions
                .as_ref()
                .map(|s| s.versions.clone())
                .unwrap_or_default(),
            key: if self.key_configured {
                "keyed hashes use the configured key"
            } else {
                "keyed hashes use a random per-run key"
            }
            .to_string(),
            leads: self.leads.as_ref().map(|l| l.1.clone()).unwrap_or_default(),
        }
    }
}

/// The result of a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Subjects and clusters.
    pub report: Report,
    /// Records that could not be read, in line order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Outcome {
    /// How many subjects ended in `band`.
    pub fn count(&self, band: Band) -> usize {
        self.report
            .subjects
            .iter()
            .filter(|s| s.band == band)
            .count()
    }

    /// The standalone HTML report of the run.
    pub fn html(&self, info: &RunInfo) -> String {
        crate::html::render(&self.report, "interdict vetting report", &info.html_note())
    }

    /// One sentence with the counts per band, clusters and malformed records.
    pub fn summary(&self, seconds: f64) -> String {
        format!(
            "{} subjects vetted in {seconds:.1} s: {} blocked, {} high, {} review, {} clear; {} clusters; {} malformed records",
            self.report.subjects.len(),
            self.count(Band::Blocked),
            self.count(Band::High),
            self.count(Band::Review),
            self.count(Band::Clear),
            self.report.clusters.len(),
            self.diagnostics.len()
        )
    }
}

/// Vets the JSON-lines records of `input` (named [`RunInfo::records`] in diagnostics) and writes
/// the report to `output`: one [`ReportLine`] per line.
pub fn run(
    vetter: &Vetter<'_>,
    input: impl BufRead,
    output: impl Write,
    info: &RunInfo,
    progress: &mut dyn VetProgress,
) -> std::io::Result<Outcome> {
    let outcome = vetter.vet_reader(&info.records, input, progress)?;
    write_report(output, info, &outcome)?;
    Ok(outcome)
}

/// Writes a report as JSON lines. Keys are sorted within each line, so equal reports give equal
/// bytes.
pub fn write_report(mut w: impl Write, info: &RunInfo, outcome: &Outcome) -> std::io::Result<()> {
    let report = &outcome.report;
    let run = RunLine {
        records: info.records.clone(),
        subjects: report.subjects.len(),
        clusters: report.clusters.len(),
        diagnostics: outcome.diagnostics.len(),
        lists: info.lists.clone(),
        key: info.key.clone(),
        leads: info.leads.clone(),
    };
    let lines = std::iter::once(ReportLine::Run(run))
        .chain(
            report
                .subjects
                .iter()
                .map(|s| ReportLine::Subject(Cow::Borrowed(s))),
        )
        .chain(
            report
                .clusters
                .iter()
                .map(|c| ReportLine::Cluster(Cow::Borrowed(c))),
        )
        .chain(
            outcome
                .diagnostics
                .iter()
                .map(|d| ReportLine::Diagnostic(Cow::Borrowed(d))),
        );
    for line in lines {
        // Through a `Value`, whose map is sorted, so the key order does not follow field order.
        writeln!(w, "{}", serde_json::to_value(&line)?)?;
    }
    w.flush()
}

/// The sanctions tier's reference data: a name screener and an address book over the same lists.
#[derive(Debug)]
pub struct Sanctions {
    /// Name screening.
    pub screener: screening::Screener,
    /// Address screening.
    pub book: wallets::AddressBook,
    /// The lists, as `list@version`, in the order given.
    pub versions: Vec<String>,
    /// Publication dates by `list@version`, shown in findings instead of file hashes.
    pub published: crate::screen::ListDates,
}

impl Sanctions {
    /// Builds both indexes over the lists' entities.
    pub fn build(lists: Vec<(screening::ListRef, Vec<model::Entity>)>) -> Sanctions {
        let mut book = wallets::AddressBook::new();
        let mut versions = Vec::new();
        for (l, entities) in &lists {
            book.add_list(&l.list, &l.version, entities);
            versions.push(format!("{}@{}", l.list, l.version));
        }
        Sanctions {
            screener: screening::Screener::build(lists),
            book,
            versions,
            published: Default::default(),
        }
    }

    /// Records the publication date (`YYYY-MM-DD`) of a loaded list version, for findings to
    /// name the list by its date.
    pub fn set_published(&mut self, list: &str, version: &str, date: &str) {
        self.published
            .insert(format!("{list}@{version}"), date.to_string());
    }
}

/// Parses researcher lead files, each given as (file name, text), into one set; a value listed
/// in several files keeps every source, first file first.
pub fn parse_leads(files: &[(String, String)]) -> (crate::Leads, Vec<Diagnostic>) {
    let mut leads = crate::Leads::default();
    let mut diags = Vec::new();
    for (name, text) in files {
        let (l, d) = crate::Leads::parse(name, text);
        leads.merge(l);
        diags.extend(d);
    }
    (leads, diags)
}

/// One line's result: the record's link keys and findings, or why it was skipped.
type Vetted = Result<(SubjectKeys, Vec<Finding>), Diagnostic>;

/// Gathers per-record results in input order, skipping repeated subject ids, then links and
/// scores.
struct Collector<'f> {
    file: &'f str,
    seen: HashSet<Box<str>>,
    keys: Vec<SubjectKeys>,
    lines: Vec<u64>,
    per: Vec<Vec<Finding>>,
    diagnostics: Vec<Diagnostic>,
}

impl<'f> Collector<'f> {
    fn new(file: &'f str) -> Collector<'f> {
        Collector {
            file,
            seen: HashSet::new(),
            keys: Vec::new(),
            lines: Vec::new(),
            per: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    fn push(&mut self, line: u64, vetted: Vetted) {
        match vetted {
            Ok((k, f)) if self.seen.insert(k.subject_id.clone()) => {
                self.keys.push(k);
                self.lines.push(line);
                self.per.push(f);
            }
            Ok((k, _)) => {
                self.diagnostics
                    .push(crate::record::duplicate(self.file, line, &k.subject_id))
            }
            Err(d) => self.diagnostics.push(d),
        }
    }

    fn finish(self, progress: &mut dyn VetProgress) -> Outcome {
        progress.linking();
        let linked = crate::link::link(&self.keys);
        Outcome {
            report: crate::assemble(&self.keys, &self.lines, self.per, linked),
            diagnostics: self.diagnostics,
        }
    }
}

impl Vetter<'_> {
    /// The per-record half for one record: link keys and findings.
    fn vet_one(&self, r: &crate::Record) -> (SubjectKeys, Vec<Finding>) {
        (self.keys(r), self.record_findings(r))
    }

    /// Vets a set of parsed records in parallel. A subject id repeated on a later record keeps
    /// the first record ([`crate::parse_lines`] reports the repeats).
    pub fn vet(&self, records: &[Parsed]) -> Report {
        let vetted: Vec<(u64, Vetted)> = records
            .par_iter()
            .map(|p| (p.line, Ok(self.vet_one(&p.record))))
            .collect();
        let mut c = Collector::new("");
        for (line, v) in vetted {
            c.push(line, v);
        }
        c.finish(&mut NoProgress).report
    }

    /// Vets JSON-lines records read from `input` in parallel batches of [`BATCH_LINES`]; `file`
    /// names the input in diagnostics. A line that is not valid UTF-8 or not a record, and a
    /// repeated subject id, become diagnostics in line order; blank lines are skipped.
    pub fn vet_reader(
        &self,
        file: &str,
        mut input: impl BufRead,
        progress: &mut dyn VetProgress,
    ) -> std::io::Result<Outcome> {
        let mut c = Collector::new(file);
        let mut line_no: u64 = 0;
        let mut bytes: u64 = 0;
        loop {
            let mut batch: Vec<(u64, Vec<u8>, bool)> = Vec::with_capacity(BATCH_LINES);
            let mut held = 0;
            while batch.len() < BATCH_LINES && held < BATCH_BYTES {
                let mut buf = Vec::new();
                let (n, over) = read_line_capped(&mut input, &mut buf, MAX_LINE_BYTES)?;
                if n == 0 {
                    break;
                }
                bytes += n as u64;
                held += buf.len();
                line_no += 1;
                batch.push((line_no, buf, over));
            }
            if batch.is_empty() {
                break;
            }
            let vetted: Vec<(u64, Option<Vetted>)> = batch
                .into_par_iter()
                .map(|(n, buf, over)| {
                    if over {
                        return (
                            n,
                            Some(Err(crate::record::too_long(file, n, MAX_LINE_BYTES))),
                        );
                    }
                    let v = crate::record::parse_numbered(file, n, &buf)
                        .map(|r| r.map(|rec| self.vet_one(&rec)));
                    (n, v)
                })
                .collect();
            for (n, v) in vetted {
                if let Some(v) = v {
                    c.push(n, v);
                }
            }
            progress.read(bytes);
        }
        Ok(c.finish(progress))
    }
}

#[cfg(test)]
mod tests {
    use super::read_line_capped;

    /// A line longer than the cap is consumed whole but not kept, and the next line reads
    /// normally; a last line without a newline is read too.
    #[test]
    fn long_lines_are_skipped_not_kept() {
        let text = format!("short\n{}\nnext\nlast", "x".repeat(100));
        let mut input = std::io::BufReader::with_capacity(8, text.as_bytes());
        let mut got = Vec::new();
        loop {
            let mut buf = Vec::new();
            let (n, over) = read_line_capped(&mut input, &mut buf, 16).expect("reads");
            if n == 0 {
                break;
            }
            got.push((n, over, String::from_utf8(buf).expect("utf-8")));
        }
        assert_eq!(
            got,
            [
                (6, false, "short\n".to_string()),
                (101, true, String::new()),
                (5, false, "next\n".to_string()),
                (4, false, "last".to_string()),
            ]
        );
    }
}
