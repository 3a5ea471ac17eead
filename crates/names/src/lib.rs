//! Name text for interdict: normalisation, multi-scheme transliteration, name structure,
//! spelling-equivalence keys and token similarity.
//!
//! This crate is the text foundation of name screening. It is pure and deterministic: no I/O, no
//! global state beyond lazily built constant tables, and the same input always gives the same
//! output in the same order.
//!
//! The entry point is [`analyze`], which turns a raw name of any script into a small list of
//! [`Variant`]s, one per romanisation scheme that applies, each a list of [`Token`]s carrying a
//! [`Role`], a weight hint and a spelling-equivalence [`skeleton`]. [`compare_tokens`] compares
//! two tokens and says which [`Transform`] made them equal, for explanations.
//!
//! ```
//! use names::{analyze, NameKind, Scheme};
//!
//! let name = analyze("송금혁", NameKind::Person);
//! let dprk = &name.variants[0];
//! assert_eq!(dprk.scheme, Scheme::Dprk);
//! assert_eq!(dprk.texts(), ["song", "kum", "hyok"]);
//!
//! let listed = analyze("SONG, Kum Hyok", NameKind::Person);
//! let hit = names::compare_tokens(&dprk.tokens[2], &listed.variants[0].tokens[2]);
//! assert_eq!(hit.how, names::Transform::Exact);
//! ```

mod normalize;
mod script;
mod similarity;
mod skeleton;
mod structure;
mod translit;

pub use normalize::{fold_latin, is_apostrophe, nfc, normalize};
pub use script::Script;
pub use similarity::{
    SIM_INITIAL, SIM_JOINED, SIM_LEGAL_FORM_CLASS, SIM_PHONETIC, SIM_TRANSLITERATION, TokenMatch,
    TokenView, Transform, compare_joined, compare_str, compare_tokens, jaro_winkler,
    levenshtein_similarity,
};
pub use skeleton::{
    PHONETIC_LENGTH, PhoneticKey, codes_match, consonant_key, is_korean_syllable, phonetic_code,
    phonetic_key, skeleton,
};
pub use structure::LEGAL_WORDS;

/// Whether a normalised word belongs to organisation names rather than people's: a word of a
/// legal form of three letters or more (`limited`, `ooo`, `gmbh`) or a generic organisation word
/// (`trading`, `shipping`). Two-letter forms (`sa`, `co`, `ao`) are left out: they are also
/// parts of people's names.
pub fn is_organisation_word(word: &str) -> bool {
    (word.len() >= 3 && LEGAL_WORDS.contains(&word)) || structure::is_org_word(word)
}
pub use structure::legal_form_by_canonical;

/// Whether a normalised word is a country, region or descriptive word that many organisation
/// names share (`korea`, `pacific`, `golden`): the scorer does not count it as the distinctive
/// part of an organisation's name. It keeps its role and weight in the name.
pub fn is_place_word(word: &str) -> bool {
    structure::is_place_word(word)
}

use std::sync::OnceLock;

use structure::Order;

/// What kind of party a name belongs to, as far as the caller knows.
///
/// The kind decides whether legal forms are looked for (not in person names, where `Sa` or `Co`
/// may be a name) and whether Hangul and Han text is read as a personal name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameKind {
    /// A natural person.
    Person,
    /// A company, organisation, vessel or aircraft: anything with a legal form or a proper name.
    Organization,
    /// Not known; [`analyze`] resolves it to an organisation when it finds a legal form or a
    /// generic organisation word, otherwise to a person-like name.
    Unknown,
}

/// The romanisation scheme that produced a variant.
///
/// Serialised in snake case: `latin`, `dprk`, `mccune_reischauer`, `icao_9303` and so on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub enum Scheme {
    /// The input was already Latin; only diacritics were stripped.
    Latin,
    /// Hangul, DPRK 1992 system (McCune–Reischauer derivative with `j` for ㅈ and `kh`/`th`/`ph`
    /// for aspirates), which OFAC and UN entries of DPRK persons mostly follow.
    Dprk,
    /// Hangul, McCune–Reischauer without breves and apostrophes (`ch` for word-initial ㅈ).
    #[serde(rename = "mccune_reischauer")]
    McCuneReischauer,
    /// Hangul, Revised Romanization of Korean (2000).
    RevisedRomanization,
    /// Hangul, a common family-name spelling (`Lee`, `Park`, `Choi`) with DPRK given names.
    KoreanCommon,
    /// Cyrillic, BGN/PCGN without diacritics.
    BgnPcgn,
    /// Cyrillic, ICAO Doc 9303 (machine-readable passports).
    #[serde(rename = "icao_9303")]
    Icao9303,
    /// Cyrillic, common English press style (`Vitaly`, `Pyotr`).
    CyrillicCommon,
    /// Han, Mandarin pinyin without tones.
    Pinyin,
    /// Han, the Korean reading of Hanja, romanised with the DPRK system.
    HanjaKorean,
    /// Arabic script, scholarly spellings for curated names (`muhammad`), long vowels otherwise.
    ArabicStandard,
    /// Arabic script, the most common list spellings for curated names (`mohammed`).
    ArabicCommon,
    /// Arabic script, vowel-free consonant skeletons (`mhmd`), a blocking key only.
    ArabicConsonants,
    /// Greek, ELOT 743.
    #[serde(rename = "elot_743")]
    Elot743,
    /// Armenian, BGN/PCGN.
    ArmenianBgnPcgn,
    /// Georgian, national system of 2002.
    GeorgianNational,
    /// Any other script, through `any_ascii`.
    AnyAscii,
}

impl Scheme {
    /// The scheme's name in explanations and serialised output: snake case, `latin`, `dprk`,
    /// `mccune_reischauer`, `icao_9303` and so on.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Latin => "latin",
            Scheme::Dprk => "dprk",
            Scheme::McCuneReischauer => "mccune_reischauer",
            Scheme::RevisedRomanization => "revised_romanization",
            Scheme::KoreanCommon => "korean_common",
            Scheme::BgnPcgn => "bgn_pcgn",
            Scheme::Icao9303 => "icao_9303",
            Scheme::CyrillicCommon => "cyrillic_common",
            Scheme::Pinyin => "pinyin",
            Scheme::HanjaKorean => "hanja_korean",
            Scheme::ArabicStandard => "arabic_standard",
            Scheme::ArabicCommon => "arabic_common",
            Scheme::ArabicConsonants => "arabic_consonants",
            Scheme::Elot743 => "elot_743",
            Scheme::ArmenianBgnPcgn => "armenian_bgn_pcgn",
            Scheme::GeorgianNational => "georgian_national",
            Scheme::AnyAscii => "any_ascii",
        }
    }
}

impl std::fmt::Display for Scheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// How the given names of a variant are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Form {
    /// As written or as the scheme splits them (one token per Korean or Chinese syllable).
    Plain,
    /// Hyphenated or multi-syllable given names written as one token (`Kumhyok`).
    JoinedGiven,
}

/// The canonical class of a legal form, so that equivalent forms compare equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LegalClass {
    /// Limited liability company: LLC, OOO, TOO, GmbH, SARL, Sp. z o.o.
    Llc,
    /// Joint-stock company: JSC, AO, OJSC, PJSC, PAO, CJSC, ZAO, AG, SA, NV, KK.
    JointStock,
    /// Limited company: Ltd, Limited, Co. Ltd, Company Limited, PLC, BV.
    Limited,
    /// Company or corporation: Co, Company, Corp, Corporation, Inc, Incorporated.
    Corporation,
    /// Partnership: LLP, LP, KG.
    Partnership,
    /// Free-zone entity: FZE, FZCO, FZ-LLC.
    FreeZone,
    /// State-owned unitary enterprise: FGUP, GUP.
    StateOwned,
}

/// A recognised legal form: its canonical abbreviation and its class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LegalForm {
    /// Canonical abbreviation, lowercase without spaces (`llc`, `pjsc`, `coltd`).
    pub canonical: &'static str,
    /// The class used for equivalence.
    pub class: LegalClass,
}

/// What a token is within its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// A given name (or one syllable of it).
    Given,
    /// The family name.
    Family,
    /// An East Slavic patronymic (`Ivanovich`), often dropped by customers.
    Patronymic,
    /// A particle: `al`, `bin`, `abu`, `van`, `de` and the like.
    Particle,
    /// A legal form; the token text is its canonical abbreviation.
    LegalForm(LegalForm),
    /// A title or honorific (`Dr`, `Haji`, `General`).
    Title,
    /// A generic organisation word (`trading`, `group`, `international`).
    OrgWord,
    /// A function word in an organisation name (`and`, `of`, `the`).
    Stopword,
    /// A one-letter initial.
    Initial,
    /// A name word whose role is not known (organisation name words, single-word names).
    Unknown,
}

impl Role {
    /// How much this token should count in a name score, as a hint for the scorer.
    ///
    /// Low weights mark tokens that are often missing, added or swapped without changing who is
    /// meant; they still take part in matching.
    pub fn weight(self) -> f32 {
        match self {
            Role::Given | Role::Family | Role::Unknown => 1.0,
            Role::Patronymic => 0.5,
            Role::OrgWord => 0.4,
            Role::LegalForm(_) | Role::Initial => 0.3,
            Role::Particle => 0.2,
            Role::Title | Role::Stopword => 0.1,
        }
    }
}

/// One normalised token of a name variant.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// Lowercase ASCII text (letters and digits), or a legal form's canonical abbreviation.
    pub text: String,
    /// What the token is within the name.
    pub role: Role,
    /// The scorer's weight hint, [`Role::weight`] of the role.
    pub weight: f32,
    /// The spelling-equivalence key ([`skeleton`]); for consonant-skeleton variants, the text.
    pub skeleton: String,
    /// Double Metaphone codes, computed on first use and kept (see [`Token::phonetic`]).
    phonetic: OnceLock<PhoneticKey>,
}

impl Token {
    /// Builds a token with its role's weight and its skeleton, for callers that assemble names
    /// from parts they analysed themselves.
    pub fn new(text: String, role: Role) -> Token {
        let skeleton = match role {
            Role::LegalForm(f) => f.canonical.to_owned(),
            _ => skeleton(&text),
        };
        Token::with_skeleton(text, role, skeleton)
    }

    fn with_skeleton(text: String, role: Role, skeleton: String) -> Token {
        Token {
            weight: role.weight(),
            text,
            role,
            skeleton,
            phonetic: OnceLock::new(),
        }
    }

    /// Double Metaphone codes of the token, computed on first use and cached in the token:
    /// they cost more than the rest of the analysis, and only blocking and the phonetic step of
    /// [`compare_tokens`] need them.
    pub fn phonetic(&self) -> &PhoneticKey {
        self.phonetic.get_or_init(|| phonetic_key(&self.text))
    }
}

/// One romanisation of a name, tokenised and tagged.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The scheme that produced it.
    pub scheme: Scheme,
    /// Whether the given names are joined.
    pub form: Form,
    /// The tokens in name order.
    pub tokens: Vec<Token>,
}

impl Variant {
    /// The token texts, for tests and display.
    pub fn texts(&self) -> Vec<&str> {
        self.tokens.iter().map(|t| t.text.as_str()).collect()
    }
}

/// The analysis of one raw name.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyzedName {
    /// The input as given.
    pub original: String,
    /// The kind, with [`NameKind::Unknown`] resolved to `Organization` when a legal form or a
    /// generic organisation word was found.
    pub kind: NameKind,
    /// The distinct scripts of the input's letters, in [`Script`] order.
    pub scripts: Vec<Script>,
    /// The variants, most common scheme first, without duplicates (same token texts). Empty only
    /// when the input has no letters or digits.
    pub variants: Vec<Variant>,
}

/// Analyses a raw name: NFC, transliteration in every applicable scheme, Latin folding,
/// tokenisation, structure (roles) and skeletons.
///
/// A comma splits `LAST, First Middle` for persons (and unknown kinds, unless what follows the
/// comma is a legal form). Never panics; deterministic.
pub fn analyze(raw: &str, kind: NameKind) -> AnalyzedName {
    let composed = nfc(raw);
    let scripts = Script::all_in(&composed);
    let comma = kind != NameKind::Organization && has_name_order_comma(&composed);
    let roms = translit::romanize(&composed, kind);
    let mut variants: Vec<Variant> = Vec::with_capacity(roms.len());
    let mut resolved = kind;
    for rom in roms {
        let (tokens, is_org) = build_tokens(&rom, kind, comma, &variants);
        if tokens.is_empty() {
            continue;
        }
        if is_org && kind == NameKind::Unknown {
            resolved = NameKind::Organization;
        }
        let duplicate = variants.iter().any(|v| {
            v.tokens.len() == tokens.len()
                && v.tokens.iter().zip(&tokens).all(|(a, b)| a.text == b.text)
        });
        if !duplicate {
            variants.push(Variant {
                scheme: rom.scheme,
                form: rom.form,
                tokens,
            });
        }
    }
    AnalyzedName {
        original: raw.to_owned(),
        kind: resolved,
        scripts,
        variants,
    }
}

const COMMAS: [char; 3] = [',', '،', '，'];

/// Whether the name has exactly one comma with text on both sides (`LAST, First`), and what
/// follows it is not a legal form (`Acme, Inc.`).
fn has_name_order_comma(text: &str) -> bool {
    let mut parts = text.split(COMMAS);
    let (Some(left), Some(right), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let right = fold_latin(right);
    let words: Vec<&str> = right.split(' ').collect();
    let left_ok = left.chars().any(char::is_alphabetic);
    let right_is_form = structure::legal_form_at(&words, 0).is_some_and(|(_, n)| n == words.len());
    left_ok && !right.is_empty() && !right_is_form
}

/// Folds, tokenises and tags one romanisation; returns the tokens and whether they look like an
/// organisation name.
fn build_tokens(
    rom: &translit::Rom,
    kind: NameKind,
    comma: bool,
    previous: &[Variant],
) -> (Vec<Token>, bool) {
    let mut folded = String::with_capacity(rom.text.len() + 4);
    // `K.G.B.`, `O.O.O.`, `G.m.b.H.`: letters each followed by a dot are one abbreviation, not
    // a row of initials, outside person names (where `J.R. Smith` holds two initials).
    let joined;
    let rom_text = if kind != NameKind::Person {
        joined = join_dotted_abbreviations(&rom.text);
        joined.as_deref().unwrap_or(&rom.text)
    } else {
        &rom.text
    };
    let mut order = rom.family_tokens.map_or(Order::Unknown, Order::FamilyFirst);
    let mut family_words = 0usize;
    if comma && rom.family_tokens.is_none() {
        if let Some((left, right)) = rom_text.split_once(COMMAS) {
            normalize::fold_latin_into(left, &mut folded);
            family_words = folded.split(' ').filter(|w| !w.is_empty()).count();
            normalize::fold_latin_into(right, &mut folded);
        } else {
            normalize::fold_latin_into(rom_text, &mut folded);
        }
    } else {
        normalize::fold_latin_into(rom_text, &mut folded);
    }
    if folded.is_empty() {
        return (Vec::new(), false);
    }
    let words: Vec<&str> = folded.split(' ').collect();
    let mut tagged: Vec<(String, Role)> = Vec::with_capacity(words.len());
    let mut has_form = false;
    let mut i = 0;
    // Family words that turn out to be particles or titles do not count as family name.
    let mut family_names = 0usize;
    while i < words.len() {
        if kind != NameKind::Person
            && let Some((form, n)) = structure::legal_form_at(&words, i)
        {
            tagged.push((form.canonical.to_owned(), Role::LegalForm(form)));
            has_form = true;
            i += n;
            continue;
        }
        let w = words[i];
        let last = i + 1 == words.len();
        if kind != NameKind::Person
            && last
            && let Some((stem, form)) = structure::glued_legal_form(w)
        {
            // `STANLLC`: a legal form run onto the last word reads as the word and the form.
            tagged.push((stem.to_owned(), Role::Unknown));
            tagged.push((form.canonical.to_owned(), Role::LegalForm(form)));
            has_form = true;
            i += 1;
            continue;
        }
        let role = if structure::is_title(w)
            && i + 1 < words.len()
            && tagged.iter().all(|(_, r)| *r == Role::Title)
        {
            Role::Title
        } else if structure::is_particle(w) && !last && !(w == "ben" && i == 0) {
            Role::Particle
        } else {
            Role::Unknown
        };
        if i < family_words && role == Role::Unknown {
            family_names += 1;
        }
        tagged.push((w.to_owned(), role));
        i += 1;
    }
    let org_words = tagged
        .iter()
        .filter(|(t, r)| *r == Role::Unknown && structure::is_org_word(t))
        .count();
    let is_org = match kind {
        NameKind::Organization => true,
        NameKind::Person => false,
        NameKind::Unknown => has_form || (org_words > 0 && tagged.len() > 1),
    };
    if is_org {
        for (t, r) in tagged.iter_mut() {
            match *r {
                Role::Unknown if structure::is_org_word(t) => *r = Role::OrgWord,
                Role::Unknown if structure::is_stopword(t) => *r = Role::Stopword,
                Role::Title => *r = Role::Unknown,
                _ => {}
            }
        }
    } else {
        if family_words > 0 {
            order = Order::FamilyFirst(family_names.max(1));
        } else if order == Order::Unknown && caps_first(&rom.text, rom.scheme) {
            order = Order::FamilyFirst(1);
        }
        structure::assign_person_roles(&mut tagged, order);
    }
    let consonant_scheme = rom.scheme == Scheme::ArabicConsonants;
    let tokens = tagged
        .into_iter()
        .map(|(text, role)| {
            // Variants of one name share most tokens; reuse a skeleton computed for an
            // earlier variant instead of folding the same text again.
            let known = previous
                .iter()
                .flat_map(|v| v.tokens.iter())
                .find(|t| t.text == text && !matches!(t.role, Role::LegalForm(_)))
                .map(|t| t.skeleton.clone());
            let skeleton = match role {
                Role::LegalForm(f) => f.canonical.to_owned(),
                _ if consonant_scheme => text.clone(),
                _ => known.unwrap_or_else(|| skeleton(&text)),
            };
            Token::with_skeleton(text, role, skeleton)
        })
        .collect();
    (tokens, is_org)
}

/// Joins abbreviations written as letters each followed by a dot (`K.G.B.`, `O.O.O.`,
/// `G.m.b.H.`, `S.A.`) into one word (`KGB`, `OOO`, `GmbH`, `SA`), so that the abbreviation keeps
/// its letter order (`C.B.A.` is not `A.B.C.`) and a dotted legal form reads as the form. A run
/// needs two letters or more, each directly followed by a dot and the next letter directly
/// following the dot; `None` when the text has no such run. [`analyze`] applies it to every
/// name that is not a person's; callers that read a name literally apply it themselves.
pub fn join_dotted_abbreviations(text: &str) -> Option<String> {
    if !text.contains('.') {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut i = 0;
    while i < chars.len() {
        // A run starts at a letter that begins a word, followed by a dot and another letter.
        let starts_word = i == 0 || !chars[i - 1].is_alphanumeric();
        let mut j = i;
        let mut letters = 0;
        while starts_word
            && j + 1 < chars.len()
            && chars[j].is_alphabetic()
            && chars[j + 1] == '.'
            && (j == i || chars[j - 1] == '.')
        {
            letters += 1;
            j += 2;
        }
        // A final letter without a dot (`G.m.b.H`) still belongs to the run.
        if letters >= 1
            && j < chars.len()
            && chars[j].is_alphabetic()
            && chars.get(j + 1).is_none_or(|c| !c.is_alphanumeric())
        {
            letters += 1;
            j += 1;
        }
        let ends_word = chars.get(j).is_none_or(|c| !c.is_alphanumeric());
        if letters >= 2 && ends_word {
            for &c in chars[i..j].iter().filter(|c| **c != '.') {
                out.push(c);
            }
            changed = true;
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    changed.then_some(out)
}

/// Whether a Latin name starts with an all-capitals word followed by a word with lowercase
/// letters (`ASATRYAN Gayk`), the list convention for family name first.
fn caps_first(text: &str, scheme: Scheme) -> bool {
    if scheme != Scheme::Latin {
        return false;
    }
    let mut words = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty());
    let Some(first) = words.next() else {
        return false;
    };
    let first_caps = first.chars().count() > 1 && first.chars().all(char::is_uppercase);
    first_caps && words.any(|w| w.chars().any(char::is_lowercase))
}

#[cfg(test)]
mod tests;
