//! Cyrillic romanisation: BGN/PCGN, ICAO 9303 passport style and a common press style.
//!
//! Lists mix all three: OFAC mostly prints BGN-like spellings (`Shoygu`, `Andreyev`), passports
//! give `Shoigu`, `Andreev`, `Vitalii`, and the press writes `Vitaly`, `Dmitry`. Emitting all three
//! per name lets the index hit whichever the list used; the Latin skeleton collapses the rest.
//! Ukrainian and Belarusian are detected from their own letters (і ї є ґ ў) and romanised with
//! `h` for г, as their national systems and passports do.

use crate::Scheme;

/// The romanisation systems this module implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum System {
    /// BGN/PCGN (diacritics dropped): `Gayk`, `Andreyev`, `Vitaliy`.
    Bgn,
    /// ICAO Doc 9303 (machine-readable passports): `Gaik`, `Andreev`, `Vitalii`.
    Icao,
    /// Common English press style: `Vitaly`, `Andreev`, `Pyotr`.
    Common,
}

impl System {
    /// Every system, in the order variants are emitted.
    pub(crate) const ALL: [System; 3] = [System::Bgn, System::Icao, System::Common];

    pub(crate) fn scheme(self) -> Scheme {
        match self {
            System::Bgn => Scheme::BgnPcgn,
            System::Icao => Scheme::Icao9303,
            System::Common => Scheme::CyrillicCommon,
        }
    }
}

/// The Cyrillic orthography a text is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    Russian,
    Ukrainian,
    Belarusian,
}

/// Guesses the orthography from letters only one language uses.
pub(crate) fn detect(text: &str) -> Lang {
    let mut has_i = false;
    let mut has_russian_i = false;
    for c in text.chars() {
        match c {
            'ў' | 'Ў' => return Lang::Belarusian,
            'ї' | 'Ї' | 'є' | 'Є' | 'ґ' | 'Ґ' => return Lang::Ukrainian,
            'і' | 'І' => has_i = true,
            'и' | 'И' | 'щ' | 'Щ' | 'ъ' | 'Ъ' => has_russian_i = true,
            _ => {}
        }
    }
    match (has_i, has_russian_i) {
        (true, true) => Lang::Ukrainian,
        (true, false) => Lang::Belarusian,
        _ => Lang::Russian,
    }
}

fn is_cyrillic_letter(c: char) -> bool {
    matches!(c, '\u{400}'..='\u{52F}')
}

fn is_vowel_or_sign(c: char) -> bool {
    matches!(
        c,
        'а' | 'е'
            | 'ё'
            | 'и'
            | 'о'
            | 'у'
            | 'ы'
            | 'э'
            | 'ю'
            | 'я'
            | 'і'
            | 'ї'
            | 'є'
            | 'ъ'
            | 'ь'
            | 'й'
    )
}

/// Romanises Cyrillic text; other characters pass through unchanged (lowercased).
pub(crate) fn romanize(text: &str, lang: Lang, system: System, out: &mut String) {
    let chars: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let initial = !prev.is_some_and(is_cyrillic_letter);
        let after_vowel = prev.is_some_and(is_vowel_or_sign);
        let word_end = !next.is_some_and(is_cyrillic_letter);
        let s: &str = match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => match lang {
                Lang::Russian => "g",
                Lang::Ukrainian | Lang::Belarusian if system == System::Common => "g",
                _ => "h",
            },
            'ґ' => "g",
            'д' => "d",
            'е' => match (lang, system) {
                (Lang::Ukrainian, System::Common) | (Lang::Ukrainian, System::Bgn) => "e",
                (Lang::Ukrainian, System::Icao) => "e",
                (_, System::Bgn) if initial || after_vowel => "ye",
                (_, System::Common) if initial || matches!(prev, Some('ь' | 'ъ')) => "ye",
                (Lang::Belarusian, System::Icao) if initial || after_vowel => "ie",
                _ => "e",
            },
            'ё' => match system {
                System::Icao => "e",
                System::Bgn if initial || after_vowel => "ye",
                System::Bgn => "e",
                System::Common if matches!(prev, Some('ж' | 'ч' | 'ш' | 'щ')) => "o",
                System::Common => "yo",
            },
            'є' => match system {
                System::Icao if !initial => "ie",
                _ => "ye",
            },
            'ж' => "zh",
            'з' => "z",
            'и' => match lang {
                Lang::Ukrainian if system != System::Common => "y",
                _ => match (system, next) {
                    (System::Common, Some('й'))
                        if chars.get(i + 2).is_none_or(|c| !is_cyrillic_letter(*c)) =>
                    {
                        // The press writes a final -ий as -y: Vitaly, Dmitry, Yury.
                        "y"
                    }
                    _ => "i",
                },
            },
            'і' => "i",
            'ї' => match system {
                System::Icao if !initial => "i",
                _ => "yi",
            },
            'й' => match system {
                System::Icao if !(lang == Lang::Ukrainian && initial) => "i",
                System::Common if word_end && matches!(prev, Some('и' | 'ы')) => "",
                _ => "y",
            },
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ў' => match system {
                System::Icao => "u",
                _ => "w",
            },
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' => match system {
                System::Icao => "ie",
                _ => "",
            },
            'ы' => "y",
            'ь' => "",
            'э' => "e",
            'ю' => match system {
                System::Icao if !(initial && lang == Lang::Ukrainian) => "iu",
                _ => "yu",
            },
            'я' => match system {
                System::Icao if !(initial && lang == Lang::Ukrainian) => "ia",
                _ => "ya",
            },
            other if is_cyrillic_letter(other) => any_ascii::any_ascii_char(other),
            other => {
                out.push(other);
                continue;
            }
        };
        out.push_str(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn romanises_russian() {
        check("Гайк Асатрян", System::Bgn, "gayk asatryan");
        check("Гайк Асатрян", System::Icao, "gaik asatrian");
        check("Гайк Асатрян", System::Common, "gayk asatryan");
        check("Сергей Шойгу", System::Bgn, "sergey shoygu");
        check("Сергей Шойгу", System::Icao, "sergei shoigu");
        check("Виталий Андреев", System::Bgn, "vitaliy andreyev");
        check("Виталий Андреев", System::Icao, "vitalii andreev");
        check("Виталий Андреев", System::Common, "vitaly andreev");
        check("Евгений Витальевич", System::Bgn, "yevgeniy vitalyevich");
        check("Евгений Витальевич", System::Common, "yevgeny vitalyevich");
        check("Пётр Фёдоров", System::Common, "pyotr fyodorov");
        check("Пётр", System::Bgn, "petr");
        check("Хрущёв", System::Common, "khrushchov");
        check("Мария Васильевна", System::Bgn, "mariya vasilyevna");
        check("Мария Васильевна", System::Icao, "mariia vasilevna");
        check("ООО", System::Bgn, "ooo");
        check("Соловьёв-Седой", System::Bgn, "solovyev-sedoy");
    }

    #[test]
    fn romanises_ukrainian_and_belarusian() {
        check("Андрій Гончаренко", System::Bgn, "andriy honcharenko");
        check("Андрій Гончаренко", System::Icao, "andrii honcharenko");
        check("Андрій Гончаренко", System::Common, "andriy goncharenko");
        check("Юлія Євгенівна", System::Icao, "yuliia yevhenivna");
        check(
            "Лукашэнка Аляксандр Рыгоравіч",
            System::Bgn,
            "lukashenka alyaksandr ryhoravich",
        );
        check("Ўладзімір", System::Bgn, "wladzimir");
    }

    fn check(input: &str, system: System, expected: &str) {
        let mut out = String::new();
        romanize(input, detect(input), system, &mut out);
        assert_eq!(out, expected, "{input} {system:?}");
    }
}
