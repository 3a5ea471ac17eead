//! The free-text scan's contract: what `interdict scan` prints and `/v1/scan` takes and sends.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{ListUsed, Warning};

/// The largest text one `/v1/scan` request or one scanned record may carry, in bytes. Longer
/// text is split by the caller; the engine's memory does not depend on it, but a request body
/// must stay bounded.
pub const MAX_SCAN_TEXT_BYTES: usize = 1 << 20;

/// A `/v1/scan` request: one text to search for listed names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanRequest {
    /// The caller's id for the text, repeated in the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The text, in any script: a remittance field, an invoice line, a chat message.
    pub text: String,
}

/// The answer for one scanned text: one line of `interdict scan --output`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ScanLine {
    /// The text's id (the `id` column or key, else `line-N`); absent for a single text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Why the text could not be scanned, for an input record that is not usable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The listed names found, in text order (by start, then score descending, then entity id).
    pub hits: Vec<screening::ScanHit>,
}

/// The answer to `interdict scan TEXT --json` and to `/v1/scan`: the line plus what answered it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ScanResponse {
    /// The hits.
    #[serde(flatten)]
    pub line: ScanLine,
    /// The threshold a span's score had to reach.
    pub threshold: f64,
    /// The lists that answered, with versions and ages.
    pub lists: Vec<ListUsed>,
    /// Warnings about the answer (such as the bundled-list notice).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}
