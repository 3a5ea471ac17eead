//! UK Sanctions List (FCDO) and OFSI consolidated list, XML and CSV.
//!
//! Four layouts are read:
//!
//! * the UK Sanctions List XML: `<Designations>` with one `<Designation>` per designation
//!   (`UniqueID`, `Names/Name/{Name1…Name6, NameType, AliasStrength}`, `NonLatinNames`,
//!   `RegimeName`, `IndividualEntityShip`, `Addresses`, `IndividualDetails`, `EntityDetails`,
//!   `ShipDetails`, …);
//! * the UK Sanctions List CSV: a `Report Date:` line, a header (`Last Updated, Unique ID,
//!   OFSI Group ID, …, Name 6, Name 1 … Name 5, Name type, Alias strength, …`) and one row per
//!   name or address of a designation;
//! * the older OFSI consolidated list ConList CSV (`Last Updated,<date>` line, header
//!   `Name 6, Name 1 … Name 5, Title, … Group Type, Alias Type, … Group ID`) and its XML form
//!   (`ArrayOfFinancialSanctionsTarget/FinancialSanctionsTarget`), one row per name and address.
//!
//! Ids are `uk:<Unique ID>`; the ConList has no Unique ID, so its entities are `uk:<Group ID>`.
//! Rows that share an id form one entity. Names 1–5 are given and middle names and Name 6 the
//! family name (or the whole name of an entity or ship). Dates are `dd/mm/yyyy` where `00` (or
//! `dd`/`mm`) stands for an unknown day or month, which gives a date of lower precision.

use std::collections::HashMap;

use model::country;
use model::{
    Address, Diagnostic, Entity, EntityId, FuzzyDate, Gender, IdKind, Identification, Name,
    NameKind, NameParts, PartialDate, Relation, RelationKind, Sanction, Schema, Severity,
    SourceKind,
};

use crate::xml_util::{self, Node};
use crate::{IngestError, Input, Parsed, text};

/// Parses the XML form: the UK Sanctions List (`Designations`) or the OFSI consolidated list
/// (`ArrayOfFinancialSanctionsTarget`).
pub fn parse_xml(input: &Input<'_>) -> Result<Parsed, IngestError> {
    let mut diags = Vec::new();
    let mut acc = Acc::new(input.name);
    let body = text::strip_bom(input.bytes);
    let is_conlist = body
        .windows(b"FinancialSanctionsTarget".len())
        .take(64 * 1024)
        .any(|w| w == b"FinancialSanctionsTarget");
    let scan = if is_conlist {
        xml_util::scan(
            input,
            &[
                "ArrayOfFinancialSanctionsTarget",
                "FinancialSanctionsTargets",
            ],
            "FinancialSanctionsTarget",
            &mut diags,
            |node| {
                let fields: HashMap<String, &str> = node
                    .children
                    .iter()
                    .map(|c| (norm(&c.name), c.text.trim()))
                    .filter(|(_, v)| !v.is_empty())
                    .collect();
                let at = Loc::Byte(node.offset);
                acc.row(at, true, |k| fields.get(k).copied());
            },
        )?
    } else {
        xml_util::scan(
            input,
            &["Designations"],
            "Designation",
            &mut diags,
            |node| {
                acc.designation(&node);
            },
        )?
    };
    let publish_date = scan
        .header
        .iter()
        .find(|h| h.name == "DateGenerated" || h.name == "DateOfGeneration")
        .and_then(|h| date(h.text.trim()))
        .or_else(|| scan.root.attr("DateGenerated").and_then(date))
        .map(|d| d.start);
    diags.extend(acc.diags);
    diags.sort_by_key(|d| d.location.clone());
    Ok(Parsed {
        entities: finish(acc.entities),
        diagnostics: diags,
        publish_date,
        ..Parsed::default()
    })
}

/// Parses the CSV form: the UK Sanctions List CSV (with `Unique ID`) or the OFSI ConList CSV
/// (with `Group ID`).
pub fn parse_csv(input: &Input<'_>) -> Result<Parsed, IngestError> {
    let body = text::strip_bom(input.bytes);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(IngestError::whole(input.name, "the file is empty"));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut record = csv::ByteRecord::new();
    let mut publish_date = None;
    let (mut cp1252, mut cp1252_rows): (Option<u64>, u64) = (None, 0);
    let mut header: Option<(u64, Vec<String>)> = None;
    // The header is the first row that names `Name 6`; rows before it are banners such as
    // `Report Date: 13-Feb-2026` or `Last Updated,03/06/2026`.
    for _ in 0..5 {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                return Err(IngestError::at_line(
                    input.name,
                    record.position().map_or(1, csv::Position::line),
                    format!("the CSV cannot be read: {e}"),
                ));
            }
        }
        let line = record.position().map_or(1, csv::Position::line);
        let fields: Vec<String> = record
            .iter()
            .map(|f| text::decode(f).0.into_owned())
            .collect();
        let normed: Vec<String> = fields.iter().map(|f| norm(f)).collect();
        if normed.iter().any(|f| f == "name6") {
            header = Some((line, normed));
            break;
        }
        publish_date = publish_date.or_else(|| banner_date(&fields));
    }
    let Some((header_line, columns)) = header else {
        return Err(IngestError::at_line(
            input.name,
            1,
            "no header row with a \"Name 6\" column in the first lines; this does not look like \
             a UK Sanctions List or OFSI ConList CSV",
        ));
    };
    let has = |c: &str| columns.iter().any(|h| h == c);
    let is_conlist = !has("uniqueid");
    let id_col = if is_conlist { "groupid" } else { "uniqueid" };
    if !has(id_col) {
        return Err(IngestError::at_line(
            input.name,
            header_line,
            "the header has neither a \"Unique ID\" column (UK Sanctions List CSV) nor a \
             \"Group ID\" column (OFSI ConList CSV)",
        ));
    }
    let index: HashMap<&str, usize> = columns
        .iter()
        .enumerate()
        .rev()
        .map(|(i, c)| (c.as_str(), i))
        .collect();

    let mut acc = Acc::new(input.name);
    let mut lines = LineCounter::default();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                acc.diags.push(Diagnostic::at_line(
                    Severity::Error,
                    input.name,
                    line,
                    format!("Reading stopped at a broken CSV record: {e}."),
                ));
                break;
            }
        }
        let line = lines.line_at(body, record.position().map_or(0, csv::Position::byte));
        if record.iter().all(|f| f.trim_ascii().is_empty()) {
            continue;
        }
        if record.len() != columns.len() {
            acc.diags.push(Diagnostic::at_line(
                Severity::Warning,
                input.name,
                line,
                format!(
                    "The row has {} fields but the header has {}; missing fields were read as empty.",
                    record.len(),
                    columns.len()
                ),
            ));
        }
        let mut lossy = false;
        let values: Vec<std::borrow::Cow<'_, str>> = record
            .iter()
            .map(|f| {
                let (v, l) = text::decode(f);
                lossy |= l;
                v
            })
            .collect();
        if lossy {
            cp1252.get_or_insert(line);
            cp1252_rows += 1;
        }
        let get = |k: &str| {
            index
                .get(k)
                .and_then(|&i| values.get(i))
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
        };
        acc.row(Loc::Line(line), is_conlist, get);
    }
    // One note for the file, not one per row: the pre-2022 ConList is Windows-1252 throughout.
    if let Some(first) = cp1252 {
        acc.diags.push(Diagnostic::at_line(
            Severity::Info,
            input.name,
            first,
            format!(
                "{cp1252_rows} rows (the first here) are not UTF-8; they were read as Windows-1252, the encoding of the pre-2022 HMT list."
            ),
        ));
    }
    let mut diagnostics = acc.diags;
    diagnostics.sort_by_key(|d| d.location.clone());
    Ok(Parsed {
        entities: finish(acc.entities),
        diagnostics,
        publish_date,
        ..Parsed::default()
    })
}

/// Line numbers from byte offsets.
///
/// The csv crate's own line count lags by one after a CRLF line end (the `\n` is consumed with
/// the next record), so the line of a record is counted from its byte offset instead, skipping
/// the line-end bytes a record position can point at.
#[derive(Default)]
struct LineCounter {
    byte: usize,
    line: u64,
}

impl LineCounter {
    fn line_at(&mut self, body: &[u8], byte: u64) -> u64 {
        let mut target = usize::try_from(byte).unwrap_or(usize::MAX).min(body.len());
        while target < body.len() && matches!(body[target], b'\r' | b'\n') {
            target += 1;
        }
        if target < self.byte {
            self.byte = 0;
            self.line = 0;
        }
        self.line += body[self.byte..target]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        self.byte = target;
        self.line + 1
    }
}

/// Where a row is, for diagnostics.
#[derive(Clone, Copy)]
enum Loc {
    Line(u64),
    Byte(u64),
}

/// Entities built so far, indexed by id so that later rows of the same id merge into them.
struct Acc<'a> {
    file: &'a str,
    entities: Vec<Entity>,
    index: HashMap<EntityId, usize>,
    diags: Vec<Diagnostic>,
}

/// Reduces a column or element name to lower-case letters and digits, so that `Name 6`,
/// `Name6` and `name6` are the same key.
fn norm(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The first present value among alternative (normalised) column names.
fn pick<'v>(get: &impl Fn(&str) -> Option<&'v str>, keys: &[&str]) -> Option<&'v str> {
    keys.iter().find_map(|k| get(k))
}

impl<'a> Acc<'a> {
    fn new(file: &'a str) -> Self {
        Acc {
            file,
            entities: Vec::new(),
            index: HashMap::new(),
            diags: Vec::new(),
        }
    }

    fn diag(&mut self, at: Loc, severity: Severity, record: Option<&EntityId>, message: String) {
        let d = match at {
            Loc::Line(l) => Diagnostic::at_line(severity, self.file, l, message),
            Loc::Byte(b) => Diagnostic::at_byte(severity, self.file, b, message),
        };
        self.diags.push(match record {
            Some(r) => d.with_record(r.as_str()),
            None => d,
        });
    }

    fn add(&mut self, mut e: Entity) {
        match self.index.get(&e.id) {
            Some(&i) => {
                // Rows of one entity repeat its designation with more or fewer columns filled
                // in; folding them into one sanction per regime avoids near-duplicates.
                let first = &mut self.entities[i];
                for s in std::mem::take(&mut e.sanctions) {
                    match first
                        .sanctions
                        .iter_mut()
                        .find(|t| t.programs == s.programs)
                    {
                        Some(t) => fold_sanction(t, s),
                        None => first.sanctions.push(s),
                    }
                }
                first.merge(e);
            }
            None => {
                self.index.insert(e.id.clone(), self.entities.len());
                self.entities.push(e);
            }
        }
    }

    /// One row of a CSV form or of the ConList XML, by normalised column name.
    fn row<'v>(&mut self, at: Loc, conlist: bool, get: impl Fn(&str) -> Option<&'v str>) {
        let id_key = if conlist { "groupid" } else { "uniqueid" };
        let Some(id) = get(id_key).and_then(|l| EntityId::new(SourceKind::Uk, l).ok()) else {
            let label = if conlist { "Group ID" } else { "Unique ID" };
            self.diag(
                at,
                Severity::Error,
                None,
                format!("A row without a usable {label} was skipped."),
            );
            return;
        };
        let kind = pick(
            &get,
            &["designationtype", "grouptype", "grouptypedescription"],
        );
        let schema = self.schema(at, &id, kind);
        let mut e = Entity::new(id.clone(), schema);
        let mut warns: Vec<String> = Vec::new();

        let parts: Vec<Option<&str>> = ["name1", "name2", "name3", "name4", "name5", "name6"]
            .iter()
            .map(|k| get(k))
            .collect();
        let name_type = pick(&get, &["nametype", "aliastype"]);
        let strength = pick(&get, &["aliasstrength", "aliasquality"]);
        add_uk_name(&mut e, &parts, name_type, strength, &mut warns);
        if let Some(nl) = get("namenonlatinscript") {
            add_non_latin(&mut e, nl, get("nonlatinscriptlanguage"));
        }
        if let Some(t) = get("title") {
            for t in split_multi(t) {
                e.add_extra("title", t);
            }
        }
        if let Some(d) = pick(&get, &["dob", "individualdateofbirth"]) {
            for d in split_multi(d) {
                add_dob(&mut e, &d, &mut warns);
            }
        }
        if let Some(n) = pick(
            &get,
            &["nationalityies", "nationality", "individualnationality"],
        ) {
            for n in split_multi(n) {
                if let Some(c) = code(&n, "nationality", &mut warns) {
                    Entity::push_unique(&mut e.nationalities, c);
                }
            }
        }
        let town = pick(&get, &["townofbirth", "individualtownofbirth"]);
        let cob = pick(&get, &["countryofbirth", "individualcountryofbirth"]);
        add_birth_place(&mut e, town, cob, &mut warns);
        if let Some(p) = pick(&get, &["passportnumber", "individualpassportnumber"]) {
            let info = pick(
                &get,
                &[
                    "passportadditionalinformation",
                    "passportdetails",
                    "individualpassportdetails",
                ],
            );
            for p in split_multi(p) {
                add_id(&mut e, IdKind::Passport, "Passport", &p, info);
            }
        }
        if let Some(n) = pick(
            &get,
            &[
                "nationalidentifiernumber",
                "nationalidentificationnumber",
                "individualninumber",
            ],
        ) {
            let info = pick(
                &get,
                &[
                    "nationalidentifieradditionalinformation",
                    "nationalidentificationdetails",
                    "individualnidetails",
                ],
            );
            for n in split_multi(n) {
                add_id(&mut e, IdKind::NationalId, "National identifier", &n, info);
            }
        }
        if let Some(p) = pick(&get, &["position", "individualposition"]) {
            for p in split_multi(p) {
                Entity::push_unique(&mut e.positions, p);
            }
        }
        if let Some(g) = pick(&get, &["gender", "individualgender"]).and_then(Gender::parse) {
            e.gender = Some(g);
        }
        let lines: Vec<Option<&str>> = (1..=6)
            .map(|i| get(&format!("addressline{i}")).or_else(|| get(&format!("address{i}"))))
            .collect();
        let post = pick(&get, &["addresspostalcode", "postzipcode", "postcode"]);
        let addr_country = pick(&get, &["addresscountry", "country"]);
        add_address(&mut e, &lines, post, addr_country, &mut warns);
        for (keys, field) in [
            (&["phonenumber"][..], 0),
            (&["emailaddress"][..], 1),
            (&["website"][..], 2),
        ] {
            if let Some(v) = pick(&get, keys) {
                add_contacts(&mut e, field, v);
            }
        }
        if let Some(t) = pick(&get, &["typeofentity", "entitytype"]) {
            e.add_extra("legalForm", t);
        }
        if let Some(r) = pick(
            &get,
            &["businessregistrationnumbers", "entitybusinessregnumber"],
        ) {
            for r in split_multi(r) {
                add_id(
                    &mut e,
                    IdKind::Registration,
                    "Business registration number",
                    &r,
                    None,
                );
            }
        }
        for (keys, kind) in [
            (
                &["parentcompany", "entityparentcompany"][..],
                RelationKind::OwnedBy,
            ),
            (
                &["subsidiaries", "entitysubsidiaries"][..],
                RelationKind::Owns,
            ),
            (
                &["currentowneroperators", "shipcurrentowners"][..],
                RelationKind::OwnedBy,
            ),
        ] {
            if let Some(v) = pick(&get, keys) {
                for name in split_multi(v) {
                    add_relation(&mut e, kind, name);
                }
            }
        }
        let ship = ShipValues {
            imo: pick(&get, &["imonumber", "shipimonumber"])
                .map(|v| vec![v])
                .unwrap_or_default(),
            flag: pick(&get, &["currentbelievedflagofship", "shipflag"])
                .map(|v| vec![v])
                .unwrap_or_default(),
            kind: pick(&get, &["typeofship", "shiptype"])
                .map(|v| vec![v])
                .unwrap_or_default(),
            tonnage: pick(&get, &["tonnageofship", "shiptonnage"])
                .map(|v| vec![v])
                .unwrap_or_default(),
            built: pick(&get, &["yearbuilt", "shipyearbuilt"])
                .map(|v| vec![v])
                .unwrap_or_default(),
            hin: get("hullidentificationnumberhin")
                .map(|v| vec![v])
                .unwrap_or_default(),
        };
        add_ship(&mut e, &ship, &mut warns);
        if let Some(un) = pick(&get, &["unreferencenumber", "unref"]) {
            e.add_extra("unscId", un);
        }
        let designated = pick(
            &get,
            &[
                "datedesignated",
                "uksanctionslistdatedesignated",
                "listedon",
                "datelisted",
            ],
        );
        let (text_ref, other) = match get("otherinformation") {
            Some(o) if conlist => split_list_ref(o),
            o => (None, o),
        };
        let authority_id = if conlist {
            get("uksanctionslistref")
                .or(text_ref)
                .or_else(|| get("groupid"))
        } else {
            get("uniqueid")
        };
        let s = sanction(
            SanctionValues {
                regime: pick(&get, &["regimename", "regime"]),
                source: pick(&get, &["designationsource", "listingtype"]),
                imposed: get("sanctionsimposed"),
                designated,
                authority_id,
                reason: get("ukstatementofreasons"),
                other,
            },
            &mut warns,
        );
        e.sanctions.push(s);
        for w in warns {
            self.diag(at, Severity::Warning, Some(&id), w);
        }
        self.add(e);
    }

    fn schema(&mut self, at: Loc, id: &EntityId, kind: Option<&str>) -> Schema {
        match kind.map(str::to_ascii_lowercase).as_deref() {
            Some("individual") => Schema::Person,
            Some("entity") => Schema::Organization,
            Some("ship") => Schema::Vessel,
            other => {
                self.diag(
                    at,
                    Severity::Warning,
                    Some(id),
                    format!(
                        "Unknown type {:?} (expected Individual, Entity or Ship); the entry was kept as a LegalEntity.",
                        other.unwrap_or("")
                    ),
                );
                Schema::LegalEntity
            }
        }
    }

    /// One `<Designation>` of the UK Sanctions List XML.
    fn designation(&mut self, node: &Node) {
        let at = Loc::Byte(node.offset);
        let Some(id) = node
            .text_of("UniqueID")
            .and_then(|l| EntityId::new(SourceKind::Uk, l).ok())
        else {
            self.diag(
                at,
                Severity::Error,
                None,
                "A Designation without a usable UniqueID was skipped.".into(),
            );
            return;
        };
        let schema = self.schema(at, &id, node.text_of("IndividualEntityShip"));
        let mut e = Entity::new(id.clone(), schema);
        let mut warns = Vec::new();
        let mut names = Vec::new();
        node.descendants("Name", &mut names);
        for n in names.into_iter().filter(|n| !n.children.is_empty()) {
            let parts: Vec<Option<&str>> = ["Name1", "Name2", "Name3", "Name4", "Name5", "Name6"]
                .iter()
                .map(|k| n.text_of(k))
                .collect();
            add_uk_name(
                &mut e,
                &parts,
                n.text_of("NameType"),
                n.text_of("AliasStrength"),
                &mut warns,
            );
        }
        let mut non_latin = Vec::new();
        node.descendants("NonLatinName", &mut non_latin);
        for n in non_latin {
            if let Some(name) = n.text_of("NameNonLatinScript") {
                add_non_latin(&mut e, name, n.text_of("NonLatinScriptLanguage"));
            }
        }
        for t in node.texts("Title") {
            e.add_extra("title", t);
        }
        for d in node.texts("DOB") {
            add_dob(&mut e, d, &mut warns);
        }
        for n in node.texts("Nationality") {
            if let Some(c) = code(n, "nationality", &mut warns) {
                Entity::push_unique(&mut e.nationalities, c);
            }
        }
        let mut locations = Vec::new();
        node.descendants("Location", &mut locations);
        for l in locations {
            add_birth_place(
                &mut e,
                l.text_of("TownOfBirth"),
                l.text_of("CountryOfBirth"),
                &mut warns,
            );
        }
        let mut docs = Vec::new();
        node.descendants("Passport", &mut docs);
        for p in docs {
            if let Some(num) = p.text_of("PassportNumber") {
                add_id(
                    &mut e,
                    IdKind::Passport,
                    "Passport",
                    num,
                    p.text_of("PassportAdditionalInformation"),
                );
            }
        }
        let mut docs = Vec::new();
        node.descendants("NationalIdentifier", &mut docs);
        for p in docs {
            if let Some(num) = p.text_of("NationalIdentifierNumber") {
                let info = p.text_of("NationalIdentifierAdditionalInformation");
                add_id(&mut e, IdKind::NationalId, "National identifier", num, info);
            }
        }
        for p in node.texts("Position") {
            Entity::push_unique(&mut e.positions, p.to_string());
        }
        if let Some(g) = node.texts("Gender").first().and_then(|g| Gender::parse(g)) {
            e.gender = Some(g);
        }
        let mut addrs = Vec::new();
        node.descendants("Address", &mut addrs);
        for a in addrs {
            let lines: Vec<Option<&str>> = (1..=6)
                .map(|i| a.text_of(&format!("AddressLine{i}")))
                .collect();
            add_address(
                &mut e,
                &lines,
                a.text_of("AddressPostalCode"),
                a.text_of("AddressCountry"),
                &mut warns,
            );
        }
        for (leaf, field) in [("PhoneNumber", 0), ("EmailAddress", 1), ("Website", 2)] {
            for v in node.texts(leaf) {
                add_contacts(&mut e, field, v);
            }
        }
        for t in node.texts("TypeOfEntity") {
            e.add_extra("legalForm", t);
        }
        for r in node.texts("BusinessRegistrationNumber") {
            add_id(
                &mut e,
                IdKind::Registration,
                "Business registration number",
                r,
                None,
            );
        }
        for (leaf, kind) in [
            ("ParentCompany", RelationKind::OwnedBy),
            ("Subsidiary", RelationKind::Owns),
            ("CurrentOwnerOperator", RelationKind::OwnedBy),
        ] {
            for v in node.texts(leaf) {
                add_relation(&mut e, kind, v.to_string());
            }
        }
        let ship = ShipValues {
            imo: node.texts("IMONumber"),
            flag: node.texts("CurrentBelievedFlagOfShip"),
            kind: node.texts("TypeOfShip"),
            tonnage: node.texts("TonnageOfShip"),
            built: node.texts("YearBuilt"),
            hin: node.texts("HullIdentificationNumber"),
        };
        add_ship(&mut e, &ship, &mut warns);
        if let Some(un) = node.text_of("UNReferenceNumber") {
            e.add_extra("unscId", un);
        }
        let s = sanction(
            SanctionValues {
                regime: node.text_of("RegimeName"),
                source: node.text_of("DesignationSource"),
                imposed: node.text_of("SanctionsImposed"),
                designated: node.text_of("DateDesignated"),
                authority_id: node.text_of("UniqueID"),
                reason: node
                    .text_of("UKStatementofReasons")
                    .or_else(|| node.text_of("UKStatementOfReasons")),
                other: node.text_of("OtherInformation"),
            },
            &mut warns,
        );
        e.sanctions.push(s);
        for w in warns {
            self.diag(at, Severity::Warning, Some(&id), w);
        }
        self.add(e);
    }
}

/// Fills the fields of `into` that `from` has and `into` lacks.
fn fold_sanction(into: &mut Sanction, from: Sanction) {
    into.list = into.list.take().or(from.list);
    into.listing_date = into.listing_date.take().or(from.listing_date);
    into.authority_id = into.authority_id.take().or(from.authority_id);
    into.reason = into.reason.take().or(from.reason);
    into.remarks = into.remarks.take().or(from.remarks);
    for p in from.provisions {
        Entity::push_unique(&mut into.provisions, p);
    }
}

/// Splits the `(UK Sanctions List Ref):RUS1234.` prefix that ConList puts at the start of
/// Other Information into the reference and the remaining text.
fn split_list_ref(other: &str) -> (Option<&str>, Option<&str>) {
    const PREFIX: &str = "(UK Sanctions List Ref):";
    let Some(rest) = other.trim().strip_prefix(PREFIX) else {
        return (None, Some(other));
    };
    let rest = rest.trim_start();
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '.' || c == ';')
        .unwrap_or(rest.len());
    let (reference, tail) = rest.split_at(end);
    let tail = tail.trim_start_matches(['.', ';']).trim();
    (
        (!reference.is_empty()).then_some(reference),
        (!tail.is_empty()).then_some(tail),
    )
}

/// Keeps one primary name per entity (the first) and puts it first: rows repeat the primary
/// name, and a second, different "Primary name" row is a variation, so it becomes an alias.
fn finish(mut entities: Vec<Entity>) -> Vec<Entity> {
    for e in &mut entities {
        let mut seen_primary = false;
        let mut names = Vec::with_capacity(e.names.len());
        for mut n in std::mem::take(&mut e.names) {
            if n.kind == NameKind::Primary {
                if seen_primary {
                    n.kind = NameKind::Alias;
                }
                seen_primary = true;
            }
            if !names
                .iter()
                .any(|m: &Name| m.full == n.full && m.kind == n.kind)
            {
                names.push(n);
            }
        }
        names.sort_by_key(|n| n.kind != NameKind::Primary);
        e.names = names;
    }
    entities
}

fn add_uk_name(
    e: &mut Entity,
    parts: &[Option<&str>],
    name_type: Option<&str>,
    strength: Option<&str>,
    warns: &mut Vec<String>,
) {
    let full: Vec<&str> = parts.iter().flatten().copied().collect();
    if full.is_empty() {
        return;
    }
    let full = full.join(" ");
    let t = name_type.unwrap_or("").to_ascii_lowercase();
    let weak = strength.is_some_and(|s| s.to_ascii_lowercase().contains("low"));
    let kind = match t.trim() {
        // "Prime Alias" is the pre-2022 HMT ConList's term for a group's main name.
        "primary name" | "primary" | "prime alias" | "" => NameKind::Primary,
        "primary name variation" => NameKind::Alias,
        "alias" | "aka" | "a.k.a." if weak => NameKind::WeakAlias,
        "alias" | "aka" | "a.k.a." => NameKind::Alias,
        "fka" | "f.k.a." | "previous name" | "formerly known as" => NameKind::Previous,
        other => {
            warns.push(format!(
                "Unknown name type {other:?}; the name was kept as an alias."
            ));
            NameKind::Alias
        }
    };
    let mut name = Name::new(full, kind);
    if e.schema == Schema::Person {
        let middle: Vec<&str> = parts
            .get(1..5)
            .unwrap_or(&[])
            .iter()
            .flatten()
            .copied()
            .collect();
        name = name.with_parts(NameParts {
            given: parts.first().copied().flatten().map(str::to_string),
            middle: (!middle.is_empty()).then(|| middle.join(" ")),
            family: parts.get(5).copied().flatten().map(str::to_string),
            ..NameParts::default()
        });
    }
    e.add_name(name);
}

fn add_non_latin(e: &mut Entity, name: &str, language: Option<&str>) {
    let mut n = Name::new(name.trim(), NameKind::Alias);
    n.lang = language.and_then(language_code).map(str::to_string);
    e.add_name(n);
}

/// The ISO 639-1 code of a language name as the UK list spells it.
fn language_code(language: &str) -> Option<&'static str> {
    const LANGS: [(&str, &str); 18] = [
        ("arabic", "ar"),
        ("armenian", "hy"),
        ("belarusian", "be"),
        ("chinese", "zh"),
        ("farsi", "fa"),
        ("georgian", "ka"),
        ("greek", "el"),
        ("hebrew", "he"),
        ("japanese", "ja"),
        ("korean", "ko"),
        ("pashto", "ps"),
        ("persian", "fa"),
        ("russian", "ru"),
        ("serbian", "sr"),
        ("tamil", "ta"),
        ("thai", "th"),
        ("ukrainian", "uk"),
        ("urdu", "ur"),
    ];
    let l = language.trim().to_ascii_lowercase();
    LANGS.iter().find(|(name, _)| *name == l).map(|(_, c)| *c)
}

/// Splits a multi-valued cell: `(1) A (2) B` numbering or `|`-separated values.
fn split_multi(s: &str) -> Vec<String> {
    let s = s.trim();
    let mut out = Vec::new();
    if s.starts_with("(1)") {
        let mut rest = s;
        let mut n = 1;
        while let Some(stripped) = rest.strip_prefix(&format!("({n})")) {
            let next = format!("({})", n + 1);
            let (item, tail) = match stripped.find(&next) {
                Some(i) => (&stripped[..i], &stripped[i..]),
                None => (stripped, ""),
            };
            if let Some(v) = text::clean(item) {
                out.push(v);
            }
            rest = tail;
            n += 1;
        }
        return out;
    }
    s.split('|').filter_map(text::clean).collect()
}

/// A UK date: `dd/mm/yyyy` with `00`, `dd` or `mm` for an unknown day or month, an ISO date
/// (ConList XML writes `2022-03-15T00:00:00`), or any spelling [`FuzzyDate::parse`] reads.
fn date(raw: &str) -> Option<FuzzyDate> {
    let raw = raw.trim();
    let parts: Vec<&str> = raw.split('/').map(str::trim).collect();
    if let [d, m, y] = parts.as_slice() {
        let known = |p: &str| {
            let unknown = p.is_empty()
                || p.bytes().all(|b| b == b'0')
                || p.eq_ignore_ascii_case("dd")
                || p.eq_ignore_ascii_case("mm");
            if unknown {
                Ok(None)
            } else {
                p.parse::<u8>().map(Some).map_err(|_| ())
            }
        };
        let year = y.parse::<i32>().ok().filter(|_| y.len() == 4)?;
        let month = known(m).ok()?;
        let day = if month.is_some() {
            known(d).ok()?
        } else {
            None
        };
        return PartialDate::new(year, month, day).map(FuzzyDate::exact);
    }
    if let Some(d) = PartialDate::parse_iso(raw) {
        return Some(FuzzyDate::exact(d));
    }
    FuzzyDate::parse(raw)
}

/// The publication date in a banner row: `Report Date: 13-Feb-2026` or
/// `Last Updated,03/06/2026`.
fn banner_date(fields: &[String]) -> Option<PartialDate> {
    let first = fields.first()?.trim();
    if let Some(rest) = first.split_once(':').map(|(_, r)| r.trim()) {
        return date(&rest.replace('-', " ")).map(|d| d.start);
    }
    fields.get(1).and_then(|f| date(f)).map(|d| d.start)
}

fn add_dob(e: &mut Entity, raw: &str, warns: &mut Vec<String>) {
    match date(raw) {
        Some(d) => Entity::push_unique(&mut e.birth_dates, d),
        None => warns.push(format!("Unreadable date of birth {raw:?}; it was ignored.")),
    }
}

fn code(name: &str, what: &str, warns: &mut Vec<String>) -> Option<String> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    match country::code(name).or_else(|| legacy_country(name)) {
        Some(c) => Some(c.to_string()),
        None => {
            warns.push(format!(
                "Unknown country {name:?} in {what}; it was ignored."
            ));
            None
        }
    }
}

/// A country as the pre-2022 HMT ConList writes it: numbered (`(1)-(2) Indonesia`), with a
/// remark in brackets (`Iranian (Iranian citizenship)`), or as a nationality adjective
/// (`Afghan`). `None` when it is none of these.
fn legacy_country(name: &str) -> Option<&'static str> {
    let mut t = name.trim();
    while let Some(rest) = t.strip_prefix('(') {
        let (num, after) = rest.split_once(')')?;
        if !num.chars().all(|c| c.is_ascii_digit()) {
            break;
        }
        t = after.trim_start_matches(['-', ' ']);
    }
    if let Some((head, _)) = t.split_once('(') {
        t = head;
    }
    let t = t.trim().trim_end_matches(['.', ',']);
    country::code(t).or_else(|| {
        let key = t.to_ascii_lowercase();
        DEMONYMS
            .binary_search_by(|(k, _)| (*k).cmp(key.as_str()))
            .ok()
            .map(|i| DEMONYMS[i].1)
    })
}

/// Nationality adjectives the HMT ConList uses, sorted by adjective.
const DEMONYMS: &[(&str, &str)] = &[
    ("afghan", "af"),
    ("albanian", "al"),
    ("algerian", "dz"),
    ("american", "us"),
    ("australian", "au"),
    ("austrian", "at"),
    ("azerbaijani", "az"),
    ("bahraini", "bh"),
    ("bangladeshi", "bd"),
    ("belarusian", "by"),
    ("belgian", "be"),
    ("bosnian", "ba"),
    ("british", "gb"),
    ("burmese", "mm"),
    ("burundian", "bi"),
    ("canadian", "ca"),
    ("central african", "cf"),
    ("chadian", "td"),
    ("chinese", "cn"),
    ("congolese", "cd"),
    ("croatian", "hr"),
    ("danish", "dk"),
    ("djiboutian", "dj"),
    ("dutch", "nl"),
    ("egyptian", "eg"),
    ("emirati", "ae"),
    ("eritrean", "er"),
    ("ethiopian", "et"),
    ("filipino", "ph"),
    ("french", "fr"),
    ("gambian", "gm"),
    ("german", "de"),
    ("ghanaian", "gh"),
    ("guinean", "gn"),
    ("indian", "in"),
    ("indonesian", "id"),
    ("iranian", "ir"),
    ("iraqi", "iq"),
    ("irish", "ie"),
    ("italian", "it"),
    ("ivorian", "ci"),
    ("jordanian", "jo"),
    ("kenyan", "ke"),
    ("kuwaiti", "kw"),
    ("lebanese", "lb"),
    ("liberian", "lr"),
    ("libyan", "ly"),
    ("malaysian", "my"),
    ("malian", "ml"),
    ("mauritanian", "mr"),
    ("moroccan", "ma"),
    ("nigerian", "ng"),
    ("nigerien", "ne"),
    ("north korean", "kp"),
    ("norwegian", "no"),
    ("omani", "om"),
    ("pakistani", "pk"),
    ("palestinian", "ps"),
    ("qatari", "qa"),
    ("russian", "ru"),
    ("rwandan", "rw"),
    ("saudi", "sa"),
    ("saudi arabian", "sa"),
    ("senegalese", "sn"),
    ("serbian", "rs"),
    ("sierra leonean", "sl"),
    ("singaporean", "sg"),
    ("somali", "so"),
    ("south sudanese", "ss"),
    ("spanish", "es"),
    ("sudanese", "sd"),
    ("swedish", "se"),
    ("swiss", "ch"),
    ("syrian", "sy"),
    ("tajik", "tj"),
    ("tanzanian", "tz"),
    ("tunisian", "tn"),
    ("turkish", "tr"),
    ("ugandan", "ug"),
    ("ukrainian", "ua"),
    ("uzbek", "uz"),
    ("yemeni", "ye"),
    ("zimbabwean", "zw"),
];

fn add_birth_place(
    e: &mut Entity,
    town: Option<&str>,
    country: Option<&str>,
    warns: &mut Vec<String>,
) {
    let place: Vec<&str> = [town, country].into_iter().flatten().collect();
    if !place.is_empty() {
        Entity::push_unique(&mut e.birth_places, place.join(", "));
    }
    if let Some(c) = country.and_then(|c| code(c, "country of birth", warns)) {
        e.add_extra("birthCountry", c);
    }
}

fn add_id(e: &mut Entity, kind: IdKind, label: &str, number: &str, note: Option<&str>) {
    Entity::push_unique(
        &mut e.identifications,
        Identification {
            kind,
            label: label.to_string(),
            number: number.trim().to_string(),
            country: None,
            issued: None,
            expires: None,
            note: note.and_then(text::clean),
        },
    );
}

fn add_address(
    e: &mut Entity,
    lines: &[Option<&str>],
    post: Option<&str>,
    country_name: Option<&str>,
    warns: &mut Vec<String>,
) {
    let country = country_name.and_then(|c| code(c, "address country", warns));
    if let Some(c) = &country {
        Entity::push_unique(&mut e.countries, c.clone());
    }
    let parts: Vec<&str> = lines.iter().flatten().copied().chain(post).collect();
    if parts.is_empty() {
        return;
    }
    let full: Vec<&str> = parts.iter().copied().chain(country_name).collect();
    Entity::push_unique(
        &mut e.addresses,
        Address {
            full: Some(full.join(", ")),
            postal_code: post.map(str::to_string),
            country,
            ..Address::default()
        },
    );
}

/// Adds phone numbers (0), e-mail addresses (1) or websites (2); cells may hold several.
fn add_contacts(e: &mut Entity, field: u8, value: &str) {
    let (target, seps): (&mut Vec<String>, &[char]) = match field {
        0 => (&mut e.phones, &[';', '|']),
        1 => (&mut e.emails, &[';', '|', ' ', ',']),
        _ => (&mut e.websites, &[';', '|', ' ', ',']),
    };
    for v in value.split(seps).filter_map(text::clean) {
        Entity::push_unique(target, v);
    }
}

fn add_relation(e: &mut Entity, kind: RelationKind, name: String) {
    Entity::push_unique(
        &mut e.relations,
        Relation {
            kind,
            target_id: None,
            target_name: Some(name),
            note: None,
        },
    );
}

/// The ship columns of one row or designation.
struct ShipValues<'v> {
    imo: Vec<&'v str>,
    flag: Vec<&'v str>,
    kind: Vec<&'v str>,
    tonnage: Vec<&'v str>,
    built: Vec<&'v str>,
    hin: Vec<&'v str>,
}

fn add_ship(e: &mut Entity, s: &ShipValues<'_>, warns: &mut Vec<String>) {
    for imo in &s.imo {
        let number = imo.trim().trim_start_matches("IMO").trim();
        add_id(e, IdKind::Imo, "IMO number", number, None);
    }
    for f in &s.flag {
        if let Some(c) = code(f, "flag", warns) {
            Entity::push_unique(&mut e.countries, c.clone());
            e.add_extra("flag", c);
        }
    }
    for (prop, values) in [
        ("type", &s.kind),
        ("tonnage", &s.tonnage),
        ("buildDate", &s.built),
    ] {
        for v in values {
            e.add_extra(prop, v.trim());
        }
    }
    for h in &s.hin {
        add_id(e, IdKind::Other, "Hull identification number", h, None);
    }
}

/// The designation columns of one row or designation.
struct SanctionValues<'v> {
    regime: Option<&'v str>,
    source: Option<&'v str>,
    imposed: Option<&'v str>,
    designated: Option<&'v str>,
    authority_id: Option<&'v str>,
    reason: Option<&'v str>,
    other: Option<&'v str>,
}

fn sanction(v: SanctionValues<'_>, warns: &mut Vec<String>) -> Sanction {
    let listing_date = v.designated.and_then(|raw| {
        let d = date(raw);
        if d.is_none() {
            warns.push(format!(
                "Unreadable designation date {raw:?}; it was ignored."
            ));
        }
        d
    });
    Sanction {
        authority: "UK".to_string(),
        list: v.source.map(str::to_string),
        programs: v.regime.map(|r| vec![r.to_string()]).unwrap_or_default(),
        listing_date,
        authority_id: v.authority_id.map(str::to_string),
        reason: v.reason.and_then(text::clean),
        provisions: v.imposed.map(split_multi).unwrap_or_default(),
        remarks: v.other.and_then(text::clean),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_date(raw: &str, expected: Option<&str>) {
        assert_eq!(
            date(raw).map(|d| d.to_string()).as_deref(),
            expected,
            "{raw:?}"
        );
    }

    #[test]
    fn reads_uk_dates() {
        check_date("28/06/1960", Some("1960-06-28"));
        check_date("00/06/1960", Some("1960-06"));
        check_date("00/00/1960", Some("1960"));
        check_date("dd/mm/1945", Some("1945"));
        check_date("2022-03-15T00:00:00", Some("2022-03-15"));
        check_date("31/02/1960", None);
        check_date("xx/yy/zzzz", None);
        check_date("", None);
    }

    #[test]
    fn splits_the_list_reference() {
        assert_eq!(
            split_list_ref("(UK Sanctions List Ref):RUS0296. (UK Statement of Reasons):Member."),
            (Some("RUS0296"), Some("(UK Statement of Reasons):Member."))
        );
        assert_eq!(
            split_list_ref("(UK Sanctions List Ref):AFG0042."),
            (Some("AFG0042"), None)
        );
        assert_eq!(split_list_ref("Other text"), (None, Some("Other text")));
    }

    #[test]
    fn splits_multi_values() {
        assert_eq!(split_multi("(1) A B (2) C"), ["A B", "C"]);
        assert_eq!(
            split_multi("Asset freeze|Travel Ban"),
            ["Asset freeze", "Travel Ban"]
        );
        assert_eq!(split_multi("  "), Vec::<String>::new());
    }

    fn csv(content: &str) -> Result<Parsed, IngestError> {
        parse_csv(&Input {
            name: "uk.csv",
            bytes: content.as_bytes(),
        })
    }

    #[test]
    fn csv_errors() {
        assert!(csv("").is_err());
        assert!(csv("a,b,c\n1,2,3\n").is_err());
        assert!(csv("Name 6,Name 1\nX,Y\n").is_err());
        let p = csv(
            "Name 6,Name 1,Group ID,Group Type\nDOE,John,1,Individual\nROE,,,Individual\nPOE,,2\n",
        )
        .expect("parses");
        let ids: Vec<&str> = p.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["uk:1", "uk:2"]);
        let sev: Vec<Severity> = p.diagnostics.iter().map(|d| d.severity).collect();
        assert_eq!(sev, [Severity::Error, Severity::Warning, Severity::Warning]);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let input = Input { name: "x", bytes: &bytes };
            let _ = parse_csv(&input);
            let _ = parse_xml(&input);
        }

        #[test]
        fn truncations_never_panic(cut in 0.0f64..1.0) {
            for full in [
                include_str!("../test_data/uk/UK_Sanctions_List.xml"),
                include_str!("../test_data/uk/UK_Sanctions_List.csv"),
                include_str!("../test_data/uk/ConList.csv"),
                include_str!("../test_data/uk/ConList.xml"),
            ] {
                // Cutting at any byte, even inside a character, is part of the test.
                let end = ((full.len() as f64) * cut) as usize;
                let input = Input { name: "x", bytes: &full.as_bytes()[..end] };
                let _ = parse_csv(&input);
                let _ = parse_xml(&input);
            }
        }
    }
}
