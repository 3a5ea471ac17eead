//! Findings and the signal catalogue that explains them.
//!
//! The catalogue text is the reviewer-facing half of vetting.md §4 and §8: why a signal matters
//! with its source id, the benign explanations to rule out and the verification step to ask for.
//! Weights are the note's proposals, placeholders until calibrated on labelled cases.

use serde::Serialize;

/// The independent evidence categories of vetting.md §7; the high band needs two of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Sanctions-list hits: blocking, outside the score.
    Sanctions,
    /// Identity documents and identity reuse.
    Identity,
    /// E-mail, phone and messenger ids.
    Contact,
    /// Pay destinations.
    Payment,
    /// Equipment shipping.
    Logistics,
    /// Sign-in network.
    Network,
    /// Device inventory.
    Device,
    /// Interview integrity.
    Interview,
    /// Online profiles, résumés and research leads.
    Profile,
    /// Working patterns, referrals and post-hire behaviour.
    Behaviour,
}

/// The reviewer-facing description of one signal.
#[derive(Debug, Clone, Copy)]
pub struct SignalInfo {
    /// The catalogue id (`L-3`, `R-1`, `SX-2`, …).
    pub id: &'static str,
    /// The category it counts in.
    pub category: Category,
    /// A short title.
    pub title: &'static str,
    /// Why it matters, one sentence.
    pub why: &'static str,
    /// Source ids from vetting.md §2.
    pub sources: &'static [&'static str],
    /// Benign explanations to rule out.
    pub benign: &'static [&'static str],
    /// The verification step that confirms or clears it.
    pub verify: &'static str,
}

macro_rules! sig {
    ($id:expr, $cat:ident, $title:expr, $why:expr, [$($s:expr),*], [$($b:expr),*], $verify:expr) => {
        SignalInfo {
            id: $id,
            category: Category::$cat,
            title: $title,
            why: $why,
            sources: &[$($s),*],
            benign: &[$($b),*],
            verify: $verify,
        }
    };
}

/// Every signal the engine raises.
pub const CATALOGUE: &[SignalInfo] = &[
    sig!(
        "SX-1",
        Sanctions,
        "Name and birth date match a sanctions-list entry",
        "Dealing with a listed person is prohibited (strict liability); name and birth date together make a coincidence unlikely.",
        ["S1", "S3", "S5", "S8", "T3"],
        ["a different person with the same name and birth date"],
        "Stop payment and escalate to legal; compare every identifier of the list entry before any further dealing."
    ),
    sig!(
        "SX-2",
        Sanctions,
        "Payout address is a sanctions-listed digital-currency address",
        "Paying a listed address is a prohibited transfer to the listed party.",
        ["T3", "D4"],
        ["none for an exact address match"],
        "Stop payment and escalate to legal; do not pay the address."
    ),
    sig!(
        "SX-3",
        Sanctions,
        "Applicant organisation or payee matches a sanctions-listed organisation",
        "Dealing with a listed organisation is prohibited; the applicant company or the named beneficiary matches one, also one the list knows only by aliases.",
        ["S1", "S3", "S5", "S6"],
        ["a company with a similar name: compare both records"],
        "Hold payment and escalate to legal; compare registration data of both parties."
    ),
    sig!(
        "SX-0",
        Sanctions,
        "Name resembles a sanctions-list entry (name only, not scored)",
        "A name alone does not identify a person; shown so that a reviewer can compare the other fields.",
        ["S1", "T3"],
        ["a common name shared by many people"],
        "Compare birth date and identifiers with the list entry; no action if they differ."
    ),
    sig!(
        "L-1",
        Identity,
        "Identity misuse suspected: government id shared with another subject",
        "The same id number on subjects with different names or birth dates is how stolen and rented identities appear (G1; Chapman used 68 identities).",
        ["G1", "C1", "C6", "S1"],
        [
            "a typo in one record",
            "a legitimate re-application after a name change"
        ],
        "Verify the id through SSNVS / E-Verify and an in-person or notarised ID check of both subjects."
    ),
    sig!(
        "L-2",
        Payment,
        "Payout account shared with other subjects",
        "Several workers paid into one account is the facilitator pattern of the laptop-farm cases.",
        ["C1", "G1", "G4", "I12"],
        ["spouses or a shared household account"],
        "Ask each worker for proof that they hold the account (bank letter in their name)."
    ),
    sig!(
        "L-3",
        Logistics,
        "Shipping address shared with other subjects",
        "Devices of several hires shipped to one address is the laptop-farm pattern.",
        ["C1", "C2", "C6", "G3"],
        ["a shared household", "an office or co-working space"],
        "Ask for proof of address and confirm the address with the worker on a video call."
    ),
    sig!(
        "L-4",
        Device,
        "Device serial seen on another subject's record",
        "One device used under several identities suggests one operator behind them.",
        ["C1", "G1"],
        ["a re-imaged, reassigned asset"],
        "Check the asset history in the MDM; confirm who holds the device."
    ),
    sig!(
        "L-5",
        Contact,
        "E-mail or phone shared with a subject of another name",
        "Contact details reused across differently named applicants tie the personas to one operator.",
        ["G1", "I1", "I6"],
        ["a recruiter or agency contact", "a family phone"],
        "Call the number and confirm whom it reaches; ask the agency to explain."
    ),
    sig!(
        "L-7",
        Profile,
        "Résumé nearly identical to another subject's",
        "Templates reused across personas with different names appear in the advisories and leaked material.",
        ["G1", "I16", "D1"],
        ["a shared résumé template or writing service"],
        "Compare employers and dates of both résumés and verify one employer independently."
    ),
    sig!(
        "L-9",
        Network,
        "Login IP shared with other subjects in the same hour",
        "Several workers on one IP at the same time is how laptop farms look from the identity provider.",
        ["G1", "C6"],
        ["corporate NAT or VPN egress", "a co-working network"],
        "Ask where the worker connects from; compare with the device's first check-in."
    ),
    sig!(
        "L-10",
        Profile,
        "Lead: value appears in a researcher indicator list",
        "Public research attributes this value to an alleged IT-worker persona; lists contain victims and legitimate accounts, so this is a lead, not a verdict.",
        ["D1", "D2", "D3"],
        [
            "an innocent person whose identity or account was misused",
            "a researcher error"
        ],
        "Review the lead's context and look for independent corroboration before any action."
    ),
    sig!(
        "R-1",
        Identity,
        "SSN of a form SSA never issues",
        "SSA never issues area 000, 666 or 900–999, group 00 or serial 0000.",
        ["G6"],
        ["an ITIN given in the SSN field", "a typo"],
        "Ask for the SSN card and run SSNVS / E-Verify."
    ),
    sig!(
        "R-2",
        Identity,
        "SSN not issued before June 2011, but US work history before then",
        "Areas 772–899 were unassigned before randomisation on 25 June 2011, which contradicts a claimed earlier US history.",
        ["G6", "T6"],
        [
            "a recent immigrant with earlier work on another document",
            "a reissued number"
        ],
        "Ask for the SSN card and verify the earliest US employer independently."
    ),
    sig!(
        "R-3",
        Identity,
        "SSA verification failed",
        "SSNVS or E-Verify found no match for the name, SSN and birth date, or a death record.",
        ["G3", "G6"],
        ["a name change or hyphenation not yet at SSA"],
        "Ask the worker to resolve the mismatch with SSA and re-run the verification."
    ),
    sig!(
        "R-4",
        Logistics,
        "Equipment shipped to an address that is not the identity address",
        "Advisory G1 lists requests to ship equipment to an address not on the ID as a red flag; a change shortly before dispatch is stronger.",
        ["G1", "I7", "G3"],
        ["a recent move", "a temporary stay"],
        "Ask for proof of address, or ship only to the ID address or an office for pick-up with ID."
    ),
    sig!(
        "R-5",
        Logistics,
        "Shipping address is a mail-forwarding service or outside the claimed country",
        "Mail-receiving agencies and re-shippers forward laptops abroad (Chapman shipped 49 devices overseas).",
        ["C1", "G3"],
        ["a digital nomad or mailbox user"],
        "Ask for a residential address and proof of residence."
    ),
    sig!(
        "R-6",
        Payment,
        "Payout changed to crypto, another holder's name or another country",
        "Moving pay to crypto or to an account in another name is a listed red flag; the change is scored, not the service.",
        ["G1", "D3", "I12", "I2"],
        [
            "Wise or Payoneer used legitimately",
            "a joint account with a spouse"
        ],
        "Ask for proof of account ownership in the worker's name."
    ),
    sig!(
        "R-8",
        Identity,
        "Claimed location contradicted by logins or the interview",
        "Workers abroad present US or EU residence; the contradiction is scored, never the nationality.",
        ["I1", "G1", "D3"],
        ["travel", "a migrant with a mixed history"],
        "Video call with a window view and a local-knowledge check; ask for proof of residence."
    ),
    sig!(
        "R-9",
        Profile,
        "Reference unverifiable or on a freshly registered domain",
        "Fake references on look-alike or young domains are a documented technique (17 domains seized, C7).",
        ["G1", "C7", "I7"],
        ["a small firm that closed or rebranded"],
        "Contact the employer through an independently found number."
    ),
    sig!(
        "R-10",
        Profile,
        "Online profile older activity than the account",
        "Commits dated before the account existed suggest an artificially aged profile.",
        ["D2", "D3"],
        ["re-uploaded old code"],
        "Ask the candidate to walk through one of the older projects live."
    ),
    sig!(
        "R-13",
        Contact,
        "E-mail uses an alias forwarder, disposable domain or pattern",
        "Alias forwarders and generated names recur in persona e-mails; weak on its own.",
        ["G1", "D1"],
        ["privacy-minded users"],
        "None on its own; weigh with other findings."
    ),
    sig!(
        "R-15",
        Interview,
        "Interview integrity concern",
        "Refused camera, failed liveness and a different person across sessions are reported in the advisories and vendor telemetry.",
        ["G2", "G4", "D3", "I11", "I3"],
        ["accessibility needs", "poor bandwidth"],
        "Repeat the interview on video with a liveness check; offer an accessible alternative."
    ),
    sig!(
        "R-16",
        Interview,
        "Declined in-person steps",
        "Repeatedly avoiding in-person ID checks and onboarding is a listed red flag.",
        ["G2", "D3", "I7"],
        ["remote-by-policy roles"],
        "Require a notarised or in-person ID check before access is granted."
    ),
    sig!(
        "R-17",
        Identity,
        "Identity document failed verification",
        "The identity-verification vendor flagged the document (editing or portrait replacement).",
        ["G1", "I5", "C8"],
        ["vendor error"],
        "Repeat verification with a different document, in person if possible."
    ),
    sig!(
        "B-1",
        Network,
        "Logins through anonymisers or from several countries within a day",
        "Workers abroad reach company systems through VPNs such as Astrill; impossible travel shows relaying.",
        ["G1", "G4", "I10", "I13", "I14"],
        ["corporate VPN egress", "travel"],
        "Ask the worker to explain; require managed-device sign-in without a third-party VPN."
    ),
    sig!(
        "B-2",
        Device,
        "Remote-access tool or IP-KVM on a company device",
        "Laptop farms operate company laptops remotely through RMM tools and IP-KVM devices.",
        ["G1", "G3", "I1", "I5", "I15"],
        ["an IT-approved support tool"],
        "Inspect the device; confirm with IT whether the tool is approved; remove and watch for reinstallation."
    ),
    sig!(
        "B-3",
        Device,
        "Device first checked in from another country than it was shipped to",
        "A laptop that appears abroad after shipping has been forwarded or is being relayed.",
        ["G3", "C1", "I2"],
        ["travel"],
        "Ask where the device is; require its return if it left the country without approval."
    ),
    sig!(
        "R-7",
        Payment,
        "Asked for crypto pay well below the band",
        "Requests for stablecoin pay at a flat rate far below the role's band recur in IT-worker hiring; weak on its own.",
        ["D3"],
        ["a contractor who prefers crypto", "a junior candidate"],
        "None on its own; weigh with other findings."
    ),
    sig!(
        "R-11",
        Profile,
        "Online profiles disagree on name or photo",
        "Personas assembled from several sources show different names or photos across LinkedIn, GitHub and the résumé.",
        ["G1", "G2", "D3"],
        ["a name change", "a privacy-minded user with an avatar"],
        "Ask the candidate to explain the other name; compare the photos with the video interview."
    ),
    sig!(
        "R-12",
        Profile,
        "Portfolio on a free host with testimonials that cannot be found",
        "Simple portfolios on free hosts with fabricated testimonials are described in the advisories; common among real developers too.",
        ["G1", "I1"],
        ["a real developer with a simple site"],
        "Contact one named client through an independently found address."
    ),
    sig!(
        "R-14",
        Contact,
        "Phone is non-fixed VoIP, recently ported or changed repeatedly",
        "Workers abroad use non-fixed VoIP numbers for US contact points; the line type comes from a carrier lookup, never from the digits.",
        ["G1", "I5", "T1"],
        ["many legitimate VoIP users", "a new contract"],
        "Call the number at an agreed time and ask for a second, carrier-billed number."
    ),
    sig!(
        "L-6",
        Identity,
        "Same face under another identity, or different faces under one identity",
        "A face-match vendor (with the subject's consent) sees one person behind several names, or several people behind one name.",
        ["G2", "G4", "C8"],
        ["a vendor false match", "twins or relatives"],
        "Human review of the images only; a live, in-person ID check of both subjects."
    ),
    sig!(
        "SF-1",
        Payment,
        "Payout address holds stolen funds",
        "The address is on a published list of addresses that received the proceeds of a theft attributed to DPRK (the FBI's and researchers' Bybit lists); it is not a sanctions designation, but paying into it moves money to the thieves.",
        ["D1", "D4"],
        [
            "a downstream address that received stolen funds unknowingly",
            "an error in the list"
        ],
        "Hold payment and escalate to security; ask the worker for a payout account in their own name at a regulated institution."
    ),
    sig!(
        "B-9",
        Network,
        "Remote operation: sign-ins contradict the claimed residence while a remote-access tool is installed",
        "A worker who claims local residence while signing in from abroad or through anonymisers, on a device with a remote-access tool, fits the relayed-laptop pattern of the advisories.",
        ["G1", "G3", "I1", "I10"],
        ["travel with an IT-approved support tool"],
        "Video call from the device with a window view; ask IT whether the tool is approved and where the device checks in."
    ),
    sig!(
        "L-8",
        Behaviour,
        "Referred by a subject with open findings",
        "Infiltrated teams recruit further workers by referral (up to half of some victims' staff, D3).",
        ["G1", "D3", "I12"],
        ["a genuine colleague referral"],
        "Vet the candidate independently of the referrer; review the referrer's findings first."
    ),
    sig!(
        "LX-1",
        Payment,
        "Payout address close to a sanctioned or attributed worker address on chain",
        "Payouts that reach a listed address or a known worker consolidation wallet within a few hops fund the scheme.",
        ["I12", "D1"],
        [
            "shared exchange hot wallets (ignored)",
            "an unrelated payment to the same service"
        ],
        "Ask for an address at a regulated exchange in the worker's name; escalate to legal for one hop from a listed address."
    ),
    sig!(
        "B-4",
        Behaviour,
        "Active hours at night in the claimed time zone",
        "Work concentrated in the claimed night matches daytime in UTC+8/+9; easily gamed, so weak.",
        ["G1", "D3", "I16"],
        ["a night shift", "a caregiver's schedule"],
        "None on its own; ask about working hours and compare with meetings attended live."
    ),
    sig!(
        "B-5",
        Device,
        "Unmanaged device, session-cookie reuse or repositories copied out",
        "Session cookies replayed from unmanaged devices and code cloned to personal accounts precede data extortion (G4).",
        ["G4"],
        ["a developer mirroring repositories for convenience"],
        "Revoke sessions, require managed-device sign-in and ask the worker to explain the copies."
    ),
    sig!(
        "B-6",
        Behaviour,
        "Same identity, device or IP working for another consortium member",
        "IT workers hold several jobs at once under one or several personas (3–4 concurrent jobs seen, I4).",
        ["I1", "I4"],
        ["legal moonlighting"],
        "Ask about other engagements; weigh with other findings."
    ),
    sig!(
        "B-7",
        Behaviour,
        "Post-hire privilege escalation or many referrals",
        "Requests for release or multisig signer rights, adding unapproved members and recommending many candidates are listed techniques.",
        ["D3"],
        ["a senior hire with a real need"],
        "Route the request through change approval; vet referred candidates independently."
    ),
    sig!(
        "B-8",
        Payment,
        "Small unauthorised charges on a company payment account",
        "Small unauthorised charges by contractors are a red flag in the 2022 advisory.",
        ["G1"],
        ["an expense-policy mistake"],
        "Ask finance to review the charges with the worker's manager."
    ),
];

/// The catalogue entry of a signal id.
pub fn info(id: &str) -> Option<&'static SignalInfo> {
    CATALOGUE.iter().find(|s| s.id == id)
}

/// A sanctions-list entry a finding refers to.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct ListEntry {
    /// The list (`ofac-sdn`, …).
    pub list: String,
    /// The list version the decision used.
    pub list_version: String,
    /// The entry id (`ofac:27307`).
    pub entity_id: String,
    /// The entry's primary name.
    pub name: String,
    /// Its programs, when known.
    pub programs: Vec<String>,
    /// The screening score, for name matches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// The list's publication date (`YYYY-MM-DD`), when the list says it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
}

impl ListEntry {
    /// How a finding names the list: the list and its publication date, which a reviewer can
    /// look up, rather than a content hash of the file it was read from.
    pub fn shown_list(&self) -> String {
        match &self.published {
            Some(d) => format!("{} published {d}", self.list),
            None => ListEntry::show(&self.list, &self.list_version),
        }
    }

    /// The list and its version as a reviewer reads them: a date found in the version
    /// (`bundled-2024-05-03`) is shown as the publication date; a file hash is left out.
    pub fn show(list: &str, version: &str) -> String {
        if let Some(d) = date_in(version) {
            format!("{list} published {d}")
        } else if version.starts_with("file:") {
            format!("{list} (publication date not given)")
        } else {
            format!("{list} version {version}")
        }
    }
}

/// The first `YYYY-MM-DD` in a string.
fn date_in(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let w = &b[i..i + 10];
        let ok = w.iter().enumerate().all(|(j, c)| match j {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
        ok.then(|| &s[i..i + 10])
    })
}

/// Where a research lead comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct LeadSource {
    /// The lead file as named by the caller.
    pub file: String,
    /// The researcher's cluster label.
    pub cluster: String,
    /// The persona label.
    pub persona: String,
    /// The indicator type (`email`, `github`, `evm`, …).
    pub kind: String,
    /// The researcher's note.
    pub note: String,
}

/// One finding about a subject.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Finding {
    /// The catalogue id.
    pub signal: &'static str,
    /// The category.
    pub category: Category,
    /// The short title.
    pub title: &'static str,
    /// Points before combination (0 for informational findings).
    pub weight: f64,
    /// Whether it blocks regardless of score.
    pub blocking: bool,
    /// What was observed, with sensitive values masked.
    pub observed: String,
    /// Why it matters.
    pub why: &'static str,
    /// Source ids from vetting.md §2.
    pub sources: &'static [&'static str],
    /// Benign explanations to rule out.
    pub benign: &'static [&'static str],
    /// The verification step to ask for.
    pub verify: &'static str,
    /// Other subjects involved (link signals), sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub linked_subjects: Vec<String>,
    /// The sanctions-list entry, for SX findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list_entry: Option<ListEntry>,
    /// The lead's provenance, for lead findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead: Option<LeadSource>,
}

impl Finding {
    /// A finding for a catalogue signal; unknown ids are a programming error caught by tests.
    pub fn new(id: &str, weight: f64, observed: String) -> Finding {
        let s = info(id).unwrap_or(&CATALOGUE[0]);
        Finding {
            signal: s.id,
            category: s.category,
            title: s.title,
            weight,
            blocking: false,
            observed,
            why: s.why,
            sources: s.sources,
            benign: s.benign,
            verify: s.verify,
            linked_subjects: Vec::new(),
            list_entry: None,
            lead: None,
        }
    }
}
