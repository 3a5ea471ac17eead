//! Greek (ELOT 743), Armenian (BGN/PCGN) and Georgian (national system of 2002).
//!
//! These alphabets map almost letter for letter, so each is a table plus the few contextual
//! rules that passports and lists follow: Greek digraphs (ου, αυ, ευ, μπ, ντ, γγ, γκ) and
//! Armenian word-initial ե and ո.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

fn is_greek(c: char) -> bool {
    matches!(c, '\u{370}'..='\u{3FF}' | '\u{1F00}'..='\u{1FFF}')
}

/// Romanises Greek with ELOT 743 (the Greek passport standard), accents dropped.
pub(crate) fn greek(text: &str, out: &mut String) {
    // Accents and diaeresis are combining marks after NFD; ELOT 743 ignores them.
    let chars: Vec<char> = text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let initial = i == 0 || !is_greek(chars[i - 1]);
        // Before a voiced sound αυ/ευ read av/ev, before a voiceless one af/ef.
        let voiceless_after = |j: usize| {
            chars.get(j).is_none_or(|c| {
                matches!(c, 'θ' | 'κ' | 'ξ' | 'π' | 'σ' | 'ς' | 'τ' | 'φ' | 'χ' | 'ψ')
                    || !is_greek(*c)
            })
        };
        let (s, used): (&str, usize) = match (c, next) {
            ('ο', Some('υ')) => ("ou", 2),
            ('α', Some('υ')) => (if voiceless_after(i + 2) { "af" } else { "av" }, 2),
            ('ε', Some('υ')) => (if voiceless_after(i + 2) { "ef" } else { "ev" }, 2),
            ('η', Some('υ')) => (if voiceless_after(i + 2) { "if" } else { "iv" }, 2),
            ('μ', Some('π')) => (if initial { "b" } else { "mp" }, 2),
            ('ν', Some('τ')) => (if initial { "d" } else { "nt" }, 2),
            ('γ', Some('γ')) => ("ng", 2),
            ('γ', Some('κ')) => (if initial { "g" } else { "gk" }, 2),
            ('γ', Some('ξ')) => ("nx", 2),
            ('γ', Some('χ')) => ("nch", 2),
            _ => (
                match c {
                    'α' => "a",
                    'β' => "v",
                    'γ' => "g",
                    'δ' => "d",
                    'ε' => "e",
                    'ζ' => "z",
                    'η' => "i",
                    'θ' => "th",
                    'ι' => "i",
                    'κ' => "k",
                    'λ' => "l",
                    'μ' => "m",
                    'ν' => "n",
                    'ξ' => "x",
                    'ο' => "o",
                    'π' => "p",
                    'ρ' => "r",
                    'σ' | 'ς' => "s",
                    'τ' => "t",
                    'υ' => "y",
                    'φ' => "f",
                    'χ' => "ch",
                    'ψ' => "ps",
                    'ω' => "o",
                    other if is_greek(other) => any_ascii::any_ascii_char(other),
                    other => {
                        out.push(other);
                        i += 1;
                        continue;
                    }
                },
                1,
            ),
        };
        out.push_str(s);
        i += used;
    }
}

fn is_armenian(c: char) -> bool {
    matches!(c, '\u{530}'..='\u{58F}')
}

/// Romanises Armenian with BGN/PCGN (1981), apostrophes for aspiration dropped.
pub(crate) fn armenian(text: &str, out: &mut String) {
    let chars: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let initial = i == 0 || !is_armenian(chars[i - 1]);
        if c == 'ո' && chars.get(i + 1) == Some(&'ւ') {
            out.push('u');
            i += 2;
            continue;
        }
        let s = match c {
            'ա' => "a",
            'բ' => "b",
            'գ' => "g",
            'դ' => "d",
            'ե' => {
                if initial {
                    "ye"
                } else {
                    "e"
                }
            }
            'զ' => "z",
            'է' => "e",
            'ը' => "y",
            'թ' => "t",
            'ժ' => "zh",
            'ի' => "i",
            'լ' => "l",
            'խ' => "kh",
            'ծ' => "ts",
            'կ' => "k",
            'հ' => "h",
            'ձ' => "dz",
            'ղ' => "gh",
            'ճ' => "ch",
            'մ' => "m",
            'յ' => "y",
            'ն' => "n",
            'շ' => "sh",
            'ո' => {
                if initial {
                    "vo"
                } else {
                    "o"
                }
            }
            'չ' => "ch",
            'պ' => "p",
            'ջ' => "j",
            'ռ' => "r",
            'ս' => "s",
            'վ' => "v",
            'տ' => "t",
            'ր' => "r",
            'ց' => "ts",
            'ւ' => "v",
            'փ' => "p",
            'ք' => "k",
            'օ' => "o",
            'ֆ' => "f",
            'և' => {
                if initial {
                    "yev"
                } else {
                    "ev"
                }
            }
            other if is_armenian(other) => any_ascii::any_ascii_char(other),
            other => {
                out.push(other);
                i += 1;
                continue;
            }
        };
        out.push_str(s);
        i += 1;
    }
}

/// Romanises Georgian with the national system of 2002 (used in Georgian passports).
pub(crate) fn georgian(text: &str, out: &mut String) {
    for c in text.chars() {
        let s = match c {
            'ა' => "a",
            'ბ' => "b",
            'გ' => "g",
            'დ' => "d",
            'ე' => "e",
            'ვ' => "v",
            'ზ' => "z",
            'თ' => "t",
            'ი' => "i",
            'კ' => "k",
            'ლ' => "l",
            'მ' => "m",
            'ნ' => "n",
            'ო' => "o",
            'პ' => "p",
            'ჟ' => "zh",
            'რ' => "r",
            'ს' => "s",
            'ტ' => "t",
            'უ' => "u",
            'ფ' => "p",
            'ქ' => "k",
            'ღ' => "gh",
            'ყ' => "q",
            'შ' => "sh",
            'ჩ' => "ch",
            'ც' => "ts",
            'ძ' => "dz",
            'წ' => "ts",
            'ჭ' => "ch",
            'ხ' => "kh",
            'ჯ' => "j",
            'ჰ' => "h",
            other if matches!(other, '\u{10A0}'..='\u{10FF}' | '\u{1C90}'..='\u{1CBF}' | '\u{2D00}'..='\u{2D2F}') => {
                any_ascii::any_ascii_char(other)
            }
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
    fn romanises_greek() {
        check(greek, "Αλέξης Τσίπρας", "alexis tsipras");
        check(greek, "Μπακογιάννη", "bakogianni");
        check(greek, "Ευάγγελος Βενιζέλος", "evangelos venizelos");
        check(greek, "Ευθύμιος", "efthymios");
        check(greek, "Γεώργιος Παπανδρέου", "georgios papandreou");
    }

    #[test]
    fn romanises_armenian() {
        check(armenian, "Գայկ Ասատրյան", "gayk asatryan");
        check(armenian, "Երևան", "yerevan");
        check(armenian, "Ոսկան", "voskan");
        check(armenian, "Սուրեն", "suren");
    }

    #[test]
    fn romanises_georgian() {
        check(georgian, "მიხეილ სააკაშვილი", "mikheil saakashvili");
        check(georgian, "ბიძინა ივანიშვილი", "bidzina ivanishvili");
    }

    fn check(f: fn(&str, &mut String), input: &str, expected: &str) {
        let mut out = String::new();
        f(input, &mut out);
        assert_eq!(out, expected, "{input}");
    }
}
