//! Keyed hashing, masking and the normalisations that turn raw values into link keys.

use sha2::{Digest, Sha256};

/// A secret key for HMAC-SHA256 over sensitive identifiers.
///
/// Low-entropy values such as SSNs can be recovered from a plain hash by trying every number, so
/// they are only ever compared as keyed hashes (vetting.md §9); the same key must be used across
/// runs for hashes to persist.
#[derive(Clone)]
pub struct HashKey {
    inner: [u8; 64],
    outer: [u8; 64],
}

impl std::fmt::Debug for HashKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key never reaches logs or debug output.
        f.write_str("HashKey(..)")
    }
}

/// The fewest bytes a configured key may have (after trimming surrounding whitespace).
pub const MIN_SECRET_LEN: usize = 16;

impl HashKey {
    /// A key from the content of a key file: surrounding whitespace (a trailing newline) is not
    /// part of the key; `None` when fewer than [`MIN_SECRET_LEN`] bytes remain.
    pub fn from_secret(content: &[u8]) -> Option<HashKey> {
        let trimmed = content.trim_ascii();
        (trimmed.len() >= MIN_SECRET_LEN).then(|| HashKey::new(trimmed))
    }

    /// A key from arbitrary bytes (RFC 2104: longer keys are hashed first).
    pub fn new(key: &[u8]) -> HashKey {
        let mut block = [0u8; 64];
        if key.len() > 64 {
            block[..32].copy_from_slice(&Sha256::digest(key));
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let mut inner = [0x36u8; 64];
        let mut outer = [0x5cu8; 64];
        for i in 0..64 {
            inner[i] ^= block[i];
            outer[i] ^= block[i];
        }
        HashKey { inner, outer }
    }

    /// HMAC-SHA256 of `msg` under this key.
    pub fn hmac(&self, msg: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.inner);
        h.update(msg);
        let ih = h.finalize();
        let mut h = Sha256::new();
        h.update(self.outer);
        h.update(ih);
        h.finalize().into()
    }

    /// The first 16 hex digits of the HMAC, enough to tell keys apart in a report.
    pub fn short_hex(&self, msg: &[u8]) -> String {
        self.hmac(msg)[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Shows only the last four alphanumeric characters: `•••6789`.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("•••{tail}")
}

/// Only the digits of an identifier, for SSNs and account numbers typed with separators.
pub fn digits(value: &str) -> String {
    value.chars().filter(char::is_ascii_digit).collect()
}

/// The identifier as a comparison key: alphanumerics, upper case.
pub fn id_key(value: &str) -> String {
    value
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Normalises an e-mail address: lower case, `+tag` removed, and for Gmail the dots of the local
/// part removed and `googlemail.com` folded into `gmail.com`, because Gmail delivers all of
/// those to one mailbox.
pub fn email(raw: &str) -> Option<String> {
    let lower = raw.trim().to_lowercase();
    let (local, domain) = lower.rsplit_once('@')?;
    if local.is_empty() || domain.is_empty() {
        return None;
    }
    let local = local.split('+').next().unwrap_or(local);
    let (local, domain) = if domain == "gmail.com" || domain == "googlemail.com" {
        (local.replace('.', ""), "gmail.com")
    } else {
        (local.to_string(), domain)
    };
    Some(format!("{local}@{domain}"))
}

/// Masks an e-mail address for display: first character of the local part and the domain.
pub fn mask_email(normalised: &str) -> String {
    match normalised.split_once('@') {
        Some((l, d)) => format!("{}•••@{d}", l.chars().next().unwrap_or('?')),
        None => mask(normalised),
    }
}

/// Normalises a phone number to its digits, with a US country code added to ten-digit numbers;
/// fewer than seven digits is not a usable key.
pub fn phone(raw: &str) -> Option<String> {
    let d = digits(raw);
    match d.len() {
        0..=6 => None,
        10 if !raw.trim_start().starts_with('+') => Some(format!("1{d}")),
        _ => Some(d),
    }
}

/// Normalises a postal address to a comparison key: folded words, common street-type
/// abbreviations unified, punctuation dropped, country appended.
pub fn address(a: &crate::record::PostalAddress) -> Option<String> {
    let mut words: Vec<String> = Vec::new();
    let parts = a
        .lines
        .iter()
        .map(String::as_str)
        .chain(a.city.as_deref())
        .chain(a.region.as_deref())
        .chain(a.postcode.as_deref());
    for part in parts {
        for w in names::normalize(part).split(' ') {
            if w.is_empty() {
                continue;
            }
            words.push(abbreviate(w).to_string());
        }
    }
    if words.is_empty() {
        return None;
    }
    if let Some(c) = &a.country {
        words.push(c.trim().to_ascii_lowercase());
    }
    Some(words.join(" "))
}

fn abbreviate(w: &str) -> &str {
    match w {
        "street" => "st",
        "avenue" => "ave",
        "road" => "rd",
        "drive" => "dr",
        "boulevard" => "blvd",
        "lane" => "ln",
        "court" => "ct",
        "place" => "pl",
        "suite" => "ste",
        "apartment" => "apt",
        "north" => "n",
        "south" => "s",
        "east" => "e",
        "west" => "w",
        "unit" | "no" | "number" => "#",
        _ => w,
    }
}

/// Days since 1970-01-01 of a `YYYY`, `YYYY-MM` or `YYYY-MM-DD` date (missing parts are the
/// first of the period); `None` when it does not parse.
pub fn days(s: &str) -> Option<i64> {
    let s = s.trim();
    let date = s.get(..10.min(s.len()))?;
    let mut it = date.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next().map_or(Some(1), |v| v.parse().ok())?;
    let d: i64 = it
        .next()
        .map_or(Some(1), |v| v.get(..2.min(v.len()))?.parse().ok())?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(1..=9999).contains(&y) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Seconds since the epoch of an RFC 3339 UTC time (`YYYY-MM-DDTHH:MM[:SS]…`); a bare date is
/// midnight.
pub fn seconds(s: &str) -> Option<i64> {
    let d = days(s)?;
    let t = s.get(11..).unwrap_or("");
    let num = |r: std::ops::Range<usize>| t.get(r).and_then(|v| v.parse::<i64>().ok());
    let secs = match (num(0..2), num(3..5)) {
        (Some(h), Some(m)) => h * 3600 + m * 60 + num(6..8).unwrap_or(0),
        _ => 0,
    };
    Some(d * 86_400 + secs)
}

/// The year of a date string.
pub fn year(s: &str) -> Option<i32> {
    s.trim().get(..4)?.parse().ok()
}

/// Normalises a person's name for comparison: folded tokens, sorted, so that order and case do
/// not matter.
pub fn name(raw: &str) -> String {
    let n = names::normalize(raw);
    let mut toks: Vec<&str> = n.split(' ').filter(|t| !t.is_empty()).collect();
    toks.sort_unstable();
    toks.join(" ")
}

/// The last token of a name as written, a rough surname for the household exception.
pub fn surname(raw: &str) -> String {
    names::normalize(raw)
        .rsplit(' ')
        .next()
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn hmac_matches_rfc4231() {
        // RFC 4231 test cases 1 and 2.
        let k = HashKey::new(&[0x0b; 20]);
        assert_eq!(
            hex(&k.hmac(b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        let k = HashKey::new(b"Jefe");
        assert_eq!(
            hex(&k.hmac(b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block is hashed first.
        let k = HashKey::new(&[0xaa; 131]);
        assert_eq!(
            hex(&k.hmac(b"Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn key_files_are_trimmed_and_must_be_long_enough() {
        let secret = b"0123456789abcdef";
        let want = hex(&HashKey::new(secret).hmac(b"x"));
        let cases: [(&[u8], Option<&str>); 4] = [
            (b"0123456789abcdef", Some(&want)),
            (b"  0123456789abcdef\r\n", Some(&want)),
            (b"0123456789abcde\n", None),
            (b"\n\n", None),
        ];
        for (content, expected) in cases {
            let got = HashKey::from_secret(content).map(|k| hex(&k.hmac(b"x")));
            assert_eq!(got.as_deref(), expected, "{content:?}");
        }
    }

    fn check_email(input: &str, expected: Option<&str>) {
        assert_eq!(email(input).as_deref(), expected, "{input}");
    }

    #[test]
    fn emails_normalise() {
        check_email("John.Smith+jobs@GMail.com", Some("johnsmith@gmail.com"));
        check_email("j.s@googlemail.com", Some("js@gmail.com"));
        check_email("j.s+x@example.com", Some("j.s@example.com"));
        check_email("nope", None);
        check_email("@x.com", None);
    }

    #[test]
    fn phones_and_masks() {
        assert_eq!(phone("(555) 123-4567").as_deref(), Some("15551234567"));
        assert_eq!(phone("+44 20 7946 0958").as_deref(), Some("442079460958"));
        assert_eq!(phone("12-34"), None);
        assert_eq!(mask("123-45-6789"), "•••6789");
        assert_eq!(mask("12"), "•••12");
        assert_eq!(mask_email("johnsmith@gmail.com"), "j•••@gmail.com");
    }

    #[test]
    fn dates_parse() {
        assert_eq!(days("1970-01-01"), Some(0));
        assert_eq!(days("2011-06-25"), Some(15_150));
        assert_eq!(days("2000"), Some(10_957));
        assert_eq!(days("2000-13-01"), None);
        assert_eq!(seconds("1970-01-02T01:00:05Z"), Some(86_400 + 3605));
    }

    #[test]
    fn addresses_normalise() {
        let a = crate::record::PostalAddress {
            lines: vec!["12 North Main Street, Suite 4".into()],
            city: Some("Austin".into()),
            region: Some("TX".into()),
            postcode: Some("78701".into()),
            country: Some("US".into()),
        };
        assert_eq!(
            address(&a).as_deref(),
            Some("12 n main st ste 4 austin tx 78701 us")
        );
    }
}
