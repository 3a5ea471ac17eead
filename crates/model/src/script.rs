//! Writing-system detection for names.

use serde::{Deserialize, Serialize};

/// The writing system a name is written in, as far as screening cares.
///
/// The variants are the scripts the transliteration layer treats differently; anything else is
/// [`Script::Other`]. Names keep their script so that an explanation can say that a Hangul query
/// matched a Latin list spelling through a romanisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Script {
    /// Latin letters, with or without diacritics.
    Latin,
    /// Cyrillic (Russian, Ukrainian, Belarusian and others).
    Cyrillic,
    /// Korean Hangul syllables or jamo.
    Hangul,
    /// Han ideographs (Chinese characters, Hanja, Kanji).
    Han,
    /// Japanese kana.
    Kana,
    /// Arabic script, including Persian and Urdu letters.
    Arabic,
    /// Greek.
    Greek,
    /// Armenian.
    Armenian,
    /// Georgian.
    Georgian,
    /// Hebrew.
    Hebrew,
    /// Thai.
    Thai,
    /// Any other script, or a mix of several.
    Other,
}

impl Script {
    /// The script of one character, or `None` for digits, punctuation, marks and spaces.
    ///
    /// Combining marks return `None` so that they stay attached to the run of their base letter.
    pub fn of_char(c: char) -> Option<Script> {
        if c.is_ascii() {
            return c.is_ascii_alphabetic().then_some(Script::Latin);
        }
        let s = match c as u32 {
            0x300..=0x36F => return None,
            0xC0..=0x24F | 0x1E00..=0x1EFF | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A => Script::Latin,
            0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
            0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
            0x530..=0x58F => Script::Armenian,
            0x590..=0x5FF => Script::Hebrew,
            0x64B..=0x65F | 0x670 => return None,
            0x600..=0x6FF | 0x750..=0x77F | 0x8A0..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
                Script::Arabic
            }
            0xE00..=0xE7F => Script::Thai,
            0x10A0..=0x10FF | 0x1C90..=0x1CBF | 0x2D00..=0x2D2F => Script::Georgian,
            0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7AF => Script::Hangul,
            0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => Script::Kana,
            0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F => Script::Han,
            _ if c.is_alphabetic() => Script::Other,
            _ => return None,
        };
        Some(s)
    }

    /// The distinct scripts of the letters of `s`, in [`Script`] order.
    ///
    /// A small sorted vector rather than a set keeps the output deterministic and cheap.
    pub fn all_in(s: &str) -> Vec<Script> {
        let mut seen = [false; 12];
        for c in s.chars() {
            if let Some(script) = Script::of_char(c) {
                seen[script as usize] = true;
            }
        }
        ALL.iter().copied().filter(|s| seen[*s as usize]).collect()
    }

    /// The dominant script of a string: the script of most of its letters.
    ///
    /// Returns `None` for a string without letters. Ties go to the script that sorts first, so
    /// the result is deterministic.
    pub fn detect(s: &str) -> Option<Script> {
        let mut counts = [0u32; 12];
        for c in s.chars() {
            if let Some(script) = Script::of_char(c) {
                counts[script as usize] += 1;
            }
        }
        let (best, n) = counts
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))?;
        if *n == 0 {
            return None;
        }
        Some(ALL[best])
    }

    /// The ISO 15924 code of the script (`Latn`, `Cyrl`, …); `Zyyy` for [`Script::Other`].
    pub fn iso15924(self) -> &'static str {
        match self {
            Script::Latin => "Latn",
            Script::Cyrillic => "Cyrl",
            Script::Hangul => "Hang",
            Script::Han => "Hani",
            Script::Kana => "Kana",
            Script::Arabic => "Arab",
            Script::Greek => "Grek",
            Script::Armenian => "Armn",
            Script::Georgian => "Geor",
            Script::Hebrew => "Hebr",
            Script::Thai => "Thai",
            Script::Other => "Zyyy",
        }
    }
}

const ALL: [Script; 12] = [
    Script::Latin,
    Script::Cyrillic,
    Script::Hangul,
    Script::Han,
    Script::Kana,
    Script::Arabic,
    Script::Greek,
    Script::Armenian,
    Script::Georgian,
    Script::Hebrew,
    Script::Thai,
    Script::Other,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Option<Script>) {
        assert_eq!(Script::detect(input), expected, "input {input:?}");
    }

    #[test]
    fn detects_scripts() {
        check("ASATRYAN, Gayk", Some(Script::Latin));
        check("Гайк Асатрян", Some(Script::Cyrillic));
        check("송금혁", Some(Script::Hangul));
        check("金雄善", Some(Script::Han));
        check("محمد", Some(Script::Arabic));
        check("Γιώργος", Some(Script::Greek));
        check("Գայկ", Some(Script::Armenian));
        check("გიორგი", Some(Script::Georgian));
        check("123 -", None);
        check("Müller", Some(Script::Latin));
    }
}
