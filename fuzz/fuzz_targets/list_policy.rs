//! Fuzzes list identity and the replacement policy: whatever a file is, detection and parsing
//! never panic, restating an OFAC list as the other OFAC list and back keeps every id, and the
//! policy raises nothing against the version itself, nothing once every flag is given, and only
//! concerns whose flag was not given.

#![no_main]

use libfuzzer_sys::fuzz_target;
use store::policy::{self, Policy};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    let Ok(lists) = ingest::parse_files(&[ingest::Input {
        name: "fuzz.xml",
        bytes,
    }]) else {
        return;
    };
    let metas: Vec<store::SnapshotMeta> = lists
        .into_iter()
        .map(|mut p| {
            let before: Vec<String> = p.parsed.entities.iter().map(|e| e.id.local().to_string()).collect();
            if matches!(p.list, ingest::ListId::OfacSdn | ingest::ListId::OfacCons) {
                let other = if p.list == ingest::ListId::OfacSdn {
                    ingest::ListId::OfacCons
                } else {
                    ingest::ListId::OfacSdn
                };
                let back = p.list;
                p.restate(other).expect("OFAC lists restate into each other");
                p.restate(back).expect("and back");
                let after: Vec<String> = p.parsed.entities.iter().map(|e| e.id.local().to_string()).collect();
                assert_eq!(before, after);
            }
            store::SnapshotMeta {
                list: p.list,
                version: format!("v{}", p.parsed.entities.len()),
                publish_date: p.parsed.publish_date.map(|d| d.to_string()),
                imported_at: String::new(),
                content_hash: String::new(),
                files: vec![],
                counts: store::count_by_schema(&p.parsed.entities),
                diagnostics: p.parsed.diagnostics.len() as u64,
                errors: p
                    .parsed
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == model::Severity::Error)
                    .count() as u64,
                filters: p.parsed.filters,
                declared_count: p.parsed.declared_count,
                record_count: p.parsed.record_count,
            }
        })
        .collect();
    let policy = Policy {
        accept_older: flags & 1 != 0,
        accept_shrink: flags & 2 != 0,
        accept_errors: flags & 4 != 0,
        accept_filtered: flags & 8 != 0,
        max_drop: f64::from(flags >> 4) / 15.0,
    };
    let all = Policy {
        accept_older: true,
        accept_shrink: true,
        accept_errors: true,
        accept_filtered: true,
        max_drop: 1.0,
    };
    for new in &metas {
        assert!(policy::judge(new, Some(new), &policy).is_empty());
        for current in metas.iter().map(Some).chain([None]) {
            assert!(policy::judge(new, current, &all).is_empty());
            for c in policy::judge(new, current, &policy) {
                let waived = match c.flag() {
                    "--accept-older" => policy.accept_older,
                    "--accept-shrink" => policy.accept_shrink,
                    "--accept-errors" => policy.accept_errors,
                    _ => policy.accept_filtered,
                };
                assert!(!waived, "{c} raised although {} was given", c.flag());
            }
        }
    }
});
