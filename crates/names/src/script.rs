//! Writing-system detection.
//!
//! The transliteration layer picks its rules per script, so every character of a name is first
//! classified here. The classification mirrors `model::Script`; it is duplicated rather than
//! imported so that `names` builds on its own while the model crate evolves, and a later change
//! can swap one for the other without touching callers.

/// The writing system of a name or a run of characters, as far as screening cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    /// Any other script.
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
}

/// Every script in declaration order, indexed by discriminant.
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

    #[test]
    fn scripts_of_examples() {
        check("Gayk Asatryan", &[Script::Latin]);
        check("Гайк Асатрян", &[Script::Cyrillic]);
        check("김정은", &[Script::Hangul]);
        check("金雄善", &[Script::Han]);
        check("محمد", &[Script::Arabic]);
        check("Korea 새날 1", &[Script::Latin, Script::Hangul]);
        check("123 - ,", &[]);
    }

    fn check(input: &str, expected: &[Script]) {
        assert_eq!(Script::all_in(input), expected, "{input}");
    }
}
