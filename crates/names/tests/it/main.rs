//! Integration tests of the `names` crate: one binary, one module per concern (a single link step
//! matters on two cores).

mod eval;
