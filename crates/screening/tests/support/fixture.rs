//! The in-repo entity fixture (`test_data/entities.txt`), shared by the integration tests.
#![allow(dead_code)]

use model::{Entity, EntityId, FuzzyDate, Name, NameKind, Schema};

/// Parses `test_data/entities.txt` (`id|schema|dates|countries|names`, `~` marks a weak alias).
pub fn fixture_entities() -> Vec<Entity> {
    let text = include_str!("../../test_data/entities.txt");
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('|').collect();
        let id = EntityId::parse(f[0]).expect("fixture id");
        let mut e = Entity::new(id, Schema::from(f[1].to_owned()));
        for d in f[2].split(';').filter(|d| !d.is_empty()) {
            e.birth_dates
                .push(FuzzyDate::parse(d).expect("fixture date"));
        }
        for c in f[3].split(';').filter(|c| !c.is_empty()) {
            e.nationalities.push(c.to_owned());
        }
        for (i, n) in f[4].split(';').enumerate() {
            let (kind, n) = match (i, n.strip_prefix('~')) {
                (_, Some(weak)) => (NameKind::WeakAlias, weak),
                (0, None) => (NameKind::Primary, n),
                _ => (NameKind::Alias, n),
            };
            e.add_name(Name::new(n, kind));
        }
        out.push(e);
    }
    out
}
