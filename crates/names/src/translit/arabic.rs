//! Arabic and Persian script: curated spellings for frequent names, a letter-by-letter reading
//! for the rest, and a vowel-insensitive consonant skeleton.
//!
//! Arabic is written without short vowels, so no table can recover `Muhammad` from `محمد`
//! letter by letter (any_ascii gives `mhmd`). Frequent names are therefore looked up whole in a
//! curated table giving a scholarly spelling (`muhammad`, `husayn`) and the spelling most common
//! on lists and in passports (`mohammed`, `hussein`). Other words get a reading with long vowels
//! only, and every word also gets a consonant skeleton that [`crate::consonant_key`] reproduces
//! from any Latin spelling, which is what the index blocks on.

/// Which spelling of a curated name to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// Scholarly spellings close to ALA-LC without diacritics: `muhammad`, `husayn`.
    Standard,
    /// The spelling most often seen on lists and documents: `mohammed`, `hussein`.
    Common,
}

/// Frequent names: Arabic-script form (after letter unification), standard and common spelling.
const CURATED: &[(&str, &str, &str)] = &[
    ("محمد", "muhammad", "mohammed"),
    ("احمد", "ahmad", "ahmed"),
    ("محمود", "mahmud", "mahmoud"),
    ("حسين", "husayn", "hussein"),
    ("حسن", "hasan", "hassan"),
    ("علي", "ali", "ali"),
    ("عمر", "umar", "omar"),
    ("عثمان", "uthman", "osman"),
    ("عبد", "abd", "abd"),
    ("الله", "allah", "allah"),
    ("عبدالله", "abdullah", "abdallah"),
    ("يوسف", "yusuf", "youssef"),
    ("ابراهيم", "ibrahim", "ebrahim"),
    ("اسماعيل", "ismail", "esmail"),
    ("خالد", "khalid", "khaled"),
    ("سعيد", "said", "saeed"),
    ("صالح", "salih", "saleh"),
    ("مصطفى", "mustafa", "mostafa"),
    ("فاطمه", "fatima", "fatemeh"),
    ("زينب", "zaynab", "zeinab"),
    ("مريم", "maryam", "maryam"),
    ("عايشه", "aisha", "aisha"),
    ("جمال", "jamal", "jamal"),
    ("كمال", "kamal", "kamal"),
    ("ناصر", "nasir", "nasser"),
    ("منصور", "mansur", "mansour"),
    ("سليمان", "sulayman", "suleiman"),
    ("موسي", "musa", "mousa"),
    ("عيسي", "isa", "issa"),
    ("يحيي", "yahya", "yahya"),
    ("طارق", "tariq", "tarek"),
    ("رضا", "rida", "reza"),
    ("جعفر", "jafar", "jafar"),
    ("قاسم", "qasim", "qassem"),
    ("مهدي", "mahdi", "mehdi"),
    ("جواد", "jawad", "javad"),
    ("حميد", "hamid", "hamid"),
    ("محسن", "muhsin", "mohsen"),
    ("اكبر", "akbar", "akbar"),
    ("اصغر", "asghar", "asghar"),
    ("حيدر", "haydar", "heidar"),
    ("امير", "amir", "amir"),
    ("غلام", "ghulam", "gholam"),
    ("نصر", "nasr", "nasr"),
    ("عباس", "abbas", "abbas"),
    ("عزيز", "aziz", "aziz"),
    ("كريم", "karim", "karim"),
    ("رحمن", "rahman", "rahman"),
    ("رحيم", "rahim", "rahim"),
    ("سيد", "sayyid", "sayed"),
    ("بن", "bin", "bin"),
    ("ابن", "ibn", "ibn"),
    ("بنت", "bint", "bint"),
    ("ابو", "abu", "abu"),
    ("اسامه", "usama", "osama"),
    ("بكر", "bakr", "bakr"),
    ("زيد", "zayd", "zaid"),
    ("حمزه", "hamza", "hamza"),
    ("عمار", "ammar", "ammar"),
    ("ياسر", "yasir", "yasser"),
    ("وليد", "walid", "walid"),
    ("شريف", "sharif", "sherif"),
    ("حسام", "husam", "hussam"),
    ("هادي", "hadi", "hadi"),
    ("مجيد", "majid", "majid"),
    ("سلمان", "salman", "salman"),
    ("فيصل", "faysal", "faisal"),
    ("سلطان", "sultan", "sultan"),
    ("خليل", "khalil", "khalil"),
    ("نور", "nur", "nour"),
    ("جلال", "jalal", "jalal"),
    ("صادق", "sadiq", "sadegh"),
    ("كاظم", "kazim", "kazem"),
    ("باقر", "baqir", "bagher"),
    ("هاشم", "hashim", "hashem"),
    ("قادر", "qadir", "ghader"),
    ("عادل", "adil", "adel"),
    ("فواد", "fuad", "fouad"),
    ("رشيد", "rashid", "rachid"),
    ("سمير", "samir", "samir"),
    ("بشار", "bashar", "bashar"),
    ("نعيم", "naim", "naeem"),
    ("الدين", "al din", "al din"),
];

/// Unifies letter forms that spell the same name: Persian ye and kaf, alif with hamza or madda,
/// alif maqsura, ta marbuta and hamza seats, and drops tatweel and vowel marks.
fn unify(word: &str) -> String {
    word.chars()
        .filter_map(|c| match c {
            'ی' | 'ي' | 'ى' | 'ئ' => Some('ي'),
            'ک' | 'ك' => Some('ك'),
            'أ' | 'إ' | 'آ' | 'ٱ' => Some('ا'),
            'ة' | 'ۀ' | 'ه' => Some('ه'),
            'ؤ' => Some('و'),
            'ـ' | '\u{64B}'..='\u{65F}' | '\u{670}' => None,
            c => Some(c),
        })
        .map(|c| if c == 'ى' { 'ي' } else { c })
        .collect()
}

fn curated(word: &str, style: Style) -> Option<&'static str> {
    CURATED
        .iter()
        .find(|(a, _, _)| *a == word)
        .map(|(_, s, c)| match style {
            Style::Standard => *s,
            Style::Common => *c,
        })
}

/// Reads one unified word letter by letter, with long vowels only.
fn read(word: &str, out: &mut String) {
    let chars: Vec<char> = word.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let initial = i == 0;
        let s = match c {
            'ا' => "a",
            'ء' => "",
            'ب' => "b",
            'ت' => "t",
            'ث' => "th",
            'ج' => "j",
            'ح' => "h",
            'خ' => "kh",
            'د' => "d",
            'ذ' => "dh",
            'ر' => "r",
            'ز' => "z",
            'س' => "s",
            'ش' => "sh",
            'ص' => "s",
            'ض' => "d",
            'ط' => "t",
            'ظ' => "z",
            'ع' => {
                if initial {
                    "a"
                } else {
                    ""
                }
            }
            'غ' => "gh",
            'ف' => "f",
            'ق' => "q",
            'ك' => "k",
            'ل' => "l",
            'م' => "m",
            'ن' => "n",
            'ه' => {
                if i + 1 == chars.len() && i > 0 {
                    "a"
                } else {
                    "h"
                }
            }
            'و' => {
                if initial {
                    "w"
                } else {
                    "u"
                }
            }
            'ي' => {
                if initial {
                    "y"
                } else {
                    "i"
                }
            }
            'پ' => "p",
            'چ' => "ch",
            'ژ' => "zh",
            'گ' => "g",
            other => {
                out.push_str(any_ascii::any_ascii_char(other));
                continue;
            }
        };
        out.push_str(s);
    }
}

/// Splits a unified word into the article `ال` and the rest, and `عبدال…` into `عبد`, `ال` and
/// the rest, so that `عبدالرحمن` reads as `abd al rahman` like the lists print it.
fn parts(word: &str) -> Vec<&str> {
    if curated_any(word) {
        return vec![word];
    }
    if let Some(rest) = word.strip_prefix("عبدال")
        && rest.chars().count() >= 2
    {
        return vec!["عبد", "ال", rest];
    }
    if let Some(rest) = word.strip_prefix("ال")
        && rest.chars().count() >= 2
    {
        return vec!["ال", rest];
    }
    vec![word]
}

fn curated_any(word: &str) -> bool {
    CURATED.iter().any(|(a, _, _)| *a == word)
}

/// Romanises Arabic-script text in the given style; other characters pass through.
pub(crate) fn romanize(text: &str, style: Style, out: &mut String) {
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let unified = unify(word);
        for (j, part) in parts(&unified).into_iter().enumerate() {
            if j > 0 {
                out.push(' ');
            }
            if part == "ال" {
                out.push_str("al");
            } else if let Some(s) = curated(part, style) {
                out.push_str(s);
            } else {
                read(part, out);
            }
        }
    }
}

/// The consonant skeleton of Arabic-script text, word by word, comparable with
/// [`crate::consonant_key`] of a Latin spelling.
pub(crate) fn consonants(text: &str, out: &mut String) {
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let unified = unify(word);
        for (j, part) in parts(&unified).into_iter().enumerate() {
            if j > 0 {
                out.push(' ');
            }
            if part == "ال" {
                out.push_str("al");
                continue;
            }
            let chars: Vec<char> = part.chars().collect();
            let mut last = '\0';
            for (k, &c) in chars.iter().enumerate() {
                let initial = k == 0;
                let key = match c {
                    'ا' | 'ع' if initial => 'a',
                    'و' if initial => 'w',
                    'ي' if initial => 'y',
                    'ا' | 'ع' | 'و' | 'ي' | 'ء' => continue,
                    'ه' if k + 1 == chars.len() && k > 0 => continue,
                    'ب' => 'b',
                    'ت' | 'ث' | 'ط' => 't',
                    'ج' => 'j',
                    'ح' | 'خ' | 'ه' => 'h',
                    'د' | 'ذ' | 'ض' => 'd',
                    'ر' => 'r',
                    'ز' | 'ظ' | 'ژ' => 'z',
                    'س' | 'ش' | 'ص' => 's',
                    'غ' | 'گ' => 'g',
                    'ف' => 'f',
                    'ق' | 'ك' => 'k',
                    'ل' => 'l',
                    'م' => 'm',
                    'ن' => 'n',
                    'پ' => 'p',
                    'چ' => 'c',
                    _ => continue,
                };
                if key != last {
                    out.push(key);
                }
                last = key;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn romanises_curated_and_read_names() {
        check("محمد", Style::Standard, "muhammad");
        check("محمد", Style::Common, "mohammed");
        check("أحمد حسين", Style::Common, "ahmed hussein");
        check("عبدالرحمن", Style::Standard, "abd al rahman");
        check("عبد الله", Style::Standard, "abd allah");
        check("الترابي", Style::Standard, "al trabi");
        check("علی", Style::Standard, "ali");
        check("فاطمة", Style::Common, "fatemeh");
        check("وليد", Style::Standard, "walid");
    }

    #[test]
    fn builds_consonant_skeletons() {
        check_key("محمد", "mhmd");
        check_key("أحمد", "ahmd");
        check_key("عمر", "amr");
        check_key("يوسف", "ysf");
        check_key("الترابي", "al trb");
        check_key("فاطمة", "ftm");
    }

    fn check(input: &str, style: Style, expected: &str) {
        let mut out = String::new();
        romanize(input, style, &mut out);
        assert_eq!(out, expected, "{input} {style:?}");
    }

    fn check_key(input: &str, expected: &str) {
        let mut out = String::new();
        consonants(input, &mut out);
        assert_eq!(out, expected, "{input}");
    }
}
