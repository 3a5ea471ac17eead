//! The records database on every backend: four-eyes decisions, the audit chain against hand
//! edits in SQL, checkpoints against truncation, and concurrent writers.

use api::{AlertState, Outcome, SubjectInput};
use records::testing::{self, TestDb};
use records::{Actor, Db, Hit, Role};
use serde_json::json;

fn subject(r: &str, name: &str) -> SubjectInput {
    SubjectInput {
        external_ref: r.into(),
        kind: "customer".into(),
        names: vec![name.into()],
        ..SubjectInput::default()
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// Runs `f` on every backend.
fn each<F, Fut>(f: F)
where
    F: Fn(TestDb) -> Fut,
    Fut: Future<Output = TestDb>,
{
    rt().block_on(async {
        for t in testing::all().await {
            let name = t.name;
            println!("backend {name}");
            let t = f(t).await;
            t.cleanup().await;
        }
    });
}

/// Imports one subject and opens one alert on it; returns the alert id.
async fn one_alert(db: &Db, r: &str, entity: &str) -> i64 {
    let sys = Actor::system("test");
    db.import_subjects(&sys, &[subject(r, "Ivan Petrov")], "test")
        .await
        .expect("import");
    let s = db.subject(r).await.expect("subject");
    let mut tx = db.begin().await.expect("tx");
    let (id, allowed) = tx
        .hit(
            &sys.user,
            &Hit {
                subject_id: s.id,
                entity_id: entity.into(),
                fingerprint: "00ff".into(),
                list_version: "ofac-sdn@v1".into(),
                score: 0.93,
                reason: "new_hit",
                detail: json!({}),
            },
        )
        .await
        .expect("hit");
    tx.commit().await.expect("commit");
    assert!(!allowed);
    id.expect("a new alert")
}

#[test]
fn the_proposer_can_never_approve() {
    each(|t| async move {
        let db = &t.db;
        let alert = one_alert(db, "c1", "ofac:1").await;
        let alice = Actor::new("alice", Role::Reviewer).expect("actor");
        let bob = Actor::new("bob", Role::Reviewer).expect("actor");
        let carol = Actor::new("carol", Role::Analyst).expect("actor");
        let d = db
            .propose(&alice, alert, Outcome::FalsePositive, "other birth date")
            .await
            .expect("propose");
        let err = db
            .review(&alice, d.id, true, "fine")
            .await
            .expect_err("self-approval");
        assert!(matches!(err, records::Error::FourEyes(_)), "{err}");
        let err = db
            .review(&carol, d.id, true, "fine")
            .await
            .expect_err("analyst");
        assert!(matches!(err, records::Error::Forbidden(_)), "{err}");
        // The database refuses it too, whatever the application does.
        let sql = format!(
            "UPDATE decisions SET reviewer = 'alice' WHERE id = {}",
            d.id
        );
        assert!(
            testing::execute(db, &sql).await.is_err(),
            "{}: CHECK constraint",
            t.name
        );
        let err = db
            .propose(&bob, alert, Outcome::TrueMatch, "second")
            .await
            .expect_err("one pending decision per alert");
        assert!(matches!(err, records::Error::Invalid(_)));
        let done = db
            .review(&bob, d.id, true, "agreed")
            .await
            .expect("approve");
        assert_eq!(done.state, "approved");
        assert_eq!(done.reviewer.as_deref(), Some("bob"));
        let a = db.alert(alert).await.expect("alert");
        assert_eq!(a.state, AlertState::Closed);
        assert_eq!(a.resolution, Some(Outcome::FalsePositive));
        assert_eq!(a.decisions.len(), 1);
        // The same pair and entity version is now allowed; a changed entity alerts again.
        let s = db.subject("c1").await.expect("subject");
        let mut tx = db.begin().await.expect("tx");
        let mut hit = Hit {
            subject_id: s.id,
            entity_id: "ofac:1".into(),
            fingerprint: "00ff".into(),
            list_version: "ofac-sdn@v2".into(),
            score: 0.93,
            reason: "new_hit",
            detail: json!({}),
        };
        assert_eq!(
            tx.hit("system:test", &hit).await.expect("hit"),
            (None, true)
        );
        hit.fingerprint = "0100".into();
        let (again, _) = tx.hit("system:test", &hit).await.expect("hit");
        tx.commit().await.expect("commit");
        let again = db.alert(again.expect("re-alert")).await.expect("alert");
        assert_eq!(again.reason, "entity_changed");
        // A true match blocks the subject.
        let d = db
            .propose(&carol, again.id, Outcome::TrueMatch, "same passport")
            .await
            .expect("propose");
        db.review(&alice, d.id, true, "confirmed")
            .await
            .expect("approve");
        assert!(db.is_blocked("c1").await.expect("blocked"));
        assert!(db.verify_audit(&[], None).await.expect("verify").ok);
        t
    });
}

/// Builds a chain of a few records: import, alert, proposal, approval and more.
async fn some_history(db: &Db) {
    let a = one_alert(db, "c1", "ofac:1").await;
    let b = one_alert(db, "c2", "ofac:2").await;
    let alice = Actor::new("alice", Role::Analyst).expect("actor");
    let bob = Actor::new("bob", Role::Reviewer).expect("actor");
    db.assign(&alice, a, "alice", Some("2027-01-01"))
        .await
        .expect("assign");
    db.escalate(&alice, b, "needs a senior look")
        .await
        .expect("escalate");
    let d = db
        .propose(&alice, a, Outcome::FalsePositive, "different person")
        .await
        .expect("propose");
    db.review(&bob, d.id, true, "agreed")
        .await
        .expect("approve");
}

#[test]
fn hand_edits_in_sql_break_verification_at_the_named_record() {
    each(|t| async move {
        some_history(&t.db).await;
        let ok = t.db.verify_audit(&[], None).await.expect("verify");
        assert!(ok.ok, "{ok:?}");
        let n = ok.records;
        assert!(n >= 8, "{n} records");
        t
    });
    // Each tampering on a fresh copy of the same history.
    let cases: [(&str, i64); 5] = [
        ("UPDATE audit SET actor = 'mallory' WHERE seq = 4", 4),
        ("UPDATE audit SET payload = '{}' WHERE seq = 2", 2),
        ("DELETE FROM audit WHERE seq = 3", 3),
        // Reordering: swap the contents of records 5 and 6 by renumbering them.
        (
            "UPDATE audit SET seq = -5 WHERE seq = 5; UPDATE audit SET seq = 5 WHERE seq = 6; UPDATE audit SET seq = 6 WHERE seq = -5",
            5,
        ),
        // Truncation of the tail is caught by the head.
        ("DELETE FROM audit WHERE seq > 6", 7),
    ];
    for (sql, seq) in cases {
        each(|t| async move {
            some_history(&t.db).await;
            testing::execute(&t.db, sql).await.expect("tamper");
            let v = t.db.verify_audit(&[], None).await.expect("verify");
            assert!(!v.ok, "{}: {sql} went unnoticed", t.name);
            assert_eq!(v.first_broken, Some(seq), "{}: {sql}: {v:?}", t.name);
            assert!(v.problem.is_some());
            t
        });
    }
}

#[test]
fn a_checkpoint_catches_truncation_even_with_the_head_rewritten() {
    each(|t| async move {
        some_history(&t.db).await;
        let admin = Actor::new("root", Role::Admin).expect("actor");
        let key = records::signing_key(&t.db, &admin, &t.dir.path().join("audit.key"))
            .await
            .expect("key");
        let cp = t.db.checkpoint(&admin, &key).await.expect("checkpoint");
        let pk = records::audit::hex(key.verifying_key().as_bytes());
        assert!(
            t.db.verify_audit(std::slice::from_ref(&cp), Some(&pk))
                .await
                .expect("verify")
                .ok
        );
        // Remove the last records and rewrite the head to match, as a careful forger would; also
        // drop the stored checkpoint: the auditor's copy still catches it.
        let keep = cp.seq - 2;
        let head = t.db.audit_page(keep - 1, 1).await.expect("page")[0]
            .hash
            .clone();
        let sql = format!(
            "DELETE FROM audit WHERE seq > {keep}; DELETE FROM audit_checkpoints; UPDATE audit_head SET seq = {keep}, hash = '{head}'"
        );
        testing::execute(&t.db, &sql).await.expect("tamper");
        assert!(
            t.db.verify_audit(&[], Some(&pk)).await.expect("verify").ok,
            "without the checkpoint nothing shows"
        );
        let v = t.db.verify_audit(&[cp], Some(&pk)).await.expect("verify");
        assert!(!v.ok);
        assert_eq!(v.first_broken, Some(keep + 1), "{v:?}");
        t
    });
}

#[test]
fn concurrent_writers_on_one_database_keep_one_chain() {
    each(|t| async move {
        some_history(&t.db).await;
        let mut tasks = Vec::new();
        for w in 0..4 {
            // A separate pool per writer, as separate processes would have.
            let db = Db::open(&t.url).await.expect("second handle");
            tasks.push(tokio::spawn(async move {
                let sys = Actor::system("test");
                for i in 0..15 {
                    let r = format!("w{w}-{i}");
                    db.import_subjects(&sys, &[subject(&r, "Name")], "concurrent")
                        .await
                        .expect("import");
                }
            }));
        }
        for task in tasks {
            task.await.expect("writer");
        }
        let v = t.db.verify_audit(&[], None).await.expect("verify");
        assert!(v.ok, "{}: {v:?}", t.name);
        assert!(v.records >= 60);
        t
    });
}

#[test]
fn importing_upserts_and_removal_starts_retention() {
    each(|t| async move {
        let sys = Actor::system("test");
        let a = subject("a", "Anna");
        let b = subject("b", "Boris");
        let s =
            t.db.import_subjects(&sys, &[a.clone(), b.clone()], "f")
                .await
                .expect("import");
        assert_eq!((s.inserted, s.updated, s.unchanged), (2, 0, 0));
        let b2 = SubjectInput {
            birth_date: Some("1970".into()),
            ..b
        };
        let s =
            t.db.import_subjects(&sys, &[a, b2], "f")
                .await
                .expect("import");
        assert_eq!((s.inserted, s.updated, s.unchanged), (0, 1, 1));
        assert_eq!(t.db.subject("b").await.expect("b").version, 2);
        let removed =
            t.db.remove_subject(&sys, "a", "account closed")
                .await
                .expect("remove");
        assert_eq!(removed.status, "removed");
        assert_eq!(t.db.purge(&sys, "9999").await.expect("purge"), 1);
        let purged = t.db.subject("a").await.expect("a");
        assert_eq!((purged.status.as_str(), purged.data), ("purged", None));
        assert!(t.db.verify_audit(&[], None).await.expect("verify").ok);
        t
    });
}
