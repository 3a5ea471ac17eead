//! The blocking tier (sanctions lists) and research leads.

use std::collections::HashMap;
use std::sync::RwLock;

use model::{Diagnostic, PartialDate, Schema, Severity};
use screening::{QualifierOutcome, Query, ScreenConfig, Screener};
use wallets::{AddressBook, Source};

use crate::finding::{Finding, LeadSource, ListEntry};
use crate::keys;
use crate::record::Record;

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
        person(r, s, cache, &mut out);
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
                            "Payout address {} is listed ({currency}) on {list} version {list_version} for {name} ({entity_id}).",
                            addr.trim()
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
                    });
                    out.push(f);
                }
            }
        }
    }
    out
}

fn entry(s: &Screener, m: &screening::Match) -> ListEntry {
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
    }
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
    person: RwLock<HashMap<String, bool>>,
    counterparty: RwLock<CounterpartyMemo>,
}

/// Counterparty matches by normalised name and schema.
type CounterpartyMemo = HashMap<(String, Option<Schema>), Vec<screening::Match>>;

impl NameCache {
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
            let e = entry(s, &m);
            let mut f = if dob_agrees {
                let mut f = Finding::new(
                    "SX-1",
                    100.0,
                    format!(
                        "Name and birth date match {} ({}) on {} version {} (score {:.2}).",
                        e.name, e.entity_id, e.list, e.list_version, m.score
                    ),
                );
                f.blocking = true;
                f
            } else if year_only {
                Finding::new(
                    "SX-0",
                    0.0,
                    format!(
                        "The name resembles {} ({}) on {} version {} (name score {name_score:.2}) and the birth year falls in the listed range; a year alone does not identify a person.",
                        e.name, e.entity_id, e.list, e.list_version
                    ),
                )
            } else {
                Finding::new(
                    "SX-0",
                    0.0,
                    format!(
                        "The name resembles {} ({}) on {} version {} (score {:.2}); the birth date does not confirm it.",
                        e.name, e.entity_id, e.list, e.list_version, m.score
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
    let cfg = ScreenConfig {
        limit: 2,
        threshold: 0.9,
        ..ScreenConfig::default()
    };
    let own = keys::name(&c.name);
    let mut names: Vec<(&str, Option<Schema>)> = Vec::new();
    for p in &c.payment_destinations {
        if let Some(h) = p.holder_name.as_deref().filter(|h| keys::name(h) != own) {
            names.push((h, None));
        }
    }
    for e in &c.employment {
        if !e.organisation.trim().is_empty() {
            names.push((&e.organisation, Some(Schema::Organization)));
        }
    }
    names.sort();
    names.dedup();
    for (name, schema) in names {
        for m in cache.counterparty(s, name, schema, &cfg) {
            let e = entry(s, &m);
            // A listed company or vessel named as employer or account holder blocks (SX-3). A
            // listed person matched by a holder's name alone does not: a name without a birth
            // date or identifier does not identify a person (the SX-1 rule).
            // An entry of unknown kind (a `LegalEntity`, such as aliases whose primary record is
            // missing from the loaded files) is treated like a person.
            let organisation = matches!(
                m.schema.as_str(),
                "Organization" | "Company" | "Vessel" | "Airplane"
            );
            let mut f = if !organisation {
                Finding::new(
                    "SX-0",
                    0.0,
                    format!(
                        "Counterparty '{name}' resembles the listed person {} ({}) on {} version {} (score {:.2}); name only, compare the holder's birth date and documents.",
                        e.name, e.entity_id, e.list, e.list_version, m.score
                    ),
                )
            } else {
                let mut f = Finding::new(
                    "SX-3",
                    100.0,
                    format!(
                        "Counterparty '{name}' matches {} ({}) on {} version {} (score {:.2}).",
                        e.name, e.entity_id, e.list, e.list_version, m.score
                    ),
                );
                f.blocking = true;
                f
            };
            f.list_entry = Some(e);
            out.push(f);
        }
    }
}

/// Researcher indicator lists, looked up by exact normalised value.
#[derive(Debug, Clone, Default)]
pub struct Leads {
    by_value: HashMap<(String, String), Vec<LeadSource>>,
}

/// The lead types that are compared, and the key space each value lives in. Names, passwords
/// and free text are never matched: a name alone is not evidence and may be a victim's.
fn lead_space(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "email" => "email",
        "github" => "github",
        "telegram" | "handle" | "x" | "linkedin" | "discord" | "skype" => "handle",
        "evm" | "btc" | "ltc" | "sol" | "trx" => "address",
        "ip" => "ip",
        _ => return None,
    })
}

fn lead_key(space: &str, value: &str) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    Some(match space {
        "email" => keys::email(v)?,
        "address" => chain::parse(v)
            .map(|a| a.canonical().to_string())
            .unwrap_or_else(|_| v.to_lowercase()),
        _ => v.trim_start_matches('@').to_lowercase(),
    })
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
    /// Parses a lead file with the columns `cluster,persona,type,value,note` (header required).
    pub fn parse(file: &str, text: &str) -> (Leads, Vec<Diagnostic>) {
        let mut leads = Leads::default();
        let mut diags = Vec::new();
        let mut lines = text.lines().enumerate();
        let header = lines.next().map(|(_, h)| csv_fields(h)).unwrap_or_default();
        let col = |n: &str| header.iter().position(|h| h.trim().eq_ignore_ascii_case(n));
        let (Some(ci), Some(pi), Some(ti), Some(vi)) =
            (col("cluster"), col("persona"), col("type"), col("value"))
        else {
            diags.push(Diagnostic::for_file(
                Severity::Error,
                file,
                "The lead file needs the columns cluster, persona, type and value.",
            ));
            return (leads, diags);
        };
        let ni = col("note");
        for (i, line) in lines {
            if line.trim().is_empty() {
                continue;
            }
            let f = csv_fields(line);
            let get = |i: usize| f.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
            let kind = get(ti).to_lowercase();
            let Some(space) = lead_space(&kind) else {
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
            leads
                .by_value
                .entry((space.to_string(), key))
                .or_default()
                .push(LeadSource {
                    file: file.to_string(),
                    cluster: get(ci),
                    persona: get(pi),
                    kind,
                    note: ni.map(get).unwrap_or_default(),
                });
        }
        (leads, diags)
    }

    /// Adds the leads of another file; a value listed in both keeps every source, first file
    /// first.
    pub fn merge(&mut self, other: Leads) {
        for (k, v) in other.by_value {
            self.by_value.entry(k).or_default().extend(v);
        }
    }

    /// How many distinct values the lead lists hold.
    pub fn len(&self) -> usize {
        self.by_value.len()
    }

    /// Whether no lead was loaded.
    pub fn is_empty(&self) -> bool {
        self.by_value.is_empty()
    }

    /// Lead findings for a record (L-10): exact matches of e-mails, handles, payout addresses
    /// and login IPs. Each lead carries its provenance and counts little.
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
        for p in &c.payment_destinations {
            if let Some(a) = p.address.as_deref()
                && let Some(k) = lead_key("address", a)
            {
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
        let mut out = Vec::new();
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
