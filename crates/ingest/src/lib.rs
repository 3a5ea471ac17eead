//! Parsers for official sanctions lists.
//!
//! Every parser takes the bytes of a file (the binary memory-maps or reads them; this crate does
//! no I/O) and returns [`Entity`] values plus [`Diagnostic`]s. Parsers never panic on input: a
//! bad record becomes a diagnostic naming the file and the line or byte offset, and the rest of
//! the file still loads. A file that cannot be used at all fails with an [`IngestError`] that
//! says what is wrong and where.
//!
//! The format is detected from the content ([`detect`]); file names are used only to tell the
//! OFAC SDN CSV set from the consolidated (`cons_*`) set, which have identical layouts.

use model::{Diagnostic, Entity, EntityId, PartialDate};
use serde::{Deserialize, Serialize};

pub mod detect;
pub mod eu;
pub mod ftm;
mod limits;
pub mod ofac_advanced;
pub mod ofac_csv;
pub mod ofac_enhanced;
pub mod ofac_xml;
pub mod remarks;
pub mod resolve;
pub mod text;
pub mod uk;
pub mod un;
mod xml_util;
mod zipped;

pub use detect::{Format, detect};
pub use limits::Limits;

/// One input file: its name as the user gave it (used in diagnostics) and its bytes.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The file name or path, as it should appear in messages.
    pub name: &'a str,
    /// The whole content.
    pub bytes: &'a [u8],
}

/// Which published list a parsed file belongs to; a snapshot holds one list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ListId {
    /// OFAC Specially Designated Nationals.
    OfacSdn,
    /// OFAC Consolidated (non-SDN) lists.
    OfacCons,
    /// UN Security Council consolidated list.
    Un,
    /// EU Financial Sanctions File.
    Eu,
    /// UK Sanctions List (FCDO).
    Uk,
    /// OpenSanctions / FtM data.
    #[serde(rename = "opensanctions")]
    OpenSanctions,
}

impl ListId {
    /// Every list, in display order.
    pub const ALL: [ListId; 6] = [
        ListId::OfacSdn,
        ListId::OfacCons,
        ListId::Un,
        ListId::Eu,
        ListId::Uk,
        ListId::OpenSanctions,
    ];

    /// The short name used on the command line and in the store (`ofac-sdn`, `un`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ListId::OfacSdn => "ofac-sdn",
            ListId::OfacCons => "ofac-cons",
            ListId::Un => "un",
            ListId::Eu => "eu",
            ListId::Uk => "uk",
            ListId::OpenSanctions => "opensanctions",
        }
    }

    /// Looks a list up by its short name.
    pub fn parse(s: &str) -> Option<ListId> {
        ListId::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// The result of parsing the files of one list.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// The entities, in source order, with unique ids.
    pub entities: Vec<Entity>,
    /// Entities a delta file deletes (FtM `DEL` operations).
    pub deleted: Vec<EntityId>,
    /// Everything that could not be used as it was.
    pub diagnostics: Vec<Diagnostic>,
    /// The publication date the file states, where it has one.
    pub publish_date: Option<PartialDate>,
    /// True when the input is a delta to apply to an earlier snapshot rather than a full list.
    pub is_delta: bool,
    /// The list the content says it is, when that differs from the format's default
    /// (`CONS_ENHANCED.XML` is the consolidated list, not the SDN list).
    pub list: Option<ListId>,
    /// The filters of a filtered export (`sanctionsPrograms: IRGC`), as the file states them;
    /// empty when the file is a complete list.
    pub filters: Vec<String>,
    /// The number of records the file declares it holds (OFAC classic XML `Record_Count`).
    pub declared_count: Option<u64>,
    /// The number of records the file holds, counted as the declared count counts them.
    pub record_count: Option<u64>,
}

impl Parsed {
    /// The entity with this id, if the file has it.
    pub fn entity(&self, id: &str) -> Option<&Entity> {
        self.entities.iter().find(|e| e.id.as_str() == id)
    }
}

/// Moves OFAC entities between the SDN (`ofac:`) and consolidated (`ofac-cons:`) id prefixes,
/// relations included, when the content (or the user) says which of the two lists a file is.
pub(crate) fn recode_ofac(entities: &mut [Entity], to: ListId) {
    let kind = match to {
        ListId::OfacCons => model::SourceKind::OfacCons,
        _ => model::SourceKind::Ofac,
    };
    let recode = |id: &EntityId| {
        if matches!(
            id.source(),
            model::SourceKind::Ofac | model::SourceKind::OfacCons
        ) {
            EntityId::new(kind, id.local()).unwrap_or_else(|_| id.clone())
        } else {
            id.clone()
        }
    };
    for e in entities {
        e.id = recode(&e.id);
        for r in &mut e.relations {
            r.target_id = r.target_id.as_ref().map(recode);
        }
    }
}

impl ParsedList {
    /// Restates which list the content is, as the user says (`lists import --list ofac-cons`)
    /// where the content cannot tell: only between the two OFAC lists, whose formats are the
    /// same; any other change is refused because the content says otherwise.
    pub fn restate(&mut self, list: ListId) -> Result<(), IngestError> {
        if list == self.list {
            return Ok(());
        }
        let ofac = |l: ListId| matches!(l, ListId::OfacSdn | ListId::OfacCons);
        if !(ofac(list) && ofac(self.list)) {
            let file = self.files.first().map(|f| f.0.as_str()).unwrap_or("?");
            return Err(IngestError::BadSet {
                message: format!(
                    "{file}: the content is the {} list and cannot be imported as {}; --list only chooses between ofac-sdn and ofac-cons",
                    self.list.as_str(),
                    list.as_str()
                ),
            });
        }
        recode_ofac(&mut self.parsed.entities, list);
        self.list = list;
        Ok(())
    }
}

/// The parsed content of one list, with the files and formats it came from.
#[derive(Debug, Clone)]
pub struct ParsedList {
    /// Which list.
    pub list: ListId,
    /// The detected format of each input file, in input order.
    pub files: Vec<(String, Format)>,
    /// The content.
    pub parsed: Parsed,
}

/// A file that cannot be used at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    /// The content is not any format we know.
    #[error("{file}: not a sanctions list format interdict knows ({detail})")]
    UnknownFormat {
        /// File name.
        file: String,
        /// What the content looked like.
        detail: String,
    },
    /// The file is recognisable but broken beyond use.
    #[error("{file} ({location}): {message}")]
    Unusable {
        /// File name.
        file: String,
        /// Line or byte offset, as text ("line 3", "byte 1024", "whole file").
        location: String,
        /// What is wrong.
        message: String,
    },
    /// The files given together do not form one list (an `add.csv` without its `sdn.csv`).
    #[error("{message}")]
    BadSet {
        /// What is wrong and how to fix it.
        message: String,
    },
}

impl IngestError {
    /// An unusable file at a byte offset.
    pub fn at_byte(file: &str, byte: u64, message: impl Into<String>) -> IngestError {
        IngestError::Unusable {
            file: file.to_string(),
            location: format!("byte {byte}"),
            message: message.into(),
        }
    }

    /// An unusable file at a line.
    pub fn at_line(file: &str, line: u64, message: impl Into<String>) -> IngestError {
        IngestError::Unusable {
            file: file.to_string(),
            location: format!("line {line}"),
            message: message.into(),
        }
    }

    /// An unusable file as a whole.
    pub fn whole(file: &str, message: impl Into<String>) -> IngestError {
        IngestError::Unusable {
            file: file.to_string(),
            location: "whole file".to_string(),
            message: message.into(),
        }
    }
}

/// Parses a set of files into lists: files of the same list are combined (the four OFAC CSV
/// files of one list join into one), ZIP archives are opened, and every other file is parsed on
/// its own.
///
/// Returns one [`ParsedList`] per list found, in [`ListId`] order. Fails when any file is
/// unusable, so that a snapshot is never built from part of what the user asked for.
pub fn parse_files(inputs: &[Input<'_>]) -> Result<Vec<ParsedList>, IngestError> {
    parse_files_within(inputs, &Limits::default())
}

/// [`parse_files`] within explicit [`Limits`]: ZIP archives are unpacked within their member,
/// size and ratio limits and over-long names are dropped with error diagnostics.
pub fn parse_files_within(
    inputs: &[Input<'_>],
    limits: &Limits,
) -> Result<Vec<ParsedList>, IngestError> {
    let mut expanded: Vec<(String, Vec<u8>)> = Vec::new();
    let mut direct: Vec<Input<'_>> = Vec::new();
    for input in inputs {
        if detect::is_zip(input.bytes) {
            for (name, bytes) in zipped::members(input, limits)? {
                expanded.push((name, bytes));
            }
        } else {
            direct.push(*input);
        }
    }
    let mut all: Vec<Input<'_>> = direct;
    all.extend(expanded.iter().map(|(name, bytes)| Input { name, bytes }));

    let mut csv_sets: std::collections::BTreeMap<ListId, Vec<(Input<'_>, Format)>> =
        Default::default();
    let mut out: Vec<ParsedList> = Vec::new();
    for input in all {
        let format = detect(input.name, input.bytes)?;
        if let Some(list) = format.ofac_csv_list() {
            csv_sets.entry(list).or_default().push((input, format));
            continue;
        }
        let parsed = match format {
            Format::OfacXml => ofac_xml::parse(&input)?,
            Format::OfacAdvancedXml => ofac_advanced::parse(&input)?,
            Format::OfacEnhancedXml => ofac_enhanced::parse(&input)?,
            Format::UnXml => un::parse(&input)?,
            Format::EuXml => eu::parse(&input)?,
            Format::UkXml => uk::parse_xml(&input)?,
            Format::UkCsv => uk::parse_csv(&input)?,
            Format::FtmJson => ftm::parse(&input)?,
            Format::FtmDelta => ftm::parse_delta(&input)?,
            _ => {
                return Err(IngestError::UnknownFormat {
                    file: input.name.to_string(),
                    detail: format!("{format:?} cannot be parsed on its own"),
                });
            }
        };
        let list = parsed.list.unwrap_or(format.list());
        out.push(ParsedList {
            list,
            files: vec![(input.name.to_string(), format)],
            parsed,
        });
    }
    for (list, files) in csv_sets {
        let parsed = ofac_csv::parse_set(list, &files)?;
        out.push(ParsedList {
            list,
            files: files
                .iter()
                .map(|(i, f)| (i.name.to_string(), *f))
                .collect(),
            parsed,
        });
    }
    for p in &mut out {
        limits::cap_names(p, limits);
        resolve::resolve_relations(&mut p.parsed.entities);
    }
    out.sort_by_key(|p| p.list);
    Ok(out)
}
