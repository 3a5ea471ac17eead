//! Fuzzes transfer CSV reading: no input may make it panic. Label files are fuzzed by the
//! `labels` target (`wallets::labels`, which the graph commands use too).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(mut reader) = graph::input::CsvTransfers::new(data) {
        let mut batch = graph::input::RowBatch::default();
        while reader.fill(&mut batch, 256) {}
        let _ = batch.rows().count();
    }
});
