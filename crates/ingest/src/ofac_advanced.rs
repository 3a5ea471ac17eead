//! OFAC `SDN_ADVANCED.XML` / `CONS_ADVANCED.XML` (`Sanctions`, namespace
//! `https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML`).
//!
//! The Advanced format is normalised: names of alias types, features, countries, lists and so on
//! live once in `ReferenceValueSets` and are referred to by numeric id; addresses
//! (`Locations`) and documents (`IDRegDocuments`) are separate sections that point at parties;
//! designations (`SanctionsEntries`) and links (`ProfileRelationships`) follow the parties. The
//! parser streams the file once: reference values, locations and documents go into small maps
//! as they pass, each `DistinctParty` becomes an entity when it closes, and the sections after
//! the parties patch those entities through a profile-id index.
//!
//! Ids are `ofac:<FixedRef>` for the SDN list. Whether the file is the SDN or the consolidated
//! list is decided from its content: the `ListID` of its `SanctionsEntry` records. When an entry
//! is on the umbrella `Consolidated List`, or no entry is on `SDN List` and at least one is on
//! another list, the file is the consolidated list and
//! every id (and relation target) is rewritten to `ofac-cons:` at the end.

use std::collections::HashMap;

use model::{
    Address, Entity, EntityId, FuzzyDate, Identification, Name, NameKind, NameParts, PartialDate,
    Relation, RelationKind, Sanction, Schema, Severity, SourceKind,
};

use crate::ofac_enhanced::{Bag, apply_feature, script_of};
use crate::xml_util::{self, Attrs, Collector, Ctx, Handler, clean};
use crate::{IngestError, Input, ListId, Parsed};

/// Parses one Advanced XML file.
pub fn parse(input: &Input<'_>) -> Result<Parsed, IngestError> {
    let mut h = AdvancedHandler::default();
    let (pre, outcome) = xml_util::read_records(
        input,
        &["Sanctions"],
        "an OFAC Advanced XML file (<Sanctions>)",
        &mut h,
    )?;
    let mut extra = Vec::new();
    let cons = h.finish_links(input.name, &mut extra);
    let publish_date = h.publish_date();
    let mut entities = std::mem::take(&mut h.out.entities);
    if cons {
        crate::recode_ofac(&mut entities, ListId::OfacCons);
    }
    let (entities, mut diagnostics) =
        xml_util::finish(input, pre, outcome, entities, "DistinctParty")?;
    diagnostics.extend(extra);
    Ok(Parsed {
        entities,
        diagnostics,
        publish_date,
        list: Some(if cons {
            ListId::OfacCons
        } else {
            ListId::OfacSdn
        }),
        ..Parsed::default()
    })
}

#[derive(Default)]
struct AdvancedHandler {
    out: Collector,
    issue: [Option<String>; 3],
    /// Reference values by (kind, id): `("AliasType", "1400")` → `A.K.A.`.
    refs: HashMap<(String, String), String>,
    /// Country id → alpha-2.
    iso: HashMap<String, String>,
    /// Party sub-type id → party type id.
    party_type_of: HashMap<String, String>,
    ref_attrs: (Option<String>, Option<String>, Option<String>),
    locations: HashMap<String, Address>,
    /// Documents by identity id.
    docs: Vec<(String, Identification)>,
    /// Identity id and profile id → entity index.
    identity_index: HashMap<String, usize>,
    profile_index: HashMap<String, usize>,
    relations: Vec<Bag>,
    entries: Vec<Entry>,
    rec: Option<Rec>,
}

enum Rec {
    Location(LocationRec),
    Doc(DocRec),
    Party(Box<PartyRec>),
    Relation(Bag),
    Entry(Entry),
}

#[derive(Default)]
struct LocationRec {
    id: Option<String>,
    country: Option<String>,
    part_type: Option<String>,
    parts: Vec<(String, String)>,
}

#[derive(Default)]
struct DocRec {
    attrs: Bag,
    date_type: Option<String>,
    date: DateRec,
    dates: Vec<(String, FuzzyDate)>,
    fields: Bag,
}

#[derive(Default)]
struct DateRec {
    from: [Option<String>; 3],
    to: [Option<String>; 3],
    approximate: bool,
}

impl DateRec {
    fn set(&mut self, path: &[&str], text: Option<String>) {
        let n = path.len();
        if n < 3 {
            return;
        }
        let slot = match path[n - 1] {
            "Year" => 0,
            "Month" => 1,
            "Day" => 2,
            _ => return,
        };
        match (path[n - 3], path[n - 2]) {
            ("Start", "From") => self.from[slot] = text,
            ("End", "To") => self.to[slot] = text,
            _ => {}
        }
    }

    fn date(parts: &[Option<String>; 3]) -> Option<PartialDate> {
        let num = |i: usize| parts[i].as_deref().and_then(|s| s.parse::<u32>().ok());
        let year = i32::try_from(num(0)?).ok()?;
        let month = num(1).and_then(|m| u8::try_from(m).ok());
        let day = month.and(num(2)).and_then(|d| u8::try_from(d).ok());
        PartialDate::new(year, month, day)
    }

    fn take(&mut self) -> Option<FuzzyDate> {
        let d = std::mem::take(self);
        let from = Self::date(&d.from);
        let to = Self::date(&d.to);
        match (from, to) {
            (Some(a), Some(b)) => Some(xml_util::period(a, b, d.approximate)),
            (Some(a), None) | (None, Some(a)) => Some(FuzzyDate {
                start: a,
                end: None,
                circa: d.approximate,
            }),
            (None, None) => None,
        }
    }
}

/// The name-part values of one `DocumentedName`, each with its `NamePartValue` attributes.
type DocName = Vec<(Bag, String)>;

#[derive(Default)]
struct PartyRec {
    fixed_ref: Option<String>,
    profile_id: Option<String>,
    sub_type: Option<String>,
    identity_ids: Vec<String>,
    comment: Option<String>,
    alias: Bag,
    aliases: Vec<(Bag, Vec<DocName>)>,
    doc_name: DocName,
    doc_names: Vec<DocName>,
    value_attrs: Bag,
    groups: HashMap<String, String>,
    names: Vec<Name>,
    feature_type: Option<String>,
    feature: Bag,
    date: DateRec,
    features: Vec<Bag>,
    addresses: Vec<Address>,
}

#[derive(Default)]
struct Entry {
    attrs: Bag,
    event: Bag,
    date: [Option<String>; 3],
    measures: Vec<(Option<String>, Option<String>)>,
    measure_type: Option<String>,
    measure_comment: Option<String>,
}

/// Copies the attributes of an element into a bag.
fn attrs_bag(attrs: &Attrs<'_, '_>, keys: &[&str]) -> Bag {
    let mut b = Bag::default();
    for k in keys {
        if let Some(v) = attrs.get(k) {
            b.set(k, v);
        }
    }
    b
}

impl AdvancedHandler {
    fn r(&self, kind: &str, id: Option<&str>) -> Option<&str> {
        let id = id?;
        self.refs
            .get(&(kind.to_string(), id.to_string()))
            .map(String::as_str)
    }

    fn publish_date(&self) -> Option<PartialDate> {
        DateRec::date(&self.issue)
    }

    /// Applies documents, relationships and designations, which refer to parties by id; returns
    /// whether the file is the consolidated list.
    fn finish_links(&mut self, file: &str, diags: &mut Vec<model::Diagnostic>) -> bool {
        for (identity, doc) in std::mem::take(&mut self.docs) {
            match self.identity_index.get(&identity) {
                Some(&i) => Entity::push_unique(&mut self.out.entities[i].identifications, doc),
                None => diags.push(model::Diagnostic::for_file(
                    Severity::Warning,
                    file,
                    format!("IDRegDocument for unknown identity {identity}; dropped."),
                )),
            }
        }
        for r in std::mem::take(&mut self.relations) {
            let (Some(from), Some(to)) = (r.get("From-ProfileID"), r.get("To-ProfileID")) else {
                continue;
            };
            let Some(&i) = self.profile_index.get(from) else {
                diags.push(model::Diagnostic::for_file(
                    Severity::Warning,
                    file,
                    format!("ProfileRelationship from unknown profile {from}; dropped."),
                ));
                continue;
            };
            let label = self
                .r("RelationType", r.get("RelationTypeID"))
                .unwrap_or("Linked To")
                .to_string();
            let kind = match label.to_ascii_lowercase().as_str() {
                "owned or controlled by" => RelationKind::OwnedBy,
                l if l.starts_with("owns") => RelationKind::Owns,
                "associate of" => RelationKind::Associate,
                l if l.starts_with("family") => RelationKind::Family,
                l if l.starts_with("linked to") => RelationKind::LinkedTo,
                _ => RelationKind::Other,
            };
            let target = self.profile_index.get(to).copied();
            let target_id = target
                .map(|t| self.out.entities[t].id.clone())
                .or_else(|| EntityId::new(SourceKind::Ofac, to).ok());
            let target_name = target.map(|t| self.out.entities[t].caption().to_string());
            Entity::push_unique(
                &mut self.out.entities[i].relations,
                Relation {
                    kind,
                    target_id,
                    target_name,
                    note: Some(label),
                },
            );
        }
        let mut on_sdn = false;
        let mut on_other = false;
        // Only the consolidated file files its parties under the umbrella "Consolidated List";
        // it also names "SDN List" for the few parties on both (9 of 375 in the 2020 file).
        let mut on_umbrella = false;
        for entry in std::mem::take(&mut self.entries) {
            let list = self
                .r("List", entry.attrs.get("ListID"))
                .map(str::to_string);
            match list.as_deref() {
                Some("SDN List") => on_sdn = true,
                Some("Consolidated List") => on_umbrella = true,
                Some(_) => on_other = true,
                None => {}
            }
            let Some(&i) = entry
                .attrs
                .get("ProfileID")
                .and_then(|p| self.profile_index.get(p))
            else {
                diags.push(model::Diagnostic::for_file(
                    Severity::Warning,
                    file,
                    format!(
                        "SanctionsEntry {} for an unknown profile; dropped.",
                        entry.attrs.get("ID").unwrap_or("?")
                    ),
                ));
                continue;
            };
            let mut programs = Vec::new();
            let mut provisions = Vec::new();
            for (type_id, comment) in &entry.measures {
                let t = self.r("SanctionsType", type_id.as_deref());
                match (t, comment) {
                    (Some("Program"), Some(c)) => Entity::push_unique(&mut programs, c.clone()),
                    (Some(t), _) => Entity::push_unique(&mut provisions, t.to_string()),
                    (None, _) => {}
                }
            }
            let reason = self
                .r("LegalBasis", entry.event.get("LegalBasisID"))
                .map(str::to_string);
            let e = &mut self.out.entities[i];
            let features = std::mem::take(&mut e.notes);
            // Scope notes collected from features while the party was read belong here.
            let (scope, notes): (Vec<String>, Vec<String>) =
                features.into_iter().partition(|n| n.starts_with('\u{1}'));
            e.notes = notes;
            provisions.extend(scope.iter().map(|s| s[1..].to_string()));
            // Put the marked notes back for any further designation of the same party.
            e.notes.extend(scope);
            let sanction = Sanction {
                authority: "OFAC".to_string(),
                list,
                programs,
                listing_date: DateRec::date(&entry.date).map(FuzzyDate::exact),
                authority_id: Some(e.id.local().to_string()),
                reason,
                provisions,
                remarks: entry.event.get("Comment").map(str::to_string),
            };
            Entity::push_unique(&mut e.sanctions, sanction);
        }
        // Scope notes went to the designations; those of parties without one stay notes.
        for e in &mut self.out.entities {
            let notes = std::mem::take(&mut e.notes);
            for n in notes {
                match n.strip_prefix('\u{1}') {
                    Some(s) if e.sanctions.is_empty() => {
                        Entity::push_unique(&mut e.notes, s.to_string())
                    }
                    Some(_) => {}
                    None => Entity::push_unique(&mut e.notes, n),
                }
            }
            for s in &mut e.sanctions {
                let mut p = std::mem::take(&mut s.provisions);
                p.dedup();
                s.provisions = p;
            }
        }
        on_umbrella || (!on_sdn && on_other)
    }

    fn build_party(&mut self, p: PartyRec, ctx: &mut Ctx<'_>) {
        let Some(fixed) = p.fixed_ref.clone().or(p.profile_id.clone()) else {
            ctx.diag(
                Severity::Error,
                ctx.record_offset,
                "A DistinctParty without FixedRef was skipped.",
            );
            return;
        };
        let id = match EntityId::new(SourceKind::Ofac, &fixed) {
            Ok(id) => id,
            Err(e) => {
                ctx.diag(
                    Severity::Error,
                    ctx.record_offset,
                    format!("Unusable FixedRef: {e}; record skipped."),
                );
                return;
            }
        };
        let mut warnings = Vec::new();
        let sub = self.r("PartySubType", p.sub_type.as_deref());
        let type_name = match sub {
            Some("Unknown") | None => p
                .sub_type
                .as_ref()
                .and_then(|s| self.party_type_of.get(s))
                .and_then(|t| self.r("PartyType", Some(t))),
            other => other,
        };
        let schema = match type_name {
            Some("Individual") => Schema::Person,
            Some("Vessel") => Schema::Vessel,
            Some("Aircraft") => Schema::Airplane,
            Some("Entity") => Schema::Organization,
            other => {
                warnings.push(format!(
                    "Unknown party type {:?}; read as an organisation.",
                    other.unwrap_or("")
                ));
                Schema::Organization
            }
        };
        let mut e = Entity::new(id.clone(), schema);
        let mut names = p.names;
        names.sort_by_key(|n| n.kind != NameKind::Primary);
        for n in names {
            e.add_name(n);
        }
        if e.names.is_empty() {
            warnings.push("The party has no name.".to_string());
        }
        if let Some(c) = p.comment {
            e.notes.push(c);
        }
        for a in p.addresses {
            if a != Address::default() {
                Entity::push_unique(&mut e.addresses, a);
            }
        }
        let mut provisions = Vec::new();
        for f in &p.features {
            apply_feature(&mut e, f, &mut provisions, &mut warnings);
        }
        // Designations come later in the file; mark scope notes so that they can be moved onto
        // the designation when it arrives.
        for s in provisions {
            e.notes.push(format!("\u{1}{s}"));
        }
        xml_util::flush_warnings(ctx, id.as_str(), &mut warnings);
        let before = self.out.entities.len();
        self.out.push(e, ctx);
        let index = self
            .out
            .entities
            .iter()
            .rposition(|x| x.id == id)
            .unwrap_or(before);
        if let Some(pid) = p.profile_id {
            self.profile_index.insert(pid, index);
        }
        for i in p.identity_ids {
            self.identity_index.insert(i, index);
        }
    }

    /// Turns the documented names of one identity into model names, now that the name-part
    /// groups (which follow the aliases) say which part is which.
    fn identity_names(&self, p: &mut PartyRec) {
        for (alias, doc_names) in std::mem::take(&mut p.aliases) {
            let alias_type = self.r("AliasType", alias.get("AliasTypeID"));
            let low = alias.flag("LowQuality");
            for (n, parts) in doc_names.into_iter().enumerate() {
                let mut np = NameParts::default();
                let mut other: Vec<String> = Vec::new();
                let mut script = None;
                for (attrs, value) in &parts {
                    if script.is_none() {
                        script = self.r("Script", attrs.get("ScriptID")).and_then(script_of);
                    }
                    let part_type = attrs
                        .get("NamePartGroupID")
                        .and_then(|g| p.groups.get(g))
                        .and_then(|t| self.r("NamePartType", Some(t)));
                    let slot = match part_type {
                        Some("Last Name") => &mut np.family,
                        Some("First Name") => &mut np.given,
                        Some("Middle Name") => &mut np.middle,
                        Some("Patronymic") => &mut np.patronymic,
                        Some("Matronymic") => &mut np.matronymic,
                        _ => {
                            other.push(value.clone());
                            continue;
                        }
                    };
                    *slot = Some(match slot.take() {
                        Some(prev) => format!("{prev} {value}"),
                        None => value.clone(),
                    });
                }
                let given: Vec<&str> = [
                    np.given.as_deref(),
                    np.middle.as_deref(),
                    np.patronymic.as_deref(),
                ]
                .into_iter()
                .flatten()
                .collect();
                let full = match (&np.family, given.is_empty()) {
                    (Some(f), false) => format!("{f}, {}", given.join(" ")),
                    (Some(f), true) => f.clone(),
                    (None, false) => given.join(" "),
                    (None, true) => other.join(" "),
                };
                if !other.is_empty() && (np.family.is_some() || !given.is_empty()) {
                    // A nickname or maiden name next to structured parts: keep it as its own alias.
                    p.names.push(Name::new(other.join(" "), NameKind::Alias));
                }
                let full = full.split_whitespace().collect::<Vec<_>>().join(" ");
                if full.is_empty() {
                    continue;
                }
                let kind = if low {
                    NameKind::WeakAlias
                } else {
                    match alias_type {
                        Some("F.K.A.") => NameKind::Previous,
                        Some("N.K.A.") => NameKind::Now,
                        Some("Name") if alias.flag("Primary") && n == 0 => NameKind::Primary,
                        _ => NameKind::Alias,
                    }
                };
                let mut name = Name::new(full, kind).with_parts(np);
                if script.is_some() {
                    name.script = script;
                }
                p.names.push(name);
            }
        }
    }
}

impl Handler for AdvancedHandler {
    fn is_record(&self, name: &str) -> bool {
        matches!(
            name,
            "DistinctParty"
                | "Location"
                | "IDRegDocument"
                | "ProfileRelationship"
                | "SanctionsEntry"
        )
    }

    fn record_start(&mut self, name: &str, attrs: &Attrs<'_, '_>, _ctx: &mut Ctx<'_>) {
        self.rec = Some(match name {
            "Location" => Rec::Location(LocationRec {
                id: attrs.get("ID"),
                ..LocationRec::default()
            }),
            "IDRegDocument" => Rec::Doc(DocRec {
                attrs: attrs_bag(
                    attrs,
                    &["ID", "IDRegDocTypeID", "IdentityID", "IssuedBy-CountryID"],
                ),
                ..DocRec::default()
            }),
            "DistinctParty" => Rec::Party(Box::new(PartyRec {
                fixed_ref: attrs.get("FixedRef"),
                ..PartyRec::default()
            })),
            "ProfileRelationship" => Rec::Relation(attrs_bag(
                attrs,
                &[
                    "ID",
                    "From-ProfileID",
                    "To-ProfileID",
                    "RelationTypeID",
                    "Former",
                ],
            )),
            _ => Rec::Entry(Entry {
                attrs: attrs_bag(attrs, &["ID", "ProfileID", "ListID"]),
                ..Entry::default()
            }),
        });
    }

    fn start(&mut self, path: &[String], attrs: &Attrs<'_, '_>, _ctx: &mut Ctx<'_>) {
        let Some(rec) = self.rec.as_mut() else {
            return;
        };
        let last = path.last().map(String::as_str).unwrap_or("");
        match rec {
            Rec::Location(l) => match last {
                "LocationCountry" => l.country = attrs.get("CountryID"),
                "LocationPart" => l.part_type = attrs.get("LocPartTypeID"),
                _ => {}
            },
            Rec::Doc(d) => match last {
                "DocumentDate" => d.date_type = attrs.get("IDRegDocDateTypeID"),
                "Start" => {
                    d.date.approximate |= attrs.get("Approximate").as_deref() == Some("true")
                }
                _ => {}
            },
            Rec::Party(p) => match last {
                "Profile" => {
                    p.profile_id = attrs.get("ID");
                    p.sub_type = attrs.get("PartySubTypeID");
                }
                "Identity" => {
                    if let Some(id) = attrs.get("ID") {
                        p.identity_ids.push(id);
                    }
                }
                "Alias" => p.alias = attrs_bag(attrs, &["AliasTypeID", "Primary", "LowQuality"]),
                "NamePartValue" => {
                    p.value_attrs = attrs_bag(attrs, &["NamePartGroupID", "ScriptID"])
                }
                "NamePartGroup" => {
                    if let (Some(g), Some(t)) = (attrs.get("ID"), attrs.get("NamePartTypeID")) {
                        p.groups.insert(g, t);
                    }
                }
                "Feature" => p.feature_type = attrs.get("FeatureTypeID"),
                "VersionDetail" => {
                    if let Some(r) = attrs.get("DetailReferenceID") {
                        p.feature.set("DetailReferenceID", r);
                    }
                }
                "VersionLocation" => {
                    if let Some(l) = attrs.get("LocationID") {
                        p.feature.set("LocationID", l);
                    }
                }
                "Start" | "End" if path.iter().any(|x| x == "DatePeriod") => {
                    p.date.approximate |= attrs.get("Approximate").as_deref() == Some("true");
                }
                _ => {}
            },
            Rec::Entry(e) => match last {
                "EntryEvent" => {
                    e.event = attrs_bag(attrs, &["EntryEventTypeID", "LegalBasisID"]);
                }
                "SanctionsMeasure" => e.measure_type = attrs.get("SanctionsTypeID"),
                _ => {}
            },
            Rec::Relation(_) => {}
        }
    }

    fn end(&mut self, path: &[String], text: &str, _ctx: &mut Ctx<'_>) {
        let Some(mut rec) = self.rec.take() else {
            return;
        };
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        let v = clean(text);
        match &mut rec {
            Rec::Location(l) => match p.as_slice() {
                [.., "LocationPartValue", "Value"] => {
                    if let (Some(t), Some(v)) = (l.part_type.clone(), v) {
                        l.parts.push((t, v));
                    }
                }
                [.., "LocationPart"] => l.part_type = None,
                _ => {}
            },
            Rec::Doc(d) => match p.as_slice() {
                [_, "IDRegistrationNo" | "IssuingAuthority" | "Comment"] => {
                    if let Some(v) = v {
                        d.fields.set(p[1], v);
                    }
                }
                [.., "DatePeriod", _, _, _] => d.date.set(&p, v),
                [_, "DocumentDate"] => {
                    let t = d.date_type.take();
                    if let (Some(t), Some(date)) = (t, d.date.take()) {
                        d.dates.push((t, date));
                    }
                }
                _ => {}
            },
            Rec::Party(party) => match p.as_slice() {
                [_, "Comment"] => party.comment = v,
                [.., "DocumentedNamePart", "NamePartValue"] => {
                    if let Some(v) = v {
                        let attrs = std::mem::take(&mut party.value_attrs);
                        party.doc_name.push((attrs, v));
                    }
                }
                [.., "Alias", "DocumentedName"] => {
                    let n = std::mem::take(&mut party.doc_name);
                    party.doc_names.push(n);
                }
                [.., "Identity", "Alias"] => {
                    let a = std::mem::take(&mut party.alias);
                    let n = std::mem::take(&mut party.doc_names);
                    party.aliases.push((a, n));
                }
                [.., "Profile", "Identity"] => self.identity_names(party),
                [.., "FeatureVersion", "VersionDetail"] => {
                    if let Some(v) = v {
                        party.feature.set("detail", v);
                    }
                }
                [.., "FeatureVersion", "DatePeriod", _, _, _] => party.date.set(&p, v),
                [.., "Profile", "Feature"] => {
                    let f = std::mem::take(&mut party.feature);
                    let date = party.date.take();
                    let ft = party.feature_type.take();
                    let location = f.get("LocationID").and_then(|l| self.locations.get(l));
                    match (self.r("FeatureType", ft.as_deref()), location) {
                        // An address feature: the location is the address.
                        (Some("Location"), Some(a)) => party.addresses.push(a.clone()),
                        _ => {
                            let bag = self.feature_bag(ft.as_deref(), &f, date);
                            party.features.push(bag);
                        }
                    }
                }
                _ => {}
            },
            Rec::Relation(_) => {}
            Rec::Entry(e) => match p.as_slice() {
                [.., "EntryEvent", "Date", unit] => {
                    let i = match *unit {
                        "Year" => 0,
                        "Month" => 1,
                        "Day" => 2,
                        _ => 3,
                    };
                    if i < 3 {
                        e.date[i] = v;
                    }
                }
                [.., "EntryEvent", "Comment"] => {
                    if let Some(v) = v {
                        e.event.set("Comment", v);
                    }
                }
                [.., "SanctionsMeasure", "Comment"] => e.measure_comment = v,
                [.., "SanctionsMeasure"] => {
                    let t = e.measure_type.take();
                    let c = e.measure_comment.take();
                    e.measures.push((t, c));
                }
                _ => {}
            },
        }
        self.rec = Some(rec);
    }

    fn record_end(&mut self, ctx: &mut Ctx<'_>) {
        match self.rec.take() {
            Some(Rec::Location(l)) => {
                let Some(id) = l.id else {
                    ctx.diag(
                        Severity::Error,
                        ctx.record_offset,
                        "A Location without ID was skipped.",
                    );
                    return;
                };
                let addr = self.location_address(&l.parts, l.country.as_deref());
                self.locations.insert(id, addr);
            }
            Some(Rec::Doc(d)) => {
                let (Some(identity), Some(number)) =
                    (d.attrs.get("IdentityID"), d.fields.get("IDRegistrationNo"))
                else {
                    ctx.diag(
                        Severity::Error,
                        ctx.record_offset,
                        "An IDRegDocument without IdentityID or IDRegistrationNo was skipped.",
                    );
                    return;
                };
                let label = self
                    .r("IDRegDocType", d.attrs.get("IDRegDocTypeID"))
                    .unwrap_or("Document")
                    .to_string();
                let mut issued = None;
                let mut expires = None;
                for (t, date) in d.dates {
                    match self.r("IDRegDocDateType", Some(&t)) {
                        Some("Issue Date") => issued = Some(date),
                        Some("Expiration Date") => expires = Some(date),
                        _ => {}
                    }
                }
                let note = [d.fields.get("IssuingAuthority"), d.fields.get("Comment")]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("; ");
                let doc = Identification {
                    kind: crate::ofac_xml::id_kind(&label),
                    label,
                    number: number.to_string(),
                    country: d
                        .attrs
                        .get("IssuedBy-CountryID")
                        .and_then(|c| self.iso.get(c))
                        .cloned(),
                    issued,
                    expires,
                    note: (!note.is_empty()).then_some(note),
                };
                self.docs.push((identity.to_string(), doc));
            }
            Some(Rec::Party(p)) => self.build_party(*p, ctx),
            Some(Rec::Relation(r)) => self.relations.push(r),
            Some(Rec::Entry(e)) => self.entries.push(e),
            None => {}
        }
    }

    fn record_abort(&mut self) {
        self.rec = None;
    }

    fn outer_start(&mut self, path: &[String], attrs: &Attrs<'_, '_>, _ctx: &mut Ctx<'_>) {
        if path.len() >= 3 && path[path.len() - 3] == "ReferenceValueSets" {
            self.ref_attrs = (attrs.get("ID"), attrs.get("ISO2"), attrs.get("PartyTypeID"));
        }
    }

    fn outer_end(&mut self, path: &[String], text: &str, _ctx: &mut Ctx<'_>) {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        match p.as_slice() {
            [.., "ReferenceValueSets", _, kind] => {
                let (id, iso, party_type) = std::mem::take(&mut self.ref_attrs);
                let Some(id) = id else {
                    return;
                };
                if let Some(iso) = iso.filter(|i| model::country::is_code(i)) {
                    self.iso.insert(id.clone(), iso.to_ascii_lowercase());
                }
                if let Some(t) = party_type {
                    self.party_type_of.insert(id.clone(), t);
                }
                if let Some(v) = clean(text) {
                    if *kind == "Country"
                        && !self.iso.contains_key(&id)
                        && let Some(c) = model::country::code(&v)
                    {
                        self.iso.insert(id.clone(), c.to_string());
                    }
                    self.refs.insert((kind.to_string(), id), v);
                }
            }
            [.., "DateOfIssue", unit] => {
                let i = match *unit {
                    "Year" => 0,
                    "Month" => 1,
                    "Day" => 2,
                    _ => return,
                };
                self.issue[i] = clean(text);
            }
            _ => {}
        }
    }
}

impl AdvancedHandler {
    fn location_address(&self, parts: &[(String, String)], country: Option<&str>) -> Address {
        let get = |name: &str| {
            parts
                .iter()
                .filter(|(t, _)| self.r("LocPartType", Some(t)) == Some(name))
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
        };
        let one = |name: &str| get(name).first().map(|s| s.to_string());
        let street: Vec<&str> = ["ADDRESS1", "ADDRESS2", "ADDRESS3"]
            .into_iter()
            .flat_map(get)
            .collect();
        let unknown = get("Unknown");
        Address {
            full: (!unknown.is_empty()).then(|| unknown.join(", ")),
            street: (!street.is_empty()).then(|| street.join(", ")),
            city: one("CITY"),
            region: one("STATE/PROVINCE").or(one("REGION")),
            postal_code: one("POSTAL CODE"),
            country: country.and_then(|c| self.iso.get(c)).cloned(),
        }
    }

    /// The feature in the shape the shared feature mapper reads.
    fn feature_bag(&self, type_id: Option<&str>, f: &Bag, date: Option<FuzzyDate>) -> Bag {
        let mut b = Bag::default();
        let Some(label) = self.r("FeatureType", type_id) else {
            return b;
        };
        b.set("type", label.to_string());
        let location = f.get("LocationID").and_then(|l| self.locations.get(l));
        let value = f
            .get("DetailReferenceID")
            .and_then(|r| self.r("DetailReference", Some(r)))
            .map(str::to_string)
            .or_else(|| f.get("detail").map(str::to_string))
            .or_else(|| location.map(Address::one_line).filter(|l| !l.is_empty()))
            .or_else(|| date.as_ref().map(ToString::to_string));
        if let Some(c) = location.and_then(|l| l.country.clone()) {
            b.set("countryCode", c);
        }
        if let Some(v) = value {
            b.set("value", v);
        }
        if let Some(d) = date {
            // Hand the reduced date over as a period the mapper reduces again to the same value.
            let end = d.end.unwrap_or(d.start);
            b.set("fromDateBegin", first_day(d.start));
            b.set("toDateEnd", last_day(end));
            if d.circa {
                b.set("isApproximate", "true".to_string());
            }
        }
        b
    }
}

fn first_day(d: PartialDate) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        d.year,
        d.month.unwrap_or(1),
        d.day.unwrap_or(1)
    )
}

fn last_day(d: PartialDate) -> String {
    let month = d.month.unwrap_or(12);
    let day = d.day.unwrap_or_else(|| {
        (28..=31)
            .rev()
            .find(|day| PartialDate::new(d.year, Some(month), Some(*day)).is_some())
            .unwrap_or(28)
    });
    format!("{:04}-{month:02}-{day:02}", d.year)
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::{Gender, IdKind, Location, Script, Wallet};

    const FIXTURE: &str = include_str!("../test_data/ofac_advanced/sdn_advanced_small.xml");

    fn parse_str(s: &str) -> Result<Parsed, IngestError> {
        parse(&Input {
            name: "SDN_ADVANCED.XML",
            bytes: s.as_bytes(),
        })
    }

    fn entity<'a>(p: &'a Parsed, id: &str) -> &'a Entity {
        p.entity(id).unwrap_or_else(|| panic!("{id} missing"))
    }

    #[test]
    fn maps_the_fixture() {
        let p = parse_str(FIXTURE).unwrap();
        assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);
        assert_eq!(p.list, Some(ListId::OfacSdn));
        assert_eq!(p.publish_date, PartialDate::new(2025, Some(9), Some(2)));
        let ids: Vec<&str> = p.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "ofac:36",
                "ofac:53824",
                "ofac:53820",
                "ofac:27307",
                "ofac:15036"
            ]
        );

        let aero = entity(&p, "ofac:36");
        assert_eq!(aero.schema, Schema::Organization);
        let names: Vec<(NameKind, &str)> = aero
            .names
            .iter()
            .map(|n| (n.kind, n.full.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                (NameKind::Primary, "AEROCARIBBEAN AIRLINES"),
                (NameKind::Alias, "AERO-CARIBBEAN")
            ]
        );
        assert_eq!(aero.addresses[0].one_line(), "Havana, cu");
        assert_eq!(aero.programs(), ["CUBA"]);
        assert_eq!(aero.sanctions[0].list.as_deref(), Some("SDN List"));

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
        assert_eq!(g.names[0].parts.given.as_deref(), Some("Gayk"));
        assert_eq!(g.names[2].parts.patronymic.as_deref(), Some("Gurgenovich"));
        let dobs: Vec<String> = g.birth_dates.iter().map(ToString::to_string).collect();
        assert_eq!(dobs, ["1978-10-13", "circa 1975 to 1977"]);
        assert_eq!(g.birth_places, ["Yerevan, Armenia"]);
        assert_eq!(g.nationalities, ["am"]);
        assert_eq!(g.gender, Some(Gender::Male));
        assert_eq!(
            g.wallets,
            [Wallet {
                currency: "XBT".into(),
                address: "1HmqvgSXUVES1jn4TQPzk9dxo1NE8wim2T".into()
            }]
        );
        let doc = &g.identifications[0];
        assert_eq!(
            (doc.kind, doc.number.as_str(), doc.country.as_deref()),
            (IdKind::Passport, "AN0123456", Some("am"))
        );
        assert_eq!(
            doc.issued.as_ref().map(ToString::to_string).as_deref(),
            Some("2015-03-01")
        );
        assert_eq!(
            doc.expires.as_ref().map(ToString::to_string).as_deref(),
            Some("2025-03-01")
        );
        let s = &g.sanctions[0];
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
        assert!(g.notes.is_empty(), "{:?}", g.notes);

        let org = entity(&p, "ofac:53820");
        let r = &org.relations[0];
        assert_eq!(r.kind, RelationKind::OwnedBy);
        assert_eq!(
            r.target_id.as_ref().map(EntityId::as_str),
            Some("ofac:53824")
        );
        assert_eq!(r.target_name.as_deref(), Some("ASATRYAN, Gayk"));
        assert_eq!(org.names[1].kind, NameKind::Previous);
        assert_eq!(org.identifications[0].kind, IdKind::Tax);

        let lazarus = entity(&p, "ofac:27307");
        assert_eq!(lazarus.wallets.len(), 2);
        assert_eq!(lazarus.wallets[0].currency, "ETH");

        let ship = entity(&p, "ofac:15036");
        assert_eq!(ship.schema, Schema::Vessel);
        assert_eq!(ship.extra["callSign"], ["9HA2345"]);
        assert_eq!(ship.extra["flag"], ["ir"]);
        assert_eq!(ship.identifications[0].kind, IdKind::Imo);
    }

    #[test]
    fn consolidated_is_decided_by_the_entries() {
        let cons = FIXTURE.replace("ListID=\"1550\"", "ListID=\"91512\"");
        let p = parse_str(&cons).unwrap();
        assert_eq!(p.list, Some(ListId::OfacCons));
        assert_eq!(p.entities[0].id.as_str(), "ofac-cons:36");
        let org = entity(&p, "ofac-cons:53820");
        assert_eq!(
            org.relations[0].target_id.as_ref().map(EntityId::as_str),
            Some("ofac-cons:53824")
        );
        assert_eq!(org.sanctions[0].list.as_deref(), Some("Consolidated List"));
    }

    #[test]
    fn recovers_from_bad_input() {
        // A party without FixedRef (and Profile ID) is skipped; the rest loads.
        let no_ref = FIXTURE
            .replace("<DistinctParty FixedRef=\"36\">", "<DistinctParty>")
            .replace("<Profile ID=\"36\" ", "<Profile ");
        let p = parse_str(&no_ref).unwrap();
        assert_eq!(p.entities.len(), 4);
        assert!(
            p.diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error && d.message.contains("FixedRef"))
        );
        // A malformed tag inside one party drops only that party.
        let bad = FIXTURE.replacen(
            "<Comment>Fixture party.</Comment>",
            "<Comment>Fixture party.</Comm ent>",
            1,
        );
        assert_ne!(bad, FIXTURE);
        let p = parse_str(&bad).unwrap();
        assert_eq!(p.entities.len(), 4);
        let err = p
            .diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error)
            .unwrap();
        assert!(matches!(err.location, Location::Byte(_)));
        // Truncation inside the parties keeps the earlier ones.
        let cut = FIXTURE.find("<DistinctParty FixedRef=\"53820\"").unwrap() + 40;
        let p = parse_str(&FIXTURE[..cut]).unwrap();
        assert_eq!(p.entities.len(), 2);
        assert!(p.diagnostics.iter().any(|d| d.severity == Severity::Error));
        // Nothing usable before the break, or another format, is an error.
        let head = FIXTURE.find("<DistinctParties>").unwrap();
        assert!(parse_str(&FIXTURE[..head]).is_err());
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
