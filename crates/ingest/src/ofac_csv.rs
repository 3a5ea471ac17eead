//! OFAC legacy CSV sets: `sdn.csv` + `add.csv` + `alt.csv` + `sdn_comments.csv`, and the
//! `cons_*` equivalents.

use crate::{Format, IngestError, Input, ListId, Parsed};

/// Parses and joins the files of one OFAC CSV set.
pub fn parse_set(list: ListId, files: &[(Input<'_>, Format)]) -> Result<Parsed, IngestError> {
    let _ = list;
    Err(IngestError::whole(
        files.first().map(|f| f.0.name).unwrap_or("?"),
        "this format is not implemented yet",
    ))
}
