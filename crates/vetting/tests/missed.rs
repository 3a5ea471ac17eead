//! Issue 15, the missed classes: each case failed before its fix.

use screening::{ListRef, Screener};
use vetting::{Band, CidrSet, HashKey, NameCache, Parsed, Record, Vetter};
use wallets::AddressBook;

fn rec(json: &str) -> Record {
    match vetting::parse_line(json) {
        Ok(r) => r,
        Err(e) => panic!("fixture does not parse: {e}: {json}"),
    }
}

fn vetter() -> Vetter<'static> {
    let mut v = Vetter::new(HashKey::new(b"issue 15 key"));
    v.rules.anonymizers = CidrSet::parse(
        "anon.txt",
        "142.214.202.0/24 astrill\n!198.51.100.0/24 corp\n",
    )
    .0;
    v
}

/// The signals of one record vetted alone, sorted, with its band.
fn vet_one(v: &Vetter<'_>, json: &str) -> (Band, Vec<(String, f64)>) {
    let report = v.vet(&[Parsed {
        line: 1,
        record: rec(json),
    }]);
    let s = &report.subjects[0];
    let mut sigs: Vec<(String, f64)> = s
        .findings
        .iter()
        .map(|f| (f.signal.to_string(), f.weight))
        .collect();
    sigs.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    (s.band, sigs)
}

/// The SDN file of 2024-05-03 with the 2025-12 alias file, as `interdict vet --lists` loads
/// them, restricted to the rows the cases need so that the debug build stays fast.
fn real_lists() -> Option<(Screener, AddressBook, NameCache)> {
    let sdn = testkit::shared("data/ofac/sdn_2024-05-03.csv")?;
    let alt = testkit::shared("data/ofac/alt_2025-12.csv")?;
    let keep = |path: &std::path::Path, words: &[&str]| -> Vec<u8> {
        let bytes = std::fs::read(path).unwrap_or_default();
        bytes
            .split_inclusive(|b| *b == b'\n')
            .enumerate()
            .filter(|(i, l)| {
                let t = String::from_utf8_lossy(l).to_uppercase();
                *i == 0 && t.contains("ENT_NUM") || words.iter().any(|w| t.contains(w))
            })
            .flat_map(|(_, l)| l.iter().copied())
            .collect()
    };
    let words = [
        "CHINYONG",
        "LAZARUS",
        "ASATRYAN",
        "SOBAEKSU",
        "SONGKWANG",
        "KIM, SANG",
    ];
    let (sdn_bytes, alt_bytes) = (keep(&sdn, &words), keep(&alt, &words));
    let (sdn_name, alt_name) = ("sdn_2024-05-03.csv", "alt_2025-12.csv");
    let parsed = ingest::parse_files(&[
        ingest::Input {
            name: sdn_name,
            bytes: &sdn_bytes,
        },
        ingest::Input {
            name: alt_name,
            bytes: &alt_bytes,
        },
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    let mut book = AddressBook::new();
    let mut lists = Vec::new();
    let mut dates = std::collections::BTreeMap::new();
    for p in parsed {
        // The CLI names files given directly by a content hash; the publication date comes
        // with the list (here the SDN file's date, which the file name carries).
        let version = "file:0123456789ab";
        book.add_list(p.list.as_str(), version, &p.parsed.entities);
        dates.insert(
            format!("{}@{version}", p.list.as_str()),
            "2024-05-03".to_string(),
        );
        lists.push((ListRef::new(p.list.as_str(), version), p.parsed.entities));
    }
    Some((Screener::build(lists), book, NameCache::with_dates(dates)))
}

#[test]
fn companies_alias_only_entities_and_sdn_wallets_block_with_list_entity_and_date() {
    let Some((screener, book, cache)) = real_lists() else {
        eprintln!("skipped: ../shared/data/ofac is absent");
        return;
    };
    let mut v = vetter();
    v.screener = Some(&screener);
    v.book = Some(&book);
    v.names = std::sync::Arc::new(cache);
    // (record, band, signal, entity id, entity name).
    let cases = [
        // A company applying as a vendor, kind detected from its name (it was screened as a
        // person and came back clear).
        (
            r#"{"subject_id":"v1","claims":{"name":"Chinyong Information Technology Cooperation Company"}}"#,
            Band::Blocked,
            "SX-3",
            "ofac:43379",
        ),
        // The same company declared as an organisation, with a variant spelling.
        (
            r#"{"subject_id":"v2","claims":{"kind":"organisation","name":"CHINYONG INFORMATION TECHNOLOGY COOPERATION CO"}}"#,
            Band::Blocked,
            "SX-3",
            "ofac:43379",
        ),
        // A 2025 designation the alias file carries without its primary record.
        (
            r#"{"subject_id":"v3","claims":{"kind":"organisation","name":"Asatryan LLC"}}"#,
            Band::Blocked,
            "SX-3",
            "ofac:53820",
        ),
        // The same entity as the payee of a worker.
        (
            r#"{"subject_id":"v4","claims":{"name":"Ann Lee","payment_destinations":[{"kind":"wire","account":"12345678","holder_name":"LIMITED LIABILITY COMPANY ASATRYAN"}]}}"#,
            Band::Blocked,
            "SX-3",
            "ofac:53820",
        ),
        // A payout to an SDN wallet.
        (
            r#"{"subject_id":"v5","claims":{"name":"Ann Lee","payment_destinations":[{"kind":"crypto","address":"0x098B716B8Aaf21512996dC57EB0615e2383E2f96"}]}}"#,
            Band::Blocked,
            "SX-2",
            "ofac:27307",
        ),
    ];
    for (json, band, signal, entity) in cases {
        let report = v.vet(&[Parsed {
            line: 1,
            record: rec(json),
        }]);
        let s = &report.subjects[0];
        assert_eq!(s.band, band, "{json}: {:#?}", s.findings);
        let f = s
            .findings
            .iter()
            .find(|f| f.signal == signal)
            .unwrap_or_else(|| panic!("{signal} missing for {json}: {:#?}", s.findings));
        let e = f.list_entry.as_ref().unwrap_or_else(|| unreachable!());
        assert_eq!(e.entity_id, entity, "{json}");
        assert_eq!(e.published.as_deref(), Some("2024-05-03"));
        assert!(
            f.observed.contains("published 2024-05-03") && !f.observed.contains("file:"),
            "{}",
            f.observed
        );
        // No birth-date advice for an organisation.
        assert!(!f.observed.contains("birth"), "{}", f.observed);
    }
    // A listed company in the employment history is context, never a payee: it is shown and
    // blocks nothing.
    let (band, sigs) = vet_one(
        &v,
        r#"{"subject_id":"e1","claims":{"name":"Ann Lee","employment":[{"organisation":"Chinyong Information Technology Cooperation Company","country":"RU"}]}}"#,
    );
    assert_eq!(band, Band::Clear);
    assert_eq!(sigs, vec![("SX-0".to_string(), 0.0)]);
}

#[test]
fn subject_kind_is_declared_or_detected() {
    use vetting::record::SubjectKind;
    let cases = [
        (
            r#"{"subject_id":"a","claims":{"name":"Ann Lee"}}"#,
            SubjectKind::Person,
        ),
        (
            r#"{"subject_id":"a","claims":{"name":"Acme Staffing LLC"}}"#,
            SubjectKind::Organisation,
        ),
        (
            r#"{"subject_id":"a","claims":{"kind":"organization","name":"Blue Sky"}}"#,
            SubjectKind::Organisation,
        ),
        (
            r#"{"subject_id":"a","claims":{"kind":"person","name":"Trading Group"}}"#,
            SubjectKind::Person,
        ),
    ];
    for (json, want) in cases {
        assert_eq!(rec(json).claims.subject_kind(), want, "{json}");
    }
}

#[test]
fn the_shipped_indicator_file_loads_every_address_and_names_unknown_types() {
    let text = "cluster,persona,type,value,note\n\
        C1,P1,evm_address,0x098B716B8Aaf21512996dC57EB0615e2383E2f96,\n\
        C1,P1,btc_address,1HmqvgSXfzQUqvKYyGrezMP6Vvk4Qwim2T,\n\
        C1,P1,sol_address,So11111111111111111111111111111111111111112,\n\
        C1,P1,carrier_pigeon,coo,\n\
        C1,P1,name_alias,Ann Lee,\n";
    let (leads, diags) = vetting::Leads::parse("/home/me/private/leads.csv", text);
    assert_eq!(leads.len(), 3);
    let msgs: Vec<String> = diags.iter().map(|d| d.message.clone()).collect();
    assert_eq!(diags.len(), 2, "{msgs:?}");
    assert!(msgs[0].contains("'carrier_pigeon'"), "{msgs:?}");
    let mut v = vetter();
    v.leads = Some(Box::leak(Box::new(leads)));
    let report = v.vet(&[Parsed {
        line: 1,
        record: rec(
            r#"{"subject_id":"a","claims":{"name":"Ann Lee","payment_destinations":[{"kind":"crypto","address":"0x098b716b8aaf21512996dc57eb0615e2383e2f96"}]}}"#,
        ),
    }]);
    let f = &report.subjects[0].findings[0];
    assert_eq!((f.signal, f.weight), ("L-10", 20.0));
    // The finding names the file, never the local path it was read from.
    assert!(!f.observed.contains("/home"), "{}", f.observed);
    assert!(f.observed.contains("leads.csv"), "{}", f.observed);

    let Some(path) = testkit::shared("data/dprk/dprk_itw_indicators_tayvano.csv") else {
        eprintln!("skipped: the shipped indicator file is absent");
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let (leads, diags) = vetting::Leads::parse("dprk_itw_indicators_tayvano.csv", &text);
    let compared = text
        .lines()
        .skip(1)
        .filter(|l| l.contains("_address,"))
        .count();
    // 248 EVM, 34 BTC, 27 SOL, 1 LTC rows (some repeat across personas as cross-links).
    assert!(compared >= 310, "{compared}");
    assert!(leads.len() > 700, "{}", leads.len());
    assert!(
        diags.iter().all(|d| d.severity != model::Severity::Error),
        "{diags:?}"
    );
}

#[test]
fn stolen_funds_hold_above_a_lead_below_sanctions() {
    let cases = [
        (
            "bybit.csv",
            "address,chain,role,attribution,note\n\
             0x1db92e2eebc8e0c075a02bea49a2935bcd2dfcf4,ETH,victim,victim,Bybit cold wallet\n\
             0x47666Fab8bd0Ac7003bce3f5C3585383F09486E2,ETH,theft_receiver,DPRK/TraderTraitor,\n",
            "0x47666fab8bd0ac7003bce3f5c3585383f09486e2",
        ),
        (
            "psa.txt",
            "0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D\n0x96244D83DC15d36847C35209bBDc5bdDE9bEc3D8\n",
            "0x51e9d833ecae4e8d9d8be17300aee6d3398c135d",
        ),
    ];
    for (file, text, payout) in cases {
        let (leads, diags) = vetting::Leads::parse(file, text);
        assert!(diags.is_empty(), "{diags:?}");
        let mut v = vetter();
        v.leads = Some(Box::leak(Box::new(leads)));
        let json = format!(
            r#"{{"subject_id":"a","claims":{{"name":"Ann Lee","payment_destinations":[{{"kind":"crypto","address":"{payout}"}}]}}}}"#
        );
        let (band, sigs) = vet_one(&v, &json);
        assert_eq!(band, Band::High, "{file}");
        assert_eq!(sigs, vec![("SF-1".to_string(), 60.0)], "{file}");
    }
    // The victim's own wallet is never flagged.
    let (leads, _) = vetting::Leads::parse("bybit.csv", cases[0].1);
    let mut v = vetter();
    v.leads = Some(Box::leak(Box::new(leads)));
    let (band, sigs) = vet_one(
        &v,
        r#"{"subject_id":"a","claims":{"name":"Ann Lee","payment_destinations":[{"kind":"crypto","address":"0x1db92e2eebc8e0c075a02bea49a2935bcd2dfcf4"}]}}"#,
    );
    assert_eq!((band, sigs), (Band::Clear, vec![]));
}

/// A record, its band and its (signal, weight) pairs.
type BandCase = (&'static str, Band, &'static [(&'static str, f64)]);

#[test]
fn single_record_combinations_reach_high() {
    let v = vetter();
    // (record, band, signals).
    let cases: &[BandCase] = &[
        // Residence contradicted by sign-ins from abroad, plus a remote-access tool.
        (
            r#"{"subject_id":"a","claims":{"residence_country":"US"},"observations":{"logins":[{"time":"2024-01-01T01:00:00Z","ip":"5.5.5.5","country":"CN"},{"time":"2024-01-05T01:00:00Z","ip":"5.5.5.5","country":"CN"}],"devices":[{"serial":"X1","software":["AnyDesk"]}]}}"#,
            Band::High,
            &[("B-2", 25.0), ("B-9", 25.0), ("R-8", 20.0)],
        ),
        // A mail forwarder plus a device first seen abroad.
        (
            r#"{"subject_id":"a","claims":{"residence_country":"US","address":{"lines":["1 Oak St"],"city":"Austin","country":"US"}},"observations":{"shipments":[{"address":{"lines":["500 Main St PMB 123"],"city":"Dover","country":"US"}}],"devices":[{"serial":"X1","first_checkin_country":"CN"}]}}"#,
            Band::High,
            &[("B-3", 35.0), ("R-4", 20.0), ("R-5", 20.0)],
        ),
    ];
    for (json, band, want) in cases {
        let want: Vec<(String, f64)> = want.iter().map(|(s, w)| (s.to_string(), *w)).collect();
        assert_eq!(vet_one(&v, json), (*band, want), "{json}");
    }
}

#[test]
fn linking_normalises_accounts_and_follows_referrals() {
    let v = vetter();
    // A facilitator's account typed with and without leading zeros and separators by three
    // workers; a fourth candidate referred by one of them.
    let worker = |id: &str, acct: &str| {
        format!(
            r#"{{"subject_id":"{id}","claims":{{"name":"W {id}","payment_destinations":[{{"kind":"ach","routing":"021000021","account":"{acct}","holder_name":"Pat Fixer"}}]}},"observations":{{"shipments":[{{"address":{{"lines":["9 Elm St"],"city":"Austin","country":"US"}}}}]}}}}"#
        )
    };
    let jsons = [
        worker("w1", "000123456789"),
        worker("w2", "1234-5678-9"),
        worker("w3", "123 456 789"),
        r#"{"subject_id":"r1","claims":{"name":"R One","referred_by":"w1"},"observations":{"logins":[{"time":"2024-01-01T01:00:00Z","ip":"142.214.202.9","country":"US"}]}}"#.to_string(),
    ];
    let parsed: Vec<Parsed> = jsons
        .iter()
        .enumerate()
        .map(|(i, j)| Parsed {
            line: i as u64 + 1,
            record: rec(j),
        })
        .collect();
    let report = v.vet(&parsed);
    let bands: Vec<Band> = report.subjects.iter().map(|s| s.band).collect();
    assert_eq!(bands, vec![Band::High; 4], "{:#?}", report.subjects);
    let l2 = report.subjects[1]
        .findings
        .iter()
        .find(|f| f.signal == "L-2")
        .map(|f| (f.weight, f.linked_subjects.clone()));
    assert_eq!(l2, Some((35.0, vec!["w1".to_string(), "w3".to_string()])));
}
