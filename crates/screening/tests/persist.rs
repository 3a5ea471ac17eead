//! The serialised screener: a loaded screener answers exactly like the built one (fixture, and
//! the first 2,000 dev queries against SDN + ALT + UN when `../shared` is present), and no bytes
//! whatever make loading or a later query panic.

#[path = "support/evalset.rs"]
mod evalset;
#[path = "support/fixture.rs"]
mod fixture;

use model::{Entity, EntityId, IdKind, Identification, Name, NameKind, Schema, Wallet};
use proptest::prelude::*;
use screening::{FORMAT_VERSION, ListRef, LoadError, Mode, Query, ScreenConfig, Screener, persist};

/// The fixture lists plus what the fixture lacks: identifiers, a wallet, an auxiliary schema,
/// a legal form, and a second list that repeats an id (the first entity is kept).
fn lists() -> Vec<(ListRef, Vec<Entity>)> {
    let id = |s: &str| EntityId::parse(s).expect("test id");
    let mut passport = Entity::new(id("un:KPi.900"), Schema::Person);
    passport.add_name(Name::new("RI, Chol Man", NameKind::Primary));
    passport.identifications.push(Identification {
        kind: IdKind::Passport,
        label: "Passport".into(),
        number: "PD 836410 0X".into(),
        country: Some("kp".into()),
        issued: None,
        expires: None,
        note: None,
    });
    passport.wallets.push(Wallet {
        currency: "XBT".into(),
        address: "1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V".into(),
    });
    let sanction = Entity::new(id("un:KPi.900-sanction"), Schema::Other("Sanction".into()));
    let mut company = Entity::new(id("un:KPe.900"), Schema::Company);
    company.add_name(Name::new("OOO Korea Saenal Trading", NameKind::Primary));
    company.add_name(Name::new("KST LIMITED LIABILITY COMPANY", NameKind::Alias));
    let mut repeated = Entity::new(id("un:KPe.900"), Schema::Vessel);
    repeated.add_name(Name::new("Second copy", NameKind::Primary));
    vec![
        (ListRef::new("fixture", "1"), fixture::fixture_entities()),
        (
            ListRef::new("extra", "2026-01"),
            vec![passport, sanction, company],
        ),
        (ListRef::new("repeat", "x"), vec![repeated]),
    ]
}

fn saved(s: &Screener) -> Vec<u8> {
    let mut out = Vec::new();
    s.save(&mut out).expect("writing to a Vec cannot fail");
    out
}

/// Every configuration the screener's answers depend on.
fn configs() -> Vec<ScreenConfig> {
    let base = ScreenConfig::default();
    vec![
        base,
        ScreenConfig {
            mode: Mode::Ofac,
            ..base
        },
        ScreenConfig {
            floor: 0.0,
            limit: 50,
            ..base
        },
    ]
}

/// Asserts that `b` answers every query exactly as `a` does: ids, scores, explanations, order.
fn assert_same_answers(a: &Screener, b: &Screener, queries: &[Query]) {
    for cfg in configs() {
        for q in queries {
            assert_eq!(a.screen(q, &cfg), b.screen(q, &cfg), "{q:?} {cfg:?}");
            assert_eq!(
                a.screen_unexplained(q, &cfg),
                b.screen_unexplained(q, &cfg),
                "{q:?} {cfg:?}"
            );
        }
    }
}

fn fixture_queries() -> Vec<Query> {
    let mut qs: Vec<Query> = evalset::read_queries(include_str!("../test_data/cases.csv"))
        .into_iter()
        .map(|c| c.query)
        .collect();
    qs.push(Query {
        identifiers: vec!["PD8364100X".into()],
        ..Query::name("Nobody Known")
    });
    qs.push(Query {
        identifiers: vec!["1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V".into()],
        ..Query::name("Ri Chol Man")
    });
    qs.push(Query::name("Korea Saenal Trading LLC"));
    qs
}

#[test]
fn loaded_fixture_screener_answers_like_the_built_one() {
    let built = Screener::build(lists());
    let bytes = saved(&built);
    let loaded = Screener::load(bytes.clone()).expect("own bytes load");
    assert_eq!(loaded.len(), built.len());
    assert_eq!(loaded.lists(), built.lists());
    assert_eq!(
        loaded
            .lists()
            .iter()
            .map(|l| l.version.as_str())
            .collect::<Vec<_>>(),
        ["1", "2026-01", "x"]
    );
    assert_eq!(loaded.name_count(), built.name_count());
    assert_eq!(loaded.index().key_count(), built.index().key_count());
    assert_same_answers(&built, &loaded, &fixture_queries());
    // Identifier hits are part of the answers above; check they really happened.
    let q = Query {
        identifiers: vec!["PD8364100X".into()],
        ..Query::name("Nobody Known")
    };
    let hit = loaded.screen(&q, &ScreenConfig::default());
    assert_eq!(
        hit.iter().map(|m| m.entity_id.as_str()).collect::<Vec<_>>(),
        ["un:KPi.900"]
    );
    // Every entity comes back equal, by id; the repeated id keeps its first entity.
    for (_, entities) in lists() {
        for e in entities {
            assert_eq!(loaded.entity(&e.id), built.entity(&e.id), "{}", e.id);
        }
    }
    let kept = loaded
        .entity(&EntityId::parse("un:KPe.900").expect("id"))
        .expect("kept");
    assert_eq!(kept.schema, Schema::Company);
    assert_eq!(
        loaded
            .entity(&EntityId::parse("un:KPi.900-sanction").expect("id"))
            .map(|e| &e.schema),
        Some(&Schema::Other("Sanction".into()))
    );
    assert!(
        loaded
            .entity(&EntityId::parse("ofac:1").expect("id"))
            .is_none()
    );
    // Saving what was loaded gives the same bytes: nothing is lost on the way.
    assert_eq!(saved(&loaded), bytes);
}

#[test]
fn empty_screener_round_trips() {
    let built = Screener::build(Vec::new());
    let loaded = Screener::load(saved(&built)).expect("loads");
    assert!(loaded.is_empty());
    assert!(
        loaded
            .screen(&Query::name("Kim Jong Un"), &ScreenConfig::default())
            .is_empty()
    );
}

#[test]
fn foreign_damaged_and_old_files_are_refused_with_their_reason() {
    let bytes = saved(&Screener::build(lists()));
    check(b"not a screener at all".to_vec(), LoadError::NotAScreener);
    check(Vec::new(), LoadError::NotAScreener);
    let mut old = bytes.clone();
    old[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    check(
        old,
        LoadError::Version {
            found: FORMAT_VERSION + 1,
            expected: FORMAT_VERSION,
        },
    );
    let cut = bytes[..bytes.len() - 100].to_vec();
    check(
        cut,
        LoadError::Length {
            expected: bytes.len() as u64,
            found: bytes.len() as u64 - 100,
        },
    );
    // A file from another engine build (here: its version string altered, checksum made good).
    let mut other = bytes.clone();
    let at = other
        .windows(4)
        .position(|w| w == b"+src")
        .expect("the engine version is stored");
    other[at + 5] ^= 0x01;
    persist::reseal(&mut other);
    assert!(matches!(
        Screener::load(other),
        Err(LoadError::Engine { expected, .. }) if expected == screening::ENGINE_VERSION
    ));
    let mut flipped = bytes.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x10;
    check(flipped, LoadError::Checksum);
    // A header cut inside its fields is too short, not foreign.
    assert!(matches!(
        Screener::load(bytes[..20].to_vec()),
        Err(LoadError::Format(_))
    ));
}

fn check(bytes: Vec<u8>, expected: LoadError) {
    assert_eq!(Screener::load(bytes).err(), Some(expected));
}

/// Whatever loads must answer queries, look entities up and save again without panicking.
fn exercise(s: &Screener) {
    let cfg = ScreenConfig {
        floor: 0.0,
        ..ScreenConfig::default()
    };
    for name in ["SONG Kum Hyok", "Korea Saenal Trading LLC", "김정은", "x"] {
        let q = Query {
            identifiers: vec!["PD8364100X".into()],
            ..Query::name(name)
        };
        for m in s.screen(&q, &cfg) {
            let _ = s.entity(&m.entity_id);
        }
        let _ = s.screen(
            &q,
            &ScreenConfig {
                mode: Mode::Ofac,
                ..cfg
            },
        );
    }
    let _ = saved(s);
}

fn fixture_bytes() -> &'static [u8] {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES.get_or_init(|| saved(&Screener::build(lists())))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Arbitrary bytes, with or without the magic in front, never make loading panic.
    #[test]
    fn arbitrary_bytes_never_panic(
        body in proptest::collection::vec(any::<u8>(), 0..400),
        magic in any::<bool>(),
    ) {
        let mut bytes = if magic { b"IDXSCRN\x1a".to_vec() } else { Vec::new() };
        bytes.extend(body);
        if let Ok(s) = Screener::load_without_checksum(bytes.clone()) {
            exercise(&s);
        }
        persist::reseal(&mut bytes);
        if let Ok(s) = Screener::load(bytes) {
            exercise(&s);
        }
    }

    /// A real file with bytes changed or cut short (opened without the checksum, or with it
    /// recomputed, so the structural checks are what stands between the damage and the scorer)
    /// either fails to load or loads into a screener that answers without panicking.
    #[test]
    fn damaged_files_never_panic(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in proptest::option::of(any::<prop::sample::Index>()),
        reseal in any::<bool>(),
    ) {
        let mut bytes = fixture_bytes().to_vec();
        for (at, x) in flips {
            let i = at.index(bytes.len());
            bytes[i] ^= x.max(1);
        }
        if let Some(c) = cut {
            bytes.truncate(c.index(bytes.len()));
        }
        if let Ok(s) = Screener::load_without_checksum(bytes.clone()) {
            exercise(&s);
        }
        if reseal {
            persist::reseal(&mut bytes);
            // Keep the header's length in step with a cut, so the body checks are reached.
            if bytes.len() >= 32 {
                let body = (bytes.len() - 32) as u64;
                bytes[16..24].copy_from_slice(&body.to_le_bytes());
                persist::reseal(&mut bytes);
            }
        }
        if let Ok(s) = Screener::load(bytes) {
            exercise(&s);
        }
    }
}

/// The loaded screener over SDN + ALT + UN answers the first 2,000 dev queries exactly like the
/// built one.
#[test]
fn loaded_real_screener_answers_the_dev_queries_like_the_built_one() -> anyhow::Result<()> {
    let Some(lists) = evalset::load_lists()? else {
        eprintln!("skipped: ../shared/data is absent");
        return Ok(());
    };
    let Ok(text) = std::fs::read_to_string(format!("{}/eval/names-dev.csv", evalset::SHARED))
    else {
        eprintln!("skipped: ../shared/eval/names-dev.csv is absent");
        return Ok(());
    };
    let queries: Vec<Query> = evalset::read_queries(&text)
        .into_iter()
        .take(2_000)
        .map(|q| q.query)
        .collect();
    let ids: Vec<EntityId> = lists
        .iter()
        .flat_map(|(_, es)| es.iter().map(|e| e.id.clone()))
        .collect();
    let built = Screener::build(lists);
    let bytes = saved(&built);
    let loaded = Screener::load(bytes.clone())?;
    for id in &ids {
        assert_eq!(built.entity(id), loaded.entity(id), "{id}");
    }
    let cfg = ScreenConfig::default();
    for q in &queries {
        assert_eq!(built.screen(q, &cfg), loaded.screen(q, &cfg), "{q:?}");
    }
    assert_eq!(saved(&loaded), bytes);
    Ok(())
}

#[test]
fn engine_version_names_the_format_and_the_source() {
    let v = screening::ENGINE_VERSION;
    assert!(
        v.starts_with(&format!("screening-0.0.0+format-{FORMAT_VERSION}+src-")),
        "{v}"
    );
    let hash = v.rsplit("+src-").next().unwrap_or("");
    assert_eq!(hash.len(), 16, "{v}");
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()), "{v}");
}
