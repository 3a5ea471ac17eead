//! Screenshots of every workbench page with realistic data, for `docs/ui/`.
//!
//! Builds a data directory from the real lists in `../shared/data` (the OFAC SDN set of July
//! 2021 and the UN consolidated list), a generated customer base (mostly ordinary names, some
//! named after listed parties with typos, reordering, other spellings and birth dates that agree
//! or differ), runs the monitor, updates the SDN list to `sdn_2024-05-03.csv` (which opens
//! alerts for added and changed entities), works a few alerts through four eyes, then serves
//! the workbench and photographs each page with headless chromium. The wallet pages read a
//! generated transfer graph with a planted theft (`graph::generate`), the vetting page vets
//! generated applicants (`vetting::synthetic`) uploaded as a file.
//!
//! ```text
//! cargo run -p server --example ui_screenshots -- [OUT_DIR]   # default: docs/ui
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/it/webdriver.rs"]
mod webdriver;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use api::{Outcome, SubjectInput};
use app::live::Live;
use app::records::{Actor, MonitorOptions, Role};
use app::sources::ListSource;
use app::{Context, Silent};

const FIRST: [&str; 24] = [
    "James",
    "Maria",
    "Wei",
    "Aisha",
    "Oleksandr",
    "Sofia",
    "Mateo",
    "Yuki",
    "Fatima",
    "Lukas",
    "Priya",
    "Kwame",
    "Elena",
    "Omar",
    "Hannah",
    "Diego",
    "Chloe",
    "Ibrahim",
    "Anna",
    "Tomasz",
    "Grace",
    "Hiroshi",
    "Leila",
    "Noah",
];
const LAST: [&str; 24] = [
    "Smith",
    "Garcia",
    "Chen",
    "Khan",
    "Kovalenko",
    "Rossi",
    "Fernandez",
    "Tanaka",
    "Haddad",
    "Muller",
    "Sharma",
    "Mensah",
    "Popescu",
    "Nasser",
    "Schmidt",
    "Lopez",
    "Martin",
    "Yilmaz",
    "Nowak",
    "Kowalski",
    "Okafor",
    "Sato",
    "Rahimi",
    "Brown",
];
const COMPANIES: [&str; 8] = [
    "Northwind Logistics Ltd",
    "Blue Harbour Shipping GmbH",
    "Alpine Precision Tools AG",
    "Sunrise Textiles Pvt Ltd",
    "Baltic Grain Trading OU",
    "Meridian Software BV",
    "Cedar Ridge Farms LLC",
    "Orion Medical Supplies SA",
];
const KINDS: [&str; 4] = ["customer", "customer", "counterparty", "vendor"];

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(rel)
}

/// A plausible misspelling: one letter dropped from the middle of the longest word.
fn typo(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let longest = (0..words.len())
        .max_by_key(|&i| words[i].chars().count())
        .unwrap_or(0);
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let c: Vec<char> = w.chars().collect();
            if i == longest && c.len() > 5 {
                c.iter()
                    .enumerate()
                    .filter(|(j, _)| *j != c.len() / 2)
                    .map(|(_, ch)| ch)
                    .collect()
            } else {
                (*w).to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The name with an extra given name after the first word, as customer files often have.
fn extra_given(name: &str) -> String {
    match name.split_once(' ') {
        Some((first, rest)) => format!("{first} Maria {rest}"),
        None => name.to_string(),
    }
}

/// `SURNAME, Given` as lists write it, turned into `Given Surname` as customers write it.
fn natural(name: &str) -> String {
    match name.split_once(", ") {
        Some((last, first)) => {
            let last: String = last
                .split_whitespace()
                .map(|w| {
                    let mut c = w.chars();
                    c.next().map_or(String::new(), |f| {
                        f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase()
                    })
                })
                .collect::<Vec<_>>()
                .join(" ");
            format!("{first} {last}")
        }
        None => name.to_string(),
    }
}

fn customers(old: &[model::Entity], diff: &model::diff::ListDiff) -> Vec<SubjectInput> {
    let mut out = Vec::new();
    let mut push = |name: String, schema: Option<&str>, birth: Option<String>| {
        let i = out.len();
        out.push(SubjectInput {
            external_ref: format!("CUST-{:05}", 10_000 + i * 7),
            kind: KINDS[i % KINDS.len()].into(),
            schema: schema.map(str::to_string),
            names: vec![name],
            birth_date: birth,
            nationality: None,
            ..SubjectInput::default()
        });
    };
    for i in 0..1_200 {
        let name = format!("{} {}", FIRST[i % 24], LAST[(i * 7 + i / 24) % 24]);
        let birth = format!("{}-{:02}-{:02}", 1950 + i % 50, 1 + i % 12, 1 + i % 28);
        push(name, Some("person"), Some(birth));
    }
    for c in COMPANIES {
        push(c.to_string(), Some("organization"), None);
    }
    let by_id = |id: &model::EntityId| old.iter().find(|e| &e.id == id);
    for (n, e) in diff.added.iter().step_by(6).take(30).enumerate() {
        let name = natural(&e.caption);
        let name = match n % 3 {
            1 => typo(&name),
            2 if e.schema == "Person" => extra_given(&name),
            _ => name,
        };
        let schema = (e.schema == "Person").then_some("person");
        push(name, schema, None);
    }
    for (n, c) in diff.changed.iter().step_by(60).take(20).enumerate() {
        let Some(e) = by_id(&c.id) else { continue };
        // Half the birth dates agree with the list, half are nine years off.
        let birth = e
            .birth_dates
            .first()
            .map(|d| d.to_string())
            .filter(|d| d.len() >= 4 && d.chars().all(|c| c.is_ascii_digit() || c == '-'))
            .map(|d| match d[..4].parse::<i32>() {
                Ok(y) if n % 2 == 1 => format!("{}{}", y + 9, &d[4..]),
                _ => d,
            });
        let schema = (e.schema == model::Schema::Person).then_some("person");
        push(natural(&c.caption), schema, birth);
    }
    for e in old.iter().step_by(400).take(12) {
        if let Some(n) = e.names.get(1).or(e.names.first()) {
            push(natural(&n.full), None, None);
        }
    }
    out
}

fn main() {
    let out = std::env::args()
        .nth(1)
        .map_or_else(webdriver::docs_ui, PathBuf::from);
    webdriver::available().expect("chromium and chromedriver");
    let old_set: Vec<PathBuf> = ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"]
        .iter()
        .map(|f| shared("data/ofac/set_2021-07").join(f))
        .collect();
    let new_sdn = shared("data/ofac/sdn_2024-05-03.csv");
    let un = shared("data/un/UN_consolidated_2026-02-27.xml");
    let dir = tempfile::tempdir().unwrap();
    let mut ctx = Context::new(dir.path());
    ctx.offline = true;
    eprintln!("importing lists…");
    let old = app::update::import(&ctx, &old_set, None, Default::default(), &Silent).unwrap();
    app::update::import(&ctx, &[un], None, Default::default(), &Silent).unwrap();
    let old_spec = old[0].saved.meta().name();
    let (_, old_entities) = app::lists::load_side(&ctx, &old_spec).unwrap();
    let (_, _, diff) = app::lists::diff(&ctx, &old_spec, &new_sdn.display().to_string()).unwrap();
    let subjects = customers(&old_entities, &diff);
    eprintln!("{} customers; screening…", subjects.len());
    let ann = app::keys::create(&ctx, "ann.lee", api::Role::Analyst)
        .unwrap()
        .key;
    let rob = app::keys::create(&ctx, "rob.ortiz", api::Role::Reviewer)
        .unwrap()
        .key;
    let opts = MonitorOptions::default();
    let proposed = app::records::block_on(async {
        let db = app::records::open(&ctx, None).await.unwrap();
        let sys = Actor::system("import");
        app::records::upsert_subjects(&db, &sys, subjects)
            .await
            .unwrap();
        app::records::monitor(&ctx, &db, &ListSource::Stored, &opts, &Silent)
            .await
            .unwrap();
        // Clear the first run's alerts but two, four-eyes, so that the update's alerts stand out.
        let a = Actor::new("ann.lee", Role::Analyst).unwrap();
        let r = Actor::new("rob.ortiz", Role::Reviewer).unwrap();
        let first = db.alerts(None, None, 10_000).await.unwrap();
        for al in first.iter().skip(2) {
            let d = db
                .propose(
                    &a,
                    al.id,
                    Outcome::FalsePositive,
                    "Different person: other birth date and country",
                )
                .await
                .unwrap();
            db.review(&r, d.id, true, "Agreed").await.unwrap();
        }
        app::update::import(&ctx, &[new_sdn], None, Default::default(), &Silent).unwrap();
        let s = app::records::monitor(&ctx, &db, &ListSource::Stored, &opts, &Silent)
            .await
            .unwrap();
        eprintln!("update: {s:?}");
        // Some work in progress: assignments, an escalation, a pending proposal, a comment.
        let open = db
            .alerts(Some(api::AlertState::Open), None, 10_000)
            .await
            .unwrap();
        for (i, al) in open.iter().enumerate().take(6) {
            db.assign(
                &a,
                al.id,
                if i % 2 == 0 { "ann.lee" } else { "kim.park" },
                None,
            )
            .await
            .unwrap();
        }
        if let Some(al) = open.get(6) {
            db.escalate(&a, al.id, "Possible match with a designated vessel owner")
                .await
                .unwrap();
        }
        let al = open.get(1).expect("an open alert");
        db.propose(
            &a,
            al.id,
            Outcome::FalsePositive,
            "Customer born 1988; the listed person in 1961",
        )
        .await
        .unwrap();
        db.comment(
            &a,
            al.id,
            "Checked the passport copy on file: different person.",
        )
        .await
        .unwrap();
        al.id
    })
    .unwrap();
    let ring = app::keys::KeyRing::open(&ctx).unwrap();
    let live = Arc::new(Live::new(
        ctx.clone(),
        app::freshness::Rule {
            max_age: Default::default(),
            allow_stale: true,
        },
    ));
    live.load(&ListSource::Stored, &Silent).unwrap();
    eprintln!("generating a transfer graph and vetting subjects…");
    let (graphs, truth) = transfer_graph(dir.path());
    let subjects_file = dir.path().join("subjects.jsonl");
    let (records, _) = vetting::synthetic::generate(150, 42);
    vetting::synthetic::write_records(
        &records,
        std::io::BufWriter::new(std::fs::File::create(&subjects_file).unwrap()),
    )
    .unwrap();
    let config = server::Config {
        graph: Some(Arc::new(graphs)),
        ..server::Config::default()
    };
    let (router, state) = server::app(live, Some(ring), config, Arc::new(app::hooks::NoHook));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(l.local_addr().unwrap()).unwrap();
            let _ = server::serve(l, router, state).await;
        });
    });
    let base = format!("http://{}", rx.recv().unwrap());
    let b = webdriver::Browser::start(1280, 900);
    let shot = |name: &str| {
        b.screenshot(&out.join(format!("{name}.png")));
        b.resize(1280, 900);
        eprintln!("{name}.png");
    };
    b.goto(&format!("{base}/ui/login"));
    shot("login");
    b.type_into("#key", &ann);
    b.click_nav("#sign-in");
    b.goto(&format!("{base}/ui/alerts?n=25"));
    shot("queue");
    // The alert page: the best-scoring alert below 0.95, where the explanation has most to say.
    for band in ["90", "85", "0", ""] {
        b.goto(&format!("{base}/ui/alerts?band={band}&list=ofac-sdn"));
        if b.count(".alert-link") > 0 {
            break;
        }
    }
    b.click_nav(".alert-link");
    shot("alert");
    b.click_nav(".compare .side:first-child h3 a");
    shot("subject");
    b.goto(&format!(
        "{base}/ui/lists?old={old_spec}&new={}",
        current_sdn(&ctx)
    ));
    shot("lists");
    b.click_nav(".cols3 > div:nth-child(2) li a");
    shot("entity");
    b.click_nav("header .who button");
    b.type_into("#key", &rob);
    b.click_nav("#sign-in");
    b.goto(&format!("{base}/ui/alerts/{proposed}"));
    shot("alert-review");
    b.goto(&format!("{base}/ui/audit?verify=1"));
    shot("audit");
    // The wallet pages: an exchange deposit address that received part of the planted theft,
    // its exposure and the trace from the thief with the deposit as the screened wallet.
    let deposit = &truth.theft_deposits[0];
    b.goto(&format!(
        "{base}/ui/wallets?address={deposit}&direction=in&hops=4"
    ));
    shot("wallet-exposure");
    b.goto(&format!(
        "{base}/ui/wallets/trace?seeds={}&focus={deposit}&model=haircut&top=12",
        truth.thief
    ));
    shot("wallet-trace");
    // The vetting page: generated applicants uploaded as a file.
    b.goto(&format!("{base}/ui/vetting"));
    b.type_into("#file", &subjects_file.display().to_string());
    b.click_nav("#run-vet");
    shot("vetting");
    drop(dir);
}

/// A generated transfer graph (3,000 addresses, 40,000 transfers) with a planted theft, opened
/// with its planted labels as `serve --graph` opens one.
fn transfer_graph(dir: &Path) -> (app::graphs::Graphs, graph::generate::GroundTruth) {
    let g = dir.join("graph");
    let generated = graph::import::generate_into(
        graph::generate::GenConfig {
            addresses: 3_000,
            transfers: 40_000,
            seed: 42,
            tx_hashes: false,
        },
        Some(&g),
        None,
        &mut graph::import::NoProgress,
    )
    .unwrap();
    let labels = dir.join("labels.jsonl");
    generated
        .truth
        .write_labels(std::fs::File::create(&labels).unwrap())
        .unwrap();
    let (graphs, _) = app::graphs::Graphs::open(&g, &[labels], None, None).unwrap();
    (graphs, generated.truth)
}

/// The current SDN snapshot's name.
fn current_sdn(ctx: &Context) -> String {
    app::lists::snapshots(ctx)
        .unwrap()
        .into_iter()
        .find(|(m, current)| *current && m.list.as_str() == "ofac-sdn")
        .map(|(m, _)| m.name())
        .unwrap_or_default()
}
