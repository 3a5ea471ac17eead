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
    /// The legal name as given.
    pub name: String,
    /// Other names the subject declares (maiden name, previous legal name).
    pub other_names: Vec<String>,
    /// Birth date, `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// Claimed nationality, ISO 3166 alpha-2; only compared with documents, never scored alone.
    pub nationality: Option<String>,
    /// Claimed country of residence, ISO 3166 alpha-2.
    pub residence_country: Option<String>,
    /// The identity (residence) address as given.
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
    pub resume_text: Option<String>,
    /// Payment destinations in the order they took effect (the change history).
    pub payment_destinations: Vec<PaymentDestination>,
}

/// A postal address.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PostalAddress {
    /// Street lines.
    pub lines: Vec<String>,
    /// City or town.
    pub city: Option<String>,
    /// State, province or region.
    pub region: Option<String>,
    /// Postal code.
    pub postcode: Option<String>,
    /// ISO 3166 alpha-2 country.
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
    pub issuer_country: Option<String>,
    /// Identity-verification vendor result: `pass`, `fail` or `review`.
    pub idv_result: Option<String>,
    /// SSA (SSNVS / E-Verify) result: `match`, `no_match` or `death_record`.
    pub ssa_verification: Option<String>,
}

/// An online profile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OnlineProfile {
    /// `github`, `linkedin`, `telegram`, `x`, `discord`, `skype`, `website`, …
    pub platform: String,
    /// The handle or user name.
    pub handle: Option<String>,
    /// The profile URL.
    pub url: Option<String>,
    /// Account creation date (`YYYY-MM-DD`).
    pub created: Option<String>,
    /// Oldest commit or activity date shown (`YYYY-MM-DD`).
    pub oldest_activity: Option<String>,
    /// E-mail addresses seen in the account's commits.
    pub commit_emails: Vec<String>,
}

/// One job in the employment history.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Employment {
    /// The employer.
    pub organisation: String,
    /// Country of the job, ISO 3166 alpha-2.
    pub country: Option<String>,
    /// Start (`YYYY` or `YYYY-MM[-DD]`).
    pub start: Option<String>,
    /// End, absent while current.
    pub end: Option<String>,
}

/// A reference given by the subject.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Reference {
    /// The reference's name.
    pub name: Option<String>,
    /// Their e-mail address.
    pub email: Option<String>,
    /// Their phone.
    pub phone: Option<String>,
    /// Their organisation.
    pub organisation: Option<String>,
    /// When the reference's e-mail domain was registered (WHOIS/RDAP), if looked up.
    pub domain_registered: Option<String>,
    /// Whether the reference was confirmed through an independently found contact.
    pub verified: Option<bool>,
}

/// Where pay goes, effective from a date.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PaymentDestination {
    /// `ach`, `wire`, `card`, `paypal`, `wise`, `payoneer`, `crypto`.
    pub kind: String,
    /// The bank account or wallet-service account number; hashed, shown masked.
    pub account: Option<String>,
    /// Routing or sort code, part of the bank-account key.
    pub routing: Option<String>,
    /// The account holder's name.
    pub holder_name: Option<String>,
    /// The bank's country, ISO 3166 alpha-2.
    pub country: Option<String>,
    /// A crypto address, for `crypto`.
    pub address: Option<String>,
    /// The chain or currency the address is declared on (`ETH`, `XBT`, `USDC`, …).
    pub chain: Option<String>,
    /// When it took effect (`YYYY-MM-DD`).
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
    pub country: Option<String>,
    /// Set when the sign-in came through the employer's own VPN egress.
    pub corporate_egress: bool,
}

/// A company device.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Device {
    /// The asset tag.
    pub asset_id: Option<String>,
    /// The hardware serial number.
    pub serial: Option<String>,
    /// Installed software names (EDR/MDM inventory).
    pub software: Vec<String>,
    /// Connected USB devices.
    pub usb: Vec<UsbDevice>,
    /// Country of the device's first check-in.
    pub first_checkin_country: Option<String>,
}

/// One USB device from the inventory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UsbDevice {
    /// Vendor id, four hex digits.
    pub vendor_id: Option<String>,
    /// Product id, four hex digits.
    pub product_id: Option<String>,
    /// Product or device name as reported.
    pub name: Option<String>,
}

/// An equipment shipment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Shipment {
    /// The asset shipped.
    pub asset_id: Option<String>,
    /// The destination.
    pub address: PostalAddress,
    /// When the destination was last changed (`YYYY-MM-DD`).
    pub address_changed_at: Option<String>,
    /// When it was dispatched (`YYYY-MM-DD`).
    pub dispatched_at: Option<String>,
}

/// One interview session.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InterviewSession {
    /// When it happened.
    pub time: Option<String>,
    /// Whether the candidate refused to turn the camera on.
    pub camera_refused: bool,
    /// Whether a liveness or deepfake check failed.
    pub liveness_failed: bool,
    /// Whether the interviewer or vendor judged the person different from an earlier session.
    pub different_person: bool,
    /// Country of the session's IP, ISO 3166 alpha-2.
    pub country: Option<String>,
}

/// A record parsed from one input line.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The 1-based line number in the input.
    pub line: u64,
    /// The record.
    pub record: Record,
}

/// Parses JSON-lines records. A line that is not a valid record becomes a diagnostic naming the
/// line, and the rest still parse; blank lines are skipped. Duplicate subject ids keep the first.
pub fn parse_lines(file: &str, text: &str) -> (Vec<Parsed>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let n = i as u64 + 1;
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        match parse_line(t) {
            Ok(record) => {
                if !seen.insert(record.subject_id.clone()) {
                    diags.push(
                        Diagnostic::at_line(
                            Severity::Error,
                            file,
                            n,
                            "This subject id was already used on an earlier line; the record was skipped.",
                        )
                        .with_record(record.subject_id),
                    );
                    continue;
                }
                out.push(Parsed { line: n, record });
            }
            Err(msg) => diags.push(Diagnostic::at_line(Severity::Error, file, n, msg)),
        }
    }
    (out, diags)
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
