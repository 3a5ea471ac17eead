//! Whole-pipeline tests of [`analyze`] on the examples the design must handle.

use super::*;

#[test]
fn analyses_cyrillic_names() {
    check(
        "Гайк Асатрян",
        NameKind::Person,
        &["BgnPcgn: gayk asatryan", "Icao9303: gaik asatrian"],
    );
    check(
        "Сергей Шойгу",
        NameKind::Person,
        &["BgnPcgn: sergey shoygu", "Icao9303: sergei shoigu"],
    );
    check(
        "Виталий Андреев",
        NameKind::Person,
        &[
            "BgnPcgn: vitaliy andreyev",
            "Icao9303: vitalii andreev",
            "CyrillicCommon: vitaly andreev",
        ],
    );
}

#[test]
fn analyses_korean_names() {
    check(
        "김정은",
        NameKind::Person,
        &[
            "Dprk: kim jong un",
            "Dprk+: kim jongun",
            "McCuneReischauer: kim chong un",
            "McCuneReischauer+: kim chongun",
            "RevisedRomanization: gim jeong eun",
            "RevisedRomanization+: gim jeongeun",
        ],
    );
    check(
        "리병철",
        NameKind::Person,
        &[
            "Dprk: ri pyong chol",
            "Dprk+: ri pyongchol",
            "RevisedRomanization: ri byeong cheol",
            "RevisedRomanization+: ri byeongcheol",
            "KoreanCommon: lee pyong chol",
            "KoreanCommon: yi pyong chol",
        ],
    );
}

#[test]
fn analyses_han_and_arabic_names() {
    check(
        "金雄善",
        NameKind::Person,
        &[
            "Pinyin: jin xiong shan",
            "Pinyin+: jin xiongshan",
            "HanjaKorean: kim ung son",
            "HanjaKorean+: kim ungson",
        ],
    );
    check(
        "محمد",
        NameKind::Person,
        &[
            "ArabicStandard: muhammad",
            "ArabicCommon: mohammed",
            "ArabicConsonants: mhmd",
        ],
    );
    check(
        "عبد الرحمن الترابي",
        NameKind::Person,
        &[
            "ArabicStandard: abd al rahman al trabi",
            "ArabicConsonants: abd al rhmn al trb",
        ],
    );
}

#[test]
fn assigns_roles() {
    check_roles(
        "ASATRYAN, Gayk",
        NameKind::Person,
        "asatryan:Family gayk:Given",
    );
    check_roles(
        "ASATRYAN Gayk",
        NameKind::Person,
        "asatryan:Family gayk:Given",
    );
    check_roles(
        "Gayk Asatryan",
        NameKind::Person,
        "gayk:Given asatryan:Family",
    );
    check_roles(
        "Сечин Игорь Иванович",
        NameKind::Person,
        "sechin:Family igor:Given ivanovich:Patronymic",
    );
    check_roles(
        "AL-TUHAMI, Khaled",
        NameKind::Person,
        "al:Particle tuhami:Family khaled:Given",
    );
    check_roles(
        "Dr. Haji Abu Bakr al-Baghdadi",
        NameKind::Person,
        "dr:Title haji:Title abu:Particle bakr:Given al:Particle baghdadi:Family",
    );
    check_roles(
        "KIM Jong Un",
        NameKind::Unknown,
        "kim:Family jong:Given un:Given",
    );
    check_roles(
        "Kim Jong Un",
        NameKind::Person,
        "kim:Family jong:Given un:Given",
    );
    check_roles(
        "John F. Kennedy",
        NameKind::Person,
        "john:Given f:Initial kennedy:Family",
    );
    check_roles(
        "KOREA SAENAL TRADING COMPANY",
        NameKind::Unknown,
        "korea:Unknown saenal:Unknown trading:OrgWord co:LegalForm",
    );
    check_roles(
        "LIMITED LIABILITY COMPANY SIGNATEK",
        NameKind::Organization,
        "llc:LegalForm signatek:Unknown",
    );
    check_roles(
        "ANGLO-CARIBBEAN CO., LTD.",
        NameKind::Unknown,
        "anglo:Unknown caribbean:Unknown coltd:LegalForm",
    );
    check_roles(
        "ООО Ромашка",
        NameKind::Organization,
        "llc:LegalForm romashka:Unknown",
    );
    check_roles(
        "삼성전자 주식회사",
        NameKind::Organization,
        "samsongjonja:Unknown coltd:LegalForm",
    );
    check_roles(
        "华为技术有限公司",
        NameKind::Organization,
        "hua:Unknown wei:Unknown ji:Unknown shu:Unknown coltd:LegalForm",
    );
}

#[test]
fn legal_forms_share_classes_across_spellings() {
    let form = |s: &str| {
        analyze(s, NameKind::Organization).variants[0]
            .tokens
            .iter()
            .find_map(|t| match t.role {
                Role::LegalForm(f) => Some(f),
                _ => None,
            })
    };
    assert_eq!(form("X LLC"), form("X Limited Liability Company"));
    assert_eq!(form("X LLC"), form("OOO X"));
    assert_eq!(
        form("X JSC").map(|f| f.class),
        form("AO X").map(|f| f.class)
    );
    assert_eq!(form("X PJSC"), form("PAO X"));
    assert_eq!(form("X Co., Ltd."), form("X Company Limited"));
    assert_eq!(
        form("X Corp").map(|f| f.class),
        form("X Company").map(|f| f.class)
    );
    assert_eq!(form("X Ltd"), form("X Limited"));
    assert_eq!(
        form("X 株式会社").map(|f| f.class),
        form("X JSC").map(|f| f.class)
    );
}

#[test]
fn dotted_and_spelled_out_legal_forms_read_as_their_abbreviation() {
    let form = |s: &str| {
        analyze(s, NameKind::Organization).variants[0]
            .tokens
            .iter()
            .find_map(|t| match t.role {
                Role::LegalForm(f) => Some(f.canonical),
                _ => None,
            })
    };
    for (long, short) in [
        ("O.O.O. Romashka", "OOO Romashka"),
        ("Acme G.m.b.H.", "Acme GmbH"),
        ("Acme G.M.B.H", "Acme GmbH"),
        ("Acme Gesellschaft mit beschränkter Haftung", "Acme GmbH"),
        ("Acme Gesellschaft mit beschraenkter Haftung", "Acme GmbH"),
        ("Acme Sociedad Anónima", "Acme SA"),
        ("Acme S.A.", "Acme SA"),
        ("Acme Société Anonyme", "Acme SA"),
        ("Acme Sociedad de Responsabilidad Limitada", "Acme SRL"),
        ("Acme Società a responsabilità limitata", "Acme SRL"),
        ("Acme Aktiengesellschaft", "Acme AG"),
        ("Zakrytoye Aktsionernoye Obshchestvo Acme", "ZAO Acme"),
        ("Otkrytoe Aktsionernoe Obshchestvo Acme", "OAO Acme"),
        ("Publichnoye Aktsionernoye Obshchestvo Acme", "PAO Acme"),
        ("Acme L.L.C.", "Acme LLC"),
    ] {
        assert!(form(short).is_some(), "{short} has no legal form");
        assert_eq!(form(long), form(short), "{long} vs {short}");
    }
}

#[test]
fn dotted_abbreviations_keep_their_letter_order() {
    check("K.G.B.", NameKind::Organization, &["Latin: kgb"]);
    check("K.G.B.", NameKind::Unknown, &["Latin: kgb"]);
    check("C.B.A. Company", NameKind::Unknown, &["Latin: cba co"]);
    check("A.B.C. Company", NameKind::Unknown, &["Latin: abc co"]);
    // In a person's name dotted letters are initials.
    check("J.R. Smith", NameKind::Person, &["Latin: j r smith"]);
    // A dot after a whole word or a lone initial is punctuation.
    check(
        "St. Petersburg Co.",
        NameKind::Organization,
        &["Latin: st petersburg co"],
    );
    check("A. Acme", NameKind::Organization, &["Latin: a acme"]);
}

#[test]
fn titles_and_offices_before_a_name_are_titles() {
    check_roles(
        "President Vladimir Putin",
        NameKind::Person,
        "president:Title vladimir:Given putin:Family",
    );
    check_roles(
        "Prime Minister John Smith",
        NameKind::Person,
        "prime:Title minister:Title john:Given smith:Family",
    );
    // A title word alone is the name.
    check_roles("Director", NameKind::Person, "director:Unknown");
}

#[test]
fn chinese_names_get_no_half_korean_reading() {
    // 建 and 军 have no Korean reading in the table: the name is read as Chinese only.
    check(
        "刘建军",
        NameKind::Person,
        &["Pinyin: liu jian jun", "Pinyin+: liu jianjun"],
    );
}

#[test]
fn keeps_hyphenated_and_joined_forms() {
    check(
        "SONG, Kum-hyok",
        NameKind::Person,
        &["Latin: song kum hyok", "Latin+: song kumhyok"],
    );
}

#[test]
fn never_empty_for_letters_and_empty_for_nothing() {
    assert!(analyze("", NameKind::Unknown).variants.is_empty());
    assert!(analyze(" ,.- ", NameKind::Unknown).variants.is_empty());
    check(
        "Αλέξης Τσίπρας",
        NameKind::Person,
        &["Elot743: alexis tsipras"],
    );
    check(
        "Գայկ Ասատրյան",
        NameKind::Person,
        &["ArmenianBgnPcgn: gayk asatryan"],
    );
    check("ミサイル", NameKind::Unknown, &["AnyAscii: misairu"]);
}

/// Formats variants as `Scheme[+]: tokens` (`+` for joined given names).
fn render(name: &AnalyzedName) -> Vec<String> {
    name.variants
        .iter()
        .map(|v| {
            let plus = if v.form == Form::JoinedGiven { "+" } else { "" };
            format!("{:?}{plus}: {}", v.scheme, v.texts().join(" "))
        })
        .collect()
}

fn check(input: &str, kind: NameKind, expected: &[&str]) {
    assert_eq!(render(&analyze(input, kind)), expected, "{input}");
}

fn check_roles(input: &str, kind: NameKind, expected: &str) {
    let name = analyze(input, kind);
    let got: Vec<String> = name.variants[0]
        .tokens
        .iter()
        .map(|t| {
            let role = match t.role {
                Role::LegalForm(_) => "LegalForm".to_owned(),
                r => format!("{r:?}"),
            };
            format!("{}:{role}", t.text)
        })
        .collect();
    assert_eq!(got.join(" "), expected, "{input}");
}

proptest::proptest! {
    #[test]
    fn analyze_never_panics_and_tokens_are_ascii(s in "\\PC{0,40}") {
        for kind in [NameKind::Person, NameKind::Organization, NameKind::Unknown] {
            let name = analyze(&s, kind);
            for v in &name.variants {
                proptest::prop_assert!(!v.tokens.is_empty());
                for t in &v.tokens {
                    proptest::prop_assert!(t.text.is_ascii() && !t.text.is_empty());
                    proptest::prop_assert!(t.skeleton.is_ascii());
                }
            }
        }
    }
}

#[test]
fn scheme_and_transform_names_are_their_serialised_form() {
    use Scheme as S;
    let schemes = [
        (S::Latin, "latin"),
        (S::Dprk, "dprk"),
        (S::McCuneReischauer, "mccune_reischauer"),
        (S::RevisedRomanization, "revised_romanization"),
        (S::KoreanCommon, "korean_common"),
        (S::BgnPcgn, "bgn_pcgn"),
        (S::Icao9303, "icao_9303"),
        (S::CyrillicCommon, "cyrillic_common"),
        (S::Pinyin, "pinyin"),
        (S::HanjaKorean, "hanja_korean"),
        (S::ArabicStandard, "arabic_standard"),
        (S::ArabicCommon, "arabic_common"),
        (S::ArabicConsonants, "arabic_consonants"),
        (S::Elot743, "elot_743"),
        (S::ArmenianBgnPcgn, "armenian_bgn_pcgn"),
        (S::GeorgianNational, "georgian_national"),
        (S::AnyAscii, "any_ascii"),
    ];
    for (s, name) in schemes {
        check_name(s.as_str(), &s.to_string(), serde_json::to_value(s), name);
    }
    use Transform as T;
    let transforms = [
        (T::Exact, "exact"),
        (T::LegalFormClass, "legal_form_class"),
        (T::Transliteration, "transliteration"),
        (T::JoinedSplit, "joined_split"),
        (T::Phonetic, "phonetic"),
        (T::Initial, "initial"),
        (T::EditDistance, "edit_distance"),
    ];
    for (t, name) in transforms {
        check_name(t.as_str(), &t.to_string(), serde_json::to_value(t), name);
    }
}

fn check_name(
    as_str: &str,
    shown: &str,
    serialised: serde_json::Result<serde_json::Value>,
    expected: &str,
) {
    assert_eq!(as_str, expected);
    assert_eq!(shown, expected);
    assert_eq!(
        serialised.ok(),
        Some(serde_json::Value::String(expected.to_owned()))
    );
}
