//! The vetting job: the files a `vet` run reads and writes around `vetting::pipeline`.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};

use screening::ListRef;
use vetting::keys::MIN_SECRET_LEN;
use vetting::pipeline::{self, Outcome, Sanctions, Setup};
use vetting::{HashKey, VetProgress, Vetter};

use crate::sources::ListSource;
use crate::{AppError, Context, Observer, Result};

/// One vetting run: what to read and where to write.
#[derive(Debug, Clone)]
pub struct Job {
    /// Subject records, one JSON object per line.
    pub records: PathBuf,
    /// The report (JSON lines).
    pub output: PathBuf,
    /// A standalone HTML report, when wanted.
    pub html: Option<PathBuf>,
    /// The sanctions lists; `None` vets without a blocking tier.
    pub lists: Option<ListSource>,
    /// Researcher indicator files.
    pub leads: Vec<PathBuf>,
    /// Anonymiser CIDR lists.
    pub anonymizers: Vec<PathBuf>,
    /// Remote-access tools IT has approved.
    pub allow_tools: Vec<String>,
    /// The secret for keyed hashes; a random per-run key when `None`.
    pub key_file: Option<PathBuf>,
}

/// Runs a vetting job. Before reading anything it refuses outputs that would overwrite an
/// input. `progress` is made once the vetter exists (it may show what the vetter screens).
pub fn run(
    ctx: &Context,
    job: &Job,
    obs: &dyn Observer,
    progress: &mut dyn FnMut(u64, &Vetter<'_>) -> Box<dyn VetProgress>,
) -> Result<(Outcome, f64)> {
    refuse_overwrites(ctx, job)?;
    let (key, configured) = key(job.key_file.as_deref(), obs)?;
    let sanctions = match &job.lists {
        None => {
            obs.notice("note: --no-lists: no sanctions screening, nothing can be blocked");
            None
        }
        Some(source) => {
            let resolved = crate::sources::resolve(ctx, source, obs)?;
            if resolved.is_bundled() {
                obs.notice(&crate::bundled::warning(resolved.lists_used()).message);
            }
            let lists = resolved.load(ctx)?;
            obs.start("Building the name index", None, crate::Unit::Items);
            let dates: Vec<(String, String, Option<String>)> = lists
                .iter()
                .map(|l| {
                    let d = l.used.publish_date.clone();
                    (l.list.as_str().to_string(), l.version.clone(), d)
                })
                .collect();
            let mut s = Sanctions::build(
                lists
                    .into_iter()
                    .map(|l| (ListRef::new(l.list.as_str(), l.version), l.entities))
                    .collect(),
            );
            for (list, version, date) in dates {
                if let Some(d) = date {
                    s.set_published(&list, &version, &d);
                }
            }
            obs.finish();
            Some(s)
        }
    };
    let (leads, anon) = (read_all(&job.leads)?, read_all(&job.anonymizers)?);
    let (setup, diags) = Setup::new(key, configured, sanctions, &leads, &anon, &job.allow_tools);
    for d in &diags {
        obs.notice(&format!("  {d}"));
    }
    let vetter = setup.vetter();
    let info = setup.run_info(&job.records.display().to_string());
    let (file, size) = crate::files::open_input(&job.records)?;
    let out = File::create(&job.output).map_err(AppError::io(&job.output))?;
    let started = std::time::Instant::now();
    let mut bars = progress(size, &vetter);
    let input = BufReader::with_capacity(1 << 20, file);
    let outcome = pipeline::run(&vetter, input, BufWriter::new(out), &info, bars.as_mut())
        .map_err(AppError::io(&job.output))?;
    drop(bars);
    if let Some(h) = &job.html {
        std::fs::write(h, outcome.html(&info)).map_err(AppError::io(h))?;
    }
    Ok((outcome, started.elapsed().as_secs_f64()))
}

/// The key from the key file (and `true`), or a random per-run key from the operating
/// system (and `false`).
fn key(file: Option<&Path>, obs: &dyn Observer) -> Result<(HashKey, bool)> {
    let Some(p) = file else {
        obs.notice(
            "note: no --key-file given; sensitive identifiers are hashed with a random per-run key, so hashes do not persist across runs",
        );
        let mut key = [0u8; 32];
        getrandom::getrandom(&mut key).map_err(|e| {
            AppError::Invalid(format!(
                "cannot draw a random key from the operating system ({e}); pass --key-file"
            ))
        })?;
        return Ok((HashKey::new(&key), false));
    };
    let bytes = crate::files::read_input(p)?;
    HashKey::from_secret(&bytes)
        .map(|k| (k, true))
        .ok_or_else(|| {
            AppError::Invalid(format!(
                "the key file {} holds fewer than {MIN_SECRET_LEN} bytes; use a long random secret",
                p.display()
            ))
        })
}

/// Refuses an output (or HTML report) path that is one of the inputs.
fn refuse_overwrites(ctx: &Context, job: &Job) -> Result<()> {
    let mut inputs: Vec<(&str, &Path)> = vec![("the records file", &job.records)];
    if let Some(ListSource::Files(paths)) = &job.lists {
        inputs.extend(paths.iter().map(|p| ("the list", p.as_path())));
    }
    inputs.extend(job.leads.iter().map(|p| ("the lead file", p.as_path())));
    inputs.extend(
        job.anonymizers
            .iter()
            .map(|p| ("the anonymiser list", p.as_path())),
    );
    inputs.extend(job.key_file.iter().map(|p| ("the key file", p.as_path())));
    let store = ctx.data_dir().join("lists");
    if matches!(job.lists, Some(ListSource::Stored)) {
        inputs.push(("the list store", &store));
    }
    crate::files::refuse_overwrite(&job.output, &inputs)?;
    if let Some(h) = &job.html {
        inputs.push(("the report", &job.output));
        crate::files::refuse_overwrite(h, &inputs)?;
    }
    Ok(())
}

/// Reads each file as text, paired with its name as the user gave it.
fn read_all(paths: &[PathBuf]) -> Result<Vec<(String, String)>> {
    paths
        .iter()
        .map(|p| {
            let text = crate::files::read_input_text(p)?;
            Ok((p.display().to_string(), text))
        })
        .collect()
}

/// Writes `subjects` synthetic records with planted cases to `output`, the anonymiser list to
/// `output.anonymizers.txt` and the planted truth to `output.truth.json`; returns a summary.
pub fn generate(subjects: usize, seed: u64, output: &Path) -> Result<String> {
    let (records, truth) = vetting::synthetic::generate(subjects, seed);
    let file = File::create(output).map_err(AppError::io(output))?;
    vetting::synthetic::write_records(&records, BufWriter::new(file))?;
    let base = output.display().to_string();
    let anonymizers = format!("{base}.anonymizers.txt");
    std::fs::write(&anonymizers, vetting::synthetic::ANONYMIZERS)
        .map_err(AppError::io(&anonymizers))?;
    let truth_json = serde_json::to_string_pretty(&truth.to_json())
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    let truth_path = format!("{base}.truth.json");
    std::fs::write(&truth_path, truth_json).map_err(AppError::io(&truth_path))?;
    Ok(format!(
        "{} subjects written to {base}; {} planted infiltration, {} benign look-alikes; anonymiser list {anonymizers}, truth {truth_path}",
        records.len(),
        truth.infiltration.len(),
        truth.benign.len()
    ))
}

/// The most subject records one request to a service may carry (`/v1/vet`).
pub const MAX_SERVICE_RECORDS: usize = 1000;

/// Vets subject records (JSON lines, as `interdict vet` reads them) against a service's current
/// generation: its name screener and the address book of its lists, without building another
/// index. Keyed hashes use a random key per call, so nothing sensitive links two requests.
/// Returns the report lines `interdict vet` writes (run, subjects, clusters, diagnostics).
pub fn vet_records(
    ctx: &Context,
    g: &crate::live::Generation,
    records: &[u8],
) -> Result<Vec<vetting::ReportLine<'static>>> {
    let (run, outcome) = vet_report(ctx, g, records)?;
    let Outcome {
        report,
        diagnostics,
    } = outcome;
    use std::borrow::Cow;
    let mut out = vec![vetting::ReportLine::Run(run)];
    out.extend(
        report
            .subjects
            .into_iter()
            .map(|s| vetting::ReportLine::Subject(Cow::Owned(s))),
    );
    out.extend(
        report
            .clusters
            .into_iter()
            .map(|c| vetting::ReportLine::Cluster(Cow::Owned(c))),
    );
    out.extend(
        diagnostics
            .into_iter()
            .map(|d| vetting::ReportLine::Diagnostic(Cow::Owned(d))),
    );
    Ok(out)
}

/// What [`vet_records`] computes, before it becomes report lines: the run line and the
/// outcome (the report with its clusters, and the diagnostics), for front ends that draw the
/// report rather than send it (the workbench's vetting page).
pub fn vet_report(
    ctx: &Context,
    g: &crate::live::Generation,
    records: &[u8],
) -> Result<(pipeline::RunLine, Outcome)> {
    let lines = records
        .split(|b| *b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .count();
    if lines > MAX_SERVICE_RECORDS {
        return Err(AppError::Invalid(format!(
            "{lines} records; at most {MAX_SERVICE_RECORDS} per request"
        )));
    }
    let (key, _) = key(None, &crate::Silent)?;
    let mut vetter = Vetter::new(key);
    let dates: vetting::screen::ListDates = g
        .lists()
        .iter()
        .filter_map(|l| {
            let d = l.publish_date.clone()?;
            Some((format!("{}@{}", l.list, l.version), d))
        })
        .collect();
    vetter.names = std::sync::Arc::new(vetting::NameCache::with_dates(dates));
    vetter.screener = Some(g.engine().screener());
    vetter.book = Some(g.address_book(ctx)?);
    let outcome = vetter
        .vet_reader("request", records, &mut pipeline::NoProgress)
        .map_err(|e| AppError::Invalid(format!("the records cannot be read: {e}")))?;
    let run = pipeline::RunLine {
        records: "request".into(),
        subjects: outcome.report.subjects.len(),
        clusters: outcome.report.clusters.len(),
        diagnostics: outcome.diagnostics.len(),
        lists: g
            .lists()
            .iter()
            .map(|l| format!("{}@{}", l.list, l.version))
            .collect(),
        key: "keyed hashes use a random per-request key".into(),
        leads: Vec::new(),
    };
    Ok((run, outcome))
}
