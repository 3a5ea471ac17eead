//! Issue 15: no finding changes when only a subject's nationality or name origin changes. The
//! twins of a generated population carry other nationalities and names from other origins,
//! consistently replaced (a household keeps one family name), and must vet the same.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use vetting::record::Record;
use vetting::synthetic::{self, ANONYMIZERS};
use vetting::{CidrSet, HashKey, Parsed, Vetter};

/// Names of several origins, none of them in the generator's pools.
const POOL: &[&str] = &[
    "Ji-woo",
    "Seo-yeon",
    "Min-jun",
    "Park",
    "Choi",
    "Jeong",
    "Kang",
    "Yoon",
    "Zhang",
    "Liu",
    "Chen",
    "Huang",
    "Zhao",
    "Wu",
    "Xu",
    "Sun",
    "Ma",
    "Zhu",
    "Hu",
    "Guo",
    "Mohammed",
    "Aisha",
    "Omar",
    "Khalid",
    "Layla",
    "Haddad",
    "Nasser",
    "Karimi",
    "Hosseini",
    "Rahimi",
    "Ivanov",
    "Petrova",
    "Smirnov",
    "Kuznetsova",
    "Popov",
    "Sokolova",
    "Nguyen",
    "Tran",
    "Pham",
    "Hoang",
    "Phan",
    "Vu",
    "Dang",
    "Bui",
    "Do",
    "Adeyemi",
    "Okafor",
    "Mensah",
    "Diallo",
    "Kamau",
    "Oyelaran",
    "Tanaka",
    "Suzuki",
    "Takahashi",
    "Watanabe",
    "Ito",
    "Yamamoto",
    "Nakamura",
    "Kobayashi",
    "Kato",
    "Gupta",
    "Sharma",
    "Iyer",
    "Reddy",
    "Nair",
    "Das",
    "Bose",
    "Kaur",
    "Singh",
    "Mehta",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Kowalski",
    "Nowak",
    "Wisniewski",
    "Dubois",
    "Lefebvre",
    "Moreau",
    "Laurent",
];

const COUNTRIES: &[&str] = &[
    "US", "KP", "KR", "CN", "RU", "IR", "SY", "NG", "IN", "VN", "DE", "FR", "PL", "MX", "BR",
];

const KEEP: &[&str] = &["and", "sr", "jr", "ii", "iii"];

/// The name tokens of every subject's legal name, lower case.
fn name_tokens(records: &[Record]) -> BTreeSet<String> {
    records
        .iter()
        .flat_map(|r| {
            r.claims
                .name
                .split(' ')
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .map(|t| t.trim_end_matches('.').to_lowercase())
        .filter(|t| t.len() > 1 && !KEEP.contains(&t.as_str()))
        .collect()
}

fn remap(text: &str, map: &BTreeMap<String, &str>) -> String {
    text.split(' ')
        .map(|t| {
            let bare = t.trim_end_matches('.');
            match map.get(&bare.to_lowercase()) {
                Some(new) if bare.chars().all(|c| c.is_uppercase()) && bare.len() > 1 => {
                    new.to_uppercase()
                }
                Some(new) => (*new).to_string(),
                None => t.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The twin population: every name token replaced through one bijection into `POOL` (rotated
/// by `shift`), and a nationality per subject.
fn twins(records: &[Record], shift: usize, nat_seed: u64) -> Vec<Record> {
    let tokens = name_tokens(records);
    assert!(tokens.len() <= POOL.len(), "{}", tokens.len());
    let map: BTreeMap<String, &str> = tokens
        .into_iter()
        .enumerate()
        .map(|(i, t)| (t, POOL[(i + shift) % POOL.len()]))
        .collect();
    let mut rng = synthetic::Rng::new(nat_seed);
    records
        .iter()
        .map(|r| {
            let mut t = r.clone();
            let c = &mut t.claims;
            c.name = remap(&c.name, &map);
            c.other_names = c.other_names.iter().map(|n| remap(n, &map)).collect();
            for p in &mut c.payment_destinations {
                p.holder_name = p.holder_name.as_deref().map(|h| remap(h, &map));
            }
            for p in &mut c.profiles {
                p.display_name = p.display_name.as_deref().map(|d| remap(d, &map));
            }
            c.nationality = Some(COUNTRIES[rng.below(COUNTRIES.len() as u64) as usize].into());
            t
        })
        .collect()
}

/// What a finding decides: its signal, weight, blocking flag and linked subjects.
type Decision = (
    String,
    String,
    f64,
    usize,
    Vec<(String, u64, bool, Vec<String>)>,
);

fn decisions(records: Vec<Record>) -> Vec<Decision> {
    let mut v = Vetter::new(HashKey::new(b"twins key"));
    v.rules.anonymizers = CidrSet::parse("anon.txt", ANONYMIZERS).0;
    v.vet(&Parsed::numbered(records))
        .subjects
        .into_iter()
        .map(|s| {
            let mut f: Vec<(String, u64, bool, Vec<String>)> = s
                .findings
                .iter()
                .map(|f| {
                    (
                        f.signal.to_string(),
                        f.weight.to_bits(),
                        f.blocking,
                        f.linked_subjects.clone(),
                    )
                })
                .collect();
            f.sort();
            (
                s.subject_id,
                s.band.as_str().to_string(),
                s.score,
                s.categories,
                f,
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn nationality_and_name_origin_change_no_finding(
        seed in 0u64..1000,
        shift in 0usize..POOL.len(),
        nat_seed in any::<u64>(),
    ) {
        let (records, _) = synthetic::generate(1000, seed);
        let twin = twins(&records, shift, nat_seed);
        prop_assert_eq!(decisions(records), decisions(twin));
    }
}
