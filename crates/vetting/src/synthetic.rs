//! A deterministic generator of subject records with planted truth, for tests and benchmarks.
//!
//! Every 1,000 subjects (and at least once) it plants: a laptop farm (4 workers sharing a
//! shipping address and a payout account, three of them referred by the fourth), a stolen SSN
//! used by two workers, a facilitator paying three workers into one crypto address (requested
//! below the band, two hops from an attributed worker wallet), two workers on an anonymiser with
//! an IP-KVM (night hours in the claimed time zone, cookie reuse, VoIP phones, a concurrent job
//! at a consortium member), and one operator behind two personas (same face per the vendor,
//! another name on LinkedIn, VoIP phones); and benign look-alikes: a shared household, five
//! colleagues on the corporate VPN, three members of a co-working space, a legitimate name
//! change and a night-shift worker with a simple portfolio, referred by a colleague. The rest is
//! background noise with unique values.

use std::collections::BTreeSet;

use crate::keys;
use crate::record::*;

/// The anonymiser list that goes with generated records: an Astrill-attributed range and the
/// corporate VPN egress (allowed).
pub const ANONYMIZERS: &str =
    "# Synthetic anonymiser ranges\n142.214.202.0/24 astrill\n!198.51.100.0/24 corporate-vpn\n";

/// The planted truth.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Truth {
    /// Subjects of planted infiltration cases (must reach the high band).
    pub infiltration: BTreeSet<String>,
    /// Subjects of benign look-alikes (must stay at or below review).
    pub benign: BTreeSet<String>,
    /// Each planted scenario: its kind and members.
    pub scenarios: Vec<(String, Vec<String>)>,
}

/// splitmix64: small, fast and reproducible across platforms.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// A number below `n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    fn pick<'a>(&mut self, xs: &'a [&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

const GIVEN: &[&str] = &[
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Maria",
    "Wei",
    "Priya",
    "Ahmed",
    "Olga",
    "Kenji",
    "Fatima",
    "Lucas",
    "Emma",
    "Noah",
    "Ava",
];
const FAMILY: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
];
const STREETS: &[&str] = &[
    "Main",
    "Oak",
    "Pine",
    "Maple",
    "Cedar",
    "Elm",
    "Washington",
    "Lake",
    "Hill",
    "Park",
];
const CITIES: &[(&str, &str)] = &[
    ("Austin", "TX"),
    ("Denver", "CO"),
    ("Columbus", "OH"),
    ("Phoenix", "AZ"),
    ("Nashville", "TN"),
    ("Portland", "OR"),
    ("Raleigh", "NC"),
    ("Tampa", "FL"),
    ("Madison", "WI"),
    ("Boise", "ID"),
];
const WORDS: &[&str] = &[
    "built",
    "led",
    "designed",
    "scalable",
    "services",
    "react",
    "rust",
    "python",
    "kubernetes",
    "pipelines",
    "migrated",
    "legacy",
    "systems",
    "cloud",
    "aws",
    "latency",
    "reduced",
    "team",
    "mentored",
    "engineers",
    "payments",
    "platform",
    "api",
    "graphql",
    "postgres",
    "kafka",
    "streaming",
    "data",
    "models",
    "frontend",
    "backend",
    "mobile",
    "ios",
    "android",
    "testing",
    "automation",
    "security",
    "audits",
    "smart",
    "contracts",
    "solidity",
    "defi",
    "protocol",
    "wallet",
    "integration",
    "dashboards",
    "analytics",
    "performance",
    "caching",
    "search",
];

struct Gen {
    rng: Rng,
    next_id: u64,
    next_ssn: u64,
}

impl Gen {
    fn id(&mut self) -> String {
        self.next_id += 1;
        format!("S{:07}", self.next_id)
    }

    fn name(&mut self) -> (String, String) {
        let g = self.rng.pick(GIVEN).to_string();
        let f = self.rng.pick(FAMILY).to_string();
        (format!("{g} {f}"), f)
    }

    fn address(&mut self) -> PostalAddress {
        let (city, region) = CITIES[self.rng.below(CITIES.len() as u64) as usize];
        PostalAddress {
            lines: vec![format!(
                "{} {} Street Apt {}",
                1 + self.rng.below(9999),
                self.rng.pick(STREETS),
                1 + self.rng.below(999)
            )],
            city: Some(city.into()),
            region: Some(region.into()),
            postcode: Some(format!("{:05}", 10000 + self.rng.below(89999))),
            country: Some("US".into()),
        }
    }

    fn ssn(&mut self) -> String {
        // Valid structure, area below 734 so that no rule fires on background subjects, and
        // unique: random draws from the 6.5e8 valid numbers collide about 800 times in a
        // million subjects, and every accidental collision looks like a stolen identity (L-1).
        // The sequence is spread over areas, groups and serials by a prime multiplier that
        // shares no factor with the size of the space, so no two subjects draw the same number.
        const SPACE: u64 = 660 * 98 * 9998;
        self.next_ssn += 1;
        let x = self.next_ssn.wrapping_mul(1_000_003) % SPACE;
        format!(
            "{:03}-{:02}-{:04}",
            1 + x % 660,
            1 + (x / 660) % 98,
            1 + x / (660 * 98)
        )
    }

    fn resume(&mut self, words: usize) -> String {
        (0..words)
            .map(|_| self.rng.pick(WORDS))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn ip(&mut self) -> String {
        format!(
            "{}.{}.{}.{}",
            11 + self.rng.below(180),
            self.rng.below(256),
            self.rng.below(256),
            1 + self.rng.below(254)
        )
    }

    fn time(&mut self) -> String {
        format!(
            "2024-{:02}-{:02}T{:02}:{:02}:00Z",
            1 + self.rng.below(12),
            1 + self.rng.below(28),
            self.rng.below(24),
            self.rng.below(60)
        )
    }

    /// A clean background subject.
    fn subject(&mut self) -> Record {
        let id = self.id();
        let (name, _) = self.name();
        let home = self.address();
        let n = self.next_id;
        let local = name.to_lowercase().replace(' ', ".");
        let mut logins = Vec::new();
        for _ in 0..3 {
            let (ip, time) = (self.ip(), self.time());
            logins.push(LoginEvent {
                time,
                ip,
                country: Some("US".into()),
                corporate_egress: false,
            });
        }
        Record {
            subject_id: id,
            applied_at: Some("2024-01-15".into()),
            claims: Claims {
                name: name.clone(),
                birth_date: Some(format!(
                    "{}-{:02}-{:02}",
                    1960 + self.rng.below(40),
                    1 + self.rng.below(12),
                    1 + self.rng.below(28)
                )),
                residence_country: Some("US".into()),
                address: Some(home.clone()),
                government_ids: vec![GovernmentId {
                    kind: "ssn".into(),
                    number: self.ssn(),
                    ..GovernmentId::default()
                }],
                emails: vec![format!("{local}.{n}@example.com")],
                phones: vec![format!(
                    "+1 {:03} {:07}",
                    200 + self.rng.below(799),
                    n % 10_000_000
                )],
                profiles: vec![OnlineProfile {
                    platform: "github".into(),
                    handle: Some(format!("dev{n}")),
                    ..OnlineProfile::default()
                }],
                employment: vec![Employment {
                    organisation: "Initech Software".into(),
                    country: Some("US".into()),
                    start: Some(format!("{}", 2005 + self.rng.below(15))),
                    end: None,
                }],
                resume_text: Some(self.resume(40)),
                payment_destinations: vec![PaymentDestination {
                    kind: "ach".into(),
                    account: Some(format!(
                        "{:012}",
                        n * 7919 + self.rng.below(1000) * 1_000_000_000
                    )),
                    routing: Some("021000021".into()),
                    holder_name: Some(name),
                    country: Some("US".into()),
                    effective_from: Some("2024-02-01".into()),
                    ..PaymentDestination::default()
                }],
                ..Claims::default()
            },
            observations: Observations {
                logins,
                devices: vec![Device {
                    asset_id: Some(format!("A{n}")),
                    serial: Some(format!("C02X{n:08}")),
                    software: vec!["Slack".into(), "Zoom".into(), "Visual Studio Code".into()],
                    usb: vec![UsbDevice {
                        vendor_id: Some("046d".into()),
                        product_id: Some("c52b".into()),
                        name: Some("Logitech Unifying Receiver".into()),
                    }],
                    first_checkin_country: Some("US".into()),
                }],
                shipments: vec![Shipment {
                    asset_id: Some(format!("A{n}")),
                    address: home,
                    address_changed_at: None,
                    dispatched_at: Some("2024-02-10".into()),
                }],
                interviews: vec![InterviewSession {
                    time: Some("2024-01-20".into()),
                    country: Some("US".into()),
                    ..InterviewSession::default()
                }],
                ..Observations::default()
            },
        }
    }
}

fn ship_elsewhere(r: &mut Record, to: &PostalAddress, changed_days_before: Option<u32>) {
    if let Some(s) = r.observations.shipments.first_mut() {
        s.address = to.clone();
        s.address_changed_at = changed_days_before.map(|d| format!("2024-02-{:02}", 10 - d.min(9)));
    }
}

impl Truth {
    /// The truth file `interdict vet generate` writes next to the records.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "infiltration": self.infiltration,
            "benign": self.benign,
            "scenarios": self.scenarios,
        })
    }
}

/// Writes records as JSON lines, the input form of the vet pipeline.
pub fn write_records(records: &[Record], mut w: impl std::io::Write) -> std::io::Result<()> {
    for r in records {
        serde_json::to_writer(&mut w, r)?;
        w.write_all(b"\n")?;
    }
    w.flush()
}

/// Generates `n` subjects (at least the planted ones) from a seed, with the planted truth.
pub fn generate(n: usize, seed: u64) -> (Vec<Record>, Truth) {
    let mut g = Gen {
        rng: Rng::new(seed),
        next_id: 0,
        next_ssn: 0,
    };
    let mut out: Vec<Record> = Vec::with_capacity(n);
    let mut truth = Truth::default();
    let blocks = (n / 1000).max(1);
    for b in 0..blocks {
        plant(&mut g, &mut out, &mut truth, b);
        plant_variants(&mut g, &mut out, &mut truth, b);
    }
    while out.len() < n {
        let s = g.subject();
        out.push(s);
    }
    (out, truth)
}

fn record_case(truth: &mut Truth, kind: &str, members: &[Record], bad: bool) {
    let ids: Vec<String> = members.iter().map(|r| r.subject_id.clone()).collect();
    for id in &ids {
        if bad {
            truth.infiltration.insert(id.clone());
        } else {
            truth.benign.insert(id.clone());
        }
    }
    truth.scenarios.push((kind.to_string(), ids));
}

fn plant(g: &mut Gen, out: &mut Vec<Record>, truth: &mut Truth, block: usize) {
    // Laptop farm: four workers, one facilitator address and account, a shared résumé template.
    let farm_addr = g.address();
    let (facilitator, _) = g.name();
    let account = format!("9{:011}", 1000 + block);
    let template = g.resume(45);
    let mut farm: Vec<Record> = (0..4).map(|_| g.subject()).collect();
    for r in &mut farm {
        ship_elsewhere(r, &farm_addr, Some(2));
        let p = &mut r.claims.payment_destinations[0];
        p.account = Some(account.clone());
        p.holder_name = Some(facilitator.clone());
        r.claims.resume_text = Some(format!("{} {template}", r.claims.name));
    }
    let boss = farm[0].subject_id.clone();
    for r in &mut farm[1..] {
        r.claims.referred_by = Some(boss.clone());
    }
    record_case(truth, "laptop_farm", &farm, true);
    out.extend(farm);

    // Stolen SSN: two workers with different names and birth dates, both shipping elsewhere.
    let stolen = g.ssn();
    let mut pair: Vec<Record> = (0..2).map(|_| g.subject()).collect();
    for r in &mut pair {
        r.claims.government_ids[0].number = stolen.clone();
        let to = g.address();
        ship_elsewhere(r, &to, Some(3));
    }
    record_case(truth, "stolen_ssn", &pair, true);
    out.extend(pair);

    // Facilitator: three workers move pay to one crypto address in the facilitator's name and
    // give the facilitator's phone.
    let (fac, _) = g.name();
    let wallet = format!("0x{:040x}", 0xfeed_0000_u64 + block as u64);
    let phone = format!("+1 555 01{:05}", block % 100_000);
    let mut paid: Vec<Record> = distinct_surnames(g, 3);
    for r in &mut paid {
        r.claims.payment_destinations.push(PaymentDestination {
            kind: "crypto".into(),
            address: Some(wallet.clone()),
            chain: Some("ETH".into()),
            holder_name: Some(fac.clone()),
            effective_from: Some("2024-05-01".into()),
            ..PaymentDestination::default()
        });
        r.claims.phones = vec![phone.clone()];
        r.claims.pay_request = Some(PayRequest {
            rate: 40.0,
            band_low: 70.0,
            crypto: true,
        });
        r.observations.address_exposure.push(AddressExposure {
            address: wallet.clone(),
            hops: 2,
            attribution: "worker_cluster".into(),
            counterparty: Some(format!("consolidation wallet W{block}")),
            via_exchange: false,
            source: Some("synthetic chain analytics".into()),
        });
    }
    record_case(truth, "facilitator", &paid, true);
    out.extend(paid);

    // Anonymiser and IP-KVM: two unrelated workers.
    let mut kvm: Vec<Record> = (0..2).map(|_| g.subject()).collect();
    for r in &mut kvm {
        for l in &mut r.observations.logins {
            l.ip = format!("142.214.202.{}", 2 + g.rng.below(250));
        }
        r.observations.devices[0].usb.push(UsbDevice {
            vendor_id: Some("1d6b".into()),
            product_id: Some("0104".into()),
            name: Some("PiKVM Composite Gadget".into()),
        });
        night_hours(r, &mut g.rng);
        r.observations.security_events.push(SecurityEvent {
            kind: "cookie_reuse".into(),
            time: Some("2024-03-10".into()),
            count: None,
        });
        voip(r);
        r.observations.consortium_matches.push(ConsortiumMatch {
            member: format!("member-{}", 1 + block % 7),
            key: "device".into(),
            concurrent: true,
        });
    }
    record_case(truth, "anonymiser_kvm", &kvm, true);
    out.extend(kvm);

    // One operator behind two personas: the face-match vendor (with consent) sees the same face
    // under two names; LinkedIn shows a third name; both give VoIP phones.
    let face = format!("face-{block:06}");
    let mut personas: Vec<Record> = (0..2).map(|_| g.subject()).collect();
    let mut alias = g.name().0;
    while personas.iter().any(|p| p.claims.name == alias) {
        alias = g.name().0;
    }
    for r in &mut personas {
        r.observations.biometric_consent = true;
        for i in &mut r.observations.interviews {
            i.face_id = Some(face.clone());
        }
        r.claims.profiles.push(OnlineProfile {
            platform: "linkedin".into(),
            handle: Some(format!("in-{}", r.subject_id.to_lowercase())),
            display_name: Some(alias.clone()),
            ..OnlineProfile::default()
        });
        voip(r);
    }
    record_case(truth, "persona_pair", &personas, true);
    out.extend(personas);

    // Benign: a household of two with the same surname, home and joint account.
    let (_, surname) = g.name();
    let home = g.address();
    let joint = format!("8{:011}", 1000 + block);
    let mut house: Vec<Record> = (0..2).map(|_| g.subject()).collect();
    for r in &mut house {
        let given = r
            .claims
            .name
            .split(' ')
            .next()
            .unwrap_or("Alex")
            .to_string();
        r.claims.name = format!("{given} {surname}");
        r.claims.address = Some(home.clone());
        ship_elsewhere(r, &home, None);
        let p = &mut r.claims.payment_destinations[0];
        p.account = Some(joint.clone());
        p.holder_name = None;
    }
    record_case(truth, "household", &house, false);
    out.extend(house);

    // Benign: five colleagues signing in through the corporate VPN in the same hour.
    let mut vpn: Vec<Record> = (0..5).map(|_| g.subject()).collect();
    for r in &mut vpn {
        r.observations.logins.push(LoginEvent {
            time: "2024-03-04T09:15:00Z".into(),
            ip: "198.51.100.7".into(),
            country: Some("US".into()),
            corporate_egress: true,
        });
    }
    record_case(truth, "corporate_vpn", &vpn, false);
    out.extend(vpn);

    // Benign: three members of a co-working space have equipment shipped there.
    let cowork = PostalAddress {
        lines: vec![format!("{} Market Street Suite 200", 100 + block)],
        city: Some("Denver".into()),
        region: Some("CO".into()),
        postcode: Some("80202".into()),
        country: Some("US".into()),
    };
    let mut co: Vec<Record> = (0..3).map(|_| g.subject()).collect();
    for r in &mut co {
        ship_elsewhere(r, &cowork, None);
    }
    record_case(truth, "coworking", &co, false);
    out.extend(co);

    // Benign: a legitimate name change; the person re-applied under the new name with the same
    // SSN and birth date and declares the former name.
    let first = g.subject();
    let mut second = g.subject();
    second.claims.government_ids = first.claims.government_ids.clone();
    second.claims.birth_date = first.claims.birth_date.clone();
    let given = first
        .claims
        .name
        .split(' ')
        .next()
        .unwrap_or("Alex")
        .to_string();
    second.claims.name = format!("{given} {}", g.rng.pick(FAMILY));
    second.claims.other_names = vec![first.claims.name.clone()];
    let pairs = [first, second];
    record_case(truth, "name_change", &pairs, false);
    out.extend(pairs);

    // Benign: a night-shift worker with a simple portfolio on a free host, referred by a
    // colleague without findings.
    let colleague = g.subject();
    let mut night = g.subject();
    night_hours(&mut night, &mut g.rng);
    night.claims.referred_by = Some(colleague.subject_id.clone());
    night.claims.profiles.push(OnlineProfile {
        platform: "website".into(),
        url: Some(format!(
            "https://{}.netlify.app/",
            night.subject_id.to_lowercase()
        )),
        testimonials_verified: Some(false),
        ..OnlineProfile::default()
    });
    let one = [night];
    record_case(truth, "night_shift", &one, false);
    out.push(colleague);
    out.extend(one);
}

/// The attack variants and benign look-alikes of issue 15, written from the advisories and
/// court cases rather than from the rules: shapes the first generator did not produce.
fn plant_variants(g: &mut Gen, out: &mut Vec<Record>, truth: &mut Truth, block: usize) {
    // Attack: a relayed laptop. Residence claimed in the US, most sign-ins from abroad, a
    // remote-access tool on the device.
    let mut relay = g.subject();
    for l in &mut relay.observations.logins {
        l.country = Some(["CN", "RU", "AE", "LA"][g.rng.below(4) as usize].into());
    }
    relay.observations.devices[0]
        .software
        .push("AnyDesk".into());
    record_case(
        truth,
        "remote_operation",
        std::slice::from_ref(&relay),
        true,
    );
    out.push(relay);

    // Attack: a mail forwarder, and the device first checks in abroad.
    let mut reship = g.subject();
    let pmb = PostalAddress {
        lines: vec![format!(
            "{} Commerce Blvd PMB {}",
            100 + block % 900,
            1 + block % 500
        )],
        city: Some("Wilmington".into()),
        region: Some("DE".into()),
        postcode: Some("19801".into()),
        country: Some("US".into()),
    };
    ship_elsewhere(&mut reship, &pmb, None);
    reship.observations.devices[0].first_checkin_country = Some("CN".into());
    record_case(truth, "reshipper", std::slice::from_ref(&reship), true);
    out.push(reship);

    // Attack: a farm whose workers type the facilitator's account with and without leading
    // zeros and separators, and the farm address in three spellings.
    let farm = g.address();
    let street = farm.lines[0].replace(" Street Apt ", " St #");
    let (facilitator, _) = g.name();
    let account = format!("{:09}", 10_000_000 + block);
    let mut padded: Vec<Record> = distinct_surnames(g, 3);
    for (i, r) in padded.iter_mut().enumerate() {
        let mut to = farm.clone();
        match i {
            0 => {}
            1 => {
                to.lines = vec![street.clone()];
                to.postcode = to.postcode.map(|p| format!("{p}-0042"));
            }
            _ => to.lines = vec![farm.lines[0].replace(" Apt ", " Unit ")],
        }
        ship_elsewhere(r, &to, Some(1));
        let p = &mut r.claims.payment_destinations[0];
        p.account = Some(match i {
            0 => format!("000{account}"),
            1 => format!("{}-{}", &account[..4], &account[4..]),
            _ => account.clone(),
        });
        p.holder_name = Some(facilitator.clone());
    }
    // Attack: a candidate referred by one of those farm workers, signing in through an
    // anonymiser.
    let mut referred = g.subject();
    referred.claims.referred_by = Some(padded[0].subject_id.clone());
    for l in &mut referred.observations.logins {
        l.ip = format!("142.214.202.{}", 2 + g.rng.below(250));
    }
    record_case(truth, "formatted_farm", &padded, true);
    out.extend(padded);
    record_case(
        truth,
        "referral_chain",
        std::slice::from_ref(&referred),
        true,
    );
    out.push(referred);

    // Benign: spouses with different surnames, a joint account in both names, one home, one
    // family phone and the home IP for many hours.
    let home = g.address();
    let joint = format!("7{:011}", 1000 + block);
    let phone = format!("+1 555 02{:05}", block % 100_000);
    let home_ip = format!("73.{}.{}.{}", block % 250, (block / 250) % 250, 7);
    let mut spouses: Vec<Record> = distinct_surnames(g, 2);
    let holder = format!("{} and {}", spouses[0].claims.name, spouses[1].claims.name);
    let mut parent_child: Vec<Record> = (0..2).map(|_| g.subject()).collect();
    let base = parent_child[0].claims.name.clone();
    parent_child[0].claims.name = format!("{base} Sr.");
    parent_child[1].claims.name = format!("{base} Jr.");
    let pc_holder = format!(
        "{} & {}",
        parent_child[0].claims.name, parent_child[1].claims.name
    );
    let mut family_first: Vec<Record> = (0..2).map(|_| g.subject()).collect();
    let (g0, f0) = split_name(&family_first[0].claims.name);
    family_first[0].claims.name = format!("{} {g0}", f0.to_uppercase());
    let g1 = split_name(&family_first[1].claims.name).0;
    family_first[1].claims.name = format!("{g1} {f0}");
    let ff_holder = format!(
        "{} / {} {g1}",
        family_first[0].claims.name,
        f0.to_uppercase()
    );
    for (kind, members, holder, home, account, phone, ip) in [
        (
            "household_spouses",
            &mut spouses,
            holder,
            home,
            joint,
            phone,
            home_ip,
        ),
        (
            "household_parent_child",
            &mut parent_child,
            pc_holder,
            g.address(),
            format!("6{:011}", 1000 + block),
            format!("+1 555 03{:05}", block % 100_000),
            format!("74.{}.{}.{}", block % 250, (block / 250) % 250, 9),
        ),
        (
            "household_family_name_first",
            &mut family_first,
            ff_holder,
            g.address(),
            format!("5{:011}", 1000 + block),
            format!("+1 555 04{:05}", block % 100_000),
            format!("75.{}.{}.{}", block % 250, (block / 250) % 250, 11),
        ),
    ] {
        for r in members.iter_mut() {
            r.claims.address = Some(home.clone());
            ship_elsewhere(r, &home, None);
            let p = &mut r.claims.payment_destinations[0];
            p.account = Some(account.clone());
            p.holder_name = Some(holder.clone());
            r.claims.phones = vec![phone.clone()];
            for (h, l) in r.observations.logins.iter_mut().enumerate() {
                l.ip = ip.clone();
                l.time = format!("2024-04-{:02}T20:15:00Z", 1 + h);
            }
        }
        record_case(truth, kind, members, false);
        out.extend(members.iter().cloned());
    }

    // Benign: co-workers at a co-working space, paid through a staffing agency's account.
    let suite = PostalAddress {
        lines: vec![format!(
            "{} Broadway Suite {}",
            200 + block % 700,
            100 + block % 50
        )],
        city: Some("Nashville".into()),
        region: Some("TN".into()),
        postcode: Some("37203".into()),
        country: Some("US".into()),
    };
    let agency = format!("Northwind Staffing {} LLC", block);
    let agency_account = format!("4{:011}", 1000 + block);
    let mut cowork: Vec<Record> = distinct_surnames(g, 3);
    for r in &mut cowork {
        ship_elsewhere(r, &suite, None);
        let p = &mut r.claims.payment_destinations[0];
        p.account = Some(agency_account.clone());
        p.holder_name = Some(agency.clone());
    }
    record_case(truth, "coworking_agency", &cowork, false);
    out.extend(cowork);

    // Benign: the same address and name written differently by carrier and bank (ZIP+4, a
    // spelled-out state, "Unit" for "Apt", a dropped middle initial), a listed company as a
    // past employer, and a national id of another country than the residence.
    let mut formatted = g.subject();
    let (given, family) = split_name(&formatted.claims.name);
    formatted.claims.name = format!("{given} Q. {family}");
    if let Some(home) = formatted.claims.address.clone() {
        let mut ship = home.clone();
        ship.lines = vec![
            home.lines[0]
                .replace(" Apt ", " Unit ")
                .replace(" Street ", " St "),
        ];
        ship.region = ship.region.as_deref().map(|r| state_name(r).to_string());
        ship.postcode = ship.postcode.map(|p| format!("{p}-1234"));
        ship_elsewhere(&mut formatted, &ship, None);
    }
    formatted.claims.payment_destinations[0].holder_name = Some(format!("{given} {family}"));
    formatted.claims.employment.push(Employment {
        organisation: "Chinyong Information Technology Cooperation Company".into(),
        country: Some("RU".into()),
        start: Some("2012".into()),
        end: Some("2014".into()),
    });
    formatted.claims.government_ids.push(GovernmentId {
        kind: "national_id".into(),
        number: format!("FR{:010}", 1000 + block),
        issuer_country: Some("FR".into()),
        ..GovernmentId::default()
    });
    record_case(
        truth,
        "formatting_and_history",
        std::slice::from_ref(&formatted),
        false,
    );
    out.push(formatted);

    // Benign: colleagues behind the corporate VPN, known only from the allowed range (the
    // identity provider did not flag the sign-ins).
    let mut vpn: Vec<Record> = (0..4).map(|_| g.subject()).collect();
    for r in &mut vpn {
        for l in r.observations.logins.iter_mut().take(2) {
            l.ip = format!("198.51.100.{}", 20 + block % 200);
            l.time = "2024-05-06T14:05:00Z".into();
        }
    }
    record_case(truth, "allowed_vpn_range", &vpn, false);
    out.extend(vpn);

    // Benign: a traveller signing in from abroad, without any remote-access tool.
    let mut traveller = g.subject();
    for l in &mut traveller.observations.logins {
        l.country = Some("PT".into());
    }
    record_case(truth, "traveller", std::slice::from_ref(&traveller), false);
    out.push(traveller);
}

/// The given and family name of a generated "Given Family" name.
fn split_name(name: &str) -> (String, String) {
    let mut it = name.split(' ');
    let given = it.next().unwrap_or("Alex").to_string();
    let family = it.next_back().unwrap_or("Smith").to_string();
    (given, family)
}

/// The spelled-out name of a generated city's state.
fn state_name(code: &str) -> &str {
    match code {
        "TX" => "Texas",
        "CO" => "Colorado",
        "OH" => "Ohio",
        "AZ" => "Arizona",
        "TN" => "Tennessee",
        "OR" => "Oregon",
        "NC" => "North Carolina",
        "FL" => "Florida",
        "WI" => "Wisconsin",
        "ID" => "Idaho",
        other => other,
    }
}

/// `n` background subjects with pairwise different surnames: workers who share a surname and a
/// key look like a household by design, which a random draw from 30 surnames produces now and
/// then.
fn distinct_surnames(g: &mut Gen, n: usize) -> Vec<Record> {
    let mut out: Vec<Record> = Vec::with_capacity(n);
    while out.len() < n {
        let r = g.subject();
        let s = keys::surname(&r.claims.name);
        if out.iter().all(|o| keys::surname(&o.claims.name) != s) {
            out.push(r);
        } else {
            // Keep the draw but give it a surname no other member has.
            let mut r = r;
            let given = r
                .claims
                .name
                .split(' ')
                .next()
                .unwrap_or("Alex")
                .to_string();
            let taken: Vec<String> = out.iter().map(|o| keys::surname(&o.claims.name)).collect();
            if let Some(f) = FAMILY.iter().find(|f| !taken.contains(&keys::surname(f))) {
                r.claims.name = format!("{given} {f}");
                if let Some(p) = r.claims.payment_destinations.first_mut() {
                    p.holder_name = Some(r.claims.name.clone());
                }
            }
            out.push(r);
        }
    }
    out
}

/// Activity concentrated between 00:00 and 06:00 in a claimed US Central time zone.
fn night_hours(r: &mut Record, rng: &mut Rng) {
    r.claims.utc_offset = Some("-06:00".into());
    let mut hours = vec![0u32; 24];
    for (h, v) in hours.iter_mut().enumerate() {
        *v = if (6..12).contains(&h) {
            20 + rng.below(10) as u32
        } else {
            rng.below(3) as u32
        };
    }
    r.observations.activity = Some(ActivityProfile {
        hours_utc: hours,
        longest_session_hours: None,
        source: Some("commits".into()),
    });
}

/// The subject's phone is a non-fixed VoIP line per a carrier lookup.
fn voip(r: &mut Record) {
    if let Some(p) = r.claims.phones.first() {
        r.observations.phone_checks.push(PhoneCheck {
            number: p.clone(),
            line_type: Some("non_fixed_voip".into()),
            ported_at: None,
            source: Some("synthetic carrier lookup".into()),
        });
    }
}

/// Precision and recall of the high band (high or blocked) against the planted infiltration,
/// and how many benign look-alikes ended above review.
pub fn evaluate(report: &crate::Report, truth: &Truth) -> (f64, f64, usize) {
    let flagged: BTreeSet<&str> = report
        .subjects
        .iter()
        .filter(|s| s.band >= crate::Band::High)
        .map(|s| s.subject_id.as_str())
        .collect();
    let tp = truth
        .infiltration
        .iter()
        .filter(|s| flagged.contains(s.as_str()))
        .count();
    let precision = if flagged.is_empty() {
        1.0
    } else {
        tp as f64 / flagged.len() as f64
    };
    let recall = if truth.infiltration.is_empty() {
        1.0
    } else {
        tp as f64 / truth.infiltration.len() as f64
    };
    let benign_high = truth
        .benign
        .iter()
        .filter(|s| flagged.contains(s.as_str()))
        .count();
    (precision, recall, benign_high)
}
