//! The interdict entity model.
//!
//! Every list parser produces [`Entity`] values and every engine consumes them.
//! The model follows the FollowTheMoney (FtM) schemata and property names that OpenSanctions uses,
//! so that FtM data loads without loss ([`ftm`]) and our own lists export to FtM.
//! Where FtM flattens information that screening needs (name kinds and parts, date precision),
//! the typed fields keep it; every FtM property that has no typed field is kept verbatim in
//! [`Entity::extra`].
//!
//! This crate does no I/O.

pub mod country;
mod country_table;
pub mod date;
pub mod diag;
pub mod diff;
pub mod entity;
pub mod ftm;
pub mod ftm_schema;
pub mod id;
pub mod script;

pub use date::{FuzzyDate, PartialDate};
pub use diag::{Diagnostic, Location, Severity};
pub use entity::{
    Address, Entity, Gender, IdKind, Identification, Name, NameKind, NameParts, Relation,
    RelationKind, Sanction, Schema, Wallet,
};
pub use id::{EntityId, IdError, SourceKind};
pub use script::Script;
