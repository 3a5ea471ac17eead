//! Screening evidence and webhooks, on SQLite and PostgreSQL: a batch leaves one evidence row
//! per screened query in one transaction with one audit record, inputs are kept only as keyed
//! hashes when the policy says so, and a new alert reaches a webhook receiver that fails its
//! first attempts, signed, exactly once marked delivered.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use api::SubjectInput;
use app::Context;
use app::evidence::{Recorder, RecorderOptions};
use app::screen::{BatchOptions, Sink};
use app::sources::ListSource;
use records::Hit;
use records::testing::{self, TestDb};
use screening::ScreenConfig;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

fn watchlist() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../server/test_data/watchlist.ftm.json")
}

fn context(t: &TestDb) -> Context {
    let mut ctx = Context::new(t.dir.path());
    ctx.offline = true;
    app::update::import(&ctx, &[watchlist()], None, Default::default(), &app::Silent)
        .expect("import the watchlist");
    ctx
}

fn recorder(ctx: &Context, t: &TestDb) -> Recorder {
    Recorder::start(
        ctx,
        Some(&t.url),
        RecorderOptions {
            capacity: 2,
            wait: None,
            source: "cli",
        },
    )
    .expect("start the recorder")
}

#[test]
fn a_batch_leaves_evidence_per_query_and_hashes_inputs_by_policy() {
    let rt = rt();
    for t in rt.block_on(testing::all()) {
        let ctx = context(&t);
        let engine = app::engine::open(&ctx, &ListSource::Stored, &app::Silent).expect("engine");
        let input = t.dir.path().join("names.csv");
        let mut csv = String::from("query_id,name,birth_date\n");
        for i in 0..10 {
            csv.push_str(&format!("q{i},Ivan Petrov {i},\n"));
        }
        csv.push_str("bad,Ivan Petrov,1970-13-45\n");
        std::fs::write(&input, csv).expect("write the batch");
        let rec = recorder(&ctx, &t);
        let mut out = Vec::new();
        let cfg = ScreenConfig::default();
        let summary = app::screen::batch(
            &engine,
            &cfg,
            &input,
            Sink::Writer(&mut out),
            &BatchOptions {
                explain: false,
                allow: None,
                evidence: Some((&rec, "os:tester")),
            },
            &app::Silent,
        )
        .expect("batch");
        assert_eq!(summary.queries, 11);
        assert_eq!(rec.finish().expect("finish"), 11, "{}", t.name);
        let db = &t.db;
        let n = |sql: &'static str| rt.block_on(testing::scalar(db, sql)).expect(sql);
        assert_eq!(
            n(
                "SELECT COUNT(*) FROM screenings WHERE source = 'cli' AND actor = 'os:tester' AND input IS NOT NULL"
            ),
            11
        );
        assert_eq!(
            n("SELECT COUNT(*) FROM audit WHERE action = 'screening.record'"),
            1
        );
        assert_eq!(
            n(
                "SELECT COUNT(*) FROM screenings WHERE input LIKE '%\"ivan petrov 3\"%' AND results LIKE '%os:NK-petrov%'"
            ),
            1
        );

        // The policy keeps only a keyed hash of the input.
        rt.block_on(testing::execute(
            db,
            "INSERT INTO settings (key, value) VALUES ('evidence.input', 'hash')",
        ))
        .expect("policy");
        let rec = recorder(&ctx, &t);
        let q = screening::Query::name("Korea Saenal Trading");
        let resp = app::screen::single(&engine, &q, &cfg, true, None);
        rec.single("os:tester", &q, &cfg, &resp).expect("single");
        assert_eq!(rec.finish().expect("finish"), 1);
        assert_eq!(n("SELECT COUNT(*) FROM screenings WHERE input IS NULL"), 1);
        let key = std::fs::read_to_string(app::evidence::key_path(&ctx)).expect("key");
        let key = records::audit::unhex(key.trim()).expect("hex key");
        let want = records::audit::hmac_sha256_hex(
            &key,
            app::evidence::normalised(&q).to_string().as_bytes(),
        );
        let sql = format!(
            "SELECT COUNT(*) FROM screenings WHERE input IS NULL AND input_hash = '{want}' AND results LIKE '%os:NK-saenal%'"
        );
        assert_eq!(rt.block_on(testing::scalar(db, &sql)).expect("hash"), 1);
        let v = rt.block_on(db.verify_audit(&[], None)).expect("verify");
        assert!(v.ok, "{v:?}");
        rt.block_on(t.cleanup());
    }
}

/// What a receiver saw: each request's head (lowercase) and body.
type Seen = Arc<Mutex<Vec<(String, String)>>>;

/// A receiver on a loopback port that answers 500 to its first `failures` requests, then 200;
/// it keeps every request's head and body.
fn receiver(failures: usize) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen: Seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut s) = stream else { continue };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let (head, body) = loop {
                let Ok(k) = s.read(&mut chunk) else {
                    break (String::new(), String::new());
                };
                if k == 0 {
                    break (String::new(), String::new());
                }
                buf.extend_from_slice(&chunk[..k]);
                let text = String::from_utf8_lossy(&buf).to_string();
                if let Some(end) = text.find("\r\n\r\n") {
                    let head = text[..end].to_ascii_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    if buf.len() >= end + 4 + len {
                        break (head, text[end + 4..end + 4 + len].to_string());
                    }
                }
            };
            seen2.lock().expect("lock").push((head, body));
            let status = if n < failures {
                "500 Internal Server Error"
            } else {
                "200 OK"
            };
            let _ = s.write_all(
                format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .as_bytes(),
            );
        }
    });
    (format!("http://{addr}/hook?token=t0k3n"), seen)
}

#[test]
fn a_new_alert_reaches_a_failing_webhook_with_backoff_exactly_once_delivered() {
    let rt = rt();
    for t in rt.block_on(testing::all()) {
        let (url, seen) = receiver(2);
        let db = &t.db;
        let alert = rt.block_on(async {
            let ops = app::records::Actor::system("test");
            db.import_subjects(
                &ops,
                &[SubjectInput {
                    external_ref: "c1".into(),
                    kind: "customer".into(),
                    names: vec!["Ivan Petrov".into()],
                    ..SubjectInput::default()
                }],
                "test",
            )
            .await
            .expect("import");
            let mut tx = db.begin().await.expect("begin");
            let (id, _) = tx
                .hit(
                    &ops.user,
                    &Hit {
                        subject_id: 1,
                        entity_id: "os:NK-petrov".into(),
                        fingerprint: "00ff".into(),
                        list_version: "opensanctions@1".into(),
                        score: 0.97,
                        reason: "new_hit",
                        detail: serde_json::json!({}),
                    },
                )
                .await
                .expect("hit");
            tx.commit().await.expect("commit");
            id.expect("a new alert")
        });
        let hooks = app::webhooks::Webhooks {
            base_delay: Duration::from_secs(2),
            ..app::webhooks::Webhooks::new(vec![url], b"s3cret".to_vec())
        };
        let pass = || {
            rt.block_on(app::webhooks::deliver_due(db, &hooks, 10))
                .expect("deliver")
        };
        let first = pass();
        assert_eq!((first.attempted, first.delivered), (1, 0), "{}", t.name);
        // Backing off: nothing is due right after a failure.
        assert_eq!(pass().attempted, 0);
        let mut delivered = 0;
        for _ in 0..100 {
            std::thread::sleep(Duration::from_millis(200));
            delivered += pass().delivered;
            if delivered > 0 {
                break;
            }
        }
        assert_eq!(delivered, 1);
        assert_eq!(pass().attempted, 0, "delivered items are not sent again");
        let seen = seen.lock().expect("lock").clone();
        assert_eq!(seen.len(), 3);
        let body: serde_json::Value = serde_json::from_str(&seen[0].1).expect("json body");
        assert_eq!(body["event"], "alert.opened");
        assert_eq!(body["alert"]["id"], alert);
        assert_eq!(body["alert"]["external_ref"], "c1");
        assert_eq!(body["alert"]["entity_id"], "os:NK-petrov");
        for (head, b) in &seen {
            assert_eq!(b, &seen[0].1, "every attempt sends the same body");
            let sig = app::webhooks::signature(b"s3cret", b.as_bytes());
            assert!(
                head.contains(&format!("x-interdict-signature: {sig}")),
                "{head}"
            );
            assert!(head.contains("x-interdict-delivery: "), "{head}");
        }
        let n = |sql: &'static str| rt.block_on(testing::scalar(db, sql)).expect(sql);
        assert_eq!(
            n("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NOT NULL AND attempts = 3"),
            1
        );
        assert_eq!(
            n(
                "SELECT COUNT(*) FROM audit WHERE action = 'webhook.delivered' AND payload NOT LIKE '%t0k3n%'"
            ),
            1
        );
        let v = rt.block_on(db.verify_audit(&[], None)).expect("verify");
        assert!(v.ok, "{v:?}");
        rt.block_on(t.cleanup());
    }
}
