//! The default lists compiled into the binary: OFAC SDN (legacy CSV set) and the UN
//! consolidated list, so that a first `interdict screen` works with no internet and no imports.
//!
//! They are old by construction. [`crate::sources`] uses them only when no list is stored and
//! none could be fetched, or when the user asks for them (`--lists bundled`), and every answer
//! that uses them carries a [`api::Warning`] naming the lists, their publication dates and ages.
//! `crates/app/bundled/PROVENANCE.md` says where the files come from.

use ingest::{ListId, ParsedList};
use store::SourceFile;

use crate::Result;
use crate::files::{self, FileData};

/// The compressed files: an ordinary ZIP of the unmodified official files, read by the same
/// parsers as any imported ZIP.
const ZIP: &[u8] = include_bytes!("../bundled/default-lists.zip");

/// The name the bundled ZIP carries in diagnostics and snapshot metadata.
pub const FILE_NAME: &str = "bundled:default-lists.zip";

/// One bundled list: its id, the version every match names, and its publication date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BundledList {
    /// The list.
    pub list: ListId,
    /// The version matches name (`bundled-<publication date>`).
    pub version: &'static str,
    /// The publication date of the list's main file (ISO 8601).
    pub publish_date: &'static str,
    /// How many entities the parsers find in it (checked by a test).
    pub entities: u64,
}

/// The bundled lists. The OFAC date is that of `sdn.csv`; its alias, address and comment
/// files are of December 2025 (see PROVENANCE.md).
pub const LISTS: [BundledList; 2] = [
    BundledList {
        list: ListId::OfacSdn,
        version: "bundled-2024-05-03",
        publish_date: "2024-05-03",
        entities: 16_532,
    },
    BundledList {
        list: ListId::Un,
        version: "bundled-2026-02-27",
        publish_date: "2026-02-27",
        entities: 1_003,
    },
];

/// The bundled entry of a list.
pub fn info(list: ListId) -> Option<&'static BundledList> {
    LISTS.iter().find(|b| b.list == list)
}

/// Parses the bundled lists with the regular parsers, each with the source record the store
/// keeps. The data is compiled in and tested, so an error here means a broken build.
pub fn parse() -> Result<Vec<(ParsedList, Vec<SourceFile>)>> {
    let file = FileData {
        name: FILE_NAME.to_string(),
        bytes: ZIP.to_vec(),
    };
    files::parse(std::slice::from_ref(&file))
}

/// The compressed size compiled into the binary, in bytes.
pub fn compressed_size() -> usize {
    ZIP.len()
}

/// The warning every answer from bundled lists carries, given the lists it used.
pub fn warning(lists: Vec<api::ListUsed>) -> api::Warning {
    let dates: Vec<String> = lists
        .iter()
        .map(|l| {
            format!(
                "{} published {} ({} days old)",
                l.list,
                l.publish_date.as_deref().unwrap_or("?"),
                l.age_days
                    .map_or_else(|| "?".to_string(), |d| d.to_string())
            )
        })
        .collect();
    api::Warning {
        code: api::WarningCode::BundledLists,
        message: format!(
            "These results use the default lists bundled with interdict ({}). They are not current and must not be used for compliance decisions; run `interdict lists update` or `interdict lists import FILE...` first.",
            dates.join("; ")
        ),
        lists,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The member hashes of PROVENANCE.md: the bundled files are the official files unchanged.
    #[test]
    fn bundled_files_are_the_documented_official_files() {
        let expected = [
            (
                "sdn.csv",
                "210ca6b4a8187a34e0850be69ecc6e918f23ad7778b8b5b2f9c9d5fbbaf4e0cb",
            ),
            (
                "add.csv",
                "d5906f90b2d027786019cb6a55c12a2708c61f21ad7c634df4e2b919f1640bf4",
            ),
            (
                "alt.csv",
                "f8c1cab56b08fb83ab4c06a4b9823c042ae645b853858049d076f729152de992",
            ),
            (
                "sdn_comments.csv",
                "852b79d8126e70f3656db35211720948122b1e4dad32aa1f49d5a68add9ffc4b",
            ),
            (
                "consolidated.xml",
                "66b392a4090868d2d39161e8d748efd39138377b0e6e60b7921aa67a4f99c8bf",
            ),
        ];
        let parsed = parse().expect("the bundled lists parse");
        let lists: Vec<ListId> = parsed.iter().map(|(p, _)| p.list).collect();
        assert_eq!(lists, vec![ListId::OfacSdn, ListId::Un]);
        let counts: Vec<u64> = parsed
            .iter()
            .map(|(p, _)| p.parsed.entities.len() as u64)
            .collect();
        assert_eq!(counts, LISTS.map(|b| b.entities).to_vec());
        let archive = zip_members();
        assert_eq!(archive.len(), expected.len());
        for (name, sha) in expected {
            let bytes = archive
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, b)| b)
                .expect("member present");
            assert_eq!(store::sha256_hex(bytes), sha, "{name}");
        }
    }

    fn zip_members() -> Vec<(String, Vec<u8>)> {
        use std::io::Read;
        let mut archive =
            zip::ZipArchive::new(std::io::Cursor::new(ZIP)).expect("the bundled ZIP opens");
        (0..archive.len())
            .map(|i| {
                let mut f = archive.by_index(i).expect("member");
                let mut bytes = Vec::new();
                f.read_to_end(&mut bytes).expect("member reads");
                (f.name().map(|n| n.to_string()).unwrap_or_default(), bytes)
            })
            .collect()
    }

    #[test]
    fn the_bundle_stays_small() {
        assert!(compressed_size() < 2_000_000, "{}", compressed_size());
    }
}
