//! Fuzzes transfer CSV reading, import into an in-memory graph and label-file parsing: no input
//! may make any of them panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(mut reader) = graph::input::CsvTransfers::new(data) {
        let mut batch = graph::input::RowBatch::default();
        while reader.fill(&mut batch, 256) {}
        let _ = batch.rows().count();
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = graph::labels::parse_labels(text, Some("flagged"), "fuzz");
    }
});
