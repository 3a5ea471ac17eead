//! Re-screening on list changes, on SQLite and PostgreSQL: a list update opens alerts exactly for
//! the subjects that match added or changed entities; a cleared false positive stays quiet until
//! its entity changes; an interrupted run resumes without losing or duplicating anything.
//!
//! One scenario per backend, because every step screens the whole OFAC SDN list in a debug
//! build: old list, subjects, first run, some alerts cleared as false positives, the update
//! (interrupted after one batch, then resumed), then a full re-screen.

use std::collections::BTreeSet;
use std::path::PathBuf;

use api::{Outcome, SubjectInput};
use app::records::{Actor, MonitorOptions, Role};
use app::sources::ListSource;
use app::{Context, Silent};
use records::testing::{self, TestDb};
use screening::ScreenConfig;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

fn old_set() -> Option<Vec<PathBuf>> {
    let dir = testkit::shared("data/ofac/set_2021-07")?;
    Some(
        ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"]
            .iter()
            .map(|f| dir.join(f))
            .collect(),
    )
}

fn opts() -> MonitorOptions {
    MonitorOptions {
        config: ScreenConfig {
            limit: 100,
            ..ScreenConfig::default()
        },
        ..MonitorOptions::default()
    }
}

/// Subjects named after listed entities: some added by the update, some changed, some
/// unchanged, some removed, and some names that match nothing.
fn subjects(ctx: &Context, old: &str, d: &model::diff::ListDiff) -> Vec<SubjectInput> {
    let mut names: Vec<String> = Vec::new();
    names.extend(
        d.added
            .iter()
            .step_by(7)
            .take(25)
            .map(|e| e.caption.clone()),
    );
    names.extend(
        d.changed
            .iter()
            .step_by(97)
            .take(25)
            .map(|e| e.caption.clone()),
    );
    names.extend(
        d.removed
            .iter()
            .step_by(5)
            .take(10)
            .map(|e| e.caption.clone()),
    );
    let (_, old_entities) = app::lists::load_side(ctx, old).expect("old");
    let changed: BTreeSet<_> = d.changed.iter().map(|c| c.id.clone()).collect();
    let added: BTreeSet<_> = d.added.iter().map(|c| c.id.clone()).collect();
    names.extend(
        old_entities
            .iter()
            .filter(|e| !changed.contains(&e.id) && !added.contains(&e.id))
            .step_by(3)
            .take(15)
            .filter_map(|e| e.names.first().map(|n| n.full.clone())),
    );
    names.extend(
        [
            "Margaret Appleby",
            "Johannes Vermeer Trading BV",
            "Oluwaseun Adeyemi",
            "Sakura Tanaka",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    names
        .into_iter()
        .enumerate()
        .map(|(i, n)| SubjectInput {
            external_ref: format!("cust-{i:03}"),
            kind: "customer".into(),
            names: vec![n],
            ..SubjectInput::default()
        })
        .collect()
}

/// What forward screening of every subject against the current lists says: (subject, entity)
/// pairs whose entity is in `delta`.
async fn expected(
    t: &TestDb,
    ctx: &Context,
    delta: &BTreeSet<String>,
) -> BTreeSet<(String, String)> {
    let engine = app::engine::open(ctx, &ListSource::Stored, &Silent).expect("engine");
    let mut out = BTreeSet::new();
    for s in
        t.db.list_subjects(Some("active"), 0, 10_000)
            .await
            .expect("subjects")
    {
        let data = s.data.expect("data");
        for q in app::records::queries(&data) {
            for m in engine.screener().screen(&q, &opts().config) {
                if m.is_match && delta.contains(m.entity_id.as_str()) {
                    out.insert((s.external_ref.clone(), m.entity_id.to_string()));
                }
            }
        }
    }
    out
}

async fn scenario(t: &TestDb) {
    let (Some(old_files), Some(new_file)) =
        (old_set(), testkit::shared("data/ofac/sdn_2024-05-03.csv"))
    else {
        return;
    };
    let mut ctx = Context::new(t.dir.path().join("data"));
    ctx.offline = true;
    let old = app::update::import(&ctx, &old_files, None, Default::default(), &Silent)
        .expect("import old");
    let old_spec = old[0].saved.meta().name();
    // The update's diff, read from the file before it is imported.
    let (_, _, diff) =
        app::lists::diff(&ctx, &old_spec, &new_file.display().to_string()).expect("diff");
    let delta: BTreeSet<String> = diff
        .added
        .iter()
        .map(|e| e.id.to_string())
        .chain(diff.changed.iter().map(|e| e.id.to_string()))
        .collect();
    let sys = Actor::system("test");
    let subs = subjects(&ctx, &old_spec, &diff);
    let s = app::records::upsert_subjects(&t.db, &sys, subs)
        .await
        .expect("subjects");
    assert_eq!(s.rejected, 0, "{:?}", s.problems);
    let run = |o: MonitorOptions| {
        let ctx = ctx.clone();
        async move {
            app::records::monitor(&ctx, &t.db, &ListSource::Stored, &o, &Silent)
                .await
                .expect("monitor")
        }
    };
    let first = run(opts()).await;
    assert_eq!(first.kind, "full");
    assert!(first.alerts_opened > 0, "{first:?}");

    // Clear every first-run alert as a false positive, four-eyes.
    let analyst = Actor::new("ana", Role::Analyst).expect("actor");
    let reviewer = Actor::new("rev", Role::Reviewer).expect("actor");
    // Alerts on entities the update removes stay open, to be marked as delisted.
    let removed: BTreeSet<String> = diff.removed.iter().map(|e| e.id.to_string()).collect();
    let cleared: Vec<_> =
        t.db.alerts(None, None, 100_000)
            .await
            .expect("alerts")
            .into_iter()
            .filter(|a| !removed.contains(&a.entity_id))
            .collect();
    let first_ids: BTreeSet<i64> =
        t.db.alerts(None, None, 100_000)
            .await
            .expect("alerts")
            .iter()
            .map(|a| a.id)
            .collect();
    for a in &cleared {
        let d =
            t.db.propose(&analyst, a.id, Outcome::FalsePositive, "different person")
                .await
                .expect("propose");
        t.db.review(&reviewer, d.id, true, "agreed")
            .await
            .expect("approve");
    }

    // The update, interrupted after its first batch and resumed.
    app::update::import(
        &ctx,
        std::slice::from_ref(&new_file),
        None,
        Default::default(),
        &Silent,
    )
    .expect("import new");
    let partial = run(MonitorOptions {
        max_batches: Some(1),
        ..opts()
    })
    .await;
    assert_eq!(partial.kind, "delta");
    let rest = run(opts()).await;
    assert!(rest.resumed, "{rest:?}");
    assert_eq!(rest.run_id, partial.run_id);
    assert!(
        rest.added > 0 && rest.changed > 0 && rest.removed > 0,
        "{rest:?}"
    );
    assert!(
        partial.alerts_delisted + rest.alerts_delisted > 0,
        "{partial:?}"
    );
    let before = first_ids;
    let all = t.db.alerts(None, None, 100_000).await.expect("alerts");
    let opened: Vec<(String, String)> = all
        .iter()
        .filter(|a| !before.contains(&a.id))
        .map(|a| (a.external_ref.clone(), a.entity_id.clone()))
        .collect();
    let unique: BTreeSet<(String, String)> = opened.iter().cloned().collect();
    assert_eq!(
        unique.len(),
        opened.len(),
        "{}: an alert opened twice",
        t.name
    );
    let want = expected(t, &ctx, &delta).await;
    assert!(!want.is_empty());
    assert_eq!(
        unique, want,
        "{}: alerts must open exactly for matches of added or changed entities",
        t.name
    );
    assert_eq!(
        (partial.alerts_opened + rest.alerts_opened) as usize,
        want.len()
    );

    // Cleared pairs: re-alerted exactly when the entity changed (and still matches), with the
    // change shown; the others stay quiet even through a full re-screen.
    for a in &cleared {
        let again: Vec<_> = all
            .iter()
            .filter(|x| x.subject_id == a.subject_id && x.entity_id == a.entity_id && x.id != a.id)
            .collect();
        let changed_and_matching = want.contains(&(a.external_ref.clone(), a.entity_id.clone()));
        if changed_and_matching && diff.changed.iter().any(|c| c.id.as_str() == a.entity_id) {
            assert_eq!(
                again.len(),
                1,
                "{}: {} changed and re-alerts once",
                t.name,
                a.entity_id
            );
            assert_eq!(again[0].reason, "entity_changed");
            assert!(
                again[0]
                    .detail
                    .as_ref()
                    .is_some_and(|d| d.get("changes").is_some())
            );
        } else if !changed_and_matching {
            assert!(
                again.is_empty(),
                "{}: {} did not change and stays quiet",
                t.name,
                a.entity_id
            );
        }
    }
    let full = run(MonitorOptions {
        full: true,
        ..opts()
    })
    .await;
    assert_eq!(full.alerts_opened, 0, "{full:?}");
    assert!(full.allowed > 0, "{full:?}");
    let none = run(opts()).await;
    assert_eq!(none.kind, "none", "{none:?}");
    assert!(t.db.verify_audit(&[], None).await.expect("verify").ok);
}

#[test]
fn rescreening_on_sqlite() {
    rt().block_on(async {
        let t = testing::sqlite().await.expect("sqlite");
        scenario(&t).await;
    });
}

#[test]
fn rescreening_on_postgres() {
    rt().block_on(async {
        if let Some(t) = testing::postgres().await {
            scenario(&t).await;
            t.cleanup().await;
        }
    });
}
