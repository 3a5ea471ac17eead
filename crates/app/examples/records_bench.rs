//! Timings of the compliance records (figures in docs/benchmarks.md), one line per target:
//!
//! ```text
//! cargo run --release -p app --example records_bench -- \
//!     --subjects 1000000 --listed 20000 --delta 1000 --decisions 5000 --audit 10000000 \
//!     [--database postgres://…]
//! ```
//!
//! Listed entities are synthetic (`screening::synthetic`, FtM JSON lines imported as the
//! `opensanctions` list); the update changes the first half of `--delta` entities (an alias
//! added) and adds the other half, so the delta re-screen sees exactly `--delta` entities.
//! `--list FILE [--update FILE]` uses real list files instead. Subjects are synthetic names,
//! one in `--hit-every` (100) a copy of a listed name so that screening finds hits. Steps: import; full
//! re-screen; the subject index (built once per subject change, cached); list update and the
//! delta re-screen; four-eyes decisions (propose + approve, each with its audit records);
//! screening evidence; filler audit records up to `--audit`; `audit verify`.

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
    let n_listed = num("--listed", 20_000);
    let n_delta = num("--delta", 1_000);
    let (list_name, update_file) = match arg("--list") {
        Some(list) => {
            app::update::import(&ctx, &[list.into()], None, Default::default(), &Silent)?;
            ("ofac-sdn", arg("--update").map(std::path::PathBuf::from))
        }
        None => {
            let v1 = dir.path().join("listed-v1.ftm.json");
            let v2 = dir.path().join("listed-v2.ftm.json");
            write_ftm(&v1, &screening::synthetic::entities(n_listed, 11), 0)?;
            // The same generator gives the same first entities: the first half of the delta
            // changes (an alias), the second half is new.
            let changed = n_delta / 2;
            write_ftm(
                &v2,
                &screening::synthetic::entities(n_listed + (n_delta - changed), 11),
                changed,
            )?;
            app::update::import(&ctx, &[v1], None, Default::default(), &Silent)?;
            ("opensanctions", Some(v2))
        }
    };
    let listed: Vec<String> = {
        let (_, es) = app::lists::load_side(&ctx, list_name)?;
        es.iter()
            .filter_map(|e| e.names.first().map(|n| n.full.clone()))
            .collect()
    };
    let names = screening::synthetic::entities(n, 7);
    let hit_every = num("--hit-every", 100).max(1);
    let subjects: Vec<SubjectInput> = names
        .iter()
        .enumerate()
        .map(|(i, e)| {
            // One subject in `--hit-every` carries a listed name (a hit); the others carry
            // synthetic names with every token reversed, plausible strings that the listed
            // names (drawn from the same pools) do not match, so alerts stay at a realistic
            // rate instead of most subjects hitting a common synthetic name.
            let name = match (
                i % hit_every,
                listed.get((i / hit_every) % listed.len().max(1)),
            ) {
                (0, Some(l)) => l.clone(),
                _ => e
                    .names
                    .first()
                    .map(|n| {
                        n.full
                            .split_whitespace()
                            .map(|t| t.chars().rev().collect::<String>())
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .unwrap_or_default(),
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
    println!(
        "[target 1] import {n} subjects: {:.1} s ({:.0}/s; target: 1,000,000 in 120 s)",
        t.elapsed().as_secs_f64(),
        n as f64 / t.elapsed().as_secs_f64()
    );

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
            "[target 3] full re-screen of {} subjects: {:.1} s ({:.0}/s), {} alerts (target: 1,000,000 in 90 s)",
            s.subjects_screened,
            t.elapsed().as_secs_f64(),
            s.subjects_screened as f64 / t.elapsed().as_secs_f64(),
            s.alerts_opened
        );
        let t = Instant::now();
        app::records::warm_subject_index(&ctx, &db).await?;
        println!(
            "subject index for reverse screening (once per subject change, cached): {:.1} s",
            t.elapsed().as_secs_f64()
        );
        if let Some(update) = update_file {
            app::update::import(&ctx, &[update], None, Default::default(), &Silent)?;
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
                "[target 2] delta re-screen ({} added, {} changed, {} removed) against {n} subjects: {:.1} s, {} candidates, {} alerts (target: 1,000 entities vs 1,000,000 in 10 s)",
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
        "[target 4] {} four-eyes decisions (propose + approve, with audit): {:.2} s, {:.0}/s (target: 1,000/s)",
        alerts.len(),
        secs,
        alerts.len() as f64 / secs
    );

    evidence_bench(
        &ctx,
        arg("--database").as_deref(),
        num("--evidence", 100_000),
    )?;

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
        "[target 5] audit verify over {} records: {:.1} s ({:.0}/s, ok: {}; target: 10,000,000 in 60 s)",
        v.records,
        t.elapsed().as_secs_f64(),
        v.records as f64 / t.elapsed().as_secs_f64(),
        v.ok
    );
    Ok(())
}

/// Writes entities as FtM JSON lines; the first `changed` get an extra alias.
fn write_ftm(
    path: &std::path::Path,
    entities: &[model::Entity],
    changed: usize,
) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for (i, e) in entities.iter().enumerate() {
        let mut e = e.clone();
        if i < changed {
            e.add_name(model::Name::new(
                format!("Changed Alias {i}"),
                model::NameKind::Alias,
            ));
        }
        for v in model::ftm::to_ftm(&e) {
            writeln!(out, "{v}")?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Screening evidence as the command line and the service write it: `n` rows through the
/// recorder, in batches of 1,000 (a batch file's chunk or a busy service's queue).
fn evidence_bench(ctx: &Context, database: Option<&str>, n: usize) -> anyhow::Result<()> {
    let rec = app::evidence::Recorder::start(
        ctx,
        database,
        app::evidence::RecorderOptions {
            capacity: 64,
            wait: None,
            source: "cli",
        },
    )?;
    let results =
        serde_json::json!({"matches": [{"entity_id": "os:syn-1", "score": 0.91}]}).to_string();
    let t = Instant::now();
    for chunk in 0..n.div_ceil(1000) {
        let rows = (0..1000.min(n - chunk * 1000))
            .map(|i| {
                rec.row(
                    &screening::Query::name(format!("Subject Name {chunk} {i}")),
                    results.clone(),
                )
            })
            .collect();
        rec.submit(rec.batch(
            "bench",
            &format!("chunk-{chunk}"),
            "bench",
            &[],
            "bench",
            rows,
        ))
        .map_err(|e| anyhow::anyhow!(e.detail))?;
    }
    let written = rec.finish()?;
    println!(
        "screening evidence: {written} rows in {:.1} s ({:.0}/s)",
        t.elapsed().as_secs_f64(),
        written as f64 / t.elapsed().as_secs_f64()
    );
    Ok(())
}
