//! Writing-system detection.
//!
//! The transliteration layer picks its rules per script, so every character of a name is first
//! classified by [`Script::of_char`]. The type is the model's, so that a name's script means the
//! same thing in the entity model, in name analysis and in explanations.

pub use model::Script;

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
