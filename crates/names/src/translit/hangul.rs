//! Hangul romanisation: DPRK 1992, McCune–Reischauer and Revised Romanization.
//!
//! Syllables are decomposed arithmetically from U+AC00 into initial, medial and final jamo, so no
//! normalisation table is needed. Sound-change rules across syllables are deliberately not
//! applied: sanctions lists romanise DPRK names syllable by syllable (`O Kuk Ryol` for 오극렬,
//! not `O Kungnyol`), and only the voicing of a plain initial after a vowel or a sonorant inside
//! a word (`Yong Gil`, `Su Gil`, `Yon Jun`) is kept because lists follow it.

use crate::Scheme;

/// The Korean romanisation systems this module implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum System {
    /// DPRK 1992: `j` for ㅈ, `kh`/`th`/`ph` for aspirates.
    Dprk,
    /// McCune–Reischauer without breves and apostrophes: `ch` for ㅈ word-initially.
    Mr,
    /// Revised Romanization of Korean (2000).
    Rr,
}

impl System {
    pub(crate) fn scheme(self) -> Scheme {
        match self {
            System::Dprk => Scheme::Dprk,
            System::Mr => Scheme::McCuneReischauer,
            System::Rr => Scheme::RevisedRomanization,
        }
    }
}

/// The three jamo indices of a precomposed syllable.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Syllable {
    lead: usize,
    vowel: usize,
    tail: usize,
}

/// Decomposes a precomposed Hangul syllable (U+AC00..U+D7A3).
pub(crate) fn decompose(c: char) -> Option<Syllable> {
    let s = (c as u32).checked_sub(0xAC00)?;
    if s >= 11_172 {
        return None;
    }
    let s = s as usize;
    Some(Syllable {
        lead: s / 588,
        vowel: (s % 588) / 28,
        tail: s % 28,
    })
}

// Initial consonants in jamo order: ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ.
const LEAD_RR: [&str; 19] = [
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p",
    "h",
];
const LEAD_MR_INITIAL: [&str; 19] = [
    "k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "tch", "ch", "k", "t",
    "p", "h",
];
const LEAD_MR_VOICED: [&str; 19] = [
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "tch", "ch", "k", "t", "p",
    "h",
];
const LEAD_DPRK_INITIAL: [&str; 19] = [
    "k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "kh", "th",
    "ph", "h",
];
const LEAD_DPRK_VOICED: [&str; 19] = [
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "kh", "th",
    "ph", "h",
];

// Vowels in jamo order: ㅏ ㅐ ㅑ ㅒ ㅓ ㅔ ㅕ ㅖ ㅗ ㅘ ㅙ ㅚ ㅛ ㅜ ㅝ ㅞ ㅟ ㅠ ㅡ ㅢ ㅣ.
const VOWEL_RR: [&str; 21] = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "eu", "ui", "i",
];
// McCune–Reischauer and DPRK spell ŏ and ŭ as o and u once the breve is dropped, which is how
// OFAC and UN lists print them.
const VOWEL_MR: [&str; 21] = [
    "a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "u", "ui", "i",
];

// Final consonants: none ㄱ ㄲ ㄳ ㄴ ㄵ ㄶ ㄷ ㄹ ㄺ ㄻ ㄼ ㄽ ㄾ ㄿ ㅀ ㅁ ㅂ ㅄ ㅅ ㅆ ㅇ ㅈ ㅊ ㅋ ㅌ ㅍ ㅎ,
// spelled by their neutralised sound at the end of a syllable (identical in all three systems).
const TAIL: [&str; 28] = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t",
];

/// Whether a final lets the next plain initial be voiced (a vowel, ㄴ, ㄹ, ㅁ or ㅇ).
fn voicing_tail(tail: usize) -> bool {
    matches!(tail, 0 | 4 | 8 | 16 | 21)
}

/// Romanises one syllable; `voiced` says whether it follows a vowel or sonorant in the same word.
fn syllable_into(s: Syllable, system: System, voiced: bool, out: &mut String) {
    let lead = match (system, voiced) {
        (System::Rr, _) => LEAD_RR[s.lead],
        (System::Mr, false) => LEAD_MR_INITIAL[s.lead],
        (System::Mr, true) => LEAD_MR_VOICED[s.lead],
        (System::Dprk, false) => LEAD_DPRK_INITIAL[s.lead],
        (System::Dprk, true) => LEAD_DPRK_VOICED[s.lead],
    };
    // McCune–Reischauer writes ㅅ before ㅣ or ㅟ as "sh"; the DPRK system and RR keep "s".
    let lead = if system == System::Mr && s.lead == 9 && matches!(s.vowel, 16 | 20) {
        "sh"
    } else {
        lead
    };
    out.push_str(lead);
    out.push_str(match system {
        System::Rr => VOWEL_RR[s.vowel],
        System::Mr | System::Dprk => VOWEL_MR[s.vowel],
    });
    out.push_str(TAIL[s.tail]);
}

/// Romanises a run of syllables as one word, voicing plain initials after a vowel or sonorant.
///
/// Non-syllable characters (compatibility jamo, stray letters) pass through `any_ascii`.
pub(crate) fn word(text: &str, system: System, out: &mut String) {
    let mut prev_tail: Option<usize> = None;
    for c in text.chars() {
        match decompose(c) {
            Some(s) => {
                let voiced = prev_tail.is_some_and(voicing_tail);
                syllable_into(s, system, voiced, out);
                prev_tail = Some(s.tail);
            }
            None => {
                out.push_str(any_ascii::any_ascii_char(c));
                prev_tail = None;
            }
        }
    }
}

/// How a Korean family name is spelled in each system, plus other spellings in common use.
struct Surname {
    hangul: &'static str,
    dprk: &'static str,
    mr: &'static str,
    rr: &'static str,
    common: &'static [&'static str],
}

/// Family names whose list spellings differ from the syllable rules or have popular variants.
///
/// DPRK spellings keep the initial ㄹ (`Ri`, `Rim`, `Ryu`); the South writes the same names with
/// ㅇ or ㄴ (`이`, `임`, `유`, `노`), and both appear in lists.
const SURNAMES: &[Surname] = &[
    sn("김", "kim", "kim", "gim", &[]),
    sn("리", "ri", "ri", "ri", &["lee", "yi"]),
    sn("이", "ri", "yi", "i", &["lee", "rhee"]),
    sn("박", "pak", "pak", "bak", &["park"]),
    sn("최", "choe", "choe", "choe", &["choi"]),
    sn("정", "jong", "chong", "jeong", &["chung"]),
    sn("조", "jo", "cho", "jo", &[]),
    sn("주", "ju", "chu", "ju", &[]),
    sn("전", "jon", "chon", "jeon", &["jun"]),
    sn("장", "jang", "chang", "jang", &[]),
    sn("지", "ji", "chi", "ji", &[]),
    sn("진", "jin", "chin", "jin", &[]),
    sn("오", "o", "o", "o", &["oh"]),
    sn("유", "yu", "yu", "yu", &["yoo"]),
    sn("류", "ryu", "ryu", "ryu", &["yu", "yoo"]),
    sn("노", "no", "no", "no", &["roh"]),
    sn("로", "ro", "ro", "ro", &["roh"]),
    sn("문", "mun", "mun", "mun", &["moon"]),
    sn("윤", "yun", "yun", "yun", &["yoon"]),
    sn("한", "han", "han", "han", &[]),
    sn("강", "kang", "kang", "gang", &[]),
    sn("임", "rim", "im", "im", &["lim"]),
    sn("림", "rim", "rim", "rim", &["lim", "im"]),
    sn("량", "ryang", "ryang", "ryang", &["yang"]),
    sn("양", "yang", "yang", "yang", &[]),
    sn("렴", "ryom", "ryom", "ryeom", &["yom"]),
    sn("염", "yom", "yom", "yeom", &[]),
    sn("신", "sin", "shin", "sin", &["shin"]),
    sn("현", "hyon", "hyon", "hyeon", &["hyun"]),
    sn("홍", "hong", "hong", "hong", &[]),
    sn("고", "ko", "ko", "go", &[]),
    sn("구", "ku", "ku", "gu", &["koo"]),
    sn("권", "kwon", "kwon", "gwon", &[]),
    sn("곽", "kwak", "kwak", "gwak", &[]),
    sn("길", "kil", "kil", "gil", &[]),
    sn("도", "to", "to", "do", &[]),
    sn("동", "tong", "tong", "dong", &[]),
    sn("방", "pang", "pang", "bang", &[]),
    sn("백", "paek", "paek", "baek", &["baik"]),
    sn("변", "pyon", "pyon", "byeon", &["byun"]),
    sn("서", "so", "so", "seo", &["suh"]),
    sn("성", "song", "song", "seong", &["sung"]),
    sn("석", "sok", "sok", "seok", &[]),
    sn("심", "sim", "shim", "sim", &["shim"]),
    sn("안", "an", "an", "an", &["ahn"]),
    sn("엄", "om", "om", "eom", &[]),
    sn("우", "u", "u", "u", &["woo"]),
    sn("원", "won", "won", "won", &[]),
    sn("채", "chae", "chae", "chae", &[]),
    sn("천", "chon", "chon", "cheon", &[]),
    sn("태", "thae", "tae", "tae", &[]),
    sn("하", "ha", "ha", "ha", &[]),
    sn("함", "ham", "ham", "ham", &[]),
    sn("허", "ho", "ho", "heo", &["huh"]),
    sn("황", "hwang", "hwang", "hwang", &[]),
    sn("계", "kye", "kye", "gye", &[]),
    sn("명", "myong", "myong", "myeong", &[]),
    sn("남궁", "namgung", "namgung", "namgung", &[]),
    sn("황보", "hwangbo", "hwangbo", "hwangbo", &[]),
    sn("제갈", "jegal", "chegal", "jegal", &[]),
    sn("선우", "sonu", "sonu", "seonu", &[]),
    sn("독고", "tokko", "tokko", "dokgo", &[]),
    sn("사공", "sagong", "sagong", "sagong", &[]),
];

const fn sn(
    hangul: &'static str,
    dprk: &'static str,
    mr: &'static str,
    rr: &'static str,
    common: &'static [&'static str],
) -> Surname {
    Surname {
        hangul,
        dprk,
        mr,
        rr,
        common,
    }
}

fn surname(hangul: &str) -> Option<&'static Surname> {
    SURNAMES.iter().find(|s| s.hangul == hangul)
}

/// Whether a one- or two-syllable Hangul string is a family name we know.
pub(crate) fn is_known_surname(hangul: &str) -> bool {
    surname(hangul).is_some()
}

/// Whether a normalised Latin token is a Korean family name in some system or common spelling.
pub(crate) fn is_romanised_surname(token: &str) -> bool {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    let set = SET.get_or_init(|| {
        SURNAMES
            .iter()
            .flat_map(|s| {
                [s.dprk, s.mr, s.rr]
                    .into_iter()
                    .chain(s.common.iter().copied())
            })
            .filter(|s| s.len() > 1)
            .collect()
    });
    set.contains(token)
}

/// One romanisation of a Korean personal name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KoreanName {
    pub(crate) scheme: Scheme,
    /// The family name, romanised as one word.
    pub(crate) family: String,
    /// The given-name syllables, one romanised syllable per entry.
    pub(crate) given: Vec<String>,
}

/// Splits a personal name written in Hangul into family name and given-name syllables.
///
/// `words` are the whitespace-separated parts. A single word of two to four syllables is read
/// family name first, taking a two-syllable family name only when it is a known compound
/// surname and at least one syllable remains. With several words, the first word is the family
/// name when it is one syllable or a known compound surname, otherwise its first syllable is.
pub(crate) fn split_person(words: &[&str]) -> Option<(String, Vec<String>)> {
    let first = *words.first()?;
    let syllables: Vec<char> = first.chars().collect();
    if syllables.iter().any(|c| decompose(*c).is_none()) {
        return None;
    }
    let two: String = syllables.iter().take(2).collect();
    let compound = syllables.len() >= 2 && is_known_surname(&two);
    let n = if compound && (syllables.len() >= 3 || words.len() > 1) {
        2
    } else {
        1
    }
    .min(syllables.len());
    let family: String = syllables[..n].iter().collect();
    let mut given_words: Vec<String> = Vec::new();
    let rest: String = syllables[n..].iter().collect();
    if !rest.is_empty() {
        given_words.push(rest);
    }
    for w in &words[1..] {
        given_words.push((*w).to_owned());
    }
    Some((family, given_words))
}

/// Romanises a Hangul personal name in one system, family name first.
///
/// The family name comes from the surname table when known; given-name words are romanised with
/// in-word voicing and then split into one token per syllable, as lists print them.
pub(crate) fn person(family: &str, given_words: &[String], system: System) -> KoreanName {
    let mut fam = String::new();
    match surname(family) {
        Some(s) => fam.push_str(match system {
            System::Dprk => s.dprk,
            System::Mr => s.mr,
            System::Rr => s.rr,
        }),
        None => word(family, system, &mut fam),
    }
    let mut given = Vec::new();
    for w in given_words {
        let mut prev_tail: Option<usize> = None;
        for c in w.chars() {
            let mut syl = String::new();
            match decompose(c) {
                Some(s) => {
                    let voiced = prev_tail.is_some_and(voicing_tail);
                    syllable_into(s, system, voiced, &mut syl);
                    prev_tail = Some(s.tail);
                }
                None => {
                    syl.push_str(any_ascii::any_ascii_char(c));
                    prev_tail = None;
                }
            }
            if !syl.is_empty() {
                given.push(syl);
            }
        }
    }
    KoreanName {
        scheme: system.scheme(),
        family: fam,
        given,
    }
}

/// Other spellings of a known family name that none of the three systems produces.
pub(crate) fn common_surnames(family: &str) -> &'static [&'static str] {
    surname(family).map_or(&[], |s| s.common)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn romanises_names_in_each_system() {
        check("송금혁", System::Dprk, "song kum hyok");
        check("송금혁", System::Mr, "song kum hyok");
        check("송금혁", System::Rr, "song geum hyeok");
        check("김정은", System::Dprk, "kim jong un");
        check("김정은", System::Mr, "kim chong un");
        check("김정은", System::Rr, "gim jeong eun");
        check("정경택", System::Dprk, "jong kyong thaek");
        check("정경택", System::Mr, "chong kyong taek");
        check("리영길", System::Dprk, "ri yong gil");
        check("김수길", System::Dprk, "kim su gil");
        check("리만건", System::Dprk, "ri man gon");
        check("오극렬", System::Dprk, "o kuk ryol");
        check("조연준", System::Dprk, "jo yon jun");
        check("조연준", System::Mr, "cho yon jun");
        check("박도춘", System::Dprk, "pak to chun");
        check("리병철", System::Dprk, "ri pyong chol");
        check("리병철", System::Rr, "ri byeong cheol");
        check("유진", System::Mr, "yu chin");
        check("최신", System::Mr, "choe shin");
        check("남궁민", System::Rr, "namgung min");
    }

    #[test]
    fn decomposes_arithmetically() {
        let s = decompose('혁').expect("a syllable");
        assert_eq!((s.lead, s.vowel, s.tail), (18, 6, 1));
        assert!(decompose('a').is_none());
        assert!(decompose('\u{D7A4}').is_none());
    }

    fn check(input: &str, system: System, expected: &str) {
        let words: Vec<&str> = input.split_whitespace().collect();
        let (family, given) = split_person(&words).expect("a Hangul name");
        let name = person(&family, &given, system);
        let mut got = name.family.clone();
        for g in &name.given {
            got.push(' ');
            got.push_str(g);
        }
        assert_eq!(got, expected, "{input} {system:?}");
    }
}
