//! Candidate index for name screening.
//!
//! Placeholder while the index is written; see the crate README.

/// The in-memory candidate index over analysed names.
#[derive(Debug, Default)]
pub struct NameIndex {
    len: u32,
}

impl NameIndex {
    /// How many names the index holds.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether the index holds no names.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}
