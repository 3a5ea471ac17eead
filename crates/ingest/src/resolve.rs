//! Resolving relationships that a list states by name ("Linked To: KOREA SAENAL TRADING
//! CORPORATION.") to the ids of entities in the same list.

use std::collections::HashMap;

use model::{Entity, EntityId};

/// The comparison form of a name: upper case, letters and digits only, single spaces, so that
/// punctuation and a trailing period do not stop an exact match.
fn key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for w in name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().flat_map(char::to_uppercase));
    }
    out
}

/// Sets `target_id` on every relation that names its target only by name, when exactly one
/// entity of the list carries that name (any kind of name). Ambiguous or unknown names stay
/// unresolved; returns how many relations were resolved.
pub fn resolve_relations(entities: &mut [Entity]) -> usize {
    let mut by_name: HashMap<String, Option<EntityId>> = HashMap::new();
    for e in entities.iter() {
        for n in &e.names {
            let k = key(&n.full);
            if k.is_empty() {
                continue;
            }
            by_name
                .entry(k)
                .and_modify(|slot| {
                    if slot.as_ref() != Some(&e.id) {
                        *slot = None;
                    }
                })
                .or_insert_with(|| Some(e.id.clone()));
        }
    }
    let mut resolved = 0;
    for e in entities.iter_mut() {
        let own = e.id.clone();
        for r in &mut e.relations {
            if r.target_id.is_some() {
                continue;
            }
            let Some(name) = &r.target_name else { continue };
            if let Some(Some(id)) = by_name.get(&key(name))
                && *id != own
            {
                r.target_id = Some(id.clone());
                resolved += 1;
            }
        }
    }
    resolved
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::{Name, NameKind, Relation, RelationKind, Schema};

    fn ent(id: &str, names: &[&str], linked: Option<&str>) -> Entity {
        let mut e = Entity::new(EntityId::parse(id).unwrap(), Schema::Organization);
        for n in names {
            e.add_name(Name::new(*n, NameKind::Primary));
        }
        if let Some(t) = linked {
            e.relations.push(Relation {
                kind: RelationKind::LinkedTo,
                target_id: None,
                target_name: Some(t.to_string()),
                note: None,
            });
        }
        e
    }

    #[test]
    fn resolves_unique_names_only() {
        let mut v = vec![
            ent("ofac:1", &["KOREA SAENAL TRADING CORPORATION"], None),
            ent(
                "ofac:2",
                &["ASATRYAN, Gayk"],
                Some("KOREA SAENAL TRADING CORPORATION."),
            ),
            ent("ofac:3", &["TWIN"], Some("twin")),
            ent("ofac:4", &["TWIN"], Some("Unknown Ltd.")),
            ent("ofac:5", &["X"], Some("TWIN")),
        ];
        assert_eq!(resolve_relations(&mut v), 1);
        let got: Vec<Option<&str>> = v
            .iter()
            .flat_map(|e| {
                e.relations
                    .iter()
                    .map(|r| r.target_id.as_ref().map(|i| i.as_str()))
            })
            .collect();
        assert_eq!(got, [Some("ofac:1"), None, None, None]);
    }
}
