//! Fuzzes the whole entry point: format detection, ZIP unpacking and dispatch to every parser,
//! with the bytes given under both an SDN and a consolidated file name. It must never panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for name in ["sdn.csv", "cons_prim.csv"] {
        let input = ingest::Input { name, bytes: data };
        let _ = ingest::parse_files(&[input]);
    }
});
