//! Integration tests of the ingest crate: one test binary, one module per area.

mod xml_lists;
