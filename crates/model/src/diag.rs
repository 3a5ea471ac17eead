//! Diagnostics: what a parser could not use, and where it was.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Information was kept but something about it is unusual (an alias without its entity).
    Info,
    /// Part of a record was dropped or could not be interpreted.
    Warning,
    /// A whole record was dropped.
    Error,
}

/// Where in a file a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    /// A 1-based line number (CSV, JSON lines, XML where the line is known).
    Line(u64),
    /// A 0-based byte offset (XML, binary formats).
    Byte(u64),
    /// The file as a whole.
    File,
}

/// One problem found while reading a list file.
///
/// Parsers never panic and never stop at a bad record: they emit a diagnostic and go on, so the
/// user sees every problem at once and the rest of the list still loads.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// The file name as the user gave it (or the member name inside a ZIP).
    pub file: String,
    /// Where in the file.
    pub location: Location,
    /// The record the problem belongs to, when known (an entity id or source record number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// What went wrong, as a full sentence.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic at a line.
    pub fn at_line(severity: Severity, file: &str, line: u64, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            file: file.to_string(),
            location: Location::Line(line),
            record: None,
            message: message.into(),
        }
    }

    /// A diagnostic at a byte offset.
    pub fn at_byte(severity: Severity, file: &str, byte: u64, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            file: file.to_string(),
            location: Location::Byte(byte),
            record: None,
            message: message.into(),
        }
    }

    /// A diagnostic about a whole file.
    pub fn for_file(severity: Severity, file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            file: file.to_string(),
            location: Location::File,
            record: None,
            message: message.into(),
        }
    }

    /// Names the record the diagnostic is about.
    pub fn with_record(mut self, record: impl Into<String>) -> Self {
        self.record = Some(record.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        match self.location {
            Location::Line(l) => write!(f, "{}:{l}: {sev}: ", self.file)?,
            Location::Byte(b) => write!(f, "{} (byte {b}): {sev}: ", self.file)?,
            Location::File => write!(f, "{}: {sev}: ", self.file)?,
        }
        if let Some(r) = &self.record {
            write!(f, "[{r}] ")?;
        }
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_file_and_place() {
        let d = Diagnostic::at_line(Severity::Warning, "sdn.csv", 12, "Bad date \"x\".")
            .with_record("ofac:1");
        assert_eq!(
            d.to_string(),
            "sdn.csv:12: warning: [ofac:1] Bad date \"x\"."
        );
        let d = Diagnostic::at_byte(Severity::Error, "un.xml", 99, "Truncated.");
        assert_eq!(d.to_string(), "un.xml (byte 99): error: Truncated.");
    }
}
