//! OFAC legacy CSV sets: `sdn.csv` + `add.csv` + `alt.csv` + `sdn_comments.csv`, and the
//! `cons_*` equivalents.
//!
//! The four files of a set are joined on `ent_num`. OFAC publishes them as independent
//! downloads, so a user may combine files of different dates: aliases, addresses and remarks
//! overflow whose `ent_num` has no row in the primary file are not dropped silently. Aliases
//! become entities known only by their aliases (OFAC listed them, so screening must find them);
//! addresses and overflow rows with no entity at all are reported as diagnostics.
//!
//! Every record is one physical line in these files. The reader relies on that to recover from
//! an unterminated quote: the broken record is read up to the end of its line and reading
//! resumes on the next line, instead of the quote swallowing the rest of the file.

use std::collections::{BTreeMap, HashMap};

use model::{
    Address, Diagnostic, Entity, EntityId, Name, NameKind, NameParts, Relation, RelationKind,
    Sanction, Schema, Severity, SourceKind, country,
};

use crate::detect::CsvRole;
use crate::text::{clean, decode, trim_csv};
use crate::{Format, IngestError, Input, ListId, Parsed, remarks};

/// The authority every sanction of these files comes from.
const AUTHORITY: &str = "OFAC";

/// Parses and joins the files of one OFAC CSV set.
///
/// `files` may hold any subset of the four roles (several files of one role are read in
/// order, and rows of an `ent_num` seen twice are merged with a warning). Fails when a file is
/// empty or has none of the columns of its role, or when `list` is not an OFAC list.
pub fn parse_set(list: ListId, files: &[(Input<'_>, Format)]) -> Result<Parsed, IngestError> {
    let source = match list {
        ListId::OfacSdn => SourceKind::Ofac,
        ListId::OfacCons => SourceKind::OfacCons,
        other => {
            return Err(IngestError::BadSet {
                message: format!(
                    "the OFAC CSV parser was asked for the {} list; it reads only ofac-sdn and ofac-cons",
                    other.as_str()
                ),
            });
        }
    };
    if files.is_empty() {
        return Err(IngestError::BadSet {
            message: "an OFAC CSV set needs at least one file (sdn.csv or cons_prim.csv)"
                .to_string(),
        });
    }
    let mut diagnostics = Vec::new();
    let mut by_role: BTreeMap<CsvRole, Vec<(String, Vec<Row>)>> = BTreeMap::new();
    for (input, format) in files {
        let role = match format {
            Format::OfacCsv { role, .. } => *role,
            other => {
                return Err(IngestError::BadSet {
                    message: format!(
                        "{} is {}, not a file of an OFAC CSV set",
                        input.name,
                        other.label()
                    ),
                });
            }
        };
        let rows = read_rows(input, role, &mut diagnostics)?;
        by_role
            .entry(role)
            .or_default()
            .push((input.name.to_string(), rows));
    }
    let mut set = Joiner {
        source,
        list,
        entities: Vec::new(),
        index: HashMap::new(),
        diagnostics,
    };
    let take = |by_role: &mut BTreeMap<CsvRole, Vec<(String, Vec<Row>)>>, role| {
        by_role.remove(&role).unwrap_or_default()
    };
    let primaries = take(&mut by_role, CsvRole::Primary);
    let aliases = take(&mut by_role, CsvRole::Alias);
    let addresses = take(&mut by_role, CsvRole::Address);
    let comments = take(&mut by_role, CsvRole::Comments);

    if primaries.is_empty() {
        let first = files.first().map(|f| f.0.name).unwrap_or("?");
        set.diagnostics.push(Diagnostic::for_file(
            Severity::Warning,
            first,
            format!(
                "The set has no primary file ({}); every entity is known only by its aliases and has no type, program or remarks.",
                if list == ListId::OfacCons {
                    "cons_prim.csv"
                } else {
                    "sdn.csv"
                }
            ),
        ));
    }

    // The overflow text continues the primary remarks mid-word, so it must be joined before the
    // remarks are parsed; rows of one ent_num are concatenated in file order.
    let mut overflow: BTreeMap<u64, Overflow> = BTreeMap::new();
    for (file, rows) in &comments {
        for row in rows {
            let o = overflow.entry(row.ent).or_insert_with(|| Overflow {
                file: file.clone(),
                line: row.line,
                text: String::new(),
                used: false,
            });
            o.text
                .push_str(row.fields.get(1).map(String::as_str).unwrap_or(""));
        }
    }

    for (file, rows) in &primaries {
        for row in rows {
            set.primary(file, row, &mut overflow);
        }
    }
    for (file, rows) in &aliases {
        for row in rows {
            set.alias(file, row);
        }
    }
    for (file, rows) in &addresses {
        for row in rows {
            set.address(file, row);
        }
    }
    for (ent, o) in overflow {
        if o.used {
            continue;
        }
        match set.index.get(&ent) {
            // An alias-only entity has no primary remarks for the overflow to continue, so the
            // fragment is kept as it is rather than parsed.
            Some(&i) => {
                if let Some(text) = clean(&o.text) {
                    set.entities[i]
                        .notes
                        .push(format!("Remarks (overflow): {text}"));
                }
            }
            None => set.diagnostics.push(
                Diagnostic::at_line(
                    Severity::Info,
                    &o.file,
                    o.line,
                    format!(
                        "The remarks overflow of ent_num {ent} has no entity in the primary or alias file; it was not loaded."
                    ),
                )
                .with_record(ent.to_string()),
            ),
        }
    }
    Ok(Parsed {
        entities: set.entities,
        diagnostics: set.diagnostics,
        ..Parsed::default()
    })
}

/// One record of a CSV file, with its 1-based line and numeric `ent_num`.
#[derive(Debug)]
struct Row {
    line: u64,
    ent: u64,
    fields: Vec<String>,
}

/// The remarks overflow of one `ent_num`, and whether a primary row took it.
struct Overflow {
    file: String,
    line: u64,
    text: String,
    used: bool,
}

fn expected_fields(role: CsvRole) -> usize {
    match role {
        CsvRole::Primary => 12,
        CsvRole::Address => 6,
        CsvRole::Alias => 5,
        CsvRole::Comments => 2,
    }
}

fn role_name(role: CsvRole) -> &'static str {
    match role {
        CsvRole::Primary => "primary (sdn.csv)",
        CsvRole::Address => "address (add.csv)",
        CsvRole::Alias => "alias (alt.csv)",
        CsvRole::Comments => "remarks overflow (sdn_comments.csv)",
    }
}

/// A raw record as the CSV reader gives it.
struct RawRecord {
    line: u64,
    fields: Vec<Vec<u8>>,
}

/// Reads every record of a file, recovering from unterminated quotes line by line.
fn raw_records(name: &str, text: &[u8], diags: &mut Vec<Diagnostic>) -> Vec<RawRecord> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    let mut line_base = 0u64;
    'segments: while offset < text.len() {
        let slice = &text[offset..];
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(slice);
        let mut record = csv::ByteRecord::new();
        let mut counted_to = 0usize;
        let mut counted_lines = 0u64;
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(false) => break 'segments,
                Ok(true) => {}
                Err(e) => {
                    let line = e
                        .position()
                        .map(|p| line_base + p.line())
                        .unwrap_or(line_base + 1);
                    diags.push(Diagnostic::at_line(
                        Severity::Error,
                        name,
                        line,
                        format!(
                            "The CSV reader stopped here: {e}. The rest of the file was not read."
                        ),
                    ));
                    break 'segments;
                }
            }
            // Lines are counted from the previous record on, so that reading stays linear in
            // the file size (the reader's own line count lags one line behind on CRLF files).
            let mut start = record
                .position()
                .map(|p| p.byte() as usize)
                .unwrap_or(0)
                .min(slice.len());
            // After a CRLF record the reader puts the next record's start on the LF it has not
            // consumed yet; the record really starts after the line end.
            while start < slice.len() && matches!(slice[start], b'\r' | b'\n') {
                start += 1;
            }
            if start >= counted_to {
                counted_lines += slice[counted_to..start]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count() as u64;
                counted_to = start;
            }
            let line = line_base + counted_lines + 1;
            let runaway = record
                .iter()
                .any(|f| f.iter().any(|b| *b == b'\n' || *b == b'\r'));
            if !runaway {
                out.push(RawRecord {
                    line,
                    fields: record.iter().map(<[u8]>::to_vec).collect(),
                });
                continue;
            }
            // A quote that is not closed on its line made the reader run on into the following
            // lines. Read that line on its own and resume after it.
            let rest = &slice[start.min(slice.len())..];
            let end = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
            let own_line = &rest[..end];
            diags.push(Diagnostic::at_line(
                Severity::Warning,
                name,
                line,
                "A quote opened on this line is not closed; the record was read up to the end of the line.",
            ));
            let mut one = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(own_line);
            let mut rec = csv::ByteRecord::new();
            if let Ok(true) = one.read_byte_record(&mut rec) {
                out.push(RawRecord {
                    line,
                    fields: rec
                        .iter()
                        .map(|f| {
                            let f = f.strip_suffix(b"\r").unwrap_or(f);
                            f.to_vec()
                        })
                        .collect(),
                });
            }
            offset += start + end + 1;
            line_base = line;
            continue 'segments;
        }
    }
    out
}

/// Reads the rows of one file, checking the column count and the `ent_num` of each.
fn read_rows(
    input: &Input<'_>,
    role: CsvRole,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<Row>, IngestError> {
    let name = input.name;
    let text = trim_csv(input.bytes);
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(IngestError::whole(
            name,
            format!(
                "the file is empty; an OFAC {} file has one record per line",
                role_name(role)
            ),
        ));
    }
    let want = expected_fields(role);
    let records = raw_records(name, text, diags);
    let mut rows = Vec::with_capacity(records.len());
    let mut first_bad: Option<(u64, usize, String)> = None;
    let mut bad = 0usize;
    for rec in &records {
        // A blank line is not a record; OFAC files have none, but hand-edited ones may.
        if rec.fields.len() == 1 && rec.fields[0].iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let mut fields = Vec::with_capacity(rec.fields.len());
        let mut recoded = false;
        for f in &rec.fields {
            let (s, lossy) = decode(f);
            recoded |= lossy;
            fields.push(s.into_owned());
        }
        if recoded {
            diags.push(Diagnostic::at_line(
                Severity::Warning,
                name,
                rec.line,
                "The record is not valid UTF-8; it was decoded as Windows-1252, so some characters may be wrong.",
            ));
        }
        let ent_text = fields.first().map(|f| f.trim()).unwrap_or("");
        let ent = ent_text.parse::<u64>().ok();
        if fields.len() != want || ent.is_none() {
            bad += 1;
            if first_bad.is_none() {
                first_bad = Some((rec.line, fields.len(), preview(ent_text)));
            }
            let message = if fields.len() != want {
                format!(
                    "The record has {} fields; an OFAC {} record has {want}. It was not loaded.",
                    fields.len(),
                    role_name(role)
                )
            } else {
                format!(
                    "The ent_num \"{}\" is not a number. The record was not loaded.",
                    preview(ent_text)
                )
            };
            diags.push(Diagnostic::at_line(
                Severity::Error,
                name,
                rec.line,
                message,
            ));
            continue;
        }
        if let Some(ent) = ent {
            rows.push(Row {
                line: rec.line,
                ent,
                fields,
            });
        }
    }
    if rows.is_empty() {
        let (line, n, first) = first_bad.unwrap_or((1, 0, String::new()));
        return Err(IngestError::at_line(
            name,
            line,
            format!(
                "none of the {bad} records has the columns of an OFAC {} file ({want} fields, the first a numeric ent_num); the first has {n} fields and starts with \"{first}\". Is this the right file?",
                role_name(role)
            ),
        ));
    }
    Ok(rows)
}

/// The first characters of a field, for messages.
fn preview(s: &str) -> String {
    let mut p: String = s.chars().take(40).collect();
    if p.len() < s.len() {
        p.push('…');
    }
    p
}

/// The state of joining the files of one set.
struct Joiner {
    source: SourceKind,
    list: ListId,
    entities: Vec<Entity>,
    index: HashMap<u64, usize>,
    diagnostics: Vec<Diagnostic>,
}

impl Joiner {
    fn id(&mut self, file: &str, row: &Row) -> Option<EntityId> {
        match EntityId::new(self.source, &row.ent.to_string()) {
            Ok(id) => Some(id),
            Err(e) => {
                self.diagnostics.push(Diagnostic::at_line(
                    Severity::Error,
                    file,
                    row.line,
                    format!("Cannot build an id: {e}."),
                ));
                None
            }
        }
    }

    fn warn(&mut self, file: &str, line: u64, id: &EntityId, message: impl Into<String>) {
        self.diagnostics.push(
            Diagnostic::at_line(Severity::Warning, file, line, message).with_record(id.as_str()),
        );
    }

    fn sanction(&self, ent: u64, programs: Vec<String>, remarks: Option<String>) -> Sanction {
        Sanction {
            authority: AUTHORITY.to_string(),
            list: Some(list_name(self.list, &programs).to_string()),
            programs,
            authority_id: Some(ent.to_string()),
            remarks,
            ..Sanction::default()
        }
    }

    fn primary(&mut self, file: &str, row: &Row, overflow: &mut BTreeMap<u64, Overflow>) {
        let Some(id) = self.id(file, row) else {
            return;
        };
        let f = |i: usize| row.fields.get(i).and_then(|s| clean(s));
        let schema = match f(2).map(|t| t.to_ascii_lowercase()).as_deref() {
            None => Schema::Organization,
            Some("individual") => Schema::Person,
            Some("vessel") => Schema::Vessel,
            Some("aircraft") => Schema::Airplane,
            Some(other) => {
                self.warn(
                    file,
                    row.line,
                    &id,
                    format!(
                        "The SDN_Type \"{}\" is not individual, vessel, aircraft or -0-; the entry was loaded as an organisation.",
                        preview(other)
                    ),
                );
                Schema::Organization
            }
        };
        let mut entity = Entity::new(id.clone(), schema.clone());
        match f(1) {
            Some(name) => entity.add_name(person_name(&name, NameKind::Primary, &schema)),
            None => self.warn(file, row.line, &id, "The entry has no name."),
        }
        if let Some(title) = f(4) {
            entity.positions.push(title);
        }
        if let Some(v) = f(5) {
            entity.add_extra("callSign", v);
        }
        if let Some(v) = f(6) {
            entity.add_extra("type", v);
        }
        if let Some(v) = f(7) {
            entity.add_extra("tonnage", v);
        }
        if let Some(v) = f(8) {
            entity.add_extra("grossRegisteredTonnage", v);
        }
        if let Some(flag) = f(9) {
            match country::code(&flag) {
                Some(c) => {
                    Entity::push_unique(&mut entity.countries, c.to_string());
                    entity.add_extra("flag", c);
                }
                None => {
                    entity.notes.push(format!("Vessel flag: {flag}"));
                    self.warn(
                        file,
                        row.line,
                        &id,
                        format!("The vessel flag \"{}\" is not a country we know; it was kept as a note.", preview(&flag)),
                    );
                }
            }
        }
        if let Some(owner) = f(10) {
            entity.relations.push(Relation {
                kind: RelationKind::OwnedBy,
                target_id: None,
                target_name: Some(owner),
                note: Some("Vess_owner".to_string()),
            });
        }
        // The primary remarks are cut where the overflow file continues them, often mid-word,
        // so the two are concatenated without a separator before parsing.
        let raw = row.fields.get(11).map(String::as_str).unwrap_or("");
        let mut joined = if raw.trim() == "-0-" {
            String::new()
        } else {
            raw.trim_start().to_string()
        };
        if let Some(o) = overflow.get_mut(&row.ent).filter(|o| !o.used) {
            joined.push_str(&o.text);
            o.used = true;
        }
        let joined = joined.trim();
        let mut sanction = self.sanction(
            row.ent,
            programs(f(3).as_deref().unwrap_or("")),
            (!joined.is_empty() && joined != "-0-").then(|| joined.to_string()),
        );
        let mut parsed = remarks::parse(joined);
        let warnings = std::mem::take(&mut parsed.warnings);
        parsed.apply(&mut entity, &mut sanction);
        for w in warnings {
            self.warn(file, row.line, &id, w);
        }
        entity.sanctions.push(sanction);
        match self.index.get(&row.ent) {
            Some(&i) => {
                self.warn(
                    file,
                    row.line,
                    &id,
                    format!(
                        "The ent_num {} appears more than once; the records were merged.",
                        row.ent
                    ),
                );
                self.entities[i].merge(entity);
            }
            None => {
                self.index.insert(row.ent, self.entities.len());
                self.entities.push(entity);
            }
        }
    }

    fn alias(&mut self, file: &str, row: &Row) {
        let Some(id) = self.id(file, row) else {
            return;
        };
        let f = |i: usize| row.fields.get(i).and_then(|s| clean(s));
        let Some(name) = f(3) else {
            self.warn(
                file,
                row.line,
                &id,
                "The alias has no name; it was skipped.",
            );
            return;
        };
        let alt_remarks = f(4);
        let weak = alt_remarks.as_deref().is_some_and(|r| {
            let r = r.to_ascii_lowercase();
            r.contains("weak") || r.contains("low quality")
        });
        let kind = match f(2).map(|t| t.to_ascii_lowercase()).as_deref() {
            _ if weak => NameKind::WeakAlias,
            Some("aka") | None => NameKind::Alias,
            Some("fka") => NameKind::Previous,
            Some("nka") => NameKind::Now,
            Some(other) => {
                self.warn(
                    file,
                    row.line,
                    &id,
                    format!(
                        "The alias type \"{}\" is not aka, fka or nka; the name was loaded as an alias.",
                        preview(other)
                    ),
                );
                NameKind::Alias
            }
        };
        let i = match self.index.get(&row.ent) {
            Some(&i) => i,
            None => {
                // OFAC listed this ent_num, so screening must find it even though the primary
                // file of this set does not have it (typically a newer alt.csv).
                let mut entity = Entity::new(id.clone(), Schema::LegalEntity);
                entity
                    .sanctions
                    .push(self.sanction(row.ent, Vec::new(), None));
                self.diagnostics.push(
                    Diagnostic::at_line(
                        Severity::Info,
                        file,
                        row.line,
                        format!(
                            "The ent_num {} has aliases but no row in the primary file; it was loaded as an entity known only by its aliases.",
                            row.ent
                        ),
                    )
                    .with_record(id.as_str()),
                );
                self.index.insert(row.ent, self.entities.len());
                self.entities.push(entity);
                self.entities.len() - 1
            }
        };
        let entity = &mut self.entities[i];
        let schema = entity.schema.clone();
        entity.add_name(person_name(&name, kind, &schema));
        if let Some(r) = alt_remarks.filter(|_| !weak) {
            entity.notes.push(format!("Alias {name}: {r}"));
        }
    }

    fn address(&mut self, file: &str, row: &Row) {
        let f = |i: usize| row.fields.get(i).and_then(|s| clean(s));
        let Some(&i) = self.index.get(&row.ent) else {
            self.diagnostics.push(
                Diagnostic::at_line(
                    Severity::Info,
                    file,
                    row.line,
                    format!(
                        "The address of ent_num {} has no entity in the primary or alias file; it was not loaded.",
                        row.ent
                    ),
                )
                .with_record(row.ent.to_string()),
            );
            return;
        };
        let street = f(2);
        let city = f(3);
        let raw_country = f(4);
        let remark = f(5);
        if street.is_none() && city.is_none() && raw_country.is_none() {
            return;
        }
        let code = raw_country.as_deref().and_then(country::code);
        // An unknown country (OFAC writes regions such as "Region: Crimea" there) is kept in
        // the one-line form, so that nothing the list says is lost.
        let full = match (&raw_country, code) {
            (Some(raw), None) => Some(
                [street.as_deref(), city.as_deref(), Some(raw.as_str())]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            _ => None,
        };
        let address = Address {
            full,
            street,
            city,
            country: code.map(str::to_string),
            ..Address::default()
        };
        let entity = &mut self.entities[i];
        if let Some(c) = code {
            Entity::push_unique(&mut entity.countries, c.to_string());
        }
        Entity::push_unique(&mut entity.addresses, address);
        if let Some(r) = remark {
            entity.notes.push(format!("Address remark: {r}"));
        }
    }
}

/// A name with family and given parts for persons written `FAMILY, Given Names`.
fn person_name(full: &str, kind: NameKind, schema: &Schema) -> Name {
    let name = Name::new(full, kind);
    if *schema != Schema::Person {
        return name;
    }
    match full.split_once(',') {
        Some((family, given)) if !family.trim().is_empty() => {
            let given = given.trim();
            name.with_parts(NameParts {
                family: Some(family.trim().to_string()),
                given: (!given.is_empty()).then(|| given.to_string()),
                ..NameParts::default()
            })
        }
        _ => name,
    }
}

/// The programs of a `Program` field: `DPRK3`, `[DPRK3] [DPRK4]` or OFAC's own
/// `IRAN] [SDGT` (the outer brackets are missing in the files).
fn programs(field: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in field.split(['[', ']']) {
        if let Some(p) = clean(p).filter(|p| !out.contains(p)) {
            out.push(p);
        }
    }
    out
}

/// The list an entry of the set is on.
///
/// The consolidated CSV does not say which of OFAC's non-SDN lists an entry belongs to; the
/// programs do (checked against `CONS_ENHANCED.XML`, which names the lists).
pub(crate) fn list_name(list: ListId, programs: &[String]) -> &'static str {
    if list != ListId::OfacCons {
        return "SDN";
    }
    let has = |f: &dyn Fn(&str) -> bool| programs.iter().any(|p| f(p));
    if has(&|p| p.starts_with("UKRAINE-EO13662")) {
        "SSI"
    } else if has(&|p| p == "NS-PLC") {
        "NS-PLC"
    } else if has(&|p| p.starts_with("CMIC")) {
        "NS-CMIC"
    } else if has(&|p| p.starts_with("561")) {
        "CAPTA"
    } else if has(&|p| p.starts_with("FSE")) {
        "FSE"
    } else {
        "NS-MBS"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_program_fields() {
        let check = |input: &str, expected: &[&str]| {
            assert_eq!(programs(input), expected, "input {input:?}");
        };
        check("DPRK4", &["DPRK4"]);
        check("[DPRK3] [DPRK4]", &["DPRK3", "DPRK4"]);
        check("IRAN] [SDGT] [IRGC", &["IRAN", "SDGT", "IRGC"]);
        check("CAATSA - RUSSIA", &["CAATSA - RUSSIA"]);
        check("-0- ", &[]);
    }

    #[test]
    fn derives_consolidated_list_names() {
        let check = |programs: &[&str], expected: &str| {
            let p: Vec<String> = programs.iter().map(|s| s.to_string()).collect();
            assert_eq!(list_name(ListId::OfacCons, &p), expected, "{programs:?}");
        };
        check(&["UKRAINE-EO13662", "RUSSIA-EO14024"], "SSI");
        check(&["NS-PLC"], "NS-PLC");
        check(&["SDGT", "NS-PLC"], "NS-PLC");
        check(&["CMIC-EO13959"], "NS-CMIC");
        check(&["561-Related"], "CAPTA");
        check(&["RUSSIA-EO14024"], "NS-MBS");
        assert_eq!(list_name(ListId::OfacSdn, &[]), "SDN");
    }

    /// Runs every role over the same bytes; only errors are allowed, never a panic.
    fn parse_all_roles(bytes: &[u8]) {
        for role in [
            CsvRole::Primary,
            CsvRole::Address,
            CsvRole::Alias,
            CsvRole::Comments,
        ] {
            let format = Format::OfacCsv {
                list: ListId::OfacSdn,
                role,
            };
            let input = Input {
                name: "x.csv",
                bytes,
            };
            let _ = parse_set(ListId::OfacSdn, &[(input, format)]);
        }
    }

    proptest::proptest! {
        #[test]
        fn parse_set_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            parse_all_roles(&bytes);
        }

        #[test]
        fn parse_set_never_panics_on_csv_like_text(
            text in "([0-9]{1,3}|\\PC{0,3})(,(\"[^\"]{0,8}\"?|-0- |[a-z; ()']{0,8})){0,12}(\r?\n[0-9,\"]{0,20}){0,3}\\x1a?"
        ) {
            parse_all_roles(text.as_bytes());
        }
    }

    #[test]
    fn splits_person_names() {
        let n = person_name("KIM, Sang Man", NameKind::Primary, &Schema::Person);
        assert_eq!(n.parts.family.as_deref(), Some("KIM"));
        assert_eq!(n.parts.given.as_deref(), Some("Sang Man"));
        let n = person_name("CIMEX, S.A.", NameKind::Primary, &Schema::Organization);
        assert!(n.parts.is_empty());
    }
}
