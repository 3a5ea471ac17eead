//! Name screening pipelines: one query, or a batch file screened in parallel with resume.
//!
//! Both produce the `api` contract ([`api::ScreenResponse`], [`api::ScreenLine`]), so the
//! command line and the server print the same JSON.

use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use model::{PartialDate, Schema};
use rayon::prelude::*;
use screening::{AllowList, AllowState, Match, Query, ScreenConfig};

use crate::engine::Engine;
use crate::{AppError, Observer, Result, Unit};

/// The schemas a query may name.
pub const SCHEMAS: [&str; 6] = [
    "Person",
    "Organization",
    "Company",
    "LegalEntity",
    "Vessel",
    "Airplane",
];

/// Parses a schema name case-insensitively (with the common synonyms `individual`,
/// `organisation`, `entity`, `aircraft`).
pub fn parse_schema(s: &str) -> Result<Schema, String> {
    let t = s.trim();
    let alias = match t.to_ascii_lowercase().as_str() {
        "individual" => "Person",
        "organisation" | "entity" => "Organization",
        "aircraft" => "Airplane",
        _ => "",
    };
    SCHEMAS
        .iter()
        .find(|k| k.eq_ignore_ascii_case(t))
        .or_else(|| SCHEMAS.iter().find(|k| **k == alias))
        .map(|k| Schema::from(k.to_string()))
        .ok_or_else(|| format!("unknown schema; use one of {}", SCHEMAS.join(", ")))
}

/// Parses a nationality: an ISO 3166 alpha-2 code or a country name.
pub fn parse_nationality(s: &str) -> Result<String, String> {
    model::country::code(s)
        .map(str::to_string)
        .ok_or_else(|| "unknown country; give an ISO 3166 alpha-2 code such as kp".to_string())
}

/// The longest name a query may have, in bytes: far above any real name, and low enough that
/// screening one costs milliseconds (the cost of alignment grows with the name's length).
pub const MAX_NAME_BYTES: usize = 2048;

/// The trimmed name of a query, or why it cannot be screened (empty, or longer than
/// [`MAX_NAME_BYTES`]); the message never repeats the name.
pub fn check_name(name: &str) -> Result<&str, String> {
    let t = name.trim();
    if t.is_empty() {
        return Err("the name is empty".into());
    }
    if t.len() > MAX_NAME_BYTES {
        return Err(format!(
            "the name is {} bytes, longer than the {MAX_NAME_BYTES}-byte limit",
            t.len()
        ));
    }
    Ok(t)
}

/// The query of a single name given on a command line, with its schema, birth date and
/// nationality (`[schema, dob, nationality]`, each optional) parsed; the error names the field
/// and the value the user typed.
pub fn args_query(
    name: &str,
    [schema, dob, nationality]: [Option<&str>; 3],
    identifiers: Vec<String>,
) -> Result<Query, String> {
    let bad = |what: &str, v: &str, e: String| format!("bad {what} {v:?}: {e}");
    Ok(Query {
        name: check_name(name)?.to_string(),
        schema: schema
            .map(|v| parse_schema(v).map_err(|e| bad("schema", v, e)))
            .transpose()?,
        birth_date: dob
            .map(|v| parse_dob(v).map_err(|e| bad("birth date", v, e)))
            .transpose()?,
        nationality: nationality
            .map(|v| parse_nationality(v).map_err(|e| bad("nationality", v, e)))
            .transpose()?,
        identifiers,
    })
}

/// Scores one pair of names (`a` read as the query, `b` as the listed name) and frames the
/// verdict at `threshold` (default: the engine's); the error names a bad schema.
pub fn compare(
    a: String,
    b: String,
    schema: Option<&str>,
    mode: screening::Mode,
    threshold: Option<f64>,
) -> Result<api::CompareResponse, String> {
    let schema = schema
        .map(|v| parse_schema(v).map_err(|e| format!("bad schema {v:?}: {e}")))
        .transpose()?;
    let threshold = threshold.unwrap_or(screening::DEFAULT_THRESHOLD);
    let (score, explanation) = screening::compare(&a, &b, schema, mode);
    Ok(api::CompareResponse {
        a,
        b,
        score,
        is_match: score >= threshold,
        threshold,
        explanation,
    })
}

/// The plain-text rendering of a comparison: score, verdict and explanation.
pub fn compare_text(r: &api::CompareResponse) -> String {
    let verdict = if r.is_match { "MATCH" } else { "no match" };
    format!(
        "{:.3}  {verdict}  (threshold {:.2})\n{}",
        r.score,
        r.threshold,
        crate::text::explanation(&r.explanation)
    )
}

/// Parses a birth date at year, month or day precision.
pub fn parse_dob(s: &str) -> Result<PartialDate, String> {
    PartialDate::parse_iso(s).ok_or_else(|| "not a date; use YYYY, YYYY-MM or YYYY-MM-DD".into())
}

/// The longest name a request may carry, in characters: longer text is not a name, and
/// screening it would only cost time.
pub const MAX_NAME_CHARS: usize = 500;

/// The query of a native API request. Unlike a batch file row, a request with an unusable
/// field is refused as a whole (the caller is a program that can fix it); the error names the
/// field, never its value.
pub fn request_query(r: &api::ScreenRequest) -> Result<Query, String> {
    let name = r.name.trim();
    if name.is_empty() {
        return Err("name: empty".into());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!("name: longer than {MAX_NAME_CHARS} characters"));
    }
    let mut q = Query::name(name);
    if let Some(s) = nonempty(r.schema.as_deref()) {
        q.schema = Some(parse_schema(s).map_err(|e| format!("schema: {e}"))?);
    }
    if let Some(d) = nonempty(r.birth_date.as_deref()) {
        q.birth_date = Some(parse_dob(d).map_err(|e| format!("birth_date: {e}"))?);
    }
    if let Some(n) = nonempty(r.nationality.as_deref()) {
        q.nationality = Some(parse_nationality(n).map_err(|e| format!("nationality: {e}"))?);
    }
    if r.identifiers.len() > 20 || r.identifiers.iter().any(|i| i.len() > 100) {
        return Err("identifiers: at most 20, each at most 100 characters".into());
    }
    q.identifiers = r
        .identifiers
        .iter()
        .map(|i| i.trim().to_string())
        .filter(|i| !i.is_empty())
        .collect();
    Ok(q)
}

/// The answer line for one query's matches, with allow-list decisions applied for `customer`.
pub fn line(
    engine: &Engine,
    query_id: Option<String>,
    matches: Vec<Match>,
    explain: bool,
    allow: Option<(&AllowList, &str)>,
) -> api::ScreenLine {
    let mut line = api::ScreenLine {
        query_id,
        error: None,
        matches: Vec::with_capacity(matches.len()),
        suppressed: Vec::new(),
    };
    let screener = engine.screener();
    for m in matches {
        let state = match allow {
            Some((list, customer)) => screener
                .entity(&m.entity_id)
                .map_or(AllowState::NotListed, |entity| {
                    list.check(customer, &m, entity)
                }),
            None => AllowState::NotListed,
        };
        let mark = (state == AllowState::Stale).then_some(api::AllowMark::Stale);
        let out = api::MatchOut::new(m, explain, mark);
        if state == AllowState::Suppressed {
            line.suppressed.push(out);
        } else {
            line.matches.push(out);
        }
    }
    line
}

/// Screens one query and frames the answer with the lists used and any warning.
pub fn single(
    engine: &Engine,
    query: &Query,
    cfg: &ScreenConfig,
    explain: bool,
    allow: Option<(&AllowList, &str)>,
) -> api::ScreenResponse {
    let matches = engine.screener().screen(query, cfg);
    api::ScreenResponse {
        line: line(engine, None, matches, explain, allow),
        threshold: cfg.threshold,
        lists: engine.lists().to_vec(),
        warnings: engine.warnings().to_vec(),
    }
}

/// One query read from a batch file, or why it could not be read.
#[derive(Debug)]
pub struct BatchQuery {
    /// The `query_id` column, else `line-N`.
    pub id: String,
    /// The `customer_ref` column, when present.
    pub customer: Option<String>,
    /// The line of the input file.
    pub line: u64,
    /// The query, or why the row is unusable.
    pub query: Result<Query, String>,
    /// Fields that were dropped, each naming the field and why (never its value).
    pub warnings: Vec<String>,
}

fn nonempty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// Builds a query from a row's fields; an unusable optional field is dropped with a warning
/// that names the field, not its value (row data is personal data).
fn query_from_fields(
    id: String,
    line: u64,
    name: Option<&str>,
    schema: Option<&str>,
    dob: Option<&str>,
    nationality: Option<&str>,
) -> BatchQuery {
    let mut warnings = Vec::new();
    let name = match check_name(name.unwrap_or("")) {
        Ok(n) => n,
        Err(e) => {
            return BatchQuery {
                id,
                customer: None,
                line,
                query: Err(e),
                warnings,
            };
        }
    };
    let mut q = Query::name(name);
    if let Some(s) = nonempty(schema) {
        match parse_schema(s) {
            Ok(s) => q.schema = Some(s),
            Err(e) => warnings.push(format!("schema: {e}; screened without a schema")),
        }
    }
    if let Some(d) = nonempty(dob) {
        match parse_dob(d) {
            Ok(d) => q.birth_date = Some(d),
            Err(e) => warnings.push(format!("birth_date: {e}; screened without it")),
        }
    }
    if let Some(n) = nonempty(nationality) {
        match parse_nationality(n) {
            Ok(n) => q.nationality = Some(n),
            Err(e) => warnings.push(format!("nationality: {e}; screened without it")),
        }
    }
    BatchQuery {
        id,
        customer: None,
        line,
        query: Ok(q),
        warnings,
    }
}

/// Reads every query of a batch file: CSV with a header (`query_id,name,schema,birth_date,
/// nationality[,customer_ref]`) or JSON lines with the same keys.
pub fn read_batch(path: &Path) -> Result<Vec<BatchQuery>> {
    let bytes = crate::files::read_input(path)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if first == Some(b'{') {
        return Ok(read_json_lines(bytes));
    }
    read_csv(path, bytes)
}

fn read_json_lines(bytes: &[u8]) -> Vec<BatchQuery> {
    let mut out = Vec::new();
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        let line_no = i as u64 + 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<serde_json::Value>(line) {
            Ok(v) => {
                let s = |k: &str| v.get(k).and_then(|x| x.as_str());
                let id = match v.get("query_id") {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(serde_json::Value::Number(n)) => n.to_string(),
                    _ => format!("line-{line_no}"),
                };
                let mut bq = query_from_fields(
                    id,
                    line_no,
                    s("name"),
                    s("schema"),
                    s("birth_date"),
                    s("nationality"),
                );
                bq.customer = nonempty(s("customer_ref")).map(str::to_string);
                out.push(bq);
            }
            Err(e) => out.push(BatchQuery {
                customer: None,
                id: format!("line-{line_no}"),
                line: line_no,
                query: Err(format!(
                    "invalid JSON at column {}: {:?}",
                    e.column(),
                    e.classify()
                )),
                warnings: vec![],
            }),
        }
    }
    out
}

fn read_csv(path: &Path, bytes: &[u8]) -> Result<Vec<BatchQuery>> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| AppError::Invalid(format!("{}: unreadable CSV header: {e}", path.display())))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let col = |n: &str| headers.iter().position(|h| h == n);
    let Some(name_col) = col("name") else {
        return Err(AppError::Invalid(format!(
            "{}: the header has no `name` column (expected query_id,name,schema,birth_date,nationality)",
            path.display()
        )));
    };
    let (id_col, schema_col, dob_col, nat_col, customer_col) = (
        col("query_id"),
        col("schema"),
        col("birth_date"),
        col("nationality"),
        col("customer_ref"),
    );
    let mut out = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let line_no = i as u64 + 2;
        match rec {
            Ok(r) => {
                let g = |c: Option<usize>| c.and_then(|c| r.get(c));
                let id = g(id_col)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("line-{line_no}"));
                let mut bq = query_from_fields(
                    id,
                    line_no,
                    g(Some(name_col)),
                    g(schema_col),
                    g(dob_col),
                    g(nat_col),
                );
                bq.customer = nonempty(g(customer_col)).map(str::to_string);
                out.push(bq);
            }
            Err(_) => out.push(BatchQuery {
                customer: None,
                id: format!("line-{line_no}"),
                line: line_no,
                query: Err("unreadable CSV row".into()),
                warnings: vec![],
            }),
        }
    }
    Ok(out)
}

/// Reads the query id of each complete line of an output file, in order, cutting off a
/// partial last line (an interrupted run may have left one) so that its query is screened again.
/// A batch writes one line per input row in input order, so the count of complete lines is the
/// count of input rows done, whatever their ids.
fn completed_rows(path: &Path) -> Result<Vec<Option<String>>> {
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(AppError::io(path))?;
    let mut bytes = Vec::new();
    (&mut f)
        .take(crate::files::limits().max_input_bytes.saturating_mul(4))
        .read_to_end(&mut bytes)
        .map_err(AppError::io(path))?;
    let complete = bytes
        .iter()
        .rposition(|b| *b == b'\n')
        .map(|p| p + 1)
        .unwrap_or(0);
    if complete < bytes.len() {
        f.set_len(complete as u64).map_err(AppError::io(path))?;
        f.seek(SeekFrom::End(0)).map_err(AppError::io(path))?;
    }
    let mut ids = Vec::new();
    for line in BufReader::new(&bytes[..complete]).lines() {
        let line = line.map_err(AppError::io(path))?;
        let id = serde_json::from_str::<serde_json::Value>(&line)
            .ok()
            .and_then(|v| {
                v.get("query_id")
                    .and_then(|x| x.as_str())
                    .map(str::to_string)
            });
        ids.push(id);
    }
    Ok(ids)
}

/// The number of input rows a resumed output already holds: its complete lines, each checked
/// against the query id of the row it stands for, so an output written from another input is
/// refused rather than silently skipping rows.
fn rows_done(path: &Path, input: &Path, queries: &[BatchQuery]) -> Result<usize> {
    let done = completed_rows(path)?;
    if done.len() > queries.len() {
        return Err(AppError::Invalid(format!(
            "{} holds {} answers but {} has only {} rows; it was not written from this input",
            path.display(),
            done.len(),
            input.display(),
            queries.len()
        )));
    }
    for (i, (id, q)) in done.iter().zip(queries).enumerate() {
        if id.as_deref() != Some(q.id.as_str()) {
            return Err(AppError::Invalid(format!(
                "line {} of {} does not answer row {} of {}; it was not written from this input, so it cannot be resumed",
                i + 1,
                path.display(),
                q.line,
                input.display()
            )));
        }
    }
    Ok(done.len())
}

/// Parses a score given on a command line or in a query string (a threshold or a floor): a
/// number between 0 and 1, so that a typo such as `80` is refused rather than alerting on
/// nothing.
pub fn parse_score(s: &str) -> std::result::Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(t) if (0.0..=1.0).contains(&t) => Ok(t),
        _ => Err(format!(
            "a score must be a number between 0 and 1, not {s:?}"
        )),
    }
}

/// Where a batch writes its JSON lines.
pub enum Sink<'a> {
    /// A file: refused if it exists unless resuming or overwriting.
    File {
        /// The output file.
        path: &'a Path,
        /// Continue an interrupted run: keep the queries already there and append the rest.
        resume: bool,
        /// Replace an existing file.
        overwrite: bool,
    },
    /// A stream the front end owns (standard output).
    Writer(&'a mut dyn Write),
}

impl<'a> Sink<'a> {
    /// The output file when one is given, else `writer`: what every batch command with an
    /// optional `--output` needs.
    pub fn file_or(
        path: Option<&'a Path>,
        resume: bool,
        overwrite: bool,
        writer: &'a mut dyn Write,
    ) -> Sink<'a> {
        match path {
            Some(path) => Sink::File {
                path,
                resume,
                overwrite,
            },
            None => Sink::Writer(writer),
        }
    }
}

/// How a batch is screened.
pub struct BatchOptions<'a> {
    /// Include explanations in the output.
    pub explain: bool,
    /// Cleared hits to suppress.
    pub allow: Option<&'a AllowList>,
    /// Where evidence goes, and the actor it names (when a records database is configured).
    pub evidence: Option<(&'a crate::evidence::Recorder, &'a str)>,
}

/// What a batch did.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchSummary {
    /// Queries screened in this run.
    pub queries: usize,
    /// Queries skipped because a resumed output already held them.
    pub already_done: usize,
    /// Whether any query matched.
    pub any_match: bool,
    /// Wall time in seconds.
    pub seconds: f64,
}

/// Screens a batch file into a sink. Row warnings and errors go to `obs` as notices naming the
/// file, line, query id and field, never the field's value.
pub fn batch(
    engine: &Engine,
    cfg: &ScreenConfig,
    input: &Path,
    sink: Sink<'_>,
    opts: &BatchOptions<'_>,
    obs: &dyn Observer,
) -> Result<BatchSummary> {
    if let Sink::File { path, .. } = &sink {
        crate::files::refuse_overwrite(path, &[("the batch input", input)])?;
    }
    let mut queries = read_batch(input)?;
    let mut done = 0;
    let mut file_out;
    let out: &mut dyn Write = match sink {
        Sink::File { path, resume, .. } if path.exists() && resume => {
            done = rows_done(path, input, &queries)?;
            file_out = std::io::BufWriter::new(
                std::fs::OpenOptions::new()
                    .append(true)
                    .open(path)
                    .map_err(AppError::io(path))?,
            );
            &mut file_out
        }
        Sink::File {
            path, overwrite, ..
        } if path.exists() && !overwrite => {
            return Err(AppError::Invalid(format!(
                "{} exists; pass --resume to continue an interrupted run or --overwrite to replace it",
                path.display()
            )));
        }
        Sink::File { path, .. } => {
            file_out =
                std::io::BufWriter::new(std::fs::File::create(path).map_err(AppError::io(path))?);
            &mut file_out
        }
        Sink::Writer(w) => w,
    };
    let already_done = done;
    if done > 0 {
        queries.drain(..done);
        obs.notice(&format!(
            "Resuming: {already_done} queries already done, {} to go.",
            queries.len()
        ));
    }
    for q in &queries {
        for w in &q.warnings {
            obs.notice(&format!(
                "{}:{}: warning: [{}] {w}",
                input.display(),
                q.line,
                q.id
            ));
        }
        if let Err(e) = &q.query {
            obs.notice(&format!(
                "{}:{}: error: [{}] {e}",
                input.display(),
                q.line,
                q.id
            ));
        }
    }
    obs.start("Screening", Some(queries.len() as u64), Unit::Items);
    let started = std::time::Instant::now();
    let mut any_match = false;
    let screener = engine.screener();
    // Chunks keep memory bounded and make every chunk durable before the next starts, so an
    // interrupted run loses at most one chunk of work.
    for chunk in queries.chunks(4096) {
        let lines: Vec<(Vec<u8>, bool)> = chunk
            .par_iter()
            .map(|q| {
                let line = match &q.query {
                    Ok(query) => {
                        // Without explanations in the output the part-by-part alignment is
                        // never printed, so it is not built either.
                        let matches = if opts.explain {
                            screener.screen(query, cfg)
                        } else {
                            screener.screen_unexplained(query, cfg)
                        };
                        let customer = q.customer.as_deref().unwrap_or(&q.id);
                        line(
                            engine,
                            Some(q.id.clone()),
                            matches,
                            opts.explain,
                            opts.allow.map(|a| (a, customer)),
                        )
                    }
                    Err(e) => api::ScreenLine {
                        query_id: Some(q.id.clone()),
                        error: Some(e.clone()),
                        matches: vec![],
                        suppressed: vec![],
                    },
                };
                let any = line.any_match();
                (serde_json::to_vec(&line).unwrap_or_default(), any)
            })
            .collect();
        // Evidence is queued before the lines are written: a line in the output always has
        // its evidence on the way (the writer commits it in the background).
        if let Some((rec, actor)) = opts.evidence {
            let rows = chunk
                .iter()
                .zip(&lines)
                .filter_map(|(q, (l, _))| {
                    let query = q.query.as_ref().ok()?;
                    Some(rec.row(query, String::from_utf8_lossy(l).into_owned()))
                })
                .collect();
            let reference = format!(
                "{}:{}",
                input.display(),
                chunk.first().map_or(0, |q| q.line)
            );
            let b = rec.batch(
                actor,
                &reference,
                "screen --input",
                engine.lists(),
                &crate::evidence::config_text(cfg),
                rows,
            );
            rec.submit(b).map_err(|e| AppError::Invalid(e.detail))?;
        }
        for (l, m) in lines {
            out.write_all(&l)?;
            out.write_all(b"\n")?;
            any_match |= m;
        }
        out.flush()?;
        obs.advance(chunk.len() as u64);
    }
    obs.finish();
    let seconds = started.elapsed().as_secs_f64();
    tracing::info!(
        queries = queries.len(),
        seconds,
        qps = queries.len() as f64 / seconds.max(1e-9),
        "Batch done."
    );
    Ok(BatchSummary {
        queries: queries.len(),
        already_done,
        any_match,
        seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_warnings_name_the_field_not_the_value() {
        let q = query_from_fields(
            "q1".into(),
            2,
            Some("Jane Roe"),
            Some("Spaceship"),
            Some("1961-13-45"),
            Some("Atlantis"),
        );
        assert_eq!(q.warnings.len(), 3);
        for w in &q.warnings {
            assert!(
                !w.contains("1961") && !w.contains("Atlantis") && !w.contains("Spaceship"),
                "{w}"
            );
        }
        assert!(q.warnings[1].starts_with("birth_date:"), "{:?}", q.warnings);
        assert!(q.query.is_ok());
    }

    #[test]
    fn schemas_parse_with_synonyms() {
        let cases = [
            ("person", Some("Person")),
            ("Individual", Some("Person")),
            ("organisation", Some("Organization")),
            ("aircraft", Some("Airplane")),
            ("vessel", Some("Vessel")),
            ("Spaceship", None),
        ];
        for (input, want) in cases {
            assert_eq!(
                parse_schema(input).ok().map(|s| s.name().to_string()),
                want.map(str::to_string),
                "{input}"
            );
        }
    }
}
