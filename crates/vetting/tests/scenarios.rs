//! Planted-truth evaluation and the done-when checks.

use vetting::synthetic::{self, ANONYMIZERS};
use vetting::{Band, CidrSet, HashKey, Parsed, Vetter};

fn vet_generated(n: usize, seed: u64) -> (vetting::Report, synthetic::Truth) {
    let (records, truth) = synthetic::generate(n, seed);
    let parsed: Vec<Parsed> = records
        .into_iter()
        .enumerate()
        .map(|(i, record)| Parsed {
            line: i as u64 + 1,
            record,
        })
        .collect();
    let mut v = Vetter::new(HashKey::new(b"test key"));
    v.rules.anonymizers = CidrSet::parse("anon.txt", ANONYMIZERS).0;
    (v.vet(&parsed), truth)
}

#[test]
fn planted_truth_precision_and_recall() {
    let (report, truth) = vet_generated(3000, 7);
    let (precision, recall, benign_high) = synthetic::evaluate(&report, &truth);
    for s in &report.subjects {
        if truth.infiltration.contains(&s.subject_id) && s.band < Band::High
            || truth.benign.contains(&s.subject_id) && s.band > Band::Review
        {
            panic!(
                "{} {:?} {} {:#?}",
                s.subject_id, s.band, s.score, s.findings
            );
        }
    }
    assert_eq!(recall, 1.0);
    assert_eq!(precision, 1.0);
    assert_eq!(benign_high, 0);
    // Three blocks of 11 infiltration subjects each, and 12 benign look-alikes each.
    assert_eq!(truth.infiltration.len(), 33);
    assert_eq!(truth.benign.len(), 36);
}

#[test]
fn generation_is_deterministic() {
    let a = vet_generated(1200, 3).0;
    let b = vet_generated(1200, 3).0;
    assert_eq!(
        serde_json::to_string(&a).ok(),
        serde_json::to_string(&b).ok()
    );
}
