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
/// abbreviations unified, secondary-unit designators ("Apt", "Unit", "Suite", "#") dropped so
/// that only the unit number remains, spelled-out US states abbreviated, a ZIP+4 cut to its
/// five-digit ZIP, punctuation dropped, country appended. Two spellings of one address that a
/// bank or carrier would deliver to the same door give the same key.
pub fn address(a: &crate::record::PostalAddress) -> Option<String> {
    let mut words: Vec<String> = Vec::new();
    let lines = a.lines.iter().map(String::as_str).chain(a.city.as_deref());
    for part in lines {
        for w in names::normalize(&part.replace('#', " # ")).split(' ') {
            if w.is_empty() || UNIT_WORDS.contains(&w) {
                continue;
            }
            words.push(abbreviate(w).to_string());
        }
    }
    if let Some(r) = a.region.as_deref() {
        let folded = names::normalize(r);
        match state_code(&folded) {
            Some(code) => words.push(code.to_string()),
            None => words.extend(
                folded
                    .split(' ')
                    .filter(|w| !w.is_empty())
                    .map(String::from),
            ),
        }
    }
    if let Some(p) = a.postcode.as_deref() {
        words.push(postcode(p, a.country.as_deref()));
    }
    words.retain(|w| !w.is_empty());
    if words.is_empty() {
        return None;
    }
    if let Some(c) = &a.country {
        words.push(c.trim().to_ascii_lowercase());
    }
    Some(words.join(" "))
}

/// Secondary-unit designators, dropped from address keys: "Apt 5", "Unit 5", "#5" and
/// "Suite 5" name the same door once the street line is the same.
const UNIT_WORDS: &[&str] = &[
    "#",
    "apt",
    "apartment",
    "unit",
    "ste",
    "suite",
    "no",
    "number",
    "rm",
    "room",
    "fl",
    "floor",
];

/// A postcode as a key: upper-case alphanumerics; a US ZIP+4 keeps its five-digit ZIP.
fn postcode(p: &str, country: Option<&str>) -> String {
    let k = id_key(p).to_ascii_lowercase();
    let us = country.is_none_or(|c| c.trim().eq_ignore_ascii_case("us"));
    if us && k.len() == 9 && k.bytes().all(|b| b.is_ascii_digit()) {
        k[..5].to_string()
    } else {
        k
    }
}

/// US states and territories by folded full name.
const STATES: &[(&str, &str)] = &[
    ("alabama", "al"),
    ("alaska", "ak"),
    ("arizona", "az"),
    ("arkansas", "ar"),
    ("california", "ca"),
    ("colorado", "co"),
    ("connecticut", "ct"),
    ("delaware", "de"),
    ("district of columbia", "dc"),
    ("florida", "fl"),
    ("georgia", "ga"),
    ("hawaii", "hi"),
    ("idaho", "id"),
    ("illinois", "il"),
    ("indiana", "in"),
    ("iowa", "ia"),
    ("kansas", "ks"),
    ("kentucky", "ky"),
    ("louisiana", "la"),
    ("maine", "me"),
    ("maryland", "md"),
    ("massachusetts", "ma"),
    ("michigan", "mi"),
    ("minnesota", "mn"),
    ("mississippi", "ms"),
    ("missouri", "mo"),
    ("montana", "mt"),
    ("nebraska", "ne"),
    ("nevada", "nv"),
    ("new hampshire", "nh"),
    ("new jersey", "nj"),
    ("new mexico", "nm"),
    ("new york", "ny"),
    ("north carolina", "nc"),
    ("north dakota", "nd"),
    ("ohio", "oh"),
    ("oklahoma", "ok"),
    ("oregon", "or"),
    ("pennsylvania", "pa"),
    ("puerto rico", "pr"),
    ("rhode island", "ri"),
    ("south carolina", "sc"),
    ("south dakota", "sd"),
    ("tennessee", "tn"),
    ("texas", "tx"),
    ("utah", "ut"),
    ("vermont", "vt"),
    ("virginia", "va"),
    ("washington", "wa"),
    ("west virginia", "wv"),
    ("wisconsin", "wi"),
    ("wyoming", "wy"),
];

fn state_code(folded: &str) -> Option<&'static str> {
    STATES.iter().find(|(n, _)| *n == folded).map(|(_, c)| *c)
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
        "north" => "n",
        "south" => "s",
        "east" => "e",
        "west" => "w",
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

/// Generational suffixes and honorifics, which are not part of the name that identifies a
/// person ("John Smith Jr." and "John Smith" are two people, but not two names to compare).
pub const NAME_SUFFIXES: &[&str] = &[
    "jr", "sr", "ii", "iii", "iv", "v", "mr", "mrs", "ms", "dr", "phd", "md", "esq",
];

/// The folded tokens of a person's name without generational suffixes and honorifics.
pub fn name_tokens(raw: &str) -> Vec<String> {
    names::normalize(raw)
        .split(' ')
        .filter(|t| !t.is_empty() && !NAME_SUFFIXES.contains(t))
        .map(String::from)
        .collect()
}

/// Normalises a person's name for comparison: folded tokens without suffixes, sorted, so that
/// order ("SMITH John"), case and "Jr." do not matter.
pub fn name(raw: &str) -> String {
    let mut toks = name_tokens(raw);
    toks.sort_unstable();
    toks.join(" ")
}

/// Whether two written names plausibly name the same person: equal as [`name`] keys, or one
/// drops middle names or writes them as initials ("Ann B. Lee", "Ann Lee", "Ann Beth Lee").
/// Both need a given and a family name in common, so "Ann Lee" never equals "Lee".
pub fn same_name(a: &str, b: &str) -> bool {
    let (x, y) = (name_tokens(a), name_tokens(b));
    if x.is_empty() || y.is_empty() {
        return false;
    }
    let full = |ts: &Vec<String>| ts.iter().filter(|t| t.len() > 1).count();
    let (short, long) = if (full(&x), x.len()) <= (full(&y), y.len()) {
        (&x, &y)
    } else {
        (&y, &x)
    };
    if full(short) < 2 {
        return name(a) == name(b);
    }
    // Every full token of the shorter name appears in the longer one; its initials match some
    // token's first letter; the longer name's extra tokens are what was dropped.
    short.iter().all(|t| {
        if t.len() == 1 {
            long.iter().any(|l| l.starts_with(t.as_str()))
        } else {
            long.contains(t)
        }
    }) && long
        .iter()
        .filter(|t| t.len() > 1 && !short.contains(t))
        .count()
        <= 1
}

/// The family name of a name as written: the last token, skipping generational suffixes, so
/// that a parent and a "Jr." child share it.
pub fn surname(raw: &str) -> String {
    name_tokens(raw).pop().unwrap_or_default()
}

/// A bank or wallet-service account number as a comparison key: alphanumerics, upper case,
/// leading zeros dropped (banks print "000123456" and "123456" for one account).
pub fn account_key(raw: &str) -> String {
    id_key(raw).trim_start_matches('0').to_string()
}

/// Whether a name looks like an organisation's: it carries a legal form or a word that
/// names a business ("LLC", "Ltd", "Trading", "Company"). Used when a record does not say what
/// kind of subject it is, and for listed entries of unknown kind.
pub fn looks_like_organisation(raw: &str) -> bool {
    let folded = names::normalize(&raw.replace('.', ""));
    let toks: Vec<&str> = folded.split(' ').filter(|t| !t.is_empty()).collect();
    toks.iter().any(|t| ORG_WORDS.contains(t))
        || toks.windows(2).any(|w| ORG_PAIRS.contains(&(w[0], w[1])))
}

/// Single words that mark an organisation's name.
const ORG_WORDS: &[&str] = &[
    "llc",
    "llp",
    "lp",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "company",
    "gmbh",
    "ag",
    "plc",
    "pte",
    "pty",
    "bv",
    "nv",
    "srl",
    "sarl",
    "sas",
    "spa",
    "oy",
    "ab",
    "kk",
    "jsc",
    "ojsc",
    "cjsc",
    "ooo",
    "zao",
    "oao",
    "trading",
    "holdings",
    "group",
    "enterprises",
    "enterprise",
    "technologies",
    "solutions",
    "consulting",
    "staffing",
    "services",
    "agency",
    "bank",
    "ministry",
    "department",
    "bureau",
    "association",
    "foundation",
    "institute",
];

/// Two-word marks of an organisation whose words alone are also names ("Co Ltd", "S A").
const ORG_PAIRS: &[(&str, &str)] = &[("co", "ltd"), ("s", "a"), ("sa", "de"), ("and", "co")];

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
            Some("12 n main st 4 austin tx 78701 us")
        );
        // One door, spelled the ways banks, carriers and applicants spell it.
        let spellings = [
            (
                vec!["12 North Main Street, Unit 4"],
                "Austin",
                "Texas",
                "78701-1234",
            ),
            (vec!["12 N Main St #4"], "AUSTIN", "TX", "78701"),
            (
                vec!["12 n. main st.", "Apt. 4"],
                "Austin",
                "tx",
                "787011234",
            ),
        ];
        for (lines, city, region, zip) in spellings {
            let a = crate::record::PostalAddress {
                lines: lines.into_iter().map(String::from).collect(),
                city: Some(city.into()),
                region: Some(region.into()),
                postcode: Some(zip.into()),
                country: Some("US".into()),
            };
            assert_eq!(
                address(&a).as_deref(),
                Some("12 n main st 4 austin tx 78701 us"),
                "{a:?}"
            );
        }
    }

    #[test]
    fn names_and_accounts_normalise() {
        let same = [
            ("Ann B. Lee", "Ann Lee", true),
            ("Ann Lee", "LEE Ann", true),
            ("John Smith Jr.", "John Smith", true),
            ("Ann Beth Lee", "Ann B Lee", true),
            ("Ann Lee", "Bob Lee", false),
            ("Ann Lee", "Lee", false),
            ("Ann Lee", "Ann Marie Beth Lee", false),
        ];
        for (a, b, want) in same {
            assert_eq!(same_name(a, b), want, "{a} / {b}");
        }
        assert_eq!(surname("John Smith III"), "smith");
        assert_eq!(account_key("000-123 456"), account_key("123456"));
        for (n, org) in [
            ("ASATRYAN LLC", true),
            ("Korea Sobaeksu Trading Company", true),
            ("Acme Co. Ltd.", true),
            ("Ann Lee", false),
            ("Carlos Sanchez", false),
        ] {
            assert_eq!(looks_like_organisation(n), org, "{n}");
        }
    }
}
