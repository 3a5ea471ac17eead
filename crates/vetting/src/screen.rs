//! The blocking tier (sanctions lists) and research leads.

use std::collections::HashMap;
use std::sync::RwLock;

use model::{Diagnostic, PartialDate, Schema, Severity};
use screening::{QualifierOutcome, Query, ScreenConfig, Screener};
use wallets::{AddressBook, Source};

use crate::finding::{Finding, LeadSource, ListEntry};
use crate::keys;
use crate::record::{Record, SubjectKind};

/// Name screening of the subject (SX-1, and SX-0 for name-only resemblances), of payment holders
/// in another name and employers (SX-3), and address screening of crypto payouts (SX-2).
pub fn sanctions(
    r: &Record,
    screener: Option<&Screener>,
    book: Option<&AddressBook>,
    cache: &NameCache,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(s) = screener {
        match r.claims.subject_kind() {
            SubjectKind::Person => person(r, s, cache, &mut out),
            SubjectKind::Organisation => organisation(r, s, cache, &mut out),
        }
        counterparties(r, s, cache, &mut out);
    }
    if let Some(b) = book {
        for p in &r.claims.payment_destinations {
            let Some(addr) = p.address.as_deref().filter(|a| !a.trim().is_empty()) else {
                continue;
            };
            let report = b.screen(addr, None);
            for h in &report.hits {
                if let Source::List {
                    list,
                    list_version,
                    entity_id,
                    name,
                    programs,
                    currency,
                } = &h.source
                {
                    let mut f = Finding::new(
                        "SX-2",
                        100.0,
                        format!(
                            "Payout address {} is listed ({currency}) on {} for {name} ({entity_id}).",
                            addr.trim(),
                            match cache.dates.get(&format!("{list}@{list_version}")) {
                                Some(d) => format!("{list} published {d}"),
                                None => ListEntry::show(list, list_version),
                            }
                        ),
                    );
                    f.blocking = true;
                    f.list_entry = Some(ListEntry {
                        list: list.clone(),
                        list_version: list_version.clone(),
                        entity_id: entity_id.clone(),
                        name: name.clone(),
                        programs: programs.clone(),
                        score: None,
                        published: cache.dates.get(&format!("{list}@{list_version}")).cloned(),
                    });
                    out.push(f);
                }
            }
        }
    }
    out
}

/// Publication dates of the loaded lists, by `list@version`.
pub type ListDates = std::collections::BTreeMap<String, String>;

fn entry(s: &Screener, m: &screening::Match, dates: &ListDates) -> ListEntry {
    let programs = s
        .entity(&m.entity_id)
        .map(|e| e.programs().iter().map(|p| p.to_string()).collect())
        .unwrap_or_default();
    ListEntry {
        list: m.list.clone(),
        list_version: m.list_version.clone(),
        entity_id: m.entity_id.to_string(),
        name: m.caption.clone(),
        programs,
        score: Some(m.score),
        published: dates
            .get(&format!("{}@{}", m.list, m.list_version))
            .cloned(),
    }
}

/// Whether a matched entry is an organisation (or a vessel or aircraft, which have owners):
/// by its schema, or, for an entry of unknown kind (a `LegalEntity`, such as the 2025
/// designations that the alias file carries without their primary record), by its names.
fn listed_organisation(s: &Screener, m: &screening::Match) -> bool {
    match m.schema.as_str() {
        "Organization" | "Company" | "Vessel" | "Airplane" => true,
        "LegalEntity" => {
            keys::looks_like_organisation(&m.caption)
                || s.entity(&m.entity_id).is_some_and(|e| {
                    e.names
                        .iter()
                        .any(|n| keys::looks_like_organisation(&n.full))
                })
        }
        _ => false,
    }
}

/// The counterparty screening settings: names without a second field must match closely.
fn counterparty_config() -> ScreenConfig {
    ScreenConfig {
        limit: 2,
        threshold: 0.9,
        ..ScreenConfig::default()
    }
}

/// Screens an organisation applying as a vendor or contractor by its name and other names:
/// a listed organisation (also one known only by aliases) blocks (SX-3); a listed person whose
/// name resembles it is shown (SX-0).
fn organisation(r: &Record, s: &Screener, cache: &NameCache, out: &mut Vec<Finding>) {
    let c = &r.claims;
    let cfg = counterparty_config();
    let mut seen = std::collections::BTreeSet::new();
    for name in std::iter::once(&c.name).chain(&c.other_names) {
        if name.trim().is_empty() {
            continue;
        }
        for m in cache.counterparty(s, name, Some(Schema::Organization), &cfg) {
            if !seen.insert(m.entity_id.to_string()) {
                continue;
            }
            let e = entry(s, &m, &cache.dates);
            let mut f = if listed_organisation(s, &m) {
                let mut f = Finding::new(
                    "SX-3",
                    100.0,
                    format!(
                        "The applicant organisation '{}' matches {} ({}) on {} (score {:.2}).",
                        name.trim(),
                        e.name,
                        e.entity_id,
                        e.shown_list(),
                        m.score
                    ),
                );
                f.blocking = true;
                f
            } else {
                Finding::new(
                    "SX-0",
                    0.0,
                    format!(
                        "The applicant organisation '{}' resembles {} ({}) on {} (score {:.2}); compare registration data, owners and addresses with the entry.",
                        name.trim(),
                        e.name,
                        e.entity_id,
                        e.shown_list(),
                        m.score
                    ),
                )
            };
            if !f.blocking {
                organisation_note(&mut f);
            }
            f.list_entry = Some(e);
            out.push(f);
        }
    }
}

/// An SX-0 note about an organisation asks for what identifies an organisation, not for a
/// birth date.
fn organisation_note(f: &mut Finding) {
    f.benign = &["a different company with a similar name"];
    f.verify = "Compare registration number, country, owners and addresses with the list entry; no action if they differ.";
}

/// Memoised name screening, shared by every thread of a run. Generated and real populations
/// repeat names (a million applicants hold far fewer distinct names), so each distinct normalised
/// name is screened once:
///
/// - subject names go through a birth-date-free pre-screen whose floor is the alert threshold
///   minus the largest birth-date bonus; a name with no candidate above that floor cannot match
///   whatever birth date comes with it, and only the rest are screened again per subject with
///   the birth date;
/// - counterparty names (holders, employers) carry no birth date, so their matches are cached.
///
/// The results equal unmemoised screening: the pre-screen is conservative, and screening is
/// deterministic per query.
#[derive(Debug, Default)]
pub struct NameCache {
    /// Publication dates of the loaded lists, shown in findings.
    pub dates: ListDates,
    person: RwLock<HashMap<String, bool>>,
    counterparty: RwLock<CounterpartyMemo>,
}

/// Counterparty matches by normalised name and schema.
type CounterpartyMemo = HashMap<(String, Option<Schema>), Vec<screening::Match>>;

impl NameCache {
    /// An empty cache whose findings name lists by these publication dates.
    pub fn with_dates(dates: ListDates) -> NameCache {
        NameCache {
            dates,
            ..NameCache::default()
        }
    }

    /// How many distinct subject names and counterparty names were screened.
    pub fn sizes(&self) -> (usize, usize) {
        (
            self.person.read().map(|m| m.len()).unwrap_or(0),
            self.counterparty.read().map(|m| m.len()).unwrap_or(0),
        )
    }

    /// Whether a person name could match a list entry with some birth date.
    fn person_may_match(&self, s: &Screener, name: &str) -> bool {
        let key = names::normalize(name);
        if let Some(v) = self.person.read().ok().and_then(|m| m.get(&key).copied()) {
            return v;
        }
        let cfg = ScreenConfig {
            limit: 1,
            floor: ScreenConfig::default().threshold
                - screening::qualify::DOB_MATCH_BONUS.max(screening::qualify::DOB_YEAR_BONUS)
                - 1e-6,
            ..ScreenConfig::default()
        };
        let q = Query {
            name: name.to_string(),
            schema: Some(Schema::Person),
            ..Query::default()
        };
        let v = !s.screen(&q, &cfg).is_empty();
        if let Ok(mut m) = self.person.write() {
            m.insert(key, v);
        }
        v
    }

    /// The matches of a counterparty name, screened once.
    fn counterparty(
        &self,
        s: &Screener,
        name: &str,
        schema: Option<Schema>,
        cfg: &ScreenConfig,
    ) -> Vec<screening::Match> {
        let key = (names::normalize(name), schema.clone());
        if let Some(v) = self
            .counterparty
            .read()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return v;
        }
        let q = Query {
            name: name.to_string(),
            schema,
            ..Query::default()
        };
        let v: Vec<screening::Match> = s
            .screen(&q, cfg)
            .into_iter()
            .filter(|m| m.is_match)
            .collect();
        if let Ok(mut m) = self.counterparty.write() {
            m.insert(key, v.clone());
        }
        v
    }
}

/// The name score from which a birth year (rather than a full date) corroborates a name match.
pub const EXACT_NAME: f64 = 0.95;

fn person(r: &Record, s: &Screener, cache: &NameCache, out: &mut Vec<Finding>) {
    let c = &r.claims;
    let dob = c.birth_date.as_deref().and_then(PartialDate::parse_iso);
    let cfg = ScreenConfig {
        limit: 3,
        ..ScreenConfig::default()
    };
    let mut seen = std::collections::BTreeSet::new();
    for name in std::iter::once(&c.name).chain(&c.other_names) {
        if name.trim().is_empty() || !cache.person_may_match(s, name) {
            continue;
        }
        let q = Query {
            name: name.clone(),
            schema: Some(Schema::Person),
            birth_date: dob,
            nationality: None,
            identifiers: Vec::new(),
        };
        for m in s.screen(&q, &cfg) {
            if !m.is_match || !seen.insert(m.entity_id.to_string()) {
                continue;
            }
            // Two fields must agree (vetting.md SX-1): the name and a birth date that the list
            // confirms, or an identifier. A birth year or a listed range of years is weak
            // corroboration ("Mary Taylor", 1973 resembles "TAYLOR, Mark John", 1972 to 1974),
            // so it blocks only together with a near-exact name.
            let birth_date = m.effects.birth_date.map(|e| e.outcome);
            let precise = birth_date == Some(QualifierOutcome::Agrees);
            let year_only = birth_date == Some(QualifierOutcome::AgreesInYear);
            let id_hit = m.effects.identifier.is_some();
            // The weak-alias cap stays in the name score: a weak alias ("AHMED, A.") does not
            // match a name on its own, whatever birth date comes with it.
            let name_score = m.name_score + m.effects.weak_alias.map_or(0.0, |e| e.effect);
            // The name must match on its own: a birth-date bonus must not lift a weak name
            // ("Priya Sanchez" against "PARRA SANCHEZ, Mario", name 0.78) over the threshold.
            let dob_agrees = id_hit
                || precise && name_score >= cfg.threshold - 1e-9
                || year_only && name_score >= EXACT_NAME;
            let e = entry(s, &m, &cache.dates);
            let mut f = if dob_agrees {
                let mut f = Finding::new(
                    "SX-1",
                    100.0,
                    format!(
                        "Name and birth date match {} ({}) on {} (score {:.2}).",
                        e.name,
                        e.entity_id,
                        e.shown_list(),
                        m.score
                    ),
                );
                f.blocking = true;
                f
            } else if year_only {
                Finding::new(
                    "SX-0",
                    0.0,
                    format!(
                        "The name resembles {} ({}) on {} (name score {name_score:.2}) and the birth year falls in the listed range; a year alone does not identify a person.",
                        e.name,
                        e.entity_id,
                        e.shown_list()
                    ),
                )
            } else {
                Finding::new(
                    "SX-0",
                    0.0,
                    format!(
                        "The name resembles {} ({}) on {} (score {:.2}); the birth date does not confirm it.",
                        e.name,
                        e.entity_id,
                        e.shown_list(),
                        m.score
                    ),
                )
            };
            f.list_entry = Some(e);
            out.push(f);
        }
    }
}

fn counterparties(r: &Record, s: &Screener, cache: &NameCache, out: &mut Vec<Finding>) {
    let c = &r.claims;
    let cfg = counterparty_config();
    // Payees: account holders in another name than the subject's. An organisation's name is
    // screened as an organisation, so that a listed front company matches across schemas.
    let mut payees: Vec<(&str, Option<Schema>)> = Vec::new();
    for p in &c.payment_destinations {
        if let Some(h) = p.holder_name.as_deref()
            && !h.trim().is_empty()
            && !holder_is_subject(r, h)
        {
            let schema = keys::looks_like_organisation(h).then_some(Schema::Organization);
            payees.push((h, schema));
        }
    }
    payees.sort();
    payees.dedup();
    for (name, schema) in payees {
        for m in cache.counterparty(s, name, schema, &cfg) {
            let e = entry(s, &m, &cache.dates);
            // A listed company or vessel named as account holder blocks (SX-3). A listed person
            // matched by a holder's name alone does not: a name without a birth date or
            // identifier does not identify a person (the SX-1 rule).
            let mut f = if listed_organisation(s, &m) {
                let mut f = Finding::new(
                    "SX-3",
                    100.0,
                    format!(
                        "Payee '{name}' matches {} ({}) on {} (score {:.2}).",
                        e.name,
                        e.entity_id,
                        e.shown_list(),
                        m.score
                    ),
                );
                f.blocking = true;
                f
            } else {
                Finding::new(
                    "SX-0",
                    0.0,
                    format!(
                        "Payee '{name}' resembles the listed person {} ({}) on {} (score {:.2}); name only, compare the holder's birth date and documents.",
                        e.name,
                        e.entity_id,
                        e.shown_list(),
                        m.score
                    ),
                )
            };
            f.list_entry = Some(e);
            out.push(f);
        }
    }
    // Former and current employers are context for review, never a payee: a listed employer in
    // the history is shown (a reviewer asks about the job), and blocks nothing.
    let mut employers: Vec<&str> = c
        .employment
        .iter()
        .map(|e| e.organisation.as_str())
        .filter(|o| !o.trim().is_empty())
        .collect();
    employers.sort();
    employers.dedup();
    for name in employers {
        for m in cache.counterparty(s, name, Some(Schema::Organization), &cfg) {
            let e = entry(s, &m, &cache.dates);
            let mut f = Finding::new(
                "SX-0",
                0.0,
                format!(
                    "The employment history names '{name}', which resembles {} ({}) on {} (score {:.2}); employment is context for review, not a payment counterparty.",
                    e.name,
                    e.entity_id,
                    e.shown_list(),
                    m.score
                ),
            );
            f.verify = "Ask about the job: dates, role and whether any payment flowed from or to that organisation; confirm the employer's registration data against the list entry.";
            f.benign = &[
                "a different company with a similar name",
                "past employment before the designation",
            ];
            f.list_entry = Some(e);
            out.push(f);
        }
    }
}

/// Whether an account holder's name is one of the subject's own names, also as one of several
/// joint holders ("Ann Lee and Bob Stone") or with a middle initial dropped.
pub fn holder_is_subject(r: &Record, holder: &str) -> bool {
    let own: Vec<&String> = std::iter::once(&r.claims.name)
        .chain(&r.claims.other_names)
        .collect();
    joint_holders(holder)
        .iter()
        .any(|h| own.iter().any(|o| keys::same_name(o, h)))
}

/// The holders of a joint account as written: split on "and", "&", "/", ";" and "+".
pub fn joint_holders(holder: &str) -> Vec<String> {
    let spaced = holder
        .replace(['&', '/', ';', '+'], " and ")
        .replace(" AND ", " and ")
        .replace(" And ", " and ");
    spaced
        .split(" and ")
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map(String::from)
        .collect()
}

/// Researcher indicator lists and stolen-funds address lists, looked up by exact normalised
/// value.
#[derive(Debug, Clone, Default)]
pub struct Leads {
    by_value: HashMap<(String, String), Vec<LeadSource>>,
    stolen: HashMap<String, Vec<LeadSource>>,
}

/// The lead types that are compared, and the key space each value lives in. The shipped
/// indicator file names address types `evm_address`, `btc_address`, …; both spellings work.
fn lead_space(kind: &str) -> Option<&'static str> {
    let k = kind.strip_suffix("_address").unwrap_or(kind);
    Some(match k {
        "email" => "email",
        "github" => "github",
        "telegram" | "handle" | "x" | "twitter" | "linkedin" | "discord" | "skype" => "handle",
        "evm" | "eth" | "btc" | "xbt" | "ltc" | "sol" | "trx" | "tron" | "xmr" | "bch" => "address",
        "ip" => "ip",
        _ => return None,
    })
}

/// Indicator types that are loaded but never compared: names may be victims' and a name alone
/// is not evidence; web pages and name services are free text for a reviewer.
const NOT_COMPARED: &[&str] = &[
    "name_alias",
    "name",
    "organization",
    "organisation",
    "website",
    "other_profile",
    "ens",
    "sns",
    "medium",
    "npm",
    "passport",
    "phone",
];

/// The file name without its directory: findings name a lead file, never a local path.
fn file_name(file: &str) -> String {
    file.rsplit(['/', '\\']).next().unwrap_or(file).to_string()
}

fn lead_key(space: &str, value: &str) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    Some(match space {
        "email" => keys::email(v)?,
        "address" => address_key(v),
        _ => v.trim_start_matches('@').to_lowercase(),
    })
}

/// A crypto address as a lookup key: the chain's canonical form, else lower case.
fn address_key(v: &str) -> String {
    chain::parse(v.trim())
        .map(|a| a.canonical().to_string())
        .unwrap_or_else(|_| v.trim().to_lowercase())
}

/// Splits one CSV line with double-quote escaping.
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

impl Leads {
    /// Parses a lead file. Three forms are read:
    ///
    /// - an indicator list with the columns `cluster,persona,type,value[,note]` (header
    ///   required); rows of an unknown type become one diagnostic per type, and types that are
    ///   known but never compared (names, web pages) one note;
    /// - a stolen-funds list with the columns `address[,chain][,role][,attribution][,note]`
    ///   (the Bybit-theft lists); rows whose role is `victim` are skipped;
    /// - a plain list of crypto addresses, one per line, all of them stolen funds (the FBI's
    ///   published Bybit addresses).
    pub fn parse(file: &str, text: &str) -> (Leads, Vec<Diagnostic>) {
        let mut leads = Leads::default();
        let mut diags = Vec::new();
        let shown = file_name(file);
        let mut lines = text.lines().enumerate();
        let header = lines.next().map(|(_, h)| csv_fields(h)).unwrap_or_default();
        let col = |n: &str| header.iter().position(|h| h.trim().eq_ignore_ascii_case(n));
        if let (Some(ci), Some(pi), Some(ti), Some(vi)) =
            (col("cluster"), col("persona"), col("type"), col("value"))
        {
            leads.indicators(
                file,
                &shown,
                lines,
                (ci, pi, ti, vi, col("note")),
                &mut diags,
            );
        } else if let Some(ai) = col("address") {
            let cols = (
                ai,
                col("chain"),
                col("role"),
                col("attribution"),
                col("note"),
            );
            leads.stolen_table(file, &shown, lines, cols, &mut diags);
        } else if text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .all(|l| chain::parse(l).is_ok())
            && !text.trim().is_empty()
        {
            for (i, line) in text.lines().enumerate() {
                let v = line.trim();
                if v.is_empty() || v.starts_with('#') {
                    continue;
                }
                leads
                    .stolen
                    .entry(address_key(v))
                    .or_default()
                    .push(LeadSource {
                        file: shown.clone(),
                        cluster: "stolen funds".into(),
                        persona: format!("line {}", i + 1),
                        kind: "stolen_funds".into(),
                        note: String::new(),
                    });
            }
        } else {
            diags.push(Diagnostic::for_file(
                Severity::Error,
                file,
                "The lead file needs the columns cluster, persona, type and value (indicators), or an address column (stolen funds), or one crypto address per line.",
            ));
        }
        (leads, diags)
    }

    fn indicators<'t>(
        &mut self,
        file: &str,
        shown: &str,
        lines: impl Iterator<Item = (usize, &'t str)>,
        (ci, pi, ti, vi, ni): (usize, usize, usize, usize, Option<usize>),
        diags: &mut Vec<Diagnostic>,
    ) {
        // Unknown types: how many rows and the first line, so that none is dropped silently.
        let mut unknown: std::collections::BTreeMap<String, (usize, u64)> = Default::default();
        let mut skipped: std::collections::BTreeMap<String, usize> = Default::default();
        for (i, line) in lines {
            if line.trim().is_empty() {
                continue;
            }
            let f = csv_fields(line);
            let get = |i: usize| f.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
            let kind = get(ti).to_lowercase();
            let Some(space) = lead_space(&kind) else {
                if NOT_COMPARED.contains(&kind.as_str()) {
                    *skipped.entry(kind).or_default() += 1;
                } else {
                    unknown.entry(kind).or_insert((0, i as u64 + 1)).0 += 1;
                }
                continue;
            };
            let Some(key) = lead_key(space, &get(vi)) else {
                diags.push(Diagnostic::at_line(
                    Severity::Warning,
                    file,
                    i as u64 + 1,
                    "The row has no value.",
                ));
                continue;
            };
            self.by_value
                .entry((space.to_string(), key))
                .or_default()
                .push(LeadSource {
                    file: shown.to_string(),
                    cluster: get(ci),
                    persona: get(pi),
                    kind,
                    note: ni.map(get).unwrap_or_default(),
                });
        }
        for (kind, (n, first)) in unknown {
            diags.push(Diagnostic::at_line(
                Severity::Warning,
                file,
                first,
                format!(
                    "{n} row(s) of the unknown indicator type '{kind}' were not loaded (first on this line)."
                ),
            ));
        }
        if !skipped.is_empty() {
            let list: Vec<String> = skipped.iter().map(|(k, n)| format!("{k} {n}")).collect();
            diags.push(Diagnostic::for_file(
                Severity::Info,
                file,
                format!(
                    "Indicator types kept for reviewers but never compared (names and free text are not evidence): {}.",
                    list.join(", ")
                ),
            ));
        }
    }

    fn stolen_table<'t>(
        &mut self,
        file: &str,
        shown: &str,
        lines: impl Iterator<Item = (usize, &'t str)>,
        (ai, chi, ri, ati, ni): StolenColumns,
        diags: &mut Vec<Diagnostic>,
    ) {
        for (i, line) in lines {
            if line.trim().is_empty() {
                continue;
            }
            let f = csv_fields(line);
            let get = |i: Option<usize>| {
                i.and_then(|i| f.get(i))
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default()
            };
            let addr = get(Some(ai));
            let role = get(ri).to_lowercase();
            if addr.is_empty() {
                diags.push(Diagnostic::at_line(
                    Severity::Warning,
                    file,
                    i as u64 + 1,
                    "The row has no address.",
                ));
                continue;
            }
            // The victim's own wallets are on the list to be recognised, never flagged.
            if role == "victim" {
                continue;
            }
            let chain = get(chi);
            self.stolen
                .entry(address_key(&addr))
                .or_default()
                .push(LeadSource {
                    file: shown.to_string(),
                    cluster: get(ati),
                    persona: if chain.is_empty() {
                        role.clone()
                    } else {
                        format!("{role} ({chain})")
                    },
                    kind: "stolen_funds".into(),
                    note: get(ni),
                });
        }
    }

    /// Adds the leads of another file; a value listed in both keeps every source, first file
    /// first.
    pub fn merge(&mut self, other: Leads) {
        for (k, v) in other.by_value {
            self.by_value.entry(k).or_default().extend(v);
        }
        for (k, v) in other.stolen {
            self.stolen.entry(k).or_default().extend(v);
        }
    }

    /// How many distinct values the lead lists hold.
    pub fn len(&self) -> usize {
        self.by_value.len() + self.stolen.len()
    }

    /// Whether no lead was loaded.
    pub fn is_empty(&self) -> bool {
        self.by_value.is_empty() && self.stolen.is_empty()
    }

    /// Lead findings for a record: exact matches of e-mails, handles, payout addresses and
    /// login IPs (L-10, each with its provenance, counting little), and payout addresses on a
    /// stolen-funds list (SF-1, a tier of its own between a lead and a sanctions hit).
    pub fn matches(&self, r: &Record) -> Vec<Finding> {
        let c = &r.claims;
        let mut probes: Vec<(&str, String, String)> = Vec::new();
        for e in &c.emails {
            if let Some(k) = lead_key("email", e) {
                probes.push(("email", keys::mask_email(&k), k));
            }
        }
        for p in &c.profiles {
            if let Some(h) = p.handle.as_deref() {
                let space = if p.platform.eq_ignore_ascii_case("github") {
                    "github"
                } else {
                    "handle"
                };
                if let Some(k) = lead_key(space, h) {
                    probes.push((space, format!("{} handle {k}", p.platform), k));
                }
            }
            for e in &p.commit_emails {
                if let Some(k) = lead_key("email", e) {
                    probes.push(("email", keys::mask_email(&k), k));
                }
            }
        }
        let mut out = Vec::new();
        let mut stolen_seen = std::collections::BTreeSet::new();
        for p in &c.payment_destinations {
            if let Some(a) = p.address.as_deref()
                && let Some(k) = lead_key("address", a)
            {
                if let Some(sources) = self.stolen.get(&k)
                    && stolen_seen.insert(k.clone())
                {
                    let src = &sources[0];
                    let mut f = Finding::new(
                        "SF-1",
                        STOLEN_FUNDS_WEIGHT,
                        format!(
                            "Payout address {} is on the stolen-funds list {} ({}; {}{}).",
                            a.trim(),
                            src.file,
                            src.persona,
                            if src.cluster.is_empty() {
                                "no attribution given"
                            } else {
                                &src.cluster
                            },
                            if sources.len() > 1 {
                                format!("; {} more source(s)", sources.len() - 1)
                            } else {
                                String::new()
                            }
                        ),
                    );
                    f.lead = Some(src.clone());
                    out.push(f);
                }
                probes.push(("address", format!("payout address {}", a.trim()), k));
            }
        }
        for l in &r.observations.logins {
            if let Some(k) = lead_key("ip", &l.ip) {
                probes.push(("ip", format!("login IP {k}"), k));
            }
        }
        probes.sort();
        probes.dedup();
        for (space, shown, key) in probes {
            if let Some(sources) = self.by_value.get(&(space.to_string(), key)) {
                for src in sources.iter().take(3) {
                    let mut f = Finding::new(
                        "L-10",
                        20.0,
                        format!(
                            "{shown} appears in research list {} under persona '{}' ({}). Alleged, not designated.",
                            src.file, src.persona, src.cluster
                        ),
                    );
                    f.lead = Some(src.clone());
                    out.push(f);
                }
            }
        }
        out
    }
}

/// The columns of a stolen-funds table: address, chain, role, attribution, note.
type StolenColumns = (
    usize,
    Option<usize>,
    Option<usize>,
    Option<usize>,
    Option<usize>,
);

/// The points of a payout to a stolen-funds address (SF-1). The finding also holds the subject
/// at the high band at least ([`crate::assemble`]): it is far more than a lead, but not a
/// sanctions hit, so it does not block.
pub const STOLEN_FUNDS_WEIGHT: f64 = 60.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes() {
        assert_eq!(
            csv_fields(r#"a,"b,c","d""e",,"#),
            vec!["a", "b,c", "d\"e", "", ""]
        );
    }
}
