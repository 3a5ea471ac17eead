//! Integration tests of the `chain` crate; one binary so that the 2-core CI links once.

mod shared_data;
