//! Process-level guarantees of the records, on SQLite and PostgreSQL: `kill -9` during decision
//! writes or during a re-screen loses nothing, duplicates nothing and leaves a verifiable chain;
//! two processes on one PostgreSQL run one re-screen at a time and never open an alert twice.
//!
//! The "processes" are this test binary started again with [`CHILD`] set, running
//! [`child_process`] only; the parent kills them with SIGKILL.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use api::{Outcome, SubjectInput};
use app::records::{Actor, MonitorOptions, Role};
use app::sources::ListSource;
use app::{Context, Silent};
use records::testing::{self, TestDb};
use records::{Db, Hit};

/// Set in a child: what it does (`decisions` or `monitor`).
const CHILD: &str = "INTERDICT_RECORDS_CHILD";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

fn spawn(role: &str, url: &str, data: &Path) -> Child {
    Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "child_process",
            "--exact",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(CHILD, role)
        .env("CHILD_URL", url)
        .env("CHILD_DATA", data)
        .spawn()
        .expect("spawn a child")
}

/// What a child process does; in a normal test run it does nothing.
#[test]
fn child_process() {
    let Ok(role) = std::env::var(CHILD) else {
        return;
    };
    let url = std::env::var("CHILD_URL").expect("url");
    let data = std::env::var("CHILD_DATA").expect("data dir");
    rt().block_on(async {
        let db = Db::open(&url).await.expect("open");
        match role.as_str() {
            "decisions" => decide_forever(&db).await,
            _ => {
                let ctx = Context::new(data);
                app::records::monitor(
                    &ctx,
                    &db,
                    &ListSource::Stored,
                    &MonitorOptions::default(),
                    &Silent,
                )
                .await
                .expect("monitor");
            }
        }
    });
}

/// Opens alerts and closes them four-eyes, as fast as it can, until killed.
async fn decide_forever(db: &Db) {
    let sys = Actor::system("test");
    let ana = Actor::new("ana", Role::Analyst).expect("actor");
    let rev = Actor::new("rev", Role::Reviewer).expect("actor");
    for i in 0.. {
        let r = format!("p{}-{i}", std::process::id());
        let s = SubjectInput {
            external_ref: r.clone(),
            kind: "customer".into(),
            names: vec!["A B".into()],
            ..Default::default()
        };
        db.import_subjects(&sys, &[s], "child")
            .await
            .expect("import");
        let id = db.subject(&r).await.expect("subject").id;
        let mut tx = db.begin().await.expect("tx");
        let hit = Hit {
            subject_id: id,
            entity_id: "ofac:1".into(),
            fingerprint: "ff".into(),
            list_version: "v".into(),
            score: 0.9,
            reason: "new_hit",
            detail: serde_json::json!({}),
        };
        let (alert, _) = tx.hit(&sys.user, &hit).await.expect("hit");
        tx.commit().await.expect("commit");
        let d = db
            .propose(&ana, alert.expect("alert"), Outcome::FalsePositive, "no")
            .await
            .expect("propose");
        db.review(&rev, d.id, true, "agreed")
            .await
            .expect("approve");
    }
}

async fn count(db: &Db, sql: &str) -> i64 {
    testing::scalar(db, sql).await.expect(sql)
}

async fn wait_for(db: &Db, sql: &str, at_least: i64, child: &mut Child) {
    let start = Instant::now();
    while count(db, sql).await < at_least {
        assert!(
            child.try_wait().expect("child").is_none(),
            "the child ended early"
        );
        assert!(
            start.elapsed() < Duration::from_secs(600),
            "the child made no progress"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn kill_during_decisions(t: &TestDb) {
    let mut child = spawn("decisions", &t.url, t.dir.path());
    wait_for(
        &t.db,
        "SELECT COUNT(*) FROM decisions WHERE state = 'approved'",
        25,
        &mut child,
    )
    .await;
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let db = &t.db;
    let v = db.verify_audit(&[], None).await.expect("verify");
    assert!(v.ok, "{}: {v:?}", t.name);
    // Every change has its audit record and nothing is half-written.
    let pairs = [
        (
            "SELECT COUNT(*) FROM alerts",
            "SELECT COUNT(*) FROM audit WHERE action = 'alert.open'",
        ),
        (
            "SELECT COUNT(*) FROM decisions",
            "SELECT COUNT(*) FROM audit WHERE action = 'decision.propose'",
        ),
        (
            "SELECT COUNT(*) FROM decisions WHERE state = 'approved'",
            "SELECT COUNT(*) FROM audit WHERE action = 'decision.approve'",
        ),
        (
            "SELECT COUNT(*) FROM alerts WHERE state = 'closed'",
            "SELECT COUNT(*) FROM allow_entries",
        ),
        (
            "SELECT COUNT(*) FROM alerts WHERE state = 'closed'",
            "SELECT COUNT(*) FROM decisions WHERE state = 'approved'",
        ),
        ("SELECT COUNT(*) FROM audit", "SELECT seq FROM audit_head"),
    ];
    for (a, b) in pairs {
        assert_eq!(
            count(db, a).await,
            count(db, b).await,
            "{}: {a} vs {b}",
            t.name
        );
    }
}

/// A data directory with one list and subjects named after its entities (and some others).
async fn monitored(t: &TestDb) -> Option<Context> {
    let list = testkit::shared("data/ofac/sdn_2024-05-03.csv")?;
    let mut ctx = Context::new(t.dir.path().join("data"));
    ctx.offline = true;
    app::update::import(&ctx, &[list], None, Default::default(), &Silent).expect("import");
    let (_, entities) = app::lists::load_side(&ctx, "ofac-sdn").expect("load");
    let subjects: Vec<SubjectInput> = entities
        .iter()
        .step_by(3)
        .take(5000)
        .enumerate()
        .filter_map(|(i, e)| {
            let name = e.names.first()?.full.clone();
            let name = if i % 2 == 0 {
                name
            } else {
                format!("{name} Junior Holdings")
            };
            Some(SubjectInput {
                external_ref: format!("c{i:05}"),
                kind: "customer".into(),
                names: vec![name],
                ..Default::default()
            })
        })
        .collect();
    app::records::upsert_subjects(&t.db, &Actor::system("test"), subjects)
        .await
        .expect("subjects");
    Some(ctx)
}

async fn alert_set(db: &Db) -> BTreeSet<(String, String, String)> {
    let all = db.alerts(None, None, 1_000_000).await.expect("alerts");
    let set: BTreeSet<_> = all
        .iter()
        .map(|a| {
            (
                a.external_ref.clone(),
                a.entity_id.clone(),
                a.fingerprint.clone(),
            )
        })
        .collect();
    assert_eq!(set.len(), all.len(), "no alert twice");
    set
}

async fn kill_during_rescreen(t: &TestDb, clean: &TestDb) {
    let Some(ctx) = monitored(t).await else {
        return;
    };
    // Build the list's index once, so the child spends its time screening.
    app::engine::open(&ctx, &ListSource::Stored, &Silent).expect("engine");
    let mut child = spawn("monitor", &t.url, ctx.data_dir());
    wait_for(
        &t.db,
        "SELECT COUNT(*) FROM runs WHERE cursor > 0",
        1,
        &mut child,
    )
    .await;
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let resumed = app::records::monitor(
        &ctx,
        &t.db,
        &ListSource::Stored,
        &MonitorOptions::default(),
        &Silent,
    )
    .await
    .expect("resume");
    assert!(resumed.resumed, "{resumed:?}");
    assert!(t.db.verify_audit(&[], None).await.expect("verify").ok);
    // The same subjects screened in one go open the same alerts.
    let Some(_) = monitored(clean).await else {
        return;
    };
    app::records::monitor(
        &ctx,
        &clean.db,
        &ListSource::Stored,
        &MonitorOptions::default(),
        &Silent,
    )
    .await
    .expect("clean");
    let (killed, whole) = (alert_set(&t.db).await, alert_set(&clean.db).await);
    assert!(!whole.is_empty());
    assert_eq!(
        killed, whole,
        "{}: the killed run lost or added alerts",
        t.name
    );
    assert_eq!(
        count(&t.db, "SELECT COUNT(*) FROM alerts").await,
        count(
            &t.db,
            "SELECT COUNT(*) FROM audit WHERE action = 'alert.open'"
        )
        .await
    );
}

#[test]
fn kill_9_during_decision_writes_loses_and_duplicates_nothing() {
    rt().block_on(async {
        for t in testing::all().await {
            kill_during_decisions(&t).await;
            t.cleanup().await;
        }
    });
}

#[test]
fn kill_9_during_a_rescreen_on_sqlite() {
    rt().block_on(async {
        let (t, clean) = (
            testing::sqlite().await.expect("db"),
            testing::sqlite().await.expect("db"),
        );
        kill_during_rescreen(&t, &clean).await;
    });
}

#[test]
fn kill_9_during_a_rescreen_on_postgres() {
    rt().block_on(async {
        let (Some(t), Some(clean)) = (testing::postgres().await, testing::postgres().await) else {
            return;
        };
        kill_during_rescreen(&t, &clean).await;
        t.cleanup().await;
        clean.cleanup().await;
    });
}

#[test]
fn two_processes_on_one_postgres_rescreen_one_at_a_time() {
    rt().block_on(async {
        let Some(t) = testing::postgres().await else {
            return;
        };
        let Some(ctx) = monitored(&t).await else {
            return;
        };
        app::engine::open(&ctx, &ListSource::Stored, &Silent).expect("engine");
        let mut a = spawn("monitor", &t.url, ctx.data_dir());
        let mut b = spawn("monitor", &t.url, ctx.data_dir());
        assert!(a.wait().expect("a").success() && b.wait().expect("b").success());
        let db = &t.db;
        assert_eq!(
            count(
                db,
                "SELECT COUNT(*) FROM audit WHERE action = 'rescreen.start'"
            )
            .await,
            1
        );
        assert_eq!(
            count(
                db,
                "SELECT COUNT(*) FROM audit WHERE action = 'rescreen.finish'"
            )
            .await,
            1
        );
        assert!(!alert_set(db).await.is_empty());
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM alerts").await,
            count(db, "SELECT COUNT(*) FROM audit WHERE action = 'alert.open'").await
        );
        assert!(db.verify_audit(&[], None).await.expect("verify").ok);
        t.cleanup().await;
    });
}
