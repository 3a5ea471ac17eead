//! Test support shared by every crate's tests: finding the real data in `../shared`.
//!
//! Tests that read `../shared` (the real list files and the labelled evaluation set beside the
//! checkout) skip with a printed reason on a user's clone, where it is absent. CI sets
//! [`REQUIRE_VAR`], which turns an absent `../shared` into a failure, so CI can never go green
//! by skipping them.

use std::path::PathBuf;

/// The environment variable that makes an absent `../shared` a test failure.
pub const REQUIRE_VAR: &str = "INTERDICT_REQUIRE_SHARED";

/// The `shared/` folder beside the repository checkout.
pub fn shared_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// The path of `rel` (a file or folder) inside `../shared`, or `None` with the reason printed
/// when it is absent.
///
/// # Panics
///
/// When it is absent and [`REQUIRE_VAR`] is set: that is CI, where skipping would hide the
/// test.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let required = std::env::var_os(REQUIRE_VAR).is_some_and(|v| !v.is_empty());
    locate(rel, required)
}

fn locate(rel: &str, required: bool) -> Option<PathBuf> {
    let path = shared_root().join(rel);
    if path.exists() {
        return Some(path);
    }
    assert!(
        !required,
        "{} is absent, and {REQUIRE_VAR} is set: this run must not skip tests of the real data",
        path.display()
    );
    println!("skipped: {} is absent", path.display());
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absent_file_skips_unless_required() {
        assert_eq!(locate("no/such/file", false), None);
        let required = std::panic::catch_unwind(|| locate("no/such/file", true));
        assert!(
            required.is_err(),
            "a required absent file must fail the test"
        );
    }
}
