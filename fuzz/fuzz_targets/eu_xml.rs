//! Fuzzes `ingest::eu::parse`: it must never panic, whatever the bytes.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = ingest::Input {
        name: "fuzz",
        bytes: data,
    };
    let _ = ingest::eu::parse(&input);
});
