//! Listed names laid out for the alignment loop, and the only form in which the screener keeps
//! their analysis.
//!
//! The scorer visits a couple of dozen listed names per query, each somewhere else in memory. As
//! [`names::Token`]s (136 bytes each, text, skeleton and phonetic codes in separate heap
//! strings) every name cost a dozen cache misses before the first comparison, and profiles
//! showed those misses taking much of the scorer's time. Here each listed token is a 24-byte
//! record in one flat array, with its text, skeleton and Double Metaphone codes side by side in
//! one byte arena, so a name is a few adjacent cache lines; a [`PackedView`] of a token serves
//! [`names::compare_tokens`] directly. It also takes far less memory than the analyses did.
//!
//! Texts and skeletons are interned into one id space, so equality of two texts (or of two
//! skeletons) is equality of ids; a query token looks its ids up once per query.

use std::collections::HashMap;

use names::{AnalyzedName, Role, TokenView};

use crate::parts::Parts;
use crate::signature::Signature;

/// The flat store of every listed name's variants and tokens, indexed by name id.
#[derive(Debug, Default)]
pub(crate) struct PackedNames {
    pub(crate) names: Vec<PackedName>,
    pub(crate) variants: Vec<(u32, u16)>,
    pub(crate) tokens: Vec<PackedToken>,
    /// The role of every token as a one-byte tag ([`role_tag`]), beside `tokens` because only
    /// comparisons need it; a `Role` takes 24 bytes, and converting that many on opening a
    /// stored screener took a third of the time.
    pub(crate) roles: Vec<u8>,
    /// The legal forms that role tags at or above [`LEGAL_TAG`] refer to, in first-seen order.
    pub(crate) forms: Vec<names::LegalForm>,
    /// The letter signature of every token's text, read on part-similarity misses.
    pub(crate) sigs: Vec<Signature>,
    pub(crate) bytes: String,
    pub(crate) interner: HashMap<Box<str>, u32>,
    /// The interner of a screener opened from its serialised form (see `crate::persist`):
    /// sorted arrays, so that opening rebuilds no hash map; `interner` is then empty.
    pub(crate) frozen: Option<FrozenInterner>,
}

/// Interned strings as sorted arrays: where each id's bytes are in the arena, and the ids in
/// byte order of their strings.
#[derive(Debug, Default)]
pub(crate) struct FrozenInterner {
    /// Per id, the start and length of its string in the byte arena.
    pub(crate) spans: Vec<(u32, u32)>,
    /// The ids sorted by their strings' bytes.
    pub(crate) sorted: Vec<u32>,
}

/// One listed name: its entity and kind (read for every candidate) and where its variants are.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PackedName {
    /// The entity index in the screener.
    pub entity: u32,
    /// The kind of name (primary, alias, weak alias, …).
    pub kind: model::NameKind,
    pub(crate) first_variant: u32,
    pub(crate) n_variants: u16,
}

/// One listed token: interned ids, where its bytes are (text, skeleton, primary and alternate
/// phonetic code, in that order from `at`), its role class and weight.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PackedToken {
    pub(crate) text_id: u32,
    pub(crate) skel_id: u32,
    pub(crate) at: u32,
    pub(crate) text_len: u16,
    pub(crate) skel_len: u8,
    pub(crate) primary_len: u8,
    pub(crate) alternate_len: u8,
    pub(crate) class: u8,
    /// The first bytes of the text and the skeleton (0 when empty), for the joined/split
    /// filter: they fit the record's padding and spare it a read of the byte arena.
    pub(crate) heads: (u8, u8),
    pub(crate) weight: f32,
}

/// The role classes that decide how two parts compare: ordinary parts, legal forms, initials,
/// and the given and family names of a person (whose single syllables get no typo credit, see
/// `score::part_similarity`). The per-query memo of part similarities keys on it.
pub(crate) fn role_class(r: Role) -> u8 {
    match r {
        Role::LegalForm(_) => 1,
        Role::Initial => 2,
        Role::Given | Role::Family => 3,
        _ => 0,
    }
}

/// Role tags at or above this are legal forms, by position in [`PackedNames::forms`].
pub(crate) const LEGAL_TAG: u8 = 16;

/// The one-byte tag of a role other than a legal form (those are [`LEGAL_TAG`] and up).
pub(crate) fn role_tag(r: Role) -> u8 {
    match r {
        Role::Given => 0,
        Role::Family => 1,
        Role::Patronymic => 2,
        Role::Particle => 3,
        Role::Title => 4,
        Role::OrgWord => 5,
        Role::Stopword => 6,
        Role::Initial => 7,
        Role::Unknown => 8,
        Role::LegalForm(_) => LEGAL_TAG,
    }
}

/// The role of a tag, with `forms` for legal forms; `None` for a tag that names no role.
pub(crate) fn role_of_tag(t: u8, forms: &[names::LegalForm]) -> Option<Role> {
    Some(match t {
        0 => Role::Given,
        1 => Role::Family,
        2 => Role::Patronymic,
        3 => Role::Particle,
        4 => Role::Title,
        5 => Role::OrgWord,
        6 => Role::Stopword,
        7 => Role::Initial,
        8 => Role::Unknown,
        _ => Role::LegalForm(*forms.get(usize::from(t.checked_sub(LEGAL_TAG)?))?),
    })
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
                // Texts are normalised tokens; one longer than 65,535 bytes (or a skeleton or
                // code longer than 255) cannot come out of `names::analyze`, but would be stored
                // cut, never past its own bytes.
                let text = prefix(&t.text, usize::from(u16::MAX));
                let skel = prefix(&t.skeleton, usize::from(u8::MAX));
                let (primary, alternate) = t.phonetic_codes();
                let (primary, alternate) = (
                    prefix(primary, usize::from(u8::MAX)),
                    prefix(alternate, usize::from(u8::MAX)),
                );
                let text_id = self.intern(text);
                let skel_id = self.intern(skel);
                let at = self.bytes.len() as u32;
                for part in [text, skel, primary, alternate] {
                    self.bytes.push_str(part);
                }
                self.tokens.push(PackedToken {
                    text_id,
                    skel_id,
                    at,
                    text_len: text.len() as u16,
                    skel_len: skel.len() as u8,
                    primary_len: primary.len() as u8,
                    alternate_len: alternate.len() as u8,
                    class: role_class(t.role),
                    heads: (
                        text.as_bytes().first().copied().unwrap_or(0),
                        skel.as_bytes().first().copied().unwrap_or(0),
                    ),
                    weight: t.weight,
                });
                let tag = match t.role {
                    Role::LegalForm(f) => {
                        let at = match self.forms.iter().position(|g| *g == f) {
                            Some(at) => at,
                            None => {
                                self.forms.push(f);
                                self.forms.len() - 1
                            }
                        };
                        // More distinct legal forms than tags cannot come out of the names
                        // table (a few dozen); past that a form reads as an unknown word.
                        u8::try_from(at)
                            .ok()
                            .and_then(|a| a.checked_add(LEGAL_TAG))
                            .unwrap_or(role_tag(Role::Unknown))
                    }
                    other => role_tag(other),
                };
                self.roles.push(tag);
                self.sigs.push(Signature::of(text.as_bytes()));
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
        if let Some(f) = &self.frozen {
            let found = f.sorted.binary_search_by(|&id| {
                let (at, len) = f.spans.get(id as usize).copied().unwrap_or((0, 0));
                let at = at as usize;
                self.bytes
                    .as_bytes()
                    .get(at..at.saturating_add(len as usize))
                    .unwrap_or(&[])
                    .cmp(s.as_bytes())
            });
            return found.map_or(UNKNOWN, |i| f.sorted[i]);
        }
        self.interner.get(s).copied().unwrap_or(UNKNOWN)
    }

    /// The header of name `name`.
    pub fn name(&self, name: u32) -> PackedName {
        self.names[name as usize]
    }

    /// Reads the first records of name `name` (header, first variant, token, signature and
    /// role) and returns a meaningless value, so that a pass over many candidates loads their
    /// memory in parallel before the scorer needs it.
    pub fn touch(&self, name: u32) -> u64 {
        let Some(n) = self.names.get(name as usize) else {
            return 0;
        };
        let Some(&(start, _)) = self.variants.get(n.first_variant as usize) else {
            return 0;
        };
        let t = start as usize;
        let token = self.tokens.get(t).map_or(0, |t| u64::from(t.text_id));
        let sig = self.sigs.get(t).map_or(0, |s| s.counts());
        let role = self.roles.get(t).map_or(0, |&r| u64::from(r));
        token ^ sig ^ role
    }

    /// How many variants name `name` has.
    pub fn variant_count(&self, name: &PackedName) -> usize {
        usize::from(name.n_variants)
    }

    /// Variant `j` of a name as alignment parts.
    pub fn variant(&self, name: &PackedName, j: usize) -> Listed<'_> {
        let (start, len) = self.variants[name.first_variant as usize + j];
        let range = start as usize..start as usize + usize::from(len);
        Listed {
            tokens: &self.tokens[range.clone()],
            roles: &self.roles[range.clone()],
            forms: &self.forms,
            sigs: &self.sigs[range],
            bytes: &self.bytes,
        }
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// One listed variant seen through the packed store.
#[derive(Clone, Copy)]
pub(crate) struct Listed<'a> {
    tokens: &'a [PackedToken],
    roles: &'a [u8],
    forms: &'a [names::LegalForm],
    sigs: &'a [Signature],
    bytes: &'a str,
}

/// One packed listed token as [`names::TokenView`], for [`names::compare_tokens`].
#[derive(Clone, Copy)]
pub(crate) struct PackedView<'a> {
    token: &'a PackedToken,
    role: Role,
    bytes: &'a str,
}

impl<'a> PackedView<'a> {
    fn str_at(&self, from: usize, len: usize) -> &'a str {
        let start = self.token.at as usize + from;
        // Packed from `&str`s cut on character boundaries, so the range is always valid.
        self.bytes.get(start..start + len).unwrap_or("")
    }
}

impl TokenView for PackedView<'_> {
    fn text(&self) -> &str {
        self.str_at(0, usize::from(self.token.text_len))
    }
    fn skeleton(&self) -> &str {
        self.str_at(
            usize::from(self.token.text_len),
            usize::from(self.token.skel_len),
        )
    }
    fn role(&self) -> Role {
        self.role
    }
    fn phonetic_codes(&self) -> (&str, &str) {
        let t = self.token;
        let primary = usize::from(t.text_len) + usize::from(t.skel_len);
        let alternate = primary + usize::from(t.primary_len);
        (
            self.str_at(primary, usize::from(t.primary_len)),
            self.str_at(alternate, usize::from(t.alternate_len)),
        )
    }
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

    /// The letter signature of part `i`'s text.
    pub fn signature(&self, i: usize) -> Signature {
        self.sigs[i]
    }

    /// The role class of part `i` ([`role_class`]).
    pub fn class(&self, i: usize) -> u8 {
        self.tokens[i].class
    }
}

impl<'a> Parts for Listed<'a> {
    type View<'v>
        = PackedView<'a>
    where
        Self: 'v;

    fn len(&self) -> usize {
        self.tokens.len()
    }
    fn weight(&self, i: usize) -> f32 {
        self.tokens[i].weight
    }
    fn text(&self, i: usize) -> &[u8] {
        let t = &self.tokens[i];
        &self.bytes.as_bytes()[t.at as usize..t.at as usize + usize::from(t.text_len)]
    }
    fn skeleton(&self, i: usize) -> &[u8] {
        let t = &self.tokens[i];
        let at = t.at as usize + usize::from(t.text_len);
        &self.bytes.as_bytes()[at..at + usize::from(t.skel_len)]
    }
    fn is_legal_form(&self, i: usize) -> bool {
        self.tokens[i].class == 1
    }
    fn heads(&self, i: usize) -> (u8, u8) {
        self.tokens[i].heads
    }
    fn view(&self, i: usize) -> PackedView<'a> {
        PackedView {
            token: &self.tokens[i],
            role: role_of_tag(self.roles[i], self.forms).unwrap_or(Role::Unknown),
            bytes: self.bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    /// The records stay 24 bytes: two fit a cache line and a half, and the name's records are
    /// what the candidate loop reads.
    #[test]
    fn packed_token_is_24_bytes() {
        assert_eq!(std::mem::size_of::<super::PackedToken>(), 24);
    }
}
