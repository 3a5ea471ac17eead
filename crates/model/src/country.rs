//! Country names to ISO 3166-1 alpha-2 codes.
//!
//! Lists name countries in many ways ("Korea, North", "Democratic People's Republic of Korea",
//! "KP"). The model stores lower-case alpha-2 codes, as FtM does, so that screening compares codes.

use crate::country_table::{CODES, NAMES};

/// Reduces a country name to the lookup key form: lower-case ASCII words separated by spaces.
pub fn normalise_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_space = false;
    for c in name.chars() {
        let c = fold_latin(c);
        if c.is_ascii_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c.to_ascii_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

fn fold_latin(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        _ => c,
    }
}

/// The lower-case alpha-2 code of a country name, code or common list spelling.
///
/// Accepts alpha-2 codes in any case, ISO names, official names and the spellings OFAC, the UN,
/// the EU and the UK use. Returns `None` when the name is not a country we know.
pub fn code(name: &str) -> Option<&'static str> {
    let key = normalise_key(name);
    if let (2, Ok(i)) = (key.len(), CODES.binary_search(&key.as_str())) {
        return Some(CODES[i]);
    }
    let key = key.strip_prefix("the ").unwrap_or(&key);
    NAMES
        .binary_search_by(|(k, _)| (*k).cmp(key))
        .ok()
        .map(|i| NAMES[i].1)
}

/// Whether a string is an alpha-2 code we know (any case).
pub fn is_code(code: &str) -> bool {
    code.len() == 2
        && CODES
            .binary_search(&code.to_ascii_lowercase().as_str())
            .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Option<&str>) {
        assert_eq!(code(input), expected, "input {input:?}");
    }

    #[test]
    fn finds_list_spellings() {
        check("Korea, North", Some("kp"));
        check("Democratic People's Republic of Korea", Some("kp"));
        check("KP", Some("kp"));
        check("Russia", Some("ru"));
        check("Russian Federation", Some("ru"));
        check("Iran (Islamic Republic of)", Some("ir"));
        check("Burma", Some("mm"));
        check("Congo, Democratic Republic of the", Some("cd"));
        check("The Gambia", Some("gm"));
        check("Türkiye", Some("tr"));
        check("Côte d'Ivoire", Some("ci"));
        check("United Kingdom", Some("gb"));
        check("Atlantis", None);
        check("", None);
    }

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(NAMES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(CODES.windows(2).all(|w| w[0] < w[1]));
    }
}
