//! Differences between two versions of a list, down to the field.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::entity::Entity;
use crate::id::EntityId;

/// One entity that exists only on one side, summarised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityRef {
    /// Its id.
    pub id: EntityId,
    /// Its FtM schema.
    pub schema: String,
    /// Its caption (primary name).
    pub caption: String,
}

/// A change to one field of an entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// The field name as it appears in the stored entity (`names`, `birth_dates`, `extra.flag`…).
    pub field: String,
    /// Values only in the old version (for list fields) or the old value.
    pub removed: Vec<Value>,
    /// Values only in the new version (for list fields) or the new value.
    pub added: Vec<Value>,
}

/// An entity present in both versions with different content.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangedEntity {
    /// Its id.
    pub id: EntityId,
    /// Its caption in the new version.
    pub caption: String,
    /// The fields that differ, in field order.
    pub changes: Vec<FieldChange>,
}

/// What changed between two versions of a list.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ListDiff {
    /// Entities only in the new version, by id.
    pub added: Vec<EntityRef>,
    /// Entities only in the old version, by id.
    pub removed: Vec<EntityRef>,
    /// Entities in both with different content, by id.
    pub changed: Vec<ChangedEntity>,
}

fn summary(e: &Entity) -> EntityRef {
    EntityRef {
        id: e.id.clone(),
        schema: e.schema.name().to_string(),
        caption: e.caption().to_string(),
    }
}

/// Compares two versions of a list. Output is sorted by entity id and is the same whatever the
/// order of the inputs.
pub fn diff(old: &[Entity], new: &[Entity]) -> ListDiff {
    let old: BTreeMap<&EntityId, &Entity> = old.iter().map(|e| (&e.id, e)).collect();
    let new: BTreeMap<&EntityId, &Entity> = new.iter().map(|e| (&e.id, e)).collect();
    let mut out = ListDiff::default();
    for (id, e) in &old {
        if !new.contains_key(id) {
            out.removed.push(summary(e));
        }
    }
    for (id, n) in &new {
        match old.get(id) {
            None => out.added.push(summary(n)),
            Some(o) if o != n => {
                let changes = field_changes(o, n);
                if !changes.is_empty() {
                    out.changed.push(ChangedEntity {
                        id: n.id.clone(),
                        caption: n.caption().to_string(),
                        changes,
                    });
                }
            }
            Some(_) => {}
        }
    }
    out
}

fn flatten(e: &Entity) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let Ok(Value::Object(map)) = serde_json::to_value(e) else {
        return out;
    };
    for (k, v) in map {
        match (k.as_str(), v) {
            ("extra" | "meta", Value::Object(inner)) => {
                for (ik, iv) in inner {
                    out.insert(format!("{k}.{ik}"), iv);
                }
            }
            (_, v) => {
                out.insert(k, v);
            }
        }
    }
    out
}

fn field_changes(old: &Entity, new: &Entity) -> Vec<FieldChange> {
    let a = flatten(old);
    let b = flatten(new);
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for k in keys {
        let (va, vb) = (a.get(k), b.get(k));
        if va == vb {
            continue;
        }
        let as_list = |v: Option<&Value>| match v {
            Some(Value::Array(items)) => items.clone(),
            Some(Value::Null) | None => Vec::new(),
            Some(other) => vec![other.clone()],
        };
        let (la, lb) = (as_list(va), as_list(vb));
        let removed: Vec<Value> = la.iter().filter(|x| !lb.contains(x)).cloned().collect();
        let added: Vec<Value> = lb.iter().filter(|x| !la.contains(x)).cloned().collect();
        // Only the order changed: report it as a change of the whole value.
        let (removed, added) = if removed.is_empty() && added.is_empty() {
            (la, lb)
        } else {
            (removed, added)
        };
        out.push(FieldChange {
            field: k.clone(),
            removed,
            added,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Name, NameKind, Schema};
    use serde_json::json;

    fn person(id: &str, names: &[&str], nat: &[&str]) -> Entity {
        let mut e = Entity::new(EntityId::parse(id).unwrap(), Schema::Person);
        for (i, n) in names.iter().enumerate() {
            let kind = if i == 0 {
                NameKind::Primary
            } else {
                NameKind::Alias
            };
            e.add_name(Name::new(*n, kind));
        }
        e.nationalities = nat.iter().map(|s| s.to_string()).collect();
        e
    }

    #[test]
    fn reports_added_removed_and_field_changes() {
        let old = vec![
            person("ofac:1", &["A"], &["kp"]),
            person("ofac:2", &["B"], &[]),
            person("ofac:3", &["C"], &[]),
        ];
        let new = vec![
            person("ofac:4", &["D"], &[]),
            person("ofac:1", &["A", "A2"], &["kp", "cn"]),
            person("ofac:3", &["C"], &[]),
        ];
        let d = diff(&old, &new);
        assert_eq!(
            d.added.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
            ["ofac:4"]
        );
        assert_eq!(
            d.removed.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
            ["ofac:2"]
        );
        assert_eq!(d.changed.len(), 1);
        let fields: Vec<(&str, &Vec<Value>, &Vec<Value>)> = d.changed[0]
            .changes
            .iter()
            .map(|c| (c.field.as_str(), &c.removed, &c.added))
            .collect();
        assert_eq!(fields.len(), 2);
        assert_eq!(fields[0].0, "names");
        assert_eq!(
            fields[0].2,
            &vec![json!({"full": "A2", "kind": "alias", "script": "Latin"})]
        );
        assert_eq!(fields[1], ("nationalities", &vec![], &vec![json!("cn")]));
    }

    #[test]
    fn identical_lists_have_no_diff() {
        let a = vec![person("un:X1", &["A"], &[])];
        assert_eq!(diff(&a, &a), ListDiff::default());
    }
}
