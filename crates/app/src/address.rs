//! Crypto-address screening: an address book over list wallets and label files, and the
//! address queries of a batch file.

use std::path::{Path, PathBuf};

use wallets::{AddressBook, Report};

use crate::sources::ListSource;
use crate::{AppError, Context, Observer, Result};

/// What goes into an address book.
pub struct BookSpec<'a> {
    /// The lists whose wallets are screened; `None` for label files only.
    pub lists: Option<&'a ListSource>,
    /// Label files (CSV, JSON lines or one address per line).
    pub labels: &'a [PathBuf],
    /// Category for label rows that name none.
    pub category: &'a str,
}

/// Builds the address book; label-file diagnostics go to `obs` as notices.
pub fn book(ctx: &Context, spec: &BookSpec<'_>, obs: &dyn Observer) -> Result<AddressBook> {
    let mut book = AddressBook::new();
    if let Some(source) = spec.lists {
        let resolved = crate::sources::resolve(ctx, source, obs)?;
        if resolved.is_bundled() {
            let w = crate::bundled::warning(resolved.lists_used());
            obs.notice(&w.message);
        }
        for l in resolved.load(ctx)? {
            book.add_list(l.list.as_str(), &l.version, &l.entities);
        }
    }
    for path in spec.labels {
        let bytes = crate::files::read_input(path)?;
        let name = path.display().to_string();
        let (labels, diags) = wallets::labels::parse(&name, &bytes, spec.category);
        for d in &diags {
            obs.notice(&format!("  {d}"));
        }
        if labels.is_empty() {
            return Err(AppError::Invalid(format!(
                "{name} holds no labelled addresses"
            )));
        }
        book.add_labels(&labels);
    }
    tracing::info!(entries = book.len(), "Address book ready.");
    Ok(book)
}

/// Reads the addresses of a query file: CSV with an `address` column and an optional `chain`
/// column, or plain text with one address per line (`#` starts a comment line).
pub fn read_queries(path: &Path) -> Result<Vec<(String, Option<String>)>> {
    let bytes = crate::files::read_input(path)?;
    let text =
        String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes)).into_owned();
    let first = text.lines().next().unwrap_or("").to_ascii_lowercase();
    if !first
        .split(',')
        .any(|c| c.trim().trim_matches('"') == "address")
    {
        return Ok(text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| (l.to_string(), None))
            .collect());
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| AppError::Invalid(format!("{}: unreadable CSV header: {e}", path.display())))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let a = headers
        .iter()
        .position(|h| h == "address")
        .ok_or_else(|| AppError::Invalid(format!("{}: no address column", path.display())))?;
    let c = headers.iter().position(|h| h == "chain");
    let mut out = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|_| {
            AppError::Invalid(format!(
                "{}: line {}: unreadable row",
                path.display(),
                i + 2
            ))
        })?;
        let addr = rec.get(a).unwrap_or("").to_string();
        let chain = c
            .and_then(|c| rec.get(c))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        out.push((addr, chain));
    }
    Ok(out)
}

/// Screens every address; `declared` is the chain for queries that name none.
///
/// With `clusters` (a directory written by `interdict graph utxo import --clusters`), an
/// address also hits every listed or labelled address of its UTXO cluster, as
/// [`wallets::MatchKind::Cluster`] with the transactions that join them.
pub fn screen_all(
    book: &AddressBook,
    queries: &[(String, Option<String>)],
    declared: Option<&str>,
    clusters: Option<&Path>,
) -> Result<Vec<Report>> {
    let mapped = clusters.map(graph::import::open_clusters).transpose()?;
    let view = mapped.as_ref().map(|m| m.view());
    let listed = view
        .as_ref()
        .map(|v| graph::clusters::ListedClusters::new(book, v));
    Ok(queries
        .iter()
        .map(|(a, c)| {
            let mut r = book.screen(a, c.as_deref().or(declared));
            if let (Some(v), Some(l)) = (&view, &listed) {
                l.screen(book, v, &mut r);
            }
            r
        })
        .collect())
}

/// Refuses an output path that is one of the command's inputs (label files, the query file,
/// list files).
pub fn refuse_overwrite(out: &Path, spec: &BookSpec<'_>, input: Option<&Path>) -> Result<()> {
    let mut inputs: Vec<(&str, &Path)> = spec
        .labels
        .iter()
        .map(|p| ("the label file", p.as_path()))
        .collect();
    inputs.extend(input.map(|p| ("the input", p)));
    if let Some(ListSource::Files(files)) = spec.lists {
        inputs.extend(files.iter().map(|p| ("the list file", p.as_path())));
    }
    crate::files::refuse_overwrite(out, &inputs)
}

/// Writes one JSON line per report to `path`, or to standard output.
pub fn write_reports(reports: &[Report], path: Option<&Path>) -> Result<()> {
    use std::io::Write;
    let mut out: Box<dyn Write> = match path {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).map_err(AppError::io(p))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    for r in reports {
        serde_json::to_writer(&mut out, r).map_err(std::io::Error::from)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}
