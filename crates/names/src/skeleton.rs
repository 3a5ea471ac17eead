//! Spelling-equivalence keys for normalised Latin tokens.
//!
//! [`skeleton`] maps a token to a key that transliteration-equivalent spellings share
//! (`andreyev`/`andreev`, `hyok`/`hyeok`, `mohammed`/`muhammad`). It runs in three steps:
//!
//! 1. A curated table maps frequent names whose spellings no rule relates (`lee`/`ri`/`yi`,
//!    `park`/`pak`, the Muhammad and Husayn families, `el`/`al`) to one spelling.
//! 2. General folds collapse romanisation differences of Cyrillic, Arabic and other scripts:
//!    `kh`→`h`, `ph`→`f`, `dzh`/`zh`→`j`, `x`→`ks`, `q`→`k`, `tz`→`ts`; `iy`/`ii`→`i`; `i` or `y`
//!    before a vowel → `y`, elsewhere → `i`; `ye`→`e` (not before `o`, which is Korean `yeo`);
//!    `ee`→`i`; `ou`/`oo`→`u`; doubled letters; a final `h` after a vowel.
//! 3. When the result parses as one to three romanised Korean syllables, each syllable is
//!    canonicalised: voicing (`g`/`k`, `d`/`t`, `b`/`p`, `j`/`ch`), `l`/`r`, and the vowel pairs
//!    McCune–Reischauer and Revised Romanization spell differently (`o`/`eo`/`u`/`eu`,
//!    `yo`/`yeo`/`yu`, `oe`/`oi`/`we`, `ui`/`i`).
//!
//! Step 3 works on the output of step 2, so two tokens with equal step-2 keys always get equal
//! final keys: the Korean step can merge more, never split. The price is that short Western names
//! that happen to be valid Korean syllables also merge voicing pairs (`dana`/`tana`); the scorer
//! treats a skeleton match as weaker than an exact one, and such pairs are one edit apart anyway.

use std::collections::HashMap;
use std::sync::OnceLock;

use rphonetic::{DoubleMetaphone, Encoder};

/// Curated spellings: left, a folded token; right, the spelling that stands for its family.
const CURATED: &[(&str, &str)] = &[
    // Arabic given names and particles.
    ("muhammad", "muhamad"),
    ("mohammed", "muhamad"),
    ("mohammad", "muhamad"),
    ("mohamed", "muhamad"),
    ("muhammed", "muhamad"),
    ("mohamad", "muhamad"),
    ("muhamad", "muhamad"),
    ("mohamud", "muhamad"),
    ("mohammud", "muhamad"),
    ("mouhamed", "muhamad"),
    ("mehmet", "muhamad"),
    ("mehmed", "muhamad"),
    ("mohd", "muhamad"),
    ("ahmad", "ahmad"),
    ("ahmed", "ahmad"),
    ("ahmet", "ahmad"),
    ("hussein", "husain"),
    ("husayn", "husain"),
    ("husain", "husain"),
    ("hussain", "husain"),
    ("husein", "husain"),
    ("hossein", "husain"),
    ("hosein", "husain"),
    ("huseyin", "husain"),
    ("hassan", "hasan"),
    ("hasan", "hasan"),
    ("mahmoud", "mahmud"),
    ("mahmud", "mahmud"),
    ("mahmood", "mahmud"),
    ("mehmood", "mahmud"),
    ("abdul", "abdal"),
    ("abdel", "abdal"),
    ("abdal", "abdal"),
    ("abdoul", "abdal"),
    ("abdol", "abdal"),
    ("abdulla", "abdalah"),
    ("abdullah", "abdalah"),
    ("abdallah", "abdalah"),
    ("abdollah", "abdalah"),
    ("al", "al"),
    ("el", "al"),
    ("ul", "al"),
    ("yusuf", "yusuf"),
    ("yousef", "yusuf"),
    ("youssef", "yusuf"),
    ("yousuf", "yusuf"),
    ("yusef", "yusuf"),
    ("yossef", "yusuf"),
    ("ibrahim", "ibrahim"),
    ("ebrahim", "ibrahim"),
    ("ibraheem", "ibrahim"),
    ("khalid", "halid"),
    ("khaled", "halid"),
    ("said", "said"),
    ("saeed", "said"),
    ("saied", "said"),
    ("salih", "salih"),
    ("saleh", "salih"),
    ("mustafa", "mustafa"),
    ("mostafa", "mustafa"),
    ("mustapha", "mustafa"),
    ("nasser", "nasir"),
    ("nasir", "nasir"),
    ("naser", "nasir"),
    ("suleiman", "sulaiman"),
    ("sulayman", "sulaiman"),
    ("sulaiman", "sulaiman"),
    ("soliman", "sulaiman"),
    ("suleyman", "sulaiman"),
    ("tariq", "tarik"),
    ("tarek", "tarik"),
    ("tarik", "tarik"),
    ("tareq", "tarik"),
    ("qasim", "kasim"),
    ("qassem", "kasim"),
    ("qassim", "kasim"),
    ("kassem", "kasim"),
    ("kasim", "kasim"),
    ("reza", "rida"),
    ("rida", "rida"),
    ("ridha", "rida"),
    ("mahdi", "mahdi"),
    ("mehdi", "mahdi"),
    ("jawad", "jawad"),
    ("javad", "jawad"),
    ("mohsen", "muhsin"),
    ("muhsin", "muhsin"),
    ("hamed", "hamid"),
    ("hamid", "hamid"),
    ("fatima", "fatima"),
    ("fatemeh", "fatima"),
    ("fatma", "fatima"),
    ("fatimah", "fatima"),
    ("zeinab", "zainab"),
    ("zaynab", "zainab"),
    ("zainab", "zainab"),
    ("haidar", "haidar"),
    ("heidar", "haidar"),
    ("haydar", "haidar"),
    ("hayder", "haidar"),
    ("jafar", "jafar"),
    ("jaafar", "jafar"),
    ("osama", "usama"),
    ("usama", "usama"),
    ("usamah", "usama"),
    ("omar", "umar"),
    ("umar", "umar"),
    ("osman", "usman"),
    ("usman", "usman"),
    ("uthman", "usman"),
    ("othman", "usman"),
    ("abu", "abu"),
    ("abou", "abu"),
    ("bin", "bin"),
    ("ibn", "bin"),
    ("sayed", "sayid"),
    ("sayyid", "sayid"),
    ("sayyed", "sayid"),
    ("seyed", "sayid"),
    ("seyyed", "sayid"),
    ("sadegh", "sadik"),
    ("sadiq", "sadik"),
    ("sadek", "sadik"),
    ("kazem", "kazim"),
    ("kazim", "kazim"),
    ("bagher", "bakir"),
    ("baqir", "bakir"),
    ("ghader", "kadir"),
    ("qadir", "kadir"),
    ("kadir", "kadir"),
    ("adel", "adil"),
    ("adil", "adil"),
    ("fouad", "fuad"),
    ("fuad", "fuad"),
    ("rachid", "rashid"),
    ("rashid", "rashid"),
    ("yasser", "yasir"),
    ("yasir", "yasir"),
    ("faisal", "faisal"),
    ("faysal", "faisal"),
    ("feisal", "faisal"),
    // Korean family names whose spellings no syllable rule relates.
    ("ri", "ri"),
    ("li", "ri"),
    ("lee", "ri"),
    ("yi", "ri"),
    ("rhee", "ri"),
    ("rhie", "ri"),
    ("ree", "ri"),
    ("i", "ri"),
    ("rim", "rim"),
    ("lim", "rim"),
    ("im", "rim"),
    ("ryu", "yu"),
    ("ryoo", "yu"),
    ("yoo", "yu"),
    ("yu", "yu"),
    // Choe is also written Chey (Chey Tae-won) and Choy; no syllable rule relates them.
    ("chey", "choe"),
    ("choy", "choe"),
    ("ro", "ro"),
    ("roh", "ro"),
    ("no", "ro"),
    ("noh", "ro"),
    ("ryang", "yang"),
    ("yang", "yang"),
    ("ryom", "yom"),
    ("yom", "yom"),
    ("yeom", "yom"),
    ("pak", "pak"),
    ("park", "pak"),
    ("bak", "pak"),
    ("ahn", "an"),
    ("an", "an"),
];

/// English number words and the digits they stand for: `FIVE` and `5` in a vessel's or a
/// company's name are the same part, so they share a skeleton.
const NUMBER_WORDS: &[(&str, &str)] = &[
    ("zero", "0"),
    ("one", "1"),
    ("two", "2"),
    ("three", "3"),
    ("four", "4"),
    ("five", "5"),
    ("six", "6"),
    ("seven", "7"),
    ("eight", "8"),
    ("nine", "9"),
    ("ten", "10"),
    ("eleven", "11"),
    ("twelve", "12"),
    ("thirteen", "13"),
    ("fourteen", "14"),
    ("fifteen", "15"),
    ("sixteen", "16"),
    ("seventeen", "17"),
    ("eighteen", "18"),
    ("nineteen", "19"),
    ("twenty", "20"),
    ("thirty", "30"),
    ("forty", "40"),
    ("fifty", "50"),
    ("hundred", "100"),
];

/// The digits of an English number word, if the token is one.
fn number_word(token: &str) -> Option<&'static str> {
    NUMBER_WORDS
        .iter()
        .find(|(w, _)| *w == token)
        .map(|(_, d)| *d)
}

/// Diminutives and familiar forms of given names that customers' records use for the formal
/// name on the lists (`Sasha` for Aleksandr, `Paco` for Francisco, `Bill` for William), each
/// with the formal spelling it shares a skeleton with. Only unambiguous forms are listed: a
/// form that is also a common name syllable, particle, title or surname of its own (`Mo`,
/// `Dan`, `Sam`, `Ben`, `Pasha`, `Jack`) or that shortens several names (`Alex`, `Beto`,
/// `Slava`) is left out, since a shared skeleton would merge it with all of them.
const NICKNAMES: &[(&str, &str)] = &[
    // English.
    ("bob", "robert"),
    ("bobby", "robert"),
    ("robbie", "robert"),
    ("bill", "william"),
    ("billy", "william"),
    ("willy", "william"),
    ("rick", "richard"),
    ("ricky", "richard"),
    ("dick", "richard"),
    ("jim", "james"),
    ("jimmy", "james"),
    ("mike", "michael"),
    ("mikey", "michael"),
    ("tommy", "thomas"),
    ("joey", "joseph"),
    ("tony", "anthony"),
    ("dave", "david"),
    ("davey", "david"),
    ("eddie", "edward"),
    ("charlie", "charles"),
    ("chuck", "charles"),
    ("liz", "elizabeth"),
    ("betty", "elizabeth"),
    ("peggy", "margaret"),
    ("steve", "steven"),
    ("andy", "andrew"),
    ("chris", "christopher"),
    ("matt", "matthew"),
    ("nick", "nicholas"),
    ("greg", "gregory"),
    ("jeff", "jeffrey"),
    ("fred", "frederick"),
    // Russian.
    ("sasha", "aleksandr"),
    ("sanya", "aleksandr"),
    ("volodya", "vladimir"),
    ("vova", "vladimir"),
    ("dima", "dmitry"),
    ("misha", "mikhail"),
    ("kolya", "nikolai"),
    ("seryozha", "sergei"),
    ("serezha", "sergei"),
    ("zhenya", "yevgeny"),
    ("vanya", "ivan"),
    ("tolya", "anatoly"),
    ("petya", "pyotr"),
    ("kostya", "konstantin"),
    ("lyosha", "aleksei"),
    ("alyosha", "aleksei"),
    ("yura", "yuri"),
    ("grisha", "grigory"),
    ("natasha", "natalia"),
    ("tanya", "tatiana"),
    ("sveta", "svetlana"),
    ("katya", "ekaterina"),
    ("masha", "maria"),
    ("olya", "olga"),
    ("galya", "galina"),
    ("lyuda", "lyudmila"),
    // Spanish.
    ("paco", "francisco"),
    ("pancho", "francisco"),
    ("curro", "francisco"),
    ("pepe", "jose"),
    ("manolo", "manuel"),
    ("nacho", "ignacio"),
    ("quique", "enrique"),
    ("lalo", "eduardo"),
    ("memo", "guillermo"),
    ("chucho", "jesus"),
    ("chuy", "jesus"),
    ("rafa", "rafael"),
    ("chente", "vicente"),
    ("fito", "adolfo"),
    ("lupe", "guadalupe"),
];

fn curated(token: &str) -> Option<&'static str> {
    // A hash map rather than a scan: this runs for every token of every variant.
    static MAP: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut m: HashMap<&'static str, &'static str> = CURATED.iter().copied().collect();
        for (nick, formal) in NICKNAMES {
            // A formal name with a curated family (`aleksandr`) takes its nicknames along.
            m.insert(nick, m.get(formal).copied().unwrap_or(formal));
        }
        m
    })
    .get(token)
    .copied()
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Step 2: general romanisation folds on lowercase ASCII bytes.
fn general_fold(token: &str) -> Vec<u8> {
    let src = token.as_bytes();
    // Consonant digraphs first, so that vowel rules see the folded consonants.
    let mut a: Vec<u8> = Vec::with_capacity(src.len() + 2);
    let mut i = 0;
    while i < src.len() {
        let rest = &src[i..];
        let (out, used): (&[u8], usize) = if rest.starts_with(b"dzh") {
            (b"j", 3)
        } else if rest.starts_with(b"tsch") {
            (b"ch", 4)
        } else if rest.starts_with(b"tch") {
            (b"ch", 3)
        } else if rest.starts_with(b"sch") {
            (b"sh", 3)
        } else if rest.starts_with(b"dj") || rest.starts_with(b"zh") {
            (b"j", 2)
        } else if rest.starts_with(b"kh") {
            (b"h", 2)
        } else if rest.starts_with(b"gh") {
            (b"g", 2)
        } else if rest.starts_with(b"ph") {
            (b"f", 2)
        } else if rest.starts_with(b"th") {
            (b"t", 2)
        } else if rest.starts_with(b"ck") {
            (b"k", 2)
        } else if rest.starts_with(b"tz") {
            (b"ts", 2)
        } else if rest[0] == b'q' {
            (b"k", 1)
        } else if rest[0] == b'x' {
            (b"ks", 1)
        } else if rest[0] == b'j' && rest.get(1).is_some_and(|c| !is_vowel(*c) && *c != b'y') {
            // A j before a consonant or at the end is a Germanic or Slavic spelling of й.
            (b"i", 1)
        } else {
            (&rest[..1], 1)
        };
        a.extend_from_slice(out);
        i += used;
    }
    if a.last() == Some(&b'j') && a.len() > 1 {
        let n = a.len();
        a[n - 1] = b'i';
    }
    // iy, ii and yi are one i sound in every system that writes them.
    let mut b: Vec<u8> = Vec::with_capacity(a.len());
    let mut i = 0;
    while i < a.len() {
        let pair = (a[i], a.get(i + 1).copied());
        if matches!(pair, (b'i', Some(b'y')) | (b'i', Some(b'i'))) {
            b.push(b'i');
            i += 2;
        } else {
            b.push(a[i]);
            i += 1;
        }
    }
    // i or y before a vowel is a glide (y); elsewhere y is the vowel i.
    for j in 0..b.len() {
        let next_vowel = b.get(j + 1).is_some_and(|c| is_vowel(*c));
        if b[j] == b'y' && !next_vowel {
            b[j] = b'i';
        } else if b[j] == b'i' && next_vowel {
            b[j] = b'y';
        }
    }
    // ye is e (BGN writes the iotation that passports drop), except Korean yeo.
    let mut c: Vec<u8> = Vec::with_capacity(b.len());
    for (i, &x) in b.iter().enumerate() {
        let iotation = x == b'y' && b.get(i + 1) == Some(&b'e') && b.get(i + 2) != Some(&b'o');
        if !iotation {
            c.push(x);
        }
    }
    // ee is i (Saeed, Hee), ou and oo are u (Mahmoud, Soo).
    let mut d: Vec<u8> = Vec::with_capacity(c.len());
    let mut i = 0;
    while i < c.len() {
        match (c[i], c.get(i + 1).copied()) {
            (b'e', Some(b'e')) => {
                d.push(b'i');
                i += 2;
            }
            (b'o', Some(b'u' | b'o')) => {
                d.push(b'u');
                i += 2;
            }
            (x, _) => {
                d.push(x);
                i += 1;
            }
        }
    }
    let mut c = d;
    // Doubled letters, then a final h after a vowel (Abdullah / Abdulla, Oh / O).
    c.dedup();
    if c.len() > 1 && c.last() == Some(&b'h') && is_vowel(c[c.len() - 2]) {
        c.pop();
    }
    c
}

// Romanised Korean syllable pieces, longest first, with their canonical form.
const K_INITIALS: &[(&str, &str)] = &[
    ("ch", "c"),
    ("sh", "s"),
    ("g", "k"),
    ("k", "k"),
    ("n", "n"),
    ("d", "t"),
    ("t", "t"),
    ("r", "r"),
    ("l", "r"),
    ("m", "m"),
    ("b", "p"),
    ("p", "p"),
    ("f", "p"),
    ("s", "s"),
    ("j", "c"),
    ("h", "h"),
    ("", ""),
];
const K_VOWELS: &[(&str, &str)] = &[
    ("yeo", "yo"),
    ("weo", "wo"),
    ("wae", "we"),
    ("eui", "i"),
    ("yae", "ye"),
    ("ae", "ae"),
    ("ai", "ae"),
    ("ya", "ya"),
    ("eo", "o"),
    ("eu", "o"),
    ("ye", "ye"),
    ("wa", "wa"),
    ("oe", "we"),
    ("oi", "we"),
    ("we", "we"),
    ("yo", "yo"),
    ("yu", "yo"),
    ("wo", "wo"),
    ("wu", "o"),
    ("wi", "wi"),
    ("ui", "i"),
    ("a", "a"),
    ("e", "e"),
    ("o", "o"),
    ("u", "o"),
    ("i", "i"),
];
const K_FINALS: &[(&str, &str)] = &[
    ("ng", "ng"),
    ("k", "k"),
    ("g", "k"),
    ("n", "n"),
    ("t", "t"),
    ("d", "t"),
    ("l", "l"),
    ("m", "m"),
    ("p", "p"),
    ("b", "p"),
    ("", ""),
];

/// `s` without the prefix `p`, if it starts with it; a byte loop, because the prefixes are one to
/// three bytes and `strip_prefix` calls `memcmp` for each of the many attempts.
#[inline]
fn after_prefix<'a>(s: &'a [u8], p: &[u8]) -> Option<&'a [u8]> {
    if s.len() < p.len() {
        return None;
    }
    for (a, b) in s.iter().zip(p) {
        if a != b {
            return None;
        }
    }
    Some(&s[p.len()..])
}

/// Parses `s` into at most `left` Korean syllables, appending canonical forms to `out`.
fn parse_korean(s: &[u8], left: usize, out: &mut Vec<u8>) -> bool {
    if s.is_empty() {
        return true;
    }
    if left == 0 {
        return false;
    }
    let mark = out.len();
    for (ini, ini_c) in K_INITIALS {
        let Some(r1) = after_prefix(s, ini.as_bytes()) else {
            continue;
        };
        for (vow, vow_c) in K_VOWELS {
            let Some(r2) = after_prefix(r1, vow.as_bytes()) else {
                continue;
            };
            for (fin, fin_c) in K_FINALS {
                let Some(r3) = after_prefix(r2, fin.as_bytes()) else {
                    continue;
                };
                out.extend_from_slice(ini_c.as_bytes());
                out.extend_from_slice(vow_c.as_bytes());
                out.extend_from_slice(fin_c.as_bytes());
                if parse_korean(r3, left - 1, out) {
                    return true;
                }
                out.truncate(mark);
            }
        }
    }
    false
}

/// Maps a normalised Latin token to its spelling-equivalence key.
///
/// The input should be one token from [`crate::normalize`] (lowercase ASCII letters and digits);
/// other input is accepted and folded byte by byte. See the module documentation for what the
/// key collapses.
pub fn skeleton(token: &str) -> String {
    if let Some(digits) = number_word(token) {
        return digits.to_owned();
    }
    // Numbers are compared as written: folding doubled letters would make `100` equal `10`.
    if token.bytes().all(|b| b.is_ascii_digit()) {
        return token.to_owned();
    }
    let base = curated(token).unwrap_or(token);
    let folded = general_fold(base);
    let mut korean = Vec::with_capacity(folded.len() + 2);
    let key = if folded.len() <= 12 && parse_korean(&folded, 3, &mut korean) {
        korean
    } else {
        folded
    };
    String::from_utf8(key).unwrap_or_default()
}

/// Whether a normalised Latin token reads as exactly one romanised Korean syllable (`jin`,
/// `hyok`, `chol`) in any of the systems [`skeleton`] knows. Korean given names are two such
/// syllables in a fixed order, which the scorer keeps (`Jin Ho` is not `Ho Jin`).
pub fn is_korean_syllable(token: &str) -> bool {
    let folded = general_fold(token);
    !folded.is_empty() && folded.len() <= 6 && parse_korean(&folded, 1, &mut Vec::with_capacity(8))
}

/// A vowel-insensitive consonant key for Arabic and Persian names, comparable across scripts.
///
/// Applied to a Latin token it drops vowels (keeping one `a` for an initial vowel), folds digraphs
/// that spell one Arabic letter (`kh`, `sh`, `th`, `dh`, `gh`) and `q` to `k`, and drops `w`, `v`
/// and `y` except word-initially; [`crate::analyze`] produces the same key from Arabic script
/// (the `ArabicConsonants` variant). Two spellings of one Arabic name almost always share it, and
/// so do unrelated names with the same consonants, so it is a blocking key, never a score.
pub fn consonant_key(token: &str) -> String {
    let s = token.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut last = 0u8;
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        let next = s.get(i + 1).copied();
        let (key, used) = match (c, next) {
            (b'k' | b's' | b't' | b'd' | b'g' | b'z', Some(b'h')) => (
                match c {
                    b'k' => b'h',
                    b'g' => b'g',
                    b'z' => b'z',
                    other => other,
                },
                2,
            ),
            (b'c', Some(b'h')) => (b'c', 2),
            (b'p', Some(b'h')) => (b'f', 2),
            (b'q' | b'c', _) => (b'k', 1),
            (b'a' | b'e' | b'i' | b'o' | b'u', _) if i == 0 => (b'a', 1),
            (b'a' | b'e' | b'i' | b'o' | b'u', _) => (0, 1),
            (b'w' | b'v', _) if i == 0 => (b'w', 1),
            (b'y', _) if i == 0 => (b'y', 1),
            (b'w' | b'v' | b'y', _) => (0, 1),
            (b'h', _) if i + 1 == s.len() && i > 0 => (0, 1),
            (other, _) => (other, 1),
        };
        if key != 0 && key != last {
            out.push(key as char);
        }
        if key != 0 {
            last = key;
        }
        i += used;
    }
    out
}

/// Double Metaphone codes of a token, used as blocking keys and one score feature.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneticKey {
    /// The primary code (at most 8 characters).
    pub primary: String,
    /// The alternate code; equal to `primary` when the encoder gives none.
    pub alternate: String,
}

impl PhoneticKey {
    /// Whether two keys share a code, primary or alternate; empty codes never match.
    pub fn matches(&self, other: &PhoneticKey) -> bool {
        codes_match(
            (&self.primary, &self.alternate),
            (&other.primary, &other.alternate),
        )
    }
}

/// Whether two pairs of Double Metaphone codes share a code; empty codes never match.
pub fn codes_match(a: (&str, &str), b: (&str, &str)) -> bool {
    let eq = |x: &str, y: &str| !x.is_empty() && x == y;
    eq(a.0, b.0) || eq(a.0, b.1) || eq(a.1, b.0) || eq(a.1, b.1)
}

/// The maximum Double Metaphone code length; the default 4 truncates too much (stack.md §6).
pub const PHONETIC_LENGTH: usize = 8;

fn encoder() -> &'static DoubleMetaphone {
    static ENCODER: OnceLock<DoubleMetaphone> = OnceLock::new();
    ENCODER.get_or_init(|| DoubleMetaphone::new(Some(PHONETIC_LENGTH)))
}

/// Double Metaphone of a normalised Latin token (transliterate first: non-Latin input gives
/// empty codes).
pub fn phonetic_key(token: &str) -> PhoneticKey {
    let r = encoder().double_metaphone(token);
    let primary = r.primary();
    let alternate = r.alternate();
    let alternate = if alternate.is_empty() {
        primary.clone()
    } else {
        alternate
    };
    PhoneticKey { primary, alternate }
}

/// Double Metaphone of a token, primary code only, through the generic encoder interface.
pub fn phonetic_code(token: &str) -> String {
    encoder().encode(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nicknames_share_the_formal_name_skeleton() {
        for (nick, formal) in [
            ("sasha", "alexandr"),
            ("sasha", "aleksandr"),
            ("paco", "francisco"),
            ("bill", "william"),
            ("dima", "dmitriy"),
            ("zhenya", "evgeniy"),
            ("tolya", "anatoliy"),
        ] {
            assert_eq!(skeleton(nick), skeleton(formal), "{nick} {formal}");
        }
        differ("bill", "robert");
        differ("mo", "mohammed");
    }

    #[test]
    fn reads_single_korean_syllables() {
        for t in ["jin", "ho", "hyok", "chol", "kwang", "yong", "eun"] {
            assert!(is_korean_syllable(t), "{t}");
        }
        for t in ["jinho", "michael", "", "x", "smith"] {
            assert!(!is_korean_syllable(t), "{t}");
        }
    }

    #[test]
    fn number_words_share_their_digits_skeleton() {
        for (word, digits) in [
            ("five", "5"),
            ("twelve", "12"),
            ("one", "1"),
            ("hundred", "100"),
        ] {
            assert_eq!(skeleton(word), skeleton(digits), "{word}");
        }
        assert_ne!(skeleton("fiver"), skeleton("5"));
    }

    #[test]
    fn collapses_equivalent_spellings() {
        same(&["andreyev", "andreev"]);
        same(&["hyok", "hyeok"]);
        same(&["kum", "geum", "keum"]);
        same(&["chol", "cheol", "chul"]);
        same(&["ri", "lee", "yi", "li", "rhee"]);
        same(&["pak", "park"]);
        same(&["choe", "choi", "chey", "choy"]);
        same(&["jong", "jeong", "chong", "chung", "jung"]);
        same(&["o", "oh"]);
        same(&["yong", "young", "yeong"]);
        same(&["su", "soo"]);
        same(&["kwang", "gwang"]);
        same(&["pong", "bong"]);
        same(&["hui", "hee"]);
        same(&["yon", "yeon"]);
        same(&["chon", "cheon"]);
        same(&["ryong", "ryung"]);
        same(&["sok", "seok"]);
        same(&["tong", "dong"]);
        same(&["kumhyok", "geumhyeok"]);
        same(&["gayk", "gaik"]);
        same(&["asatryan", "asatrian"]);
        same(&["sergey", "sergei"]);
        same(&["vitaliy", "vitaly", "vitalii", "vitali"]);
        same(&["mikhail", "mihail"]);
        same(&["aleksandr", "alexandr"]);
        same(&["alikhanov", "alihanov"]);
        same(&["kislyakov", "kisliakov"]);
        same(&["valeriyevich", "valerievich"]);
        same(&["grigoryevich", "grigorevich"]);
        same(&["yevgeniy", "evgeniy", "evgeny"]);
        same(&["alexeyevna", "alexeevna"]);
        same(&["matviyenko", "matvienko"]);
        same(&["yury", "yuri", "iurii"]);
        same(&["mariya", "maria", "mariia"]);
        same(&["dzhabarov", "jabarov"]);
        same(&["tzar", "tsar"]);
        same(&["muhammad", "mohammed", "mohamad", "mohamed"]);
        same(&["ahmad", "ahmed"]);
        same(&["hussein", "husayn"]);
        same(&["mahmoud", "mahmud"]);
        same(&["hassan", "hasan"]);
        same(&["al", "el"]);
        same(&["abdullah", "abdulla", "abdallah"]);
        same(&["filip", "philip"]);
    }

    #[test]
    fn keeps_different_names_apart() {
        differ("hussein", "hassan");
        differ("ivan", "ivanov");
        differ("sergey", "sergeev");
        differ("kim", "kang");
        differ("petrov", "petrova");
        differ("andrey", "andreyev");
        differ("kum", "kim");
        differ("hyok", "hyon");
        differ("ali", "ahmad");
    }

    #[test]
    fn builds_latin_consonant_keys() {
        check_key("muhammad", "mhmd");
        check_key("mohammed", "mhmd");
        check_key("ahmed", "ahmd");
        check_key("omar", "amr");
        check_key("youssef", "ysf");
        check_key("fatimah", "ftm");
        check_key("khaled", "hld");
    }

    #[test]
    fn gives_phonetic_keys() {
        assert_eq!(phonetic_key("asatryan"), phonetic_key("asatrian"));
        assert!(phonetic_key("andreyev").matches(&phonetic_key("andreev")));
        assert_eq!(phonetic_code("andreev"), "ANTRF");
        assert!(!phonetic_key("").matches(&phonetic_key("")));
    }

    fn same(tokens: &[&str]) {
        let first = skeleton(tokens[0]);
        for t in tokens {
            assert_eq!(skeleton(t), first, "{t} vs {}", tokens[0]);
        }
    }

    fn differ(a: &str, b: &str) {
        assert_ne!(skeleton(a), skeleton(b), "{a} vs {b}");
    }

    fn check_key(input: &str, expected: &str) {
        assert_eq!(consonant_key(input), expected, "{input}");
    }
}
