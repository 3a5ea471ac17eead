//! OpenSanctions FtM JSON lines and FtM delta files.

use crate::{IngestError, Input, Parsed};

/// Parses FtM entities, one JSON object per line.
pub fn parse(input: &Input<'_>) -> Result<Parsed, IngestError> {
    Err(IngestError::whole(
        input.name,
        "this format is not implemented yet",
    ))
}

/// Parses an FtM delta file (`ADD` / `MOD` / `DEL` operations).
pub fn parse_delta(input: &Input<'_>) -> Result<Parsed, IngestError> {
    Err(IngestError::whole(
        input.name,
        "this format is not implemented yet",
    ))
}
