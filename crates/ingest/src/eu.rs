//! EU Financial Sanctions File XML (`xmlFullSanctionsList_1_1`).
//!
//! The file is `<export generationDate="…">` holding one `<sanctionEntity>` per designation.
//! Almost everything is in attributes: `nameAlias` (`wholeName`, `firstName`, `middleName`,
//! `lastName`, `title`, `function`, `gender`, `nameLanguage`, `strong`), `citizenship`,
//! `birthdate` (`birthdate` or `year`/`monthOfYear`/`dayOfMonth`, `yearRangeFrom`/`yearRangeTo`,
//! `circa`, place attributes), `identification`, `address` and `regulation` (`programme`,
//! `publicationDate`, `numberTitle`); `remark` elements hold free text. The country code `00`
//! means "unknown".
//!
//! Mapping: the id is `eu:<logicalId>`; the first strong name is the primary name, further
//! strong names are aliases and `strong="false"` names are weak aliases; one [`Sanction`] per
//! entity carries the programmes of its regulations, the EU reference number and the
//! designation date (or, without one, the earliest regulation publication date).

use model::country;
use model::{
    Address, Diagnostic, Entity, EntityId, FuzzyDate, Gender, IdKind, Identification, Name,
    NameKind, NameParts, PartialDate, Sanction, Schema, Severity, SourceKind,
};

use crate::xml_util::{self, Node};
use crate::{IngestError, Input, Parsed};

/// Parses one EU Financial Sanctions File.
///
/// Entries without a `logicalId` or without any name are dropped with an error diagnostic;
/// values that cannot be read (an unknown country code, a malformed date) are dropped with a
/// warning and the rest of the entry is kept.
pub fn parse(input: &Input<'_>) -> Result<Parsed, IngestError> {
    let mut diags = Vec::new();
    let mut rec_diags = Vec::new();
    let mut entities: Vec<Entity> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let scan = xml_util::scan(input, &["export"], "sanctionEntity", &mut diags, |node| {
        if let Some(e) = entity(input, &node, &mut rec_diags) {
            match index.get(&e.id) {
                Some(&i) => {
                    rec_diags.push(
                        Diagnostic::at_byte(
                            Severity::Warning,
                            input.name,
                            node.offset,
                            "The logicalId occurs a second time; the two entries were merged.",
                        )
                        .with_record(e.id.as_str()),
                    );
                    let first: &mut Entity = &mut entities[i];
                    first.merge(e);
                }
                None => {
                    index.insert(e.id.clone(), entities.len());
                    entities.push(e);
                }
            }
        }
    })?;
    // File-level and record diagnostics are collected apart; in offset order they read like
    // the file.
    diags.extend(rec_diags);
    diags.sort_by_key(|d| d.location.clone());
    let publish_date = scan
        .root
        .attr("generationDate")
        .and_then(PartialDate::parse_iso);
    Ok(Parsed {
        entities,
        diagnostics: diags,
        publish_date,
        ..Parsed::default()
    })
}

/// Collects the warnings of one entry so that they carry its id.
struct Notes<'a> {
    input: &'a Input<'a>,
    diags: &'a mut Vec<Diagnostic>,
    record: String,
}

impl Notes<'_> {
    fn warn(&mut self, offset: u64, message: String) {
        self.diags.push(
            Diagnostic::at_byte(Severity::Warning, self.input.name, offset, message)
                .with_record(self.record.clone()),
        );
    }
}

fn entity(input: &Input<'_>, node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Entity> {
    let Some(id) = node
        .attr("logicalId")
        .and_then(|l| EntityId::new(SourceKind::Eu, l).ok())
    else {
        diags.push(Diagnostic::at_byte(
            Severity::Error,
            input.name,
            node.offset,
            "A sanctionEntity without a usable logicalId was skipped.",
        ));
        return None;
    };
    let mut notes = Notes {
        input,
        diags,
        record: id.to_string(),
    };
    let schema = match node.child("subjectType").and_then(|s| s.attr("code")) {
        Some(c) if c.eq_ignore_ascii_case("person") => Schema::Person,
        Some(c) if c.eq_ignore_ascii_case("enterprise") => Schema::Organization,
        other => {
            notes.warn(
                node.offset,
                format!(
                    "Unknown subjectType code {:?}; the entry was kept as a LegalEntity.",
                    other.unwrap_or("")
                ),
            );
            Schema::LegalEntity
        }
    };
    let mut e = Entity::new(id, schema);

    let mut primary_taken = false;
    for alias in node.all("nameAlias") {
        name_alias(&mut e, alias, &mut primary_taken, &mut notes);
    }
    if e.names.is_empty() {
        notes.diags.push(
            Diagnostic::at_byte(
                Severity::Error,
                input.name,
                node.offset,
                "The entry has no name; it was skipped.",
            )
            .with_record(notes.record.clone()),
        );
        return None;
    }
    for c in node.all("citizenship") {
        if let Some(code) = country_of(c, &mut notes) {
            Entity::push_unique(&mut e.citizenships, code);
        }
    }
    for b in node.all("birthdate") {
        birth(&mut e, b, &mut notes);
    }
    for i in node.all("identification") {
        identification(&mut e, i, &mut notes);
    }
    for a in node.all("address") {
        address(&mut e, a, &mut notes);
    }
    for r in node.all("remark") {
        let t = r.text.trim();
        if !t.is_empty() {
            Entity::push_unique(&mut e.notes, t.to_string());
        }
    }
    if let Some(un) = node.attr("unitedNationId") {
        e.add_extra("unscId", un);
    }
    e.sanctions.push(sanction(node, &mut notes));
    Some(e)
}

fn name_alias(e: &mut Entity, n: &Node, primary_taken: &mut bool, notes: &mut Notes<'_>) {
    let parts = NameParts {
        title: n.attr("title").map(str::to_string),
        given: n.attr("firstName").map(str::to_string),
        middle: n.attr("middleName").map(str::to_string),
        family: n.attr("lastName").map(str::to_string),
        ..NameParts::default()
    };
    let full = match n.attr("wholeName") {
        Some(w) => w.to_string(),
        None => [&parts.given, &parts.middle, &parts.family]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" "),
    };
    if full.is_empty() {
        notes.warn(n.offset, "A nameAlias without any name was ignored.".into());
        return;
    }
    // `strong` defaults to true: the schema marks weak names explicitly.
    let strong = !n
        .attr("strong")
        .is_some_and(|s| s.eq_ignore_ascii_case("false"));
    let kind = if !strong {
        NameKind::WeakAlias
    } else if *primary_taken {
        NameKind::Alias
    } else {
        *primary_taken = true;
        NameKind::Primary
    };
    let mut name = Name::new(full, kind);
    if e.schema == Schema::Person {
        name = name.with_parts(parts);
    } else if let Some(t) = parts.title {
        name = name.with_parts(NameParts {
            title: Some(t),
            ..NameParts::default()
        });
    }
    name.lang = n.attr("nameLanguage").map(str::to_ascii_lowercase);
    e.add_name(name);
    if let Some(f) = n.attr("function") {
        if e.schema == Schema::Person {
            Entity::push_unique(&mut e.positions, f.to_string());
        } else {
            Entity::push_unique(&mut e.notes, f.to_string());
        }
    }
    if let Some(g) = n.attr("gender").and_then(Gender::parse)
        && e.gender.is_none()
    {
        e.gender = Some(g);
    }
}

/// The lower-case alpha-2 code of a node's `countryIso2Code` (or, failing that, its
/// `countryDescription`); `None` for the EU's "unknown" code `00`.
fn country_of(n: &Node, notes: &mut Notes<'_>) -> Option<String> {
    let code = n.attr("countryIso2Code");
    let desc = n
        .attr("countryDescription")
        .filter(|d| !d.eq_ignore_ascii_case("UNKNOWN"));
    match code {
        Some("00") | None if desc.is_none() => None,
        // Serbia and Montenegro (CS) no longer exists; the EU still uses it for Serbia.
        Some(c) if c.eq_ignore_ascii_case("CS") => Some("rs".to_string()),
        Some(c) if country::is_code(c) => Some(c.to_ascii_lowercase()),
        _ => match desc.and_then(country::code) {
            Some(c) => Some(c.to_string()),
            None => {
                notes.warn(
                    n.offset,
                    format!(
                        "Unknown country {:?} ({:?}) on <{}>; it was ignored.",
                        code.unwrap_or(""),
                        desc.unwrap_or(""),
                        n.name
                    ),
                );
                None
            }
        },
    }
}

fn year(n: &Node, attr: &str, notes: &mut Notes<'_>) -> Option<i32> {
    let raw = n.attr(attr)?;
    match raw
        .parse::<i32>()
        .ok()
        .filter(|y| (1000..=2999).contains(y))
    {
        Some(y) => Some(y),
        None => {
            notes.warn(
                n.offset,
                format!("Unreadable {attr} {raw:?}; it was ignored."),
            );
            None
        }
    }
}

fn birth(e: &mut Entity, b: &Node, notes: &mut Notes<'_>) {
    let circa = b
        .attr("circa")
        .is_some_and(|c| c.eq_ignore_ascii_case("true"));
    let date = if let Some(full) = b.attr("birthdate") {
        match PartialDate::parse_iso(full) {
            Some(d) => Some(FuzzyDate {
                start: d,
                end: None,
                circa,
            }),
            None => {
                notes.warn(
                    b.offset,
                    format!("Unreadable birthdate {full:?}; it was ignored."),
                );
                None
            }
        }
    } else if let Some(y) = year(b, "year", notes) {
        let month = b.attr("monthOfYear").and_then(|m| m.parse::<u8>().ok());
        let day = month.and(b.attr("dayOfMonth").and_then(|d| d.parse::<u8>().ok()));
        let start = PartialDate::new(y, month, day)
            .or_else(|| PartialDate::new(y, month, None))
            .unwrap_or(PartialDate::year(y));
        Some(FuzzyDate {
            start,
            end: None,
            circa,
        })
    } else {
        let from = year(b, "yearRangeFrom", notes);
        let to = year(b, "yearRangeTo", notes);
        match (from, to) {
            (Some(a), Some(z)) => Some(FuzzyDate {
                start: PartialDate::year(a.min(z)),
                end: Some(PartialDate::year(a.max(z))),
                circa,
            }),
            // An open range has no representation of its own; the known end is kept as an
            // approximate year so that matching still considers it.
            (Some(y), None) | (None, Some(y)) => {
                notes.warn(
                    b.offset,
                    format!("A birth year range open at one end ({y}) was kept as circa {y}."),
                );
                Some(FuzzyDate {
                    start: PartialDate::year(y),
                    end: None,
                    circa: true,
                })
            }
            (None, None) => None,
        }
    };
    if let Some(d) = date {
        Entity::push_unique(&mut e.birth_dates, d);
    }
    let country = b
        .attr("countryDescription")
        .filter(|d| !d.eq_ignore_ascii_case("UNKNOWN"));
    let place: Vec<&str> = [b.attr("place"), b.attr("city"), b.attr("region"), country]
        .into_iter()
        .flatten()
        .collect();
    if !place.is_empty() {
        Entity::push_unique(&mut e.birth_places, place.join(", "));
    }
    if let Some(c) = country_of(b, notes) {
        e.add_extra("birthCountry", c);
    }
}

fn identification(e: &mut Entity, n: &Node, notes: &mut Notes<'_>) {
    let Some(number) = n.attr("number").or_else(|| n.attr("latinNumber")) else {
        notes.warn(
            n.offset,
            "An identification without a number was ignored.".into(),
        );
        return;
    };
    let code = n.attr("identificationTypeCode").unwrap_or("other");
    let kind = match code.to_ascii_lowercase().as_str() {
        "passport" | "traveldoc" => IdKind::Passport,
        "id" | "ssn" | "birthcert" => IdKind::NationalId,
        "fiscalcode" | "tin" | "tax" => IdKind::Tax,
        "regnumber" | "swiftbic" | "other-business" => IdKind::Registration,
        "imo" => IdKind::Imo,
        _ => IdKind::Other,
    };
    let date = |attr: &str| {
        n.attr(attr)
            .and_then(PartialDate::parse_iso)
            .map(FuzzyDate::exact)
    };
    let mut note: Vec<String> = Vec::new();
    if let Some(by) = n.attr("issuedBy") {
        note.push(format!("Issued by {by}"));
    }
    if let Some(latin) = n.attr("latinNumber").filter(|l| *l != number) {
        note.push(format!("Latin number {latin}"));
    }
    for flag in [
        "diplomatic",
        "knownExpired",
        "knownFalse",
        "reportedLost",
        "revokedByIssuer",
    ] {
        if n.attr(flag).is_some_and(|v| v.eq_ignore_ascii_case("true")) {
            note.push(flag.to_string());
        }
    }
    for r in n.all("remark") {
        let t = r.text.trim();
        if !t.is_empty() {
            note.push(t.to_string());
        }
    }
    let id = Identification {
        kind,
        label: n
            .attr("identificationTypeDescription")
            .unwrap_or(code)
            .to_string(),
        number: number.to_string(),
        country: country_of(n, notes),
        issued: date("issueDate").or_else(|| date("validFrom")),
        expires: date("validTo").or_else(|| date("expiryDate")),
        note: (!note.is_empty()).then(|| note.join("; ")),
    };
    Entity::push_unique(&mut e.identifications, id);
}

fn address(e: &mut Entity, n: &Node, notes: &mut Notes<'_>) {
    let street: Vec<String> = [
        n.attr("street").map(str::to_string),
        n.attr("poBox").map(|p| format!("P.O. Box {p}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let a = Address {
        full: None,
        street: (!street.is_empty()).then(|| street.join(", ")),
        city: n
            .attr("city")
            .or_else(|| n.attr("place"))
            .map(str::to_string),
        region: n.attr("region").map(str::to_string),
        postal_code: n.attr("zipCode").map(str::to_string),
        country: country_of(n, notes),
    };
    if a != Address::default() {
        Entity::push_unique(&mut e.addresses, a);
    }
    for c in n.all("contactInfo") {
        let (Some(key), Some(value)) = (c.attr("key"), c.attr("value")) else {
            continue;
        };
        let field = match key.to_ascii_uppercase().as_str() {
            "PHONE" | "FAX" => &mut e.phones,
            "EMAIL" => &mut e.emails,
            "WEB" | "WEBSITE" => &mut e.websites,
            _ => {
                e.add_extra("notes", format!("{key}: {value}"));
                continue;
            }
        };
        for v in value
            .split([',', ';'])
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            Entity::push_unique(field, v.to_string());
        }
    }
}

fn sanction(node: &Node, notes: &mut Notes<'_>) -> Sanction {
    let mut s = Sanction {
        authority: "EU".to_string(),
        authority_id: node.attr("euReferenceNumber").map(str::to_string),
        reason: node.attr("designationDetails").map(str::to_string),
        ..Sanction::default()
    };
    let mut earliest: Option<PartialDate> = None;
    for r in node.all("regulation") {
        if let Some(p) = r.attr("programme") {
            Entity::push_unique(&mut s.programs, p.to_string());
        }
        if let Some(t) = r.attr("numberTitle") {
            Entity::push_unique(&mut s.provisions, t.to_string());
        }
        if let Some(d) = r.attr("publicationDate").and_then(PartialDate::parse_iso) {
            earliest = Some(earliest.map_or(d, |e| e.min(d)));
        }
    }
    let designated = match node.attr("designationDate") {
        Some(raw) => match PartialDate::parse_iso(raw) {
            Some(d) => Some(d),
            None => {
                notes.warn(
                    node.offset,
                    format!("Unreadable designationDate {raw:?}; it was ignored."),
                );
                None
            }
        },
        None => None,
    };
    s.listing_date = designated.or(earliest).map(FuzzyDate::exact);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(xml: &str) -> Result<Parsed, IngestError> {
        parse(&Input {
            name: "eu.xml",
            bytes: xml.as_bytes(),
        })
    }

    /// Parses one entity from `body` (the inside of a sanctionEntity) and checks a summary.
    fn check(body: &str, expected: &str) {
        let xml = format!(
            "<export generationDate=\"2024-05-01T10:00:00.000+02:00\">\
             <sanctionEntity logicalId=\"7\">{body}</sanctionEntity></export>"
        );
        let p = parse_str(&xml).expect("parses");
        let got = p.entities.first().map(summary).unwrap_or_default();
        assert_eq!(got, expected, "{body}");
    }

    fn summary(e: &Entity) -> String {
        let names: Vec<String> = e
            .names
            .iter()
            .map(|n| format!("{:?}:{}", n.kind, n.full))
            .collect();
        let dates: Vec<String> = e.birth_dates.iter().map(ToString::to_string).collect();
        format!(
            "{} {} [{}] [{}] {:?}",
            e.id,
            e.schema.name(),
            names.join("; "),
            dates.join("; "),
            e.citizenships
        )
    }

    #[test]
    fn maps_entries() {
        let person = "<subjectType code=\"person\"/>";
        check(
            &format!(
                "{person}<nameAlias wholeName=\"A B\" strong=\"true\"/>\
                 <nameAlias wholeName=\"C\"/><nameAlias wholeName=\"D\" strong=\"false\"/>"
            ),
            "eu:7 Person [Primary:A B; Alias:C; WeakAlias:D] [] []",
        );
        check(
            &format!(
                "{person}<nameAlias firstName=\"Ivan\" lastName=\"Petrov\"/>\
                 <birthdate year=\"1970\" circa=\"true\"/><birthdate yearRangeFrom=\"1958\" yearRangeTo=\"1960\"/>\
                 <birthdate birthdate=\"1965-04-25\"/><birthdate year=\"1971\" monthOfYear=\"2\"/>\
                 <citizenship countryIso2Code=\"RU\"/><citizenship countryIso2Code=\"00\"/>"
            ),
            "eu:7 Person [Primary:Ivan Petrov] [circa 1970; 1958 to 1960; 1965-04-25; 1971-02] [\"ru\"]",
        );
        check(
            "<subjectType code=\"enterprise\"/><nameAlias wholeName=\"X LLC\"/>",
            "eu:7 Organization [Primary:X LLC] [] []",
        );
        check("<subjectType code=\"person\"/>", "");
    }

    #[test]
    fn reports_bad_values_and_records() {
        let xml = "<export><sanctionEntity><nameAlias wholeName=\"A\"/></sanctionEntity>\
                   <sanctionEntity logicalId=\"2\"><subjectType code=\"person\"/>\
                   <nameAlias wholeName=\"B\"/><citizenship countryIso2Code=\"XX\"/>\
                   <birthdate year=\"19x0\"/></sanctionEntity></export>";
        let p = parse_str(xml).expect("parses");
        assert_eq!(p.entities.len(), 1);
        let sev: Vec<Severity> = p.diagnostics.iter().map(|d| d.severity).collect();
        assert_eq!(sev, [Severity::Error, Severity::Warning, Severity::Warning]);
        assert_eq!(p.publish_date, None);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = parse(&Input { name: "x", bytes: &bytes });
        }

        #[test]
        fn truncations_never_panic(cut in 0.0f64..1.0) {
            let full = include_str!("../test_data/eu/fsf_sample.xml");
            // Cutting at any byte, even inside a character, is part of the test.
            let end = ((full.len() as f64) * cut) as usize;
            let _ = parse(&Input { name: "x", bytes: &full.as_bytes()[..end] });
        }
    }
}
