//! A deterministic generator of synthetic listed entities, for benchmarks at scale
//! (`interdict bench`, the 1,000,000-entity index target).
//!
//! Names mix origins and scripts roughly as sanctions lists do: Korean (DPRK romanisation and
//! Hangul), Russian (BGN/PCGN, passport spellings and Cyrillic), Arabic and Persian (Latin
//! variants and Arabic script), Chinese (pinyin and Han), Turkish, Spanish and English persons,
//! and organisations built from place, sector and generic words with a legal form. About half
//! the entities carry aliases: another romanisation, the name in its own script, a reordering or
//! a former company name. Persons get birth dates and nationalities.
//!
//! The generator uses its own SplitMix64 stream, so the same `(n, seed)` gives the same
//! entities on every platform and every version of the standard library.

use model::{Entity, EntityId, FuzzyDate, Name, NameKind, PartialDate, Schema, SourceKind};

/// SplitMix64: tiny, fast and fully specified, which is what a reproducible benchmark needs.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const KO_FAMILY: &[(&str, &str)] = &[
    ("KIM", "김"),
    ("RI", "리"),
    ("PAK", "박"),
    ("CHOE", "최"),
    ("JONG", "정"),
    ("KANG", "강"),
    ("CHO", "조"),
    ("YUN", "윤"),
    ("JANG", "장"),
    ("RIM", "림"),
    ("HAN", "한"),
    ("O", "오"),
    ("SO", "서"),
    ("SIN", "신"),
    ("KWON", "권"),
    ("HWANG", "황"),
    ("AN", "안"),
    ("SONG", "송"),
    ("JON", "전"),
    ("HONG", "홍"),
    ("KO", "고"),
    ("MUN", "문"),
    ("YANG", "양"),
    ("SON", "손"),
];
const KO_SYLL: &[(&str, &str)] = &[
    ("Chol", "철"),
    ("Kum", "금"),
    ("Hyok", "혁"),
    ("Song", "성"),
    ("Il", "일"),
    ("Yong", "용"),
    ("Nam", "남"),
    ("Ho", "호"),
    ("Su", "수"),
    ("Myong", "명"),
    ("Kwang", "광"),
    ("Jin", "진"),
    ("Hui", "희"),
    ("Ok", "옥"),
    ("Chun", "춘"),
    ("Sok", "석"),
    ("Hak", "학"),
    ("Man", "만"),
    ("Thae", "태"),
    ("Ryong", "룡"),
    ("Un", "은"),
    ("Hyon", "현"),
    ("Jun", "준"),
    ("Sun", "순"),
];
const RU_FAMILY: &[(&str, &str)] = &[
    ("IVANOV", "Иванов"),
    ("PETROV", "Петров"),
    ("SIDOROV", "Сидоров"),
    ("KUZNETSOV", "Кузнецов"),
    ("SMIRNOV", "Смирнов"),
    ("POPOV", "Попов"),
    ("VOLKOV", "Волков"),
    ("SOKOLOV", "Соколов"),
    ("LEBEDEV", "Лебедев"),
    ("KOZLOV", "Козлов"),
    ("NOVIKOV", "Новиков"),
    ("MOROZOV", "Морозов"),
    ("ANDREYEV", "Андреев"),
    ("ALEKSEYEV", "Алексеев"),
    ("YAKOVLEV", "Яковлев"),
    ("ZAKHAROV", "Захаров"),
    ("ORLOV", "Орлов"),
    ("MAKAROV", "Макаров"),
    ("NIKITIN", "Никитин"),
    ("ZAYTSEV", "Зайцев"),
    ("SOLOVYEV", "Соловьев"),
    ("BELYAYEV", "Беляев"),
    ("TARASOV", "Тарасов"),
    ("KHODOTOV", "Ходотов"),
];
const RU_GIVEN: &[(&str, &str)] = &[
    ("Sergey", "Сергей"),
    ("Aleksandr", "Александр"),
    ("Dmitriy", "Дмитрий"),
    ("Andrey", "Андрей"),
    ("Aleksey", "Алексей"),
    ("Vladimir", "Владимир"),
    ("Yevgeniy", "Евгений"),
    ("Igor", "Игорь"),
    ("Mikhail", "Михаил"),
    ("Nikolay", "Николай"),
    ("Yuriy", "Юрий"),
    ("Vitaliy", "Виталий"),
    ("Oleg", "Олег"),
    ("Pavel", "Павел"),
    ("Viktor", "Виктор"),
    ("Anatoliy", "Анатолий"),
];
const RU_PATRONYMIC: &[&str] = &[
    "Ivanovich",
    "Sergeyevich",
    "Aleksandrovich",
    "Vladimirovich",
    "Nikolayevich",
    "Petrovich",
    "Mikhaylovich",
    "Yuryevich",
    "Viktorovich",
    "Olegovich",
];
const AR_GIVEN: &[(&str, &str)] = &[
    ("Muhammad", "محمد"),
    ("Ahmad", "أحمد"),
    ("Ali", "علي"),
    ("Hasan", "حسن"),
    ("Husayn", "حسين"),
    ("Mahmud", "محمود"),
    ("Abdullah", "عبدالله"),
    ("Umar", "عمر"),
    ("Khalid", "خالد"),
    ("Yusuf", "يوسف"),
    ("Ibrahim", "إبراهيم"),
    ("Mustafa", "مصطفى"),
    ("Said", "سعيد"),
    ("Hamid", "حميد"),
    ("Karim", "كريم"),
    ("Salim", "سليم"),
];
const AR_FAMILY: &[&str] = &[
    "AL-TAMIMI",
    "AL-HASHIMI",
    "AL-QAHTANI",
    "AL-ZAHRANI",
    "AL-SHAMMARI",
    "AL-DULAYMI",
    "AL-JABURI",
    "AL-HUSAYNI",
    "AL-KUBAYSI",
    "AL-ANBARI",
    "HAMDAN",
    "NASRALLAH",
    "HADDAD",
    "KHALIL",
    "SALEH",
    "MANSUR",
    "AL-MASRI",
    "AL-BAGHDADI",
    "AL-YEMENI",
    "QASIM",
];
const FA_FAMILY: &[&str] = &[
    "HOSSEINI",
    "MOHAMMADI",
    "REZAEI",
    "AHMADI",
    "KARIMI",
    "MORADI",
    "JAFARI",
    "RAHIMI",
    "SOLEIMANI",
    "NAJAFI",
    "SADEGHI",
    "GHASEMI",
    "HASHEMI",
    "TEHRANI",
    "SHIRAZI",
    "ESFAHANI",
];
const FA_GIVEN: &[&str] = &[
    "Reza", "Mohammad", "Hossein", "Ali", "Mehdi", "Hamid", "Saeed", "Majid", "Abbas", "Javad",
    "Mahmoud", "Qasem",
];
const ZH_FAMILY: &[(&str, &str)] = &[
    ("WANG", "王"),
    ("LI", "李"),
    ("ZHANG", "张"),
    ("LIU", "刘"),
    ("CHEN", "陈"),
    ("YANG", "杨"),
    ("HUANG", "黄"),
    ("ZHAO", "赵"),
    ("WU", "吴"),
    ("ZHOU", "周"),
    ("XU", "徐"),
    ("SUN", "孙"),
];
const ZH_GIVEN: &[(&str, &str)] = &[
    ("Wei", "伟"),
    ("Fang", "芳"),
    ("Min", "敏"),
    ("Jing", "静"),
    ("Qiang", "强"),
    ("Lei", "磊"),
    ("Jun", "军"),
    ("Yong", "勇"),
    ("Jie", "杰"),
    ("Tao", "涛"),
    ("Ming", "明"),
    ("Chao", "超"),
];
const WEST_GIVEN: &[&str] = &[
    "John", "Michael", "David", "James", "Robert", "Maria", "Carlos", "Jose", "Juan", "Luis",
    "Ana", "Mehmet", "Ahmet", "Mustafa", "Ayse", "Emre", "Peter", "Thomas", "Daniel", "Paul",
];
const WEST_FAMILY: &[&str] = &[
    "SMITH",
    "JOHNSON",
    "BROWN",
    "WILLIAMS",
    "GARCIA",
    "MARTINEZ",
    "RODRIGUEZ",
    "LOPEZ",
    "GONZALEZ",
    "HERNANDEZ",
    "YILMAZ",
    "KAYA",
    "DEMIR",
    "CELIK",
    "SAHIN",
    "TAYLOR",
    "WILSON",
    "MOORE",
    "SANCHEZ",
    "RAMIREZ",
];
const ORG_FIRST: &[&str] = &[
    "KOREA",
    "PYONGYANG",
    "GOLDEN",
    "GLOBAL",
    "EASTERN",
    "NORTHERN",
    "OCEAN",
    "SILVER",
    "UNITED",
    "ROS",
    "TECHNO",
    "NEFTE",
    "PARS",
    "GULF",
    "ORIENT",
    "PACIFIC",
    "CASPIAN",
    "ANKA",
    "SUNRISE",
    "RED STAR",
    "GREEN",
    "DRAGON",
    "PHOENIX",
    "ATLAS",
];
const ORG_SECOND: &[&str] = &[
    "SAENAL",
    "SONGKWANG",
    "STAR",
    "HORIZON",
    "PROM",
    "GAZ",
    "EXPORT",
    "PETRO",
    "MARINE",
    "STEEL",
    "LINK",
    "BRIDGE",
    "WAVE",
    "VISION",
    "CAPITAL",
    "ENERGY",
    "AGRO",
    "CHEM",
    "TEK",
    "LINE",
    "FIELD",
    "STONE",
    "PORT",
    "RIVER",
];
const ORG_SECTOR: &[&str] = &[
    "TRADING",
    "SHIPPING",
    "INDUSTRIAL",
    "INVESTMENT",
    "TECHNOLOGY",
    "LOGISTICS",
    "MINING",
    "ELECTRONICS",
    "BANK",
    "INSURANCE",
    "CONSTRUCTION",
    "PETROLEUM",
    "GENERAL TRADING",
];
const LEGAL: &[&str] = &[
    "LLC",
    "LTD",
    "CO., LTD.",
    "CORPORATION",
    "JSC",
    "OOO",
    "AO",
    "GMBH",
    "FZE",
    "COMPANY",
    "LIMITED",
    "INC",
];

/// Generates `n` synthetic entities from `seed`; the same arguments give the same entities.
///
/// Ids are `os:syn-<n>`; about 70 % are persons and 30 % organisations.
pub fn entities(n: usize, seed: u64) -> Vec<Entity> {
    let mut rng = Rng(seed ^ 0x005E_ED0F_1DE5);
    (0..n).map(|i| entity(i, &mut rng)).collect()
}

fn entity(i: usize, rng: &mut Rng) -> Entity {
    let id = EntityId::new(SourceKind::OpenSanctions, &format!("syn-{i}"))
        .unwrap_or_else(|_| unreachable_id());
    let person = rng.chance(70);
    let mut e = Entity::new(
        id,
        if person {
            Schema::Person
        } else {
            Schema::Organization
        },
    );
    let names: Vec<(String, NameKind)> = if person {
        person_names(rng, &mut e)
    } else {
        org_names(rng)
    };
    for (n, k) in names {
        e.add_name(Name::new(n, k));
    }
    e
}

/// A fallback id; `syn-<n>` is always a valid local id, so this is never reached.
fn unreachable_id() -> EntityId {
    EntityId::new(SourceKind::OpenSanctions, "syn").unwrap_or_else(|_| unreachable_id())
}

fn person_names(rng: &mut Rng, e: &mut Entity) -> Vec<(String, NameKind)> {
    let year = 1940 + rng.below(60) as i32;
    let month = 1 + rng.below(12) as u8;
    let day = 1 + rng.below(28) as u8;
    if let Some(d) = PartialDate::new(year, Some(month), Some(day)) {
        let d = if rng.chance(30) {
            PartialDate::year(year)
        } else {
            d
        };
        e.birth_dates.push(FuzzyDate::exact(d));
    }
    let mut out = Vec::new();
    let alias = rng.chance(50);
    match rng.below(8) {
        0 | 1 => {
            let (f, fh) = KO_FAMILY[rng.below(KO_FAMILY.len())];
            let (a, ah) = KO_SYLL[rng.below(KO_SYLL.len())];
            let (b, bh) = KO_SYLL[rng.below(KO_SYLL.len())];
            e.nationalities.push("kp".into());
            out.push((format!("{f}, {a} {}", b), NameKind::Primary));
            if alias {
                out.push((format!("{f}, {a}-{}", b.to_lowercase()), NameKind::Alias));
                out.push((format!("{fh}{ah}{bh}"), NameKind::Alias));
            }
        }
        2 | 3 => {
            let (f, fc) = RU_FAMILY[rng.below(RU_FAMILY.len())];
            let (g, gc) = RU_GIVEN[rng.below(RU_GIVEN.len())];
            let p = rng.pick(RU_PATRONYMIC);
            e.nationalities.push("ru".into());
            out.push((format!("{f}, {g} {p}"), NameKind::Primary));
            if alias {
                out.push((format!("{gc} {fc}"), NameKind::Alias));
                out.push((
                    format!("{} {}", g.replace("iy", "y"), f.replace("YEV", "EV")),
                    NameKind::Alias,
                ));
            }
        }
        4 => {
            let (g, gar) = AR_GIVEN[rng.below(AR_GIVEN.len())];
            let (g2, _) = AR_GIVEN[rng.below(AR_GIVEN.len())];
            let f = rng.pick(AR_FAMILY);
            e.nationalities
                .push(rng.pick(&["iq", "sy", "ye", "lb", "sa"]).into());
            out.push((format!("{f}, {g} {g2}"), NameKind::Primary));
            if alias {
                out.push((format!("{gar} {}", f.to_lowercase()), NameKind::Alias));
                out.push((format!("Abu {g2}"), NameKind::WeakAlias));
            }
        }
        5 => {
            let g = rng.pick(FA_GIVEN);
            let f = rng.pick(FA_FAMILY);
            e.nationalities.push("ir".into());
            out.push((format!("{f}, {g}"), NameKind::Primary));
            if alias {
                out.push((format!("{g} {}", f.replace("EI", "I")), NameKind::Alias));
            }
        }
        6 => {
            let (f, fh) = ZH_FAMILY[rng.below(ZH_FAMILY.len())];
            let (a, ah) = ZH_GIVEN[rng.below(ZH_GIVEN.len())];
            let (b, bh) = ZH_GIVEN[rng.below(ZH_GIVEN.len())];
            e.nationalities.push("cn".into());
            out.push((format!("{f}, {a}{}", b.to_lowercase()), NameKind::Primary));
            if alias {
                out.push((format!("{fh}{ah}{bh}"), NameKind::Alias));
            }
        }
        _ => {
            let g = rng.pick(WEST_GIVEN);
            let g2 = rng.pick(WEST_GIVEN);
            let f = rng.pick(WEST_FAMILY);
            let f2 = rng.pick(WEST_FAMILY);
            out.push((format!("{f} {f2}, {g} {g2}"), NameKind::Primary));
            if alias {
                out.push((format!("{g} {f}"), NameKind::Alias));
            }
        }
    }
    out
}

fn org_names(rng: &mut Rng) -> Vec<(String, NameKind)> {
    let a = rng.pick(ORG_FIRST);
    let b = rng.pick(ORG_SECOND);
    let c = rng.pick(ORG_SECTOR);
    let l = rng.pick(LEGAL);
    let num = if rng.chance(15) {
        format!(" {}", 1 + rng.below(99))
    } else {
        String::new()
    };
    let mut out = vec![(format!("{a} {b}{num} {c} {l}"), NameKind::Primary)];
    if rng.chance(50) {
        out.push((format!("{a}{} {c}", b.to_lowercase()), NameKind::Alias));
    }
    if rng.chance(20) {
        let b2 = rng.pick(ORG_SECOND);
        out.push((format!("{a} {b2} {}", rng.pick(LEGAL)), NameKind::Previous));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_varied() {
        let a = entities(500, 42);
        let b = entities(500, 42);
        assert_eq!(a, b);
        assert_ne!(a, entities(500, 43));
        let persons = a.iter().filter(|e| e.schema == Schema::Person).count();
        assert!((250..450).contains(&persons), "{persons}");
        let scripts = a
            .iter()
            .flat_map(|e| &e.names)
            .filter(|n| !n.full.is_ascii())
            .count();
        assert!(scripts > 20, "{scripts} non-Latin names");
    }
}
