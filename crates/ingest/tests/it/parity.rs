//! Real-format parity (issue 10, item 7): every list file in `../shared/data` loads as the list
//! it is, with the count of records the file holds, and without a flood of diagnostics.

use ingest::{Input, ListId};
use model::{NameKind, Severity};

/// Parses the named files (a directory stands for its files) as one import.
fn parse(rels: &[&str]) -> Option<Vec<ingest::ParsedList>> {
    let mut files = Vec::new();
    for rel in rels {
        let path = testkit::shared(&format!("data/{rel}"))?;
        if path.is_dir() {
            let mut children: Vec<_> = std::fs::read_dir(&path)
                .expect("the directory reads")
                .map(|e| e.expect("an entry").path())
                .collect();
            children.sort();
            for c in children {
                files.push((c.display().to_string(), std::fs::read(&c).expect("reads")));
            }
        } else {
            files.push((
                path.display().to_string(),
                std::fs::read(&path).expect("reads"),
            ));
        }
    }
    let inputs: Vec<Input<'_>> = files
        .iter()
        .map(|(name, bytes)| Input { name, bytes })
        .collect();
    Some(ingest::parse_files(&inputs).expect("the files parse"))
}

struct Case {
    files: &'static [&'static str],
    list: ListId,
    entities: usize,
    filtered: bool,
    /// Most diagnostics of any severity accepted (real files have a few quirks).
    max_diagnostics: usize,
    /// Record-level errors the file holds on purpose (the synthetic records of the excerpts).
    errors: usize,
}

const CASES: &[Case] = &[
    Case {
        files: &["ofac/CONS_ADVANCED_2020-03-17.xml"],
        list: ListId::OfacCons,
        entities: 375,
        filtered: false,
        max_diagnostics: 0,
        errors: 0,
    },
    Case {
        files: &["ofac/CONS_classic_xml_2024-05-06.xml"],
        list: ListId::OfacCons,
        entities: 443,
        filtered: false,
        max_diagnostics: 2,
        errors: 0,
    },
    Case {
        files: &["ofac/ENHANCED_IRGC_filtered_2024-08-28.xml"],
        list: ListId::OfacSdn,
        entities: 293,
        filtered: true,
        max_diagnostics: 0,
        errors: 0,
    },
    Case {
        files: &["ofac/CONS_ENHANCED_2025-02.ZIP"],
        list: ListId::OfacCons,
        entities: 443,
        filtered: false,
        max_diagnostics: 0,
        errors: 0,
    },
    Case {
        files: &["ofac/set_2021-07"],
        list: ListId::OfacSdn,
        entities: 8_976,
        filtered: false,
        max_diagnostics: 200,
        errors: 0,
    },
    Case {
        files: &["ofac/sdn_xml_2entry_excerpt_2020-10-29.xml"],
        list: ListId::OfacSdn,
        entities: 2,
        filtered: false,
        max_diagnostics: 0,
        errors: 0,
    },
    Case {
        files: &["un/UN_consolidated_2026-02-27.xml"],
        list: ListId::Un,
        entities: 1_003,
        filtered: false,
        max_diagnostics: 50,
        errors: 0,
    },
    Case {
        files: &["eu/EU_FSF_excerpt_2026-08-05.xml"],
        list: ListId::Eu,
        entities: 4,
        filtered: false,
        max_diagnostics: 1,
        errors: 1,
    },
    Case {
        files: &["uk/UK_Sanctions_List_excerpt_2026-08-14.xml"],
        list: ListId::Uk,
        entities: 4,
        filtered: false,
        max_diagnostics: 1,
        errors: 1,
    },
    Case {
        files: &["uk/HMT_ConList_2014-04-02.csv"],
        list: ListId::Uk,
        entities: 2_297,
        filtered: false,
        max_diagnostics: 200,
        errors: 0,
    },
];

#[test]
fn every_shared_list_file_loads_as_the_list_it_is() {
    for case in CASES {
        let Some(lists) = parse(case.files) else {
            return;
        };
        assert_eq!(lists.len(), 1, "{:?}", case.files);
        let l = &lists[0];
        let what = format!("{:?}", case.files);
        assert_eq!(l.list, case.list, "{what}");
        assert_eq!(l.parsed.entities.len(), case.entities, "{what}");
        assert_eq!(!l.parsed.filters.is_empty(), case.filtered, "{what}");
        let d = &l.parsed.diagnostics;
        assert!(
            d.len() <= case.max_diagnostics,
            "{what}: {} diagnostics, first {:?}",
            d.len(),
            d.first()
        );
        let errors = d.iter().filter(|d| d.severity == Severity::Error).count();
        assert_eq!(errors, case.errors, "{what}: {d:?}");
    }
}

#[test]
fn the_legacy_hmt_list_maps_its_name_types_and_nationalities() {
    let Some(lists) = parse(&["uk/HMT_ConList_2014-04-02.csv"]) else {
        return;
    };
    let l = &lists[0];
    // "Prime Alias" is the old list's main name: every group has one.
    let without_primary = l
        .parsed
        .entities
        .iter()
        .filter(|e| !e.names.iter().any(|n| n.kind == NameKind::Primary))
        .count();
    assert_eq!(without_primary, 0);
    let d = &l.parsed.diagnostics;
    assert!(
        !d.iter().any(|d| d.message.contains("name type")),
        "{:?}",
        d.first()
    );
    // One note for the encoding, not one per row.
    assert_eq!(
        d.iter()
            .filter(|d| d.message.contains("Windows-1252"))
            .count(),
        1
    );
    // Nationality adjectives ("Afghan", "(1)-(2) Indonesia") are countries.
    let with_nationality = l
        .parsed
        .entities
        .iter()
        .filter(|e| !e.nationalities.is_empty())
        .count();
    assert!(with_nationality > 500, "{with_nationality}");
    let unknown = d
        .iter()
        .filter(|d| d.message.ends_with("in nationality; it was ignored."))
        .count();
    assert!(unknown < 60, "{unknown} nationalities not understood");
}
