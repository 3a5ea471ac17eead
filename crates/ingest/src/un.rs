//! UN Security Council consolidated list XML.

use crate::{IngestError, Input, Parsed};

/// Parses one file of this format.
pub fn parse(input: &Input<'_>) -> Result<Parsed, IngestError> {
    Err(IngestError::whole(
        input.name,
        "this format is not implemented yet",
    ))
}
