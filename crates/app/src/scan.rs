//! Free-text scan pipelines: one text, or a file of texts (CSV `id,text` or JSON lines
//! `{"id", "text"}`) scanned in parallel into one JSON line per text.
//!
//! The input is read as a stream, a bounded chunk of records at a time, so a file of any length
//! is scanned in bounded memory; each record's text is bounded by
//! [`api::MAX_SCAN_TEXT_BYTES`], and the engine itself works in bounded segments of it.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use rayon::prelude::*;
use screening::ScanConfig;

use crate::engine::Engine;
use crate::screen::Sink;
use crate::{AppError, Observer, Result, Unit};

/// Records scanned in parallel between two writes: bounds memory, and makes each chunk durable
/// before the next starts.
const CHUNK: usize = 2048;

/// The scan configuration: the engine's defaults, with `threshold` when given.
pub fn config(threshold: Option<f64>) -> ScanConfig {
    let mut cfg = ScanConfig::default();
    if let Some(t) = threshold {
        cfg.threshold = t;
    }
    cfg
}

/// The plain-text rendering of one scanned text: each hit's span, the listed entity and the
/// score, then the listed name the span matched.
pub fn response_text(r: &api::ScanResponse) -> String {
    let mut out = String::new();
    if r.line.hits.is_empty() {
        out.push_str(&format!(
            "No listed name found (threshold {:.2}).\n",
            r.threshold
        ));
    }
    for h in &r.line.hits {
        out.push_str(&format!(
            "{}..{}  {:?}  {:.3}  {}  {} ({})\n      listed as {:?}\n",
            h.start,
            h.end,
            h.text,
            h.hit.score,
            h.hit.entity_id,
            h.hit.caption,
            h.hit.list,
            h.hit.explanation.listed_name
        ));
    }
    for w in &r.warnings {
        out.push_str(&format!("warning: {}\n", w.message));
    }
    out
}

/// The one-line summary of a file scan, for standard error.
pub fn summary_text(s: &ScanSummary) -> String {
    format!(
        "Scanned {} texts ({} bytes) in {:.2} s ({:.1} MB/s); {} with hits.",
        s.texts,
        s.bytes,
        s.seconds,
        s.bytes as f64 / 1e6 / s.seconds.max(1e-9),
        s.with_hits
    )
}

/// Scans one text and frames the answer with the lists used and any warning.
pub fn single(
    engine: &Engine,
    id: Option<String>,
    text: &str,
    cfg: &ScanConfig,
) -> api::ScanResponse {
    api::ScanResponse {
        line: line(engine, id, Ok(text), cfg),
        threshold: cfg.threshold,
        lists: engine.lists().to_vec(),
        warnings: engine.warnings().to_vec(),
    }
}

/// The answer line for one record: its hits, or why it was not scanned (too long). The error
/// message never repeats the text.
pub fn line(
    engine: &Engine,
    id: Option<String>,
    text: std::result::Result<&str, String>,
    cfg: &ScanConfig,
) -> api::ScanLine {
    match text.and_then(check_text) {
        Ok(text) => api::ScanLine {
            id,
            error: None,
            hits: engine.screener().scan(text, cfg),
        },
        Err(e) => api::ScanLine {
            id,
            error: Some(e),
            hits: vec![],
        },
    }
}

/// The text of a record, or why it cannot be scanned (longer than
/// [`api::MAX_SCAN_TEXT_BYTES`]); the message never repeats the text.
pub fn check_text(text: &str) -> std::result::Result<&str, String> {
    if text.len() > api::MAX_SCAN_TEXT_BYTES {
        return Err(format!(
            "the text is {} bytes, longer than the {}-byte limit; split it",
            text.len(),
            api::MAX_SCAN_TEXT_BYTES
        ));
    }
    Ok(text)
}

/// One record of a scan input: its id and text, or why it could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The `id` column or key, else `line-N` (the record's first line).
    pub id: String,
    /// The text, or why the record is unusable.
    pub text: std::result::Result<String, String>,
}

/// Reads scan records from a stream: JSON lines when the first non-blank byte is `{`, else CSV
/// with a header holding a `text` column (and an optional `id` column). Records come in
/// chunks of at most `chunk` to `each`, so memory stays bounded by the chunk.
pub fn read_records(
    input: impl Read,
    chunk: usize,
    each: &mut dyn FnMut(Vec<Record>) -> Result<()>,
) -> Result<()> {
    let mut r = BufReader::new(input);
    let first = loop {
        let buf = r.fill_buf().map_err(input_error)?;
        match buf
            .iter()
            .position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF)
        {
            Some(i) => break Some(buf[i]),
            None if buf.is_empty() => break None,
            None => {
                let n = buf.len();
                r.consume(n);
            }
        }
    };
    let chunk = chunk.max(1);
    let mut out = Vec::with_capacity(chunk);
    if first == Some(b'{') {
        let mut line_no = 0u64;
        let mut line = Vec::new();
        loop {
            line.clear();
            // A line longer than the record cap is read only that far, then skipped.
            let n = (&mut r)
                .take(api::MAX_SCAN_TEXT_BYTES as u64 * 2)
                .read_until(b'\n', &mut line)
                .map_err(input_error)?;
            if n == 0 {
                break;
            }
            line_no += 1;
            let too_long =
                line.last() != Some(&b'\n') && n as u64 == api::MAX_SCAN_TEXT_BYTES as u64 * 2;
            if too_long {
                let mut skip = Vec::new();
                r.read_until(b'\n', &mut skip).map_err(input_error)?;
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            out.push(json_record(&line, line_no, too_long));
            if out.len() == chunk {
                each(std::mem::take(&mut out))?;
            }
        }
    } else if first.is_some() {
        let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(r);
        let headers: Vec<String> = csv
            .headers()
            .map_err(|e| AppError::Invalid(format!("unreadable CSV header: {e}")))?
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
            .collect();
        let Some(text_col) = headers.iter().position(|h| h == "text") else {
            return Err(AppError::Invalid(
                "the CSV header has no `text` column (expected id,text)".into(),
            ));
        };
        let id_col = headers.iter().position(|h| h == "id");
        let mut row = csv::StringRecord::new();
        loop {
            let line_no = csv.position().line();
            match csv.read_record(&mut row) {
                Ok(false) => break,
                Ok(true) => {
                    let id = id_col
                        .and_then(|c| row.get(c))
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map_or_else(|| format!("line-{line_no}"), str::to_string);
                    let text = row
                        .get(text_col)
                        .map(str::to_string)
                        .ok_or_else(|| "the row has no `text` field".to_string());
                    out.push(Record { id, text });
                }
                Err(e) if e.is_io_error() => {
                    return Err(AppError::Invalid(format!("reading the input failed: {e}")));
                }
                Err(_) => out.push(Record {
                    id: format!("line-{line_no}"),
                    text: Err("the row is not valid CSV or not UTF-8".into()),
                }),
            }
            if out.len() == chunk {
                each(std::mem::take(&mut out))?;
            }
        }
    }
    if !out.is_empty() {
        each(out)?;
    }
    Ok(())
}

/// A failed read of the input, told apart from a failed write of the output.
fn input_error(e: std::io::Error) -> AppError {
    AppError::Invalid(format!("reading the input failed: {e}"))
}

/// One JSON-lines record; its errors name the line and the problem, never the content.
fn json_record(line: &[u8], line_no: u64, too_long: bool) -> Record {
    let fallback = format!("line-{line_no}");
    if too_long {
        return Record {
            id: fallback,
            text: Err(format!(
                "the line is longer than twice the {}-byte text limit",
                api::MAX_SCAN_TEXT_BYTES
            )),
        };
    }
    match serde_json::from_slice::<serde_json::Value>(line) {
        Ok(v) => {
            let id = match v.get("id") {
                Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
                Some(serde_json::Value::Number(n)) => n.to_string(),
                _ => fallback,
            };
            let text = match v.get("text") {
                Some(serde_json::Value::String(s)) => Ok(s.clone()),
                _ => Err("the record has no string `text`".to_string()),
            };
            Record { id, text }
        }
        Err(e) => Record {
            id: fallback,
            text: Err(format!(
                "invalid JSON at column {}: {:?}",
                e.column(),
                e.classify()
            )),
        },
    }
}

/// What a scan of a file did.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanSummary {
    /// Texts scanned (records read, usable or not).
    pub texts: usize,
    /// Texts with at least one hit.
    pub with_hits: usize,
    /// Bytes of text scanned.
    pub bytes: u64,
    /// Wall time in seconds.
    pub seconds: f64,
}

/// Scans every record of `input` into `sink`, one [`api::ScanLine`] per record in input order.
/// Unusable records get a line with an `error` and a notice naming the record id; the engine's
/// warnings go to `obs` as notices.
pub fn batch(
    engine: &Engine,
    cfg: &ScanConfig,
    input: &Path,
    sink: Sink<'_>,
    obs: &dyn Observer,
) -> Result<ScanSummary> {
    let mut file_out;
    let out: &mut dyn Write = match sink {
        Sink::File {
            path, overwrite, ..
        } => {
            crate::files::refuse_overwrite(path, &[("the scan input", input)])?;
            if path.exists() && !overwrite {
                return Err(AppError::Invalid(format!(
                    "{} exists; pass --overwrite to replace it",
                    path.display()
                )));
            }
            file_out =
                std::io::BufWriter::new(std::fs::File::create(path).map_err(AppError::io(path))?);
            &mut file_out
        }
        Sink::Writer(w) => w,
    };
    // File lines carry no list facts; the warnings (bundled lists) go where a person sees them.
    for w in engine.warnings() {
        obs.notice(&format!("warning: {}", w.message));
    }
    let (reader, size) = crate::files::open_input(input)?;
    obs.start("Scanning", (size > 0).then_some(size), Unit::Bytes);
    let started = std::time::Instant::now();
    let mut summary = ScanSummary {
        texts: 0,
        with_hits: 0,
        bytes: 0,
        seconds: 0.0,
    };
    read_records(reader, CHUNK, &mut |records| {
        let lines: Vec<(Vec<u8>, bool, u64)> = records
            .par_iter()
            .map(|rec| {
                let line = line(
                    engine,
                    Some(rec.id.clone()),
                    rec.text.as_deref().map_err(Clone::clone),
                    cfg,
                );
                let bytes = rec.text.as_ref().map_or(0, |t| t.len() as u64);
                (
                    serde_json::to_vec(&line).unwrap_or_default(),
                    !line.hits.is_empty(),
                    bytes,
                )
            })
            .collect();
        for rec in &records {
            if let Err(e) = &rec.text {
                obs.notice(&format!("{}: error: [{}] {e}", input.display(), rec.id));
            }
        }
        let mut advanced = 0;
        for (l, hit, bytes) in lines {
            out.write_all(&l)?;
            out.write_all(b"\n")?;
            summary.texts += 1;
            summary.with_hits += usize::from(hit);
            summary.bytes += bytes;
            advanced += bytes;
        }
        out.flush()?;
        obs.advance(advanced);
        Ok(())
    })?;
    obs.finish();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &str) -> Vec<Record> {
        let mut all = Vec::new();
        read_records(input.as_bytes(), 2, &mut |mut c| {
            all.append(&mut c);
            Ok(())
        })
        .expect("the input reads");
        all
    }

    fn rec(id: &str, text: std::result::Result<&str, &str>) -> Record {
        Record {
            id: id.into(),
            text: text.map(str::to_string).map_err(str::to_string),
        }
    }

    #[test]
    fn reads_csv_and_json_lines_in_chunks() {
        let cases: &[(&str, Vec<Record>)] = &[
            (
                "id,text\n1,pay Ivan\n2,\"multi\nline, quoted\"\n,no id\n",
                vec![
                    rec("1", Ok("pay Ivan")),
                    rec("2", Ok("multi\nline, quoted")),
                    rec("line-5", Ok("no id")),
                ],
            ),
            ("text\nonly text\n", vec![rec("line-2", Ok("only text"))]),
            (
                "{\"id\":\"a\",\"text\":\"x\"}\n\n{\"id\":7,\"text\":\"y\"}\n{\"text\":3}\nnot json\n",
                vec![
                    rec("a", Ok("x")),
                    rec("7", Ok("y")),
                    rec("line-4", Err("the record has no string `text`")),
                    rec("line-5", Err("invalid JSON at column 2: Syntax")),
                ],
            ),
            ("", vec![]),
        ];
        for (input, want) in cases {
            assert_eq!(&read(input), want, "{input:?}");
        }
    }

    #[test]
    fn csv_without_a_text_column_is_refused() {
        let err = read_records("id,name\n1,x\n".as_bytes(), 4, &mut |_| Ok(()))
            .expect_err("no text column");
        assert!(err.to_string().contains("no `text` column"), "{err}");
    }
}
