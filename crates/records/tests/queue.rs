//! The workbench's reads on every backend: the alert queue's filters, orders, keyset pages and
//! counts; the alerts on an entity; the audit trail filtered newest first; comments.

use api::SubjectInput;
use records::testing::{self, TestDb};
use records::{Actor, AuditFilter, Db, Hit, QueueFilter, QueueSort, Role};
use serde_json::json;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

fn each<F, Fut>(f: F)
where
    F: Fn(TestDb) -> Fut,
    Fut: Future<Output = TestDb>,
{
    rt().block_on(async {
        for t in testing::all().await {
            println!("backend {}", t.name);
            let t = f(t).await;
            t.cleanup().await;
        }
    });
}

/// Twelve alerts: subjects `S0`..`S5` (even ones customers, odd ones vendors), each hit by
/// `ofac:1` on the SDN list and `un:2` on the UN list, scores from 0.80 to 0.99.
async fn seed(db: &Db) -> Vec<(i64, f64)> {
    let sys = Actor::system("test");
    let subjects: Vec<SubjectInput> = (0..6)
        .map(|i| SubjectInput {
            external_ref: format!("S{i}"),
            kind: if i % 2 == 0 { "customer" } else { "vendor" }.into(),
            names: vec![format!("Name {i}")],
            ..SubjectInput::default()
        })
        .collect();
    db.import_subjects(&sys, &subjects, "test")
        .await
        .expect("import");
    let mut out = Vec::new();
    let scores = [
        0.80, 0.99, 0.91, 0.86, 0.95, 0.91, 0.88, 0.97, 0.83, 0.92, 0.90, 0.96,
    ];
    let mut tx = db.begin().await.expect("tx");
    for (n, score) in scores.iter().enumerate() {
        let s = db.subject(&format!("S{}", n / 2)).await.expect("subject");
        let (entity, list) = if n % 2 == 0 {
            ("ofac:1", "ofac-sdn@v1")
        } else {
            ("un:2", "un@v1")
        };
        let (id, _) = tx
            .hit(
                &sys.user,
                &Hit {
                    subject_id: s.id,
                    entity_id: entity.into(),
                    fingerprint: "ff".into(),
                    list_version: list.into(),
                    score: *score,
                    reason: "new_hit",
                    detail: json!({"match": {"caption": format!("Listed {entity}")}}),
                },
            )
            .await
            .expect("hit");
        out.push((id.expect("opened"), *score));
    }
    tx.commit().await.expect("commit");
    out
}

async fn ids(db: &Db, f: &QueueFilter, sort: QueueSort) -> Vec<i64> {
    db.queue(f, sort, None, 100)
        .await
        .expect("queue")
        .rows
        .iter()
        .map(|r| r.id)
        .collect()
}

#[test]
fn the_queue_filters_sorts_and_counts() {
    each(|t| async move {
        let db = &t.db;
        let alerts = seed(db).await;
        let all = QueueFilter::default();
        // Highest score first, ties broken by the newer alert.
        let mut by_score = alerts.clone();
        by_score.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
        let want: Vec<i64> = by_score.iter().map(|a| a.0).collect();
        assert_eq!(ids(db, &all, QueueSort::Score).await, want);
        let newest: Vec<i64> = alerts.iter().rev().map(|a| a.0).collect();
        assert_eq!(ids(db, &all, QueueSort::Newest).await, newest);
        let oldest: Vec<i64> = alerts.iter().map(|a| a.0).collect();
        assert_eq!(ids(db, &all, QueueSort::Oldest).await, oldest);

        let un = QueueFilter {
            list: Some("un".into()),
            ..QueueFilter::default()
        };
        let want: Vec<i64> = alerts.iter().skip(1).step_by(2).map(|a| a.0).collect();
        assert_eq!(ids(db, &un, QueueSort::Oldest).await, want);

        let band = QueueFilter {
            min_score: Some(0.90),
            max_score: Some(0.95),
            ..QueueFilter::default()
        };
        let want: Vec<i64> = alerts
            .iter()
            .filter(|a| (0.90..0.95).contains(&a.1))
            .map(|a| a.0)
            .collect();
        assert_eq!(ids(db, &band, QueueSort::Oldest).await, want);
        assert_eq!(want.len(), 4);

        let vendors = QueueFilter {
            subject_kind: Some("vendor".into()),
            ..QueueFilter::default()
        };
        let want: Vec<i64> = alerts
            .iter()
            .enumerate()
            .filter(|(n, _)| (n / 2) % 2 == 1)
            .map(|(_, a)| a.0)
            .collect();
        assert_eq!(ids(db, &vendors, QueueSort::Oldest).await, want);

        // Assignment moves alerts to review; the counts follow, whatever the state filter.
        let ann = Actor::new("ann", Role::Analyst).expect("actor");
        db.assign(&ann, alerts[0].0, "ann", None)
            .await
            .expect("assign");
        db.assign(&ann, alerts[1].0, "ann", None)
            .await
            .expect("assign");
        let mine = QueueFilter {
            assignee: Some("ann".into()),
            state: Some("open".into()),
            ..QueueFilter::default()
        };
        assert!(ids(db, &mine, QueueSort::Oldest).await.is_empty());
        assert_eq!(
            db.queue_counts(&mine).await.expect("counts"),
            [
                ("open", 0),
                ("in_review", 2),
                ("escalated", 0),
                ("closed", 0)
            ]
        );
        let unassigned = QueueFilter {
            assignee: Some(String::new()),
            ..QueueFilter::default()
        };
        assert_eq!(ids(db, &unassigned, QueueSort::Oldest).await.len(), 10);
        assert_eq!(
            db.queue_counts(&vendors).await.expect("counts"),
            [
                ("open", 6),
                ("in_review", 0),
                ("escalated", 0),
                ("closed", 0)
            ]
        );
        let rows = db
            .queue(&all, QueueSort::Oldest, None, 1)
            .await
            .expect("q")
            .rows;
        assert_eq!(rows[0].subject_name.as_deref(), Some("Name 0"));
        assert_eq!(rows[0].caption.as_deref(), Some("Listed ofac:1"));
        assert_eq!(rows[0].subject_kind, "customer");
        assert_eq!(db.alert_lists().await.expect("lists"), ["ofac-sdn", "un"]);
        assert_eq!(db.alerts_on_entity("un:2", 100).await.expect("e").len(), 6);
        t
    });
}

#[test]
fn keyset_pages_visit_every_alert_once_in_order() {
    each(|t| async move {
        let db = &t.db;
        seed(db).await;
        for sort in [QueueSort::Score, QueueSort::Newest, QueueSort::Oldest] {
            let whole = ids(db, &QueueFilter::default(), sort).await;
            let mut paged = Vec::new();
            let mut after: Option<String> = None;
            loop {
                let p = db
                    .queue(&QueueFilter::default(), sort, after.as_deref(), 5)
                    .await
                    .expect("page");
                assert!(p.rows.len() <= 5);
                paged.extend(p.rows.iter().map(|r| r.id));
                match p.next {
                    Some(n) => after = Some(n),
                    None => break,
                }
            }
            assert_eq!(paged, whole, "{sort:?}");
        }
        assert!(matches!(
            db.queue(&QueueFilter::default(), QueueSort::Score, Some("junk"), 5)
                .await,
            Err(records::Error::Invalid(_))
        ));
        t
    });
}

#[test]
fn comments_and_the_filtered_audit_trail() {
    each(|t| async move {
        let db = &t.db;
        let alerts = seed(db).await;
        let ann = Actor::new("ann", Role::Analyst).expect("actor");
        db.comment(&ann, alerts[3].0, "  looks like a namesake ")
            .await
            .expect("comment");
        assert!(matches!(
            db.comment(&ann, alerts[3].0, " ").await,
            Err(records::Error::Invalid(_))
        ));
        assert!(matches!(
            db.comment(&ann, 999_999, "x").await,
            Err(records::Error::NotFound(_))
        ));
        let f = AuditFilter {
            action: Some("alert.comment".into()),
            object: Some(format!("alert:{}", alerts[3].0)),
            actor: None,
        };
        let recs = db.audit_recent(&f, None, 10).await.expect("audit");
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].actor, "ann");
        let p: serde_json::Value = serde_json::from_str(&recs[0].payload).expect("json");
        assert_eq!(p["text"], "looks like a namesake");
        // Newest first, and paging back by sequence number.
        let all = db
            .audit_recent(&AuditFilter::default(), None, 1000)
            .await
            .expect("audit");
        assert!(all.windows(2).all(|w| w[0].seq > w[1].seq));
        let older = db
            .audit_recent(&AuditFilter::default(), Some(all[0].seq), 1000)
            .await
            .expect("audit");
        assert_eq!(older.len(), all.len() - 1);
        assert!(db.verify_audit(&[], None).await.expect("verify").ok);
        t
    });
}
