//! Listed names laid out for the alignment loop.
//!
//! The scorer visits a couple of dozen listed names per query, each somewhere else in memory. As
//! [`names::Token`]s (136 bytes each, text and skeleton in separate heap strings) every name
//! costs a dozen cache misses before the first comparison, and profiles showed those misses, not
//! the comparisons, taking most of the scorer's time. Here each listed token is a 24-byte record
//! in one flat array, with its text and skeleton bytes side by side in one byte arena, so a name
//! is a few adjacent cache lines. The full tokens are read only on the slow path: a part
//! similarity that is not memoised yet and that the cheap checks cannot settle, a joined/split
//! comparison that passed its filters, and explanations.
//!
//! Texts and skeletons are interned into one id space, so equality of two texts (or of two
//! skeletons) is equality of ids; a query token looks its ids up once per query.

use std::collections::HashMap;

use names::{AnalyzedName, Role, Token};

use crate::score::Parts;

/// The flat store of every listed name's variants and tokens, indexed by name id.
#[derive(Debug, Default)]
pub(crate) struct PackedNames {
    names: Vec<PackedName>,
    variants: Vec<(u32, u16)>,
    tokens: Vec<PackedToken>,
    bytes: Vec<u8>,
    interner: HashMap<Box<str>, u32>,
}

/// One listed name: its entity and kind (read for every candidate) and where its variants are.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PackedName {
    /// The entity index in the screener.
    pub entity: u32,
    /// The kind of name (primary, alias, weak alias, …).
    pub kind: model::NameKind,
    first_variant: u32,
    n_variants: u16,
}

/// One listed token: interned ids, where its bytes are, its role class and weight.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PackedToken {
    text_id: u32,
    skel_id: u32,
    at: u32,
    text_len: u16,
    skel_len: u16,
    class: u8,
    weight: f32,
}

/// The role classes that decide how two parts compare: ordinary parts, legal forms, initials.
pub(crate) fn role_class(r: Role) -> u8 {
    match r {
        Role::LegalForm(_) => 1,
        Role::Initial => 2,
        _ => 0,
    }
}

/// Id of a string that was never interned: equal to no id.
pub(crate) const UNKNOWN: u32 = u32::MAX;

impl PackedNames {
    /// Appends the variants of one listed name; names get ids 0, 1, 2, … in call order.
    pub fn push(&mut self, entity: u32, kind: model::NameKind, analyzed: &AnalyzedName) {
        let first_variant = self.variants.len() as u32;
        for v in &analyzed.variants {
            self.variants.push((
                self.tokens.len() as u32,
                v.tokens.len().min(usize::from(u16::MAX)) as u16,
            ));
            for t in v.tokens.iter().take(usize::from(u16::MAX)) {
                let text_id = self.intern(&t.text);
                let skel_id = self.intern(&t.skeleton);
                let at = self.bytes.len() as u32;
                let text = &t.text.as_bytes()[..t.text.len().min(usize::from(u16::MAX))];
                let skel = &t.skeleton.as_bytes()[..t.skeleton.len().min(usize::from(u16::MAX))];
                self.bytes.extend_from_slice(text);
                self.bytes.extend_from_slice(skel);
                self.tokens.push(PackedToken {
                    text_id,
                    skel_id,
                    at,
                    text_len: text.len() as u16,
                    skel_len: skel.len() as u16,
                    class: role_class(t.role),
                    weight: t.weight,
                });
            }
        }
        self.names.push(PackedName {
            entity,
            kind,
            first_variant,
            n_variants: (self.variants.len() as u32 - first_variant) as u16,
        });
    }

    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.interner.get(s) {
            return id;
        }
        let id = self.interner.len() as u32;
        self.interner.insert(s.into(), id);
        id
    }

    /// The id of an interned text or skeleton, or [`UNKNOWN`].
    pub fn id_of(&self, s: &str) -> u32 {
        self.interner.get(s).copied().unwrap_or(UNKNOWN)
    }

    /// The header of name `name`.
    pub fn name(&self, name: u32) -> PackedName {
        self.names[name as usize]
    }

    /// How many variants name `name` has.
    pub fn variant_count(&self, name: &PackedName) -> usize {
        usize::from(name.n_variants)
    }

    /// Variant `j` of a name as alignment parts; `full` is the name's analysis, read only on
    /// the slow path.
    pub fn variant<'a>(
        &'a self,
        name: &PackedName,
        j: usize,
        full: &'a AnalyzedName,
    ) -> Listed<'a> {
        let (start, len) = self.variants[name.first_variant as usize + j];
        Listed {
            tokens: &self.tokens[start as usize..start as usize + usize::from(len)],
            bytes: &self.bytes,
            full,
            variant: j,
        }
    }
}

/// One listed variant seen through the packed store.
#[derive(Clone, Copy)]
pub(crate) struct Listed<'a> {
    tokens: &'a [PackedToken],
    bytes: &'a [u8],
    full: &'a AnalyzedName,
    variant: usize,
}

impl Listed<'_> {
    /// The interned text id of part `i`.
    pub fn text_id(&self, i: usize) -> u32 {
        self.tokens[i].text_id
    }

    /// The interned skeleton id of part `i`.
    pub fn skel_id(&self, i: usize) -> u32 {
        self.tokens[i].skel_id
    }

    /// The role class of part `i` ([`role_class`]).
    pub fn class(&self, i: usize) -> u8 {
        self.tokens[i].class
    }
}

impl Parts for Listed<'_> {
    fn len(&self) -> usize {
        self.tokens.len()
    }
    fn weight(&self, i: usize) -> f32 {
        self.tokens[i].weight
    }
    fn text(&self, i: usize) -> &[u8] {
        let t = &self.tokens[i];
        &self.bytes[t.at as usize..t.at as usize + usize::from(t.text_len)]
    }
    fn skeleton(&self, i: usize) -> &[u8] {
        let t = &self.tokens[i];
        let at = t.at as usize + usize::from(t.text_len);
        &self.bytes[at..at + usize::from(t.skel_len)]
    }
    fn is_legal_form(&self, i: usize) -> bool {
        self.tokens[i].class == 1
    }
    fn tokens(&self) -> &[Token] {
        self.full
            .variants
            .get(self.variant)
            .map(|v| v.tokens.as_slice())
            .unwrap_or(&[])
    }
}
