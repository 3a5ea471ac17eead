//! The workbench's latency with a large queue: seeds a records database (SQLite) with N alerts
//! (100,000 by default) on N/2 subjects, each carrying a real stored match explanation, serves
//! the workbench on loopback and times pages over HTTP as a signed-in reviewer: the unfiltered
//! queue, filtered queues (state, score band, subject kind, list, assignee), a deep keyset
//! page, and alert pages. The figures are wall times of whole requests on loopback, so they
//! include the HTTP round trip and the template; the issue's targets are 100 ms for a
//! filtered queue page and 50 ms for an alert page.
//!
//! ```text
//! nice -n 5 cargo run --release -p server --example ui_bench -- [N]
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use api::SubjectInput;
use app::live::Live;
use app::sources::ListSource;
use app::{Context, Silent};
use records::{Actor, Hit};
use serde_json::json;

fn agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::config::Config::builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(120)))
            .build(),
    )
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let mut ctx = Context::new(dir.path());
    ctx.offline = true;
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/watchlist.ftm.json");
    app::update::import(&ctx, &[fixture], None, Default::default(), &Silent).unwrap();
    let key = app::keys::create(&ctx, "bench", api::Role::Reviewer)
        .unwrap()
        .key;
    let live = Arc::new(Live::new(
        ctx.clone(),
        app::freshness::Rule {
            max_age: Default::default(),
            allow_stale: true,
        },
    ));
    live.load(&ListSource::Stored, &Silent).unwrap();
    let g = live.current().unwrap();
    let q = screening::Query::name("Alexander Zakharov");
    let m = g
        .engine()
        .screener()
        .screen(&q, &screening::ScreenConfig::default())
        .into_iter()
        .next()
        .expect("a match to store");
    let detail = json!({ "screening": 1, "match": m });
    let entities = [
        "os:NK-zakharov",
        "os:NK-petrov",
        "os:NK-saenal",
        "os:NK-ocean",
    ];
    let kinds = ["customer", "customer", "counterparty", "vendor"];

    let started = Instant::now();
    app::records::block_on(async {
        let db = app::records::open(&ctx, None).await.unwrap();
        let sys = Actor::system("bench");
        let subjects: Vec<SubjectInput> = (0..n.div_ceil(2))
            .map(|i| SubjectInput {
                external_ref: format!("B-{i:07}"),
                kind: kinds[i % 4].into(),
                names: vec![format!("Subject {i} Zakharov")],
                ..SubjectInput::default()
            })
            .collect();
        for chunk in subjects.chunks(5_000) {
            db.import_subjects(&sys, chunk, "bench").await.unwrap();
        }
        let ids: Vec<i64> = {
            let mut out = Vec::new();
            let mut after = 0;
            loop {
                let page = db.subjects_page(after, 20_000, false).await.unwrap();
                let Some(last) = page.last() else { break };
                after = last.id;
                out.extend(page.iter().map(|r| r.id));
            }
            out
        };
        for chunk in (0..n).collect::<Vec<_>>().chunks(2_000) {
            let mut tx = db.begin().await.unwrap();
            for &i in chunk {
                let score = 0.80 + ((i * 7_919) % 2_000) as f64 / 10_000.0;
                tx.hit(
                    &sys.user,
                    &Hit {
                        subject_id: ids[i / 2],
                        entity_id: entities[i % 2 + (i / 2) % 2 * 2].into(),
                        fingerprint: "00ff".into(),
                        list_version: if i % 3 == 0 { "un@v1" } else { "ofac-sdn@v1" }.into(),
                        score,
                        reason: "new_hit",
                        detail: detail.clone(),
                    },
                )
                .await
                .unwrap();
            }
            tx.commit().await.unwrap();
        }
        // A fifth of the queue assigned, so the state and assignee filters have work.
        let a = Actor::new("bench", records::Role::Reviewer).unwrap();
        for id in (1..=n as i64).step_by(50) {
            db.assign(&a, id, "kim", None).await.unwrap();
        }
    })
    .unwrap();
    eprintln!(
        "seeded {n} alerts in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let ring = app::keys::KeyRing::open(&ctx).unwrap();
    let (router, state) = server::app(
        live,
        Some(ring),
        server::Config::default(),
        Arc::new(app::hooks::NoHook),
    );
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
    let ag = agent();
    // Sign in: the login form's token and cookie, then the session cookie.
    let mut r = ag.get(&format!("{base}/ui/login")).call().unwrap();
    let login_cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_string();
    let body = r.body_mut().read_to_string().unwrap();
    let at = body.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = &body[at..at + 64];
    let form = format!("csrf={csrf}&key={key}");
    let r = ag
        .post(&format!("{base}/ui/login"))
        .header("cookie", &login_cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .send(form.as_bytes())
        .unwrap();
    let session = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("interdict_ui="))
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_string();

    let time = |label: &str, path: &str| {
        let mut ms = Vec::new();
        for _ in 0..15 {
            let t = Instant::now();
            let mut r = ag
                .get(&format!("{base}{path}"))
                .header("cookie", &session)
                .call()
                .unwrap();
            let _ = r.body_mut().read_to_string();
            assert_eq!(r.status(), 200, "{path}");
            ms.push(t.elapsed().as_secs_f64() * 1e3);
        }
        ms.sort_by(f64::total_cmp);
        println!(
            "{label:<46} median {:>7.1} ms   max {:>7.1} ms",
            ms[ms.len() / 2],
            ms[ms.len() - 1]
        );
    };
    println!(
        "{n} alerts, SQLite, {}",
        if cfg!(debug_assertions) {
            "debug build"
        } else {
            "release build"
        }
    );
    time("queue, no filter (score order)", "/ui/alerts");
    time("queue, state=open", "/ui/alerts?state=open");
    time(
        "queue, band 0.90-0.95 + customers",
        "/ui/alerts?band=90&kind=customer",
    );
    time("queue, list=un, newest", "/ui/alerts?list=un&sort=newest");
    time(
        "queue, assignee=kim, in review",
        "/ui/alerts?assignee=kim&state=in_review",
    );
    time(
        "queue, deep keyset page (score < 0.81)",
        "/ui/alerts?after=0.81:1",
    );
    time("alert page (id 1)", "/ui/alerts/1");
    time(
        &format!("alert page (id {})", n / 2),
        &format!("/ui/alerts/{}", n / 2),
    );
}
