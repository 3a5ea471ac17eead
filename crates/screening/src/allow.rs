//! Allow-lists: hits an analyst cleared for one customer, suppressed until the entity changes.

use model::{Entity, EntityId};
use serde::{Deserialize, Serialize};

use crate::Match;

/// One cleared hit: this customer is not this listed entity, as the entity stood then.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct AllowEntry {
    /// The caller's customer reference.
    pub customer_ref: String,
    /// The listed entity that was cleared.
    pub entity_id: EntityId,
    /// [`fingerprint`] of the entity when it was cleared.
    pub fingerprint: u64,
}

/// What the allow-list says about one hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub enum AllowState {
    /// The pair was never cleared: report the hit.
    NotListed,
    /// The pair was cleared and the entity is unchanged: report it as suppressed.
    Suppressed,
    /// The pair was cleared but the entity changed since: report the hit again.
    Stale,
}

/// A set of cleared (customer reference, entity) pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllowList {
    entries: Vec<AllowEntry>,
}

impl AllowList {
    /// Builds an allow-list from entries (any order; duplicates keep the last fingerprint).
    pub fn new(entries: Vec<AllowEntry>) -> AllowList {
        let mut list = AllowList::default();
        for e in entries {
            list.insert(e);
        }
        list
    }

    /// Adds or replaces the entry for a (customer, entity) pair.
    pub fn insert(&mut self, entry: AllowEntry) {
        match self.find(&entry.customer_ref, &entry.entity_id) {
            Ok(i) => self.entries[i] = entry,
            Err(i) => self.entries.insert(i, entry),
        }
    }

    /// Clears a hit: records the entity's current fingerprint for this customer.
    pub fn clear(&mut self, customer_ref: &str, entity: &Entity) {
        self.insert(AllowEntry {
            customer_ref: customer_ref.to_owned(),
            entity_id: entity.id.clone(),
            fingerprint: fingerprint(entity),
        });
    }

    /// The entries, sorted by customer reference and entity id.
    pub fn entries(&self) -> &[AllowEntry] {
        &self.entries
    }

    /// Whether a hit for this customer is cleared, and still applies to the entity as listed now.
    pub fn check(&self, customer_ref: &str, hit: &Match, entity: &Entity) -> AllowState {
        match self.find(customer_ref, &hit.entity_id) {
            Err(_) => AllowState::NotListed,
            Ok(i) if self.entries[i].fingerprint == fingerprint(entity) => AllowState::Suppressed,
            Ok(_) => AllowState::Stale,
        }
    }

    fn find(&self, customer_ref: &str, id: &EntityId) -> Result<usize, usize> {
        self.entries
            .binary_search_by(|e| (e.customer_ref.as_str(), &e.entity_id).cmp(&(customer_ref, id)))
    }
}

/// A stable 64-bit content fingerprint of an entity: FNV-1a over its serde JSON.
///
/// The JSON form is deterministic (struct fields in declaration order, maps are `BTreeMap`s),
/// so the fingerprint changes exactly when some field of the entity changes, including names,
/// dates and identifiers. FNV-1a is not collision-resistant against an adversary, which is fine
/// here: the lists are published by authorities, and a collision only keeps an old clearance.
pub fn fingerprint(entity: &Entity) -> u64 {
    let json = serde_json::to_vec(entity).unwrap_or_default();
    fnv1a(&json)
}

pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}
