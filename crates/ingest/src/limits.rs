//! Bounds on what one import may cost, whatever the input.
//!
//! A list file is read whole into memory by the caller (capped there at
//! [`Limits::max_input_bytes`]); a ZIP archive is unpacked here within [`Limits::max_zip_members`],
//! [`Limits::max_zip_expanded`] and [`Limits::max_zip_ratio`], checked against the sizes the
//! archive declares *before* anything is inflated and again while inflating (an archive that
//! declares less than it holds is refused at the first byte beyond its declaration). So the bytes
//! held for one import never exceed `max_input_bytes` per file plus `max_zip_expanded`, and the
//! parsed entities are proportional to those bytes.
//!
//! Names longer than [`Limits::max_name_bytes`] are dropped from their record with an error
//! diagnostic (no official list spells a name over a few hundred bytes; a longer one is damage
//! or an attack on the matcher, whose cost grows with name length).

use model::{Diagnostic, Severity};

use crate::ParsedList;

/// The bounds one import runs within. [`Limits::default`] is well above every official file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest input file, in bytes (default 512 MiB; OFAC's largest export, the Enhanced
    /// XML of the SDN list, is about 120 MB).
    pub max_input_bytes: u64,
    /// The most file members one ZIP archive may hold (default 64; OFAC's archives hold one).
    pub max_zip_members: usize,
    /// The most bytes all members of one ZIP archive may expand to together (default 512 MiB).
    pub max_zip_expanded: u64,
    /// The largest expansion ratio of a member (expanded / compressed, default 200; XML lists
    /// compress about 10 to 20 times, a ZIP bomb about 1,000 times).
    pub max_zip_ratio: u64,
    /// The longest name a record may carry, in bytes (default 2,048).
    pub max_name_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_input_bytes: 512 << 20,
            max_zip_members: 64,
            max_zip_expanded: 512 << 20,
            max_zip_ratio: 200,
            max_name_bytes: 2048,
        }
    }
}

/// Drops every name longer than the limit, with an error diagnostic naming the file and record
/// (never the name itself, which may be megabytes long).
pub(crate) fn cap_names(list: &mut ParsedList, limits: &Limits) {
    let file = list
        .files
        .first()
        .map(|(n, _)| n.clone())
        .unwrap_or_default();
    let mut diags = Vec::new();
    for e in &mut list.parsed.entities {
        let before = e.names.len();
        e.names.retain(|n| n.full.len() <= limits.max_name_bytes);
        let dropped = before - e.names.len();
        if dropped > 0 {
            diags.push(
                Diagnostic::for_file(
                    Severity::Error,
                    &file,
                    format!(
                        "{dropped} name(s) longer than the {}-byte limit were dropped from this record.",
                        limits.max_name_bytes
                    ),
                )
                .with_record(e.id.as_str()),
            );
        }
    }
    list.parsed.diagnostics.extend(diags);
}
