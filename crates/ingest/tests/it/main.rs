//! Integration tests of the ingest crate: one test binary, one module per area.

mod ftm_eu_uk;
mod ofac_csv;
mod parity;
mod xml_lists;
