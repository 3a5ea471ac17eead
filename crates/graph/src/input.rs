//! Reading transfers: header mapping, field parsing and address canonicalisation.
//!
//! The reader takes any `impl Read` and yields rows or per-row diagnostics; it never opens files.
//! Other formats (Parquet in the binary) reuse [`Columns`] and [`parse_fields`], so every source
//! follows the same rules.

use std::borrow::Cow;
use std::io::Read;

use serde::Serialize;

use crate::amount::Amount;

/// A transfer as read, with canonical addresses; strings borrow from the input record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRef<'a> {
    /// Canonical sender address (or lower-cased raw text when it does not parse).
    pub from: Cow<'a, str>,
    /// Canonical receiver address (or lower-cased raw text when it does not parse).
    pub to: Cow<'a, str>,
    /// Whether `from` parsed as an address.
    pub from_parsed: bool,
    /// Whether `to` parsed as an address.
    pub to_parsed: bool,
    /// Exact amount.
    pub amount: Amount,
    /// Block number (0 when the input has no block column).
    pub block: u64,
    /// Unix seconds.
    pub time: Option<u64>,
    /// `""` for the native asset, else the canonical token address.
    pub asset: Cow<'a, str>,
    /// Transaction id as written.
    pub tx: Option<&'a str>,
}

/// A row that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowDiagnostic {
    /// 1-based data row number (the header is row 0).
    pub row: u64,
    /// 1-based line in the file, when the source has lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// What is wrong.
    pub message: String,
}

/// A file that cannot be read as transfers at all.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// A required column is missing from the header.
    #[error("no {what} column in the header (accepted names: {accepted}); found: {found}")]
    MissingColumn {
        /// The role of the column.
        what: &'static str,
        /// The names accepted for it.
        accepted: &'static str,
        /// The header as read.
        found: String,
    },
    /// The CSV reader failed on the header.
    #[error("cannot read the CSV header: {0}")]
    Csv(#[from] csv::Error),
}

/// Where each field is in a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    /// Sender column.
    pub from: usize,
    /// Receiver column.
    pub to: usize,
    /// Amount column.
    pub amount: usize,
    /// Transaction id column.
    pub tx: Option<usize>,
    /// Block number column.
    pub block: Option<usize>,
    /// Timestamp column.
    pub time: Option<usize>,
    /// Asset (token address) column.
    pub asset: Option<usize>,
}

const FROM: &[&str] = &["from", "from_address", "sender", "src"];
const TO: &[&str] = &["to", "to_address", "receiver", "dst"];
const AMOUNT: &[&str] = &["amount", "value"];
const TX: &[&str] = &["tx", "transaction_hash", "tx_hash", "hash", "txid"];
const BLOCK: &[&str] = &["block", "block_number", "height"];
const TIME: &[&str] = &["time", "block_timestamp", "timestamp"];
const ASSET: &[&str] = &["asset", "token_address", "token", "currency"];

impl Columns {
    /// Maps a header (case-insensitive, surrounding spaces ignored) to column positions.
    pub fn from_header<S: AsRef<str>>(header: &[S]) -> Result<Columns, InputError> {
        let names: Vec<String> = header
            .iter()
            .map(|h| {
                h.as_ref()
                    .trim()
                    .trim_start_matches('\u{feff}')
                    .to_ascii_lowercase()
            })
            .collect();
        let find = |accepted: &[&str]| {
            accepted
                .iter()
                .find_map(|a| names.iter().position(|n| n == a))
        };
        let need = |accepted: &'static [&'static str], what: &'static str| {
            find(accepted).ok_or_else(|| InputError::MissingColumn {
                what,
                accepted: match what {
                    "sender" => "from, from_address, sender, src",
                    "receiver" => "to, to_address, receiver, dst",
                    _ => "amount, value",
                },
                found: names.join(","),
            })
        };
        Ok(Columns {
            from: need(FROM, "sender")?,
            to: need(TO, "receiver")?,
            amount: need(AMOUNT, "amount")?,
            tx: find(TX),
            block: find(BLOCK),
            time: find(TIME),
            asset: find(ASSET),
        })
    }
}

/// Canonicalises an address with `chain::parse`; text that does not parse is kept lower-cased
/// and trimmed, and the flag says so (the import counts those).
pub fn canonical_address(raw: &str) -> (Cow<'_, str>, bool) {
    let s = raw.trim();
    if s.is_empty() {
        return (Cow::Borrowed(s), true);
    }
    // An all-lower-case EVM address is already its own canonical key (chain's rule: `0x` + lower
    // hex, no checksum to verify), and this is most of every Ethereum export, so skip the parser.
    if is_lower_evm(s) {
        return (Cow::Borrowed(s), true);
    }
    match chain::parse(s) {
        Ok(a) if a.canonical() == s => (Cow::Borrowed(s), true),
        Ok(a) => (Cow::Owned(a.canonical().to_owned()), true),
        Err(_) => {
            if s.bytes().any(|b| b.is_ascii_uppercase()) {
                (Cow::Owned(s.to_ascii_lowercase()), false)
            } else {
                (Cow::Borrowed(s), false)
            }
        }
    }
}

fn is_lower_evm(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 42
        && b[0] == b'0'
        && b[1] == b'x'
        && b[2..]
            .iter()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
}

/// Parses one row's fields (`field(i)` gives column `i`) into a transfer or a message.
pub fn parse_fields<'a>(
    cols: &Columns,
    field: impl Fn(usize) -> Option<&'a str>,
) -> Result<TransferRef<'a>, String> {
    let get = |i: usize, what: &str| field(i).ok_or_else(|| format!("missing {what} field"));
    let from_raw = get(cols.from, "sender")?;
    let to_raw = get(cols.to, "receiver")?;
    if from_raw.trim().is_empty() {
        return Err("empty sender address".into());
    }
    if to_raw.trim().is_empty() {
        return Err("empty receiver address".into());
    }
    let amount_raw = get(cols.amount, "amount")?.trim();
    let amount =
        Amount::parse_decimal(amount_raw).map_err(|e| format!("amount {amount_raw:?}: {e}"))?;
    let block = match cols.block.and_then(&field).map(str::trim) {
        None | Some("") => 0,
        Some(b) => b
            .parse::<u64>()
            .map_err(|_| format!("block {b:?} is not a non-negative integer"))?,
    };
    let time = match cols.time.and_then(&field).map(str::trim) {
        None | Some("") => None,
        Some(t) => Some(parse_time(t).ok_or_else(|| {
            format!("time {t:?} is neither Unix seconds nor YYYY-MM-DD[ T]HH:MM:SS")
        })?),
    };
    let asset = match cols.asset.and_then(&field) {
        None => Cow::Borrowed(""),
        Some(a) => canonical_address(a).0,
    };
    let tx = cols
        .tx
        .and_then(&field)
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let (from, from_parsed) = canonical_address(from_raw);
    let (to, to_parsed) = canonical_address(to_raw);
    Ok(TransferRef {
        from,
        to,
        from_parsed,
        to_parsed,
        amount,
        block,
        time,
        asset,
        tx,
    })
}

/// Parses Unix seconds, or a UTC date-time `YYYY-MM-DD[ T]HH:MM:SS` with an optional `Z`, ` UTC`
/// or `+00:00` suffix and fractional seconds (dropped), as Ethereum-ETL and BigQuery write them.
pub fn parse_time(s: &str) -> Option<u64> {
    if let Ok(v) = s.parse::<u64>() {
        return Some(v);
    }
    let s = s
        .trim_end_matches(" UTC")
        .trim_end_matches('Z')
        .trim_end_matches("+00:00");
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b' ' || b[10] == b'T') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    if b.len() > 19 && b[19] != b'.' {
        return None;
    }
    let days = days_from_civil(y as i64, m as i64, d as i64);
    if days < 0 {
        return None;
    }
    Some(days as u64 * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parsed rows with their strings in one buffer, so a reader thread can hand thousands of rows
/// to the thread that builds the graph with two allocations instead of several per row.
#[derive(Debug, Default)]
pub struct RowBatch {
    text: String,
    rows: Vec<BatchRow>,
    /// Rows of this batch that were rejected.
    pub diagnostics: Vec<RowDiagnostic>,
    /// Input bytes consumed up to the end of this batch, for progress bars.
    pub bytes_read: u64,
}

#[derive(Debug, Clone, Copy)]
struct BatchRow {
    from: (u32, u32),
    to: (u32, u32),
    asset: (u32, u32),
    tx: Option<(u32, u32)>,
    parsed: (bool, bool),
    amount: Amount,
    block: u64,
    time: Option<u64>,
}

impl RowBatch {
    fn put(&mut self, s: &str) -> (u32, u32) {
        let a = self.text.len() as u32;
        self.text.push_str(s);
        (a, self.text.len() as u32)
    }

    /// Copies a row in.
    pub fn push(&mut self, t: &TransferRef<'_>) {
        let from = self.put(&t.from);
        let to = self.put(&t.to);
        let asset = self.put(&t.asset);
        let tx = t.tx.map(|h| self.put(h));
        self.rows.push(BatchRow {
            from,
            to,
            asset,
            tx,
            parsed: (t.from_parsed, t.to_parsed),
            amount: t.amount,
            block: t.block,
            time: t.time,
        });
    }

    /// Empties the batch, keeping its buffers for reuse.
    pub fn clear(&mut self) {
        self.text.clear();
        self.rows.clear();
        self.diagnostics.clear();
        self.bytes_read = 0;
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the batch holds no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Bytes of string data held, to bound batch sizes.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// The rows, borrowing the batch's buffer.
    pub fn rows(&self) -> impl Iterator<Item = TransferRef<'_>> {
        let get = |r: (u32, u32)| &self.text[r.0 as usize..r.1 as usize];
        self.rows.iter().map(move |r| TransferRef {
            from: Cow::Borrowed(get(r.from)),
            to: Cow::Borrowed(get(r.to)),
            from_parsed: r.parsed.0,
            to_parsed: r.parsed.1,
            amount: r.amount,
            block: r.block,
            time: r.time,
            asset: Cow::Borrowed(get(r.asset)),
            tx: r.tx.map(get),
        })
    }
}

/// The longest CSV line read, in bytes. A longer line (a file without newlines, a field of
/// megabytes) is reported as one bad row and skipped, so memory stays bounded by this whatever
/// the input; no real transfer row comes near it.
pub const MAX_LINE_BYTES: usize = 64 << 10;

/// The most string bytes one [`RowBatch`] holds before [`CsvTransfers::fill`] hands it over; far
/// below `u32::MAX`, the batch's offset type.
pub const MAX_BATCH_TEXT: usize = 256 << 20;

/// A reader that cuts lines longer than `cap`: the excess is dropped and the line ends early
/// with a marker the row parser reports, so the CSV reader never buffers more than `cap` bytes
/// of one line.
#[derive(Debug)]
pub struct LineCap<R> {
    inner: R,
    cap: usize,
    in_line: usize,
    skipping: bool,
}

/// The text a cut line ends with; the row holding it is rejected.
const CUT: &[u8] = b"\x00interdict-line-cut";

impl<R: Read> LineCap<R> {
    /// Caps the lines of `inner` at `cap` bytes.
    pub fn new(inner: R, cap: usize) -> LineCap<R> {
        LineCap {
            inner,
            cap,
            in_line: 0,
            skipping: false,
        }
    }
}

impl<R: Read> Read for LineCap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.len() < CUT.len() + 1 {
            return self.inner.read(buf);
        }
        loop {
            let room = buf.len() - CUT.len() - 1;
            let n = self.inner.read(&mut buf[..room])?;
            if n == 0 {
                return Ok(0);
            }
            let mut out = 0;
            for i in 0..n {
                let b = buf[i];
                if b == b'\n' {
                    self.in_line = 0;
                    self.skipping = false;
                    buf[out] = b;
                    out += 1;
                } else if self.skipping {
                } else if self.in_line >= self.cap {
                    // Close the line with the marker; the rest up to its newline is dropped.
                    buf[out..out + CUT.len()].copy_from_slice(CUT);
                    out += CUT.len();
                    self.skipping = true;
                } else {
                    self.in_line += 1;
                    buf[out] = b;
                    out += 1;
                }
            }
            if out > 0 {
                return Ok(out);
            }
        }
    }
}

/// Streams transfers out of CSV bytes.
///
/// A lending reader: each row borrows the internal record, so no allocation happens per row
/// unless an address needs canonicalising. Lines are capped at [`MAX_LINE_BYTES`].
pub struct CsvTransfers<R: Read> {
    reader: csv::Reader<LineCap<R>>,
    columns: Columns,
    record: csv::StringRecord,
    row: u64,
    bytes: u64,
}

impl<R: Read> CsvTransfers<R> {
    /// Reads the header and maps the columns.
    pub fn new(input: R) -> Result<CsvTransfers<R>, InputError> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .buffer_capacity(1 << 20)
            .from_reader(LineCap::new(input, MAX_LINE_BYTES));
        let header: Vec<String> = reader.headers()?.iter().map(str::to_owned).collect();
        let columns = Columns::from_header(&header)?;
        Ok(CsvTransfers {
            reader,
            columns,
            record: csv::StringRecord::new(),
            row: 0,
            bytes: 0,
        })
    }

    /// The column mapping found in the header.
    pub fn columns(&self) -> Columns {
        self.columns
    }

    /// Bytes consumed so far, for progress bars.
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    /// Fills `batch` with up to `max_rows` rows (and their diagnostics); returns `false` at the end.
    pub fn fill(&mut self, batch: &mut RowBatch, max_rows: usize) -> bool {
        let mut more = true;
        while batch.len() + batch.diagnostics.len() < max_rows && batch.text_len() < MAX_BATCH_TEXT
        {
            match self.next_row() {
                None => {
                    more = false;
                    break;
                }
                Some(Ok(t)) => batch.push(&t),
                Some(Err(d)) => batch.diagnostics.push(d),
            }
        }
        batch.bytes_read = self.bytes;
        more
    }

    /// The next row, a diagnostic for a bad row, or `None` at the end.
    pub fn next_row(&mut self) -> Option<Result<TransferRef<'_>, RowDiagnostic>> {
        self.row += 1;
        let row = self.row;
        match self.reader.read_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let pos = self.record.position();
                let line = pos.map(|p| p.line());
                self.bytes = pos.map_or(self.bytes, |p| p.byte());
                let rec = &self.record;
                if rec.as_byte_record().iter().any(|f| f.ends_with(CUT)) {
                    return Some(Err(RowDiagnostic {
                        row,
                        line,
                        message: format!(
                            "the line is longer than the {MAX_LINE_BYTES}-byte limit; the row was skipped"
                        ),
                    }));
                }
                Some(
                    parse_fields(&self.columns, |i| rec.get(i)).map_err(|message| RowDiagnostic {
                        row,
                        line,
                        message,
                    }),
                )
            }
            Err(e) => {
                let line = e.position().map(|p| p.line());
                // Invalid UTF-8 or a broken quote: report and continue with the next record.
                Some(Err(RowDiagnostic {
                    row,
                    line,
                    message: format!("unreadable CSV record: {e}"),
                }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_time(input: &str, expected: Option<u64>) {
        assert_eq!(parse_time(input), expected, "input {input:?}");
    }

    #[test]
    fn times() {
        check_time("1740130000", Some(1_740_130_000));
        check_time("1970-01-01 00:00:00 UTC", Some(0));
        check_time("2025-02-21T14:13:35Z", Some(1_740_147_215));
        check_time("2025-02-21 14:13:35.000 UTC", Some(1_740_147_215));
        check_time("2024-02-29T00:00:00+00:00", Some(1_709_164_800));
        check_time("21/02/2025", None);
        check_time("2025-13-01 00:00:00", None);
    }

    fn check_addr(input: &str, expected: &str, parsed: bool) {
        let (c, p) = canonical_address(input);
        assert_eq!((c.as_ref(), p), (expected, parsed), "input {input:?}");
    }

    #[test]
    fn addresses() {
        check_addr(
            "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
            "0x098b716b8aaf21512996dc57eb0615e2383e2f96",
            true,
        );
        check_addr(
            " 0x098b716b8aaf21512996dc57eb0615e2383e2f96 ",
            "0x098b716b8aaf21512996dc57eb0615e2383e2f96",
            true,
        );
        check_addr(
            "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu",
            "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu",
            true,
        );
        check_addr("Alice", "alice", false);
        check_addr("0xABC", "0xabc", false);
        check_addr("", "", true);
    }

    type Row = (String, String, String, u64, Option<String>);

    fn rows(csv: &str) -> Vec<Result<Row, u64>> {
        let mut r = CsvTransfers::new(csv.as_bytes()).unwrap();
        let mut out = Vec::new();
        while let Some(row) = r.next_row() {
            out.push(
                row.map(|t| {
                    (
                        t.from.into_owned(),
                        t.to.into_owned(),
                        t.amount.to_string(),
                        t.block,
                        t.tx.map(str::to_owned),
                    )
                })
                .map_err(|d| d.row),
            );
        }
        out
    }

    #[test]
    fn ethereum_etl_header_and_bad_rows() {
        let csv = "token_address,from_address,to_address,value,transaction_hash,log_index,block_number\n\
                   ,0xAA,0xbb,115792089237316195423570985008687907853269984665640564039457584007913129639935,0x01,0,7\n\
                   ,0xaa,0xbb,1.5,0x02,0,8\n\
                   ,0xaa,,5,0x03,0,9\n\
                   ,0xaa,0xcc,5,,0,x\n\
                   ,0xaa,0xcc,6,,0,10\n";
        assert_eq!(
            rows(csv),
            vec![
                Ok((
                    "0xaa".into(),
                    "0xbb".into(),
                    "115792089237316195423570985008687907853269984665640564039457584007913129639935".into(),
                    7,
                    Some("0x01".into())
                )),
                Err(2),
                Err(3),
                Err(4),
                Ok(("0xaa".into(), "0xcc".into(), "6".into(), 10, None)),
            ]
        );
    }

    #[test]
    fn batches_hand_over_the_same_rows() {
        let csv = "from,to,amount,asset,tx\n0xAA,b,1,,0x1\nc,d,2,0xTok,\nx,,3,,\n";
        let mut direct = Vec::new();
        let mut r = CsvTransfers::new(csv.as_bytes()).unwrap();
        while let Some(row) = r.next_row() {
            if let Ok(t) = row {
                direct.push(format!("{t:?}"));
            }
        }
        let mut r = CsvTransfers::new(csv.as_bytes()).unwrap();
        let mut batch = RowBatch::default();
        assert!(!r.fill(&mut batch, 100));
        let batched: Vec<String> = batch.rows().map(|t| format!("{t:?}")).collect();
        assert_eq!(batched, direct);
        assert_eq!(batch.diagnostics.len(), 1);
        assert_eq!(batch.diagnostics[0].row, 3);
    }

    #[test]
    fn missing_columns_are_named() {
        let e = CsvTransfers::new("from,amount\n".as_bytes()).err().unwrap();
        assert!(e.to_string().contains("no receiver column"), "{e}");
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            let mut input = b"from,to,amount,block,time,asset,tx\n".to_vec();
            input.extend_from_slice(&bytes);
            if let Ok(mut r) = CsvTransfers::new(input.as_slice()) {
                while r.next_row().is_some() {}
            }
        }
    }
}
