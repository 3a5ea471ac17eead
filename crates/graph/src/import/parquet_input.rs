//! Parquet input (feature `parquet`): every column is formatted as text and goes through the
//! same header mapping and field parsing as CSV, so the rules cannot drift apart.

use std::fmt::Write as _;
use std::fs::File;

use crate::input::{Columns, RowBatch, RowDiagnostic, parse_fields};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal128Type, Decimal256Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type,
    UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrowPrimitiveType};
use arrow_schema::{DataType, TimeUnit};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// What can go wrong reading a Parquet file.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Reads `file` in batches of `batch_size` rows; `emit` returns `false` to stop early.
pub fn read(
    file: File,
    batch_size: usize,
    mut emit: impl FnMut(RowBatch) -> bool,
) -> Result<(), Error> {
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)?
        .with_batch_size(batch_size)
        .build()?;
    let mut row = 0u64;
    for record_batch in reader {
        let rb = record_batch?;
        let names: Vec<String> = rb
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let cols = Columns::from_header(&names)?;
        let wanted: Vec<usize> = [Some(cols.from), Some(cols.to), Some(cols.amount)]
            .into_iter()
            .chain([cols.tx, cols.block, cols.time, cols.asset])
            .flatten()
            .collect();
        let mut values = vec![String::new(); rb.num_columns()];
        let mut batch = RowBatch::default();
        for r in 0..rb.num_rows() {
            row += 1;
            let mut bad = None;
            for &c in &wanted {
                values[c].clear();
                if let Err(t) = cell(rb.column(c).as_ref(), r, &mut values[c]) {
                    bad = Some(format!("column {}: type {t} is not supported", names[c]));
                }
            }
            let long = wanted.iter().map(|&c| values[c].len()).sum::<usize>()
                > crate::input::MAX_LINE_BYTES;
            let parsed = match bad {
                Some(m) => Err(m),
                None if long => Err(format!(
                    "the row is longer than the {}-byte limit; it was skipped",
                    crate::input::MAX_LINE_BYTES
                )),
                None => parse_fields(&cols, |i| values.get(i).map(String::as_str)),
            };
            match parsed {
                Ok(t) => batch.push(&t),
                Err(message) => batch.diagnostics.push(RowDiagnostic {
                    row,
                    line: None,
                    message,
                }),
            }
        }
        if !emit(batch) {
            break;
        }
    }
    Ok(())
}

/// Reads a UTXO Parquet file (see [`crate::utxo`] for the columns; blockchain-ETL's
/// `addresses` list column is joined like the CSV export's) in batches of `batch_size` rows;
/// `emit` returns `false` to stop early.
pub fn read_utxo(
    file: File,
    side: Option<crate::utxo::Side>,
    batch_size: usize,
    mut emit: impl FnMut(crate::utxo::UtxoBatch) -> bool,
) -> Result<(), Error> {
    use crate::utxo::{UtxoBatch, UtxoColumns, UtxoDiagnostic};
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)?
        .with_batch_size(batch_size)
        .build()?;
    let mut row = 0u64;
    for record_batch in reader {
        let rb = record_batch?;
        let names: Vec<String> = rb
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let cols = UtxoColumns::from_header(&names, side)?;
        let wanted = cols.used();
        let mut values = vec![String::new(); rb.num_columns()];
        let mut batch = UtxoBatch::default();
        for r in 0..rb.num_rows() {
            row += 1;
            let mut bad = None;
            for &c in &wanted {
                values[c].clear();
                if let Err(t) = cell(rb.column(c).as_ref(), r, &mut values[c]) {
                    bad = Some(format!("column {}: type {t} is not supported", names[c]));
                }
            }
            match bad {
                Some(message) => batch
                    .diagnostics
                    .push(UtxoDiagnostic { line: row, message }),
                None => batch.parse(&cols, row, |i| values.get(i).map(String::as_str)),
            }
        }
        if !emit(batch) {
            break;
        }
    }
    Ok(())
}

fn int<T: ArrowPrimitiveType>(col: &dyn Array, r: usize, out: &mut String)
where
    T::Native: std::fmt::Display,
{
    let _ = write!(out, "{}", col.as_primitive::<T>().value(r));
}

/// Writes one cell as the text the CSV reader would see; nulls stay empty.
fn cell(col: &dyn Array, r: usize, out: &mut String) -> Result<(), DataType> {
    if col.is_null(r) {
        return Ok(());
    }
    match col.data_type() {
        DataType::Utf8 => out.push_str(col.as_string::<i32>().value(r)),
        DataType::LargeUtf8 => out.push_str(col.as_string::<i64>().value(r)),
        DataType::Utf8View => out.push_str(col.as_string_view().value(r)),
        DataType::Int8 => int::<Int8Type>(col, r, out),
        DataType::Int16 => int::<Int16Type>(col, r, out),
        DataType::Int32 => int::<Int32Type>(col, r, out),
        DataType::Int64 => int::<Int64Type>(col, r, out),
        DataType::UInt8 => int::<UInt8Type>(col, r, out),
        DataType::UInt16 => int::<UInt16Type>(col, r, out),
        DataType::UInt32 => int::<UInt32Type>(col, r, out),
        DataType::UInt64 => int::<UInt64Type>(col, r, out),
        // Integer-valued decimals are how Ethereum-ETL exports uint256 values.
        DataType::Decimal128(_, 0) => int::<Decimal128Type>(col, r, out),
        DataType::Decimal256(_, 0) => int::<Decimal256Type>(col, r, out),
        DataType::Timestamp(unit, _) => {
            use arrow_array::types::{
                TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
                TimestampSecondType,
            };
            let secs = match unit {
                TimeUnit::Second => col.as_primitive::<TimestampSecondType>().value(r),
                TimeUnit::Millisecond => col
                    .as_primitive::<TimestampMillisecondType>()
                    .value(r)
                    .div_euclid(1_000),
                TimeUnit::Microsecond => col
                    .as_primitive::<TimestampMicrosecondType>()
                    .value(r)
                    .div_euclid(1_000_000),
                TimeUnit::Nanosecond => col
                    .as_primitive::<TimestampNanosecondType>()
                    .value(r)
                    .div_euclid(1_000_000_000),
            };
            let _ = write!(out, "{secs}");
        }
        DataType::Binary => hex(col.as_binary::<i32>().value(r), out),
        DataType::LargeBinary => hex(col.as_binary::<i64>().value(r), out),
        DataType::FixedSizeBinary(_) => hex(col.as_fixed_size_binary().value(r), out),
        // blockchain-ETL's `addresses`: the cells joined by commas, as a multi-address cell.
        DataType::List(_) => list(col.as_list::<i32>().value(r).as_ref(), out)?,
        DataType::LargeList(_) => list(col.as_list::<i64>().value(r).as_ref(), out)?,
        other => return Err(other.clone()),
    }
    Ok(())
}

fn list(items: &dyn Array, out: &mut String) -> Result<(), DataType> {
    for i in 0..items.len() {
        if i > 0 {
            out.push(',');
        }
        cell(items, i, out)?;
    }
    Ok(())
}

fn hex(bytes: &[u8], out: &mut String) {
    out.push_str("0x");
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::sync::Arc;

    use arrow_array::{
        ArrayRef, Decimal128Array, Int64Array, RecordBatch, StringArray, TimestampMicrosecondArray,
    };

    #[test]
    fn ethereum_etl_parquet_reads_like_csv() {
        let a = "0x00000000000000000000000000000000000000aa";
        let b = "0x00000000000000000000000000000000000000BB";
        let cols: Vec<(&str, ArrayRef)> = vec![
            (
                "from_address",
                Arc::new(StringArray::from(vec![Some(a), Some(a)])),
            ),
            (
                "to_address",
                Arc::new(StringArray::from(vec![Some(b), None])),
            ),
            (
                "value",
                Arc::new(
                    Decimal128Array::from(vec![Some(10i128.pow(30)), Some(1)])
                        .with_precision_and_scale(38, 0)
                        .unwrap(),
                ),
            ),
            (
                "block_number",
                Arc::new(Int64Array::from(vec![Some(7), Some(8)])),
            ),
            (
                "block_timestamp",
                Arc::new(
                    TimestampMicrosecondArray::from(vec![Some(1_740_147_215_000_000), None])
                        .with_timezone("UTC"),
                ),
            ),
            (
                "transaction_hash",
                Arc::new(StringArray::from(vec![Some("0x01"), None])),
            ),
        ];
        let batch = RecordBatch::try_from_iter(cols).unwrap();
        let file = tempfile::NamedTempFile::new().unwrap();
        let mut w =
            parquet::arrow::ArrowWriter::try_new(file.reopen().unwrap(), batch.schema(), None)
                .unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        let mut got = Vec::new();
        let mut diags = Vec::new();
        super::read(file.reopen().unwrap(), 16_384, |b| {
            got.extend(b.rows().map(|t| {
                (
                    t.to.into_owned(),
                    t.amount.to_string(),
                    t.block,
                    t.time,
                    t.tx.map(str::to_owned),
                )
            }));
            diags.extend(b.diagnostics.iter().map(|d| (d.row, d.message.clone())));
            true
        })
        .unwrap();
        assert_eq!(
            got,
            vec![(
                b.to_ascii_lowercase(),
                "1000000000000000000000000000000".to_owned(),
                7,
                Some(1_740_147_215),
                Some("0x01".to_owned())
            )]
        );
        assert_eq!(diags, vec![(2, "empty receiver address".to_owned())]);
    }

    /// blockchain-ETL's inputs table in Parquet: `addresses` is a list column, `value` an
    /// integer; a row whose value cannot be read is a diagnostic naming its row.
    #[test]
    fn blockchain_etl_utxo_parquet_reads_like_csv() {
        use arrow_array::builder::{ListBuilder, StringBuilder};
        let mut addresses = ListBuilder::new(StringBuilder::new());
        for cell in [&["a1"][..], &["a2", "a3"][..], &["a4"][..]] {
            for a in cell {
                addresses.values().append_value(a);
            }
            addresses.append(true);
        }
        let cols: Vec<(&str, ArrayRef)> = vec![
            (
                "transaction_hash",
                Arc::new(StringArray::from(vec!["h1", "h1", "h2"])),
            ),
            ("block_number", Arc::new(Int64Array::from(vec![7, 7, 8]))),
            ("addresses", Arc::new(addresses.finish())),
            (
                "value",
                Arc::new(StringArray::from(vec![Some("5"), Some("6"), Some("x")])),
            ),
        ];
        let batch = RecordBatch::try_from_iter(cols).unwrap();
        let file = tempfile::NamedTempFile::new().unwrap();
        let mut w =
            parquet::arrow::ArrowWriter::try_new(file.reopen().unwrap(), batch.schema(), None)
                .unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        let mut builder = crate::utxo::UtxoBuilder::new();
        let mut diags = Vec::new();
        super::read_utxo(
            file.reopen().unwrap(),
            Some(crate::utxo::Side::Input),
            1024,
            |b| {
                b.push_into(&mut builder).unwrap();
                diags.extend(b.diagnostics.iter().map(|d| (d.line, d.message.clone())));
                true
            },
        )
        .unwrap();
        let set = builder.finish();
        assert_eq!((set.tx_count(), set.input_count()), (1, 2));
        assert_eq!(set.address(1), "a2+a3");
        assert_eq!(
            diags,
            vec![(
                3,
                "value \"x\" is not an integer number of base units; row skipped".to_owned()
            )]
        );
    }
}
