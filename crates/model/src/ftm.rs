//! Conversion between [`Entity`] and FollowTheMoney (FtM) JSON objects.
//!
//! Loading FtM and exporting it again is lossless: every property without a typed field is kept
//! verbatim in [`Entity::extra`], every top-level key other than `id`, `schema` and `properties`
//! in [`Entity::meta`], and a typed value is only used when it prints back to the same text.
//!
//! Our own entities export the way OpenSanctions publishes lists: the main entity carries names,
//! dates, countries and `program`, and sanctions, identifications, wallets, addresses and
//! relationships become FtM entities of their own that point back to it.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::date::FuzzyDate;
use crate::entity::{Address, Entity, Gender, IdKind, Name, NameKind, RelationKind, Schema};
use crate::id::{EntityId, SourceKind};

/// Why an FtM object could not become an entity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FtmError {
    /// The JSON value is not an object.
    #[error("an FtM entity must be a JSON object")]
    NotAnObject,
    /// `id` is missing or not a non-empty string.
    #[error("the FtM entity has no usable \"id\"")]
    MissingId,
    /// `schema` is missing or not a string.
    #[error("FtM entity {0:?} has no \"schema\"")]
    MissingSchema(String),
    /// `properties` is present but not an object of string arrays.
    #[error("FtM entity {0:?} has \"properties\" that are not an object of string arrays")]
    BadProperties(String),
}

/// The id an entity gets in FtM output: OpenSanctions ids lose our `os:` prefix so that their
/// data round-trips; every other id keeps its source prefix, joined with a dot (`ofac.43377`,
/// `un.QDi.290`), because FtM entity references allow only letters, digits, dots and hyphens.
/// Any other character of the local part becomes a hyphen.
pub fn ftm_id(id: &EntityId) -> String {
    match id.source() {
        SourceKind::OpenSanctions => id.local().to_string(),
        s => {
            let local: String = id
                .local()
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect();
            let local = local.trim_end_matches(['.', '-']);
            format!(
                "{}.{}",
                s.prefix(),
                if local.is_empty() { "0" } else { local }
            )
        }
    }
}

/// The entity id of an FtM id: one of our own ids (`ofac.43377`, or the older `ofac:43377`)
/// becomes ours again, anything else is an OpenSanctions id and gets `os:`.
pub fn entity_id_from_ftm(raw: &str) -> Option<EntityId> {
    if let Ok(id) = EntityId::parse(raw)
        && id.source() != SourceKind::OpenSanctions
    {
        return Some(id);
    }
    // `ofac-cons.` before `ofac.`: the longer prefix first.
    for s in [
        SourceKind::OfacCons,
        SourceKind::Ofac,
        SourceKind::Un,
        SourceKind::Eu,
        SourceKind::Uk,
    ] {
        if let Some(local) = raw
            .strip_prefix(s.prefix())
            .and_then(|r| r.strip_prefix('.'))
            && let Ok(id) = EntityId::new(s, local)
        {
            return Some(id);
        }
    }
    EntityId::new(SourceKind::OpenSanctions, raw).ok()
}

/// Builds an entity from one FtM JSON object.
pub fn from_ftm(value: Value) -> Result<Entity, FtmError> {
    let Value::Object(mut obj) = value else {
        return Err(FtmError::NotAnObject);
    };
    let raw_id = match obj.remove("id") {
        Some(Value::String(s)) if !s.trim().is_empty() => s,
        _ => return Err(FtmError::MissingId),
    };
    let id = entity_id_from_ftm(&raw_id).ok_or(FtmError::MissingId)?;
    let schema = match obj.remove("schema") {
        Some(Value::String(s)) => Schema::from(s),
        _ => return Err(FtmError::MissingSchema(raw_id)),
    };
    let props = match obj.remove("properties") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m,
        Some(_) => return Err(FtmError::BadProperties(raw_id)),
    };
    let mut e = Entity::new(id, schema);
    for (prop, values) in props {
        let Value::Array(values) = values else {
            return Err(FtmError::BadProperties(raw_id));
        };
        for v in values {
            let Value::String(v) = v else {
                return Err(FtmError::BadProperties(raw_id));
            };
            take_property(&mut e, &prop, v);
        }
    }
    e.meta = obj.into_iter().collect();
    Ok(e)
}

fn take_property(e: &mut Entity, prop: &str, v: String) {
    let name_kind = match prop {
        "name" => Some(NameKind::Primary),
        "alias" => Some(NameKind::Alias),
        "weakAlias" => Some(NameKind::WeakAlias),
        "previousName" => Some(NameKind::Previous),
        _ => None,
    };
    if let Some(kind) = name_kind {
        e.add_name(Name::new(v, kind));
        return;
    }
    match prop {
        "birthDate" | "deathDate" => match FuzzyDate::parse(&v) {
            Some(d) if d.to_string() == v => {
                let field = if prop == "birthDate" {
                    &mut e.birth_dates
                } else {
                    &mut e.death_dates
                };
                Entity::push_unique(field, d);
            }
            _ => e.add_extra(prop, v),
        },
        "birthPlace" => Entity::push_unique(&mut e.birth_places, v),
        "nationality" => Entity::push_unique(&mut e.nationalities, v),
        "citizenship" => Entity::push_unique(&mut e.citizenships, v),
        "country" => Entity::push_unique(&mut e.countries, v),
        "gender" => match Gender::parse(&v) {
            Some(g) if g.ftm() == v && e.gender.is_none() => e.gender = Some(g),
            _ => e.add_extra(prop, v),
        },
        "position" => Entity::push_unique(&mut e.positions, v),
        "email" => Entity::push_unique(&mut e.emails, v),
        "phone" => Entity::push_unique(&mut e.phones, v),
        "website" => Entity::push_unique(&mut e.websites, v),
        "notes" => Entity::push_unique(&mut e.notes, v),
        _ => e.add_extra(prop, v),
    }
}

/// Accumulates FtM properties in insertion order without duplicate values.
#[derive(Default)]
struct Props(BTreeMap<String, Vec<String>>);

impl Props {
    fn add(&mut self, prop: &str, value: &str) {
        if value.trim().is_empty() {
            return;
        }
        let v = self.0.entry(prop.to_string()).or_default();
        if !v.iter().any(|x| x == value) {
            v.push(value.to_string());
        }
    }

    fn into_value(self) -> Value {
        Value::Object(
            self.0
                .into_iter()
                .map(|(k, v)| (k, Value::Array(v.into_iter().map(Value::String).collect())))
                .collect(),
        )
    }
}

/// Keeps only properties the schema defines: a source field without an FtM property of that
/// name moves to the property FtM has for it (`mmsiNumber` → `mmsi`, a vessel's or aircraft's
/// `idNumber` → `registrationNumber`), or else into `notes` as `field: value`, so nothing is
/// lost and every exported entity is valid FtM. Schemata outside the table pass unchanged.
fn defined_only(schema: &str, props: Props) -> Props {
    use crate::ftm_schema::defines;
    if defines(schema, "name").is_none() {
        return props;
    }
    let mut out = Props::default();
    for (k, vs) in props.0 {
        // Entity references that sources give as names, and texts FtM cannot type.
        let as_note = |v: &str| match k.as_str() {
            "operator" | "owner" | "parent" => true,
            "phone" => !v.starts_with('+'),
            "website" => v.contains(char::is_whitespace),
            _ => false,
        };
        let target = if defines(schema, &k) == Some(true) {
            Some(k.as_str())
        } else {
            match k.as_str() {
                "mmsiNumber" => Some("mmsi"),
                "idNumber" | "imoNumber" | "taxNumber" => Some("registrationNumber"),
                "passportNumber" | "nationality" | "citizenship" => None,
                _ => None,
            }
            .filter(|t| defines(schema, t) == Some(true))
        };
        for v in vs {
            match target {
                Some(t) if !as_note(&v) => out.add(t, &v),
                _ => out.add("notes", &format!("{k}: {v}")),
            }
        }
    }
    out
}

fn object(id: String, schema: &str, props: Props) -> Value {
    json!({ "id": id, "schema": schema, "properties": props.into_value() })
}

/// The properties of an entity's own FtM object (the first object [`to_ftm`] returns), without
/// building its child entities: a service that returns matched entities flat needs only these,
/// and building every sanction, identification and address object first cost a `/match`
/// answer more than a fifth of its instructions.
pub fn main_properties(e: &Entity) -> BTreeMap<String, Vec<String>> {
    let mut p = own_properties(e);
    for i in 0..e.addresses.len() {
        p.add(
            "addressEntity",
            &ftm_id(&e.id.child("addr", &i.to_string())),
        );
    }
    for r in &e.relations {
        if r.target_id.is_none()
            && let Some(name) = &r.target_name
        {
            p.add("notes", &format!("{}: {name}", relation_label(r.kind)));
        }
    }
    p.0
}

/// The main object's properties taken from the entity's own fields, kept to the schema's
/// properties; [`main_properties`] adds the references to its address and relation children.
fn own_properties(e: &Entity) -> Props {
    let mut p = Props::default();
    for n in &e.names {
        p.add(n.kind.ftm_property(), &n.full);
        for (k, v) in n.parts.ftm_pairs() {
            p.add(k, v);
        }
    }
    for d in &e.birth_dates {
        for v in d.ftm_values() {
            p.add("birthDate", &v);
        }
    }
    for d in &e.death_dates {
        for v in d.ftm_values() {
            p.add("deathDate", &v);
        }
    }
    for (prop, vals) in [
        ("birthPlace", &e.birth_places),
        ("nationality", &e.nationalities),
        ("citizenship", &e.citizenships),
        ("country", &e.countries),
        ("position", &e.positions),
        ("email", &e.emails),
        ("phone", &e.phones),
        ("website", &e.websites),
        ("notes", &e.notes),
    ] {
        for v in vals {
            p.add(prop, v);
        }
    }
    if let Some(g) = e.gender {
        p.add("gender", g.ftm());
    }
    for prog in e.programs() {
        p.add("program", prog);
    }
    if !e.sanctions.is_empty() {
        p.add("topics", "sanction");
    }
    for id in &e.identifications {
        let prop = match (id.kind, &e.schema) {
            (IdKind::Passport, Schema::Person) => "passportNumber",
            (IdKind::Imo, _) => "imoNumber",
            (IdKind::Tax, _) => "taxNumber",
            (IdKind::Registration, Schema::Person) => "idNumber",
            (IdKind::Registration, _) => "registrationNumber",
            _ => "idNumber",
        };
        p.add(prop, &id.number);
    }
    for a in &e.addresses {
        p.add("address", &a.one_line());
    }
    for (k, vs) in &e.extra {
        for v in vs {
            p.add(k, v);
        }
    }
    defined_only(e.schema.name(), p)
}

/// Converts an entity into FtM objects: the entity itself first, then its sanctions,
/// identifications, wallets, addresses and relationships as entities of their own.
pub fn to_ftm(e: &Entity) -> Vec<Value> {
    let main_id = ftm_id(&e.id);
    let p = Props(main_properties(e));
    let mut out = Vec::new();
    let mut children = Vec::new();

    for (i, s) in e.sanctions.iter().enumerate() {
        let mut sp = Props::default();
        sp.add("entity", &main_id);
        sp.add("authority", &s.authority);
        for prog in &s.programs {
            sp.add("program", prog);
        }
        if let Some(d) = &s.listing_date {
            sp.add("listingDate", &d.start.to_string());
        }
        if let Some(a) = &s.authority_id {
            sp.add("authorityId", a);
        }
        if let Some(r) = &s.reason {
            sp.add("reason", r);
        }
        for pr in &s.provisions {
            sp.add("provisions", pr);
        }
        // `list` names the authority's list ("SDN", "UN List"): FtM's `sourceUrl` takes URLs
        // only, and `publisher` says which publication the designation comes from.
        if let Some(l) = &s.list {
            if l.starts_with("https://") || l.starts_with("http://") {
                sp.add("sourceUrl", l);
            } else {
                sp.add("publisher", l);
            }
        }
        if let Some(r) = &s.remarks {
            sp.add("summary", r);
        }
        children.push(object(
            ftm_id(&e.id.child("sanction", &i.to_string())),
            "Sanction",
            sp,
        ));
    }
    for (i, id) in e.identifications.iter().enumerate() {
        let mut ip = Props::default();
        ip.add("holder", &main_id);
        ip.add("type", &id.label);
        ip.add("number", &id.number);
        if let Some(c) = &id.country {
            ip.add("country", c);
        }
        if let Some(d) = &id.issued {
            ip.add("startDate", &d.start.to_string());
        }
        if let Some(d) = &id.expires {
            ip.add("endDate", &d.start.to_string());
        }
        if let Some(n) = &id.note {
            ip.add("summary", n);
        }
        let schema = if id.kind == IdKind::Passport {
            "Passport"
        } else {
            "Identification"
        };
        children.push(object(
            ftm_id(&e.id.child("id", &i.to_string())),
            schema,
            ip,
        ));
    }
    for w in &e.wallets {
        let mut wp = Props::default();
        wp.add("holder", &main_id);
        wp.add("publicKey", &w.address);
        wp.add("currency", &w.currency);
        children.push(object(
            ftm_id(&e.id.child("wallet", &w.address)),
            "CryptoWallet",
            wp,
        ));
    }
    for (i, a) in e.addresses.iter().enumerate() {
        let aid = ftm_id(&e.id.child("addr", &i.to_string()));
        children.push(object(aid, "Address", address_props(a)));
    }
    for (i, r) in e.relations.iter().enumerate() {
        // A relation without a target id is a note of the main object (`main_properties`).
        let Some(target) = &r.target_id else {
            continue;
        };
        let target = ftm_id(target);
        let mut rp = Props::default();
        let schema = match r.kind {
            RelationKind::OwnedBy => {
                rp.add("owner", &target);
                rp.add("asset", &main_id);
                "Ownership"
            }
            RelationKind::Owns => {
                rp.add("owner", &main_id);
                rp.add("asset", &target);
                "Ownership"
            }
            RelationKind::Associate => {
                rp.add("person", &main_id);
                rp.add("associate", &target);
                "Associate"
            }
            RelationKind::Family => {
                rp.add("person", &main_id);
                rp.add("relative", &target);
                "Family"
            }
            RelationKind::LinkedTo | RelationKind::Other => {
                rp.add("subject", &main_id);
                rp.add("object", &target);
                rp.add("role", relation_label(r.kind));
                "UnknownLink"
            }
        };
        if let Some(n) = &r.note {
            // Associate and Family say `relationship`; the others only have `description`.
            let prop = match crate::ftm_schema::defines(schema, "relationship") {
                Some(true) => "relationship",
                _ => "description",
            };
            rp.add(prop, n);
        }
        children.push(object(
            ftm_id(&e.id.child("rel", &i.to_string())),
            schema,
            rp,
        ));
    }

    let mut main = object(main_id, e.schema.name(), p);
    if let Value::Object(m) = &mut main {
        for (k, v) in &e.meta {
            m.insert(k.clone(), v.clone());
        }
    }
    out.push(main);
    out.extend(children);
    out
}

fn relation_label(k: RelationKind) -> &'static str {
    match k {
        RelationKind::LinkedTo => "Linked To",
        RelationKind::OwnedBy => "Owned or controlled by",
        RelationKind::Owns => "Owns",
        RelationKind::Associate => "Associate",
        RelationKind::Family => "Family",
        RelationKind::Other => "Related",
    }
}

fn address_props(a: &Address) -> Props {
    let mut p = Props::default();
    p.add("full", &a.one_line());
    for (k, v) in [
        ("street", &a.street),
        ("city", &a.city),
        ("region", &a.region),
        ("postalCode", &a.postal_code),
        ("country", &a.country),
    ] {
        if let Some(v) = v {
            p.add(k, v);
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PartialDate;
    use crate::entity::{Sanction, Wallet};

    /// Sorts property values so that round-trip comparisons ignore value order.
    fn canonical(mut v: Value) -> Value {
        if let Some(Value::Object(props)) = v.get_mut("properties") {
            for vals in props.values_mut() {
                if let Value::Array(a) = vals {
                    a.sort_by_key(|x| x.to_string());
                }
            }
        }
        v
    }

    #[test]
    fn ftm_round_trip_is_lossless() {
        let input = json!({
            "id": "NK-abc", "schema": "Person", "caption": "Ivan",
            "datasets": ["eu_fsf"], "first_seen": "2024-01-01T00:00:00", "target": true,
            "properties": {
                "name": ["Ivan Petrov"], "alias": ["Иван Петров"], "weakAlias": ["Vanya"],
                "birthDate": ["1970-01-02", "1971"], "nationality": ["ru"], "gender": ["male"],
                "firstName": ["Ivan"], "topics": ["sanction"], "deathDate": ["1999-02-31T10"],
                "notes": ["A note."]
            }
        });
        let e = from_ftm(input.clone()).unwrap();
        assert_eq!(e.id.as_str(), "os:NK-abc");
        assert_eq!(e.names.len(), 3);
        assert_eq!(e.birth_dates.len(), 2);
        let out = to_ftm(&e);
        assert_eq!(out.len(), 1);
        assert_eq!(canonical(out[0].clone()), canonical(input));
    }

    #[test]
    fn own_entities_export_with_children() {
        let id = EntityId::parse("ofac:43377").unwrap();
        let mut e = Entity::new(id, Schema::Person);
        e.add_name(Name::new("KIM, Sang Man", NameKind::Primary));
        e.birth_dates.push(FuzzyDate::exact(
            PartialDate::new(1965, Some(4), Some(25)).unwrap(),
        ));
        e.nationalities.push("kp".into());
        e.gender = Some(Gender::Male);
        e.sanctions.push(Sanction {
            authority: "OFAC".into(),
            programs: vec!["DPRK4".into()],
            ..Sanction::default()
        });
        e.wallets.push(Wallet {
            currency: "XBT".into(),
            address: "1abc".into(),
        });
        let out = to_ftm(&e);
        assert_eq!(out.len(), 3);
        let p = &out[0]["properties"];
        assert_eq!(out[0]["id"], "ofac.43377");
        assert_eq!(p["birthDate"], json!(["1965-04-25"]));
        assert_eq!(p["program"], json!(["DPRK4"]));
        assert_eq!(out[1]["schema"], "Sanction");
        assert_eq!(out[1]["properties"]["entity"], json!(["ofac.43377"]));
        assert_eq!(out[2]["schema"], "CryptoWallet");
        assert_eq!(out[2]["properties"]["publicKey"], json!(["1abc"]));
        // Re-importing our own export keeps our id.
        let back = from_ftm(out[0].clone()).unwrap();
        assert_eq!(back.id.as_str(), "ofac:43377");
    }

    #[test]
    fn main_properties_are_the_main_objects_properties() {
        use crate::entity::{Address, Relation};
        let mut e = Entity::new(EntityId::parse("ofac:7").unwrap(), Schema::Organization);
        e.add_name(Name::new("ACME TRADING", NameKind::Primary));
        e.notes.push("Own note.".into());
        e.addresses.push(Address {
            city: Some("Pyongyang".into()),
            country: Some("kp".into()),
            ..Address::default()
        });
        e.relations.push(Relation {
            kind: RelationKind::LinkedTo,
            target_id: None,
            target_name: Some("BETA LLC".into()),
            note: None,
        });
        e.relations.push(Relation {
            kind: RelationKind::OwnedBy,
            target_id: Some(EntityId::parse("ofac:8").unwrap()),
            target_name: None,
            note: None,
        });
        e.sanctions.push(Sanction {
            authority: "OFAC".into(),
            programs: vec!["DPRK".into()],
            ..Sanction::default()
        });
        let main = main_properties(&e);
        assert_eq!(main["addressEntity"], ["ofac.7-addr-0"]);
        assert_eq!(main["notes"], ["Own note.", "Linked To: BETA LLC"]);
        assert_eq!(main["topics"], ["sanction"]);
        let out = to_ftm(&e);
        assert_eq!(out[0]["properties"], json!(main));
        // Address, sanction and ownership children.
        assert_eq!(out.len(), 4);
    }

    #[test]
    fn rejects_malformed_objects() {
        assert_eq!(from_ftm(json!([1])), Err(FtmError::NotAnObject));
        assert_eq!(
            from_ftm(json!({"schema": "Person"})),
            Err(FtmError::MissingId)
        );
        assert_eq!(
            from_ftm(json!({"id": "x"})),
            Err(FtmError::MissingSchema("x".into()))
        );
        assert_eq!(
            from_ftm(json!({"id": "x", "schema": "Person", "properties": {"name": "a"}})),
            Err(FtmError::BadProperties("x".into()))
        );
    }
}
