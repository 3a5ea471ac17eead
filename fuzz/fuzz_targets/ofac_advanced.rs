//! Fuzzes `ingest::ofac_advanced::parse`: it must never panic, whatever the bytes.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ingest::ofac_advanced::parse(&ingest::Input {
        name: "fuzz.xml",
        bytes: data,
    });
});
