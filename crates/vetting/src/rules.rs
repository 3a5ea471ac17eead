//! Single-record rules: contradictions inside one subject's record (class R and B of the
//! catalogue).

use std::collections::BTreeSet;

use crate::finding::Finding;
use crate::keys;
use crate::net::CidrSet;
use crate::record::Record;

/// The randomisation date after which SSN areas carry no meaning (T6).
pub const SSN_RANDOMISATION: &str = "2011-06-25";

/// Why an SSN can never have been issued (G6), or `None` when its form is possible.
pub fn ssn_never_issued(ssn: &str) -> Option<&'static str> {
    let d = keys::digits(ssn);
    if d.len() != 9 {
        return Some("it does not have nine digits");
    }
    let area: u32 = d[..3].parse().ok()?;
    if area == 0 {
        Some("area 000 is never issued")
    } else if area == 666 {
        Some("area 666 is never issued")
    } else if area >= 900 {
        Some("areas 900–999 are never issued as SSNs (ITINs use them)")
    } else if &d[3..5] == "00" {
        Some("group 00 is never issued")
    } else if &d[5..] == "0000" {
        Some("serial 0000 is never issued")
    } else {
        None
    }
}

/// Whether an SSN's area was unassigned before the 2011 randomisation (772–899 per G6).
pub fn ssn_post_2011_area(ssn: &str) -> bool {
    let d = keys::digits(ssn);
    d.len() == 9
        && d[..3]
            .parse::<u32>()
            .is_ok_and(|a| (772..=899).contains(&a))
}

/// Known mail-forwarding, mailbox and re-shipping patterns in a normalised address; a
/// small curated list, because CMRA flags are commercial data.
pub const CMRA_PATTERNS: &[&str] = &[
    "pmb",
    "private mailbox",
    "private mail box",
    "ups store",
    "mailboxes etc",
    "postal annex",
    "postnet",
    "ipostal",
    "anytime mailbox",
    "earth class mail",
    "virtual post mail",
    "us global mail",
    "shipito",
    "myus",
    "planet express",
    "stackry",
    "forward2me",
    "reshipper",
    "mail forwarding",
];

/// Remote-access and RMM tools (B-2), matched case-insensitively inside software names.
pub const RMM_TOOLS: &[&str] = &[
    "anydesk",
    "teamviewer",
    "chrome remote desktop",
    "rustdesk",
    "splashtop",
    "logmein",
    "screenconnect",
    "connectwise control",
    "remotepc",
    "parsec",
    "ammyy",
    "ultravnc",
    "tightvnc",
    "realvnc",
    "vnc server",
    "zoho assist",
    "supremo",
    "radmin",
    "dwservice",
    "meshagent",
];

/// IP-KVM names in USB inventories (I15).
pub const KVM_NAMES: &[&str] = &[
    "pikvm",
    "tinypilot",
    "jetkvm",
    "nanokvm",
    "glkvm",
    "ip-kvm",
    "ipkvm",
    "kvm",
];

/// USB vendor:product ids of IP-KVM devices: the Linux Foundation multifunction composite
/// gadget that PiKVM and TinyPilot present by default.
pub const KVM_USB_IDS: &[(&str, &str)] = &[("1d6b", "0104")];

/// Mouse-jiggler names (B-2, 15 points).
pub const JIGGLER_NAMES: &[&str] = &["jiggler", "mouse mover", "mousemover"];

/// E-mail alias forwarders.
pub const ALIAS_DOMAINS: &[&str] = &[
    "duck.com",
    "simplelogin.com",
    "simplelogin.co",
    "anonaddy.me",
    "addy.io",
    "mozmail.com",
    "privaterelay.appleid.com",
    "33mail.com",
    "passmail.net",
];

/// Disposable e-mail domains.
pub const DISPOSABLE_DOMAINS: &[&str] = &[
    "mailinator.com",
    "guerrillamail.com",
    "10minutemail.com",
    "temp-mail.org",
    "yopmail.com",
    "tempmail.com",
    "trashmail.com",
];

/// What the rules need beside the record.
#[derive(Debug, Clone, Default)]
pub struct RuleConfig {
    /// Anonymiser ranges and allowed corporate egress.
    pub anonymizers: CidrSet,
    /// Remote-access tools IT has approved, lower case.
    pub allowed_tools: Vec<String>,
}

/// Runs every single-record rule.
pub fn run(r: &Record, cfg: &RuleConfig) -> Vec<Finding> {
    let mut out = Vec::new();
    ssn_rules(r, &mut out);
    shipping_rules(r, &mut out);
    payment_rules(r, &mut out);
    email_rules(r, &mut out);
    location_rules(r, cfg, &mut out);
    device_rules(r, cfg, &mut out);
    login_rules(r, cfg, &mut out);
    remote_operation_rule(r, cfg, &mut out);
    interview_rules(r, &mut out);
    profile_rules(r, &mut out);
    pay_request_rule(r, &mut out);
    profile_consistency_rules(r, &mut out);
    phone_rules(r, &mut out);
    face_rules(r, &mut out);
    activity_rules(r, &mut out);
    post_hire_rules(r, &mut out);
    exposure_rules(r, &mut out);
    out
}

/// Free static-site hosts, matched as the URL host or its suffix.
pub const FREE_HOSTS: &[&str] = &[
    "netlify.app",
    "vercel.app",
    "github.io",
    "gitlab.io",
    "pages.dev",
    "web.app",
    "firebaseapp.com",
    "wixsite.com",
    "weebly.com",
    "carrd.co",
    "glitch.me",
    "onrender.com",
    "herokuapp.com",
];

/// How far below the band a crypto pay request must be to count.
pub const PAY_BELOW_BAND: f64 = 0.25;

fn pay_request_rule(r: &Record, out: &mut Vec<Finding>) {
    let Some(p) = &r.claims.pay_request else {
        return;
    };
    if p.crypto && p.band_low > 0.0 && p.rate > 0.0 && p.rate < p.band_low * (1.0 - PAY_BELOW_BAND)
    {
        let pct = ((1.0 - p.rate / p.band_low) * 100.0).round();
        out.push(Finding::new(
            "R-7",
            5.0,
            format!(
                "Asked for crypto pay at {}, {pct} % below the band's lower end {}.",
                p.rate, p.band_low
            ),
        ));
    }
}

fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#', ':'])
        .next()
        .unwrap_or("")
        .trim_end_matches('.')
        .to_lowercase()
}

fn profile_consistency_rules(r: &Record, out: &mut Vec<Finding>) {
    let own: Vec<String> = std::iter::once(&r.claims.name)
        .chain(&r.claims.other_names)
        .map(|n| keys::name(n))
        .filter(|n| !n.is_empty())
        .collect();
    // A display name counts as the subject's when it equals a declared name, or when every
    // token of it is a token of one (people drop middle names and use initials-free short forms).
    let is_own = |d: &str| {
        let d = keys::name(d);
        d.is_empty()
            || own
                .iter()
                .any(|o| *o == d || d.split(' ').all(|t| o.split(' ').any(|x| x == t)))
    };
    let mut other_names: BTreeSet<String> = BTreeSet::new();
    for p in &r.claims.profiles {
        if let Some(d) = p.display_name.as_deref()
            && !own.is_empty()
            && !is_own(d)
        {
            other_names.insert(format!("{} shows '{}'", p.platform, d.trim()));
        }
    }
    if !other_names.is_empty() {
        let list: Vec<String> = other_names.into_iter().collect();
        out.push(Finding::new(
            "R-11",
            15.0,
            format!(
                "Profile names differ from the claimed name: {}.",
                list.join("; ")
            ),
        ));
    }
    let photos: BTreeSet<String> = r
        .claims
        .profiles
        .iter()
        .filter_map(|p| p.avatar_hash.as_deref())
        .map(|h| h.trim().to_lowercase())
        .filter(|h| !h.is_empty())
        .collect();
    if photos.len() >= 2 {
        out.push(Finding::new(
            "R-11",
            10.0,
            format!(
                "{} profiles show {} different photos.",
                r.claims
                    .profiles
                    .iter()
                    .filter(|p| p.avatar_hash.is_some())
                    .count(),
                photos.len()
            ),
        ));
    }
    for p in &r.claims.profiles {
        let Some(url) = p.url.as_deref() else {
            continue;
        };
        let h = host(url);
        if p.testimonials_verified == Some(false)
            && let Some(free) = FREE_HOSTS
                .iter()
                .find(|f| h == **f || h.ends_with(&format!(".{f}")))
        {
            out.push(Finding::new(
                "R-12",
                5.0,
                format!("Portfolio on the free host {free}; its testimonials name clients that could not be found."),
            ));
        }
    }
}

fn phone_rules(r: &Record, out: &mut Vec<Finding>) {
    let applied = r.applied_at.as_deref().and_then(keys::days);
    for c in &r.observations.phone_checks {
        let shown = keys::phone(&c.number)
            .map(|p| keys::mask(&p))
            .unwrap_or_else(|| keys::mask(&c.number));
        let src = c.source.as_deref().unwrap_or("a carrier lookup");
        if c.line_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("non_fixed_voip"))
        {
            out.push(Finding::new(
                "R-14",
                10.0,
                format!("Phone {shown} is a non-fixed VoIP line per {src}."),
            ));
        }
        if let (Some(p), Some(a)) = (c.ported_at.as_deref().and_then(keys::days), applied)
            && (0..=90).contains(&(a - p))
        {
            out.push(Finding::new(
                "R-14",
                5.0,
                format!(
                    "Phone {shown} was ported {} days before the application.",
                    a - p
                ),
            ));
        }
    }
    let n = r.observations.phone_changes;
    if n >= 2 {
        out.push(Finding::new(
            "R-14",
            5.0,
            format!("The phone number changed {n} times during the process."),
        ));
    }
}

fn face_rules(r: &Record, out: &mut Vec<Finding>) {
    if !r.observations.biometric_consent {
        return;
    }
    let faces: BTreeSet<&str> = r
        .observations
        .interviews
        .iter()
        .filter_map(|i| i.face_id.as_deref())
        .chain(
            r.claims
                .government_ids
                .iter()
                .filter_map(|g| g.portrait_face_id.as_deref()),
        )
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect();
    if faces.len() >= 2 {
        out.push(Finding::new(
            "L-6",
            25.0,
            format!(
                "The face-match vendor saw {} different people across this identity's document and interview sessions.",
                faces.len()
            ),
        ));
    }
}

/// Parses a `±HH:MM` (or `±HH`) UTC offset into minutes.
pub fn utc_offset_minutes(s: &str) -> Option<i64> {
    let t = s.trim().trim_start_matches("UTC");
    let (sign, rest) = match t.as_bytes().first()? {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
}

/// The share of activity that must fall between 00:00 and 06:00 claimed local time (B-4).
pub const NIGHT_SHARE: f64 = 0.6;
/// The fewest events from which the activity histogram is judged (B-4).
pub const MIN_ACTIVITY: u32 = 20;

fn activity_rules(r: &Record, out: &mut Vec<Finding>) {
    let Some(a) = &r.observations.activity else {
        return;
    };
    let src = a.source.as_deref().unwrap_or("events");
    if let Some(off) = r.claims.utc_offset.as_deref().and_then(utc_offset_minutes)
        && a.hours_utc.len() == 24
    {
        let total: u32 = a.hours_utc.iter().sum();
        let night: u32 = (0..24)
            .filter(|h| {
                let local = (h * 60 + off).rem_euclid(24 * 60) / 60;
                local < 6
            })
            .map(|h| a.hours_utc[h as usize])
            .sum();
        if total >= MIN_ACTIVITY && f64::from(night) >= NIGHT_SHARE * f64::from(total) {
            let pct = (100.0 * f64::from(night) / f64::from(total)).round();
            out.push(Finding::new(
                "B-4",
                10.0,
                format!(
                    "{pct} % of {total} {src} fall between 00:00 and 06:00 in the claimed time zone (UTC{}).",
                    r.claims.utc_offset.as_deref().unwrap_or("").trim()
                ),
            ));
        }
    }
    if let Some(h) = a.longest_session_hours
        && h > 24.0
    {
        out.push(Finding::new(
            "B-4",
            5.0,
            format!("A continuous session lasted {h:.0} hours."),
        ));
    }
}

fn post_hire_rules(r: &Record, out: &mut Vec<Finding>) {
    let o = &r.observations;
    let mut kinds: BTreeSet<String> = BTreeSet::new();
    let mut copied = 0u32;
    for e in &o.security_events {
        let k = e.kind.trim().to_ascii_lowercase();
        match k.as_str() {
            "unmanaged_device" | "cookie_reuse" | "bulk_download" => {
                kinds.insert(k.replace('_', " "));
            }
            "personal_repo_clone" => copied += e.count.unwrap_or(1).max(1),
            _ => {}
        }
    }
    if copied > 0 {
        kinds.insert(format!(
            "{copied} repositories cloned to a personal account"
        ));
    }
    if !kinds.is_empty() {
        let list: Vec<String> = kinds.into_iter().collect();
        out.push(Finding::new(
            "B-5",
            20.0,
            format!("Security events: {}.", list.join(", ")),
        ));
    }
    let members: BTreeSet<String> = o
        .consortium_matches
        .iter()
        .filter(|m| m.concurrent)
        .map(|m| format!("{} ({})", m.member.trim(), m.key.trim()))
        .collect();
    if !members.is_empty() {
        let list: Vec<String> = members.into_iter().collect();
        out.push(Finding::new(
            "B-6",
            20.0,
            format!(
                "Also active for another consortium member during working hours: {}.",
                list.join(", ")
            ),
        ));
    }
    let requests: BTreeSet<String> = o
        .privilege_requests
        .iter()
        .filter(|p| p.approved != Some(true))
        .map(|p| p.kind.trim().to_ascii_lowercase())
        .filter(|k| {
            matches!(
                k.as_str(),
                "multisig_signer" | "release_rights" | "admin" | "add_member"
            )
        })
        .collect();
    if !requests.is_empty() {
        let strong = requests
            .iter()
            .any(|k| k == "multisig_signer" || k == "release_rights");
        let list: Vec<String> = requests.into_iter().map(|k| k.replace('_', " ")).collect();
        out.push(Finding::new(
            "B-7",
            if strong { 15.0 } else { 10.0 },
            format!(
                "Requested privileges outside change approval: {}.",
                list.join(", ")
            ),
        ));
    }
    let bad: Vec<f64> = o
        .card_charges
        .iter()
        .filter(|c| !c.authorised)
        .map(|c| c.amount)
        .collect();
    if bad.len() >= 3 {
        let total: f64 = bad.iter().sum();
        out.push(Finding::new(
            "B-8",
            20.0,
            format!(
                "{} unauthorised charges totalling {total:.2} on a company payment account.",
                bad.len()
            ),
        ));
    }
}

fn exposure_rules(r: &Record, out: &mut Vec<Finding>) {
    let own: BTreeSet<String> = r
        .claims
        .payment_destinations
        .iter()
        .filter_map(|p| p.address.as_deref())
        .map(|a| a.trim().to_lowercase())
        .collect();
    for e in &r.observations.address_exposure {
        let addr = e.address.trim();
        if e.via_exchange || e.hops == 0 || !own.contains(&addr.to_lowercase()) {
            continue;
        }
        let what = match e.attribution.trim().to_ascii_lowercase().as_str() {
            "sdn" => "a sanctions-listed address",
            "worker_cluster" => "an attributed IT-worker wallet cluster",
            _ => continue,
        };
        let weight = match (e.attribution.eq_ignore_ascii_case("sdn"), e.hops) {
            (true, 1) => 40.0,
            (_, 1) | (true, 2) => 30.0,
            (_, h) if h <= 3 => 25.0,
            _ => continue,
        };
        out.push(Finding::new(
            "LX-1",
            weight,
            format!(
                "Payout address {addr} is {} hop(s) from {what}{} per {}.",
                e.hops,
                e.counterparty
                    .as_deref()
                    .map(|c| format!(" ({})", c.trim()))
                    .unwrap_or_default(),
                e.source.as_deref().unwrap_or("chain analytics")
            ),
        ));
    }
}

fn ssn_rules(r: &Record, out: &mut Vec<Finding>) {
    for id in &r.claims.government_ids {
        let is_ssn = id.kind.eq_ignore_ascii_case("ssn");
        if is_ssn {
            if let Some(why) = ssn_never_issued(&id.number) {
                out.push(Finding::new(
                    "R-1",
                    30.0,
                    format!(
                        "SSN {} is of a form SSA never issues: {why}.",
                        keys::mask(&id.number)
                    ),
                ));
            } else if ssn_post_2011_area(&id.number) {
                let cutoff = keys::days(SSN_RANDOMISATION).unwrap_or(0);
                let first_us = r
                    .claims
                    .employment
                    .iter()
                    .filter(|e| {
                        e.country
                            .as_deref()
                            .is_some_and(|c| c.eq_ignore_ascii_case("us"))
                    })
                    .filter_map(|e| e.start.as_deref())
                    .filter(|s| keys::days(s).is_some_and(|d| d < cutoff))
                    .min();
                if let Some(start) = first_us {
                    out.push(Finding::new(
                        "R-2",
                        10.0,
                        format!(
                            "SSN {} has an area first issued after June 2011, but the history lists US work from {}.",
                            keys::mask(&id.number),
                            keys::year(start).unwrap_or_default()
                        ),
                    ));
                }
            }
        }
        match id.ssa_verification.as_deref() {
            Some("no_match") => out.push(Finding::new(
                "R-3",
                30.0,
                format!(
                    "SSA verification: no match for name, SSN {} and birth date.",
                    keys::mask(&id.number)
                ),
            )),
            Some("death_record") => out.push(Finding::new(
                "R-3",
                30.0,
                format!(
                    "SSA verification: SSN {} belongs to a death record.",
                    keys::mask(&id.number)
                ),
            )),
            _ => {}
        }
        if id.idv_result.as_deref() == Some("fail") {
            out.push(Finding::new(
                "R-17",
                25.0,
                format!(
                    "Identity verification failed for {} {}.",
                    id.kind,
                    keys::mask(&id.number)
                ),
            ));
        }
    }
}

fn shipping_rules(r: &Record, out: &mut Vec<Finding>) {
    let home = r.claims.address.as_ref().and_then(keys::address);
    let claimed_country = r
        .claims
        .residence_country
        .clone()
        .or_else(|| r.claims.address.as_ref().and_then(|a| a.country.clone()))
        .map(|c| c.to_ascii_uppercase());
    for s in &r.observations.shipments {
        let Some(dest) = keys::address(&s.address) else {
            continue;
        };
        if home.as_deref().is_some_and(|h| h != dest) {
            let late = match (
                s.address_changed_at.as_deref().and_then(keys::days),
                s.dispatched_at.as_deref().and_then(keys::days),
            ) {
                (Some(c), Some(d)) if (0..=7).contains(&(d - c)) => Some(d - c),
                _ => None,
            };
            let (w, tail) = match late {
                Some(n) => (30.0, format!(", changed {n} days before dispatch")),
                None => (20.0, String::new()),
            };
            out.push(Finding::new(
                "R-4",
                w,
                format!(
                    "Equipment shipped to '{dest}', not the identity address '{}'{tail} (compared after normalising street types, unit designators, states and ZIP+4).",
                    home.as_deref().unwrap_or("")
                ),
            ));
        }
        if let Some(p) = CMRA_PATTERNS.iter().find(|p| contains_words(&dest, p)) {
            out.push(Finding::new(
                "R-5",
                20.0,
                format!("Shipping address '{dest}' matches the mail-forwarding pattern '{p}'."),
            ));
        } else if let (Some(c), Some(claimed)) = (&s.address.country, &claimed_country)
            && !c.eq_ignore_ascii_case(claimed)
        {
            out.push(Finding::new(
                "R-5",
                20.0,
                format!(
                    "Shipping address lies in {}, not the claimed country {claimed}.",
                    c.to_ascii_uppercase()
                ),
            ));
        }
    }
}

/// Whether `pattern` occurs in `text` on word boundaries.
fn contains_words(text: &str, pattern: &str) -> bool {
    let padded = format!(" {text} ");
    padded.contains(&format!(" {pattern} "))
}

fn payment_rules(r: &Record, out: &mut Vec<Finding>) {
    let dests = &r.claims.payment_destinations;
    let residence = r.claims.residence_country.as_deref();
    for (i, p) in dests.iter().enumerate() {
        let when = p.effective_from.as_deref().unwrap_or("an unknown date");
        if let Some(h) = p.holder_name.as_deref().filter(|h| !h.trim().is_empty())
            && !crate::screen::holder_is_subject(r, h)
        {
            let dest = keys::mask(p.account.as_deref().or(p.address.as_deref()).unwrap_or(""));
            let compared = format!(
                "holder '{}', the subject's name{} '{}'",
                h.trim(),
                if r.claims.other_names.is_empty() {
                    ""
                } else {
                    "s"
                },
                std::iter::once(&r.claims.name)
                    .chain(&r.claims.other_names)
                    .map(|n| n.trim())
                    .collect::<Vec<_>>()
                    .join("', '")
            );
            // An employer of record or staffing agency pays contractors through its own account;
            // that is how the engagement works, not another person's account.
            let (w, what) = if keys::looks_like_organisation(h) {
                (5.0, "paid through an organisation's account")
            } else {
                (20.0, "held in another name than the subject's")
            };
            out.push(Finding::new(
                "R-6",
                w,
                format!("Pay destination {dest} ({}) is {what}: {compared}.", p.kind),
            ));
        }
        if i == 0 {
            continue;
        }
        let prev = &dests[i - 1];
        let crypto = |k: &str| k.eq_ignore_ascii_case("crypto");
        if crypto(&p.kind) && !crypto(&prev.kind) {
            out.push(Finding::new(
                "R-6",
                15.0,
                format!(
                    "On {when} pay moved from {} to a crypto address.",
                    prev.kind
                ),
            ));
        }
        if let (Some(c), Some(pc)) = (&p.country, &prev.country)
            && !c.eq_ignore_ascii_case(pc)
            && residence.is_none_or(|res| !c.eq_ignore_ascii_case(res))
        {
            out.push(Finding::new(
                "R-6",
                15.0,
                format!(
                    "On {when} pay moved to an account in {}, outside the claimed residence.",
                    c.to_ascii_uppercase()
                ),
            ));
        }
    }
}

/// Whether a local part ends in a plausible MMDD or DDMM (a pattern in persona e-mails, D1).
fn mmdd_suffix(local: &str) -> bool {
    let digits: String = local
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect();
    if digits.len() != 4 || local.len() <= 4 {
        return false;
    }
    let d: String = digits.chars().rev().collect();
    let a: u32 = d[..2].parse().unwrap_or(0);
    let b: u32 = d[2..].parse().unwrap_or(0);
    ((1..=12).contains(&a) && (1..=31).contains(&b))
        || ((1..=31).contains(&a) && (1..=12).contains(&b))
}

fn email_rules(r: &Record, out: &mut Vec<Finding>) {
    for raw in &r.claims.emails {
        let lower = raw.trim().to_lowercase();
        let Some((local, domain)) = lower.rsplit_once('@') else {
            continue;
        };
        let shown = keys::email(&lower)
            .map(|e| keys::mask_email(&e))
            .unwrap_or_default();
        if ALIAS_DOMAINS.contains(&domain) {
            out.push(Finding::new(
                "R-13",
                5.0,
                format!("E-mail {shown} uses the alias forwarder {domain}."),
            ));
        } else if DISPOSABLE_DOMAINS.contains(&domain) {
            out.push(Finding::new(
                "R-13",
                8.0,
                format!("E-mail {shown} uses the disposable domain {domain}."),
            ));
        } else if local.contains('+') {
            out.push(Finding::new(
                "R-13",
                3.0,
                format!("E-mail {shown} uses a +tag forwarding alias."),
            ));
        } else if mmdd_suffix(local) {
            out.push(Finding::new(
                "R-13",
                3.0,
                format!("E-mail {shown} ends in a date-like number."),
            ));
        }
    }
}

fn location_rules(r: &Record, cfg: &RuleConfig, out: &mut Vec<Finding>) {
    let Some(claimed) = r
        .claims
        .residence_country
        .as_deref()
        .map(str::to_ascii_uppercase)
    else {
        return;
    };
    // Logins: the majority country of non-corporate sign-ins differs from the claim.
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    let mut total = 0;
    for l in &r.observations.logins {
        if l.corporate_egress || cfg.anonymizers.allowed(&l.ip) {
            continue;
        }
        if let Some(c) = &l.country {
            *counts.entry(c.to_ascii_uppercase()).or_default() += 1;
            total += 1;
        }
    }
    let foreign: usize = counts
        .iter()
        .filter(|(c, _)| **c != claimed)
        .map(|(_, n)| n)
        .sum();
    if total > 0 && foreign * 2 > total {
        let others: Vec<&str> = counts
            .keys()
            .filter(|c| **c != claimed)
            .map(String::as_str)
            .collect();
        out.push(Finding::new(
            "R-8",
            20.0,
            format!(
                "Claims residence in {claimed}; {foreign} of {total} logins came from {}.",
                others.join(", ")
            ),
        ));
    }
    let interview: BTreeSet<String> = r
        .observations
        .interviews
        .iter()
        .filter_map(|i| i.country.as_deref())
        .map(str::to_ascii_uppercase)
        .filter(|c| *c != claimed)
        .collect();
    if !interview.is_empty() {
        let list: Vec<String> = interview.into_iter().collect();
        out.push(Finding::new(
            "R-8",
            15.0,
            format!(
                "Claims residence in {claimed}; interviewed from an IP in {}.",
                list.join(", ")
            ),
        ));
    }
    // The issuer of an identity document is never compared with the residence: a national id
    // of another country is how EU citizens living in another member state, and many lawful
    // residents, prove who they are. It would act on nationality through a proxy.
}

/// The remote-access tools on a subject's devices that IT has not approved.
fn unapproved_tools(r: &Record, cfg: &RuleConfig) -> BTreeSet<&'static str> {
    let mut out = BTreeSet::new();
    for d in &r.observations.devices {
        for sw in &d.software {
            let l = sw.to_lowercase();
            if let Some(t) = RMM_TOOLS.iter().find(|t| l.contains(**t))
                && !cfg.allowed_tools.iter().any(|a| l.contains(a.as_str()))
            {
                out.insert(*t);
            }
        }
    }
    out
}

/// B-9: most sign-ins come from outside the claimed residence or through anonymiser ranges,
/// and a device carries an unapproved remote-access tool. Either alone has benign readings
/// (travel, a support tool); together they are the relayed-laptop pattern, which the two
/// separate findings left at review.
fn remote_operation_rule(r: &Record, cfg: &RuleConfig, out: &mut Vec<Finding>) {
    let Some(claimed) = r
        .claims
        .residence_country
        .as_deref()
        .map(str::to_ascii_uppercase)
    else {
        return;
    };
    let (mut risky, mut total) = (0usize, 0usize);
    for l in &r.observations.logins {
        if l.corporate_egress || cfg.anonymizers.allowed(&l.ip) {
            continue;
        }
        total += 1;
        let abroad = l
            .country
            .as_deref()
            .is_some_and(|c| !c.eq_ignore_ascii_case(&claimed));
        if abroad || cfg.anonymizers.lookup(&l.ip).is_some() {
            risky += 1;
        }
    }
    let tools = unapproved_tools(r, cfg);
    if total > 0 && risky * 2 > total && !tools.is_empty() {
        let list: Vec<&str> = tools.into_iter().collect();
        out.push(Finding::new(
            "B-9",
            25.0,
            format!(
                "Claims residence in {claimed}; {risky} of {total} sign-ins came from abroad or anonymiser ranges, and a device carries the remote-access tool(s) {}.",
                list.join(", ")
            ),
        ));
    }
}

fn device_rules(r: &Record, cfg: &RuleConfig, out: &mut Vec<Finding>) {
    let ship_country = r
        .observations
        .shipments
        .iter()
        .find_map(|s| s.address.country.as_deref());
    // Whether equipment went to a mail forwarder or away from the identity address: a device
    // then checking in abroad has been re-shipped, not carried on a trip.
    let home = r.claims.address.as_ref().and_then(keys::address);
    let reshipped = r.observations.shipments.iter().any(|s| {
        keys::address(&s.address).is_some_and(|d| {
            CMRA_PATTERNS.iter().any(|p| contains_words(&d, p))
                || home.as_deref().is_some_and(|h| h != d)
        })
    });
    for d in &r.observations.devices {
        let dev = d
            .serial
            .as_deref()
            .map(keys::mask)
            .or_else(|| d.asset_id.clone())
            .unwrap_or_else(|| "(no serial)".into());
        for sw in &d.software {
            let l = sw.to_lowercase();
            if let Some(t) = RMM_TOOLS.iter().find(|t| l.contains(**t))
                && !cfg.allowed_tools.iter().any(|a| l.contains(a.as_str()))
            {
                out.push(Finding::new(
                    "B-2",
                    25.0,
                    format!("Device {dev} has the remote-access tool '{t}' installed."),
                ));
            }
        }
        for u in &d.usb {
            let name = u.name.as_deref().unwrap_or("").to_lowercase();
            let ids = (
                u.vendor_id.as_deref().unwrap_or("").to_lowercase(),
                u.product_id.as_deref().unwrap_or("").to_lowercase(),
            );
            let by_id = KVM_USB_IDS.iter().any(|(v, p)| ids.0 == *v && ids.1 == *p);
            let by_name = name
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
                .any(|w| KVM_NAMES.contains(&w))
                || KVM_NAMES[..5].iter().any(|k| name.contains(k));
            if by_id || by_name {
                out.push(Finding::new(
                    "B-2",
                    35.0,
                    format!(
                        "Device {dev} reports a USB device {}:{} '{}', an IP-KVM signature.",
                        ids.0,
                        ids.1,
                        u.name.as_deref().unwrap_or("")
                    ),
                ));
            } else if JIGGLER_NAMES.iter().any(|j| name.contains(j)) {
                out.push(Finding::new(
                    "B-2",
                    15.0,
                    format!(
                        "Device {dev} reports a mouse jiggler '{}'.",
                        u.name.as_deref().unwrap_or("")
                    ),
                ));
            }
        }
        if let (Some(first), Some(ship)) = (&d.first_checkin_country, ship_country)
            && !first.eq_ignore_ascii_case(ship)
        {
            let (w, tail) = if reshipped {
                (
                    35.0,
                    " after shipping to a mail forwarder or an address other than the identity address",
                )
            } else {
                (25.0, "")
            };
            out.push(Finding::new(
                "B-3",
                w,
                format!(
                    "Device {dev} first checked in from {}, but was shipped to {}{tail}.",
                    first.to_ascii_uppercase(),
                    ship.to_ascii_uppercase()
                ),
            ));
        }
    }
}

fn login_rules(r: &Record, cfg: &RuleConfig, out: &mut Vec<Finding>) {
    let mut labels: BTreeSet<&str> = BTreeSet::new();
    let mut n = 0;
    let mut timed: Vec<(i64, String)> = Vec::new();
    for l in &r.observations.logins {
        if l.corporate_egress || cfg.anonymizers.allowed(&l.ip) {
            continue;
        }
        if let Some(label) = cfg.anonymizers.lookup(&l.ip) {
            labels.insert(label);
            n += 1;
        }
        if let (Some(t), Some(c)) = (keys::seconds(&l.time), &l.country) {
            timed.push((t, c.to_ascii_uppercase()));
        }
    }
    if n > 0 {
        let astrill = labels.iter().any(|l| l.to_lowercase().contains("astrill"));
        let list: Vec<&str> = labels.into_iter().collect();
        out.push(Finding::new(
            "B-1",
            if astrill { 25.0 } else { 15.0 },
            format!(
                "{n} logins came from anonymiser ranges ({}).",
                list.join(", ")
            ),
        ));
    }
    timed.sort();
    let hop = timed
        .windows(2)
        .find(|w| w[0].1 != w[1].1 && w[1].0 - w[0].0 < 86_400);
    if let Some(w) = hop {
        out.push(Finding::new(
            "B-1",
            20.0,
            format!("Logins from {} and {} within 24 hours.", w[0].1, w[1].1),
        ));
    }
}

fn interview_rules(r: &Record, out: &mut Vec<Finding>) {
    let iv = &r.observations.interviews;
    let refused = iv.iter().filter(|i| i.camera_refused).count();
    if refused > 0 {
        out.push(Finding::new(
            "R-15",
            10.0,
            format!("Camera refused in {refused} interview session(s)."),
        ));
    }
    if iv.iter().any(|i| i.liveness_failed) {
        out.push(Finding::new(
            "R-15",
            30.0,
            "A liveness or deepfake check failed.".into(),
        ));
    }
    if iv.iter().any(|i| i.different_person) {
        out.push(Finding::new(
            "R-15",
            25.0,
            "A later session showed a different person than an earlier one.".into(),
        ));
    }
    let declined = r.observations.declined_in_person;
    if declined > 0 {
        out.push(Finding::new(
            "R-16",
            (10.0 * f64::from(declined)).min(25.0),
            format!("Declined in-person steps {declined} time(s)."),
        ));
    }
}

fn profile_rules(r: &Record, out: &mut Vec<Finding>) {
    for p in &r.claims.profiles {
        if let (Some(c), Some(o)) = (
            p.created.as_deref().and_then(keys::days),
            p.oldest_activity.as_deref().and_then(keys::days),
        ) && c - o > 30
        {
            out.push(Finding::new(
                "R-10",
                15.0,
                format!(
                    "{} account created {}, but shows activity from {}.",
                    p.platform,
                    p.created.as_deref().unwrap_or(""),
                    p.oldest_activity.as_deref().unwrap_or("")
                ),
            ));
        }
    }
    let applied = r.applied_at.as_deref().and_then(keys::days);
    for rf in &r.claims.references {
        let domain = rf
            .email
            .as_deref()
            .and_then(|e| e.rsplit_once('@'))
            .map(|(_, d)| d.to_lowercase())
            .unwrap_or_default();
        match (rf.domain_registered.as_deref().and_then(keys::days), applied) {
            (Some(reg), Some(app)) if app - reg < 365 => out.push(Finding::new(
                "R-9",
                20.0,
                format!(
                    "Reference e-mail domain {domain} was registered {} days before the application.",
                    app - reg
                ),
            )),
            _ if rf.verified == Some(false) => out.push(Finding::new(
                "R-9",
                10.0,
                "A reference could not be verified through an independently found contact.".into(),
            )),
            _ => {}
        }
    }
}
