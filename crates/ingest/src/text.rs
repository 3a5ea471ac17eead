//! Byte-level helpers shared by the parsers: BOMs, OFAC's trailing 0x1A, CRLF and text that is
//! not valid UTF-8.

use std::borrow::Cow;

/// The bytes without a leading UTF-8 byte-order mark.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// The bytes without a BOM and without the DOS end-of-file byte (0x1A) and whitespace that OFAC
/// CSV files end with.
pub fn trim_csv(bytes: &[u8]) -> &[u8] {
    let b = strip_bom(bytes);
    let mut end = b.len();
    while end > 0 && (b[end - 1] == 0x1A || b[end - 1].is_ascii_whitespace()) {
        end -= 1;
    }
    &b[..end]
}

/// Decodes a field as UTF-8, falling back to Windows-1252 for bytes that are not valid UTF-8.
///
/// Older OFAC files and re-exports are Latin-1; decoding them rather than dropping the record
/// keeps the entity, and the second value tells the caller to report a diagnostic.
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), false),
        Err(_) => (Cow::Owned(bytes.iter().map(|&b| cp1252(b)).collect()), true),
    }
}

fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

/// Collapses runs of whitespace to one space and trims; returns `None` for an empty result or
/// OFAC's null marker `-0-`.
pub fn clean(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() || t == "-0-" {
        return None;
    }
    let mut out = String::with_capacity(t.len());
    let mut space = false;
    for c in t.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    Some(out)
}

/// The 1-based line number of a byte offset.
pub fn line_of(bytes: &[u8], offset: usize) -> u64 {
    let end = offset.min(bytes.len());
    bytes[..end].iter().filter(|b| **b == b'\n').count() as u64 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_ofac_endings() {
        assert_eq!(trim_csv(b"\xEF\xBB\xBFa,b\r\n\x1A"), b"a,b");
        assert_eq!(trim_csv(b"\x1A"), b"");
    }

    #[test]
    fn decodes_latin1_fallback() {
        assert_eq!(decode(b"Caf\xe9"), (Cow::Owned::<str>("Café".into()), true));
        assert_eq!(decode("Café".as_bytes()), (Cow::Borrowed("Café"), false));
    }

    #[test]
    fn cleans_fields() {
        assert_eq!(clean(" -0- "), None);
        assert_eq!(clean("  a \t b  "), Some("a b".into()));
        assert_eq!(clean(""), None);
    }

    proptest::proptest! {
        #[test]
        fn decode_never_panics(b in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            let _ = decode(&b);
            let _ = trim_csv(&b);
            let _ = line_of(&b, b.len() / 2);
        }
    }
}
