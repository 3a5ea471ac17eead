//! Text normalisation: the order of operations matters.
//!
//! The pipeline is (1) NFC, (2) script-aware transliteration, (3) NFKD and combining-mark
//! stripping on the Latin result only, (4) lowercasing, apostrophe deletion and punctuation and
//! hyphen folding, (5) tokenisation on spaces. NFKD must not run before transliteration: it
//! splits `й` into `и` + breve and Hangul syllables into jamo, losing information the
//! transliterators need (stack.md §3).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Applies NFC, the first step of the pipeline, to raw input.
///
/// Transliteration tables are keyed on precomposed letters, so a decomposed `й` typed as
/// `и` + U+0306 must be recomposed before lookup.
pub fn nfc(raw: &str) -> String {
    if raw.is_ascii() {
        return raw.to_owned();
    }
    raw.nfc().collect()
}

/// Folds romanised text to lowercase ASCII words separated by single spaces (steps 3 and 4).
///
/// Diacritics are stripped after NFKD, letters without a decomposition (`ß`, `ø`, `ł`) go through
/// `any_ascii`, apostrophes are deleted so that `O'Brien` and McCune–Reischauer's `Kyo'ng` stay one
/// word, and every other non-alphanumeric character, hyphens included, becomes a word break.
/// The result is appended to `out`.
pub fn fold_latin_into(text: &str, out: &mut String) {
    let mut pending_space = !out.is_empty();
    let push = |c: char, out: &mut String, pending: &mut bool| {
        if c.is_ascii_alphanumeric() {
            if *pending && !out.is_empty() {
                out.push(' ');
            }
            *pending = false;
            out.push(c.to_ascii_lowercase());
        } else if !is_apostrophe(c) {
            *pending = true;
        }
    };
    if text.is_ascii() {
        for c in text.chars() {
            push(c, out, &mut pending_space);
        }
        return;
    }
    for c in text.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_ascii() || is_apostrophe(c) {
            push(c, out, &mut pending_space);
        } else {
            for a in any_ascii::any_ascii_char(c).chars() {
                push(a, out, &mut pending_space);
            }
        }
    }
}

/// Folds romanised text to lowercase ASCII words separated by single spaces (pipeline steps 3
/// and 4): NFKD, mark stripping, `any_ascii` for the rest, apostrophes deleted, every other
/// non-alphanumeric character a word break.
pub fn fold_latin(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_latin_into(text, &mut out);
    out
}

/// Normalises a name of any script to one lowercase ASCII string of space-separated tokens.
///
/// This is the whole pipeline with the first (most common) romanisation of each script; use
/// [`crate::analyze`] to get every romanisation. The function is idempotent, its output is ASCII
/// and it never panics.
pub fn normalize(raw: &str) -> String {
    let composed = nfc(raw);
    let roman = crate::translit::primary(&composed);
    fold_latin(&roman)
}

/// Whether `c` is an apostrophe-like character that is deleted rather than treated as a break.
///
/// Transliterations use these for soft signs, Arabic ayn and hamza and McCune–Reischauer
/// aspiration; dropping them joins the two halves, which is how lists spell the same names
/// without them.
pub fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}'
            | '\u{2018}'
            | '\u{02BC}'
            | '\u{02BB}'
            | '`'
            | '\u{00B4}'
            | '\u{2032}'
            | '\u{02BF}'
            | '\u{02BE}'
            | '\u{02B9}'
            | '\u{02BA}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folds_latin() {
        check("ASATRYAN, Gayk", "asatryan gayk");
        check("Kum-hyok", "kum hyok");
        check("O'Brien", "obrien");
        check("PAK, Ch'in-hyo'k", "pak chin hyok");
        check("Müller  Çağlar", "muller caglar");
        check("Straße Łódź Ørsted", "strasse lodz orsted");
        check("ĳ ﬁ Ⅻ ＡＢＣ", "ij fi xii abc");
        check("  --  ", "");
        check("EKOS1 JOINT STOCK", "ekos1 joint stock");
    }

    #[test]
    fn normalizes_scripts() {
        check_full("Гайк Асатрян", "gayk asatryan");
        check_full("Сергей Шойгу", "sergey shoygu");
        check_full("송금혁", "song kum hyok");
        check_full("\u{0418}\u{0306}", "y");
    }

    fn check(input: &str, expected: &str) {
        assert_eq!(fold_latin(input), expected, "{input}");
    }

    fn check_full(input: &str, expected: &str) {
        assert_eq!(normalize(input), expected, "{input}");
    }

    proptest! {
        #[test]
        fn normalize_is_idempotent_and_ascii(s in "\\PC{0,40}") {
            let once = normalize(&s);
            prop_assert!(once.is_ascii());
            prop_assert_eq!(normalize(&once), once.clone());
            prop_assert!(!once.contains("  "));
            prop_assert!(!once.starts_with(' ') && !once.ends_with(' '));
        }

        #[test]
        fn normalize_handles_name_like_input(s in "[a-zA-Zа-яА-ЯёЁйЙ가-힣金李朴ا-ي '\\-,.]{0,30}") {
            let once = normalize(&s);
            prop_assert!(once.is_ascii());
            prop_assert_eq!(normalize(&once), once.clone());
        }
    }
}
