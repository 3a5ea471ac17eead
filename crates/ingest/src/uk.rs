//! UK Sanctions List (FCDO) and OFSI consolidated list, XML and CSV.

use crate::{IngestError, Input, Parsed};

/// Parses the XML form.
pub fn parse_xml(input: &Input<'_>) -> Result<Parsed, IngestError> {
    Err(IngestError::whole(
        input.name,
        "this format is not implemented yet",
    ))
}

/// Parses the CSV form.
pub fn parse_csv(input: &Input<'_>) -> Result<Parsed, IngestError> {
    Err(IngestError::whole(
        input.name,
        "this format is not implemented yet",
    ))
}
