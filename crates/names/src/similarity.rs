//! Token similarity primitives for the scorer.
//!
//! [`compare_tokens`] says how similar two tokens are and which transformation made them equal,
//! so that an explanation can name it ("Hyok ~ Hyeok: transliteration-equivalent"). The checks run
//! cheapest first and stop at the first that proves equality; only tokens that are not equal
//! under any transformation pay for the edit-distance computation.

use crate::skeleton::{codes_match, phonetic_key, skeleton};
use crate::{Role, Token};

/// What token comparison reads of a token.
///
/// [`Token`] implements it; a caller that stores tokens its own way (the screener keeps listed
/// tokens in flat arrays for its hot loop) implements it over its layout and compares without
/// building `Token`s, with exactly the same results.
pub trait TokenView {
    /// The normalised text.
    fn text(&self) -> &str;
    /// The spelling-equivalence skeleton ([`crate::skeleton`]).
    fn skeleton(&self) -> &str;
    /// The role within the name.
    fn role(&self) -> Role;
    /// The Double Metaphone codes, primary and alternate, as [`crate::phonetic_key`] gives them.
    fn phonetic_codes(&self) -> (&str, &str);
}

impl TokenView for Token {
    fn text(&self) -> &str {
        &self.text
    }
    fn skeleton(&self) -> &str {
        &self.skeleton
    }
    fn role(&self) -> Role {
        self.role
    }
    fn phonetic_codes(&self) -> (&str, &str) {
        let p = self.phonetic();
        (&p.primary, &p.alternate)
    }
}

impl<T: TokenView + ?Sized> TokenView for &T {
    fn text(&self) -> &str {
        (**self).text()
    }
    fn skeleton(&self) -> &str {
        (**self).skeleton()
    }
    fn role(&self) -> Role {
        (**self).role()
    }
    fn phonetic_codes(&self) -> (&str, &str) {
        (**self).phonetic_codes()
    }
}

/// Which transformation made two tokens match, strongest first.
///
/// Serialised in snake case: `exact`, `legal_form_class`, `transliteration`, `joined_split`,
/// `phonetic`, `initial`, `edit_distance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub enum Transform {
    /// Identical normalised text.
    Exact,
    /// Two legal forms of the same class (`Corp` and `Company`, `LLC` and `OOO`).
    LegalFormClass,
    /// Equal spelling-equivalence skeletons (`Hyok`/`Hyeok`, `Andreyev`/`Andreev`).
    Transliteration,
    /// One token is joined from the others (`Kumhyok` vs `Kum Hyok`); see [`compare_joined`].
    JoinedSplit,
    /// Equal Double Metaphone codes.
    Phonetic,
    /// An initial that matches the first letter of the other token.
    Initial,
    /// Nothing but character similarity; the similarity says how close.
    EditDistance,
}

impl Transform {
    /// The transformation's name in explanations and serialised output, in snake case.
    pub fn as_str(self) -> &'static str {
        match self {
            Transform::Exact => "exact",
            Transform::LegalFormClass => "legal_form_class",
            Transform::Transliteration => "transliteration",
            Transform::JoinedSplit => "joined_split",
            Transform::Phonetic => "phonetic",
            Transform::Initial => "initial",
            Transform::EditDistance => "edit_distance",
        }
    }
}

impl std::fmt::Display for Transform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// The result of comparing two tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TokenMatch {
    /// A similarity in `[0, 1]`; 1 means equal. The fixed values per transform are the `SIM_*`
    /// constants; for [`Transform::EditDistance`] it is the Jaro–Winkler similarity.
    pub similarity: f32,
    /// How the similarity was established.
    pub how: Transform,
}

/// Similarity reported for legal forms of one class with different canonical forms.
pub const SIM_LEGAL_FORM_CLASS: f32 = 0.95;
/// Similarity reported for transliteration-equivalent tokens.
pub const SIM_TRANSLITERATION: f32 = 0.95;
/// Similarity reported for a joined token equal to the concatenation of split tokens.
pub const SIM_JOINED: f32 = 0.95;
/// Similarity floor for phonetically equal tokens (raised to their Jaro–Winkler when higher).
pub const SIM_PHONETIC: f32 = 0.85;
/// Similarity reported for an initial matching a full token.
pub const SIM_INITIAL: f32 = 0.6;
/// Below this Jaro–Winkler similarity the phonetic check is skipped as hopeless.
const PHONETIC_GATE: f64 = 0.7;

/// Jaro–Winkler similarity (prefix scale 0.1, applied above 0.7), exactly as
/// `strsim::jaro_winkler` computes it.
///
/// The scorer calls this for every part pair that survives its cheap checks; strsim allocates
/// match flags and walks `char`s, which showed in profiles. Normalised tokens are ASCII and
/// short, so this runs on bytes with the flags in two machine words, and falls back to strsim
/// for anything else.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    if !a.is_ascii() || !b.is_ascii() || a.len() > 64 || b.len() > 64 {
        return strsim::jaro_winkler(a, b);
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let sim = jaro_ascii(a, b);
    if sim > 0.7 {
        let prefix = a.iter().take(4).zip(b).take_while(|(x, y)| x == y).count();
        sim + 0.1 * prefix as f64 * (1.0 - sim)
    } else {
        sim
    }
}

/// Jaro similarity of two ASCII byte strings of at most 64 bytes each, with strsim's matching
/// window and arithmetic (so results are bit-identical).
fn jaro_ascii(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let range = (a.len().max(b.len()) / 2).saturating_sub(1);
    let (mut a_flags, mut b_flags) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, &x) in a.iter().enumerate() {
        let hi = b.len().min(i + range + 1);
        for (j, &y) in b.iter().enumerate().take(hi).skip(i.saturating_sub(range)) {
            if y == x && b_flags & (1 << j) == 0 {
                a_flags |= 1 << i;
                b_flags |= 1 << j;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut j = 0usize;
    for (i, &x) in a.iter().enumerate() {
        if a_flags & (1 << i) == 0 {
            continue;
        }
        while b_flags & (1 << j) == 0 {
            j += 1;
        }
        if b[j] != x {
            transpositions += 1;
        }
        j += 1;
    }
    transpositions /= 2;
    ((matches as f64 / a.len() as f64)
        + (matches as f64 / b.len() as f64)
        + ((matches - transpositions) as f64 / matches as f64))
        / 3.0
}

/// Levenshtein distance normalised by the longer length: 1 − d / max(len).
pub fn levenshtein_similarity(a: &str, b: &str) -> f32 {
    strsim::normalized_levenshtein(a, b) as f32
}

/// Compares two analysed tokens and reports which transformation made them equal.
///
/// Order: exact text, legal-form class, skeleton, initial, then phonetic codes and Jaro–Winkler.
/// Roles only matter for legal forms and initials; the scorer weighs roles itself.
pub fn compare_tokens<A: TokenView + ?Sized, B: TokenView + ?Sized>(a: &A, b: &B) -> TokenMatch {
    if a.text() == b.text() {
        return exact();
    }
    if let (Role::LegalForm(fa), Role::LegalForm(fb)) = (a.role(), b.role()) {
        if fa.class == fb.class {
            return TokenMatch {
                similarity: SIM_LEGAL_FORM_CLASS,
                how: Transform::LegalFormClass,
            };
        }
        return edit(a.text(), b.text());
    }
    if !a.skeleton().is_empty() && a.skeleton() == b.skeleton() {
        return TokenMatch {
            similarity: SIM_TRANSLITERATION,
            how: Transform::Transliteration,
        };
    }
    compare_text_tail(a.text(), b.text(), || {
        codes_match(a.phonetic_codes(), b.phonetic_codes())
    })
}

/// Compares two normalised tokens given as plain strings (no roles, skeletons computed here).
pub fn compare_str(a: &str, b: &str) -> TokenMatch {
    if a == b {
        return exact();
    }
    let sa = skeleton(a);
    if !sa.is_empty() && sa == skeleton(b) {
        return TokenMatch {
            similarity: SIM_TRANSLITERATION,
            how: Transform::Transliteration,
        };
    }
    compare_text_tail(a, b, || phonetic_key(a).matches(&phonetic_key(b)))
}

/// Compares one token with a run of tokens that may be its split form (`Kumhyok` vs `Kum`,
/// `Hyok`; `Abdul` vs `Abd`, `al`), on text and then on skeletons.
///
/// Returns `None` unless the concatenation matches; the caller decides which runs to try.
pub fn compare_joined<J: TokenView + ?Sized, P: TokenView>(
    joined: &J,
    parts: &[P],
) -> Option<TokenMatch> {
    if parts.len() < 2 {
        return None;
    }
    let total: usize = parts.iter().map(|p| p.text().len()).sum();
    let mut concat = String::with_capacity(total);
    for p in parts {
        concat.push_str(p.text());
    }
    if concat == joined.text() {
        return Some(TokenMatch {
            similarity: 1.0,
            how: Transform::JoinedSplit,
        });
    }
    (skeleton(&concat) == joined.skeleton()).then_some(TokenMatch {
        similarity: SIM_JOINED,
        how: Transform::JoinedSplit,
    })
}

fn exact() -> TokenMatch {
    TokenMatch {
        similarity: 1.0,
        how: Transform::Exact,
    }
}

/// The checks after exact and skeleton equality; `phonetic` is only called when the pair is
/// close enough for a phonetic match to be plausible, because computing codes is the costly part.
fn compare_text_tail(a: &str, b: &str, phonetic: impl FnOnce() -> bool) -> TokenMatch {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.len() == 1 && long.len() > 1 && long.as_bytes()[0] == short.as_bytes()[0] {
        return TokenMatch {
            similarity: SIM_INITIAL,
            how: Transform::Initial,
        };
    }
    let jw = jaro_winkler(a, b);
    if jw >= PHONETIC_GATE && short.len() >= 3 && phonetic() {
        return TokenMatch {
            similarity: SIM_PHONETIC.max(jw as f32),
            how: Transform::Phonetic,
        };
    }
    TokenMatch {
        similarity: jw as f32,
        how: Transform::EditDistance,
    }
}

fn edit(a: &str, b: &str) -> TokenMatch {
    TokenMatch {
        similarity: jaro_winkler(a, b) as f32,
        how: Transform::EditDistance,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{NameKind, analyze};

    #[test]
    fn names_the_transformation() {
        check("hyok", "hyok", Transform::Exact);
        check("hyok", "hyeok", Transform::Transliteration);
        check("andreyev", "andreev", Transform::Transliteration);
        check("mohammed", "muhammad", Transform::Transliteration);
        check("j", "jong", Transform::Initial);
        check("catherine", "kathryn", Transform::Phonetic);
        check("smith", "smyth", Transform::Transliteration);
        check("ivanov", "petrov", Transform::EditDistance);
    }

    #[test]
    fn legal_forms_of_one_class_match() {
        let a = first_legal_form("ACME CORP");
        let b = first_legal_form("ACME CORPORATION");
        let c = first_legal_form("ACME COMPANY");
        let d = first_legal_form("ACME LLC");
        assert_eq!(compare_tokens(&a, &b).how, Transform::Exact);
        assert_eq!(compare_tokens(&a, &c).how, Transform::LegalFormClass);
        assert_eq!(compare_tokens(&a, &d).how, Transform::EditDistance);
    }

    #[test]
    fn joined_tokens_match_their_parts() {
        let whole = &analyze("Kumhyok", NameKind::Unknown).variants[0].tokens[0];
        let parts = analyze("Geum Hyeok", NameKind::Unknown).variants[0]
            .tokens
            .clone();
        let m = compare_joined(whole, &parts).expect("a joined match");
        assert_eq!(m.how, Transform::JoinedSplit);
        let abdul = &analyze("Abdul", NameKind::Unknown).variants[0].tokens[0];
        let abd_al = analyze("Abd al", NameKind::Unknown).variants[0]
            .tokens
            .clone();
        assert!(compare_joined(abdul, &abd_al).is_some());
    }

    proptest::proptest! {
        #[test]
        fn jaro_winkler_equals_strsim(a in "[a-e0-2 ]{0,70}", b in "[a-e0-2 ]{0,70}") {
            proptest::prop_assert_eq!(
                jaro_winkler(&a, &b).to_bits(),
                strsim::jaro_winkler(&a, &b).to_bits()
            );
        }
    }

    #[test]
    fn jaro_winkler_matches_strsim_on_names() {
        for (a, b) in [
            ("martha", "marhta"),
            ("dixon", "dicksonx"),
            ("kim", "kin"),
            ("asatryan", "asatrian"),
            ("", ""),
            ("a", ""),
            ("гайк", "gayk"),
        ] {
            assert_eq!(
                jaro_winkler(a, b).to_bits(),
                strsim::jaro_winkler(a, b).to_bits()
            );
        }
    }

    #[test]
    fn similarity_helpers_agree_with_stack_notes() {
        assert!((jaro_winkler("gayk asatryan", "gaiq asatryan") - 0.9179).abs() < 1e-3);
        assert!((levenshtein_similarity("gayk asatryan", "gaiq asatryan") - 0.8462).abs() < 1e-3);
    }

    fn first_legal_form(name: &str) -> Token {
        analyze(name, NameKind::Organization).variants[0]
            .tokens
            .iter()
            .find(|t| matches!(t.role, Role::LegalForm(_)))
            .cloned()
            .expect("a legal form")
    }

    fn check(a: &str, b: &str, expected: Transform) {
        assert_eq!(compare_str(a, b).how, expected, "{a} vs {b}");
    }
}
