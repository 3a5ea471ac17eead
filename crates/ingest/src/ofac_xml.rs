//! OFAC classic `SDN.XML` / `CONS_PRIM.XML` (`sdnList`, namespace `http://tempuri.org/sdnList.xsd`
//! or the newer `…/PublicationPreview/exports/XML`).
//!
//! Each `<sdnEntry>` becomes one entity with the id `ofac:<uid>` (the uid equals the CSV
//! `ent_num`). The classic format does not name the list it carries, and file names are not
//! trusted, so the list is read from the programs: an entry whose every program is one of
//! OFAC's non-SDN programs (`NS-PLC`, `CMIC-…`, `FSE-…`) cannot be on the SDN list, so a file
//! with such entries is the consolidated list (`ofac-cons:<uid>`); otherwise it is the SDN list.
//! `Record_Count` is kept as the declared count the store checks the entries against.
//!
//! Most of what the CSV files hide in the remarks column is structured here (`idList`,
//! `dateOfBirthList`, …). OFAC also files non-document facts as `idList` entries (`Email
//! Address`, `Website`, `Gender`, `Secondary sanctions risk:`, `Digital Currency Address - XBT`);
//! those go to their own fields. The remaining free text of `remarks` is kept verbatim in
//! [`model::Sanction::remarks`].

use model::{
    Address, Entity, EntityId, FuzzyDate, Gender, IdKind, Identification, Name, NameKind,
    NameParts, PartialDate, Relation, RelationKind, Sanction, Schema, Severity, SourceKind, Wallet,
};

use crate::xml_util::{self, Attrs, Collector, Ctx, Handler, clean, country_code};
use crate::{IngestError, Input, ListId, Parsed};

/// Parses one classic OFAC XML file.
pub fn parse(input: &Input<'_>) -> Result<Parsed, IngestError> {
    let mut h = SdnHandler::default();
    let (pre, outcome) = xml_util::read_records(
        input,
        &["sdnList"],
        "an OFAC SDN.XML file (<sdnList>)",
        &mut h,
    )?;
    let (mut entities, diagnostics) =
        xml_util::finish(input, pre, outcome, h.out.entities, "sdnEntry")?;
    let list = if h.non_sdn > 0 {
        crate::recode_ofac(&mut entities, ListId::OfacCons);
        for e in &mut entities {
            for s in &mut e.sanctions {
                s.list = Some(crate::ofac_csv::list_name(ListId::OfacCons, &s.programs).into());
            }
        }
        ListId::OfacCons
    } else {
        ListId::OfacSdn
    };
    let record_count = Some(entities.len() as u64);
    Ok(Parsed {
        entities,
        diagnostics,
        publish_date: h.publish_date,
        list: Some(list),
        declared_count: h.declared_count,
        record_count,
        ..Parsed::default()
    })
}

/// Whether a program is one of OFAC's non-SDN programs: an entry with only such programs is on
/// the consolidated list, never on the SDN list.
fn non_sdn_program(p: &str) -> bool {
    p == "NS-PLC" || p.starts_with("CMIC") || p.starts_with("FSE-") || p.starts_with("NS-MBS")
}

#[derive(Default)]
struct SdnHandler {
    out: Collector,
    publish_date: Option<PartialDate>,
    /// `Record_Count` from the header.
    declared_count: Option<u64>,
    /// Entries whose every program is a non-SDN program.
    non_sdn: u64,
    rec: Option<Record>,
}

#[derive(Default)]
struct Record {
    fields: Vec<(String, String)>,
    programs: Vec<String>,
    item: Vec<(String, String)>,
    entity: Option<Entity>,
    provisions: Vec<String>,
    warnings: Vec<String>,
}

impl Record {
    fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl Handler for SdnHandler {
    fn is_record(&self, name: &str) -> bool {
        name == "sdnEntry"
    }

    fn record_start(&mut self, _name: &str, _attrs: &Attrs<'_, '_>, _ctx: &mut Ctx<'_>) {
        self.rec = Some(Record::default());
    }

    fn end(&mut self, path: &[String], text: &str, _ctx: &mut Ctx<'_>) {
        let Some(rec) = self.rec.as_mut() else {
            return;
        };
        match path {
            [_, field] => {
                if let Some(v) = clean(text) {
                    rec.fields.push((field.clone(), v));
                }
            }
            [_, list, item] if list == "programList" && item == "program" => {
                if let Some(v) = clean(text) {
                    Entity::push_unique(&mut rec.programs, v);
                }
            }
            [_, list, field] if list == "vesselInfo" => {
                if let Some(v) = clean(text) {
                    rec.fields.push((format!("vessel.{field}"), v));
                }
            }
            [_, _, item] => {
                // A list item is complete; it is applied once the entry's own fields are known.
                let fields = std::mem::take(&mut rec.item);
                rec.fields.push((format!("#{item}"), String::new()));
                for (k, v) in fields {
                    rec.fields.push((format!("{item}.{k}"), v));
                }
            }
            [_, _, _, field] => {
                if let Some(v) = clean(text) {
                    rec.item.push((field.clone(), v));
                }
            }
            _ => {}
        }
    }

    fn record_end(&mut self, ctx: &mut Ctx<'_>) {
        let Some(rec) = self.rec.take() else {
            return;
        };
        if !rec.programs.is_empty() && rec.programs.iter().all(|p| non_sdn_program(p)) {
            self.non_sdn += 1;
        }
        if let Some(e) = build(rec, ctx) {
            self.out.push(e, ctx);
        }
    }

    fn record_abort(&mut self) {
        self.rec = None;
    }

    fn outer_end(&mut self, path: &[String], text: &str, ctx: &mut Ctx<'_>) {
        if path.last().map(String::as_str) == Some("Record_Count") {
            self.declared_count = clean(text).and_then(|t| t.parse().ok());
        }
        if path.last().map(String::as_str) == Some("Publish_Date") {
            self.publish_date = clean(text).and_then(|t| {
                let d = us_date(&t);
                if d.is_none() {
                    ctx.diag(
                        Severity::Warning,
                        0,
                        format!("Publish_Date {t:?} is not a MM/DD/YYYY date."),
                    );
                }
                d
            });
        }
    }
}

/// Parses OFAC's `MM/DD/YYYY` publication date.
fn us_date(s: &str) -> Option<PartialDate> {
    let mut it = s.trim().split('/');
    let m = it.next()?.parse::<u8>().ok()?;
    let d = it.next()?.parse::<u8>().ok()?;
    let y = it.next()?.parse::<i32>().ok()?;
    if it.next().is_some() {
        return None;
    }
    PartialDate::new(y, Some(m), Some(d))
}

fn build(mut rec: Record, ctx: &mut Ctx<'_>) -> Option<Entity> {
    let Some(uid) = rec.get("uid").map(str::to_string) else {
        ctx.diag(
            Severity::Error,
            ctx.record_offset,
            "An sdnEntry without uid was skipped.",
        );
        return None;
    };
    let id = match EntityId::new(SourceKind::Ofac, &uid) {
        Ok(id) => id,
        Err(e) => {
            ctx.record_diag(
                Severity::Error,
                &uid,
                format!("Unusable uid: {e}; record skipped."),
            );
            return None;
        }
    };
    let sdn_type = rec.get("sdnType").unwrap_or("Entity").to_string();
    let schema = match sdn_type.as_str() {
        "Individual" => Schema::Person,
        "Vessel" => Schema::Vessel,
        "Aircraft" => Schema::Airplane,
        "Entity" => Schema::Organization,
        other => {
            rec.warnings.push(format!(
                "Unknown sdnType {other:?}; read as an organisation."
            ));
            Schema::Organization
        }
    };
    let person = schema == Schema::Person;
    let mut e = Entity::new(id.clone(), schema);
    match ofac_name(
        rec.get("firstName"),
        rec.get("lastName"),
        person,
        NameKind::Primary,
    ) {
        Some(n) => e.add_name(n),
        None => rec.warnings.push("The entry has no name.".to_string()),
    }
    if let Some(t) = rec.get("title") {
        e.positions.push(t.to_string());
    }
    rec.entity = Some(e);
    let fields = std::mem::take(&mut rec.fields);
    let mut i = 0;
    while i < fields.len() {
        let (k, _) = &fields[i];
        if let Some(item) = k.strip_prefix('#') {
            // Gather this item's fields, which follow its marker.
            let prefix = format!("{item}.");
            let mut j = i + 1;
            rec.item.clear();
            while j < fields.len() && fields[j].0.starts_with(&prefix) {
                rec.item
                    .push((fields[j].0[prefix.len()..].to_string(), fields[j].1.clone()));
                j += 1;
            }
            apply_item(&mut rec, item, person);
            i = j;
        } else {
            i += 1;
        }
    }
    let mut e = rec.entity.take()?;
    // Vessel details.
    let vessel = |k: &str| {
        fields
            .iter()
            .find(|(f, _)| f == &format!("vessel.{k}"))
            .map(|(_, v)| v.clone())
    };
    if let Some(v) = vessel("callSign") {
        e.add_extra("callSign", v);
    }
    if let Some(v) = vessel("vesselType") {
        e.add_extra("type", v);
    }
    if let Some(c) =
        vessel("vesselFlag").and_then(|v| country_code(&v, "vessel flag", &mut rec.warnings))
    {
        e.add_extra("flag", c.clone());
        Entity::push_unique(&mut e.countries, c);
    }
    if let Some(v) = vessel("tonnage") {
        e.add_extra("tonnage", v);
    }
    if let Some(v) = vessel("grossRegisteredTonnage") {
        e.add_extra("grossRegisteredTonnage", v);
    }
    if let Some(v) = vessel("vesselOwner") {
        e.relations.push(Relation {
            kind: RelationKind::OwnedBy,
            target_id: None,
            target_name: Some(v),
            note: Some("vessel owner".to_string()),
        });
    }
    e.sanctions.push(Sanction {
        authority: "OFAC".to_string(),
        list: Some("SDN".to_string()),
        programs: std::mem::take(&mut rec.programs),
        listing_date: None,
        authority_id: Some(uid.clone()),
        reason: None,
        provisions: std::mem::take(&mut rec.provisions),
        remarks: fields
            .iter()
            .find(|(k, _)| k == "remarks")
            .map(|(_, v)| v.clone()),
    });
    xml_util::flush_warnings(ctx, id.as_str(), &mut rec.warnings);
    Some(e)
}

/// The name as OFAC prints it: `LAST, First` for people, the last name alone otherwise.
fn ofac_name(
    first: Option<&str>,
    last: Option<&str>,
    person: bool,
    kind: NameKind,
) -> Option<Name> {
    let full = match (first, last) {
        (Some(f), Some(l)) => format!("{l}, {f}"),
        (None, Some(x)) | (Some(x), None) => x.to_string(),
        (None, None) => return None,
    };
    let mut name = Name::new(full, kind);
    if person {
        name.parts = NameParts {
            given: first.map(str::to_string),
            family: last.map(str::to_string),
            ..NameParts::default()
        };
    }
    Some(name)
}

fn apply_item(rec: &mut Record, item: &str, person: bool) {
    let items = &rec.item;
    let get = |k: &str| items.iter().find(|(f, _)| f == k).map(|(_, v)| v.clone());
    let Some(e) = rec.entity.as_mut() else {
        return;
    };
    let warnings = &mut rec.warnings;
    match item {
        "aka" => {
            let kind = match (
                get("category")
                    .unwrap_or_default()
                    .to_ascii_lowercase()
                    .as_str(),
                get("type")
                    .unwrap_or_default()
                    .to_ascii_lowercase()
                    .as_str(),
            ) {
                ("weak", _) => NameKind::WeakAlias,
                (_, "f.k.a.") => NameKind::Previous,
                (_, "n.k.a.") => NameKind::Now,
                _ => NameKind::Alias,
            };
            if let Some(n) = ofac_name(
                get("firstName").as_deref(),
                get("lastName").as_deref(),
                person,
                kind,
            ) {
                e.add_name(n);
            }
        }
        "address" => {
            let street = [get("address1"), get("address2"), get("address3")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
            let country_raw = get("country");
            let country = country_raw
                .as_deref()
                .and_then(|c| country_code(c, "address", warnings));
            let mut a = Address {
                street: (!street.is_empty()).then_some(street),
                city: get("city"),
                region: get("stateOrProvince"),
                postal_code: get("postalCode"),
                country: country.clone(),
                full: None,
            };
            if let (None, Some(raw)) = (&country, country_raw) {
                let line = a.one_line();
                a.full = Some(if line.is_empty() {
                    raw
                } else {
                    format!("{line}, {raw}")
                });
            }
            if a != Address::default() {
                Entity::push_unique(&mut e.addresses, a);
            }
        }
        "nationality" | "citizenship" => {
            if let Some(c) = get("country").and_then(|c| country_code(&c, item, warnings)) {
                let field = if item == "nationality" {
                    &mut e.nationalities
                } else {
                    &mut e.citizenships
                };
                Entity::push_unique(field, c);
            }
        }
        "dateOfBirthItem" => {
            if let Some(raw) = get("dateOfBirth") {
                match FuzzyDate::parse(&raw) {
                    Some(d) => Entity::push_unique(&mut e.birth_dates, d),
                    None => warnings.push(format!("Date of birth {raw:?} is not a date; dropped.")),
                }
            }
        }
        "placeOfBirthItem" => {
            if let Some(p) = get("placeOfBirth") {
                Entity::push_unique(&mut e.birth_places, p);
            }
        }
        "id" => {
            if let Some(p) = apply_id(e, items, warnings) {
                Entity::push_unique(&mut rec.provisions, p);
            }
        }
        _ => {}
    }
}

/// Applies one `idList/id` item: a document, or one of the facts OFAC files as an id. Returns
/// the sanction scope note the item carries, if it is one.
fn apply_id(
    e: &mut Entity,
    item: &[(String, String)],
    warnings: &mut Vec<String>,
) -> Option<String> {
    let get = |k: &str| item.iter().find(|(f, _)| f == k).map(|(_, v)| v.clone());
    let (Some(label), Some(number)) = (get("idType"), get("idNumber")) else {
        return None;
    };
    if let Some(currency) = label.strip_prefix("Digital Currency Address - ") {
        Entity::push_unique(
            &mut e.wallets,
            Wallet {
                currency: currency.trim().to_string(),
                address: number,
            },
        );
        return None;
    }
    match label.as_str() {
        "Email Address" => {
            Entity::push_unique(&mut e.emails, number);
            return None;
        }
        "Website" => {
            Entity::push_unique(&mut e.websites, number);
            return None;
        }
        "Phone Number" => {
            Entity::push_unique(&mut e.phones, number);
            return None;
        }
        "Gender" => {
            e.gender = Gender::parse(&number);
            return None;
        }
        _ => {}
    }
    if label.ends_with(':') || label.ends_with(" -") {
        // Sanction scope notes ("Secondary sanctions risk:", "Additional Sanctions Information -")
        // belong to the designation; they are attached to it with their label.
        let label = label.trim_end_matches([':', '-', ' ']);
        return Some(format!("{label}: {number}"));
    }
    let country = get("idCountry").and_then(|c| country_code(&c, "document", warnings));
    let date = |k: &str, warnings: &mut Vec<String>| {
        get(k).and_then(|raw| {
            let d = FuzzyDate::parse(&raw);
            if d.is_none() {
                warnings.push(format!("{k} {raw:?} is not a date; dropped."));
            }
            d
        })
    };
    let issued = date("issueDate", warnings);
    let expires = date("expirationDate", warnings);
    Entity::push_unique(
        &mut e.identifications,
        Identification {
            kind: id_kind(&label),
            label,
            number,
            country,
            issued,
            expires,
            note: None,
        },
    );
    None
}

/// The kind of an OFAC document label (`Passport`, `Cedula No.`, `Tax ID No.`, …).
pub(crate) fn id_kind(label: &str) -> IdKind {
    let l = label.to_ascii_lowercase();
    let words: Vec<&str> = l
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    if has("passport") {
        IdKind::Passport
    } else if l.contains("vessel registration") || has("imo") {
        IdKind::Imo
    } else if has("aircraft") {
        IdKind::Aircraft
    } else if has("tax")
        || has("nit")
        || has("inn")
        || has("rfc")
        || l.contains("r.f.c")
        || has("ssn")
    {
        IdKind::Tax
    } else if l.contains("national id")
        || has("cedula")
        || l.contains("identification number")
        || l.contains("identity card")
        || l.contains("personal id")
        || has("dni")
        || l.contains("c.u.r.p")
    {
        IdKind::NationalId
    } else if has("registration") || has("business") || l.contains("company number") {
        IdKind::Registration
    } else {
        IdKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::Location;

    const FIXTURE: &str = include_str!("../test_data/ofac_xml/sdn_small.xml");

    fn parse_str(s: &str) -> Result<Parsed, IngestError> {
        parse(&Input {
            name: "sdn.xml",
            bytes: s.as_bytes(),
        })
    }

    fn entity<'a>(p: &'a Parsed, id: &str) -> &'a Entity {
        p.entity(id).unwrap_or_else(|| panic!("{id} missing"))
    }

    fn names(e: &Entity) -> Vec<(NameKind, &str)> {
        e.names.iter().map(|n| (n.kind, n.full.as_str())).collect()
    }

    #[test]
    fn maps_every_element_of_the_fixture() {
        let p = parse_str(FIXTURE).unwrap();
        assert_eq!(p.publish_date, PartialDate::new(2024, Some(5), Some(3)));
        let ids: Vec<&str> = p.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "ofac:36",
                "ofac:7154",
                "ofac:43377",
                "ofac:9647",
                "ofac:15036",
                "ofac:50001"
            ]
        );
        assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);

        let aero = entity(&p, "ofac:36");
        assert_eq!(aero.schema, Schema::Organization);
        assert_eq!(
            names(aero),
            [
                (NameKind::Primary, "AEROCARIBBEAN AIRLINES"),
                (NameKind::Alias, "AERO-CARIBBEAN")
            ]
        );
        assert_eq!(aero.addresses[0].one_line(), "Havana, cu");
        assert_eq!(aero.programs(), ["CUBA"]);

        let kim = entity(&p, "ofac:43377");
        assert_eq!(kim.schema, Schema::Person);
        assert_eq!(
            names(kim),
            [
                (NameKind::Primary, "KIM, Sang Man"),
                (NameKind::Alias, "KIM, Sang-man"),
                (NameKind::WeakAlias, "KIM, Sangman"),
            ]
        );
        assert_eq!(kim.names[0].parts.family.as_deref(), Some("KIM"));
        assert_eq!(kim.names[0].parts.given.as_deref(), Some("Sang Man"));
        let dobs: Vec<String> = kim.birth_dates.iter().map(ToString::to_string).collect();
        assert_eq!(dobs, ["1958-10-22", "circa 1960", "1962 to 1964"]);
        assert_eq!(kim.birth_places, ["Pyongyang, Korea, North"]);
        assert_eq!(kim.nationalities, ["kp"]);
        assert_eq!(kim.citizenships, ["kp"]);
        assert_eq!(kim.gender, Some(Gender::Male));
        assert_eq!(kim.positions, ["Director"]);
        let doc = &kim.identifications[0];
        assert_eq!(
            (doc.kind, doc.label.as_str(), doc.number.as_str()),
            (IdKind::Passport, "Passport", "108410104")
        );
        assert_eq!(doc.country.as_deref(), Some("kp"));
        assert_eq!(
            doc.issued.as_ref().map(ToString::to_string).as_deref(),
            Some("2018-06-04")
        );
        assert_eq!(
            doc.expires.as_ref().map(ToString::to_string).as_deref(),
            Some("2023-06-04")
        );
        assert_eq!(
            kim.wallets,
            [Wallet {
                currency: "XBT".into(),
                address: "1HmqvgSXUVES1jn4TQPzk9dxo1NE8wim2T".into()
            }]
        );
        assert_eq!(kim.emails, ["kim.sm@example.com"]);
        assert_eq!(
            kim.sanctions[0].provisions,
            [
                "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210"
            ]
        );
        assert_eq!(kim.programs(), ["DPRK3", "DPRK4"]);
        assert_eq!(
            kim.sanctions[0].remarks.as_deref(),
            Some("Linked To: CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY.")
        );

        let fka = entity(&p, "ofac:9647");
        assert_eq!(
            names(fka),
            [
                (NameKind::Primary, "BANCO NACIONAL DE CUBA"),
                (NameKind::Previous, "BANCO DE CUBA"),
                (NameKind::Now, "BNC S.A."),
            ]
        );
        assert_eq!(fka.identifications[0].kind, IdKind::Registration);

        let ship = entity(&p, "ofac:15036");
        assert_eq!(ship.schema, Schema::Vessel);
        assert_eq!(ship.extra["callSign"], ["9HA2345"]);
        assert_eq!(ship.extra["flag"], ["ir"]);
        assert_eq!(ship.extra["grossRegisteredTonnage"], ["25000"]);
        assert_eq!(ship.identifications[0].kind, IdKind::Imo);
        assert_eq!(
            ship.relations[0].target_name.as_deref(),
            Some("NATIONAL IRANIAN TANKER COMPANY")
        );

        let plane = entity(&p, "ofac:50001");
        assert_eq!(plane.schema, Schema::Airplane);
        assert_eq!(plane.identifications[0].kind, IdKind::Aircraft);
    }

    #[test]
    fn reads_both_namespaces() {
        let new_ns = FIXTURE.replace(
            "http://tempuri.org/sdnList.xsd",
            "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML",
        );
        assert_eq!(parse_str(&new_ns).unwrap().entities.len(), 6);
    }

    const HEAD: &str = "<sdnList xmlns=\"http://tempuri.org/sdnList.xsd\"><publshInformation><Publish_Date>10/29/2020</Publish_Date></publshInformation>";
    const A: &str =
        "<sdnEntry><uid>1</uid><lastName>A</lastName><sdnType>Entity</sdnType></sdnEntry>";
    const B: &str =
        "<sdnEntry><uid>2</uid><lastName>B</lastName><sdnType>Entity</sdnType></sdnEntry>";

    fn check(input: &str, ids: &[&str], errors: &[u64]) {
        let p = parse_str(input).unwrap();
        let got: Vec<&str> = p.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(got, ids, "{input}");
        let offs: Vec<u64> = p
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| match d.location {
                Location::Byte(b) => b,
                _ => u64::MAX,
            })
            .collect();
        assert_eq!(offs, errors, "{:#?}", p.diagnostics);
    }

    #[test]
    fn recovers_from_bad_input() {
        let no_uid = "<sdnEntry><lastName>C</lastName></sdnEntry>";
        check(
            &format!("{HEAD}{A}{no_uid}{B}</sdnList>"),
            &["ofac:1", "ofac:2"],
            &[(HEAD.len() + A.len()) as u64],
        );
        let bad = "<sdnEntry><uid>3</uid><lastName>C</last Name></sdnEntry>";
        let p = parse_str(&format!("{HEAD}{A}{bad}{B}</sdnList>")).unwrap();
        assert_eq!(p.entities.len(), 2);
        assert!(p.diagnostics[0].message.starts_with("Malformed XML"));
        let cut = HEAD.len() + A.len() + 15;
        check(
            &format!("{HEAD}{A}{B}</sdnList>")[..cut],
            &["ofac:1"],
            &[cut as u64],
        );
        let dup = format!("{HEAD}{A}{A}</sdnList>");
        let p = parse_str(&dup).unwrap();
        assert_eq!(p.entities.len(), 1);
        assert_eq!(p.diagnostics[0].severity, Severity::Warning);
    }

    #[test]
    fn rejects_unusable_files() {
        for input in [
            "",
            "<CONSOLIDATED_LIST/>",
            "{}",
            &format!("{HEAD}<sdnEntry><uid>1</uid>"),
        ] {
            assert!(parse_str(input).is_err(), "{input:?}");
        }
    }

    #[test]
    fn reads_us_dates() {
        assert_eq!(
            us_date("10/29/2020"),
            PartialDate::new(2020, Some(10), Some(29))
        );
        assert_eq!(us_date("29/10/2020"), None);
        assert_eq!(us_date("2020-10-29"), None);
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
