//! Structured fields from OFAC's free-text remarks (`DOB 25 Apr 1965; nationality Korea, North; …`).
//!
//! The OFAC legacy files (`sdn.csv`, `sdn.xml`, `cons_prim.csv`) carry most of what the advanced
//! format models as features in one free-text column. The column is a `;`-separated list of
//! `Label value` parts; [`parse`] recognises the labels OFAC uses and turns them into the typed
//! fields of the model. Every part it does not understand is kept verbatim in
//! [`Remarks::notes`], so nothing is lost, and a part that carries a known label but whose value
//! cannot be read produces a warning text the caller turns into a diagnostic with file and line.

use std::collections::BTreeMap;

use model::country;
use model::{
    Entity, FuzzyDate, Gender, IdKind, Identification, Name, NameKind, Relation, RelationKind,
    Sanction, Wallet,
};

/// The structured content of one remarks text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Remarks {
    /// `DOB …` and `alt. DOB …`.
    pub birth_dates: Vec<FuzzyDate>,
    /// `POB …`.
    pub birth_places: Vec<String>,
    /// `nationality …` as alpha-2 codes.
    pub nationalities: Vec<String>,
    /// `citizen …` as alpha-2 codes.
    pub citizenships: Vec<String>,
    /// `Gender …`.
    pub gender: Option<Gender>,
    /// `Title …`.
    pub positions: Vec<String>,
    /// Passports, national ids, registration numbers, IMO and aircraft numbers.
    pub identifications: Vec<Identification>,
    /// `Digital Currency Address - XXX …`.
    pub wallets: Vec<Wallet>,
    /// `Linked To: …`.
    pub relations: Vec<Relation>,
    /// `Email Address …`.
    pub emails: Vec<String>,
    /// `Phone Number …`, `Telephone …`.
    pub phones: Vec<String>,
    /// `Website …`.
    pub websites: Vec<String>,
    /// Names quoted in the remarks (`a.k.a. 'X'`); OFAC puts its low-quality (weak) aliases
    /// here rather than in the alias file, so they are weak aliases.
    pub names: Vec<Name>,
    /// Scope notes of the designation (`Secondary sanctions risk: …`, directive dates).
    pub provisions: Vec<String>,
    /// FtM properties without a typed field (`incorporationDate`, `mmsi`, `model`, …).
    pub extra: BTreeMap<String, Vec<String>>,
    /// Parts that were not understood, verbatim.
    pub notes: Vec<String>,
    /// Parts with a known label whose value could not be read, as full sentences.
    pub warnings: Vec<String>,
}

impl Remarks {
    /// Moves the structured fields into an entity and its OFAC sanction.
    ///
    /// The warnings are left to the caller, which knows the file and line to report them at.
    pub fn apply(self, entity: &mut Entity, sanction: &mut Sanction) {
        macro_rules! move_vec {
            ($($f:ident),*) => {$(
                for v in self.$f {
                    Entity::push_unique(&mut entity.$f, v);
                }
            )*};
        }
        move_vec!(
            birth_dates,
            birth_places,
            nationalities,
            citizenships,
            positions,
            identifications,
            wallets,
            relations,
            emails,
            phones,
            websites,
            notes
        );
        if entity.gender.is_none() {
            entity.gender = self.gender;
        }
        for n in self.names {
            entity.add_name(n);
        }
        for (k, vs) in self.extra {
            for v in vs {
                entity.add_extra(&k, v);
            }
        }
        for p in self.provisions {
            Entity::push_unique(&mut sanction.provisions, p);
        }
    }

    fn extra(&mut self, prop: &str, value: impl Into<String>) {
        let value = value.into();
        if value.is_empty() {
            return;
        }
        let v = self.extra.entry(prop.to_string()).or_default();
        if !v.contains(&value) {
            v.push(value);
        }
    }
}

/// What a recognised label means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Dob,
    Pob,
    Nationality,
    Citizen,
    Gender,
    Title,
    Id(IdKind),
    Wallet,
    LinkedTo,
    Email,
    Phone,
    Website,
    WeakName,
    Provision,
    /// A date kept as an FtM property.
    DateExtra(&'static str),
    /// A country kept as an FtM property (and, for flags, in `countries`).
    CountryExtra(&'static str),
    /// A verbatim FtM property.
    Extra(&'static str),
}

use IdKind::{Aircraft, Imo, NationalId, Other, Passport, Registration, Tax};

/// Every label OFAC uses that we map, matched case-insensitively at the start of a part and
/// followed by a space, a colon or the end. The longest matching label wins, so that
/// `Diplomatic Passport` is not read as `Passport` and `Registration Number` is not read as
/// `Registration ID`.
const LABELS: &[(&str, Field)] = &[
    ("DOB", Field::Dob),
    ("POB", Field::Pob),
    ("nationality", Field::Nationality),
    ("citizen", Field::Citizen),
    ("Gender", Field::Gender),
    ("Title", Field::Title),
    ("Digital Currency Address -", Field::Wallet),
    ("Linked To:", Field::LinkedTo),
    ("Email Address", Field::Email),
    ("Email", Field::Email),
    ("Website", Field::Website),
    ("Phone Number", Field::Phone),
    ("Phone", Field::Phone),
    ("Telephone", Field::Phone),
    ("Telephone No.", Field::Phone),
    ("Telephone Number", Field::Phone),
    ("a.k.a.", Field::WeakName),
    ("f.k.a.", Field::WeakName),
    ("n.k.a.", Field::WeakName),
    ("Secondary sanctions risk:", Field::Provision),
    ("Additional Sanctions Information -", Field::Provision),
    (
        "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:",
        Field::Provision,
    ),
    ("Executive Order", Field::Provision),
    ("CAATSA Section", Field::Provision),
    ("IFCA Determination -", Field::Provision),
    ("Listing Date", Field::Provision),
    ("Effective Date", Field::Provision),
    ("Purchase/Sales For Divestment Date", Field::Provision),
    (
        "Organization Established Date",
        Field::DateExtra("incorporationDate"),
    ),
    ("Organization Type:", Field::Extra("sector")),
    (
        "Nationality of Registration",
        Field::CountryExtra("jurisdiction"),
    ),
    ("Target Type", Field::Extra("classification")),
    ("MMSI", Field::Extra("mmsiNumber")),
    ("Vessel Year of Build", Field::DateExtra("buildDate")),
    ("Former Vessel Flag", Field::CountryExtra("pastFlags")),
    ("Other Vessel Flag", Field::CountryExtra("flag")),
    ("Other Vessel Call Sign", Field::Extra("callSign")),
    ("Other Vessel Type", Field::Extra("type")),
    ("Aircraft Model", Field::Extra("model")),
    ("Aircraft Manufacture Date", Field::DateExtra("buildDate")),
    ("Aircraft Operator", Field::Extra("operator")),
    // Identifications.
    ("Passport", Field::Id(Passport)),
    ("Passport No.", Field::Id(Passport)),
    ("Passport Booklet", Field::Id(Passport)),
    ("Diplomatic Passport", Field::Id(Passport)),
    ("British National Overseas Passport", Field::Id(Passport)),
    ("Stateless Person Passport", Field::Id(Passport)),
    ("National ID No.", Field::Id(NationalId)),
    ("Cedula No.", Field::Id(NationalId)),
    ("Personal ID Card", Field::Id(NationalId)),
    ("D.N.I.", Field::Id(NationalId)),
    ("C.U.R.P.", Field::Id(NationalId)),
    ("C.U.R.P. #", Field::Id(NationalId)),
    ("Turkish Identification Number", Field::Id(NationalId)),
    ("Kenyan ID No.", Field::Id(NationalId)),
    ("Numero de Identidad", Field::Id(NationalId)),
    ("Tazkira National ID Card", Field::Id(NationalId)),
    ("Citizen's Card Number", Field::Id(NationalId)),
    ("Bosnian Personal ID No.", Field::Id(NationalId)),
    ("Moroccan Personal ID No.", Field::Id(NationalId)),
    ("CNP (Personal Numerical Code)", Field::Id(NationalId)),
    ("National Foreign ID Number", Field::Id(NationalId)),
    ("Credencial electoral", Field::Id(NationalId)),
    ("Electoral Registry No.", Field::Id(NationalId)),
    ("I.F.E.", Field::Id(NationalId)),
    ("SSN", Field::Id(NationalId)),
    ("Birth Certificate Number", Field::Id(NationalId)),
    ("Residency Number", Field::Id(NationalId)),
    ("Refugee ID Card", Field::Id(NationalId)),
    ("Stateless Person ID Card", Field::Id(NationalId)),
    ("UAE Identification", Field::Id(NationalId)),
    ("Tax ID No.", Field::Id(Tax)),
    ("R.F.C.", Field::Id(Tax)),
    ("R.F.C. #", Field::Id(Tax)),
    ("RFC", Field::Id(Tax)),
    ("NIT #", Field::Id(Tax)),
    ("RUC #", Field::Id(Tax)),
    ("RIF #", Field::Id(Tax)),
    ("V.A.T. Number", Field::Id(Tax)),
    ("C.U.I.T.", Field::Id(Tax)),
    ("C.U.I.", Field::Id(Tax)),
    ("US FEIN", Field::Id(Tax)),
    ("Italian Fiscal Code", Field::Id(Tax)),
    ("Fiscal Code", Field::Id(Tax)),
    ("RTN", Field::Id(Tax)),
    ("N.I.F.", Field::Id(Tax)),
    ("C.I.F.", Field::Id(Tax)),
    ("Paraguayan tax identification number", Field::Id(Tax)),
    ("Romanian Tax Registration", Field::Id(Tax)),
    (
        "Numero Unico de Identificacao Tributaria (NUIT)",
        Field::Id(Tax),
    ),
    ("Registration Number", Field::Id(Registration)),
    ("Registration ID", Field::Id(Registration)),
    ("Business Registration Number", Field::Id(Registration)),
    ("Business Registration Document #", Field::Id(Registration)),
    ("Commercial Registry Number", Field::Id(Registration)),
    ("Company Number", Field::Id(Registration)),
    ("UK Company Number", Field::Id(Registration)),
    ("Public Registration Number", Field::Id(Registration)),
    ("Folio Mercantil No.", Field::Id(Registration)),
    ("Matricula Mercantil No", Field::Id(Registration)),
    ("C.R. No.", Field::Id(Registration)),
    ("Chamber of Commerce Number", Field::Id(Registration)),
    ("Istanbul Chamber of Comm. No.", Field::Id(Registration)),
    (
        "Dubai Chamber of Commerce Membership No.",
        Field::Id(Registration),
    ),
    ("Trade License No.", Field::Id(Registration)),
    (
        "Certificate of Incorporation Number",
        Field::Id(Registration),
    ),
    ("Government Gazette Number", Field::Id(Registration)),
    ("Unified Social Credit Code (USCC)", Field::Id(Registration)),
    (
        "United Social Credit Code Certificate (USCCC)",
        Field::Id(Registration),
    ),
    ("Legal Entity Number", Field::Id(Registration)),
    (
        "Central Registration System Number",
        Field::Id(Registration),
    ),
    ("Economic Register Number (CBLS)", Field::Id(Registration)),
    ("Enterprise Number", Field::Id(Registration)),
    ("Business Number", Field::Id(Registration)),
    ("Branch Unit Number", Field::Id(Registration)),
    ("Registered Charity No.", Field::Id(Registration)),
    ("D-U-N-S Number", Field::Id(Registration)),
    ("Romanian C.R.", Field::Id(Registration)),
    (
        "Registration Certificate Number (Dubai)",
        Field::Id(Registration),
    ),
    (
        "Russian State Individual Business Registration Number Pattern (OGRNIP)",
        Field::Id(Registration),
    ),
    ("Organization Code", Field::Id(Registration)),
    ("License", Field::Id(Registration)),
    ("Permit Number", Field::Id(Registration)),
    ("MSB Registration Number", Field::Id(Registration)),
    (
        "Afghan Money Service Provider License Number",
        Field::Id(Registration),
    ),
    ("Tourism License No.", Field::Id(Registration)),
    ("C.I.N.", Field::Id(Registration)),
    ("Vessel Registration Identification", Field::Id(Imo)),
    ("International Maritime Organization No.", Field::Id(Imo)),
    ("Aircraft Tail Number", Field::Id(Aircraft)),
    ("Previous Aircraft Tail Number", Field::Id(Aircraft)),
    (
        "Aircraft Manufacturer's Serial Number (MSN)",
        Field::Id(Aircraft),
    ),
    (
        "Aircraft Construction Number (also called L/N or S/N or F/N)",
        Field::Id(Aircraft),
    ),
    ("Aircraft Mode S Transponder Code", Field::Id(Aircraft)),
    ("Aircraft Serial Identification", Field::Id(Aircraft)),
    ("SWIFT/BIC", Field::Id(Other)),
    ("BIK (RU)", Field::Id(Other)),
    ("ISIN", Field::Id(Other)),
    ("Equity Ticker", Field::Id(Other)),
    ("Identification Number", Field::Id(Other)),
    ("Driver's License No.", Field::Id(Other)),
    ("Pilot License Number", Field::Id(Other)),
    ("Travel Document Number", Field::Id(Other)),
    ("Seafarer's Identification Document", Field::Id(Other)),
    ("Military Registration Number", Field::Id(Other)),
    ("Cartilla de Servicio Militar Nacional", Field::Id(Other)),
    ("Chinese Commercial Code", Field::Id(Other)),
    ("Immigration No.", Field::Id(Other)),
    ("SRE Permit No.", Field::Id(Other)),
    ("File Number", Field::Id(Other)),
    ("Trademark number", Field::Id(Other)),
    ("C.U.I.P.", Field::Id(Other)),
];

/// Abbreviations that end with a period of their own, so that the period ending the whole
/// remarks text is not taken from them (`Linked To: NEW AHMADI LTD.`).
const ABBREVIATIONS: &[&str] = &[
    "LTD", "CO", "INC", "CORP", "PTE", "BHD", "JR", "SR", "ST", "NO", "LTDA", "CIA", "BROS", "AVE",
    "EST", "DR", "MR", "MRS", "GEN", "COL", "GMBH", "SPA", "SA", "SL", "AG", "DIV", "DEPT",
];

/// Parses one remarks text.
pub fn parse(remarks: &str) -> Remarks {
    let mut out = Remarks::default();
    let text = strip_terminal_period(remarks.trim());
    if text.is_empty() || text == "-0-" {
        return out;
    }
    for part in split(text) {
        parse_part(part, &mut out);
    }
    out
}

/// Splits a remarks text on `;`, except inside parentheses, where OFAC puts explanations that
/// may contain `;` themselves. Unbalanced parentheses fall back to a plain split, so that one
/// stray `(` cannot swallow the rest of the text into one part.
pub fn split(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth: i32 = 0;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = (depth - 1).max(0),
            ';' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    if depth != 0 {
        parts = text.split(';').collect();
    }
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

fn strip_terminal_period(s: &str) -> &str {
    let Some(body) = s.strip_suffix('.') else {
        return s;
    };
    let last = body.rsplit([' ', ';']).next().unwrap_or(body);
    let bare = last.trim_start_matches(['(', '\'', '"']);
    // "S.A." and "U.S.A." end in a one-letter segment; "www.vtb.ru." does not.
    let dotted = bare
        .rsplit_once('.')
        .is_some_and(|(_, tail)| tail.chars().count() == 1);
    if dotted
        || ABBREVIATIONS
            .iter()
            .any(|a| a.eq_ignore_ascii_case(bare.trim_end_matches(',')))
    {
        s
    } else {
        body
    }
}

/// The label of `part` that matches longest, with the value after it.
fn match_label(part: &str) -> Option<(&'static str, Field, &str)> {
    let mut best: Option<(&'static str, Field)> = None;
    let first = part.as_bytes().first()?.to_ascii_lowercase();
    for &(label, field) in LABELS {
        // Comparing the first byte first skips almost every label cheaply.
        if label.as_bytes().first().map(u8::to_ascii_lowercase) != Some(first) {
            continue;
        }
        let Some(head) = part.get(..label.len()) else {
            continue;
        };
        if !head.eq_ignore_ascii_case(label) {
            continue;
        }
        let next = part[label.len()..].chars().next();
        let boundary = label.ends_with([':', '-', '.', '#', ')'])
            || matches!(next, None | Some(' ') | Some(':'));
        if boundary && best.is_none_or(|(b, _)| label.len() > b.len()) {
            best = Some((label, field));
        }
    }
    let (label, field) = best?;
    let value = part[label.len()..].trim_start_matches([':', ' ']).trim();
    Some((label, field, value))
}

fn parse_part(raw: &str, out: &mut Remarks) {
    let part = raw
        .strip_prefix("alt. ")
        .or_else(|| raw.strip_prefix("Alt. "))
        .unwrap_or(raw)
        .trim();
    let Some((label, field, value)) = match_label(part) else {
        if let Some(id) = generic_id(part) {
            Entity::push_unique(&mut out.identifications, id);
        } else {
            out.notes.push(raw.to_string());
        }
        return;
    };
    if value.is_empty() && field != Field::Provision {
        out.warnings.push(format!(
            "The remark \"{raw}\" has the label \"{label}\" but no value."
        ));
        out.notes.push(raw.to_string());
        return;
    }
    match field {
        Field::Dob => match FuzzyDate::parse(value) {
            Some(d) => Entity::push_unique(&mut out.birth_dates, d),
            None => fail(out, raw, "birth date"),
        },
        Field::Pob => Entity::push_unique(&mut out.birth_places, value.to_string()),
        Field::Nationality | Field::Citizen => match country::code(value) {
            Some(c) => {
                let v = if field == Field::Nationality {
                    &mut out.nationalities
                } else {
                    &mut out.citizenships
                };
                Entity::push_unique(v, c.to_string());
            }
            None => fail(out, raw, "country"),
        },
        Field::Gender => match Gender::parse(value) {
            Some(g) if g != Gender::Other => out.gender = out.gender.or(Some(g)),
            _ => fail(out, raw, "gender"),
        },
        Field::Title => Entity::push_unique(&mut out.positions, value.to_string()),
        Field::Wallet => {
            let mut words = value.split_whitespace();
            match (words.next(), words.next(), words.next()) {
                (Some(currency), Some(address), rest) => {
                    Entity::push_unique(
                        &mut out.wallets,
                        Wallet {
                            currency: currency.to_string(),
                            address: address.to_string(),
                        },
                    );
                    // Words after the address are not part of it; keep them for a reader.
                    if rest.is_some() {
                        out.notes.push(raw.to_string());
                    }
                }
                _ => fail(out, raw, "digital currency address"),
            }
        }
        Field::LinkedTo => Entity::push_unique(
            &mut out.relations,
            Relation {
                kind: RelationKind::LinkedTo,
                target_id: None,
                target_name: Some(value.to_string()),
                note: None,
            },
        ),
        Field::Email => Entity::push_unique(&mut out.emails, value.to_string()),
        Field::Phone => Entity::push_unique(&mut out.phones, value.to_string()),
        Field::Website => Entity::push_unique(&mut out.websites, value.to_string()),
        Field::WeakName => {
            let name = value.trim_matches(['\'', '"', ' ']);
            if name.is_empty() {
                fail(out, raw, "name");
            } else {
                let n = Name::new(name, NameKind::WeakAlias);
                if !out.names.contains(&n) {
                    out.names.push(n);
                }
            }
        }
        Field::Provision => Entity::push_unique(&mut out.provisions, part.to_string()),
        Field::DateExtra(prop) => match FuzzyDate::parse(value) {
            Some(d) => {
                for v in d.ftm_values() {
                    out.extra(prop, v);
                }
            }
            None => fail(out, raw, "date"),
        },
        Field::CountryExtra(prop) => match country::code(value) {
            Some(c) => out.extra(prop, c),
            None => fail(out, raw, "country"),
        },
        Field::Extra(prop) => out.extra(prop, value),
        Field::Id(kind) => match identification(kind, label, value) {
            Ok((id, warnings)) => {
                if id.kind == IdKind::Imo {
                    out.extra("imoNumber", format!("IMO{}", id.number));
                }
                if !warnings.is_empty() {
                    out.notes.push(raw.to_string());
                }
                for w in warnings {
                    out.warnings.push(format!("In the remark \"{raw}\": {w}"));
                }
                Entity::push_unique(&mut out.identifications, id);
            }
            Err(()) => fail(out, raw, "number"),
        },
    }
}

/// Keeps a part that carries a known label but an unreadable value, and says so.
fn fail(out: &mut Remarks, raw: &str, what: &str) {
    out.warnings.push(format!(
        "Could not read the {what} in the remark \"{raw}\"; it was kept as a note."
    ));
    out.notes.push(raw.to_string());
}

/// Reads `NUMBER (Country) issued DATE expires DATE` after an identification label.
///
/// Returns the identification and the problems met on the way (an unknown country, an
/// unreadable date); the number is kept in any case because it is what screening matches on.
fn identification(
    kind: IdKind,
    label: &str,
    value: &str,
) -> Result<(Identification, Vec<String>), ()> {
    let mut warnings = Vec::new();
    let mut kind = kind;
    let mut label = label.to_string();
    let mut rest = value;
    // OFAC gives IMO numbers of vessels and of ship-owning companies as a label followed by
    // "IMO"; the number itself is what registries and other lists use.
    if let Some(after) = rest
        .strip_prefix("IMO ")
        .filter(|_| matches!(kind, Imo | Other | Registration))
    {
        kind = Imo;
        label.push_str(" IMO");
        rest = after.trim_start();
    }
    let (number_part, tail) = match rest.find(" (") {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => split_at_keyword(rest),
    };
    let number = number_part.trim();
    // Prose that happens to start with a label ("Passport and National ID were issued in …")
    // is not an identification: numbers of these kinds have a digit in their first word and
    // are at most a few words long.
    let needs_digit = matches!(kind, Passport | NationalId | Tax | Registration | Imo);
    let first_has_digit = number
        .split_whitespace()
        .next()
        .is_some_and(|w| w.chars().any(|c| c.is_ascii_digit()));
    if number.is_empty()
        || (needs_digit && !first_has_digit)
        || number.split_whitespace().count() > 3
    {
        return Err(());
    }
    let mut id = Identification {
        kind,
        label,
        number: number.to_string(),
        country: None,
        issued: None,
        expires: None,
        note: None,
    };
    let mut tail = tail.trim();
    let mut notes: Vec<String> = Vec::new();
    while let Some(inner_end) = tail.strip_prefix('(').and_then(|t| t.find(')')) {
        let inner = &tail[1..=inner_end];
        match country::code(inner) {
            Some(c) if id.country.is_none() => id.country = Some(c.to_string()),
            _ => notes.push(format!("({inner})")),
        }
        tail = tail[inner_end + 2..].trim();
    }
    // What follows is `issued DATE`, `expires DATE`, both, or words we keep as a note.
    let (before_expiry, expiry) = match tail.find("expires ") {
        Some(i) => (&tail[..i], Some(&tail[i + "expires ".len()..])),
        None => (tail, None),
    };
    let before_expiry = before_expiry.trim();
    if let Some(issued) = before_expiry.strip_prefix("issued ") {
        match FuzzyDate::parse(issued) {
            Some(d) => id.issued = Some(d),
            None => warnings.push(format!(
                "the issue date \"{}\" is not a date",
                issued.trim()
            )),
        }
    } else if !before_expiry.is_empty() {
        notes.push(before_expiry.to_string());
    }
    if let Some(expiry) = expiry {
        match FuzzyDate::parse(expiry) {
            Some(d) => id.expires = Some(d),
            None => warnings.push(format!(
                "the expiry date \"{}\" is not a date",
                expiry.trim()
            )),
        }
    }
    if !notes.is_empty() {
        id.note = Some(notes.join(" "));
    }
    Ok((id, warnings))
}

/// Splits `N123 issued 2001` at the first date keyword when there is no country in parentheses.
fn split_at_keyword(s: &str) -> (&str, &str) {
    let i = [" issued ", " expires "]
        .iter()
        .filter_map(|k| s.find(k))
        .min()
        .unwrap_or(s.len());
    (&s[..i], &s[i..])
}

/// An identification whose label is not in [`LABELS`] but reads like one: a few words ending in
/// `No.`, `Number`, `#` or `ID`, then a value with a digit (`Bosnian Personal ID No. 123`).
fn generic_id(part: &str) -> Option<Identification> {
    const ENDINGS: &[&str] = &[" No.", " No", " Number", " #", " ID", " Code"];
    for ending in ENDINGS {
        let Some(i) = part.find(&format!("{ending} ")) else {
            continue;
        };
        let label = &part[..i + ending.len()];
        let value = part[i + ending.len()..].trim();
        let first = value.split_whitespace().next()?;
        let label_ok = label.len() <= 60
            && label.split_whitespace().count() <= 6
            && label.starts_with(|c: char| c.is_ascii_uppercase())
            && !label.contains(':');
        if label_ok && first.chars().any(|c| c.is_ascii_digit()) {
            return identification(Other, label, value).ok().map(|(id, _)| id);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::PartialDate;

    /// One expected structured field, written compactly so that the table stays readable.
    #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
    enum F {
        Dob(&'static str),
        Pob(&'static str),
        Nat(&'static str),
        Cit(&'static str),
        Gender(Gender),
        Pos(&'static str),
        /// kind, label, number, country, issued, expires, note
        Id(
            IdKind,
            &'static str,
            &'static str,
            Option<&'static str>,
            Option<&'static str>,
            Option<&'static str>,
            Option<&'static str>,
        ),
        Wallet(&'static str, &'static str),
        Linked(&'static str),
        Email(&'static str),
        Phone(&'static str),
        Web(&'static str),
        Weak(&'static str),
        Prov(&'static str),
        Extra(&'static str, &'static str),
        Note(&'static str),
        Warn,
    }

    fn flatten(r: &Remarks) -> Vec<String> {
        let mut v = Vec::new();
        v.extend(r.birth_dates.iter().map(|d| format!("Dob({d})")));
        v.extend(r.birth_places.iter().map(|d| format!("Pob({d})")));
        v.extend(r.nationalities.iter().map(|d| format!("Nat({d})")));
        v.extend(r.citizenships.iter().map(|d| format!("Cit({d})")));
        v.extend(r.gender.iter().map(|d| format!("Gender({d:?})")));
        v.extend(r.positions.iter().map(|d| format!("Pos({d})")));
        v.extend(r.identifications.iter().map(|i| {
            format!(
                "Id({:?}, {}, {}, {:?}, {:?}, {:?}, {:?})",
                i.kind,
                i.label,
                i.number,
                i.country,
                i.issued.as_ref().map(|d| d.to_string()),
                i.expires.as_ref().map(|d| d.to_string()),
                i.note
            )
        }));
        v.extend(
            r.wallets
                .iter()
                .map(|w| format!("Wallet({}, {})", w.currency, w.address)),
        );
        v.extend(
            r.relations
                .iter()
                .map(|d| format!("Linked({})", d.target_name.as_deref().unwrap_or_default())),
        );
        v.extend(r.emails.iter().map(|d| format!("Email({d})")));
        v.extend(r.phones.iter().map(|d| format!("Phone({d})")));
        v.extend(r.websites.iter().map(|d| format!("Web({d})")));
        v.extend(r.names.iter().map(|n| {
            assert_eq!(n.kind, NameKind::WeakAlias);
            format!("Weak({})", n.full)
        }));
        v.extend(r.provisions.iter().map(|d| format!("Prov({d})")));
        for (k, vs) in &r.extra {
            v.extend(vs.iter().map(|x| format!("Extra({k}, {x})")));
        }
        v.extend(r.notes.iter().map(|d| format!("Note({d})")));
        v.extend(r.warnings.iter().map(|_| "Warn".to_string()));
        v.sort();
        v
    }

    fn render(f: &F) -> String {
        match f {
            F::Dob(s) => format!("Dob({s})"),
            F::Pob(s) => format!("Pob({s})"),
            F::Nat(s) => format!("Nat({s})"),
            F::Cit(s) => format!("Cit({s})"),
            F::Gender(g) => format!("Gender({g:?})"),
            F::Pos(s) => format!("Pos({s})"),
            F::Id(k, l, n, c, i, e, note) => format!(
                "Id({k:?}, {l}, {n}, {:?}, {:?}, {:?}, {:?})",
                c.map(str::to_string),
                i.map(str::to_string),
                e.map(str::to_string),
                note.map(str::to_string)
            ),
            F::Wallet(c, a) => format!("Wallet({c}, {a})"),
            F::Linked(s) => format!("Linked({s})"),
            F::Email(s) => format!("Email({s})"),
            F::Phone(s) => format!("Phone({s})"),
            F::Web(s) => format!("Web({s})"),
            F::Weak(s) => format!("Weak({s})"),
            F::Prov(s) => format!("Prov({s})"),
            F::Extra(k, v) => format!("Extra({k}, {v})"),
            F::Note(s) => format!("Note({s})"),
            F::Warn => "Warn".to_string(),
        }
    }

    fn check(input: &str, expected: &[F]) {
        let got = flatten(&parse(input));
        let mut want: Vec<String> = expected.iter().map(render).collect();
        want.sort();
        assert_eq!(got, want, "input {input:?}");
    }

    fn id(
        kind: IdKind,
        label: &'static str,
        number: &'static str,
        country: Option<&'static str>,
    ) -> F {
        F::Id(kind, label, number, country, None, None, None)
    }

    #[test]
    fn parses_real_remarks() {
        use F::*;
        // Snippets from OFAC sdn.csv (2024-05-03) and cons_prim.csv (2025-12).
        check("-0- ", &[]);
        check("DOB 1962; POB Shati.", &[Dob("1962"), Pob("Shati")]);
        check(
            "DOB 1967; POB Nablus, West Bank.",
            &[Dob("1967"), Pob("Nablus, West Bank")],
        );
        check(
            "DOB 25 Apr 1965; POB North Pyongan Province, North Korea; nationality Korea, North; Gender Male",
            &[
                Dob("1965-04-25"),
                Pob("North Pyongan Province, North Korea"),
                Nat("kp"),
                Gender(model::Gender::Male),
            ],
        );
        check("DOB circa 1968.", &[Dob("circa 1968")]);
        check("DOB 1958 to 1960.", &[Dob("1958 to 1960")]);
        check(
            "DOB Mar 1960; alt. DOB 1961.",
            &[Dob("1960-03"), Dob("1961")],
        );
        check(
            "DOB 01 Jan 1960 to 31 Dec 1962",
            &[Dob("1960-01-01 to 1962-12-31")],
        );
        check(
            "DOB Summer 1973; Gender Female.",
            &[Note("DOB Summer 1973"), Warn, Gender(model::Gender::Female)],
        );
        check("citizen Mexico.", &[Cit("mx")]);
        check(
            "nationality Atlantis; alt. nationality Russia",
            &[Note("nationality Atlantis"), Warn, Nat("ru")],
        );
        check(
            "Passport 109420132 (Korea, North) issued 16 Oct 2019 expires 16 Oct 2024; alt. Passport 827220538 (Korea, North)",
            &[
                F::Id(
                    Passport,
                    "Passport",
                    "109420132",
                    Some("kp"),
                    Some("2019-10-16"),
                    Some("2024-10-16"),
                    None,
                ),
                id(Passport, "Passport", "827220538", Some("kp")),
            ],
        );
        check(
            "Passport A12345 issued 01 Jan 2010",
            &[F::Id(
                Passport,
                "Passport",
                "A12345",
                None,
                Some("2010-01-01"),
                None,
                None,
            )],
        );
        check(
            "Passport 123 (Iran) issued sometime",
            &[
                id(Passport, "Passport", "123", Some("ir")),
                Note("Passport 123 (Iran) issued sometime"),
                Warn,
            ],
        );
        check(
            "Diplomatic Passport D9876 (Syria)",
            &[id(Passport, "Diplomatic Passport", "D9876", Some("sy"))],
        );
        check(
            "National ID No. 1234567890 (Iran) (individual)",
            &[F::Id(
                NationalId,
                "National ID No.",
                "1234567890",
                Some("ir"),
                None,
                None,
                Some("(individual)"),
            )],
        );
        check(
            "Cedula No. 16234567 (Colombia)",
            &[id(NationalId, "Cedula No.", "16234567", Some("co"))],
        );
        check(
            "Tax ID No. 7744001497 (Russia); Legal Entity Number 253400WSS48YWMBUA688; Registration Number 1027700167110 (Russia)",
            &[
                id(Tax, "Tax ID No.", "7744001497", Some("ru")),
                id(
                    Registration,
                    "Legal Entity Number",
                    "253400WSS48YWMBUA688",
                    None,
                ),
                id(
                    Registration,
                    "Registration Number",
                    "1027700167110",
                    Some("ru"),
                ),
            ],
        );
        check(
            "Government Gazette Number 42045241 (Russia)",
            &[id(
                Registration,
                "Government Gazette Number",
                "42045241",
                Some("ru"),
            )],
        );
        check(
            "SWIFT/BIC VTBRRUMM; Website www.vtb.com; alt. Website www.vtb.ru; BIK (RU) 044030707",
            &[
                id(Other, "SWIFT/BIC", "VTBRRUMM", None),
                Web("www.vtb.com"),
                Web("www.vtb.ru"),
                id(Other, "BIK (RU)", "044030707", None),
            ],
        );
        check(
            "Vessel Registration Identification IMO 7406784; f.k.a. 'ANA I'; f.k.a. 'SAND SWAN'.",
            &[
                id(
                    Imo,
                    "Vessel Registration Identification IMO",
                    "7406784",
                    None,
                ),
                Extra("imoNumber", "IMO7406784"),
                Weak("ANA I"),
                Weak("SAND SWAN"),
            ],
        );
        check(
            "Identification Number IMO 5987654; MMSI 613000000",
            &[
                id(Imo, "Identification Number IMO", "5987654", None),
                Extra("imoNumber", "IMO5987654"),
                Extra("mmsiNumber", "613000000"),
            ],
        );
        check(
            "Aircraft Construction Number (also called L/N or S/N or F/N) 8401; Aircraft Manufacture Date 1992; Aircraft Model IL76-TD; Aircraft Operator YAS AIR; Aircraft Manufacturer's Serial Number (MSN) 1023409321; Linked To: POUYA AIR.",
            &[
                id(
                    Aircraft,
                    "Aircraft Construction Number (also called L/N or S/N or F/N)",
                    "8401",
                    None,
                ),
                Extra("buildDate", "1992"),
                Extra("model", "IL76-TD"),
                Extra("operator", "YAS AIR"),
                id(
                    Aircraft,
                    "Aircraft Manufacturer's Serial Number (MSN)",
                    "1023409321",
                    None,
                ),
                Linked("POUYA AIR"),
            ],
        );
        check(
            "Aircraft Tail Number RA-96010",
            &[id(Aircraft, "Aircraft Tail Number", "RA-96010", None)],
        );
        check(
            "Digital Currency Address - XBT 1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ; alt. Digital Currency Address - ETH 0xb6f5ec1a0a9cd1526536d3f0426c429529471f40",
            &[
                Wallet("XBT", "1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ"),
                Wallet("ETH", "0xb6f5ec1a0a9cd1526536d3f0426c429529471f40"),
            ],
        );
        check(
            "Digital Currency Address - USDT TE3mCcPULjPUE7ykX7RArDPAhyahoy3d2j",
            &[Wallet("USDT", "TE3mCcPULjPUE7ykX7RArDPAhyahoy3d2j")],
        );
        check(
            "Digital Currency Address - XBT",
            &[Note("Digital Currency Address - XBT"), Warn],
        );
        check("Linked To: HAMAS.", &[Linked("HAMAS")]);
        check(
            "Linked To: SAGAX INVESTMENT GROUP LTD.; Linked To: NEW AHMADI LTD.",
            &[
                Linked("SAGAX INVESTMENT GROUP LTD."),
                Linked("NEW AHMADI LTD."),
            ],
        );
        check(
            "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210; Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions: North Korea Sanctions Regulations section 510.214",
            &[
                Prov(
                    "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210",
                ),
                Prov(
                    "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions: North Korea Sanctions Regulations section 510.214",
                ),
            ],
        );
        check(
            "Additional Sanctions Information - Subject to Secondary Sanctions",
            &[Prov(
                "Additional Sanctions Information - Subject to Secondary Sanctions",
            )],
        );
        check(
            "Listing Date (EO 14024 Directive 3): 24 Feb 2022; Effective Date (EO 14024 Directive 3): 26 Mar 2022",
            &[
                Prov("Listing Date (EO 14024 Directive 3): 24 Feb 2022"),
                Prov("Effective Date (EO 14024 Directive 3): 26 Mar 2022"),
            ],
        );
        check(
            "a.k.a. 'ZAHAR, Mahmoud'; a.k.a. 'AL-ZAHAR, Mahmoud'; Linked To: HAMAS.",
            &[
                Weak("ZAHAR, Mahmoud"),
                Weak("AL-ZAHAR, Mahmoud"),
                Linked("HAMAS"),
            ],
        );
        check("a.k.a. 'BNC'.", &[Weak("BNC")]);
        check(
            "Organization Established Date 11 Jul 2011; alt. Organization Established Date 2012; Organization Type: Real estate activities with own or leased property",
            &[
                Extra("incorporationDate", "2011-07-11"),
                Extra("incorporationDate", "2012"),
                Extra(
                    "sector",
                    "Real estate activities with own or leased property",
                ),
            ],
        );
        check(
            "Target Type Financial Institution",
            &[Extra("classification", "Financial Institution")],
        );
        check(
            "Email Address info@example.ru; Phone Number 74951234567; Telephone (7) (495) 1234567",
            &[
                Email("info@example.ru"),
                Phone("74951234567"),
                Phone("(7) (495) 1234567"),
            ],
        );
        check("Title Minister of Defense", &[Pos("Minister of Defense")]);
        check(
            "Former Vessel Flag Malta; alt. Former Vessel Flag Tanzania; Vessel Year of Build 1999",
            &[
                Extra("pastFlags", "mt"),
                Extra("pastFlags", "tz"),
                Extra("buildDate", "1999"),
            ],
        );
        check(
            "Member of the State Duma of the Federal Assembly of the Russian Federation; ICTY indictee.",
            &[
                Note("Member of the State Duma of the Federal Assembly of the Russian Federation"),
                Note("ICTY indictee"),
            ],
        );
        check(
            "Albanian Personal ID No. 1234567890123",
            &[id(Other, "Albanian Personal ID No.", "1234567890123", None)],
        );
        check(
            "For more information on directives, please visit the following link: https://ofac.treasury.gov/x (a; b); Gender Male",
            &[
                Note(
                    "For more information on directives, please visit the following link: https://ofac.treasury.gov/x (a; b)",
                ),
                Gender(model::Gender::Male),
            ],
        );
        check(
            "Registration ID 1234 (Unknown Land); Gender Alien",
            &[
                F::Id(
                    Registration,
                    "Registration ID",
                    "1234",
                    None,
                    None,
                    None,
                    Some("(Unknown Land)"),
                ),
                Note("Gender Alien"),
                Warn,
            ],
        );
        check("Passport", &[Note("Passport"), Warn]);
        check(
            "Passport and National ID were issued in Ulm, Germany.  Currently incarcerated at JVA Bruchsal prison.",
            &[
                Note(
                    "Passport and National ID were issued in Ulm, Germany.  Currently incarcerated at JVA Bruchsal prison",
                ),
                Warn,
            ],
        );
        check(
            "Nationality of Registration Korea, North; Website www.vtb.ru.",
            &[Extra("jurisdiction", "kp"), Web("www.vtb.ru")],
        );
        check(
            "Digital Currency Address - ETH 0x97b1043abd9e6fc31681635166d430a458d14f9c; alt. Digital Currency Address - XMR 4AQ3Z8pPq",
            &[
                Wallet("ETH", "0x97b1043abd9e6fc31681635166d430a458d14f9c"),
                Wallet("XMR", "4AQ3Z8pPq"),
            ],
        );
    }

    #[test]
    fn splits_outside_parentheses_only() {
        assert_eq!(split("a (b; c); d"), vec!["a (b; c)", "d"]);
        assert_eq!(split("a (b; c; d"), vec!["a (b", "c", "d"]);
        assert_eq!(split(" ; ;"), Vec::<&str>::new());
    }

    #[test]
    fn applies_to_an_entity() {
        let id = model::EntityId::parse("ofac:1").unwrap_or_else(|e| panic!("{e}"));
        let mut e = Entity::new(id, model::Schema::Person);
        let mut s = Sanction::default();
        parse("DOB 1965; Secondary sanctions risk: x; a.k.a. 'Y'; ICTY indictee.")
            .apply(&mut e, &mut s);
        assert_eq!(
            e.birth_dates,
            vec![FuzzyDate::exact(PartialDate::year(1965))]
        );
        assert_eq!(s.provisions, vec!["Secondary sanctions risk: x"]);
        assert_eq!(e.names[0].kind, NameKind::WeakAlias);
        assert_eq!(e.notes, vec!["ICTY indictee"]);
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,200}") {
            let _ = parse(&s);
        }

        #[test]
        fn parse_never_panics_on_labels(
            parts in proptest::collection::vec(
                (proptest::sample::select(LABELS.iter().map(|l| l.0).collect::<Vec<_>>()), "\\PC{0,30}"),
                0..6,
            )
        ) {
            let s: Vec<String> = parts.iter().map(|(l, v)| format!("{l}{v}")).collect();
            let _ = parse(&s.join("; "));
        }
    }
}
