//! Workforce vetting: red-flag signals, cross-subject linking and sanctions screening for
//! applicant and contractor records, after `notes/vetting.md`.
//!
//! The crate is pure and deterministic: it takes parsed records and reference data and returns
//! findings, scores, bands and clusters. The `interdict vet` command reads the files.
//!
//! [`pipeline::run`] is the whole pipeline for JSON-lines input and output, the one every front
//! end uses; [`Vetter::vet`] runs the same steps over records already parsed.
//!
//! The pipeline is per record ([`Vetter::record_findings`]: single-record rules, sanctions,
//! leads; and [`link::extract`] to compact link keys), then across records ([`link::link`]),
//! then [`assemble`], which scores and sorts. The per-record half is independent per record so
//! that a caller can run it in parallel and drop each record afterwards.
//!
//! Nationality, ethnicity, accent and name origin are never scored: only contradictions between
//! claims and observations, and claims shared between subjects.

pub mod finding;
pub mod html;
pub mod keys;
pub mod link;
pub mod net;
pub mod pipeline;
pub mod record;
pub mod rules;
pub mod screen;
pub mod synthetic;

use serde::Serialize;

pub use finding::{Category, Finding, ListEntry};
pub use keys::HashKey;
pub use link::{Cluster, Linked, SubjectKeys};
pub use net::CidrSet;
pub use pipeline::{Outcome, ReportLine, RunInfo, RunLine, VetProgress};
pub use record::{Parsed, Record, parse_line, parse_lines};
pub use rules::RuleConfig;
pub use screen::{Leads, NameCache};

/// The review band of a subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// Below 20: log only.
    Clear,
    /// 20–44, or higher with a single category: ask for verification.
    Review,
    /// 45 or more from at least two independent categories: hold onboarding and escalate.
    High,
    /// A sanctions hit: stop and escalate to legal.
    Blocked,
}

impl Band {
    /// The suggested action.
    pub fn action(self) -> &'static str {
        match self {
            Band::Clear => "No action; keep the record for linking.",
            Band::Review => {
                "Ask for verification: in-person or notarised ID, proof of address, a fresh liveness check."
            }
            Band::High => {
                "Hold onboarding or restrict access; escalate to security (and legal at 70 or more)."
            }
            Band::Blocked => "Stop payment and any dealing; escalate to legal with the list entry.",
        }
    }

    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Clear => "clear",
            Band::Review => "review",
            Band::High => "high",
            Band::Blocked => "blocked",
        }
    }
}

/// The lower bound of the review band.
pub const REVIEW_FROM: f64 = 20.0;
/// The points a category needs to count towards the two-category rule of the high band.
pub const MIN_CATEGORY: f64 = 10.0;
/// The lower bound of the high band.
pub const HIGH_FROM: f64 = 45.0;

/// Combines findings (vetting.md §7): within a category the largest weight plus half of the
/// others, across categories `100 × (1 − Π(1 − s/100))`; returns the score and how many
/// categories contributed.
pub fn score(findings: &[Finding]) -> (f64, usize) {
    let mut by_cat: std::collections::BTreeMap<Category, Vec<f64>> = Default::default();
    for f in findings {
        if f.category != Category::Sanctions && f.weight > 0.0 {
            by_cat.entry(f.category).or_default().push(f.weight);
        }
    }
    let mut keep = 1.0;
    for ws in by_cat.values_mut() {
        ws.sort_by(|a, b| b.total_cmp(a));
        let s = ws[0] + ws[1..].iter().sum::<f64>() / 2.0;
        keep *= 1.0 - s.min(100.0) / 100.0;
    }
    let score = ((1.0 - keep) * 1000.0).round() / 10.0;
    // A category counts as independent evidence only from 10 points on, so that a weak cue (an
    // e-mail pattern) cannot lift a single strong category into the high band.
    let counted = by_cat
        .values()
        .filter(|ws| ws[0] + ws[1..].iter().sum::<f64>() / 2.0 >= MIN_CATEGORY)
        .count();
    (score, counted)
}

/// The band for a score, category count and blocking flag.
pub fn band(score: f64, categories: usize, blocked: bool) -> Band {
    if blocked {
        Band::Blocked
    } else if score >= HIGH_FROM && categories >= 2 {
        Band::High
    } else if score >= REVIEW_FROM {
        Band::Review
    } else {
        Band::Clear
    }
}

/// The vetting result of one subject.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct SubjectReport {
    /// The subject id.
    pub subject_id: String,
    /// The name as written, for the HTML report; the JSON lines leave it out, so that names
    /// travel only where the reviewer reads them.
    #[serde(skip)]
    pub name: String,
    /// The input line.
    pub line: u64,
    /// The band.
    pub band: Band,
    /// The combined score, 0–100.
    pub score: f64,
    /// How many independent categories contributed.
    pub categories: usize,
    /// The suggested action.
    pub action: &'static str,
    /// The cluster the subject belongs to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// The findings: blocking first, then by weight, then by signal id and text.
    pub findings: Vec<Finding>,
}

/// The whole result.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Report {
    /// Every subject in input order.
    pub subjects: Vec<SubjectReport>,
    /// Clusters of linked subjects.
    pub clusters: Vec<Cluster>,
}

/// Reference data and configuration for per-record vetting.
#[derive(Debug, Clone)]
pub struct Vetter<'a> {
    /// The name screener over the loaded lists.
    pub screener: Option<&'a screening::Screener>,
    /// Address screening over the loaded lists.
    pub book: Option<&'a wallets::AddressBook>,
    /// Research leads.
    pub leads: Option<&'a Leads>,
    /// Rule configuration.
    pub rules: RuleConfig,
    /// The key for sensitive identifiers.
    pub key: HashKey,
    /// Memoised name screening, shared by the threads of a run.
    pub names: std::sync::Arc<NameCache>,
}

impl<'a> Vetter<'a> {
    /// A vetter without reference data.
    pub fn new(key: HashKey) -> Vetter<'a> {
        Vetter {
            screener: None,
            book: None,
            leads: None,
            rules: RuleConfig::default(),
            key,
            names: Default::default(),
        }
    }

    /// Every finding that needs only this record: rules, sanctions and leads.
    pub fn record_findings(&self, r: &Record) -> Vec<Finding> {
        let mut out = rules::run(r, &self.rules);
        out.extend(screen::sanctions(r, self.screener, self.book, &self.names));
        if let Some(l) = self.leads {
            out.extend(l.matches(r));
        }
        out
    }

    /// The compact link keys of a record.
    pub fn keys(&self, r: &Record) -> SubjectKeys {
        link::extract(r, &self.key, &self.rules.anonymizers)
    }
}

/// The points of being referred by a subject at the high or blocked band (L-8); a referrer at
/// review gives 15.
pub const REFERRED_BY_HIGH: f64 = 30.0;

/// How many referred candidates make a referrer's B-7 finding.
pub const MANY_REFERRALS: usize = 3;

/// Scores and sorts: merges per-record and link findings into subject reports, then adds the
/// referral signals, which depend on the referrer's own result (L-8) and on how many candidates
/// one subject referred (B-7).
pub fn assemble(
    keys: &[SubjectKeys],
    lines: &[u64],
    per: Vec<Vec<Finding>>,
    linked: Linked,
) -> Report {
    let Linked {
        findings: link_findings,
        clusters,
        cluster_of,
    } = linked;
    let mut all: Vec<Vec<Finding>> = per
        .into_iter()
        .zip(link_findings)
        .map(|(mut f, lf)| {
            f.extend(lf);
            f
        })
        .collect();
    referrals(keys, &mut all);
    let subjects = all
        .into_iter()
        .enumerate()
        .map(|(i, mut f)| {
            sort_findings(&mut f);
            let blocked = f.iter().any(|x| x.blocking);
            let (score, categories) = score(&f);
            // A payout to a stolen-funds address holds onboarding whatever else is found: it is
            // a tier between a lead and a sanctions hit.
            let held = f.iter().any(|x| x.signal == "SF-1");
            let band =
                band(score, categories, blocked).max(if held { Band::High } else { Band::Clear });
            SubjectReport {
                subject_id: keys
                    .get(i)
                    .map(|k| k.subject_id.to_string())
                    .unwrap_or_default(),
                name: keys
                    .get(i)
                    .map(|k| k.shown_name.to_string())
                    .unwrap_or_default(),
                line: lines.get(i).copied().unwrap_or(0),
                band,
                score,
                categories,
                action: band.action(),
                cluster: cluster_of
                    .get(i)
                    .copied()
                    .flatten()
                    .and_then(|c| clusters.get(c))
                    .map(|c| c.cluster_id.clone()),
                findings: f,
            }
        })
        .collect();
    Report { subjects, clusters }
}

/// L-8 (referred by a subject at review or above, judged on the referrer's findings before any
/// referral signal, so that chains do not feed back) and B-7 (referred many candidates).
fn referrals(keys: &[SubjectKeys], all: &mut [Vec<Finding>]) {
    if keys.iter().all(|k| k.referred_by.is_none()) {
        return;
    }
    let index: std::collections::HashMap<&str, usize> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (&*k.subject_id, i))
        .collect();
    let before: Vec<(Band, f64)> = all
        .iter()
        .map(|f| {
            let (s, c) = score(f);
            (band(s, c, f.iter().any(|x| x.blocking)), s)
        })
        .collect();
    let mut referred: std::collections::BTreeMap<usize, Vec<String>> = Default::default();
    for (i, k) in keys.iter().enumerate() {
        let Some(j) = k.referred_by.as_deref().and_then(|r| index.get(r).copied()) else {
            continue;
        };
        if j == i {
            continue;
        }
        referred
            .entry(j)
            .or_default()
            .push(k.subject_id.to_string());
        let (b, s) = before[j];
        if b >= Band::Review {
            // A referrer held at high or blocked (a farm worker, a listed person) says more
            // about the candidate than one asked to verify something.
            let w = if b >= Band::High {
                REFERRED_BY_HIGH
            } else {
                15.0
            };
            let mut f = Finding::new(
                "L-8",
                w,
                format!(
                    "Referred by {}, whose own findings put them in the {} band (score {s} before referral signals).",
                    keys[j].subject_id,
                    b.as_str()
                ),
            );
            f.linked_subjects = vec![keys[j].subject_id.to_string()];
            all[i].push(f);
        }
    }
    for (j, mut ids) in referred {
        if ids.len() >= MANY_REFERRALS {
            ids.sort();
            let mut f = Finding::new("B-7", 10.0, format!("Referred {} candidates.", ids.len()));
            ids.truncate(link::MAX_LINKED);
            f.linked_subjects = ids;
            all[j].push(f);
        }
    }
}

/// Sorts findings deterministically: blocking first, then weight descending, signal id, text.
pub fn sort_findings(f: &mut [Finding]) {
    f.sort_by(|a, b| {
        b.blocking
            .cmp(&a.blocking)
            .then(b.weight.total_cmp(&a.weight))
            .then(a.signal.cmp(b.signal))
            .then(a.observed.cmp(&b.observed))
    });
}
