//! Name screening for interdict: candidate retrieval over an in-memory index, deterministic
//! scoring that explains itself, an OFAC-parity mode and allow-lists.
//!
//! The engine is pure: [`Screener::build`] takes parsed entities, [`Screener::screen`] takes a
//! [`Query`] and a [`ScreenConfig`] and returns ranked [`Match`]es, each with an
//! [`Explanation`]. Nothing here reads files or the network.

mod allow;
mod build;
mod explain;
mod lazy;
mod memo;
mod ofac;
mod packed;
mod parts;
pub mod persist;
pub mod qualify;
mod rank;
mod scan;
mod score;
mod signature;
pub mod synthetic;
mod types;
mod verdicts;

pub use allow::{AllowEntry, AllowList, AllowState, fingerprint};
pub use persist::{ENGINE_VERSION, FORMAT_VERSION, LoadError};
pub use rank::{CANDIDATES, ORG_CANDIDATES, compare};
pub use scan::{ScanConfig, ScanHit};
pub use types::{
    DEFAULT_THRESHOLD, Effect, Effects, Explanation, ListRef, Match, Method, Mode, PartMatch,
    PartRole, Qualifier, QualifierKind, QualifierOutcome, Query, ScreenConfig, UnmatchedPart,
};
pub use verdicts::WEAK_ALIAS_CAP;

use build::NameRec;
use index::NameIndex;
use model::Schema;

/// The screening engine: the candidate index and the entities it points at.
///
/// Built once per set of list snapshots and then shared read-only across threads (it is
/// `Send + Sync`; per-thread scratch memory lives in a thread local).
#[derive(Debug, Default)]
pub struct Screener {
    /// The entities; an opened screener decodes each on first use (see [`lazy`]).
    entities: lazy::Entities,
    entity_list: Vec<u32>,
    lists: Vec<ListRef>,
    by_id: lazy::IdMap,
    names: lazy::NameRecs,
    index: NameIndex,
    identifiers: lazy::Identifiers,
    /// The listed names again, laid out for the scorer's hot loop (see [`packed`]).
    packed: packed::PackedNames,
    /// The schema of every entity, densely, so the candidate loop need not touch entities.
    schemas: Vec<Schema>,
    /// The free-text scan's prefilter, built from `packed` on the first scan (see [`scan`]).
    scan: scan::ScanSlot,
}
