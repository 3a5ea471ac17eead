//! Allow-list decisions and their file: a customer cleared of a hit stops alerting on it until
//! the listed entity changes.
//!
//! The file is JSON lines, appended to and never rewritten: one
//! `{"customer_ref", "entity_id", "fingerprint", "cleared_at", "list_version", "note"}` object
//! per clearance. The fingerprint is the listed entity's content hash when it was cleared; a
//! later list version that changes the entity makes the clearance stale, and the hit alerts again.

use std::io::Write;
use std::path::Path;

use model::{Entity, EntityId};
use screening::{AllowEntry, AllowList};
use serde::Serialize;

use crate::{AppError, Result};

/// One clearance as the file stores it.
#[derive(Debug, Clone, Serialize)]
pub struct Clearance<'a> {
    /// The customer reference.
    pub customer_ref: &'a str,
    /// The listed entity cleared.
    pub entity_id: &'a EntityId,
    /// The entity's content fingerprint at the time.
    pub fingerprint: u64,
    /// When (UTC, RFC 3339).
    pub cleared_at: String,
    /// `list@version` the entity was read from.
    pub list_version: &'a str,
    /// Why, for the audit trail.
    pub note: Option<&'a str>,
}

/// Appends a clearance of `entity` for `customer` as one whole line, synced to disk.
pub fn add(
    path: &Path,
    customer: &str,
    entity: &Entity,
    list_version: &str,
    note: Option<&str>,
) -> Result<()> {
    if customer.trim().is_empty() {
        return Err(AppError::Invalid("the customer reference is empty".into()));
    }
    let row = Clearance {
        customer_ref: customer,
        entity_id: &entity.id,
        fingerprint: screening::fingerprint(entity),
        cleared_at: store::utc_now(),
        list_version,
        note,
    };
    let mut line = serde_json::to_vec(&row).map_err(|e| AppError::Invalid(e.to_string()))?;
    line.push(b'\n');
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(AppError::io(path))?;
    // One write call for the whole line: with O_APPEND, concurrent writers cannot interleave
    // within it.
    f.write_all(&line).map_err(AppError::io(path))?;
    f.sync_all().map_err(AppError::io(path))?;
    Ok(())
}

/// Clears the hit on listed entity `id` for `customer`: finds the entity in the source's lists
/// and appends its clearance to the file at `path`.
pub fn clear(
    ctx: &crate::Context,
    source: &crate::sources::ListSource,
    path: &Path,
    customer: &str,
    id: &EntityId,
    note: Option<&str>,
    obs: &dyn crate::Observer,
) -> Result<()> {
    if customer.trim().is_empty() {
        return Err(AppError::Invalid("the customer reference is empty".into()));
    }
    let resolved = crate::sources::resolve(ctx, source, obs)?;
    let lists = resolved.load(ctx)?;
    let found = lists.iter().find_map(|l| {
        l.entities
            .iter()
            .find(|e| &e.id == id)
            .map(|e| (e, format!("{}@{}", l.list.as_str(), l.version)))
    });
    let Some((entity, version)) = found else {
        return Err(AppError::Invalid(format!(
            "{id} is not in the loaded lists; check the id with `interdict screen`"
        )));
    };
    add(path, customer, entity, &version, note)
}

/// Reads an allow-list file; a later line for the same pair replaces an earlier one.
pub fn read(path: &Path) -> Result<AllowList> {
    let text = std::fs::read_to_string(path).map_err(AppError::io(path))?;
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let e: AllowEntry = serde_json::from_str(line).map_err(|_| {
            AppError::Invalid(format!(
                "{}:{}: not an allow-list entry (customer_ref, entity_id, fingerprint)",
                path.display(),
                i + 1
            ))
        })?;
        entries.push(e);
    }
    Ok(AllowList::new(entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clearance_round_trips_through_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("allow.jsonl");
        let entity = Entity::new(
            EntityId::parse("ofac:1").expect("id"),
            model::Schema::Person,
        );
        add(
            &path,
            "cust-1",
            &entity,
            "ofac-sdn@v1",
            Some("different person"),
        )
        .expect("add");
        add(&path, "cust-2", &entity, "ofac-sdn@v1", None).expect("add");
        let list = read(&path).expect("read");
        assert_eq!(list.entries().len(), 2);
        assert_eq!(list.entries()[0].customer_ref, "cust-1");
        assert_eq!(
            list.entries()[0].fingerprint,
            screening::fingerprint(&entity)
        );
        assert!(add(&path, " ", &entity, "v", None).is_err());
    }
}
