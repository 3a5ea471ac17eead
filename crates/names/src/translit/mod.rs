//! Script-aware transliteration to Latin, emitting several romanisations per name.
//!
//! Each script has its own module and its own list of schemes; a name gets one romanisation per
//! scheme of the scripts it contains, each tagged with the [`Scheme`] that produced it. Runs of
//! other scripts in the same name are romanised with their script's first scheme, and Latin runs
//! pass through unchanged, so mixed names (`Korea 새날`) work too.
//!
//! Korean and Chinese personal names are handled whole rather than run by run, because their
//! structure (family name first, one syllable per character) decides the tokens.

pub(crate) mod alphabets;
pub(crate) mod arabic;
pub(crate) mod cyrillic;
pub(crate) mod han;
pub(crate) mod hangul;

use crate::{Form, NameKind, Scheme, Script};

/// One romanisation of a whole name, before folding and tokenisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rom {
    pub(crate) scheme: Scheme,
    pub(crate) form: Form,
    pub(crate) text: String,
    /// How many leading tokens are the family name, when the script's structure says so.
    pub(crate) family_tokens: Option<usize>,
}

impl Rom {
    fn new(scheme: Scheme, form: Form, text: String, family_tokens: Option<usize>) -> Rom {
        Rom {
            scheme,
            form,
            text,
            family_tokens,
        }
    }
}

/// Organisation words in Han and Hangul, mapped to Latin words before romanisation so that the
/// legal-form and generic-word tables recognise them (longest first).
const CJK_ORG_WORDS: &[(&str, &str)] = &[
    ("股份有限公司", " jsc "),
    ("有限责任公司", " llc "),
    ("有限責任公司", " llc "),
    ("有限公司", " co ltd "),
    ("株式会社", " kk "),
    ("有限会社", " yk "),
    ("집단", " group "),
    ("集团", " group "),
    ("集團", " group "),
    ("贸易", " trading "),
    ("貿易", " trading "),
    ("公司", " co "),
    ("주식회사", " co ltd "),
    ("유한회사", " llc "),
    ("유한책임회사", " llc "),
    ("무역회사", " trading co "),
    ("무역", " trading "),
    ("회사", " co "),
    ("그룹", " group "),
    ("은행", " bank "),
];

fn replace_cjk_org_words(text: &str) -> Option<String> {
    if !text
        .chars()
        .any(|c| matches!(Script::of_char(c), Some(Script::Han | Script::Hangul)))
    {
        return None;
    }
    let mut out = text.to_owned();
    let mut changed = false;
    for (from, to) in CJK_ORG_WORDS {
        if out.contains(from) {
            out = out.replace(from, to);
            changed = true;
        }
    }
    changed.then_some(out)
}

/// The schemes a script contributes, in the order their variants are emitted.
pub(crate) fn schemes_for(script: Script) -> &'static [Scheme] {
    match script {
        Script::Latin => &[Scheme::Latin],
        Script::Cyrillic => &[Scheme::BgnPcgn, Scheme::Icao9303, Scheme::CyrillicCommon],
        Script::Hangul => &[
            Scheme::Dprk,
            Scheme::McCuneReischauer,
            Scheme::RevisedRomanization,
        ],
        Script::Han => &[Scheme::Pinyin],
        Script::Arabic => &[
            Scheme::ArabicStandard,
            Scheme::ArabicCommon,
            Scheme::ArabicConsonants,
        ],
        Script::Greek => &[Scheme::Elot743],
        Script::Armenian => &[Scheme::ArmenianBgnPcgn],
        Script::Georgian => &[Scheme::GeorgianNational],
        Script::Kana | Script::Hebrew | Script::Thai | Script::Other => &[Scheme::AnyAscii],
    }
}

/// Romanises a whole name (already NFC) in every applicable scheme.
pub(crate) fn romanize(text: &str, kind: NameKind) -> Vec<Rom> {
    let replaced = replace_cjk_org_words(text);
    let text = replaced.as_deref().unwrap_or(text);
    let scripts = Script::all_in(text);
    if kind != NameKind::Organization {
        if scripts == [Script::Hangul]
            && let Some(roms) = hangul_person(text)
        {
            return roms;
        }
        if scripts == [Script::Han]
            && let Some(roms) = han_person(text)
        {
            return roms;
        }
    }
    let mut out = Vec::new();
    let foreign: Vec<Script> = scripts
        .iter()
        .copied()
        .filter(|s| *s != Script::Latin)
        .collect();
    if foreign.is_empty() {
        out.push(Rom::new(Scheme::Latin, Form::Plain, text.to_owned(), None));
        if let Some(joined) = join_hyphens(text) {
            out.push(Rom::new(Scheme::Latin, Form::JoinedGiven, joined, None));
        }
        return out;
    }
    let lang = cyrillic::detect(text);
    for script in &foreign {
        for &scheme in schemes_for(*script) {
            let mut s = String::with_capacity(text.len() * 2);
            romanize_runs(text, scheme, lang, &mut s);
            out.push(Rom::new(scheme, Form::Plain, s, None));
        }
    }
    out
}

/// The first romanisation of a name, as [`crate::normalize`] uses it.
pub(crate) fn primary(text: &str) -> String {
    romanize(text, NameKind::Unknown)
        .into_iter()
        .next()
        .map(|r| r.text)
        .unwrap_or_default()
}

/// Removes hyphens between letters (`Kum-hyok` → `Kumhyok`), or `None` when there are none.
fn join_hyphens(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    for (i, &c) in chars.iter().enumerate() {
        let between_letters = i > 0
            && chars[i - 1].is_alphabetic()
            && chars.get(i + 1).is_some_and(|n| n.is_alphabetic());
        if matches!(c, '-' | '\u{2010}' | '\u{2011}') && between_letters {
            changed = true;
            continue;
        }
        out.push(c);
    }
    changed.then_some(out)
}

/// Romanises every script run of `text`, using `scheme` for runs of its own script and each
/// other script's first scheme for the rest.
fn romanize_runs(text: &str, scheme: Scheme, lang: cyrillic::Lang, out: &mut String) {
    let mut run_start = 0;
    let mut run_script: Option<Script> = None;
    let flush = |run: &str, script: Option<Script>, out: &mut String| {
        let Some(script) = script else {
            out.push_str(run);
            return;
        };
        let own = schemes_for(script);
        let scheme = if own.contains(&scheme) {
            scheme
        } else {
            own[0]
        };
        romanize_run(run, script, scheme, lang, out);
    };
    for (i, c) in text.char_indices() {
        let Some(s) = Script::of_char(c) else {
            continue;
        };
        if run_script.is_some_and(|r| r != s) {
            flush(&text[run_start..i], run_script, out);
            run_start = i;
        }
        run_script = Some(s);
    }
    flush(&text[run_start..], run_script, out);
}

fn romanize_run(run: &str, script: Script, scheme: Scheme, lang: cyrillic::Lang, out: &mut String) {
    match (script, scheme) {
        (Script::Latin, _) => out.push_str(run),
        (Script::Cyrillic, _) => {
            let system = cyrillic::System::ALL
                .into_iter()
                .find(|s| s.scheme() == scheme)
                .unwrap_or(cyrillic::System::Bgn);
            cyrillic::romanize(run, lang, system, out);
        }
        (Script::Hangul, _) => {
            let system = match scheme {
                Scheme::McCuneReischauer => hangul::System::Mr,
                Scheme::RevisedRomanization => hangul::System::Rr,
                _ => hangul::System::Dprk,
            };
            hangul::word(run, system, out);
        }
        (Script::Han, _) => {
            for c in run.chars() {
                if Script::of_char(c) == Some(Script::Han) {
                    out.push(' ');
                    han::pinyin(c, out);
                    out.push(' ');
                } else {
                    out.push(c);
                }
            }
        }
        (Script::Arabic, Scheme::ArabicConsonants) => arabic::consonants(run, out),
        (Script::Arabic, Scheme::ArabicCommon) => arabic::romanize(run, arabic::Style::Common, out),
        (Script::Arabic, _) => arabic::romanize(run, arabic::Style::Standard, out),
        (Script::Greek, _) => alphabets::greek(run, out),
        (Script::Armenian, _) => alphabets::armenian(run, out),
        (Script::Georgian, _) => alphabets::georgian(run, out),
        _ => out.push_str(&any_ascii::any_ascii(run)),
    }
}

/// Romanises a personal name written in Hangul: family name first, one token per given-name
/// syllable, plus the given name joined, in each system, plus common family-name spellings.
fn hangul_person(text: &str) -> Option<Vec<Rom>> {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_alphabetic() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let syllables: usize = words.iter().map(|w| w.chars().count()).sum();
    if words.is_empty() || words.len() > 3 || !(2..=6).contains(&syllables) {
        return None;
    }
    let (family, given_words) = hangul::split_person(&words)?;
    Some(korean_roms(&family, &given_words, None))
}

/// The romanisations of a Korean name already split into family name and given-name words.
///
/// `tag` replaces the scheme of every variant (used for Hanja read in Korean).
fn korean_roms(family: &str, given_words: &[String], tag: Option<Scheme>) -> Vec<Rom> {
    use hangul::System;
    let systems: &[System] = if tag.is_some() {
        &[System::Dprk]
    } else {
        &[System::Dprk, System::Mr, System::Rr]
    };
    let mut out = Vec::new();
    let mut dprk_given = String::new();
    for &system in systems {
        let name = hangul::person(family, given_words, system);
        let scheme = tag.unwrap_or(name.scheme);
        let mut plain = name.family.clone();
        for g in &name.given {
            plain.push(' ');
            plain.push_str(g);
        }
        if system == System::Dprk {
            dprk_given = name.given.join(" ");
        }
        out.push(Rom::new(scheme, Form::Plain, plain, Some(1)));
        if name.given.len() > given_words.len() {
            let mut joined = name.family.clone();
            for w in given_words {
                joined.push(' ');
                hangul::word(w, system, &mut joined);
            }
            out.push(Rom::new(scheme, Form::JoinedGiven, joined, Some(1)));
        }
    }
    if tag.is_none() {
        for common in hangul::common_surnames(family) {
            let mut text = (*common).to_owned();
            if !dprk_given.is_empty() {
                text.push(' ');
                text.push_str(&dprk_given);
            }
            out.push(Rom::new(Scheme::KoreanCommon, Form::Plain, text, Some(1)));
        }
    }
    out
}

/// Romanises a personal name written in Han characters: pinyin with the family name split off
/// (syllables separate and joined), and the Korean reading when the family name is Korean.
fn han_person(text: &str) -> Option<Vec<Rom>> {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    if !(2..=4).contains(&chars.len())
        || chars
            .iter()
            .any(|c| Script::of_char(*c) != Some(Script::Han))
    {
        return None;
    }
    let mut out = Vec::new();
    let mut family = String::new();
    han::pinyin(chars[0], &mut family);
    let given: Vec<String> = chars[1..]
        .iter()
        .map(|c| {
            let mut s = String::new();
            han::pinyin(*c, &mut s);
            s
        })
        .collect();
    out.push(Rom::new(
        Scheme::Pinyin,
        Form::Plain,
        format!("{family} {}", given.join(" ")),
        Some(1),
    ));
    if given.len() > 1 {
        out.push(Rom::new(
            Scheme::Pinyin,
            Form::JoinedGiven,
            format!("{family} {}", given.concat()),
            Some(1),
        ));
    }
    // A Korean reading only when every character has one. A Korean family name with a pinyin
    // given name (`ryu jianjun` for 刘建军) is no one's spelling: it read Chinese names as
    // Korean and matched Chinese listed names of another family (`YU, Jianjun`).
    if han::is_korean_family_char(chars[0]) {
        let hanja: String = chars.iter().collect();
        if let Some(h) = han::to_hangul(&hanja) {
            let words = [h.as_str()];
            if let Some((fam, given_words)) = hangul::split_person(&words) {
                out.extend(korean_roms(&fam, &given_words, Some(Scheme::HanjaKorean)));
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn romanises_whole_names() {
        check(
            "송금혁",
            NameKind::Person,
            &[
                "Dprk:song kum hyok",
                "Dprk+:song kumhyok",
                "McCuneReischauer:song kum hyok",
                "McCuneReischauer+:song kumhyok",
                "RevisedRomanization:song geum hyeok",
                "RevisedRomanization+:song geumhyeok",
            ],
        );
        check(
            "金雄善",
            NameKind::Person,
            &[
                "Pinyin:jin xiong shan",
                "Pinyin+:jin xiongshan",
                "HanjaKorean:kim ung son",
                "HanjaKorean+:kim ungson",
            ],
        );
        check(
            "Kum-hyok",
            NameKind::Person,
            &["Latin:Kum-hyok", "Latin+:Kumhyok"],
        );
        check(
            "محمد",
            NameKind::Person,
            &[
                "ArabicStandard:muhammad",
                "ArabicCommon:mohammed",
                "ArabicConsonants:mhmd",
            ],
        );
        check(
            "Korea 새날",
            NameKind::Organization,
            &[
                "Dprk:Korea saenal",
                "McCuneReischauer:Korea saenal",
                "RevisedRomanization:Korea saenal",
            ],
        );
    }

    fn check(input: &str, kind: NameKind, expected: &[&str]) {
        let got: Vec<String> = romanize(input, kind)
            .into_iter()
            .map(|r| {
                let plus = if r.form == Form::JoinedGiven { "+" } else { "" };
                format!("{:?}{plus}:{}", r.scheme, r.text)
            })
            .collect();
        assert_eq!(got, expected, "{input}");
    }
}
