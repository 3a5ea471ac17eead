//! Fuzzes the input bounds: arbitrary bytes (ZIP archives among them) parsed within tight
//! limits. It must never panic, and nothing may come out beyond the limits: every name within
//! the name cap.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = ingest::Limits {
        max_input_bytes: 1 << 20,
        max_zip_members: 4,
        max_zip_expanded: 1 << 20,
        max_zip_ratio: 50,
        max_name_bytes: 64,
    };
    let input = ingest::Input {
        name: "x.zip",
        bytes: data,
    };
    if let Ok(lists) = ingest::parse_files_within(&[input], &limits) {
        for l in lists {
            for e in &l.parsed.entities {
                assert!(e.names.iter().all(|n| n.full.len() <= 64));
            }
        }
    }
});
