//! One test per signal: a record (or a pair) in JSON and the findings it must raise.

use model::{Entity, EntityId, FuzzyDate, Name, NameKind, PartialDate, Schema, Wallet};
use screening::{ListRef, Screener};
use vetting::{Band, CidrSet, HashKey, Parsed, Record, Vetter};
use wallets::AddressBook;

fn rec(json: &str) -> Record {
    match vetting::parse_line(json) {
        Ok(r) => r,
        Err(e) => panic!("fixture does not parse: {e}: {json}"),
    }
}

fn vetter() -> Vetter<'static> {
    let mut v = Vetter::new(HashKey::new(b"unit test key"));
    v.rules.anonymizers = CidrSet::parse(
        "anon.txt",
        "142.214.202.0/24 astrill\n45.0.0.0/8 hosting\n!198.51.100.0/24 corp\n",
    )
    .0;
    v
}

/// The (signal, weight) pairs a single record raises, sorted.
fn single(json: &str) -> Vec<(String, f64)> {
    let mut out: Vec<(String, f64)> = vetter()
        .record_findings(&rec(json))
        .into_iter()
        .map(|f| (f.signal.to_string(), f.weight))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    out
}

fn check(json: &str, expected: &[(&str, f64)]) {
    let want: Vec<(String, f64)> = expected.iter().map(|(s, w)| (s.to_string(), *w)).collect();
    assert_eq!(single(json), want, "{json}");
}

#[test]
fn single_record_rules() {
    let cases: &[(&str, &[(&str, f64)])] = &[
        // R-1: never issued.
        (
            r#"{"subject_id":"a","claims":{"government_ids":[{"type":"ssn","number":"666-12-3456"}]}}"#,
            &[("R-1", 30.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"government_ids":[{"type":"ssn","number":"123-00-3456"}]}}"#,
            &[("R-1", 30.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"government_ids":[{"type":"ssn","number":"123-45-0000"}]}}"#,
            &[("R-1", 30.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"government_ids":[{"type":"ssn","number":"912-45-1234"}]}}"#,
            &[("R-1", 30.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"government_ids":[{"type":"ssn","number":"123-45-6789"}]}}"#,
            &[],
        ),
        // R-2: area 772–899 with US work before June 2011; none without it.
        (
            r#"{"subject_id":"a","claims":{"government_ids":[{"type":"ssn","number":"801-45-6789"}],"employment":[{"organisation":"X","country":"US","start":"2008-03"}]}}"#,
            &[("R-2", 10.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"government_ids":[{"type":"ssn","number":"801-45-6789"}],"employment":[{"organisation":"X","country":"US","start":"2015-03"}]}}"#,
            &[],
        ),
        // R-3 and R-17.
        (
            r#"{"subject_id":"a","claims":{"government_ids":[{"type":"ssn","number":"123-45-6789","ssa_verification":"no_match"}]}}"#,
            &[("R-3", 30.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"government_ids":[{"type":"passport","number":"X1234567","idv_result":"fail"}]}}"#,
            &[("R-17", 25.0)],
        ),
        // R-4: elsewhere (20), changed 2 days before dispatch (30).
        (
            r#"{"subject_id":"a","claims":{"address":{"lines":["1 Oak St"],"city":"Austin","country":"US"}},"observations":{"shipments":[{"address":{"lines":["9 Elm St"],"city":"Austin","country":"US"}}]}}"#,
            &[("R-4", 20.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"address":{"lines":["1 Oak St"],"city":"Austin","country":"US"}},"observations":{"shipments":[{"address":{"lines":["9 Elm St"],"city":"Austin","country":"US"},"address_changed_at":"2024-02-08","dispatched_at":"2024-02-10"}]}}"#,
            &[("R-4", 30.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"address":{"lines":["1 Oak Street"],"city":"Austin","country":"US"}},"observations":{"shipments":[{"address":{"lines":["1 oak st."],"city":"AUSTIN","country":"US"}}]}}"#,
            &[],
        ),
        // R-5: mail forwarder, or another country.
        (
            r#"{"subject_id":"a","observations":{"shipments":[{"address":{"lines":["500 Main St PMB 123"],"city":"Dover","country":"US"}}]}}"#,
            &[("R-5", 20.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"residence_country":"US"},"observations":{"shipments":[{"address":{"lines":["5 Rue X"],"city":"Lyon","country":"FR"}}]}}"#,
            &[("R-5", 20.0)],
        ),
        // R-6: holder in another name; switch to crypto; another country.
        (
            r#"{"subject_id":"a","claims":{"name":"Ann Lee","payment_destinations":[{"kind":"ach","account":"12345678","holder_name":"Bob Stone"}]}}"#,
            &[("R-6", 20.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"name":"Ann Lee","payment_destinations":[{"kind":"ach","account":"12345678","holder_name":"LEE Ann"},{"kind":"crypto","address":"0x0000000000000000000000000000000000000001"}]}}"#,
            &[("R-6", 15.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"name":"Ann Lee","residence_country":"US","payment_destinations":[{"kind":"wire","account":"1","country":"US"},{"kind":"wire","account":"2","country":"HK"}]}}"#,
            &[("R-6", 15.0)],
        ),
        // R-8: logins, interview and residence document contradict the claimed residence.
        (
            r#"{"subject_id":"a","claims":{"residence_country":"US"},"observations":{"logins":[{"time":"2024-01-01T01:00:00Z","ip":"1.1.1.1","country":"CN"},{"time":"2024-01-05T01:00:00Z","ip":"1.1.1.1","country":"CN"}]}}"#,
            &[("R-8", 20.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"residence_country":"US"},"observations":{"interviews":[{"country":"RU"}]}}"#,
            &[("R-8", 15.0)],
        ),
        (
            // An identity document issued by another country than the residence is never scored:
            // it would penalise, say, EU citizens living in another member state (nationality by
            // proxy). It used to add 10 points.
            r#"{"subject_id":"a","claims":{"residence_country":"US","government_ids":[{"type":"driving_licence","number":"D123456","issuer_country":"CA"}]}}"#,
            &[],
        ),
        // Nationality alone is never scored.
        (
            r#"{"subject_id":"a","claims":{"residence_country":"US","nationality":"KR","government_ids":[{"type":"passport","number":"M1234567","issuer_country":"KR"}]}}"#,
            &[],
        ),
        // R-9: young reference domain; unverified reference.
        (
            r#"{"subject_id":"a","applied_at":"2024-03-01","claims":{"references":[{"email":"hr@acme-tech-llc.com","domain_registered":"2024-01-01"}]}}"#,
            &[("R-9", 20.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"references":[{"email":"hr@acme.com","verified":false}]}}"#,
            &[("R-9", 10.0)],
        ),
        // R-10: profile activity older than the account.
        (
            r#"{"subject_id":"a","claims":{"profiles":[{"platform":"github","created":"2024-03-01","oldest_activity":"2019-05-01"}]}}"#,
            &[("R-10", 15.0)],
        ),
        // R-13: alias forwarder, disposable, +tag, date-like suffix; a plain address raises nothing.
        (
            r#"{"subject_id":"a","claims":{"emails":["x@duck.com"]}}"#,
            &[("R-13", 5.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"emails":["x@mailinator.com"]}}"#,
            &[("R-13", 8.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"emails":["ann+jobs@example.com"]}}"#,
            &[("R-13", 3.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"emails":["richdev0214@gmail.com"]}}"#,
            &[("R-13", 3.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"emails":["ann.lee@example.com"]}}"#,
            &[],
        ),
        // R-15 and R-16.
        (
            r#"{"subject_id":"a","observations":{"interviews":[{"camera_refused":true},{"liveness_failed":true,"different_person":true}]}}"#,
            &[("R-15", 10.0), ("R-15", 25.0), ("R-15", 30.0)],
        ),
        (
            r#"{"subject_id":"a","observations":{"declined_in_person":3}}"#,
            &[("R-16", 25.0)],
        ),
        // B-1: Astrill range, generic anonymiser, corporate egress ignored, two countries in a day.
        (
            r#"{"subject_id":"a","observations":{"logins":[{"time":"2024-01-01T01:00:00Z","ip":"142.214.202.2"}]}}"#,
            &[("B-1", 25.0)],
        ),
        (
            r#"{"subject_id":"a","observations":{"logins":[{"time":"2024-01-01T01:00:00Z","ip":"45.1.2.3"}]}}"#,
            &[("B-1", 15.0)],
        ),
        (
            r#"{"subject_id":"a","observations":{"logins":[{"time":"2024-01-01T01:00:00Z","ip":"198.51.100.7"}]}}"#,
            &[],
        ),
        (
            r#"{"subject_id":"a","observations":{"logins":[{"time":"2024-01-01T01:00:00Z","ip":"1.1.1.1","country":"US"},{"time":"2024-01-01T05:00:00Z","ip":"2.2.2.2","country":"CN"}]}}"#,
            &[("B-1", 20.0)],
        ),
        // B-2: RMM tool, IP-KVM by id and by name, jiggler.
        (
            r#"{"subject_id":"a","observations":{"devices":[{"serial":"C02X1234","software":["AnyDesk 8.0"]}]}}"#,
            &[("B-2", 25.0)],
        ),
        (
            r#"{"subject_id":"a","observations":{"devices":[{"serial":"C02X1234","usb":[{"vendor_id":"1D6B","product_id":"0104","name":"Composite"}]}]}}"#,
            &[("B-2", 35.0)],
        ),
        (
            r#"{"subject_id":"a","observations":{"devices":[{"serial":"C02X1234","usb":[{"name":"TinyPilot Voyager"}]},{"usb":[{"name":"USB KVM switch"}]}]}}"#,
            &[("B-2", 35.0), ("B-2", 35.0)],
        ),
        (
            r#"{"subject_id":"a","observations":{"devices":[{"usb":[{"name":"Mouse Jiggler MJ-3"}]}]}}"#,
            &[("B-2", 15.0)],
        ),
        (
            r#"{"subject_id":"a","observations":{"devices":[{"software":["Chrome Remote Desktop Host"]}]}}"#,
            &[("B-2", 25.0)],
        ),
        // B-3: first check-in abroad.
        (
            r#"{"subject_id":"a","observations":{"devices":[{"first_checkin_country":"CN"}],"shipments":[{"address":{"lines":["1 Oak St"],"country":"US"}}]}}"#,
            &[("B-3", 25.0)],
        ),
    ];
    for (json, want) in cases {
        check(json, want);
    }
}

#[test]
fn allowed_tools_are_not_flagged() {
    let mut v = vetter();
    v.rules.allowed_tools = vec!["teamviewer".into()];
    let r =
        rec(r#"{"subject_id":"a","observations":{"devices":[{"software":["TeamViewer Host"]}]}}"#);
    assert!(v.record_findings(&r).is_empty());
}

/// Vets several records together and returns each subject's (signal, weight) pairs.
fn linked(jsons: &[&str]) -> Vec<Vec<(String, f64)>> {
    let parsed: Vec<Parsed> = jsons
        .iter()
        .enumerate()
        .map(|(i, j)| Parsed {
            line: i as u64 + 1,
            record: rec(j),
        })
        .collect();
    let report = vetter().vet(&parsed);
    report
        .subjects
        .iter()
        .map(|s| {
            let mut v: Vec<(String, f64)> = s
                .findings
                .iter()
                .filter(|f| f.signal.starts_with('L'))
                .map(|f| (f.signal.to_string(), f.weight))
                .collect();
            v.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
            v
        })
        .collect()
}

fn check_link(jsons: &[&str], want: &[(&str, f64)]) {
    let want: Vec<(String, f64)> = want.iter().map(|(s, w)| (s.to_string(), *w)).collect();
    for (i, got) in linked(jsons).into_iter().enumerate() {
        assert_eq!(got, want, "subject {i} of {jsons:?}");
    }
}

#[test]
fn link_signals() {
    // L-1: shared SSN, different names: identity misuse.
    check_link(
        &[
            r#"{"subject_id":"a","claims":{"name":"Ann Lee","government_ids":[{"type":"ssn","number":"123-45-6789"}]}}"#,
            r#"{"subject_id":"b","claims":{"name":"Bo Chan","government_ids":[{"type":"ssn","number":"123456789"}]}}"#,
        ],
        &[("L-1", 35.0)],
    );
    // L-1 after a legitimate name change counts little.
    check_link(
        &[
            r#"{"subject_id":"a","claims":{"name":"Ann Lee","birth_date":"1990-01-02","government_ids":[{"type":"ssn","number":"123-45-6789"}]}}"#,
            r#"{"subject_id":"b","claims":{"name":"Ann Park","other_names":["Ann Lee"],"birth_date":"1990-01-02","government_ids":[{"type":"ssn","number":"123-45-6789"}]}}"#,
        ],
        &[("L-1", 5.0)],
    );
    // L-2: one bank account for two workers; a payout address for two.
    check_link(
        &[
            r#"{"subject_id":"a","claims":{"name":"Ann Lee","payment_destinations":[{"kind":"ach","routing":"021000021","account":"000123456789","holder_name":"Ann Lee"}]}}"#,
            r#"{"subject_id":"b","claims":{"name":"Bo Chan","payment_destinations":[{"kind":"ach","routing":"021000021","account":"000-123-456-789","holder_name":"Bo Chan"}]}}"#,
        ],
        &[("L-2", 35.0)],
    );
    check_link(
        &[
            r#"{"subject_id":"a","claims":{"name":"Ann Lee","payment_destinations":[{"kind":"crypto","address":"0x098B716B8Aaf21512996dC57EB0615e2383E2f96"}]}}"#,
            r#"{"subject_id":"b","claims":{"name":"Bo Chan","payment_destinations":[{"kind":"crypto","address":"0x098b716b8aaf21512996dc57eb0615e2383e2f96"}]}}"#,
        ],
        &[("L-2", 35.0)],
    );
    // L-3: shared shipping address; a household at its own home counts little.
    check_link(
        &[
            r#"{"subject_id":"a","claims":{"name":"Ann Lee"},"observations":{"shipments":[{"address":{"lines":["9 Elm Street"],"country":"US"}}]}}"#,
            r#"{"subject_id":"b","claims":{"name":"Bo Chan"},"observations":{"shipments":[{"address":{"lines":["9 elm st"],"country":"US"}}]}}"#,
        ],
        &[("L-3", 35.0)],
    );
    check_link(
        &[
            r#"{"subject_id":"a","claims":{"name":"Ann Lee","address":{"lines":["9 Elm St"],"country":"US"}},"observations":{"shipments":[{"address":{"lines":["9 Elm St"],"country":"US"}}]}}"#,
            r#"{"subject_id":"b","claims":{"name":"Max Lee","address":{"lines":["9 Elm St"],"country":"US"}},"observations":{"shipments":[{"address":{"lines":["9 Elm St"],"country":"US"}}]}}"#,
        ],
        &[("L-3", 10.0)],
    );
    // L-4: device serial.
    check_link(
        &[
            r#"{"subject_id":"a","claims":{"name":"Ann Lee"},"observations":{"devices":[{"serial":"C02XABCD1234"}]}}"#,
            r#"{"subject_id":"b","claims":{"name":"Bo Chan"},"observations":{"devices":[{"serial":"c02x-abcd-1234"}]}}"#,
        ],
        &[("L-4", 30.0)],
    );
    // L-5: phone (digits) and Gmail (dots, +tag) across names.
    check_link(
        &[
            r#"{"subject_id":"a","claims":{"name":"Ann Lee","phones":["(555) 010-1234"]}}"#,
            r#"{"subject_id":"b","claims":{"name":"Bo Chan","phones":["+1 555 010 1234"]}}"#,
        ],
        &[("L-5", 25.0)],
    );
    check_link(
        &[
            r#"{"subject_id":"a","claims":{"name":"Ann Lee","emails":["a.n.n@gmail.com"]}}"#,
            r#"{"subject_id":"b","claims":{"name":"Bo Chan","emails":["ann+work@googlemail.com"]}}"#,
        ],
        &[("L-5", 25.0)],
    );
    // L-7: near-duplicate résumé with the name swapped.
    let body = "senior engineer built scalable payment services in rust and python migrated legacy systems to kubernetes reduced latency by forty percent mentored six engineers led smart contract audits";
    let a = format!(
        r#"{{"subject_id":"a","claims":{{"name":"Ann Lee","resume_text":"Ann Lee {body}"}}}}"#
    );
    let b = format!(
        r#"{{"subject_id":"b","claims":{{"name":"Bo Chan","resume_text":"Bo Chan {body}"}}}}"#
    );
    check_link(&[&a, &b], &[("L-7", 15.0)]);
    // L-9: same IP in the same hour; corporate egress does not link.
    check_link(
        &[
            r#"{"subject_id":"a","claims":{"name":"Ann Lee"},"observations":{"logins":[{"time":"2024-01-01T10:05:00Z","ip":"73.1.2.3"}]}}"#,
            r#"{"subject_id":"b","claims":{"name":"Bo Chan"},"observations":{"logins":[{"time":"2024-01-01T10:55:00Z","ip":"73.1.2.3"}]}}"#,
        ],
        &[("L-9", 25.0)],
    );
    check_link(
        &[
            r#"{"subject_id":"a","claims":{"name":"Ann Lee"},"observations":{"logins":[{"time":"2024-01-01T10:05:00Z","ip":"73.1.2.3","corporate_egress":true}]}}"#,
            r#"{"subject_id":"b","claims":{"name":"Bo Chan"},"observations":{"logins":[{"time":"2024-01-01T10:55:00Z","ip":"73.1.2.3","corporate_egress":true}]}}"#,
        ],
        &[],
    );
    // L-10: GitHub commit e-mail and handle.
    check_link(
        &[
            r#"{"subject_id":"a","claims":{"name":"Ann Lee","profiles":[{"platform":"github","handle":"devstar","commit_emails":["x@y.com"]}]}}"#,
            r#"{"subject_id":"b","claims":{"name":"Bo Chan","profiles":[{"platform":"GitHub","handle":"DevStar","commit_emails":["X@y.com"]}]}}"#,
        ],
        &[("L-10", 20.0), ("L-10", 20.0)],
    );
}

#[test]
fn clusters_show_farms() {
    let parsed: Vec<Parsed> = ["a", "b", "c", "d"]
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let acct = if *id == "d" { "5555" } else { "1111" };
            let addr = if *id == "a" { "1 Oak St" } else { "9 Elm St" };
            let j = format!(r#"{{"subject_id":"{id}","claims":{{"name":"P{id}","payment_destinations":[{{"kind":"ach","account":"0000{acct}"}}]}},"observations":{{"shipments":[{{"address":{{"lines":["{addr}"]}}}}]}}}}"#);
            Parsed { line: i as u64 + 1, record: rec(&j) }
        })
        .collect();
    let report = vetter().vet(&parsed);
    assert_eq!(report.clusters.len(), 1);
    let c = &report.clusters[0];
    assert_eq!(c.subjects, vec!["a", "b", "c", "d"]);
    let kinds: Vec<String> = c
        .edges
        .iter()
        .map(|e| format!("{}-{} {:?}", e.a, e.b, e.kind))
        .collect();
    assert_eq!(
        kinds,
        vec![
            "a-b BankAccount",
            "a-c BankAccount",
            "b-c ShippingAddress",
            "b-d ShippingAddress"
        ]
    );
    assert_eq!(report.subjects[0].cluster.as_deref(), Some("C1"));
}

fn sdn_list() -> (Screener, AddressBook) {
    let mut lazarus = Entity::new(
        EntityId::parse("ofac:27307").unwrap_or_else(|_| unreachable!()),
        Schema::Organization,
    );
    lazarus
        .names
        .push(Name::new("LAZARUS GROUP", NameKind::Primary));
    lazarus.wallets.push(Wallet {
        currency: "ETH".into(),
        address: "0x098B716B8Aaf21512996dC57EB0615e2383E2f96".into(),
    });
    let mut kim = Entity::new(
        EntityId::parse("ofac:43377").unwrap_or_else(|_| unreachable!()),
        Schema::Person,
    );
    kim.names
        .push(Name::new("KIM, Sang Man", NameKind::Primary));
    kim.birth_dates.push(FuzzyDate::exact(PartialDate {
        year: 1965,
        month: Some(4),
        day: Some(25),
    }));
    let mut taylor = Entity::new(
        EntityId::parse("ofac:21730").unwrap_or_else(|_| unreachable!()),
        Schema::Person,
    );
    taylor
        .names
        .push(Name::new("TAYLOR, Mark John", NameKind::Primary));
    taylor.birth_dates.push(FuzzyDate::exact(PartialDate {
        year: 1973,
        month: None,
        day: None,
    }));
    let entities = vec![lazarus, kim, taylor];
    let mut book = AddressBook::new();
    book.add_list("ofac-sdn", "test-v1", &entities);
    (
        Screener::build(vec![(ListRef::new("ofac-sdn", "test-v1"), entities)]),
        book,
    )
}

#[test]
fn sanctions_block_with_entry_and_version() {
    let (screener, book) = sdn_list();
    let mut v = vetter();
    v.screener = Some(&screener);
    v.book = Some(&book);
    let cases = [
        (
            r#"{"subject_id":"a","claims":{"name":"Ann Lee","payment_destinations":[{"kind":"crypto","address":"0x098b716b8aaf21512996dc57eb0615e2383e2f96"}]}}"#,
            Band::Blocked,
            "SX-2",
            "ofac:27307",
        ),
        (
            r#"{"subject_id":"b","claims":{"name":"Kim Sang Man","birth_date":"1965-04-25"}}"#,
            Band::Blocked,
            "SX-1",
            "ofac:43377",
        ),
        (
            r#"{"subject_id":"c","claims":{"name":"Kim Sang Man","birth_date":"1990-01-01"}}"#,
            Band::Clear,
            "SX-0",
            "ofac:43377",
        ),
        (
            r#"{"subject_id":"d","claims":{"name":"Ann Lee","payment_destinations":[{"kind":"wire","account":"1234","holder_name":"Lazarus Group"}]}}"#,
            Band::Blocked,
            "SX-3",
            "ofac:27307",
        ),
        // A birth year alone corroborates only a near-exact name: a missing or other given name
        // does not block (found at 1M: "Mary Taylor", 1973, against a listed 1972 to 1974).
        (
            r#"{"subject_id":"e","claims":{"name":"Mark Taylor","birth_date":"1973-01-19"}}"#,
            Band::Clear,
            "SX-0",
            "ofac:21730",
        ),
        (
            r#"{"subject_id":"f","claims":{"name":"Mark John Taylor","birth_date":"1973-01-19"}}"#,
            Band::Blocked,
            "SX-1",
            "ofac:21730",
        ),
        // A listed person matched by a payee's name alone is shown, not blocked.
        (
            r#"{"subject_id":"g","claims":{"name":"Ann Lee","payment_destinations":[{"kind":"wire","account":"1234","holder_name":"Mark John Taylor"}]}}"#,
            Band::Review,
            "SX-0",
            "ofac:21730",
        ),
    ];
    for (json, band, signal, entity) in cases {
        let report = v.vet(&[Parsed {
            line: 1,
            record: rec(json),
        }]);
        let s = &report.subjects[0];
        assert_eq!(s.band, band, "{json}");
        let f = s
            .findings
            .iter()
            .find(|f| f.signal == signal)
            .unwrap_or_else(|| panic!("{signal} missing: {:#?}", s.findings));
        let e = f.list_entry.as_ref().unwrap_or_else(|| unreachable!());
        assert_eq!(
            (
                e.entity_id.as_str(),
                e.list.as_str(),
                e.list_version.as_str()
            ),
            (entity, "ofac-sdn", "test-v1")
        );
    }
}

#[test]
fn sanctions_from_the_real_sdn_file() {
    let Some(path) = testkit::shared("data/ofac/sdn_2024-05-03.csv") else {
        return;
    };
    let bytes = std::fs::read(&path).expect("the shared file reads");
    // Parse only the real rows the queries need (every KIM, SANG or MAN and every row with a
    // digital-currency address); parsing all 17k rows dominated the debug run.
    let bytes: Vec<u8> = bytes
        .split_inclusive(|b| *b == b'\n')
        .filter(|l| {
            let t = String::from_utf8_lossy(l).to_uppercase();
            ["KIM", "SANG", "LAZARUS", "DIGITAL CURRENCY"]
                .iter()
                .any(|k| t.contains(k))
        })
        .flatten()
        .copied()
        .collect();
    let name = path.display().to_string();
    let parsed = ingest::parse_files(&[ingest::Input {
        name: &name,
        bytes: &bytes,
    }])
    .unwrap_or_else(|e| panic!("{e}"));
    let mut book = AddressBook::new();
    let mut lists = Vec::new();
    let mut indexed = 0;
    for p in parsed {
        // The address book takes every entry (a hash map, cheap); the name index only the
        // entries that share a name token with the queries below, which keeps every listed KIM
        // as a competitor for the alias ranking while building in milliseconds in debug.
        book.add_list(p.list.as_str(), "2024-05-03", &p.parsed.entities);
        let mut entities = p.parsed.entities;
        entities.retain(|e| {
            e.names.iter().any(|n| {
                n.full
                    .to_uppercase()
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|t| matches!(t, "KIM" | "SANG" | "MAN" | "LEE" | "ANN"))
            })
        });
        indexed += entities.len();
        lists.push((ListRef::new(p.list.as_str(), "2024-05-03"), entities));
    }
    assert!(
        indexed > 50,
        "the filter should keep the many KIM entries: {indexed}"
    );
    let screener = Screener::build(lists);
    let mut v = vetter();
    v.screener = Some(&screener);
    v.book = Some(&book);
    let r = rec(
        r#"{"subject_id":"a","claims":{"name":"Ann Lee","payment_destinations":[{"kind":"crypto","address":"0x098B716B8Aaf21512996dC57EB0615e2383E2f96"}]}}"#,
    );
    let report = v.vet(&[Parsed { line: 1, record: r }]);
    let s = &report.subjects[0];
    assert_eq!(s.band, Band::Blocked);
    let e = s.findings[0]
        .list_entry
        .as_ref()
        .unwrap_or_else(|| unreachable!());
    assert_eq!(
        (
            e.entity_id.as_str(),
            e.name.as_str(),
            e.list_version.as_str()
        ),
        ("ofac:27307", "LAZARUS GROUP", "2024-05-03")
    );
    let r = rec(r#"{"subject_id":"b","claims":{"name":"Sang Man Kim","birth_date":"1965-04-25"}}"#);
    let report = v.vet(&[Parsed { line: 1, record: r }]);
    assert_eq!(report.subjects[0].band, Band::Blocked);
    assert_eq!(report.subjects[0].findings[0].signal, "SX-1");
}

#[test]
fn leads_are_low_weight_with_provenance() {
    let (leads, diags) = vetting::Leads::parse(
        "leads.csv",
        "cluster,persona,type,value,note\nC1,Benjamin Nguyen,email,benguyen0214@gmail.com,\nC1,Benjamin Nguyen,github,ponyjackal,\nC1,Benjamin Nguyen,name_alias,Ann Lee,\n",
    );
    // The name alias is kept for reviewers and said so, never silently dropped.
    let shown: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    assert_eq!(diags.len(), 1, "{shown:?}");
    assert_eq!(diags[0].severity, model::Severity::Info);
    let mut v = vetter();
    v.leads = Some(Box::leak(Box::new(leads)));
    let r = rec(
        r#"{"subject_id":"a","claims":{"name":"Ann Lee","emails":["Ben.Guyen0214@gmail.com"],"profiles":[{"platform":"github","handle":"PonyJackal"}]}}"#,
    );
    let report = v.vet(&[Parsed { line: 1, record: r }]);
    let s = &report.subjects[0];
    let leads: Vec<(&str, f64, &str)> = s
        .findings
        .iter()
        .filter(|f| f.signal == "L-10")
        .map(|f| {
            (
                f.signal,
                f.weight,
                f.lead.as_ref().map(|l| l.kind.as_str()).unwrap_or(""),
            )
        })
        .collect();
    // The name alias is never matched; leads alone stay in one category and cannot reach high.
    assert_eq!(
        leads,
        vec![("L-10", 20.0, "email"), ("L-10", 20.0, "github")]
    );
    assert_eq!(s.band, Band::Review);
}

#[test]
fn scoring_combines_with_diminishing_returns() {
    use vetting::finding::Finding;
    let f = |id: &str, w: f64| Finding::new(id, w, String::new());
    // The note's worked example: L-2 35 + L-3 35 + R-13 5 → 59.9.
    assert_eq!(
        vetting::score(&[f("L-2", 35.0), f("L-3", 35.0), f("R-13", 5.0)]),
        (59.9, 2)
    );
    // Within a category: 35 + 20/2.
    assert_eq!(vetting::score(&[f("L-3", 35.0), f("R-4", 20.0)]), (45.0, 1));
    assert_eq!(vetting::band(45.0, 1, false), Band::Review);
    assert_eq!(vetting::band(45.0, 2, false), Band::High);
    assert_eq!(vetting::band(10.0, 1, true), Band::Blocked);
    assert_eq!(vetting::band(19.9, 1, false), Band::Clear);
}

#[test]
fn malformed_lines_become_diagnostics() {
    let text = "{\"subject_id\":\"a\"}\nnot json\n\n{\"claims\":{}}\n{\"subject_id\":\"a\"}\n{\"subject_id\":\"b\",\"claims\":{\"government_ids\":[{\"number\":123456789}]}}\n{\"subject_id\":\"c\"}\n";
    let (parsed, diags) = vetting::parse_lines("r.jsonl", text);
    let ids: Vec<&str> = parsed
        .iter()
        .map(|p| p.record.subject_id.as_str())
        .collect();
    assert_eq!(ids, vec!["a", "c"]);
    let lines: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        lines,
        vec![
            "r.jsonl:2: error: The line is not a valid subject record (Syntax error at column 2).",
            "r.jsonl:4: error: The record has no subject_id.",
            "r.jsonl:5: error: [a] This subject id was already used on an earlier line; the record was skipped.",
            "r.jsonl:6: error: The line is not a valid subject record (Data error at column 65).",
        ]
    );
    // The diagnostic never quotes the offending value.
    assert!(!lines.iter().any(|l| l.contains("123456789")));
}

#[test]
fn explanations_snapshot() {
    let r = rec(
        r#"{"subject_id":"a","claims":{"name":"Ann Lee","address":{"lines":["1 Oak St"],"city":"Austin","country":"US"},"government_ids":[{"type":"ssn","number":"666-12-3456"}]},"observations":{"shipments":[{"address":{"lines":["500 Main St PMB 12"],"city":"Dover","country":"US"},"address_changed_at":"2024-02-08","dispatched_at":"2024-02-10"}]}}"#,
    );
    let mut f = vetter().record_findings(&r);
    vetting::sort_findings(&mut f);
    insta::assert_json_snapshot!(f);
}

proptest::proptest! {
    #[test]
    fn parsing_never_panics(s in "\\PC*") {
        let _ = vetting::parse_lines("x", &s);
    }

    #[test]
    fn parsing_json_like_never_panics(s in "\\{\"subject_id\":\"[a-z]{1,3}\",\"claims\":\\{[ -~]{0,60}\\}\\}") {
        if let Ok(r) = vetting::parse_line(&s) {
            let _ = vetter().record_findings(&r);
        }
    }
}

#[test]
fn signals_from_the_extended_record() {
    let cases: &[(&str, &[(&str, f64)])] = &[
        // R-7: crypto pay well below the band; not when in band or not crypto.
        (
            r#"{"subject_id":"a","claims":{"pay_request":{"rate":40,"band_low":70,"crypto":true}}}"#,
            &[("R-7", 5.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"pay_request":{"rate":60,"band_low":70,"crypto":true}}}"#,
            &[],
        ),
        (
            r#"{"subject_id":"a","claims":{"pay_request":{"rate":40,"band_low":70,"crypto":false}}}"#,
            &[],
        ),
        // R-11: another display name; several photos; a shortened own name is fine.
        (
            r#"{"subject_id":"a","claims":{"name":"Ann Marie Lee","profiles":[{"platform":"linkedin","display_name":"Kevin Park"}]}}"#,
            &[("R-11", 15.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"name":"Ann Marie Lee","profiles":[{"platform":"linkedin","display_name":"Ann Lee"}]}}"#,
            &[],
        ),
        (
            r#"{"subject_id":"a","claims":{"name":"Ann Lee","other_names":["Ann Smith"],"profiles":[{"platform":"github","display_name":"Ann Smith"}]}}"#,
            &[],
        ),
        (
            r#"{"subject_id":"a","claims":{"name":"Ann Lee","profiles":[{"platform":"github","avatar_hash":"ab12"},{"platform":"linkedin","avatar_hash":"ff00"}]}}"#,
            &[("R-11", 10.0)],
        ),
        // R-12: free host with unverifiable testimonials; a free host alone is not flagged.
        (
            r#"{"subject_id":"a","claims":{"profiles":[{"platform":"website","url":"https://ann-dev.netlify.app/about","testimonials_verified":false}]}}"#,
            &[("R-12", 5.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"profiles":[{"platform":"website","url":"https://ann-dev.netlify.app/"}]}}"#,
            &[],
        ),
        (
            r#"{"subject_id":"a","claims":{"profiles":[{"platform":"website","url":"https://anndev.com/","testimonials_verified":false}]}}"#,
            &[],
        ),
        // R-14: non-fixed VoIP, recently ported, changed repeatedly.
        (
            r#"{"subject_id":"a","applied_at":"2024-03-01","observations":{"phone_checks":[{"number":"+1 415 555 0100","line_type":"non_fixed_voip","ported_at":"2024-02-01"}],"phone_changes":2}}"#,
            &[("R-14", 5.0), ("R-14", 5.0), ("R-14", 10.0)],
        ),
        (
            r#"{"subject_id":"a","applied_at":"2024-03-01","observations":{"phone_checks":[{"number":"+1 415 555 0100","line_type":"mobile","ported_at":"2021-02-01"}],"phone_changes":1}}"#,
            &[],
        ),
        // L-6 within one identity: two faces across sessions, only with consent.
        (
            r#"{"subject_id":"a","observations":{"biometric_consent":true,"interviews":[{"face_id":"f1"},{"face_id":"f2"}]}}"#,
            &[("L-6", 25.0)],
        ),
        (
            r#"{"subject_id":"a","observations":{"interviews":[{"face_id":"f1"},{"face_id":"f2"}]}}"#,
            &[],
        ),
        (
            r#"{"subject_id":"a","claims":{"government_ids":[{"type":"passport","number":"X1234567","portrait_face_id":"f1"}]},"observations":{"biometric_consent":true,"interviews":[{"face_id":"f1"}]}}"#,
            &[],
        ),
        // B-4: night hours in the claimed zone (06–12 UTC is 00–06 at UTC-6); long sessions.
        (
            r#"{"subject_id":"a","claims":{"utc_offset":"-06:00"},"observations":{"activity":{"hours_utc":[0,0,0,0,0,0,9,9,9,9,9,9,1,1,0,0,0,0,0,0,0,0,0,0],"longest_session_hours":30}}}"#,
            &[("B-4", 5.0), ("B-4", 10.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"utc_offset":"+09:00"},"observations":{"activity":{"hours_utc":[9,9,9,9,9,9,0,0,0,0,0,0,1,1,0,0,0,0,0,0,0,0,0,0]}}}"#,
            &[],
        ),
        (
            r#"{"subject_id":"a","claims":{"utc_offset":"-06:00"},"observations":{"activity":{"hours_utc":[0,0,0,0,0,0,2,2,2,2,2,2,0,0,0,0,0,0,0,0,0,0,0,0]}}}"#,
            &[],
        ),
        // B-5: cookie reuse and repositories cloned out.
        (
            r#"{"subject_id":"a","observations":{"security_events":[{"kind":"cookie_reuse"},{"kind":"personal_repo_clone","count":42}]}}"#,
            &[("B-5", 20.0)],
        ),
        (
            r#"{"subject_id":"a","observations":{"security_events":[{"kind":"password_reset"}]}}"#,
            &[],
        ),
        // B-6: concurrent activity at another consortium member; sequential is not flagged.
        (
            r#"{"subject_id":"a","observations":{"consortium_matches":[{"member":"m2","key":"device","concurrent":true}]}}"#,
            &[("B-6", 20.0)],
        ),
        (
            r#"{"subject_id":"a","observations":{"consortium_matches":[{"member":"m2","key":"identity","concurrent":false}]}}"#,
            &[],
        ),
        // B-7: privilege requests outside approval; approved ones are not flagged.
        (
            r#"{"subject_id":"a","observations":{"privilege_requests":[{"kind":"multisig_signer"},{"kind":"admin","approved":true}]}}"#,
            &[("B-7", 15.0)],
        ),
        (
            r#"{"subject_id":"a","observations":{"privilege_requests":[{"kind":"add_member"}]}}"#,
            &[("B-7", 10.0)],
        ),
        // B-8: three or more unauthorised charges.
        (
            r#"{"subject_id":"a","observations":{"card_charges":[{"amount":9.99},{"amount":12.5},{"amount":4},{"amount":300,"authorised":true}]}}"#,
            &[("B-8", 20.0)],
        ),
        (
            r#"{"subject_id":"a","observations":{"card_charges":[{"amount":9.99},{"amount":12.5,"authorised":true}]}}"#,
            &[],
        ),
        // LX-1: hops from a listed address or a worker cluster; exchange paths and addresses
        // that are not the subject's are ignored.
        (
            r#"{"subject_id":"a","claims":{"payment_destinations":[{"kind":"crypto","address":"0xabc"}]},"observations":{"address_exposure":[{"address":"0xABC","hops":1,"attribution":"sdn"}]}}"#,
            &[("LX-1", 40.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"payment_destinations":[{"kind":"crypto","address":"0xabc"}]},"observations":{"address_exposure":[{"address":"0xabc","hops":3,"attribution":"worker_cluster"}]}}"#,
            &[("LX-1", 25.0)],
        ),
        (
            r#"{"subject_id":"a","claims":{"payment_destinations":[{"kind":"crypto","address":"0xabc"}]},"observations":{"address_exposure":[{"address":"0xabc","hops":1,"attribution":"sdn","via_exchange":true}]}}"#,
            &[],
        ),
        (
            r#"{"subject_id":"a","observations":{"address_exposure":[{"address":"0xdef","hops":1,"attribution":"sdn"}]}}"#,
            &[],
        ),
    ];
    for (json, want) in cases {
        check(json, want);
    }
}

#[test]
fn face_and_referral_links() {
    // L-6 across subjects: the same face under two names, with consent on both.
    check_link(
        &[
            r#"{"subject_id":"a","claims":{"name":"Ann Lee"},"observations":{"biometric_consent":true,"interviews":[{"face_id":"f9"}]}}"#,
            r#"{"subject_id":"b","claims":{"name":"Bo Park"},"observations":{"biometric_consent":true,"interviews":[{"face_id":"f9"}]}}"#,
        ],
        &[("L-6", 30.0)],
    );
    // Without consent on one side nothing is compared.
    check_link(
        &[
            r#"{"subject_id":"a","claims":{"name":"Ann Lee"},"observations":{"biometric_consent":true,"interviews":[{"face_id":"f9"}]}}"#,
            r#"{"subject_id":"b","claims":{"name":"Bo Park"},"observations":{"interviews":[{"face_id":"f9"}]}}"#,
        ],
        &[],
    );
    // L-8: referred by a subject at review or above; B-7 on a subject who referred three.
    let referrer =
        r#"{"subject_id":"r","claims":{"government_ids":[{"type":"ssn","number":"666-12-3456"}]}}"#;
    let clean = r#"{"subject_id":"r","claims":{"name":"Ann Lee"}}"#;
    let kid = |id: &str| {
        format!(r#"{{"subject_id":"{id}","claims":{{"name":"K {id}","referred_by":"r"}}}}"#)
    };
    let (x, y, z) = (kid("x"), kid("y"), kid("z"));
    let signals = |jsons: &[&str]| -> Vec<Vec<&'static str>> {
        let parsed: Vec<Parsed> = jsons
            .iter()
            .enumerate()
            .map(|(i, j)| Parsed {
                line: i as u64 + 1,
                record: rec(j),
            })
            .collect();
        vetter()
            .vet(&parsed)
            .subjects
            .iter()
            .map(|s| {
                let mut v: Vec<&str> = s.findings.iter().map(|f| f.signal).collect();
                v.sort();
                v
            })
            .collect()
    };
    assert_eq!(
        signals(&[referrer, &x, &y, &z]),
        vec![vec!["B-7", "R-1"], vec!["L-8"], vec!["L-8"], vec!["L-8"]]
    );
    assert_eq!(signals(&[clean, &x]), vec![Vec::<&str>::new(), vec![]]);
}

#[test]
fn leads_from_several_files_keep_every_source() {
    let (mut a, _) = vetting::Leads::parse(
        "a.csv",
        "cluster,persona,type,value\nC1,P1,email,x@example.com\n",
    );
    let (b, _) = vetting::Leads::parse(
        "b.csv",
        "cluster,persona,type,value\nC7,P9,email,x@example.com\nC7,P9,github,octo\n",
    );
    a.merge(b);
    assert_eq!(a.len(), 2);
    let r = rec(r#"{"subject_id":"s","claims":{"emails":["x@example.com"]}}"#);
    let files: Vec<String> = a
        .matches(&r)
        .iter()
        .filter_map(|f| f.lead.as_ref().map(|l| l.file.clone()))
        .collect();
    assert_eq!(files, vec!["a.csv", "b.csv"]);
}
