//! The streaming pipeline against `Vetter::vet`, and the report lines it writes.

use vetting::pipeline::{self, NoProgress, RunInfo, VetProgress};
use vetting::synthetic::{self, ANONYMIZERS};
use vetting::{CidrSet, HashKey, Parsed, Vetter};

fn vetter() -> Vetter<'static> {
    let mut v = Vetter::new(HashKey::new(b"pipeline test key"));
    v.rules.anonymizers = CidrSet::parse("anon.txt", ANONYMIZERS).0;
    v
}

/// Counts the callbacks, to check that progress reaches the end of the input before linking.
#[derive(Default)]
struct Seen {
    bytes: u64,
    linking: usize,
}

impl VetProgress for Seen {
    fn read(&mut self, bytes: u64) {
        self.bytes = bytes;
    }
    fn linking(&mut self) {
        self.linking += 1;
    }
}

#[test]
fn streaming_and_vet_give_the_same_findings_on_the_generated_set() {
    let (records, truth) = synthetic::generate(3000, 7);
    let mut jsonl = Vec::new();
    synthetic::write_records(&records, &mut jsonl).unwrap_or_else(|e| panic!("{e}"));
    let parsed = Parsed::numbered(records);
    let direct = vetter().vet(&parsed);

    let info = RunInfo {
        records: "r.jsonl".into(),
        key: "keyed hashes use the configured key".into(),
        ..RunInfo::default()
    };
    let mut out = Vec::new();
    let mut seen = Seen::default();
    let streamed = pipeline::run(&vetter(), &jsonl[..], &mut out, &info, &mut seen)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(streamed.report, direct);
    assert!(streamed.diagnostics.is_empty());
    assert_eq!((seen.bytes, seen.linking), (jsonl.len() as u64, 1));
    // The planted truth is found either way.
    assert_eq!(synthetic::evaluate(&streamed.report, &truth), (1.0, 1.0, 0));

    // One line per subject and cluster after the run line, keys sorted within each line.
    let text = String::from_utf8(out).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 3000 + direct.clusters.len());
    assert_eq!(
        lines[0],
        format!(
            r#"{{"clusters":{},"diagnostics":0,"key":"keyed hashes use the configured key","leads":[],"lists":[],"records":"r.jsonl","subjects":3000,"type":"run"}}"#,
            direct.clusters.len()
        )
    );
    let first: serde_json::Value = serde_json::from_str(lines[1]).unwrap_or_default();
    assert_eq!(first["type"], "subject");
    assert_eq!(first["subject_id"], direct.subjects[0].subject_id.as_str());
    assert!(lines[1].starts_with(r#"{"action":"#));
    let last: serde_json::Value = serde_json::from_str(lines[lines.len() - 1]).unwrap_or_default();
    assert_eq!(last["type"], "cluster");
}

#[test]
fn bad_lines_become_diagnostics_in_line_order() {
    let (records, _) = synthetic::generate(200, 2);
    let mut good = Vec::new();
    synthetic::write_records(&records[..3], &mut good).unwrap_or_else(|e| panic!("{e}"));
    let good = String::from_utf8(good).unwrap_or_default();
    let good: Vec<&str> = good.lines().collect();
    let mut input = Vec::new();
    for line in [good[0], "{not json", "", good[1]] {
        input.extend_from_slice(line.as_bytes());
        input.push(b'\n');
    }
    input.extend_from_slice(b"\xff\xfe\n");
    input.extend_from_slice(format!("{}\n{}\n", good[0], r#"{"subject_id":" "}"#).as_bytes());
    // The last record has no newline at the end.
    input.extend_from_slice(good[2].as_bytes());
    let outcome = vetter()
        .vet_reader("in.jsonl", &input[..], &mut NoProgress)
        .unwrap_or_else(|e| panic!("{e}"));
    let diags: Vec<String> = outcome
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        diags,
        vec![
            "in.jsonl:2: error: The line is not a valid subject record (Syntax error at column 2).",
            "in.jsonl:5: error: The line is not valid UTF-8; the record was skipped.",
            format!(
                "in.jsonl:6: error: [{}] This subject id was already used on an earlier line; the record was skipped.",
                records[0].subject_id
            )
            .as_str(),
            "in.jsonl:7: error: The record has no subject_id.",
        ]
    );
    let lines: Vec<u64> = outcome.report.subjects.iter().map(|s| s.line).collect();
    assert_eq!(lines, vec![1, 4, 8]);
    // parse_lines reads the same text the same way (it takes text, so without the bad bytes).
    let text = String::from_utf8_lossy(&input).replace('\u{fffd}', "x");
    let (parsed, d) = vetting::parse_lines("in.jsonl", &text);
    assert_eq!(
        parsed.iter().map(|p| p.line).collect::<Vec<_>>(),
        vec![1, 4, 8]
    );
    assert_eq!(d.len(), 4);
    assert_eq!(vetter().vet(&parsed), outcome.report);
}

#[test]
fn several_anonymiser_lists_keep_their_own_names_and_lines() {
    let files = vec![
        (
            "a1.txt".to_string(),
            "10.0.0.0/8 vpn\nbogus line\n".to_string(),
        ),
        (
            "a2.txt".to_string(),
            "1.2.3.0/24\n\n300.1.1.1/8 y\n".to_string(),
        ),
    ];
    let (set, diags) = CidrSet::parse_files(&files);
    let diags: Vec<String> = diags.iter().map(ToString::to_string).collect();
    assert_eq!(
        diags,
        vec![
            "a1.txt:2: warning: 'bogus' is not an IP address or CIDR range; the line was skipped.",
            "a2.txt:3: warning: '300.1.1.1/8' is not an IP address or CIDR range; the line was skipped.",
        ]
    );
    // A range without a label is labelled with its own file's name.
    assert_eq!(set.lookup("1.2.3.4"), Some("a2.txt"));
    assert_eq!(set.lookup("10.1.1.1"), Some("vpn"));
}

#[test]
fn the_html_report_has_a_filter_search_index_names_and_no_benign_clusters() {
    let (records, _) = synthetic::generate(1000, 5);
    let parsed = Parsed::numbered(records);
    let report = vetter().vet(&parsed);
    let html = vetting::html::render(&report, "t", "n");
    // The search box, the band filter and the index are there.
    for needle in [
        "id=\"q\"",
        "id=\"f-high\"",
        "<h2>Index</h2>",
        "#f-high:checked~#subjects",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    // Names stand beside ids: every listed subject's name appears in its card.
    for s in report
        .subjects
        .iter()
        .filter(|s| s.band >= vetting::Band::High)
    {
        let card = format!(
            "id=\"s-{}\"><b>{}</b> <span class=\"nm\">{}</span>",
            s.subject_id,
            s.subject_id,
            vetting::html::esc(&s.name)
        );
        assert!(html.contains(&card), "{card}");
    }
    // Households and offices are counted, not drawn; farms are drawn.
    let benign = report
        .clusters
        .iter()
        .filter(|c| c.edges.iter().all(|e| e.benign))
        .count();
    assert!(benign > 0);
    assert!(html.contains(&format!("{benign} cluster(s) linked only by")));
    let drawn = html.matches("<svg").count();
    assert_eq!(drawn, report.clusters.len() - benign);
}
