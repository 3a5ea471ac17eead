//! `interdict vet` end to end: generated records, several anonymiser lists, and the refusal to
//! write an output over an input.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

fn interdict(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_interdict"))
        .args(args)
        .env_remove("INTERDICT_HOME")
        .output()
        .unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Generated records, a key file and two anonymiser lists with a bad line each.
fn setup(dir: &Path) {
    let out = interdict(&[
        "vet",
        "generate",
        "--subjects",
        "300",
        "--seed",
        "5",
        "-o",
        s(&dir.join("r.jsonl")),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(dir.join("key.txt"), "0123456789abcdef0123456789abcdef\n").unwrap();
    std::fs::write(dir.join("a1.txt"), "10.0.0.0/8 vpn\nbogus line\n").unwrap();
    std::fs::write(dir.join("a2.txt"), "1.2.3.0/24 x\n\n300.1.1.1/8 y\n").unwrap();
}

#[test]
fn several_anonymiser_lists_name_their_own_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    setup(d);
    let (a1, a2) = (d.join("a1.txt"), d.join("a2.txt"));
    let out = interdict(&[
        "vet",
        s(&d.join("r.jsonl")),
        "--no-lists",
        "--key-file",
        s(&d.join("key.txt")),
        "--anonymizers",
        s(&a1),
        "--anonymizers",
        s(&a2),
        "-o",
        s(&d.join("report.jsonl")),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(
        warnings,
        vec![
            format!(
                "  {}:2: warning: 'bogus' is not an IP address or CIDR range; the line was skipped.",
                a1.display()
            ),
            format!(
                "  {}:3: warning: '300.1.1.1/8' is not an IP address or CIDR range; the line was skipped.",
                a2.display()
            ),
        ]
    );
    let report = std::fs::read_to_string(d.join("report.jsonl")).unwrap();
    assert_eq!(
        report.lines().count(),
        1 + 300 + report.matches(r#""type":"cluster""#).count()
    );
}

#[test]
fn refuses_to_write_over_an_input() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    setup(d);
    let records = d.join("r.jsonl");
    let before = std::fs::read(&records).unwrap();
    let link = d.join("link.jsonl");
    std::fs::hard_link(&records, &link).unwrap();
    let anon = d.join("a1.txt");
    let dotted = format!("{}/./a1.txt", d.display());
    let key = d.join("key.txt");
    let report = d.join("report.jsonl");
    let base = ["vet", s(&records), "--no-lists", "--key-file", s(&key)];
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["-o", s(&records)],
            format!("it would overwrite the records file {}", records.display()),
        ),
        (
            vec!["-o", s(&link)],
            format!("it would overwrite the records file {}", records.display()),
        ),
        (
            vec!["--anonymizers", s(&anon), "-o", &dotted],
            format!("it would overwrite the anonymiser list {}", anon.display()),
        ),
        (
            vec!["-o", s(&report), "--html", s(&key)],
            format!("it would overwrite the key file {}", key.display()),
        ),
        (
            vec!["-o", s(&report), "--html", s(&report)],
            format!("it would overwrite the report {}", report.display()),
        ),
    ];
    for (extra, want) in cases {
        let mut args = base.to_vec();
        args.extend(&extra);
        let out = interdict(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {err}");
        assert!(
            err.starts_with("error: refusing to write "),
            "{extra:?}: {err}"
        );
        assert!(err.contains(&want), "{extra:?}: {err}");
        // Nothing was read or written: no note about lists, the inputs unchanged, no report.
        assert!(!err.contains("note:"), "{extra:?}: {err}");
        assert_eq!(std::fs::read(&records).unwrap(), before);
        assert!(!report.exists());
    }
}

#[test]
fn graph_import_refuses_an_input_inside_the_graph() {
    let tmp = tempfile::tempdir().unwrap();
    let g = tmp.path().join("g");
    let csv = tmp.path().join("t.csv");
    std::fs::write(&csv, "from,to,amount\n0xaa,0xbb,5\n").unwrap();
    let out = interdict(&["graph", "import", s(&csv), "--graph", s(&g)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inside = g.join("t.csv");
    std::fs::copy(&csv, &inside).unwrap();
    let out = interdict(&["graph", "import", s(&inside), "--graph", s(&g), "--append"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "it would overwrite the input {}",
            inside.display()
        )),
        "{err}"
    );
}
