//! An emulation of OFAC Sanctions List Search scoring (OFAC FAQ 249), for parity with the
//! regulator's tool: the higher of (A) Jaro–Winkler of the whole query against the whole listed
//! name and (B) a per-part composite of Jaro–Winkler and Soundex. Only the name counts (FAQ 251).
//!
//! Details OFAC does not document follow the reverse-engineered behaviour described in
//! `../shared/notes/screening.md` §7: the whole-string score counts only when the first
//! characters agree; query parts of at most two characters are dropped unless nothing remains;
//! each query part takes its best partner among the listed parts, a part score below 0.5 counts
//! as 0, and the part scores are averaged over the query parts. The part composite is
//! `0.8 × JW + 0.2 × [equal Soundex codes]`, our own reading of "Jaro–Winkler with Soundex".
//! Text is the Latin folding of [`names::normalize`]; like OFAC's tool it is not
//! transliteration-aware beyond that.

/// The OFAC-emulation score of a query against one listed name, both already normalised
/// (lowercase ASCII words separated by single spaces).
pub(crate) fn score(query: &str, listed: &str) -> f64 {
    if query.is_empty() || listed.is_empty() {
        return 0.0;
    }
    let whole = if query.as_bytes()[0] == listed.as_bytes()[0] {
        names::jaro_winkler(query, listed)
    } else {
        0.0
    };
    let mut parts: Vec<&str> = query.split(' ').filter(|p| p.len() > 2).collect();
    if parts.is_empty() {
        parts = query.split(' ').filter(|p| !p.is_empty()).collect();
    }
    let listed_parts: Vec<&str> = listed.split(' ').filter(|p| !p.is_empty()).collect();
    let mut sum = 0.0;
    for p in &parts {
        let sp = soundex(p);
        let best = listed_parts
            .iter()
            .map(|l| {
                let jw = names::jaro_winkler(p, l);
                let sx = if !sp.is_empty() && sp == soundex(l) {
                    1.0
                } else {
                    0.0
                };
                0.8 * jw + 0.2 * sx
            })
            .fold(0.0, f64::max);
        sum += if best < 0.5 { 0.0 } else { best };
    }
    let per_part = if parts.is_empty() {
        0.0
    } else {
        sum / parts.len() as f64
    };
    whole.max(per_part).clamp(0.0, 1.0)
}

/// American Soundex of an ASCII word: the first letter and three digits; empty when the word
/// does not start with a letter.
pub(crate) fn soundex(word: &str) -> String {
    let code = |c: u8| match c {
        b'b' | b'f' | b'p' | b'v' => b'1',
        b'c' | b'g' | b'j' | b'k' | b'q' | b's' | b'x' | b'z' => b'2',
        b'd' | b't' => b'3',
        b'l' => b'4',
        b'm' | b'n' => b'5',
        b'r' => b'6',
        b'h' | b'w' => b'h',
        _ => b'0',
    };
    let bytes: Vec<u8> = word
        .bytes()
        .filter(u8::is_ascii_alphabetic)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let Some(&first) = bytes.first() else {
        return String::new();
    };
    let mut out = vec![first.to_ascii_uppercase()];
    let mut last = code(first);
    for &b in &bytes[1..] {
        let c = code(b);
        if c == b'h' {
            // H and W do not separate letters with the same code.
            continue;
        }
        if c != b'0' && c != last {
            out.push(c);
            if out.len() == 4 {
                break;
            }
        }
        last = c;
    }
    while out.len() < 4 {
        out.push(b'0');
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soundex_codes() {
        check_soundex("robert", "R163");
        check_soundex("rupert", "R163");
        check_soundex("ashcraft", "A261");
        check_soundex("tymczak", "T522");
        check_soundex("pfister", "P236");
        check_soundex("", "");
    }

    #[test]
    fn whole_string_needs_equal_first_letters() {
        assert!(score("george bush", "george bush") > 0.99);
        assert!(
            score("bush george", "george bush") > 0.99,
            "per-part still finds it"
        );
        assert!(score("gaiq asatryan", "gayk asatryan") > 0.9);
        assert_eq!(score("", "x"), 0.0);
    }

    fn check_soundex(w: &str, expected: &str) {
        assert_eq!(soundex(w), expected, "{w}");
    }
}
