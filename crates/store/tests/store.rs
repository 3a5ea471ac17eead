//! Behaviour of the list store: versioning, no-op re-imports, atomic writes, resolution, deltas.
#![allow(clippy::unwrap_used)]

use ingest::{Format, ListId, Parsed, ParsedList};
use model::{Entity, EntityId, Name, NameKind, PartialDate, Schema};
use store::{Saved, SourceFile, Store, StoreError};

fn entity(id: &str, name: &str) -> Entity {
    let mut e = Entity::new(EntityId::parse(id).unwrap(), Schema::Person);
    e.add_name(Name::new(name, NameKind::Primary));
    e
}

fn parsed(list: ListId, entities: Vec<Entity>, delta: bool, deleted: Vec<&str>) -> ParsedList {
    ParsedList {
        list,
        files: vec![("f".into(), Format::FtmJson)],
        parsed: Parsed {
            entities,
            deleted: deleted
                .iter()
                .map(|d| EntityId::parse(d).unwrap())
                .collect(),
            diagnostics: vec![],
            publish_date: PartialDate::parse_iso("2024-05-03"),
            is_delta: delta,
            list: None,
            ..Parsed::default()
        },
    }
}

fn file(content: &str) -> SourceFile {
    SourceFile {
        name: "f".into(),
        format: "FtM".into(),
        sha256: store::sha256_hex(content.as_bytes()),
        bytes: content.len() as u64,
    }
}

#[test]
fn same_content_twice_is_a_no_op() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let a = parsed(
        ListId::OfacSdn,
        vec![entity("ofac:2", "B"), entity("ofac:1", "A")],
        false,
        vec![],
    );
    let first = store.save(a.clone(), vec![file("one")]).unwrap();
    let Saved::New(meta) = &first else {
        panic!("expected a new snapshot")
    };
    assert_eq!(
        meta.version,
        format!("2024-05-03-{}", &meta.content_hash[..12])
    );
    assert_eq!(meta.counts.get("Person"), Some(&2));
    let second = store.save(a, vec![file("one")]).unwrap();
    assert_eq!(second, Saved::Unchanged(meta.clone()));
    assert_eq!(store.snapshots().unwrap().len(), 1);
    // Entities are stored sorted by id.
    let snap = store.load(meta).unwrap();
    let ids: Vec<&str> = snap.entities.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["ofac:1", "ofac:2"]);
}

#[test]
fn new_content_becomes_current_and_old_versions_stay() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let v1 = store
        .save(
            parsed(ListId::Un, vec![entity("un:KPi.001", "A")], false, vec![]),
            vec![file("1")],
        )
        .unwrap();
    let v2 = store
        .save(
            parsed(ListId::Un, vec![entity("un:KPi.002", "B")], false, vec![]),
            vec![file("2")],
        )
        .unwrap();
    assert_ne!(v1.meta().version, v2.meta().version);
    assert_eq!(store.current(ListId::Un).unwrap().as_ref(), Some(v2.meta()));
    assert_eq!(store.snapshots().unwrap().len(), 2);
    assert_eq!(store.resolve("un").unwrap(), *v2.meta());
    assert_eq!(store.resolve(&v1.meta().name()).unwrap(), *v1.meta());
    assert_eq!(store.resolve(&v1.meta().version[..20]).unwrap(), *v1.meta());
    assert!(matches!(
        store.resolve("2024-05-03"),
        Err(StoreError::Ambiguous { .. })
    ));
    assert!(matches!(
        store.resolve("nope"),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn a_leftover_temporary_directory_is_invisible() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    std::fs::create_dir_all(dir.path().join("lists/un/.tmp-crashed")).unwrap();
    assert!(store.snapshots().unwrap().is_empty());
    assert_eq!(store.current(ListId::Un).unwrap(), None);
}

#[test]
fn deltas_apply_to_the_current_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let base = parsed(
        ListId::OpenSanctions,
        vec![entity("os:a", "A"), entity("os:b", "B")],
        false,
        vec![],
    );
    store.save(base, vec![file("base")]).unwrap();
    let delta = parsed(
        ListId::OpenSanctions,
        vec![entity("os:c", "C"), entity("os:b", "B2")],
        true,
        vec!["os:a"],
    );
    let saved = store.save(delta, vec![file("delta")]).unwrap();
    let snap = store.load(saved.meta()).unwrap();
    let got: Vec<(&str, &str)> = snap
        .entities
        .iter()
        .map(|e| (e.id.as_str(), e.caption()))
        .collect();
    assert_eq!(got, [("os:b", "B2"), ("os:c", "C")]);
    assert_eq!(saved.meta().files.len(), 2);
}

#[test]
fn a_delta_needs_a_base() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let delta = parsed(ListId::OpenSanctions, vec![], true, vec![]);
    assert!(matches!(
        store.save(delta, vec![file("d")]),
        Err(StoreError::DeltaWithoutBase { .. })
    ));
}

/// Two writers with the same process id (two containers, both PID 1) never share a temporary
/// name: the suffix carries the time and random bits besides the id.
#[test]
fn temporary_names_are_unique_per_writer_not_per_process() {
    let pid = std::process::id().to_string();
    let names: std::collections::BTreeSet<String> =
        (0..1000).map(|_| store::unique_suffix()).collect();
    assert_eq!(names.len(), 1000);
    assert!(names.iter().all(|n| n.starts_with(&pid)));
    let (a, b) = (store::unique_suffix(), store::unique_suffix());
    assert_ne!(
        a.rsplit('-').next(),
        b.rsplit('-').next(),
        "the random part differs"
    );
}

/// A writer's lock excludes another (here a second open of the lock file in this process,
/// which flock treats as another holder) until it is dropped.
#[test]
fn the_writer_lock_is_exclusive_until_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let held = store.lock().unwrap();
    let other = std::fs::File::open(dir.path().join("lists/.lock")).unwrap();
    assert!(other.try_lock().is_err());
    drop(held);
    assert!(other.try_lock().is_ok());
}
