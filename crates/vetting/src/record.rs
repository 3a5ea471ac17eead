//! The subject record: what a subject claims and what was observed about them.
//!
//! The types mirror `docs/vetting-record.schema.json`. Claims and observations are kept apart
//! because almost every signal is a contradiction between the two, or a claim shared with another
//! record. Every field is optional so that partial records still vet; unknown fields are ignored
//! so that producers can add their own.

use model::{Diagnostic, Severity};
use serde::{Deserialize, Serialize};

/// One subject as presented: one person-as-presented, which may or may not be a real person.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Record {
    /// The caller's id for the subject; unique within a run.
    pub subject_id: String,
    /// When the subject applied (`YYYY-MM-DD`); anchors "young domain" checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_at: Option<String>,
    /// What the subject says about themself.
    pub claims: Claims,
    /// What systems and people observed.
    pub observations: Observations,
}

/// What a subject claims.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Claims {
    /// What kind of subject this is: `person` or `organisation` (a company applying as a vendor
    /// or contractor). When absent, the kind is detected from the name ([`Claims::subject_kind`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The legal name as given.
    pub name: String,
    /// Other names the subject declares (maiden name, previous legal name).
    pub other_names: Vec<String>,
    /// Birth date, `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// Claimed nationality, ISO 3166 alpha-2; only compared with documents, never scored alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    /// Claimed country of residence, ISO 3166 alpha-2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub residence_country: Option<String>,
    /// The identity (residence) address as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<PostalAddress>,
    /// Government identifiers.
    pub government_ids: Vec<GovernmentId>,
    /// E-mail addresses.
    pub emails: Vec<String>,
    /// Phone numbers in any format.
    pub phones: Vec<String>,
    /// Online profiles.
    pub profiles: Vec<OnlineProfile>,
    /// Employment history, most recent first or in any order.
    pub employment: Vec<Employment>,
    /// References given.
    pub references: Vec<Reference>,
    /// The résumé as plain text, for near-duplicate detection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resume_text: Option<String>,
    /// Payment destinations in the order they took effect (the change history).
    pub payment_destinations: Vec<PaymentDestination>,
    /// The claimed time zone as a UTC offset (`-05:00`), for the activity-hours check (B-4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub utc_offset: Option<String>,
    /// The subject id of the person who referred this subject (L-8, B-7).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referred_by: Option<String>,
    /// What the subject asked to be paid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pay_request: Option<PayRequest>,
}

/// What kind of subject a record describes; it decides how the name is screened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectKind {
    /// A natural person: screened as a person, with the birth date as the second field.
    Person,
    /// A company or other organisation: screened as an organisation by name.
    Organisation,
}

impl Claims {
    /// The declared kind (`person`, `organisation`, `organization`, `company`), else the kind
    /// detected from the name: a legal form or business word makes it an organisation.
    pub fn subject_kind(&self) -> SubjectKind {
        match self.kind.as_deref().map(|k| k.trim().to_ascii_lowercase()) {
            Some(k) if k == "person" || k == "individual" => SubjectKind::Person,
            Some(k) if matches!(k.as_str(), "organisation" | "organization" | "company") => {
                SubjectKind::Organisation
            }
            _ if crate::keys::looks_like_organisation(&self.name) => SubjectKind::Organisation,
            _ => SubjectKind::Person,
        }
    }
}

/// What a subject asked to be paid, against the band of the role.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PayRequest {
    /// The requested rate, in the band's unit and currency.
    pub rate: f64,
    /// The lower end of the role's pay band, same unit.
    pub band_low: f64,
    /// Whether the subject asked to be paid in crypto or stablecoins.
    pub crypto: bool,
}

/// A postal address.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PostalAddress {
    /// Street lines.
    pub lines: Vec<String>,
    /// City or town.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State, province or region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Postal code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    /// ISO 3166 alpha-2 country.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// A government identifier. The number is hashed with the run key before comparison and only
/// its last four characters are ever shown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GovernmentId {
    /// `ssn`, `itin`, `passport`, `driving_licence`, `national_id`, `permit`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The number as given.
    pub number: String,
    /// Issuing country, ISO 3166 alpha-2, as observed on the document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer_country: Option<String>,
    /// Identity-verification vendor result: `pass`, `fail` or `review`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idv_result: Option<String>,
    /// SSA (SSNVS / E-Verify) result: `match`, `no_match` or `death_record`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssa_verification: Option<String>,
    /// The face-match vendor's identity id for the document portrait (L-6), compared only when
    /// the subject consented to biometric comparison.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub portrait_face_id: Option<String>,
}

/// An online profile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OnlineProfile {
    /// `github`, `linkedin`, `telegram`, `x`, `discord`, `skype`, `website`, …
    pub platform: String,
    /// The handle or user name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handle: Option<String>,
    /// The profile URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Account creation date (`YYYY-MM-DD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Oldest commit or activity date shown (`YYYY-MM-DD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oldest_activity: Option<String>,
    /// E-mail addresses seen in the account's commits.
    pub commit_emails: Vec<String>,
    /// The name the profile displays.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// A perceptual hash of the profile photo, as hex (R-11: different photos across profiles).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar_hash: Option<String>,
    /// For portfolio sites: whether the testimonials shown name clients that could be found
    ///
    #[serde(skip_serializing_if = "Option::is_none")]
    pub testimonials_verified: Option<bool>,
}

/// One job in the employment history.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Employment {
    /// The employer.
    pub organisation: String,
    /// Country of the job, ISO 3166 alpha-2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Start (`YYYY` or `YYYY-MM[-DD]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// End, absent while current.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
}

/// A reference given by the subject.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Reference {
    /// The reference's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Their e-mail address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Their phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Their organisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// When the reference's e-mail domain was registered (WHOIS/RDAP), if looked up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain_registered: Option<String>,
    /// Whether the reference was confirmed through an independently found contact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
}

/// Where pay goes, effective from a date.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PaymentDestination {
    /// `ach`, `wire`, `card`, `paypal`, `wise`, `payoneer`, `crypto`.
    pub kind: String,
    /// The bank account or wallet-service account number; hashed, shown masked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Routing or sort code, part of the bank-account key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing: Option<String>,
    /// The account holder's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder_name: Option<String>,
    /// The bank's country, ISO 3166 alpha-2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// A crypto address, for `crypto`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The chain or currency the address is declared on (`ETH`, `XBT`, `USDC`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<String>,
    /// When it took effect (`YYYY-MM-DD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_from: Option<String>,
}

/// What systems and people observed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Observations {
    /// Sign-ins from the identity provider or VPN.
    pub logins: Vec<LoginEvent>,
    /// Company devices assigned to the subject, with their inventory.
    pub devices: Vec<Device>,
    /// Equipment shipments.
    pub shipments: Vec<Shipment>,
    /// Interview sessions.
    pub interviews: Vec<InterviewSession>,
    /// How many in-person steps (ID check, onboarding, drug test) were declined.
    pub declined_in_person: u32,
    /// Whether the subject consented to biometric comparison; face ids are compared only then
    /// (L-6).
    pub biometric_consent: bool,
    /// Carrier or line-type lookups of the subject's phones.
    pub phone_checks: Vec<PhoneCheck>,
    /// How many times the phone number was changed during the process.
    pub phone_changes: u32,
    /// Active hours, from commits, sign-ins or chat presence (B-4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity: Option<ActivityProfile>,
    /// Identity-provider, DLP and Git-log events (B-5).
    pub security_events: Vec<SecurityEvent>,
    /// Matches reported by a vetting consortium's keyed-hash exchange (B-6).
    pub consortium_matches: Vec<ConsortiumMatch>,
    /// Requests for privileges after hire (B-7).
    pub privilege_requests: Vec<PrivilegeRequest>,
    /// Charges on a company payment card by the subject (B-8).
    pub card_charges: Vec<CardCharge>,
    /// Chain-analytics exposure of the subject's payout addresses (LX-1).
    pub address_exposure: Vec<AddressExposure>,
}

/// A carrier or line-type lookup of a phone number.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PhoneCheck {
    /// The number as given.
    pub number: String,
    /// `mobile`, `fixed_line`, `fixed_voip`, `non_fixed_voip`, `toll_free`, `unknown`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_type: Option<String>,
    /// When the number was last ported (`YYYY-MM-DD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ported_at: Option<String>,
    /// The lookup service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// An active-hours histogram (B-4).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityProfile {
    /// Events per UTC hour, 24 counts starting at 00:00 UTC.
    pub hours_utc: Vec<u32>,
    /// The longest continuous session, in hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longest_session_hours: Option<f64>,
    /// What the events are (`commits`, `sign-ins`, `chat presence`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// An identity-provider, DLP or Git-log event (B-5).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SecurityEvent {
    /// `unmanaged_device`, `cookie_reuse`, `personal_repo_clone` or `bulk_download`.
    pub kind: String,
    /// When (RFC 3339 or `YYYY-MM-DD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// How many (repositories cloned, files downloaded); 1 when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
}

/// A consortium match: the same identity, device or IP active for another member (B-6).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsortiumMatch {
    /// The other member, as the exchange names it.
    pub member: String,
    /// What matched: `identity`, `device` or `ip`.
    pub key: String,
    /// Whether the activity overlapped in time with work for this employer.
    pub concurrent: bool,
}

/// A privilege request after hire (B-7).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrivilegeRequest {
    /// `multisig_signer`, `release_rights`, `admin` or `add_member`.
    pub kind: String,
    /// When (`YYYY-MM-DD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// Whether the request was approved through the normal process.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approved: Option<bool>,
}

/// A charge on a company payment card (B-8).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CardCharge {
    /// When (`YYYY-MM-DD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// The amount in the card's currency.
    pub amount: f64,
    /// Whether finance authorised it.
    pub authorised: bool,
}

/// Chain-analytics exposure of one payout address (LX-1), from a vendor or
/// `interdict graph exposure`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AddressExposure {
    /// The subject's payout address.
    pub address: String,
    /// Hops to the attributed address (1 = direct counterparty).
    pub hops: u32,
    /// What the counterparty is: `sdn` or `worker_cluster`.
    pub attribution: String,
    /// The attributed counterparty address or cluster label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counterparty: Option<String>,
    /// Whether the path runs through an exchange hot wallet (such links are ignored).
    pub via_exchange: bool,
    /// Who attributed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One sign-in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoginEvent {
    /// UTC time, RFC 3339 (`2024-05-01T09:30:00Z`).
    pub time: String,
    /// Source IP address.
    pub ip: String,
    /// Country from IP geolocation, ISO 3166 alpha-2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Set when the sign-in came through the employer's own VPN egress.
    pub corporate_egress: bool,
}

/// A company device.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Device {
    /// The asset tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asset_id: Option<String>,
    /// The hardware serial number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// Installed software names (EDR/MDM inventory).
    pub software: Vec<String>,
    /// Connected USB devices.
    pub usb: Vec<UsbDevice>,
    /// Country of the device's first check-in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_checkin_country: Option<String>,
}

/// One USB device from the inventory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UsbDevice {
    /// Vendor id, four hex digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor_id: Option<String>,
    /// Product id, four hex digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// Product or device name as reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// An equipment shipment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Shipment {
    /// The asset shipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asset_id: Option<String>,
    /// The destination.
    pub address: PostalAddress,
    /// When the destination was last changed (`YYYY-MM-DD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_changed_at: Option<String>,
    /// When it was dispatched (`YYYY-MM-DD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispatched_at: Option<String>,
}

/// One interview session.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InterviewSession {
    /// When it happened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// Whether the candidate refused to turn the camera on.
    pub camera_refused: bool,
    /// Whether a liveness or deepfake check failed.
    pub liveness_failed: bool,
    /// Whether the interviewer or vendor judged the person different from an earlier session.
    pub different_person: bool,
    /// Country of the session's IP, ISO 3166 alpha-2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The face-match vendor's identity id for the person seen (L-6), compared only with
    /// biometric consent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub face_id: Option<String>,
}

/// A record parsed from one input line.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The 1-based line number in the input.
    pub line: u64,
    /// The record.
    pub record: Record,
}

impl Parsed {
    /// Records numbered as consecutive input lines from 1, as if written one per line.
    pub fn numbered(records: impl IntoIterator<Item = Record>) -> Vec<Parsed> {
        records
            .into_iter()
            .zip(1..)
            .map(|(record, line)| Parsed { line, record })
            .collect()
    }
}

/// Parses JSON-lines records. A line that is not a valid record becomes a diagnostic naming the
/// line, and the rest still parse; blank lines are skipped. Duplicate subject ids keep the first.
pub fn parse_lines(file: &str, text: &str) -> (Vec<Parsed>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let n = i as u64 + 1;
        match parse_numbered(file, n, line.as_bytes()) {
            None => {}
            Some(Ok(record)) if !seen.insert(record.subject_id.clone()) => {
                diags.push(duplicate(file, n, &record.subject_id));
            }
            Some(Ok(record)) => out.push(Parsed { line: n, record }),
            Some(Err(d)) => diags.push(d),
        }
    }
    (out, diags)
}

/// Parses line `n` of `file`: `None` for a blank line, else the record or a diagnostic naming
/// the line (for bytes that are not UTF-8 or not a record). Shared by [`parse_lines`] and the
/// streaming pipeline so that both read a line the same way.
pub(crate) fn parse_numbered(
    file: &str,
    n: u64,
    line: &[u8],
) -> Option<Result<Record, Diagnostic>> {
    let Ok(text) = std::str::from_utf8(line) else {
        return Some(Err(Diagnostic::at_line(
            Severity::Error,
            file,
            n,
            "The line is not valid UTF-8; the record was skipped.",
        )));
    };
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    Some(parse_line(t).map_err(|msg| Diagnostic::at_line(Severity::Error, file, n, msg)))
}

/// The diagnostic for a line longer than the pipeline reads.
pub(crate) fn too_long(file: &str, n: u64, cap: usize) -> Diagnostic {
    Diagnostic::at_line(
        Severity::Error,
        file,
        n,
        format!("The line is longer than the {cap}-byte limit; the record was skipped."),
    )
}

/// The diagnostic for a subject id already used on an earlier line.
pub(crate) fn duplicate(file: &str, n: u64, subject_id: &str) -> Diagnostic {
    Diagnostic::at_line(
        Severity::Error,
        file,
        n,
        "This subject id was already used on an earlier line; the record was skipped.",
    )
    .with_record(subject_id)
}

/// Parses one record; the error is a sentence for a diagnostic.
pub fn parse_line(line: &str) -> Result<Record, String> {
    // serde_json's message can quote the offending value (an SSN, a name), so only the error
    // class and position are reported.
    let r: Record = serde_json::from_str(line).map_err(|e| {
        format!(
            "The line is not a valid subject record ({:?} error at column {}).",
            e.classify(),
            e.column()
        )
    })?;
    if r.subject_id.trim().is_empty() {
        return Err("The record has no subject_id.".into());
    }
    Ok(r)
}
