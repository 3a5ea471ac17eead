//! UN Security Council consolidated list XML (`CONSOLIDATED_LIST`, schema `sc-sanctions.xsd`).
//!
//! Each `<INDIVIDUAL>` becomes a Person and each `<ENTITY>` an Organization, with the id
//! `un:<REFERENCE_NUMBER>`.
//!
//! Names: the UN gives a name as up to four fields (`FIRST_NAME` … `FOURTH_NAME`) whose roles
//! depend on the naming culture. The primary name is the four fields joined with single spaces in
//! source order, exactly as the UN prints it. Name parts are stored only where the roles are
//! unambiguous: on the DPRK list (`UN_LIST_TYPE` `DPRK`) `FIRST_NAME` is the family name and, when
//! it is the only other field, `SECOND_NAME` the given name (`RI` / `WON HO`); everywhere else
//! `FIRST_NAME` is kept as the given name and nothing else is assigned, because `SECOND_NAME` is
//! a father's name as often as a surname in Arabic, Afghan and Somali entries.
//!
//! Alias quality `Good`, empty or `a.k.a.` gives an alias, `Low` a weak alias and `f.k.a.` a
//! previous name. `NAME_ORIGINAL_SCRIPT` becomes an alias with its detected script.

use model::{
    Address, Entity, EntityId, FuzzyDate, Gender, IdKind, Identification, Name, NameKind,
    NameParts, PartialDate, Sanction, Schema, Severity, SourceKind,
};

use crate::xml_util::{self, Attrs, Collector, Ctx, Handler, clean, country_code};
use crate::{IngestError, Input, ListId, Parsed};

/// Parses one UN consolidated list XML file.
pub fn parse(input: &Input<'_>) -> Result<Parsed, IngestError> {
    let mut h = UnHandler::default();
    let (pre, outcome) = xml_util::read_records(
        input,
        &["CONSOLIDATED_LIST"],
        "a UN consolidated list (<CONSOLIDATED_LIST>)",
        &mut h,
    )?;
    let (entities, diagnostics) =
        xml_util::finish(input, pre, outcome, h.out.entities, "UN record")?;
    Ok(Parsed {
        entities,
        diagnostics,
        publish_date: h.publish_date,
        list: Some(ListId::Un),
        ..Parsed::default()
    })
}

#[derive(Default)]
struct UnHandler {
    out: Collector,
    publish_date: Option<PartialDate>,
    rec: Option<Record>,
}

#[derive(Default)]
struct Record {
    person: bool,
    reference: Option<String>,
    names: [Option<String>; 4],
    original_script: Vec<String>,
    list_type: Option<String>,
    listed_on: Option<String>,
    list_name: Option<String>,
    gender: Option<String>,
    comments: Option<String>,
    positions: Vec<String>,
    nationalities: Vec<String>,
    aliases: Vec<(NameKind, String)>,
    alias: Part,
    addresses: Vec<Address>,
    address: Part,
    birth_dates: Vec<FuzzyDate>,
    dob: Part,
    birth_places: Vec<String>,
    pob: Part,
    documents: Vec<Identification>,
    doc: Part,
    updated: Vec<String>,
    warnings: Vec<String>,
}

/// The fields of the repeated sub-element being read (an alias, an address, a date of birth …),
/// by element name; sub-elements are flat, so a small vector is enough.
#[derive(Default)]
struct Part(Vec<(String, String)>);

impl Part {
    fn set(&mut self, key: &str, value: String) {
        self.0.push((key.to_string(), value));
    }
    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
    fn take(&mut self) -> Part {
        std::mem::take(self)
    }
}

const SUBS: [&str; 10] = [
    "INDIVIDUAL_ALIAS",
    "ENTITY_ALIAS",
    "INDIVIDUAL_ADDRESS",
    "ENTITY_ADDRESS",
    "INDIVIDUAL_DATE_OF_BIRTH",
    "INDIVIDUAL_PLACE_OF_BIRTH",
    "INDIVIDUAL_DOCUMENT",
    "NATIONALITY",
    "DESIGNATION",
    "TITLE",
];

impl Handler for UnHandler {
    fn is_record(&self, name: &str) -> bool {
        name == "INDIVIDUAL" || name == "ENTITY"
    }

    fn record_start(&mut self, name: &str, _attrs: &Attrs<'_, '_>, _ctx: &mut Ctx<'_>) {
        self.rec = Some(Record {
            person: name == "INDIVIDUAL",
            ..Record::default()
        });
    }

    fn end(&mut self, path: &[String], text: &str, _ctx: &mut Ctx<'_>) {
        let Some(rec) = self.rec.as_mut() else {
            return;
        };
        match path {
            [_, field] => rec.field(field, text),
            [_, sub, field] => {
                if let Some(v) = clean(text) {
                    rec.sub_field(sub, field, v);
                }
            }
            _ => {}
        }
    }

    fn record_end(&mut self, ctx: &mut Ctx<'_>) {
        let Some(rec) = self.rec.take() else {
            return;
        };
        if let Some(e) = rec.into_entity(ctx) {
            self.out.push(e, ctx);
        }
    }

    fn record_abort(&mut self) {
        self.rec = None;
    }

    fn outer_start(&mut self, path: &[String], attrs: &Attrs<'_, '_>, _ctx: &mut Ctx<'_>) {
        if path.len() == 1 && path[0] == "CONSOLIDATED_LIST" {
            self.publish_date = attrs
                .get("dateGenerated")
                .and_then(|d| PartialDate::parse_iso(&d));
        }
    }
}

impl Record {
    fn field(&mut self, field: &str, text: &str) {
        if SUBS.contains(&field) {
            self.close_sub(field);
            return;
        }
        let Some(v) = clean(text) else {
            return;
        };
        match field {
            "FIRST_NAME" => self.names[0] = Some(v),
            "SECOND_NAME" => self.names[1] = Some(v),
            "THIRD_NAME" => self.names[2] = Some(v),
            "FOURTH_NAME" => self.names[3] = Some(v),
            "NAME_ORIGINAL_SCRIPT" => self.original_script.push(v),
            "REFERENCE_NUMBER" => self.reference = Some(v),
            "UN_LIST_TYPE" => self.list_type = Some(v),
            "LISTED_ON" => self.listed_on = Some(v),
            "GENDER" => self.gender = Some(v),
            "COMMENTS1" => self.comments = Some(v),
            _ => {}
        }
    }

    fn sub_field(&mut self, sub: &str, field: &str, v: String) {
        match (sub, field) {
            ("NATIONALITY", "VALUE") => {
                if let Some(c) = country_code(&v, "nationality", &mut self.warnings) {
                    Entity::push_unique(&mut self.nationalities, c);
                }
            }
            ("DESIGNATION" | "TITLE", "VALUE") => Entity::push_unique(&mut self.positions, v),
            ("LIST_TYPE", "VALUE") => self.list_name = Some(v),
            ("LAST_DAY_UPDATED", "VALUE") => self.updated.push(v),
            ("INDIVIDUAL_ALIAS" | "ENTITY_ALIAS", _) => self.alias.set(field, v),
            ("INDIVIDUAL_ADDRESS" | "ENTITY_ADDRESS", _) => self.address.set(field, v),
            ("INDIVIDUAL_DATE_OF_BIRTH", _) => self.dob.set(field, v),
            ("INDIVIDUAL_PLACE_OF_BIRTH", _) => self.pob.set(field, v),
            ("INDIVIDUAL_DOCUMENT", _) => self.doc.set(field, v),
            _ => {}
        }
    }

    fn close_sub(&mut self, sub: &str) {
        match sub {
            "INDIVIDUAL_ALIAS" | "ENTITY_ALIAS" => {
                let a = self.alias.take();
                let Some(name) = a.get("ALIAS_NAME") else {
                    return;
                };
                let kind = match a.get("QUALITY").map(str::to_ascii_lowercase).as_deref() {
                    Some("low") => NameKind::WeakAlias,
                    Some("f.k.a.") => NameKind::Previous,
                    _ => NameKind::Alias,
                };
                self.aliases.push((kind, name.to_string()));
                // Some aliases carry the birth details under which that name was used.
                if let Some(d) = a.get("DATE_OF_BIRTH") {
                    self.add_date(&xml_util::xsd_date(d), d);
                }
                let place = join(&[a.get("CITY_OF_BIRTH"), a.get("COUNTRY_OF_BIRTH")]);
                if let Some(p) = place {
                    Entity::push_unique(&mut self.birth_places, p);
                }
            }
            "INDIVIDUAL_ADDRESS" | "ENTITY_ADDRESS" => {
                let a = self.address.take();
                let country_raw = a.get("COUNTRY");
                let country =
                    country_raw.and_then(|c| country_code(c, "address", &mut self.warnings));
                let mut addr = Address {
                    street: a.get("STREET").map(str::to_string),
                    city: a.get("CITY").map(str::to_string),
                    region: a.get("STATE_PROVINCE").map(str::to_string),
                    postal_code: a.get("ZIP_CODE").map(str::to_string),
                    country: country.clone(),
                    full: None,
                };
                if country.is_none() {
                    // Keep a country we could not code in the one-line form rather than lose it.
                    if let Some(raw) = country_raw.filter(|r| !r.eq_ignore_ascii_case("na")) {
                        let mut line = addr.one_line();
                        if !line.is_empty() {
                            line.push_str(", ");
                        }
                        line.push_str(raw);
                        addr.full = Some(line);
                    }
                }
                if addr != Address::default() {
                    Entity::push_unique(&mut self.addresses, addr);
                }
            }
            "INDIVIDUAL_DATE_OF_BIRTH" => {
                let d = self.dob.take();
                let kind = d
                    .get("TYPE_OF_DATE")
                    .unwrap_or("EXACT")
                    .to_ascii_uppercase();
                let date = if let (Some(from), Some(to)) = (d.get("FROM_YEAR"), d.get("TO_YEAR")) {
                    let raw = format!("{from} to {to}");
                    (FuzzyDate::parse(&raw), raw)
                } else if let Some(raw) = d.get("DATE").or(d.get("YEAR")) {
                    (xml_util::xsd_date(raw), raw.to_string())
                } else {
                    return;
                };
                let parsed = date.0.map(|mut f| {
                    f.circa |= kind == "APPROXIMATELY";
                    f
                });
                self.add_date(&parsed, &date.1);
            }
            "INDIVIDUAL_PLACE_OF_BIRTH" => {
                let p = self.pob.take();
                let place = join(&[p.get("CITY"), p.get("STATE_PROVINCE"), p.get("COUNTRY")]);
                if let Some(place) = place {
                    Entity::push_unique(&mut self.birth_places, place);
                }
            }
            "INDIVIDUAL_DOCUMENT" => {
                let d = self.doc.take();
                let Some(number) = d.get("NUMBER") else {
                    return;
                };
                let label = d.get("TYPE_OF_DOCUMENT").unwrap_or("Document").to_string();
                let lower = label.to_lowercase();
                let kind = if lower.contains("passport")
                    || lower.contains("pasaporte")
                    || lower.contains("passeport")
                {
                    IdKind::Passport
                } else if lower.contains("national identification") {
                    IdKind::NationalId
                } else {
                    IdKind::Other
                };
                let country = d
                    .get("ISSUING_COUNTRY")
                    .or(d.get("COUNTRY_OF_ISSUE"))
                    .and_then(|c| country_code(c, "document", &mut self.warnings));
                let issued = d.get("DATE_OF_ISSUE").and_then(xml_util::xsd_date);
                let note = join(&[
                    d.get("TYPE_OF_DOCUMENT2"),
                    d.get("CITY_OF_ISSUE"),
                    d.get("NOTE"),
                ]);
                Entity::push_unique(
                    &mut self.documents,
                    Identification {
                        kind,
                        label,
                        number: number.to_string(),
                        country,
                        issued,
                        expires: None,
                        note,
                    },
                );
            }
            _ => {}
        }
    }

    fn add_date(&mut self, parsed: &Option<FuzzyDate>, raw: &str) {
        match parsed {
            Some(d) => Entity::push_unique(&mut self.birth_dates, d.clone()),
            None => self
                .warnings
                .push(format!("Birth date {raw:?} is not a date; dropped.")),
        }
    }

    fn into_entity(mut self, ctx: &mut Ctx<'_>) -> Option<Entity> {
        let Some(reference) = self.reference.clone() else {
            ctx.diag(
                Severity::Error,
                ctx.record_offset,
                "A UN record without REFERENCE_NUMBER was skipped.",
            );
            return None;
        };
        let id = match EntityId::new(SourceKind::Un, &reference) {
            Ok(id) => id,
            Err(e) => {
                ctx.record_diag(
                    Severity::Error,
                    &reference,
                    format!("Unusable reference number: {e}; record skipped."),
                );
                return None;
            }
        };
        let schema = if self.person {
            Schema::Person
        } else {
            Schema::Organization
        };
        let mut e = Entity::new(id, schema);
        let fields: Vec<&str> = self.names.iter().flatten().map(String::as_str).collect();
        if fields.is_empty() {
            self.warnings.push("The record has no name.".to_string());
        } else {
            let mut name = Name::new(fields.join(" "), NameKind::Primary);
            if self.person {
                name.parts = self.name_parts();
            }
            e.add_name(name);
        }
        for n in self.original_script.drain(..) {
            e.add_name(Name::new(n, NameKind::Alias));
        }
        for (kind, n) in self.aliases.drain(..) {
            e.add_name(Name::new(n, kind));
        }
        let listing_date = self.listed_on.as_deref().and_then(|d| {
            let parsed = xml_util::xsd_date(d);
            if parsed.is_none() {
                self.warnings
                    .push(format!("LISTED_ON {d:?} is not a date."));
            }
            parsed
        });
        e.sanctions.push(Sanction {
            authority: "UN Security Council".to_string(),
            list: self.list_name.take(),
            programs: self.list_type.clone().into_iter().collect(),
            listing_date,
            authority_id: Some(reference.clone()),
            reason: None,
            provisions: Vec::new(),
            remarks: self.comments.take(),
        });
        e.gender = self.gender.as_deref().and_then(Gender::parse);
        e.birth_dates = std::mem::take(&mut self.birth_dates);
        e.birth_places = std::mem::take(&mut self.birth_places);
        e.nationalities = std::mem::take(&mut self.nationalities);
        e.positions = std::mem::take(&mut self.positions);
        e.identifications = std::mem::take(&mut self.documents);
        e.addresses = std::mem::take(&mut self.addresses);
        for u in self.updated.drain(..) {
            e.add_extra("modifiedAt", u);
        }
        xml_util::flush_warnings(ctx, &reference, &mut self.warnings);
        Some(e)
    }

    /// The parts we can assign without guessing (see the module documentation).
    fn name_parts(&self) -> NameParts {
        let [first, second, third, fourth] = &self.names;
        if self.list_type.as_deref() == Some("DPRK") {
            let given = if third.is_none() && fourth.is_none() {
                second.clone()
            } else {
                None
            };
            NameParts {
                family: first.clone(),
                given,
                ..NameParts::default()
            }
        } else {
            NameParts {
                given: first.clone(),
                ..NameParts::default()
            }
        }
    }
}

/// The present values joined with ", ", or `None` when there are none.
fn join(parts: &[Option<&str>]) -> Option<String> {
    let v: Vec<&str> = parts.iter().flatten().copied().collect();
    (!v.is_empty()).then(|| v.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::Location;

    const FIXTURE: &str = include_str!("../test_data/un/small.xml");

    fn parse_str(s: &str) -> Result<Parsed, IngestError> {
        parse(&Input {
            name: "un.xml",
            bytes: s.as_bytes(),
        })
    }

    fn entity<'a>(p: &'a Parsed, id: &str) -> &'a Entity {
        p.entity(id).unwrap_or_else(|| panic!("{id} missing"))
    }

    #[test]
    fn maps_every_field_of_the_fixture() {
        let p = parse_str(FIXTURE).unwrap();
        assert_eq!(p.publish_date, PartialDate::parse_iso("2026-02-27"));
        let ids: Vec<&str> = p.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(
            ids,
            ["un:KPi.033", "un:QDi.001", "un:CDi.004", "un:KPe.001"]
        );

        let ri = entity(&p, "un:KPi.033");
        assert_eq!(ri.schema, Schema::Person);
        assert_eq!(ri.names[0].full, "RI WON HO");
        assert_eq!(ri.names[0].parts.family.as_deref(), Some("RI"));
        assert_eq!(ri.names[0].parts.given.as_deref(), Some("WON HO"));
        assert_eq!(ri.names[1].full, "리원호");
        assert_eq!(ri.names[1].script, Some(model::Script::Hangul));
        assert_eq!(ri.nationalities, ["kp"]);
        assert_eq!(ri.birth_dates[0].to_string(), "1964-07-17");
        assert_eq!(ri.identifications[0].kind, IdKind::Passport);
        assert_eq!(ri.identifications[0].number, "381310014");
        assert_eq!(ri.positions, ["DPRK Ministry of State Security Official"]);
        let s = &ri.sanctions[0];
        assert_eq!(s.authority, "UN Security Council");
        assert_eq!(s.programs, ["DPRK"]);
        assert_eq!(s.authority_id.as_deref(), Some("KPi.033"));
        assert_eq!(
            s.listing_date.as_ref().map(ToString::to_string).as_deref(),
            Some("2016-11-30")
        );
        assert!(
            s.remarks
                .as_deref()
                .unwrap_or("")
                .starts_with("Ri Won Ho is")
        );

        let q = entity(&p, "un:QDi.001");
        let names: Vec<(NameKind, &str)> =
            q.names.iter().map(|n| (n.kind, n.full.as_str())).collect();
        assert_eq!(
            names,
            [
                (NameKind::Primary, "ABDUL RAHMAN YASIN"),
                (NameKind::Alias, "عبد الرحمن ياسين"),
                (NameKind::Alias, "Abdul Rahman S. Taha"),
                (NameKind::WeakAlias, "Aboud"),
                (NameKind::Previous, "Abd al-Rahman Yasin"),
            ]
        );
        assert_eq!(q.names[0].parts.given.as_deref(), Some("ABDUL"));
        assert_eq!(q.names[0].parts.family, None);
        let dates: Vec<String> = q.birth_dates.iter().map(ToString::to_string).collect();
        assert_eq!(dates, ["1962-04-10", "circa 1960", "1958 to 1960"]);
        assert_eq!(
            q.birth_places,
            [
                "Baghdad, Iraq",
                "Bloomington, Indiana, United States of America"
            ]
        );
        assert_eq!(q.gender, Some(Gender::Male));
        assert_eq!(q.positions, ["Dr.", "Physician"]);
        assert_eq!(q.identifications[0].kind, IdKind::NationalId);
        assert_eq!(q.identifications[0].country.as_deref(), Some("iq"));
        assert_eq!(
            q.identifications[0]
                .issued
                .as_ref()
                .map(ToString::to_string)
                .as_deref(),
            Some("2001-05-02")
        );
        assert_eq!(
            q.identifications[0].note.as_deref(),
            Some("national identity card no., expires 2011")
        );
        assert_eq!(q.addresses[0].city.as_deref(), Some("Baghdad"));
        assert_eq!(q.addresses[0].country.as_deref(), Some("iq"));
        assert_eq!(q.nationalities, ["iq", "us"]);

        let org = entity(&p, "un:KPe.001");
        assert_eq!(org.schema, Schema::Organization);
        assert_eq!(
            org.caption(),
            "KOREA MINING DEVELOPMENT TRADING CORPORATION"
        );
        assert_eq!(org.names[1].full, "CHANGGWANG SINYONG CORPORATION & Co");
        assert_eq!(
            org.addresses[0].one_line(),
            "Central District, Pyongyang, kp"
        );
    }

    #[test]
    fn reports_unknown_countries_and_bad_dates() {
        let p = parse_str(FIXTURE).unwrap();
        let msgs: Vec<(&str, &str)> = p
            .diagnostics
            .iter()
            .map(|d| (d.record.as_deref().unwrap_or(""), d.message.as_str()))
            .collect();
        assert_eq!(
            msgs,
            [
                (
                    "CDi.004",
                    "Unknown nationality country \"Atlantis\"; kept out of the country fields."
                ),
                ("CDi.004", "Birth date \"sometime\" is not a date; dropped."),
            ]
        );
    }

    fn check_bad(input: &str, expected_ids: &[&str], expected_error_offsets: &[u64]) {
        let p = parse_str(input).unwrap();
        let ids: Vec<&str> = p.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, expected_ids, "{input}");
        let offsets: Vec<u64> = p
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| match d.location {
                Location::Byte(b) => b,
                _ => u64::MAX,
            })
            .collect();
        assert_eq!(offsets, expected_error_offsets, "{:#?}", p.diagnostics);
    }

    const HEAD: &str =
        "<CONSOLIDATED_LIST dateGenerated=\"2026-02-27T00:00:09.554Z\"><INDIVIDUALS>";
    const A: &str = "<INDIVIDUAL><FIRST_NAME>A</FIRST_NAME><REFERENCE_NUMBER>X.1</REFERENCE_NUMBER></INDIVIDUAL>";
    const B: &str = "<INDIVIDUAL><FIRST_NAME>B</FIRST_NAME><REFERENCE_NUMBER>X.2</REFERENCE_NUMBER></INDIVIDUAL>";
    const TAIL: &str = "</INDIVIDUALS></CONSOLIDATED_LIST>";

    #[test]
    fn recovers_from_bad_input() {
        // A record without a reference number is skipped at its own offset.
        let no_id = "<INDIVIDUAL><FIRST_NAME>C</FIRST_NAME></INDIVIDUAL>";
        check_bad(
            &format!("{HEAD}{A}{no_id}{B}{TAIL}"),
            &["un:X.1", "un:X.2"],
            &[(HEAD.len() + A.len()) as u64],
        );
        // A malformed tag drops its record and reading resumes at the next one.
        let broken = "<INDIVIDUAL><FIRST_NAME>C</FIRST_NAME><REFERENCE_NUMBER>X.3</REF<ERENCE_NUMBER></INDIVIDUAL>";
        let p = parse_str(&format!("{HEAD}{A}{broken}{B}{TAIL}")).unwrap();
        let ids: Vec<&str> = p.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["un:X.1", "un:X.2"]);
        assert_eq!(p.diagnostics.len(), 1);
        assert!(
            p.diagnostics[0].message.starts_with("Malformed XML"),
            "{:?}",
            p.diagnostics
        );
        // Truncation keeps the complete records and reports where the file broke.
        let whole = format!("{HEAD}{A}{B}{TAIL}");
        let cut = HEAD.len() + A.len() + 20;
        // The cut falls inside `<FIRST_N`, so the break is reported where that tag starts.
        check_bad(&whole[..cut], &["un:X.1"], &[(cut - 8) as u64]);
        // A cut between two elements is reported at the end of the data.
        let cut = HEAD.len() + A.len() + 12;
        check_bad(&whole[..cut], &["un:X.1"], &[cut as u64]);
        // A byte that is not UTF-8 costs the record that holds it, with an error at its
        // offset; the records around it keep their text (nothing is re-decoded).
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(format!("{HEAD}{A}<INDIVIDUAL><FIRST_NAME>").as_bytes());
        let bad_at = bytes.len() + 3;
        bytes.extend_from_slice(b"JOS\xC9");
        bytes.extend_from_slice(
            format!("</FIRST_NAME><REFERENCE_NUMBER>X.9</REFERENCE_NUMBER></INDIVIDUAL>{B}{TAIL}")
                .as_bytes(),
        );
        let p = parse(&Input {
            name: "un.xml",
            bytes: &bytes,
        })
        .unwrap();
        let ids: Vec<&str> = p.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["un:X.1", "un:X.2"]);
        assert_eq!(p.diagnostics.len(), 1);
        assert_eq!(p.diagnostics[0].severity, Severity::Error);
        assert_eq!(
            p.diagnostics[0].location,
            model::Location::Byte(bad_at as u64)
        );
        // A file that declares Latin-1 is decoded as such.
        let declared = format!(
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>{HEAD}<INDIVIDUAL><FIRST_NAME>"
        );
        let mut bytes = declared.into_bytes();
        bytes.extend_from_slice(b"JOS\xC9");
        bytes.extend_from_slice(
            format!("</FIRST_NAME><REFERENCE_NUMBER>X.9</REFERENCE_NUMBER></INDIVIDUAL>{TAIL}")
                .as_bytes(),
        );
        let p = parse(&Input {
            name: "un.xml",
            bytes: &bytes,
        })
        .unwrap();
        assert_eq!(p.entities[0].caption(), "JOSÉ");
        assert_eq!(p.diagnostics[0].severity, Severity::Warning);
        // Unknown elements are ignored silently; entities and CDATA are decoded.
        let odd = format!(
            "{HEAD}<INDIVIDUAL><NEW_THING><X>1</X></NEW_THING><FIRST_NAME>A &amp; B <![CDATA[<C>]]> &#68;</FIRST_NAME><REFERENCE_NUMBER>X.5</REFERENCE_NUMBER></INDIVIDUAL>{TAIL}"
        );
        let p = parse_str(&odd).unwrap();
        assert_eq!(p.entities[0].caption(), "A & B <C> D");
        assert!(p.diagnostics.is_empty());
    }

    #[test]
    fn rejects_unusable_files() {
        for input in [
            "",
            "   ",
            "<sdnList></sdnList>",
            "not xml",
            &format!("{HEAD}<INDIVIDUAL><FIRST_NAME>A"),
        ] {
            assert!(parse_str(input).is_err(), "{input:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_bytes(b in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = parse(&Input { name: "x", bytes: &b });
        }

        #[test]
        fn never_panics_on_truncation(cut in 0usize..FIXTURE.len()) {
            let _ = parse(&Input { name: "x", bytes: &FIXTURE.as_bytes()[..cut] });
        }

        #[test]
        fn never_panics_on_corruption(at in 0usize..FIXTURE.len(), b in proptest::num::u8::ANY) {
            let mut bytes = FIXTURE.as_bytes().to_vec();
            bytes[at] = b;
            let _ = parse(&Input { name: "x", bytes: &bytes });
        }
    }
}
