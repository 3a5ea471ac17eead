//! Fuzzes `ingest::ofac_csv::parse_set`: it must never panic, whatever the bytes.
//!
//! The first byte picks the role the bytes are read as (and whether a second file joins them),
//! so that the joins of aliases, addresses and remarks overflow are reached as well as the
//! reader of each file.

#![no_main]

use ingest::detect::CsvRole;
use ingest::{Format, Input, ListId};
use libfuzzer_sys::fuzz_target;

const ROLES: [CsvRole; 4] = [
    CsvRole::Primary,
    CsvRole::Address,
    CsvRole::Alias,
    CsvRole::Comments,
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let list = if selector & 0x80 == 0 {
        ListId::OfacSdn
    } else {
        ListId::OfacCons
    };
    let format = |role| Format::OfacCsv { list, role };
    let first = ROLES[usize::from(selector & 3)];
    let mut files = Vec::new();
    if selector & 4 != 0 {
        // Two files: split the bytes at the first 0xFF so that both come from the input.
        let cut = rest
            .iter()
            .position(|b| *b == 0xFF)
            .unwrap_or(rest.len() / 2);
        let second = ROLES[usize::from((selector >> 3) & 3)];
        files.push((
            Input {
                name: "a.csv",
                bytes: &rest[..cut],
            },
            format(first),
        ));
        let tail = rest.get(cut + 1..).unwrap_or(&[]);
        files.push((
            Input {
                name: "b.csv",
                bytes: tail,
            },
            format(second),
        ));
    } else {
        files.push((
            Input {
                name: "a.csv",
                bytes: rest,
            },
            format(first),
        ));
    }
    let _ = ingest::ofac_csv::parse_set(list, &files);
});
