//! Name structure: legal forms, titles, particles, generic organisation words, initials, and
//! which token is the family name.
//!
//! Everything here works on normalised Latin tokens, after transliteration, so one table serves
//! every script: `ООО` arrives as `ooo`, `주식회사` and `株式会社` are mapped to Latin words
//! before romanisation (see `translit`).

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::{LegalClass, LegalForm, Role};

/// A legal form spelled as folded words, with its canonical form and class.
struct FormEntry {
    words: &'static [&'static str],
    canonical: &'static str,
    class: LegalClass,
}

const fn lf(
    words: &'static [&'static str],
    canonical: &'static str,
    class: LegalClass,
) -> FormEntry {
    FormEntry {
        words,
        canonical,
        class,
    }
}

use LegalClass as C;

/// Legal forms in many languages and scripts (after romanisation), longest spellings first so
/// that `limited liability company` wins over `company`.
const LEGAL_FORMS: &[FormEntry] = &[
    // Spelled-out forms in the languages of the lists' companies, longest first.
    lf(
        &["obshchestvo", "s", "ogranichennoy", "otvetstvennostyu"],
        "llc",
        C::Llc,
    ),
    lf(
        &["sociedad", "de", "responsabilidad", "limitada"],
        "srl",
        C::Llc,
    ),
    lf(
        &["societe", "a", "responsabilite", "limitee"],
        "sarl",
        C::Llc,
    ),
    lf(
        &["societa", "a", "responsabilita", "limitata"],
        "srl",
        C::Llc,
    ),
    lf(
        &["gesellschaft", "mit", "beschrankter", "haftung"],
        "gmbh",
        C::Llc,
    ),
    lf(
        &["gesellschaft", "mit", "beschraenkter", "haftung"],
        "gmbh",
        C::Llc,
    ),
    lf(
        &["zakrytoye", "aktsionernoye", "obshchestvo"],
        "cjsc",
        C::JointStock,
    ),
    lf(
        &["zakrytoe", "aktsionernoe", "obshchestvo"],
        "cjsc",
        C::JointStock,
    ),
    lf(
        &["otkrytoye", "aktsionernoye", "obshchestvo"],
        "ojsc",
        C::JointStock,
    ),
    lf(
        &["otkrytoe", "aktsionernoe", "obshchestvo"],
        "ojsc",
        C::JointStock,
    ),
    lf(
        &["publichnoye", "aktsionernoye", "obshchestvo"],
        "pjsc",
        C::JointStock,
    ),
    lf(
        &["publichnoe", "aktsionernoe", "obshchestvo"],
        "pjsc",
        C::JointStock,
    ),
    lf(&["sociedad", "anonima"], "sa", C::JointStock),
    lf(&["societe", "anonyme"], "sa", C::JointStock),
    lf(&["societa", "per", "azioni"], "spa", C::JointStock),
    lf(&["naamloze", "vennootschap"], "nv", C::JointStock),
    lf(&["besloten", "vennootschap"], "bv", C::Limited),
    lf(&["aktiengesellschaft"], "ag", C::JointStock),
    lf(
        &["obshchestvo", "s", "ogranichennoi", "otvetstvennostiu"],
        "llc",
        C::Llc,
    ),
    lf(
        &["federal", "state", "unitary", "enterprise"],
        "fsue",
        C::StateOwned,
    ),
    lf(
        &["limited", "liability", "partnership"],
        "llp",
        C::Partnership,
    ),
    lf(&["limited", "liability", "company"], "llc", C::Llc),
    lf(&["limited", "liability", "co"], "llc", C::Llc),
    lf(
        &["public", "joint", "stock", "company"],
        "pjsc",
        C::JointStock,
    ),
    lf(
        &["open", "joint", "stock", "company"],
        "ojsc",
        C::JointStock,
    ),
    lf(
        &["closed", "joint", "stock", "company"],
        "cjsc",
        C::JointStock,
    ),
    lf(&["public", "limited", "company"], "plc", C::Limited),
    lf(&["joint", "stock", "company"], "jsc", C::JointStock),
    lf(&["joint", "stock", "co"], "jsc", C::JointStock),
    lf(&["state", "unitary", "enterprise"], "sue", C::StateOwned),
    lf(&["aktsionernoye", "obshchestvo"], "jsc", C::JointStock),
    lf(&["aktsionernoe", "obshchestvo"], "jsc", C::JointStock),
    lf(&["free", "zone", "establishment"], "fze", C::FreeZone),
    lf(&["free", "zone", "company"], "fzco", C::FreeZone),
    lf(&["limited", "partnership"], "lp", C::Partnership),
    lf(&["private", "limited"], "pvtltd", C::Limited),
    lf(&["kabushiki", "kaisha"], "kk", C::JointStock),
    lf(&["sp", "z", "o", "o"], "spzoo", C::Llc),
    lf(&["gmbh", "co", "kg"], "gmbhcokg", C::Partnership),
    lf(&["company", "limited"], "coltd", C::Limited),
    lf(&["company", "ltd"], "coltd", C::Limited),
    lf(&["co", "limited"], "coltd", C::Limited),
    lf(&["co", "ltd"], "coltd", C::Limited),
    lf(&["pte", "ltd"], "pteltd", C::Limited),
    lf(&["pvt", "ltd"], "pvtltd", C::Limited),
    lf(&["pty", "ltd"], "ptyltd", C::Limited),
    lf(&["fz", "llc"], "fzllc", C::FreeZone),
    lf(&["l", "l", "c"], "llc", C::Llc),
    lf(&["s", "a", "r", "l"], "sarl", C::Llc),
    lf(&["s", "r", "l"], "srl", C::Llc),
    lf(&["d", "o", "o"], "doo", C::Llc),
    lf(&["s", "a", "s"], "sas", C::JointStock),
    lf(&["s", "p", "a"], "spa", C::JointStock),
    lf(&["s", "a"], "sa", C::JointStock),
    lf(&["a", "s"], "as", C::JointStock),
    lf(&["n", "v"], "nv", C::JointStock),
    lf(&["b", "v"], "bv", C::Limited),
    lf(&["llc"], "llc", C::Llc),
    lf(&["ooo"], "llc", C::Llc),
    lf(&["too"], "llc", C::Llc),
    lf(&["tov"], "llc", C::Llc),
    lf(&["mchj"], "llc", C::Llc),
    lf(&["gmbh"], "gmbh", C::Llc),
    lf(&["sarl"], "sarl", C::Llc),
    lf(&["srl"], "srl", C::Llc),
    lf(&["doo"], "doo", C::Llc),
    lf(&["ltda"], "ltda", C::Llc),
    lf(&["jsc"], "jsc", C::JointStock),
    lf(&["ao"], "jsc", C::JointStock),
    lf(&["ojsc"], "ojsc", C::JointStock),
    lf(&["oao"], "ojsc", C::JointStock),
    lf(&["cjsc"], "cjsc", C::JointStock),
    lf(&["zao"], "cjsc", C::JointStock),
    lf(&["pjsc"], "pjsc", C::JointStock),
    lf(&["pao"], "pjsc", C::JointStock),
    lf(&["ag"], "ag", C::JointStock),
    lf(&["sa"], "sa", C::JointStock),
    lf(&["sas"], "sas", C::JointStock),
    lf(&["spa"], "spa", C::JointStock),
    lf(&["nv"], "nv", C::JointStock),
    lf(&["kk"], "kk", C::JointStock),
    lf(&["ltd"], "ltd", C::Limited),
    lf(&["limited"], "ltd", C::Limited),
    lf(&["plc"], "plc", C::Limited),
    lf(&["bv"], "bv", C::Limited),
    lf(&["yk"], "yk", C::Limited),
    lf(&["corp"], "corp", C::Corporation),
    lf(&["corporation"], "corp", C::Corporation),
    lf(&["co"], "co", C::Corporation),
    lf(&["company"], "co", C::Corporation),
    lf(&["inc"], "inc", C::Corporation),
    lf(&["incorporated"], "inc", C::Corporation),
    lf(&["cie"], "co", C::Corporation),
    lf(&["compania"], "co", C::Corporation),
    lf(&["kompaniya"], "co", C::Corporation),
    lf(&["llp"], "llp", C::Partnership),
    lf(&["lp"], "lp", C::Partnership),
    lf(&["kg"], "kg", C::Partnership),
    lf(&["fze"], "fze", C::FreeZone),
    lf(&["fzco"], "fzco", C::FreeZone),
    lf(&["fzc"], "fzco", C::FreeZone),
    lf(&["fzllc"], "fzllc", C::FreeZone),
    lf(&["fsue"], "fsue", C::StateOwned),
    lf(&["fgup"], "fsue", C::StateOwned),
    lf(&["gup"], "sue", C::StateOwned),
    lf(&["sue"], "sue", C::StateOwned),
];

/// The legal form with this canonical abbreviation and class, as analysis produces it; `None`
/// when no table entry has both. A stored analysis (the screener's serialised form) keeps a
/// legal form by these two values and gets the `'static` form back here.
pub fn legal_form_by_canonical(canonical: &str, class: LegalClass) -> Option<LegalForm> {
    LEGAL_FORMS
        .iter()
        .find(|e| e.canonical == canonical && e.class == class)
        .map(|e| LegalForm {
            canonical: e.canonical,
            class: e.class,
        })
}

/// Recognises a legal form starting at `words[i]`; returns it and how many words it spans.
pub(crate) fn legal_form_at(words: &[&str], i: usize) -> Option<(LegalForm, usize)> {
    let rest = &words[i..];
    // Entries grouped by first word, in table order, so only plausible entries are tried.
    static BY_FIRST: OnceLock<std::collections::HashMap<&'static str, Vec<&'static FormEntry>>> =
        OnceLock::new();
    let by_first = BY_FIRST.get_or_init(|| {
        let mut m: std::collections::HashMap<&'static str, Vec<&'static FormEntry>> =
            std::collections::HashMap::new();
        for e in LEGAL_FORMS {
            m.entry(e.words[0]).or_default().push(e);
        }
        m
    });
    by_first
        .get(rest.first()?)?
        .iter()
        .find(|e| rest.starts_with(e.words))
        .map(|e| {
            (
                LegalForm {
                    canonical: e.canonical,
                    class: e.class,
                },
                e.words.len(),
            )
        })
}

/// Legal-form abbreviations that are recognised when run onto the preceding word (`STANLLC`):
/// only forms that practically never end an ordinary word, so `MEXICO` or `MESA` stay whole.
const GLUED_FORMS: &[&str] = &[
    "llc", "ltd", "gmbh", "ojsc", "pjsc", "cjsc", "jsc", "plc", "llp", "inc", "corp", "fzco",
    "fze", "sarl",
];

/// Splits a word that ends in a glued legal-form abbreviation into the word and the form, when
/// what remains is a plausible name word (three letters or more, not itself ending a form).
pub(crate) fn glued_legal_form(word: &str) -> Option<(&str, LegalForm)> {
    if legal_form_at(&[word], 0).is_some() {
        return None;
    }
    GLUED_FORMS.iter().find_map(|suffix| {
        let stem = word.strip_suffix(suffix)?;
        if stem.len() < 3 || !stem.bytes().all(|b| b.is_ascii_alphabetic()) {
            return None;
        }
        legal_form_at(&[suffix], 0).map(|(form, _)| (stem, form))
    })
}

/// The single words of legal forms in English and romanised Russian (`limited`, `liability`,
/// `company`, `obshchestvo`, `ooo`, …), lowercase as [`crate::normalize`] writes them.
///
/// The legal-form table recognises whole forms; this list says whether one word belongs to a
/// legal form, for readers of a name that no longer parses as one: customers misspell or run
/// together long forms (`LIIMTED LIABILITY COMPANY`, `JONT STOCK COMPANY`), and the screener's
/// literal reading of an organisation name weights these words as generic organisation words
/// instead of as name words.
pub const LEGAL_WORDS: &[&str] = &[
    "limited",
    "liability",
    "company",
    "joint",
    "stock",
    "corporation",
    "corp",
    "co",
    "ltd",
    "llc",
    "inc",
    "incorporated",
    "jsc",
    "ojsc",
    "pjsc",
    "cjsc",
    "ooo",
    "oao",
    "zao",
    "pao",
    "ao",
    "gmbh",
    "plc",
    "public",
    "closed",
    "open",
    "obshchestvo",
    "aktsionernoe",
    "aktsionernoye",
    "otkrytoye",
    "otkrytoe",
    "zakrytoe",
    "zakrytoye",
    "publichnoe",
    "s",
    "ogranichennoi",
    "ogranichennoy",
    "otvetstvennostiu",
    "otvetstvennostyu",
    "pte",
    "sa",
    "ag",
    "bv",
    "nv",
    "fze",
    "llp",
    "lp",
    "de",
    "cv",
    "sarl",
    "srl",
    "spa",
    "kg",
    "as",
    "tov",
    "too",
    "anonima",
    "anonyme",
    "haftung",
    "beschrankter",
    "limitada",
    "aktiengesellschaft",
];

/// Honorifics, religious and military titles that precede names and carry little identity.
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "doctor",
    "prof",
    "professor",
    "haji",
    "hajji",
    "hadji",
    "hajj",
    "alhaj",
    "alhaji",
    "sheikh",
    "shaykh",
    "sheik",
    "shaikh",
    "cheikh",
    "general",
    "gen",
    "colonel",
    "col",
    "major",
    "maj",
    "captain",
    "capt",
    "lieutenant",
    "lt",
    "admiral",
    "adm",
    "brigadier",
    "commander",
    "mullah",
    "mulla",
    "mawlawi",
    "maulvi",
    "molvi",
    "maulana",
    "mawlana",
    "qari",
    "sir",
    "lord",
    "hon",
    "rev",
    "reverend",
    "imam",
    "ayatollah",
    "hojatoleslam",
    "president",
    "minister",
    "senator",
    "ambassador",
    "governor",
    "chairman",
    "director",
    "deputy",
    "prime",
    "sayyed",
    "sayyid",
];

/// Name particles: articles and kinship or nobiliary prefixes that attach to the next part.
const PARTICLES: &[&str] = &[
    "al", "el", "ul", "bin", "ibn", "bint", "binti", "abu", "abou", "van", "von", "de", "da",
    "del", "der", "den", "la", "le", "di", "du", "dos", "das", "do", "ter", "ten", "ben", "ould",
    "wal",
];

/// Words common to many organisation names that say little about which one is meant.
const ORG_WORDS: &[&str] = &[
    "trading",
    "trade",
    "traders",
    "group",
    "grp",
    "international",
    "intl",
    "holding",
    "holdings",
    "industries",
    "industry",
    "industrial",
    "enterprise",
    "enterprises",
    "import",
    "export",
    "imports",
    "exports",
    "investment",
    "investments",
    "invest",
    "services",
    "service",
    "shipping",
    "general",
    "global",
    "development",
    "technology",
    "technologies",
    "tech",
    "solutions",
    "logistics",
    "management",
    "partners",
    "consulting",
    "engineering",
    "manufacturing",
    "products",
    "resources",
    "commercial",
    "commerce",
    "bureau",
    "association",
    "foundation",
    "organization",
    "organisation",
    "agency",
    "office",
    "center",
    "centre",
    "factory",
    "works",
    "firm",
    "firma",
    "societe",
    "sociedad",
    "gesellschaft",
];

/// Function words of organisation names.
const STOPWORDS: &[&str] = &[
    "and", "of", "the", "for", "und", "et", "y", "i", "wa", "a", "an", "in", "on",
];

/// A word list as a hash set, built once; every token of every variant is looked up.
fn set_of(
    cell: &'static OnceLock<HashSet<&'static str>>,
    words: &[&'static str],
) -> &'static HashSet<&'static str> {
    cell.get_or_init(|| words.iter().copied().collect())
}

pub(crate) fn is_title(t: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    set_of(&SET, TITLES).contains(t)
}

pub(crate) fn is_particle(t: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    set_of(&SET, PARTICLES).contains(t)
}

pub(crate) fn is_org_word(t: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    set_of(&SET, ORG_WORDS).contains(t)
}

/// Countries, regions and descriptive words that many organisation names of one place or
/// sector share (`Korea`, `Pacific`, `Golden`, `Eastern`): inside an organisation's name they
/// say as little about which one is meant as `trading` does. They keep their role and weight
/// (a listed `CHOSUN SAENAL TRADING` must not become `SAENAL` alone); the scorer only refuses
/// to count them as the distinctive part a match must agree on.
const PLACE_WORDS: &[&str] = &[
    "korea",
    "korean",
    "dprk",
    "chosun",
    "choson",
    "joson",
    "china",
    "chinese",
    "hong",
    "kong",
    "syria",
    "syrian",
    "iran",
    "iranian",
    "persia",
    "persian",
    "iraq",
    "iraqi",
    "russia",
    "russian",
    "rus",
    "lebanon",
    "lebanese",
    "yemen",
    "libya",
    "libyan",
    "sudan",
    "cuba",
    "venezuela",
    "belarus",
    "ukraine",
    "turkey",
    "dubai",
    "emirates",
    "gulf",
    "arab",
    "arabian",
    "asia",
    "asian",
    "euro",
    "europe",
    "european",
    "africa",
    "african",
    "america",
    "american",
    "pacific",
    "atlantic",
    "eastern",
    "east",
    "western",
    "west",
    "northern",
    "north",
    "southern",
    "south",
    "central",
    "national",
    "united",
    "golden",
    "gold",
    "star",
    "new",
    "first",
    "grand",
    "royal",
    "great",
    "world",
    "universal",
    "mega",
    "best",
    "top",
    "premier",
    "prime",
    "ocean",
    "sea",
    "marine",
    "maritime",
    "oriental",
    "orient",
    "sun",
    "silk",
    "road",
];

/// Whether a word of an organisation's name is a place or descriptive word ([`PLACE_WORDS`]).
pub(crate) fn is_place_word(t: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    set_of(&SET, PLACE_WORDS).contains(t)
}

pub(crate) fn is_stopword(t: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    set_of(&SET, STOPWORDS).contains(t)
}

/// Whether a token is an East Slavic patronymic (`Ivanovich`, `Petrovna`, `Fedorovych`).
pub(crate) fn is_patronymic(t: &str) -> bool {
    const ENDINGS: &[&str] = &[
        "ovich", "evich", "ovych", "evych", "ovna", "evna", "ivna", "yich", "ichna", "inichna",
        "ovic", "evic",
    ];
    t.len() >= 7 && ENDINGS.iter().any(|e| t.ends_with(e))
}

/// Whether a token is a romanised Korean family name (any system or common spelling).
pub(crate) fn is_korean_surname(t: &str) -> bool {
    crate::translit::hangul::is_romanised_surname(t)
}

/// Where the family name is, as far as the input tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    /// The first `n` name tokens are the family name (`LAST, First`, Hangul, Han, ALL-CAPS first).
    FamilyFirst(usize),
    /// Nothing says; heuristics decide.
    Unknown,
}

/// Assigns person roles to tokens whose role is still [`Role::Unknown`].
///
/// `tokens` holds (text, role) pairs in order; titles and particles are already marked.
pub(crate) fn assign_person_roles(tokens: &mut [(String, Role)], order: Order) {
    let name_idx: Vec<usize> = tokens
        .iter()
        .enumerate()
        .filter(|(_, (_, r))| *r == Role::Unknown)
        .map(|(i, _)| i)
        .collect();
    if name_idx.is_empty() {
        return;
    }
    for &i in &name_idx {
        if tokens[i].0.len() == 1 && tokens[i].0.as_bytes()[0].is_ascii_alphabetic() {
            tokens[i].1 = Role::Initial;
        }
    }
    let words: Vec<usize> = name_idx
        .iter()
        .copied()
        .filter(|i| tokens[*i].1 == Role::Unknown)
        .collect();
    if words.is_empty() {
        return;
    }
    let n = words.len();
    let family_first = match order {
        Order::FamilyFirst(k) => Some(k),
        Order::Unknown => {
            let patronymic: Vec<bool> =
                words.iter().map(|i| is_patronymic(&tokens[*i].0)).collect();
            if n >= 3 && patronymic[n - 1] && !patronymic[n - 2] {
                // Russian documents write Surname Given Patronymic.
                Some(1)
            } else if (2..=4).contains(&n)
                && is_korean_surname(&tokens[words[0]].0)
                && !is_korean_surname(&tokens[words[n - 1]].0)
            {
                Some(1)
            } else {
                None
            }
        }
    };
    for (k, &i) in words.iter().enumerate() {
        let t = &tokens[i].0;
        let role = match family_first {
            Some(f) if k < f.max(1) => Role::Family,
            _ if n > 1 && is_patronymic(t) && !(family_first.is_none() && k == n - 1) => {
                Role::Patronymic
            }
            Some(_) => Role::Given,
            None if k == n - 1 && n > 1 => Role::Family,
            None if n == 1 => Role::Unknown,
            None => Role::Given,
        };
        tokens[i].1 = role;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legal_words_are_single_normalised_words() {
        for w in LEGAL_WORDS {
            assert_eq!(crate::normalize(w), *w, "{w} is not in normalised form");
        }
    }

    #[test]
    fn finds_legal_forms() {
        check_form("limited liability company signatek", Some(("llc", 3)));
        check_form("ooo romashka", Some(("llc", 1)));
        check_form("co ltd", Some(("coltd", 2)));
        check_form("company limited", Some(("coltd", 2)));
        check_form("corporation", Some(("corp", 1)));
        check_form("pao gazprom", Some(("pjsc", 1)));
        check_form("gazprom", None);
        assert_eq!(
            legal_form_at(&["corp"], 0).map(|f| f.0.class),
            legal_form_at(&["company"], 0).map(|f| f.0.class)
        );
    }

    #[test]
    fn splits_glued_legal_forms() {
        let split = |w: &str| glued_legal_form(w).map(|(stem, f)| (stem.to_owned(), f.canonical));
        assert_eq!(split("stanllc"), Some(("stan".to_owned(), "llc")));
        assert_eq!(split("gazprompjsc"), Some(("gazprom".to_owned(), "pjsc")));
        assert_eq!(split("acmeltd"), Some(("acme".to_owned(), "ltd")));
        assert_eq!(split("llc"), None);
        assert_eq!(split("zinc"), None);
        assert_eq!(split("mexico"), None);
        assert_eq!(split("mesa"), None);
    }

    #[test]
    fn assigns_person_roles() {
        check_roles("sechin igor ivanovich", Order::Unknown, "F G P");
        check_roles("igor ivanovich sechin", Order::Unknown, "G P F");
        check_roles("kim jong un", Order::Unknown, "F G G");
        check_roles("jong un kim", Order::Unknown, "G G F");
        check_roles("gayk asatryan", Order::Unknown, "G F");
        check_roles("asatryan gayk", Order::FamilyFirst(1), "F G");
        check_roles("john f kennedy", Order::Unknown, "G I F");
        check_roles("madonna", Order::Unknown, "U");
        check_roles("yanukovych viktor fedorovych", Order::Unknown, "F G P");
        check_roles("viktor fedorovych yanukovych", Order::Unknown, "G P F");
    }

    fn check_form(input: &str, expected: Option<(&str, usize)>) {
        let words: Vec<&str> = input.split(' ').collect();
        let got = legal_form_at(&words, 0).map(|(f, n)| (f.canonical, n));
        assert_eq!(got, expected, "{input}");
    }

    fn check_roles(input: &str, order: Order, expected: &str) {
        let mut tokens: Vec<(String, Role)> = input
            .split(' ')
            .map(|t| (t.to_owned(), Role::Unknown))
            .collect();
        assign_person_roles(&mut tokens, order);
        let got: Vec<&str> = tokens
            .iter()
            .map(|(_, r)| match r {
                Role::Family => "F",
                Role::Given => "G",
                Role::Patronymic => "P",
                Role::Initial => "I",
                _ => "U",
            })
            .collect();
        assert_eq!(got.join(" "), expected, "{input}");
    }
}
