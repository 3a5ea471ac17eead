//! Allow-list decisions and their file: a customer cleared of a hit stops alerting on it until
//! the listed entity changes.
//!
//! The file is JSON lines, appended to and never rewritten: one
//! `{"customer_ref", "entity_id", "fingerprint", "cleared_at", "list_version", "note"}` object
//! per clearance. The fingerprint is the listed entity's content hash when it was cleared; a
//! later list version that changes the entity makes the clearance stale, and the hit alerts again.

use std::io::{Read, Seek, SeekFrom, Write};
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
        .read(true)
        .open(path)
        .map_err(AppError::io(path))?;
    // One writer at a time (an advisory lock across processes, released when `f` closes or
    // the process dies), so lines never interleave however large they are.
    f.lock().map_err(AppError::io(path))?;
    // A writer killed mid-line left a torn last line: end it first, so this line stays whole
    // (the reader skips the torn one with a warning).
    let len = f.metadata().map_err(AppError::io(path))?.len();
    if len > 0 {
        let mut last = [0u8; 1];
        f.seek(SeekFrom::Start(len - 1))
            .map_err(AppError::io(path))?;
        f.read_exact(&mut last).map_err(AppError::io(path))?;
        if last[0] != b'\n' {
            line.insert(0, b'\n');
        }
    }
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
///
/// A line that is not an entry (a line torn by a writer that was killed, say) is skipped with
/// a warning naming the file and line: skipping a clearance can only make a hit alert again,
/// never hide one. A file with lines but no entry at all is not an allow-list and is refused.
pub fn read(path: &Path) -> Result<AllowList> {
    let text = crate::files::read_input_text(path)?;
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<AllowEntry>(line) {
            Ok(e) => entries.push(e),
            Err(_) => skipped.push(i + 1),
        }
    }
    if entries.is_empty() && !skipped.is_empty() {
        return Err(AppError::Invalid(format!(
            "{}: not an allow-list (no line holds customer_ref, entity_id, fingerprint)",
            path.display()
        )));
    }
    for n in skipped {
        tracing::warn!(
            "{}:{n}: not an allow-list entry (a torn or damaged line); skipped",
            path.display()
        );
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

        // A torn last line (a writer killed mid-line) is ended by the next writer and skipped
        // by the reader.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("open");
        f.write_all(b"{\"customer_ref\":\"cust-3\",\"enti")
            .expect("write");
        drop(f);
        assert_eq!(read(&path).expect("read").entries().len(), 2);
        add(&path, "cust-4", &entity, "ofac-sdn@v1", None).expect("add");
        let list = read(&path).expect("read");
        assert_eq!(list.entries().len(), 3);
        assert_eq!(list.entries()[2].customer_ref, "cust-4");
        std::fs::write(&path, "a,b,c\n").expect("write");
        assert!(read(&path).is_err());
    }
}
