//! Content-based format detection.

use crate::{IngestError, ListId};

/// The role of one file of an OFAC legacy CSV set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CsvRole {
    /// `sdn.csv` / `cons_prim.csv`: one row per entry, 12 columns.
    Primary,
    /// `add.csv` / `cons_add.csv`: addresses, 6 columns.
    Address,
    /// `alt.csv` / `cons_alt.csv`: aliases, 5 columns.
    Alias,
    /// `sdn_comments.csv` / `cons_comments.csv`: remarks overflow, 2 columns.
    Comments,
}

/// A list file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// One file of an OFAC legacy CSV set.
    OfacCsv {
        /// SDN or consolidated.
        list: ListId,
        /// Which of the four files.
        role: CsvRole,
    },
    /// OFAC classic `SDN.XML` / `CONS_PRIM.XML` (`sdnList`).
    OfacXml,
    /// OFAC `SDN_ADVANCED.XML` / `CONS_ADVANCED.XML` (`Sanctions`).
    OfacAdvancedXml,
    /// OFAC `SDN_ENHANCED.XML` / `CONS_ENHANCED.XML` (`sanctionsData`).
    OfacEnhancedXml,
    /// UN Security Council consolidated list (`CONSOLIDATED_LIST`).
    UnXml,
    /// EU Financial Sanctions File, `xmlFullSanctionsList_1_1` (`export`).
    EuXml,
    /// UK Sanctions List or OFSI consolidated list, XML.
    UkXml,
    /// UK Sanctions List or OFSI consolidated list, CSV.
    UkCsv,
    /// FtM entities, one JSON object per line.
    FtmJson,
    /// FtM delta: `{"op": "ADD"|"MOD"|"DEL", "entity": …}` per line.
    FtmDelta,
    /// A ZIP archive (opened by [`crate::parse_files`]).
    Zip,
}

impl Format {
    /// The list a file of this format belongs to.
    pub fn list(self) -> ListId {
        match self {
            Format::OfacCsv { list, .. } => list,
            Format::OfacXml | Format::OfacAdvancedXml | Format::OfacEnhancedXml => ListId::OfacSdn,
            Format::UnXml => ListId::Un,
            Format::EuXml => ListId::Eu,
            Format::UkXml | Format::UkCsv => ListId::Uk,
            Format::FtmJson | Format::FtmDelta | Format::Zip => ListId::OpenSanctions,
        }
    }

    /// For a file of an OFAC CSV set, the list it belongs to.
    pub fn ofac_csv_list(self) -> Option<ListId> {
        match self {
            Format::OfacCsv { list, .. } => Some(list),
            _ => None,
        }
    }

    /// A short human name of the format.
    pub fn label(self) -> &'static str {
        match self {
            Format::OfacCsv {
                role: CsvRole::Primary,
                ..
            } => "OFAC CSV (primary)",
            Format::OfacCsv {
                role: CsvRole::Address,
                ..
            } => "OFAC CSV (addresses)",
            Format::OfacCsv {
                role: CsvRole::Alias,
                ..
            } => "OFAC CSV (aliases)",
            Format::OfacCsv {
                role: CsvRole::Comments,
                ..
            } => "OFAC CSV (remarks overflow)",
            Format::OfacXml => "OFAC XML",
            Format::OfacAdvancedXml => "OFAC Advanced XML",
            Format::OfacEnhancedXml => "OFAC Enhanced XML",
            Format::UnXml => "UN consolidated XML",
            Format::EuXml => "EU FSF XML",
            Format::UkXml => "UK sanctions XML",
            Format::UkCsv => "UK sanctions CSV",
            Format::FtmJson => "FtM JSON lines",
            Format::FtmDelta => "FtM delta",
            Format::Zip => "ZIP",
        }
    }
}

/// Whether the bytes start like a ZIP archive.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Detects the format of a file from its content.
///
/// The name only decides between the OFAC SDN and consolidated CSV sets, whose layouts are the
/// same: a name starting with `cons_` (or containing `cons_`) is the consolidated list.
pub fn detect(name: &str, bytes: &[u8]) -> Result<Format, IngestError> {
    let body = crate::text::strip_bom(bytes);
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else {
        return Err(IngestError::whole(name, "the file is empty"));
    };
    let body = &body[start..];
    if is_zip(bytes) {
        return Ok(Format::Zip);
    }
    if body[0] == b'<' {
        return detect_xml(name, body);
    }
    if body[0] == b'{' {
        let line = body.split(|b| *b == b'\n').next().unwrap_or(body);
        let head = String::from_utf8_lossy(&line[..line.len().min(4096)]);
        if head.contains("\"op\"") && head.contains("\"entity\"") {
            return Ok(Format::FtmDelta);
        }
        if head.contains("\"schema\"") || head.contains("\"id\"") {
            return Ok(Format::FtmJson);
        }
        return Err(unknown(name, "a JSON object without \"id\" or \"schema\""));
    }
    detect_csv(name, body)
}

fn unknown(name: &str, detail: &str) -> IngestError {
    IngestError::UnknownFormat {
        file: name.to_string(),
        detail: detail.to_string(),
    }
}

/// Finds the name of the root element, skipping the declaration, comments and doctype.
fn root_element(body: &[u8]) -> Option<String> {
    let mut i = 0;
    let head = &body[..body.len().min(64 * 1024)];
    while i < head.len() {
        let rest = &head[i..];
        if rest.starts_with(b"<?") {
            i += find(rest, b"?>")? + 2;
        } else if rest.starts_with(b"<!--") {
            i += find(rest, b"-->")? + 3;
        } else if rest.starts_with(b"<!") {
            i += find(rest, b">")? + 1;
        } else if rest.starts_with(b"<") {
            let end = rest[1..]
                .iter()
                .position(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/')?;
            let tag = String::from_utf8_lossy(&rest[1..1 + end]).into_owned();
            let local = tag.rsplit(':').next().unwrap_or(&tag).to_string();
            return Some(local);
        } else {
            i += 1;
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn detect_xml(name: &str, body: &[u8]) -> Result<Format, IngestError> {
    let Some(root) = root_element(body) else {
        return Err(unknown(name, "XML without a root element"));
    };
    let head = &body[..body.len().min(64 * 1024)];
    let f = match root.as_str() {
        "sdnList" => Format::OfacXml,
        // Advanced XML comes under two namespaces: the current `…/ADVANCED_XML` and the older
        // `http://www.un.org/sanctions/1.0` (with `sdn_advanced.xsd`), whose reference value
        // sets push the first `DistinctParty` far past the head.
        "Sanctions"
            if find(head, b"ADVANCED_XML").is_some()
                || find(head, b"DistinctPart").is_some()
                || find(head, b"http://www.un.org/sanctions/1.0").is_some()
                || find(head, b"sdn_advanced.xsd").is_some() =>
        {
            Format::OfacAdvancedXml
        }
        "sanctionsData" => Format::OfacEnhancedXml,
        "CONSOLIDATED_LIST" => Format::UnXml,
        "export" if find(head, b"sanctionEntity").is_some() || find(head, b"fsd").is_some() => {
            Format::EuXml
        }
        "Designations" | "ArrayOfFinancialSanctionsTarget" | "FinancialSanctionsTargets" => {
            Format::UkXml
        }
        other => {
            return Err(unknown(name, &format!("XML with root element <{other}>")));
        }
    };
    Ok(f)
}

fn detect_csv(name: &str, body: &[u8]) -> Result<Format, IngestError> {
    let first_line = body.split(|b| *b == b'\n').next().unwrap_or(body);
    let first = String::from_utf8_lossy(first_line);
    let lower = first.to_ascii_lowercase();
    if lower.starts_with("report date")
        || lower.starts_with("last updated")
        || (lower.contains("unique id") && lower.contains("name 6"))
        || (lower.contains("name 6") && lower.contains("group id"))
    {
        return Ok(Format::UkCsv);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut record = csv::ByteRecord::new();
    let ok = reader.read_byte_record(&mut record).unwrap_or(false);
    if !ok {
        return Err(unknown(name, "no CSV record"));
    }
    let first_is_num = record
        .get(0)
        .map(|f| {
            let f = f.trim_ascii();
            !f.is_empty() && f.iter().all(u8::is_ascii_digit)
        })
        .unwrap_or(false);
    if !first_is_num {
        return Err(unknown(
            name,
            "a text file that is neither an OFAC CSV (first field is not an ent_num) nor another known list",
        ));
    }
    let field = |i: usize| {
        record
            .get(i)
            .map(|f| String::from_utf8_lossy(f).trim().to_ascii_lowercase())
            .unwrap_or_default()
    };
    let role = match record.len() {
        12 => CsvRole::Primary,
        6 => CsvRole::Address,
        5 if matches!(field(2).as_str(), "aka" | "fka" | "nka" | "-0-") => CsvRole::Alias,
        2 => CsvRole::Comments,
        n => {
            return Err(unknown(
                name,
                &format!(
                    "a CSV whose first record has {n} fields; OFAC CSV files have 12 (sdn), 6 (add), 5 (alt) or 2 (comments)"
                ),
            ));
        }
    };
    let base = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase();
    let list = if base.starts_with("cons") || base.contains("cons_") {
        ListId::OfacCons
    } else {
        ListId::OfacSdn
    };
    Ok(Format::OfacCsv { list, role })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, content: &str, expected: Result<Format, ()>) {
        let got = detect(name, content.as_bytes()).map_err(|_| ());
        assert_eq!(got, expected, "{name}: {content:?}");
    }

    #[test]
    fn detects_formats() {
        let sdn = |role| {
            Ok(Format::OfacCsv {
                list: ListId::OfacSdn,
                role,
            })
        };
        check(
            "sdn.csv",
            "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n",
            sdn(CsvRole::Primary),
        );
        check(
            "x",
            "25,14,\"Calle 7\",\"Havana\",\"Cuba\",-0- \r\n",
            sdn(CsvRole::Address),
        );
        check(
            "x",
            "36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n",
            sdn(CsvRole::Alias),
        );
        check("x", "36,\"remarks overflow\"\r\n", sdn(CsvRole::Comments));
        check(
            "cons_prim.csv",
            "1,\"A\",-0- ,\"P\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n",
            Ok(Format::OfacCsv {
                list: ListId::OfacCons,
                role: CsvRole::Primary,
            }),
        );
        check(
            "u.xml",
            "\u{feff}<?xml version=\"1.0\"?>\n<CONSOLIDATED_LIST dateGenerated=\"x\">",
            Ok(Format::UnXml),
        );
        check(
            "s.xml",
            "<?xml version=\"1.0\"?><!-- c --><sdnList xmlns=\"x\">",
            Ok(Format::OfacXml),
        );
        check(
            "e.xml",
            "<sanctionsData xmlns=\"https://x/ENHANCED_XML\">",
            Ok(Format::OfacEnhancedXml),
        );
        check(
            "a.xml",
            "<Sanctions xmlns=\"https://x/ADVANCED_XML\">",
            Ok(Format::OfacAdvancedXml),
        );
        check(
            "a.xml",
            "<Sanctions xmlns=\"http://www.un.org/sanctions/1.0\" Version=\"3\">",
            Ok(Format::OfacAdvancedXml),
        );
        check(
            "eu.xml",
            "<export generationDate=\"x\"><sanctionEntity>",
            Ok(Format::EuXml),
        );
        check(
            "e.json",
            "{\"id\": \"x\", \"schema\": \"Person\"}\n",
            Ok(Format::FtmJson),
        );
        check(
            "d.json",
            "{\"op\": \"ADD\", \"entity\": {}}\n",
            Ok(Format::FtmDelta),
        );
        check("empty", "  \n", Err(()));
        check("odd.xml", "<html>", Err(()));
        check("odd.csv", "a,b,c\n", Err(()));
        check("odd.csv", "1,2,3\n", Err(()));
    }
}
