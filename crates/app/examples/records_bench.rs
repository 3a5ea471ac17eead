//! Timings of the compliance records (figures in docs/benchmarks.md):
//!
//! ```text
//! cargo run --release -p app --example records_bench -- \
//!     --subjects 1000000 --decisions 5000 --audit 10000000 \
//!     --list ../shared/data/ofac/sdn_2024-05-02.csv --update ../shared/data/ofac/sdn_2024-05-03.csv \
//!     [--database postgres://…]
//! ```
//!
//! Subjects are synthetic names (`screening::synthetic`), a tenth of them copies of listed
//! names so that screening finds hits. Steps: import; full re-screen against `--list`; list
//! update to `--update` and the delta re-screen; four-eyes decisions (propose + approve, each
//! with its audit records); filler audit records up to `--audit`; `audit verify`.

use std::time::Instant;

use api::{Outcome, SubjectInput};
use app::records::{Actor, MonitorOptions, Role};
use app::sources::ListSource;
use app::{Context, Silent};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn num(name: &str, default: usize) -> usize {
    arg(name).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut ctx = Context::new(dir.path());
    ctx.offline = true;
    let db = app::records::open(&ctx, arg("--database").as_deref()).await?;
    let sys = Actor::system("bench");
    let n = num("--subjects", 100_000);
    let listed: Vec<String> = match arg("--list") {
        Some(list) => {
            app::update::import(&ctx, &[list.into()], None, Default::default(), &Silent)?;
            let (_, es) = app::lists::load_side(&ctx, "ofac-sdn")?;
            es.iter()
                .filter_map(|e| e.names.first().map(|n| n.full.clone()))
                .collect()
        }
        None => Vec::new(),
    };
    let names = screening::synthetic::entities(n, 7);
    let subjects: Vec<SubjectInput> = names
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let name = match (i % 10, listed.get(i % listed.len().max(1))) {
                (0, Some(l)) => l.clone(),
                _ => e.names.first().map(|n| n.full.clone()).unwrap_or_default(),
            };
            SubjectInput {
                external_ref: format!("c{i:08}"),
                kind: "customer".into(),
                names: vec![name],
                ..SubjectInput::default()
            }
        })
        .collect();
    let t = Instant::now();
    for chunk in subjects.chunks(5_000) {
        db.import_subjects(&sys, chunk, "bench").await?;
    }
    println!("import {n} subjects: {:.1} s", t.elapsed().as_secs_f64());

    if !listed.is_empty() {
        app::engine::open(&ctx, &ListSource::Stored, &Silent)?;
        let t = Instant::now();
        let s = app::records::monitor(
            &ctx,
            &db,
            &ListSource::Stored,
            &MonitorOptions::default(),
            &Silent,
        )
        .await?;
        println!(
            "full re-screen of {} subjects: {:.1} s, {} alerts",
            s.subjects_screened,
            t.elapsed().as_secs_f64(),
            s.alerts_opened
        );
        if let Some(update) = arg("--update") {
            app::update::import(&ctx, &[update.into()], None, Default::default(), &Silent)?;
            app::engine::open(&ctx, &ListSource::Stored, &Silent)?;
            let t = Instant::now();
            let s = app::records::monitor(
                &ctx,
                &db,
                &ListSource::Stored,
                &MonitorOptions::default(),
                &Silent,
            )
            .await?;
            println!(
                "delta re-screen ({} added, {} changed, {} removed) against {n} subjects: {:.1} s (subject index included), {} candidates, {} alerts",
                s.added,
                s.changed,
                s.removed,
                t.elapsed().as_secs_f64(),
                s.candidates,
                s.alerts_opened
            );
        }
    }

    let ana = Actor::new("ana", Role::Analyst)?;
    let rev = Actor::new("rev", Role::Reviewer)?;
    let alerts = db
        .alerts(
            Some(api::AlertState::Open),
            None,
            num("--decisions", 2_000) as i64,
        )
        .await?;
    let t = Instant::now();
    for a in &alerts {
        let d = db
            .propose(&ana, a.id, Outcome::FalsePositive, "bench")
            .await?;
        db.review(&rev, d.id, true, "bench").await?;
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{} four-eyes decisions (propose + approve, with audit): {:.2} s, {:.0}/s",
        alerts.len(),
        secs,
        alerts.len() as f64 / secs
    );

    let target = num("--audit", 0) as i64;
    let have = db.verify_audit(&[], None).await?.records;
    let mut left = target - have;
    while left > 0 {
        let mut tx = db.begin().await?;
        for _ in 0..left.min(20_000) {
            tx.audit(
                "bench",
                "bench.fill",
                "bench",
                serde_json::json!({"n": left}),
            )
            .await?;
            left -= 1;
        }
        tx.commit().await?;
    }
    let t = Instant::now();
    let v = db.verify_audit(&[], None).await?;
    println!(
        "audit verify over {} records: {:.1} s (ok: {})",
        v.records,
        t.elapsed().as_secs_f64(),
        v.ok
    );
    Ok(())
}
