//! OFAC `SDN_ENHANCED.XML` / `CONS_ENHANCED.XML` (`sanctionsData`, namespace
//! `https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML`).
//!
//! Which list a file carries is read from its header, never from the file name: the
//! `publicationInfo/filters/sanctionsLists/sanctionsList` elements name the lists the export was
//! filtered to. A file filtered to `SDN List` (or not filtered) is the SDN list, with ids
//! `ofac:<entity id>`; a file filtered only to other lists (`Consolidated List`, …) is the
//! consolidated list, with ids `ofac-cons:<entity id>` and [`Parsed::list`] set to
//! [`ListId::OfacCons`]. The header precedes the entities, so ids are final when each entity is
//! built.
//!
//! Country references (`refId`) are resolved through the `referenceValues` table at the top of
//! the file, which is kept in a small map; everything else is read record by record.

use std::collections::HashMap;

use model::{
    Address, Entity, EntityId, FuzzyDate, Gender, Identification, Name, NameKind, NameParts,
    PartialDate, Relation, RelationKind, Sanction, Schema, Script, Severity, SourceKind, Wallet,
};

use crate::xml_util::{self, Attrs, Collector, Ctx, Handler, clean, country_code};
use crate::{IngestError, Input, ListId, Parsed};

/// Parses one Enhanced XML file.
pub fn parse(input: &Input<'_>) -> Result<Parsed, IngestError> {
    let mut h = EnhancedHandler::default();
    let (pre, outcome) = xml_util::read_records(
        input,
        &["sanctionsData"],
        "an OFAC Enhanced XML file (<sanctionsData>)",
        &mut h,
    )?;
    let list = h.source();
    let filters = h.filters_stated();
    let (entities, diagnostics) = xml_util::finish(input, pre, outcome, h.out.entities, "entity")?;
    Ok(Parsed {
        filters,
        entities,
        diagnostics,
        publish_date: h.publish_date,
        list: Some(if list == SourceKind::OfacCons {
            ListId::OfacCons
        } else {
            ListId::OfacSdn
        }),
        ..Parsed::default()
    })
}

#[derive(Default)]
struct EnhancedHandler {
    out: Collector,
    publish_date: Option<PartialDate>,
    /// The lists named in the header's filters.
    filters: Vec<String>,
    /// Every other filter of the header (`sanctionsPrograms: IRGC`): the export holds only
    /// part of the lists it names.
    narrowing: Vec<String>,
    /// Country reference values: refId → alpha-2.
    countries: HashMap<String, String>,
    /// The reference value being read: refId, type, iso code.
    ref_value: (Option<String>, Option<String>, Option<String>),
    rec: Option<Record>,
}

impl EnhancedHandler {
    /// The filters that make the export a part of a list rather than a whole list: any filter
    /// other than the list selection, and a list selection naming more than one list (the SDN
    /// list mixed with non-SDN lists is neither list).
    fn filters_stated(&self) -> Vec<String> {
        let mut out = Vec::new();
        let lists: Vec<&String> = self
            .filters
            .iter()
            .filter(|f| f.as_str() != "Consolidated List")
            .collect();
        if lists.len() > 1 && lists.iter().any(|f| f.as_str() == "SDN List") {
            let names: Vec<&str> = lists.iter().map(|s| s.as_str()).collect();
            out.push(format!("sanctionsLists: {}", names.join(", ")));
        }
        out.extend(self.narrowing.iter().cloned());
        out
    }

    fn source(&self) -> SourceKind {
        if self.filters.is_empty() || self.filters.iter().any(|f| f == "SDN List") {
            SourceKind::Ofac
        } else {
            SourceKind::OfacCons
        }
    }
}

/// A flat bag of the leaf values of one sub-element, by element name.
#[derive(Default, Clone)]
pub(crate) struct Bag(Vec<(String, String)>);

impl Bag {
    pub(crate) fn get(&self, k: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| f == k).map(|(_, v)| v.as_str())
    }
    pub(crate) fn set(&mut self, k: &str, v: String) {
        self.0.push((k.to_string(), v));
    }
    pub(crate) fn flag(&self, k: &str) -> bool {
        self.get(k) == Some("true")
    }
}

#[derive(Default)]
struct Record {
    entity_id: Option<String>,
    entity_type: Option<String>,
    remarks: Option<String>,
    lists: Vec<(String, Option<String>)>,
    list_date: Option<String>,
    programs: Vec<String>,
    types: Vec<String>,
    authorities: Vec<String>,
    names: Vec<Name>,
    name: Bag,
    translation: Bag,
    trans_parts: NameParts,
    name_part: Bag,
    pending: Vec<(Bag, NameParts)>,
    address: Bag,
    address_country: Option<String>,
    address_part: Bag,
    feature: Bag,
    features: Vec<Bag>,
    doc: Bag,
    doc_country: Option<String>,
    docs: Vec<Bag>,
    rel: Bag,
    rel_target: Option<String>,
    relations: Vec<(Bag, Option<String>)>,
    addresses: Vec<(Bag, Option<String>)>,
}

impl Handler for EnhancedHandler {
    fn is_record(&self, name: &str) -> bool {
        name == "entity"
    }

    fn record_start(&mut self, _name: &str, attrs: &Attrs<'_, '_>, _ctx: &mut Ctx<'_>) {
        self.rec = Some(Record {
            entity_id: attrs.get("id"),
            ..Record::default()
        });
    }

    fn start(&mut self, path: &[String], attrs: &Attrs<'_, '_>, _ctx: &mut Ctx<'_>) {
        let Some(rec) = self.rec.as_mut() else {
            return;
        };
        match path {
            [_, _, leaf] if leaf == "sanctionsList" => rec.list_date = attrs.get("datePublished"),
            [_, _, _, leaf] if leaf == "country" => rec.address_country = attrs.get("refId"),
            [_, _, _, leaf] if leaf == "issuingCountry" => rec.doc_country = attrs.get("refId"),
            [_, _, _, leaf] if leaf == "relatedEntity" => rec.rel_target = attrs.get("entityId"),
            _ => {}
        }
    }

    fn end(&mut self, path: &[String], text: &str, _ctx: &mut Ctx<'_>) {
        let countries = &self.countries;
        let Some(rec) = self.rec.as_mut() else {
            return;
        };
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        let v = clean(text);
        match p.as_slice() {
            [_, "generalInfo", "entityType"] => rec.entity_type = v,
            [_, "generalInfo", "remarks"] => rec.remarks = v,
            [_, "sanctionsLists", "sanctionsList"] => {
                if let Some(v) = v {
                    rec.lists.push((v, rec.list_date.take()));
                }
            }
            [_, "sanctionsPrograms", "sanctionsProgram"] => push(&mut rec.programs, v),
            [_, "sanctionsTypes", "sanctionsType"] => push(&mut rec.types, v),
            [_, "legalAuthorities", "legalAuthority"] => push(&mut rec.authorities, v),
            // Names: name → translations → translation → nameParts → namePart.
            [_, "names", "name", leaf] if *leaf != "translations" => set(&mut rec.name, leaf, v),
            [.., "translation", "nameParts", "namePart", leaf] => set(&mut rec.name_part, leaf, v),
            [.., "nameParts", "namePart"] => {
                let part = std::mem::take(&mut rec.name_part);
                if let Some(value) = part.get("value").map(str::to_string) {
                    let slot = match part.get("type") {
                        Some("Last Name") => &mut rec.trans_parts.family,
                        Some("First Name") => &mut rec.trans_parts.given,
                        Some("Middle Name") => &mut rec.trans_parts.middle,
                        Some("Patronymic") => &mut rec.trans_parts.patronymic,
                        Some("Matronymic") => &mut rec.trans_parts.matronymic,
                        Some("Title") => &mut rec.trans_parts.title,
                        Some("Suffix") => &mut rec.trans_parts.suffix,
                        _ => return,
                    };
                    *slot = Some(match slot.take() {
                        Some(prev) => format!("{prev} {value}"),
                        None => value,
                    });
                }
            }
            [_, "names", "name", "translations", "translation", leaf] if *leaf != "nameParts" => {
                set(&mut rec.translation, leaf, v)
            }
            [_, "names", "name", "translations", "translation"] => {
                let t = std::mem::take(&mut rec.translation);
                let parts = std::mem::take(&mut rec.trans_parts);
                rec.pending.push((t, parts));
            }
            [_, "names", "name"] => {
                let name = std::mem::take(&mut rec.name);
                for (t, parts) in std::mem::take(&mut rec.pending) {
                    if let Some(n) = make_name(&name, &t, parts) {
                        rec.names.push(n);
                    }
                }
            }
            // Addresses.
            [_, "addresses", "address", "country"] => {
                let code = rec
                    .address_country
                    .take()
                    .and_then(|r| countries.get(&r).cloned());
                rec.address.set("countryCode", code.unwrap_or_default());
                set(&mut rec.address, "country", v);
            }
            [.., "addressParts", "addressPart", leaf] => set(&mut rec.address_part, leaf, v),
            [.., "addressParts", "addressPart"] => {
                let part = std::mem::take(&mut rec.address_part);
                if let (Some(t), Some(val)) = (part.get("type"), part.get("value")) {
                    rec.address.set(t, val.to_string());
                }
            }
            [_, "addresses", "address"] => {
                let a = std::mem::take(&mut rec.address);
                rec.addresses.push((a, None));
            }
            // Features.
            [_, "features", "feature", "valueDate", leaf] => set(&mut rec.feature, leaf, v),
            [_, "features", "feature", leaf] => set(&mut rec.feature, leaf, v),
            [_, "features", "feature"] => {
                let mut f = std::mem::take(&mut rec.feature);
                if let Some(code) = f.get("valueRefId").and_then(|r| countries.get(r)) {
                    let code = code.clone();
                    f.set("countryCode", code);
                }
                rec.features.push(f);
            }
            // Identity documents.
            [_, "identityDocuments", "identityDocument", leaf] => {
                if *leaf == "issuingCountry" {
                    let code = rec
                        .doc_country
                        .take()
                        .and_then(|r| countries.get(&r).cloned());
                    rec.doc.set("countryCode", code.unwrap_or_default());
                }
                set(&mut rec.doc, leaf, v)
            }
            [_, "identityDocuments", "identityDocument"] => {
                let d = std::mem::take(&mut rec.doc);
                rec.docs.push(d);
            }
            // Relationships.
            [_, "relationships", "relationship", leaf] => set(&mut rec.rel, leaf, v),
            [_, "relationships", "relationship"] => {
                let r = std::mem::take(&mut rec.rel);
                let target = rec.rel_target.take();
                rec.relations.push((r, target));
            }
            _ => {}
        }
    }

    fn record_end(&mut self, ctx: &mut Ctx<'_>) {
        let Some(rec) = self.rec.take() else {
            return;
        };
        if let Some(e) = build(rec, self.source(), ctx) {
            self.out.push(e, ctx);
        }
    }

    fn record_abort(&mut self) {
        self.rec = None;
    }

    fn outer_start(&mut self, path: &[String], attrs: &Attrs<'_, '_>, _ctx: &mut Ctx<'_>) {
        if path.last().map(String::as_str) == Some("referenceValue") {
            self.ref_value = (attrs.get("refId"), None, None);
        }
    }

    fn outer_end(&mut self, path: &[String], text: &str, _ctx: &mut Ctx<'_>) {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        match p.as_slice() {
            [.., "publicationInfo", "dataAsOf"] => {
                self.publish_date = clean(text).and_then(|t| PartialDate::parse_iso(&t));
            }
            [.., "filters", "sanctionsLists", "sanctionsList"] => {
                if let Some(v) = clean(text) {
                    self.filters.push(v);
                }
            }
            [.., "filters", kind, _] => {
                if let Some(v) = clean(text) {
                    self.narrowing.push(format!("{kind}: {v}"));
                }
            }
            [.., "referenceValue", "type"] => self.ref_value.1 = clean(text),
            [.., "referenceValue", "isoCode"] => self.ref_value.2 = clean(text),
            [.., "referenceValue"] => {
                if let (Some(id), Some(t), Some(iso)) = std::mem::take(&mut self.ref_value)
                    && t == "COUNTRY"
                    && model::country::is_code(&iso)
                {
                    self.countries.insert(id, iso.to_ascii_lowercase());
                }
            }
            _ => {}
        }
    }
}

fn push(v: &mut Vec<String>, value: Option<String>) {
    if let Some(value) = value {
        Entity::push_unique(v, value);
    }
}

fn set(bag: &mut Bag, key: &str, value: Option<String>) {
    if let Some(value) = value {
        bag.set(key, value);
    }
}

/// One name translation as a model name.
fn make_name(name: &Bag, t: &Bag, parts: NameParts) -> Option<Name> {
    let full = t.get("formattedFullName").map(str::to_string).or_else(|| {
        let v: Vec<&str> = [
            parts.given.as_deref(),
            parts.middle.as_deref(),
            parts.family.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!v.is_empty()).then(|| v.join(" "))
    })?;
    let kind = if name.flag("isLowQuality") {
        NameKind::WeakAlias
    } else {
        match name
            .get("aliasType")
            .map(str::to_ascii_uppercase)
            .as_deref()
        {
            Some("F.K.A.") => NameKind::Previous,
            Some("N.K.A.") => NameKind::Now,
            Some(_) => NameKind::Alias,
            // A translation of the primary name into another script is an alias of it.
            None if name.flag("isPrimary") && t.get("isPrimary") != Some("false") => {
                NameKind::Primary
            }
            None => NameKind::Alias,
        }
    };
    let mut n = Name::new(full, kind).with_parts(parts);
    if let Some(s) = t.get("script").and_then(script_of) {
        n.script = Some(s);
    }
    Some(n)
}

/// The model script of an OFAC script name.
pub(crate) fn script_of(name: &str) -> Option<Script> {
    let l = name.to_ascii_lowercase();
    Some(match l.as_str() {
        "latin" => Script::Latin,
        "cyrillic" => Script::Cyrillic,
        "arabic" | "persian" => Script::Arabic,
        "korean" | "hangul" => Script::Hangul,
        _ if l.starts_with("chinese") => Script::Han,
        _ => return None,
    })
}

fn build(mut rec: Record, source: SourceKind, ctx: &mut Ctx<'_>) -> Option<Entity> {
    let Some(local) = rec.entity_id.clone() else {
        ctx.diag(
            Severity::Error,
            ctx.record_offset,
            "An <entity> without its id attribute was skipped.",
        );
        return None;
    };
    let id = match EntityId::new(source, &local) {
        Ok(id) => id,
        Err(e) => {
            ctx.diag(
                Severity::Error,
                ctx.record_offset,
                format!("Unusable entity id: {e}; record skipped."),
            );
            return None;
        }
    };
    let mut warnings = Vec::new();
    let schema = match rec.entity_type.as_deref() {
        Some("Individual") => Schema::Person,
        Some("Vessel") => Schema::Vessel,
        Some("Aircraft") => Schema::Airplane,
        Some("Entity") | None => Schema::Organization,
        Some(other) => {
            warnings.push(format!(
                "Unknown entityType {other:?}; read as an organisation."
            ));
            Schema::Organization
        }
    };
    let mut e = Entity::new(id.clone(), schema);
    // Primary names first, whatever their order in the file.
    rec.names.sort_by_key(|n| n.kind != NameKind::Primary);
    for n in rec.names.drain(..) {
        e.add_name(n);
    }
    if e.names.is_empty() {
        warnings.push("The entity has no name.".to_string());
    }
    for (a, _) in &rec.addresses {
        let code = a
            .get("countryCode")
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .or_else(|| {
                a.get("country")
                    .and_then(|c| country_code(c, "address", &mut warnings))
            });
        let street: Vec<&str> = ["ADDRESS1", "ADDRESS2", "ADDRESS3"]
            .into_iter()
            .filter_map(|k| a.get(k))
            .collect();
        let mut addr = Address {
            full: None,
            street: (!street.is_empty()).then(|| street.join(", ")),
            city: a.get("CITY").map(str::to_string),
            region: a
                .get("STATE/PROVINCE")
                .or(a.get("REGION"))
                .map(str::to_string),
            postal_code: a.get("POSTAL CODE").map(str::to_string),
            country: code.clone(),
        };
        if let (None, Some(raw)) = (&code, a.get("country")) {
            let line = addr.one_line();
            addr.full = Some(if line.is_empty() {
                raw.to_string()
            } else {
                format!("{line}, {raw}")
            });
        }
        if addr != Address::default() {
            Entity::push_unique(&mut e.addresses, addr);
        }
    }
    let mut provisions = Vec::new();
    for f in &rec.features {
        apply_feature(&mut e, f, &mut provisions, &mut warnings);
    }
    for d in &rec.docs {
        let (Some(label), Some(number)) = (d.get("type"), d.get("documentNumber")) else {
            continue;
        };
        let country = d
            .get("countryCode")
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .or_else(|| {
                d.get("issuingCountry")
                    .and_then(|c| country_code(c, "document", &mut warnings))
            });
        let note = [
            d.get("issuingAuthority"),
            d.get("issuingLocation"),
            (d.get("isValid") == Some("false")).then_some("not valid"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("; ");
        Entity::push_unique(
            &mut e.identifications,
            Identification {
                kind: crate::ofac_xml::id_kind(label),
                label: label.to_string(),
                number: number.to_string(),
                country,
                issued: d.get("issueDate").and_then(xml_util::xsd_date),
                expires: d.get("expirationDate").and_then(xml_util::xsd_date),
                note: (!note.is_empty()).then_some(note),
            },
        );
    }
    for (r, target) in &rec.relations {
        let label = r.get("type").unwrap_or("Linked To");
        let kind = match label.to_ascii_lowercase().as_str() {
            "owned or controlled by" => RelationKind::OwnedBy,
            l if l.starts_with("owns") => RelationKind::Owns,
            "associate of" => RelationKind::Associate,
            l if l.starts_with("family") => RelationKind::Family,
            l if l.starts_with("linked to") => RelationKind::LinkedTo,
            _ => RelationKind::Other,
        };
        let target_id = target
            .as_deref()
            .and_then(|t| EntityId::new(source, t).ok());
        Entity::push_unique(
            &mut e.relations,
            Relation {
                kind,
                target_id,
                target_name: r.get("relatedEntity").map(str::to_string),
                note: Some(label.to_string()),
            },
        );
    }
    // One designation per list the entity is on; the umbrella "Consolidated List" adds nothing
    // when a specific list is named.
    let specific: Vec<&(String, Option<String>)> = rec
        .lists
        .iter()
        .filter(|(l, _)| l != "Consolidated List")
        .collect();
    let lists: Vec<&(String, Option<String>)> = if specific.is_empty() {
        rec.lists.iter().collect()
    } else {
        specific
    };
    let reason = (!rec.authorities.is_empty()).then(|| rec.authorities.join("; "));
    let mut all_provisions = rec.types.clone();
    all_provisions.extend(provisions);
    let make = |list: Option<&(String, Option<String>)>| Sanction {
        authority: "OFAC".to_string(),
        list: list.map(|(l, _)| l.clone()),
        programs: rec.programs.clone(),
        listing_date: list
            .and_then(|(_, d)| d.as_deref())
            .and_then(xml_util::xsd_date),
        authority_id: Some(local.clone()),
        reason: reason.clone(),
        provisions: all_provisions.clone(),
        remarks: rec.remarks.clone(),
    };
    if lists.is_empty() {
        e.sanctions.push(make(None));
    } else {
        for l in lists {
            e.sanctions.push(make(Some(l)));
        }
    }
    xml_util::flush_warnings(ctx, id.as_str(), &mut warnings);
    Some(e)
}

/// Applies one feature by its type name; shared with the Advanced format, whose features have
/// the same names. The bag holds `type`, `value`, and optionally `countryCode`, the period ends
/// `fromDateBegin` / `toDateEnd` (ISO dates) and `isApproximate`.
pub(crate) fn apply_feature(
    e: &mut Entity,
    f: &Bag,
    provisions: &mut Vec<String>,
    warnings: &mut Vec<String>,
) {
    let Some(label) = f.get("type") else {
        return;
    };
    let value = f.get("value").map(str::to_string);
    let country = || {
        f.get("countryCode").map(str::to_string).or_else(|| {
            value
                .as_deref()
                .and_then(model::country::code)
                .map(str::to_string)
        })
    };
    let lower = label.to_ascii_lowercase();
    if let Some(currency) = label.strip_prefix("Digital Currency Address - ") {
        if let Some(v) = value {
            Entity::push_unique(
                &mut e.wallets,
                Wallet {
                    currency: currency.trim().to_string(),
                    address: v,
                },
            );
        }
        return;
    }
    match label {
        "Birthdate" => match feature_date(f) {
            Some(d) => Entity::push_unique(&mut e.birth_dates, d),
            None => warnings.push(format!(
                "Birthdate {:?} is not a date; dropped.",
                value.unwrap_or_default()
            )),
        },
        "Place of Birth" => push(&mut e.birth_places, value),
        "Nationality Country" | "Citizenship Country" | "Nationality of Registration" => {
            match country() {
                Some(c) => {
                    let field = match label {
                        "Nationality Country" => &mut e.nationalities,
                        "Citizenship Country" => &mut e.citizenships,
                        _ => &mut e.countries,
                    };
                    Entity::push_unique(field, c);
                }
                None => warnings.push(format!(
                    "Unknown {label} {:?}; dropped.",
                    value.unwrap_or_default()
                )),
            }
        }
        "Gender" => e.gender = value.as_deref().and_then(Gender::parse),
        "Email Address" => push(&mut e.emails, value),
        "Website" => push(&mut e.websites, value),
        "Phone Number" => push(&mut e.phones, value),
        "Title" => push(&mut e.positions, value),
        "Organization Established Date" => {
            if let Some(d) = feature_date(f) {
                e.add_extra("incorporationDate", d.to_string());
            }
        }
        "Organization Type:" => {
            if let Some(v) = value {
                e.add_extra("legalForm", v);
            }
        }
        "Vessel Call Sign" => add(e, "callSign", value),
        "Vessel Type" | "VESSEL TYPE" => add(e, "type", value),
        "Vessel Flag" => {
            if let Some(c) = country() {
                e.add_extra("flag", c.clone());
                Entity::push_unique(&mut e.countries, c);
            }
        }
        "Vessel Tonnage" => add(e, "tonnage", value),
        "Vessel Gross Registered Tonnage" => add(e, "grossRegisteredTonnage", value),
        "Vessel Owner" => {
            if let Some(v) = value {
                Entity::push_unique(
                    &mut e.relations,
                    Relation {
                        kind: RelationKind::OwnedBy,
                        target_id: None,
                        target_name: Some(v),
                        note: Some("vessel owner".to_string()),
                    },
                );
            }
        }
        "SWIFT/BIC"
        | "ISIN"
        | "BIK (RU)"
        | "Equity Ticker"
        | "Aircraft Manufacturer's Serial Number (MSN)"
        | "Aircraft Tail Number" => {
            if let Some(v) = value {
                Entity::push_unique(
                    &mut e.identifications,
                    Identification {
                        kind: crate::ofac_xml::id_kind(label),
                        label: label.to_string(),
                        number: v,
                        country: None,
                        issued: None,
                        expires: None,
                        note: None,
                    },
                );
            }
        }
        _ if lower.ends_with(':')
            || lower.ends_with(" -")
            || lower.contains("information")
            || lower.contains("date (")
            || lower.starts_with("secondary sanctions") =>
        {
            // Scope notes and directive dates belong to the designation.
            let text = match (value, feature_date(f)) {
                (Some(v), _) => v,
                (None, Some(d)) => d.to_string(),
                (None, None) => return,
            };
            let label = label.trim_end_matches([':', '-', ' ']);
            Entity::push_unique(provisions, format!("{label}: {text}"));
        }
        _ => {
            if let Some(v) = value {
                Entity::push_unique(&mut e.notes, format!("{label}: {v}"));
            }
        }
    }
}

fn add(e: &mut Entity, prop: &str, value: Option<String>) {
    if let Some(v) = value {
        e.add_extra(prop, v);
    }
}

/// The date of a feature: its structured period when given, else its text.
fn feature_date(f: &Bag) -> Option<FuzzyDate> {
    let circa = f.flag("isApproximate");
    let from = f.get("fromDateBegin").and_then(PartialDate::parse_iso);
    let to = f
        .get("toDateEnd")
        .or(f.get("toDateBegin"))
        .and_then(PartialDate::parse_iso);
    match (from, to) {
        (Some(a), Some(b)) => Some(xml_util::period(a, b, circa)),
        (Some(a), None) => Some(FuzzyDate {
            start: a,
            end: None,
            circa,
        }),
        _ => f.get("value").and_then(FuzzyDate::parse),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::Location;

    const FIXTURE: &str = include_str!("../test_data/ofac_enhanced/sdn_enhanced_small.xml");

    fn parse_str(s: &str) -> Result<Parsed, IngestError> {
        parse(&Input {
            name: "SDN_ENHANCED.XML",
            bytes: s.as_bytes(),
        })
    }

    fn entity<'a>(p: &'a Parsed, id: &str) -> &'a Entity {
        p.entity(id).unwrap_or_else(|| panic!("{id} missing"))
    }

    #[test]
    fn maps_the_fixture() {
        let p = parse_str(FIXTURE).unwrap();
        assert_eq!(p.list, Some(ListId::OfacSdn));
        assert_eq!(p.publish_date, PartialDate::parse_iso("2025-09-02"));
        assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);
        let ids: Vec<&str> = p.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["ofac:53824", "ofac:53820", "ofac:9999"]);

        let g = entity(&p, "ofac:53824");
        assert_eq!(g.schema, Schema::Person);
        let names: Vec<(NameKind, &str, Option<Script>)> = g
            .names
            .iter()
            .map(|n| (n.kind, n.full.as_str(), n.script))
            .collect();
        assert_eq!(
            names,
            [
                (NameKind::Primary, "ASATRYAN, Gayk", Some(Script::Latin)),
                (NameKind::Alias, "АСАТРЯН, Гайк", Some(Script::Cyrillic)),
                (
                    NameKind::Alias,
                    "ASATRYAN, Gaik Gurgenovich",
                    Some(Script::Latin)
                ),
                (NameKind::WeakAlias, "GAIK", Some(Script::Latin)),
            ]
        );
        assert_eq!(g.names[0].parts.family.as_deref(), Some("ASATRYAN"));
        assert_eq!(g.names[2].parts.patronymic.as_deref(), Some("Gurgenovich"));
        let dobs: Vec<String> = g.birth_dates.iter().map(ToString::to_string).collect();
        assert_eq!(dobs, ["1978-10-13", "circa 1975 to 1977"]);
        assert_eq!(g.birth_places, ["Yerevan, Armenia"]);
        assert_eq!(g.nationalities, ["am"]);
        assert_eq!(g.citizenships, ["ru"]);
        assert_eq!(g.gender, Some(Gender::Male));
        assert_eq!(g.emails, ["asatryan@example.com"]);
        assert_eq!(g.wallets[0].currency, "ETH");
        assert_eq!(g.identifications[0].label, "Passport");
        assert_eq!(g.identifications[0].country.as_deref(), Some("am"));
        assert_eq!(g.addresses[0].one_line(), "Kievyan Street 5, Yerevan, am");
        let s = &g.sanctions[0];
        assert_eq!(s.list.as_deref(), Some("SDN List"));
        assert_eq!(s.programs, ["DPRK3"]);
        assert_eq!(
            s.listing_date.as_ref().map(ToString::to_string).as_deref(),
            Some("2025-07-08")
        );
        assert_eq!(s.reason.as_deref(), Some("Executive Order 13382 (WMD)"));
        assert_eq!(
            s.provisions,
            [
                "Block",
                "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210"
            ]
        );
        assert!(g.relations.is_empty());

        let org = entity(&p, "ofac:53820");
        let r = &org.relations[0];
        assert_eq!(
            (r.kind, r.target_id.as_ref().map(EntityId::as_str)),
            (RelationKind::OwnedBy, Some("ofac:53824"))
        );
        assert_eq!(r.target_name.as_deref(), Some("ASATRYAN, Gayk"));
        assert_eq!(
            org.sanctions[0].remarks.as_deref(),
            Some("Fictitious remark & test.")
        );
        assert_eq!(org.schema, Schema::Organization);
        assert_eq!(org.names[1].kind, NameKind::Previous);
        assert_eq!(org.extra["incorporationDate"], ["2011-05"]);
        assert_eq!(org.identifications[0].kind, model::IdKind::Tax);

        let ship = entity(&p, "ofac:9999");
        assert_eq!(ship.schema, Schema::Vessel);
        assert_eq!(ship.extra["callSign"], ["3FZH9"]);
        assert_eq!(ship.extra["flag"], ["pa"]);
    }

    #[test]
    fn consolidated_is_decided_by_the_header() {
        let cons = FIXTURE.replace(
            "<sanctionsList refId=\"1550\">SDN List</sanctionsList>\n      </sanctionsLists>\n    </filters>",
            "<sanctionsList refId=\"91512\">Consolidated List</sanctionsList>\n      </sanctionsLists>\n    </filters>",
        );
        assert_ne!(cons, FIXTURE);
        let p = parse_str(&cons).unwrap();
        assert_eq!(p.list, Some(ListId::OfacCons));
        assert_eq!(p.entities[0].id.as_str(), "ofac-cons:53824");
        assert_eq!(
            p.entities[1].relations[0]
                .target_id
                .as_ref()
                .map(EntityId::as_str),
            Some("ofac-cons:53824")
        );
    }

    const HEAD: &str = "<sanctionsData xmlns=\"https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML\"><publicationInfo><dataAsOf>2025-01-10T00:00:00</dataAsOf></publicationInfo><entities>";
    const A: &str = "<entity id=\"1\"><generalInfo><entityType>Entity</entityType></generalInfo><names><name><isPrimary>true</isPrimary><translations><translation><formattedFullName>A</formattedFullName></translation></translations></name></names></entity>";
    const TAIL: &str = "</entities></sanctionsData>";

    #[test]
    fn recovers_from_bad_input() {
        let no_id = "<entity><generalInfo><entityType>Entity</entityType></generalInfo></entity>";
        let p = parse_str(&format!("{HEAD}{no_id}{A}{TAIL}")).unwrap();
        assert_eq!(p.entities.len(), 1);
        assert_eq!(p.diagnostics[0].location, Location::Byte(HEAD.len() as u64));
        let bad = "<entity id=\"2\"><generalInfo><entityType>Entity</generalInfo></entity>";
        let p = parse_str(&format!("{HEAD}{bad}{A}{TAIL}")).unwrap();
        assert_eq!(p.entities.len(), 1);
        assert!(p.diagnostics[0].message.starts_with("Malformed XML"));
        let whole = format!("{HEAD}{A}{A}{TAIL}").replacen("id=\"1\"", "id=\"7\"", 1);
        let p = parse_str(&whole[..HEAD.len() + A.len() + 30]).unwrap();
        assert_eq!(p.entities.len(), 1);
        assert_eq!(p.diagnostics.len(), 1);
        assert!(parse_str(&whole[..HEAD.len() + 30]).is_err());
        assert!(parse_str("<sdnList/>").is_err());
        assert!(parse_str("").is_err());
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
