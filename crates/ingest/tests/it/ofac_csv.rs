//! The OFAC legacy CSV sets: hand-written fixtures for bad input and the joins, and the real
//! files in `../shared/data/ofac` for the acceptance counts.

use std::collections::BTreeMap;

use ingest::detect::CsvRole;
use ingest::{Format, IngestError, Input, ListId, Parsed, detect, ofac_csv};
use model::{Entity, Location, NameKind, Schema, Severity};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/test_data/ofac_csv");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn sdn(role: CsvRole) -> Format {
    Format::OfacCsv {
        list: ListId::OfacSdn,
        role,
    }
}

/// Parses files given as (name, bytes, role) as one SDN set.
fn parse(files: &[(&str, &[u8], CsvRole)]) -> Result<Parsed, IngestError> {
    let inputs: Vec<(Input<'_>, Format)> = files
        .iter()
        .map(|(name, bytes, role)| (Input { name, bytes }, sdn(*role)))
        .collect();
    ofac_csv::parse_set(ListId::OfacSdn, &inputs)
}

fn parse_fixture(name: &str) -> Result<Parsed, IngestError> {
    let bytes = fixture(name);
    parse(&[(name, &bytes, CsvRole::Primary)])
}

fn entity<'a>(p: &'a Parsed, id: &str) -> &'a Entity {
    p.entities
        .iter()
        .find(|e| e.id.as_str() == id)
        .unwrap_or_else(|| panic!("no entity {id}"))
}

fn ids(p: &Parsed) -> Vec<&str> {
    p.entities.iter().map(|e| e.id.as_str()).collect()
}

/// The (severity, file, line) of every diagnostic, for exact comparisons.
fn diag_places(p: &Parsed) -> Vec<(Severity, String, Option<u64>)> {
    p.diagnostics
        .iter()
        .map(|d| {
            let line = match d.location {
                Location::Line(l) => Some(l),
                _ => None,
            };
            (d.severity, d.file.clone(), line)
        })
        .collect()
}

/// Checks a fixture that must load: the entity ids and the diagnostics' places.
fn check(name: &str, expected_ids: &[&str], expected_diags: &[(Severity, u64)]) -> Parsed {
    let p = parse_fixture(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(ids(&p), expected_ids, "{name}");
    let want: Vec<_> = expected_diags
        .iter()
        .map(|(s, l)| (*s, name.to_string(), Some(*l)))
        .collect();
    assert_eq!(diag_places(&p), want, "{name}: {:#?}", p.diagnostics);
    p
}

#[test]
fn bom_crlf_eof_and_lf_read_the_same() {
    let a = check("bom_crlf.csv", &["ofac:36", "ofac:43377", "ofac:4243"], &[]);
    let b = check("lf.csv", &["ofac:36", "ofac:43377", "ofac:4243"], &[]);
    assert_eq!(a.entities, b.entities);
    // The BOM must not end up in the first ent_num or name.
    assert_eq!(a.entities[0].caption(), "AEROCARIBBEAN AIRLINES");
    for name in ["bom_crlf.csv", "lf.csv"] {
        let bytes = fixture(name);
        assert_eq!(detect(name, &bytes).ok(), Some(sdn(CsvRole::Primary)));
    }
}

#[test]
fn fixture_fields_map_to_the_model() {
    let p = parse_fixture("bom_crlf.csv").unwrap_or_else(|e| panic!("{e}"));
    let kim = entity(&p, "ofac:43377");
    assert_eq!(kim.schema, Schema::Person);
    assert_eq!(kim.names[0].parts.family.as_deref(), Some("KIM"));
    assert_eq!(kim.names[0].parts.given.as_deref(), Some("Sang Man"));
    assert_eq!(kim.sanctions[0].list.as_deref(), Some("SDN"));
    assert_eq!(kim.sanctions[0].authority, "OFAC");
    assert_eq!(kim.sanctions[0].programs, vec!["DPRK4"]);
    assert_eq!(
        kim.sanctions[0].remarks.as_deref(),
        Some(
            "DOB 25 Apr 1965; nationality Korea, North; Gender Male; Digital Currency Address - XBT 1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ."
        )
    );
    let ebano = entity(&p, "ofac:4243");
    assert_eq!(ebano.schema, Schema::Vessel);
    let extra = |k: &str| ebano.extra.get(k).cloned().unwrap_or_default();
    assert_eq!(extra("callSign"), vec!["CL2192"]);
    assert_eq!(extra("type"), vec!["General Cargo"]);
    assert_eq!(extra("tonnage"), vec!["2595"]);
    assert_eq!(extra("grossRegisteredTonnage"), vec!["1865"]);
    assert_eq!(extra("flag"), vec!["pa"]);
    assert_eq!(extra("imoNumber"), vec!["IMO7406784"]);
    assert_eq!(ebano.countries, vec!["pa"]);
    assert_eq!(
        ebano.relations[0].target_name.as_deref(),
        Some("Samir de Navegacion S.A.")
    );
    assert_eq!(ebano.names[1].kind, NameKind::WeakAlias);
    assert_eq!(ebano.names[1].full, "ANA I");
    assert_eq!(entity(&p, "ofac:36").schema, Schema::Organization);
}

#[test]
fn non_utf8_is_decoded_with_a_warning() {
    let p = check(
        "latin1.csv",
        &["ofac:36", "ofac:100", "ofac:43377"],
        &[(Severity::Warning, 2)],
    );
    assert_eq!(entity(&p, "ofac:100").caption(), "CAFÉ NOIR");
}

#[test]
fn wrong_column_count_drops_only_that_row() {
    check(
        "wrong_columns.csv",
        &["ofac:36", "ofac:43377"],
        &[(Severity::Error, 2)],
    );
}

#[test]
fn non_numeric_ent_num_drops_only_that_row() {
    let p = check(
        "bad_ent_num.csv",
        &["ofac:36", "ofac:43377"],
        &[(Severity::Error, 2)],
    );
    assert!(p.diagnostics[0].message.contains("X102"));
}

#[test]
fn duplicate_ent_num_merges_with_a_warning() {
    let p = check("duplicate.csv", &["ofac:43377"], &[(Severity::Warning, 2)]);
    let kim = &p.entities[0];
    assert_eq!(kim.birth_dates.len(), 2);
    assert_eq!(kim.identifications.len(), 1);
    assert_eq!(kim.programs(), vec!["DPRK3", "DPRK4"]);
}

#[test]
fn unterminated_quote_is_reported_and_the_rest_loads() {
    let p = check(
        "unterminated.csv",
        &["ofac:36", "ofac:103", "ofac:43377", "ofac:4243"],
        &[(Severity::Warning, 2)],
    );
    // What the broken line holds is kept, up to the end of its line.
    let broken = entity(&p, "ofac:103");
    assert_eq!(broken.caption(), "BROKEN QUOTE");
    assert_eq!(broken.birth_places, vec!["Nowhere"]);
}

#[test]
fn empty_files_are_errors_that_say_so() {
    for name in ["empty.csv", "only_eof.csv"] {
        let err = parse_fixture(name).err().map(|e| e.to_string());
        let err = err.unwrap_or_else(|| panic!("{name} must fail"));
        assert!(err.contains("empty"), "{name}: {err}");
        assert!(err.contains(name), "{name}: {err}");
    }
}

#[test]
fn foreign_columns_are_an_error() {
    let bytes = fixture("not_ofac.csv");
    assert!(detect("not_ofac.csv", &bytes).is_err());
    let err = parse_fixture("not_ofac.csv")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("not_ofac.csv (line 1)") && err.contains("12 fields"),
        "{err}"
    );
}

#[test]
fn comments_complete_truncated_remarks() {
    let prim = fixture("trunc_sdn.csv");
    let com = fixture("trunc_sdn_comments.csv");
    assert_eq!(
        detect("trunc_sdn_comments.csv", &com).ok(),
        Some(sdn(CsvRole::Comments))
    );
    let p = parse(&[
        ("trunc_sdn.csv", &prim, CsvRole::Primary),
        ("trunc_sdn_comments.csv", &com, CsvRole::Comments),
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    let e = entity(&p, "ofac:900");
    let wallets: Vec<(&str, &str)> = e
        .wallets
        .iter()
        .map(|w| (w.currency.as_str(), w.address.as_str()))
        .collect();
    assert_eq!(
        wallets,
        vec![
            ("XBT", "bc1qzzz9ymdm0fn0ysdf4rgq7wyh3hmg4a8y4zv7c5"),
            ("ETH", "0x97b1043abd9e6fc31681635166d430a458d14f9c"),
        ]
    );
    // The overflow of an ent_num without an entity is reported, not loaded.
    assert_eq!(
        diag_places(&p),
        vec![(
            Severity::Info,
            "trunc_sdn_comments.csv".to_string(),
            Some(2)
        )]
    );
    // Without the overflow file the address is cut short, which is what the join repairs.
    let alone =
        parse(&[("trunc_sdn.csv", &prim, CsvRole::Primary)]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        entity(&alone, "ofac:900").wallets[0].address,
        "bc1qzzz9ymdm0fn0y"
    );
}

#[test]
fn aliases_and_addresses_join_and_orphans_are_reported() {
    let prim = fixture("bom_crlf.csv");
    let alt = fixture("alt.csv");
    let add = fixture("add.csv");
    let p = parse(&[
        ("sdn.csv", &prim, CsvRole::Primary),
        ("alt.csv", &alt, CsvRole::Alias),
        ("add.csv", &add, CsvRole::Address),
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        ids(&p),
        vec!["ofac:36", "ofac:43377", "ofac:4243", "ofac:53824"]
    );
    let aero = entity(&p, "ofac:36");
    let names: Vec<(&str, NameKind)> = aero
        .names
        .iter()
        .map(|n| (n.full.as_str(), n.kind))
        .collect();
    assert_eq!(
        names,
        vec![
            ("AEROCARIBBEAN AIRLINES", NameKind::Primary),
            ("AERO-CARIBBEAN", NameKind::Alias),
            ("OLD AEROCARIBBEAN", NameKind::Previous),
            ("AC", NameKind::WeakAlias),
        ]
    );
    assert_eq!(aero.addresses.len(), 2);
    assert_eq!(aero.addresses[0].city.as_deref(), Some("Havana"));
    assert_eq!(aero.addresses[0].country.as_deref(), Some("cu"));
    assert_eq!(
        aero.addresses[1].full.as_deref(),
        Some("Street 1, Simferopol, Region: Crimea")
    );
    let gayk = entity(&p, "ofac:53824");
    assert_eq!(gayk.schema, Schema::LegalEntity);
    assert_eq!(gayk.caption(), "ASATRYAN, Gaik");
    assert!(gayk.names.iter().all(|n| n.kind == NameKind::Alias));
    assert_eq!(gayk.addresses[0].country.as_deref(), Some("ru"));
    assert_eq!(
        diag_places(&p),
        vec![
            (Severity::Info, "alt.csv".to_string(), Some(2)),
            (Severity::Info, "add.csv".to_string(), Some(3)),
        ]
    );
    assert_eq!(p.diagnostics[0].record.as_deref(), Some("ofac:53824"));
}

#[test]
fn a_set_without_primary_file_warns() {
    let alt = fixture("alt.csv");
    let p = parse(&[("alt.csv", &alt, CsvRole::Alias)]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ids(&p), vec!["ofac:36", "ofac:53824"]);
    assert_eq!(p.diagnostics[0].severity, Severity::Warning);
    assert_eq!(p.diagnostics[0].location, Location::File);
}

// ---- Real files -------------------------------------------------------------------------

/// Reads a real data file, or says why the test is skipped.
fn real(name: &str) -> Option<Vec<u8>> {
    let path = testkit::shared(&format!("data/ofac/{name}"))?;
    Some(std::fs::read(path).expect("the shared file reads"))
}

/// Parses real files through format detection, as the CLI would.
fn parse_real(names: &[&str]) -> Option<(Parsed, Vec<Vec<u8>>)> {
    let mut bytes = Vec::new();
    for n in names {
        bytes.push(real(n)?);
    }
    let mut inputs = Vec::new();
    let mut list = ListId::OfacSdn;
    for (n, b) in names.iter().zip(&bytes) {
        let format = detect(n, b).unwrap_or_else(|e| panic!("{e}"));
        list = format.list();
        inputs.push((Input { name: n, bytes: b }, format));
    }
    let start = std::time::Instant::now();
    let parsed = ofac_csv::parse_set(list, &inputs).unwrap_or_else(|e| panic!("{e}"));
    println!("{names:?}: parsed in {:?} (test profile)", start.elapsed());
    Some((parsed, bytes))
}

fn schema_counts(p: &Parsed) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for e in &p.entities {
        *m.entry(e.schema.name().to_string()).or_insert(0) += 1;
    }
    m
}

fn alias_only(p: &Parsed) -> usize {
    p.entities
        .iter()
        .filter(|e| !e.names.iter().any(|n| n.kind == NameKind::Primary))
        .count()
}

#[test]
fn real_sdn_csv_counts() {
    let Some((p, _)) = parse_real(&["sdn_2024-05-03.csv"]) else {
        return;
    };
    assert_eq!(p.entities.len(), 14_965);
    let counts = schema_counts(&p);
    let want: BTreeMap<String, usize> = [
        ("Person", 6_854),
        ("Organization", 6_884),
        ("Vessel", 851),
        ("Airplane", 376),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(counts, want);
    assert!(
        p.entities
            .iter()
            .all(|e| e.id.as_str().starts_with("ofac:"))
    );
    let mut by_sev = BTreeMap::new();
    for d in &p.diagnostics {
        *by_sev.entry(format!("{:?}", d.severity)).or_insert(0) += 1;
    }
    println!("sdn_2024-05-03.csv diagnostics by severity: {by_sev:?}");
    for d in p.diagnostics.iter().take(15) {
        println!("  {d}");
    }
    assert!(
        !p.diagnostics.iter().any(|d| d.severity == Severity::Error),
        "no record of the official file may be dropped"
    );
}

#[test]
fn real_kim_sang_man() {
    let Some((p, _)) = parse_real(&["sdn_2024-05-03.csv"]) else {
        return;
    };
    let kim = entity(&p, "ofac:43377");
    assert_eq!(kim.caption(), "KIM, Sang Man");
    let dobs: Vec<String> = kim.birth_dates.iter().map(|d| d.to_string()).collect();
    assert_eq!(dobs, vec!["1965-04-25"]);
    assert_eq!(kim.nationalities, vec!["kp"]);
    assert_eq!(kim.gender, Some(model::Gender::Male));
    assert_eq!(kim.programs(), vec!["DPRK4"]);
    let xbt: Vec<&str> = kim
        .wallets
        .iter()
        .filter(|w| w.currency == "XBT")
        .map(|w| w.address.as_str())
        .collect();
    assert_eq!(
        xbt,
        vec![
            "1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ",
            "1FCNgfZWpYMeYhy9t18AAkTBu8AsdoAc1Z"
        ]
    );
    assert_eq!(kim.wallets.len(), 6);
    assert_eq!(kim.identifications.len(), 3);
    assert_eq!(kim.sanctions[0].provisions.len(), 2);
}

#[test]
fn real_consolidated_set() {
    let Some((p, _)) = parse_real(&[
        "cons_prim_2025-12.csv",
        "cons_add_2025-12.csv",
        "cons_alt_2025-12.csv",
        "cons_comments_2025-12.csv",
    ]) else {
        return;
    };
    assert!(
        p.entities
            .iter()
            .all(|e| e.id.as_str().starts_with("ofac-cons:"))
    );
    let extras = alias_only(&p);
    println!(
        "cons set: {} entities, {} of them alias-only",
        p.entities.len(),
        extras
    );
    assert_eq!(p.entities.len() - extras, 442);
    let mut lists = BTreeMap::new();
    for e in &p.entities {
        for s in &e.sanctions {
            *lists.entry(s.list.clone().unwrap_or_default()).or_insert(0) += 1;
        }
    }
    println!("cons set lists: {lists:?}");
    assert!(
        !p.diagnostics.iter().any(|d| d.severity == Severity::Error),
        "{:#?}",
        p.diagnostics
    );
}

#[test]
fn real_sdn_with_newer_aliases() {
    let Some((p, _)) = parse_real(&["sdn_2024-05-03.csv", "alt_2025-12.csv"]) else {
        return;
    };
    let extras = alias_only(&p);
    println!(
        "sdn 2024-05-03 + alt 2025-12: {} entities, {extras} alias-only",
        p.entities.len()
    );
    assert_eq!(p.entities.len() - extras, 14_965);
    // AEROCARIBBEAN AIRLINES has had the alias AERO-CARIBBEAN since long before 2024.
    let aero = entity(&p, "ofac:36");
    assert!(
        aero.names
            .iter()
            .any(|n| n.full == "AERO-CARIBBEAN" && n.kind == NameKind::Alias)
    );
    let gayk = entity(&p, "ofac:53824");
    let names: Vec<&str> = gayk.names.iter().map(|n| n.full.as_str()).collect();
    assert_eq!(names, vec!["ASATRYAN, Gaik", "ASATRYAN, Gayk Vanushevich"]);
    assert!(!gayk.names.iter().any(|n| n.kind == NameKind::Primary));
    assert!(p.diagnostics.iter().any(|d| {
        d.severity == Severity::Info
            && d.file == "alt_2025-12.csv"
            && d.record.as_deref() == Some("ofac:53824")
            && matches!(d.location, Location::Line(_))
            && d.message.contains("53824")
    }));
    let infos = p
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Info)
        .count();
    assert_eq!(infos, extras, "one Info per alias-only entity");
}

#[test]
fn real_sdn_with_comments() {
    let Some((p, bytes)) = parse_real(&["sdn_2024-05-03.csv", "sdn_comments_2025-12.csv"]) else {
        return;
    };
    let rows = String::from_utf8_lossy(&bytes[1])
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .count();
    let orphans = p
        .diagnostics
        .iter()
        .filter(|d| d.file == "sdn_comments_2025-12.csv" && d.severity == Severity::Info)
        .count();
    println!(
        "sdn_comments_2025-12.csv: {rows} rows, {} joined an sdn_2024-05-03 entry, {orphans} had none",
        rows - orphans
    );
    assert_eq!(p.entities.len(), 14_965);
}

#[test]
fn real_full_sdn_set() {
    let Some((p, _)) = parse_real(&[
        "sdn_2024-05-03.csv",
        "add_2025-12.csv",
        "alt_2025-12.csv",
        "sdn_comments_2025-12.csv",
    ]) else {
        return;
    };
    let orphan_addresses = p
        .diagnostics
        .iter()
        .filter(|d| d.file == "add_2025-12.csv" && d.severity == Severity::Info)
        .count();
    println!(
        "full SDN set: {} entities ({} alias-only), {orphan_addresses} address rows without entity, {} diagnostics",
        p.entities.len(),
        alias_only(&p),
        p.diagnostics.len()
    );
    assert!(p.entities.len() > 14_965);
}
