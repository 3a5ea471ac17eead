//! Entities and the records that hang off them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::date::FuzzyDate;
use crate::id::EntityId;
use crate::script::Script;

/// The FtM schema of an entity.
///
/// The matchable schemata that screening indexes have variants of their own; the auxiliary
/// schemata that FtM data carries (Sanction, Address, Ownership, …) are kept as
/// [`Schema::Other`] with their FtM name so that FtM files round-trip.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Schema {
    /// A natural person.
    Person,
    /// An organisation that is not known to be a company (a government body, a group, a party).
    Organization,
    /// A registered company.
    Company,
    /// Any legal person or body whose kind the source does not give.
    LegalEntity,
    /// A ship.
    Vessel,
    /// An aircraft.
    Airplane,
    /// A cryptocurrency wallet, identified by its public key (address).
    CryptoWallet,
    /// Any other FtM schema, by its FtM name.
    Other(String),
}

impl Schema {
    /// The FtM name of the schema.
    pub fn name(&self) -> &str {
        match self {
            Schema::Person => "Person",
            Schema::Organization => "Organization",
            Schema::Company => "Company",
            Schema::LegalEntity => "LegalEntity",
            Schema::Vessel => "Vessel",
            Schema::Airplane => "Airplane",
            Schema::CryptoWallet => "CryptoWallet",
            Schema::Other(s) => s,
        }
    }

    /// Whether name screening indexes entities of this schema.
    pub fn is_matchable(&self) -> bool {
        !matches!(self, Schema::Other(_) | Schema::CryptoWallet)
    }

    /// Whether an entity of this schema can be the same real-world thing as one of `other`.
    ///
    /// A person never matches a vessel; organisations, companies and legal entities match each
    /// other because lists disagree about which of them a body is.
    pub fn compatible(&self, other: &Schema) -> bool {
        use Schema::*;
        let org = |s: &Schema| matches!(s, Organization | Company | LegalEntity);
        match (self, other) {
            (a, b) if a == b => true,
            (LegalEntity, Person) | (Person, LegalEntity) => true,
            (a, b) => org(a) && org(b),
        }
    }
}

impl From<String> for Schema {
    fn from(s: String) -> Schema {
        match s.as_str() {
            "Person" => Schema::Person,
            "Organization" => Schema::Organization,
            "Company" => Schema::Company,
            "LegalEntity" => Schema::LegalEntity,
            "Vessel" => Schema::Vessel,
            "Airplane" => Schema::Airplane,
            "CryptoWallet" => Schema::CryptoWallet,
            _ => Schema::Other(s),
        }
    }
}

impl From<Schema> for String {
    fn from(s: Schema) -> String {
        s.name().to_string()
    }
}

/// What role a name plays for its entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub enum NameKind {
    /// The name the list files the entity under (FtM `name`).
    Primary,
    /// A strong alias ("a.k.a."; FtM `alias`).
    Alias,
    /// A weak alias: too broad to match on, only to confirm (FtM `weakAlias`).
    WeakAlias,
    /// A former name ("f.k.a."; FtM `previousName`).
    Previous,
    /// A new name ("n.k.a."); FtM has no property of its own, so it exports as `alias`.
    Now,
}

impl NameKind {
    /// The kind's name as it is serialised: `primary`, `alias`, `weak_alias`, `previous`, `now`.
    pub fn as_str(self) -> &'static str {
        match self {
            NameKind::Primary => "primary",
            NameKind::Alias => "alias",
            NameKind::WeakAlias => "weak_alias",
            NameKind::Previous => "previous",
            NameKind::Now => "now",
        }
    }

    /// The FtM property a name of this kind exports to.
    pub fn ftm_property(self) -> &'static str {
        match self {
            NameKind::Primary => "name",
            NameKind::Alias | NameKind::Now => "alias",
            NameKind::WeakAlias => "weakAlias",
            NameKind::Previous => "previousName",
        }
    }
}

/// The parts of a person's name where the source gives them separately.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NameParts {
    /// Honorific or title ("Dr", "General").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Given (first) name(s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given: Option<String>,
    /// Middle name(s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle: Option<String>,
    /// Family name (surname).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// Patronymic (father's name), as in Russian or Arabic names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patronymic: Option<String>,
    /// Matronymic (mother's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matronymic: Option<String>,
    /// Generational or other suffix ("Jr", "III").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
}

impl NameParts {
    /// Whether no part is set.
    pub fn is_empty(&self) -> bool {
        self == &NameParts::default()
    }

    /// The parts as (FtM property, value) pairs, in FtM order.
    pub fn ftm_pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("title", &self.title),
            ("firstName", &self.given),
            ("middleName", &self.middle),
            ("lastName", &self.family),
            ("fatherName", &self.patronymic),
            ("motherName", &self.matronymic),
            ("nameSuffix", &self.suffix),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
        .collect()
    }
}

/// One name of an entity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Name {
    /// The name as the source spells it.
    pub full: String,
    /// Its role.
    pub kind: NameKind,
    /// Its parts, when the source gives them.
    #[serde(default, skip_serializing_if = "NameParts::is_empty")]
    pub parts: NameParts,
    /// The script it is written in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<Script>,
    /// The language, when the source says (ISO 639 code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

impl Name {
    /// A name with its script detected and no parts.
    pub fn new(full: impl Into<String>, kind: NameKind) -> Name {
        let full = full.into();
        let script = Script::detect(&full);
        Name {
            full,
            kind,
            parts: NameParts::default(),
            script,
            lang: None,
        }
    }

    /// The same name with parts attached.
    pub fn with_parts(mut self, parts: NameParts) -> Name {
        self.parts = parts;
        self
    }
}

/// A person's gender as lists state it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    /// Male.
    Male,
    /// Female.
    Female,
    /// Any other value the source gives.
    Other,
}

impl Gender {
    /// Parses the spellings lists use ("Male", "M", "female", …).
    pub fn parse(s: &str) -> Option<Gender> {
        match s.trim().to_ascii_lowercase().as_str() {
            "male" | "m" | "man" => Some(Gender::Male),
            "female" | "f" | "woman" => Some(Gender::Female),
            "" => None,
            _ => Some(Gender::Other),
        }
    }

    /// The FtM value.
    pub fn ftm(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
            Gender::Other => "other",
        }
    }
}

/// The kind of an identification document or number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    /// A passport.
    Passport,
    /// A national identity card or number.
    NationalId,
    /// A tax number.
    Tax,
    /// A company or other registration number.
    Registration,
    /// A vessel's IMO number.
    Imo,
    /// An aircraft's registration or serial number.
    Aircraft,
    /// Anything else; the label says what.
    Other,
}

/// An identification document or number held by an entity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Identification {
    /// The kind, as far as we can tell.
    pub kind: IdKind,
    /// The source's own label ("Passport", "National ID No.", "SWIFT/BIC").
    pub label: String,
    /// The number as printed.
    pub number: String,
    /// The issuing country (alpha-2, lower case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Issue date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<FuzzyDate>,
    /// Expiry date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<FuzzyDate>,
    /// Any remark the source attaches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A postal address.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Address {
    /// The whole address as one line, when the source gives it that way or we joined it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full: Option<String>,
    /// Street and number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// City or town.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State, province or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Country (alpha-2, lower case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

impl Address {
    /// The address as one line: `full`, or the parts joined with commas.
    pub fn one_line(&self) -> String {
        if let Some(f) = &self.full {
            return f.clone();
        }
        [&self.street, &self.city, &self.region, &self.postal_code]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .chain(self.country.as_deref())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A sanctions designation of an entity.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Sanction {
    /// Who imposed it ("OFAC", "UN Security Council", "EU", "UK").
    pub authority: String,
    /// The list within that authority ("SDN", "NS-MBS", …), when there are several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    /// The programs or regimes ("DPRK3", "RUSSIA-EO14024", "DPRK").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<String>,
    /// The date of listing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing_date: Option<FuzzyDate>,
    /// The authority's own id of the designation (OFAC ent_num, UN reference number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority_id: Option<String>,
    /// Reason or narrative for the listing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Scope notes such as "Secondary sanctions risk: …".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provisions: Vec<String>,
    /// The source's free-text remarks, kept verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

/// A cryptocurrency address that the entity holds according to the list.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Wallet {
    /// The currency code as the list gives it (OFAC's XBT, ETH, USDT …).
    pub currency: String,
    /// The address as printed.
    pub address: String,
}

/// The kind of a relationship between two entities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// OFAC "Linked To:": some connection the list does not qualify (FtM `UnknownLink`).
    LinkedTo,
    /// This entity is owned or controlled by the target (FtM `Ownership`, as asset).
    OwnedBy,
    /// This entity owns the target (FtM `Ownership`, as owner).
    Owns,
    /// A personal associate (FtM `Associate`).
    Associate,
    /// A family member (FtM `Family`).
    Family,
    /// Any other relationship; the note says what.
    Other,
}

/// A relationship to another entity, named by id when the source gives one, else by name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Relation {
    /// What kind of relationship.
    pub kind: RelationKind,
    /// The other entity, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_id: Option<EntityId>,
    /// The other entity's name as the source writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_name: Option<String>,
    /// Further detail ("father", "director").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A listed person, organisation, vessel, aircraft or wallet, or an auxiliary FtM record.
///
/// Fields hold values in a normalised form (country codes lower-case alpha-2, dates with their
/// precision); the source's own spellings of names and numbers are kept as they are. Vectors are
/// in source order and free of exact duplicates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// Stable id with source prefix.
    pub id: EntityId,
    /// FtM schema.
    pub schema: Schema,
    /// Every name, primary first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<Name>,
    /// Birth dates (persons) or build/incorporation dates stay in `extra`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub birth_dates: Vec<FuzzyDate>,
    /// Death dates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub death_dates: Vec<FuzzyDate>,
    /// Places of birth as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub birth_places: Vec<String>,
    /// Nationalities (alpha-2, lower case).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nationalities: Vec<String>,
    /// Citizenships (alpha-2, lower case).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citizenships: Vec<String>,
    /// Other country links: jurisdiction, registration, main country, vessel flag (alpha-2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
    /// Gender (persons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    /// Positions, titles and occupations as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub positions: Vec<String>,
    /// Documents and numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifications: Vec<Identification>,
    /// Addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Address>,
    /// Designations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sanctions: Vec<Sanction>,
    /// Crypto addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wallets: Vec<Wallet>,
    /// Relationships to other entities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<Relation>,
    /// E-mail addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
    /// Phone numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<String>,
    /// Websites.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub websites: Vec<String>,
    /// Free-text notes that no structured field took.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Every other FtM property, by FtM name, values verbatim (vessel IMO, flag, tonnage, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, Vec<String>>,
    /// FtM top-level metadata of entities loaded from FtM (datasets, first_seen, …), verbatim.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub meta: BTreeMap<String, serde_json::Value>,
}

impl Entity {
    /// An entity with only an id and schema.
    pub fn new(id: EntityId, schema: Schema) -> Entity {
        Entity {
            id,
            schema,
            names: Vec::new(),
            birth_dates: Vec::new(),
            death_dates: Vec::new(),
            birth_places: Vec::new(),
            nationalities: Vec::new(),
            citizenships: Vec::new(),
            countries: Vec::new(),
            gender: None,
            positions: Vec::new(),
            identifications: Vec::new(),
            addresses: Vec::new(),
            sanctions: Vec::new(),
            wallets: Vec::new(),
            relations: Vec::new(),
            emails: Vec::new(),
            phones: Vec::new(),
            websites: Vec::new(),
            notes: Vec::new(),
            extra: BTreeMap::new(),
            meta: BTreeMap::new(),
        }
    }

    /// The primary name, or the first name of any kind.
    pub fn caption(&self) -> &str {
        self.names
            .iter()
            .find(|n| n.kind == NameKind::Primary)
            .or_else(|| self.names.first())
            .map(|n| n.full.as_str())
            .unwrap_or("")
    }

    /// Adds a name unless the same spelling of the same kind is already there.
    pub fn add_name(&mut self, name: Name) {
        if !self
            .names
            .iter()
            .any(|n| n.full == name.full && n.kind == name.kind)
        {
            self.names.push(name);
        }
    }

    /// Every program of every sanction, sorted and deduplicated.
    pub fn programs(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .sanctions
            .iter()
            .flat_map(|s| s.programs.iter().map(String::as_str))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Adds a value to a vector field unless it is already there, keeping source order.
    pub fn push_unique<T: PartialEq>(field: &mut Vec<T>, value: T) {
        if !field.contains(&value) {
            field.push(value);
        }
    }

    /// Adds a value to an `extra` FtM property unless it is already there.
    pub fn add_extra(&mut self, prop: &str, value: impl Into<String>) {
        let value = value.into();
        if value.trim().is_empty() {
            return;
        }
        let v = self.extra.entry(prop.to_string()).or_default();
        if !v.contains(&value) {
            v.push(value);
        }
    }

    /// Merges another record of the same entity into this one (used when a source lists an
    /// entity across several rows or files). Values already present are not repeated.
    pub fn merge(&mut self, other: Entity) {
        for n in other.names {
            self.add_name(n);
        }
        macro_rules! merge_vec {
            ($($f:ident),*) => {$(
                for v in other.$f {
                    Entity::push_unique(&mut self.$f, v);
                }
            )*};
        }
        merge_vec!(
            birth_dates,
            death_dates,
            birth_places,
            nationalities,
            citizenships,
            countries,
            positions,
            identifications,
            addresses,
            sanctions,
            wallets,
            relations,
            emails,
            phones,
            websites,
            notes
        );
        if self.gender.is_none() {
            self.gender = other.gender;
        }
        for (k, vs) in other.extra {
            for v in vs {
                self.add_extra(&k, v);
            }
        }
        for (k, v) in other.meta {
            self.meta.entry(k).or_insert(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_kind_names_are_their_serialised_form() {
        for kind in [
            NameKind::Primary,
            NameKind::Alias,
            NameKind::WeakAlias,
            NameKind::Previous,
            NameKind::Now,
        ] {
            assert_eq!(
                serde_json::to_value(kind).ok(),
                Some(serde_json::Value::String(kind.as_str().to_owned()))
            );
        }
    }

    #[test]
    fn schema_compatibility() {
        assert!(Schema::Person.compatible(&Schema::Person));
        assert!(!Schema::Person.compatible(&Schema::Vessel));
        assert!(Schema::Company.compatible(&Schema::Organization));
        assert!(Schema::LegalEntity.compatible(&Schema::Person));
        assert!(!Schema::Airplane.compatible(&Schema::Company));
    }

    #[test]
    fn merge_keeps_order_and_drops_duplicates() {
        let id = crate::EntityId::parse("ofac:1").unwrap();
        let mut a = Entity::new(id.clone(), Schema::Person);
        a.add_name(Name::new("KIM, Sang Man", NameKind::Primary));
        a.nationalities.push("kp".into());
        let mut b = Entity::new(id, Schema::Person);
        b.add_name(Name::new("KIM, Sang Man", NameKind::Primary));
        b.add_name(Name::new("KIM, Sang-man", NameKind::Alias));
        b.nationalities.push("kp".into());
        b.nationalities.push("cn".into());
        a.merge(b);
        assert_eq!(a.names.len(), 2);
        assert_eq!(a.nationalities, vec!["kp", "cn"]);
    }
}
