//! What alignment reads of one side of a name pair, however its parts are stored.
//!
//! The packed store implements [`Parts`] over its flat records and the scorer aligns any two
//! implementations, so the trait lives below both.

use names::{Role, Token, TokenView};

/// One side of an alignment: the parts of one name variant, however they are stored (analysed
/// tokens for queries, the packed store for listed names).
pub(crate) trait Parts {
    /// How many parts.
    fn len(&self) -> usize;
    /// The scorer's weight of part `i`.
    fn weight(&self, i: usize) -> f32;
    /// The normalised text of part `i`.
    fn text(&self, i: usize) -> &[u8];
    /// The spelling-equivalence skeleton of part `i`.
    fn skeleton(&self, i: usize) -> &[u8];
    /// Whether part `i` is a legal form.
    fn is_legal_form(&self, i: usize) -> bool;
    /// The first bytes of part `i`'s text and skeleton (0 when empty).
    fn heads(&self, i: usize) -> (u8, u8) {
        (
            self.text(i).first().copied().unwrap_or(0),
            self.skeleton(i).first().copied().unwrap_or(0),
        )
    }
    /// Part `i` as a token, for comparisons the cheap checks cannot settle and explanations.
    type View<'v>: TokenView
    where
        Self: 'v;
    /// Part `i` as a token.
    fn view(&self, i: usize) -> Self::View<'_>;
}

impl Parts for [Token] {
    type View<'v> = &'v Token;

    fn len(&self) -> usize {
        <[Token]>::len(self)
    }
    fn weight(&self, i: usize) -> f32 {
        self[i].weight
    }
    fn text(&self, i: usize) -> &[u8] {
        self[i].text.as_bytes()
    }
    fn skeleton(&self, i: usize) -> &[u8] {
        self[i].skeleton.as_bytes()
    }
    fn is_legal_form(&self, i: usize) -> bool {
        matches!(self[i].role, Role::LegalForm(_))
    }
    fn view(&self, i: usize) -> &Token {
        &self[i]
    }
}
