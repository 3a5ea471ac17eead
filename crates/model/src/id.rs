//! Stable entity identifiers that say which list an entity comes from.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The list family an entity id belongs to; its prefix is the part before the first `:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SourceKind {
    /// OFAC Specially Designated Nationals list (`ofac:<ent_num or uid>`).
    Ofac,
    /// OFAC Consolidated (non-SDN) list (`ofac-cons:<uid>`).
    OfacCons,
    /// UN Security Council consolidated list (`un:<REFERENCE_NUMBER>`).
    Un,
    /// EU Financial Sanctions File (`eu:<logical id>`).
    Eu,
    /// UK Sanctions List (`uk:<unique id>`).
    Uk,
    /// OpenSanctions / FollowTheMoney data (`os:<OpenSanctions id>`).
    OpenSanctions,
}

impl SourceKind {
    /// Every source, in prefix order.
    pub const ALL: [SourceKind; 6] = [
        SourceKind::Ofac,
        SourceKind::OfacCons,
        SourceKind::Un,
        SourceKind::Eu,
        SourceKind::Uk,
        SourceKind::OpenSanctions,
    ];

    /// The id prefix of this source, without the colon.
    pub fn prefix(self) -> &'static str {
        match self {
            SourceKind::Ofac => "ofac",
            SourceKind::OfacCons => "ofac-cons",
            SourceKind::Un => "un",
            SourceKind::Eu => "eu",
            SourceKind::Uk => "uk",
            SourceKind::OpenSanctions => "os",
        }
    }

    /// Looks a source up by its id prefix.
    pub fn from_prefix(prefix: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|s| s.prefix() == prefix)
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.prefix())
    }
}

/// Why a string is not a valid entity id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The string has no `prefix:` part or the prefix is not one we know.
    #[error(
        "entity id {0:?} does not start with a known source prefix (ofac:, ofac-cons:, un:, eu:, uk:, os:)"
    )]
    UnknownPrefix(String),
    /// The part after the prefix is empty or contains whitespace or control characters.
    #[error("entity id {0:?} has an empty or malformed local part")]
    BadLocal(String),
}

/// A stable entity identifier such as `ofac:43377` or `un:KPi.033`.
///
/// Ids are built only through [`EntityId::new`] or [`EntityId::parse`], so every value has a
/// known source prefix and a non-empty local part without whitespace.
/// Ordering is the plain string order, which is what ties between equal scores are broken by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct EntityId(String);

impl EntityId {
    /// Builds an id from a source and the identifier the source itself gives the record.
    pub fn new(source: SourceKind, local: &str) -> Result<EntityId, IdError> {
        let local = local.trim();
        if !valid_local(local) {
            return Err(IdError::BadLocal(format!("{}:{local}", source.prefix())));
        }
        Ok(EntityId(format!("{}:{local}", source.prefix())))
    }

    /// Parses a full id such as `ofac:43377`.
    pub fn parse(s: &str) -> Result<EntityId, IdError> {
        let (prefix, local) = s
            .split_once(':')
            .ok_or_else(|| IdError::UnknownPrefix(s.to_string()))?;
        let source =
            SourceKind::from_prefix(prefix).ok_or_else(|| IdError::UnknownPrefix(s.to_string()))?;
        EntityId::new(source, local)
    }

    /// Derives the id of a record that hangs off this entity, such as its sanction or a wallet.
    ///
    /// FtM models sanctions, identifications, wallets and addresses as entities of their own;
    /// their ids must be stable across imports, so they are derived from the parent id and a
    /// discriminating suffix rather than generated.
    pub fn child(&self, kind: &str, key: &str) -> EntityId {
        let key: String = key
            .chars()
            .map(|c| {
                if c.is_whitespace() || c.is_control() {
                    '-'
                } else {
                    c
                }
            })
            .collect();
        EntityId(format!("{}-{kind}-{key}", self.0))
    }

    /// The source this id belongs to.
    pub fn source(&self) -> SourceKind {
        // The constructor guarantees a known prefix; OpenSanctions is the harmless fallback.
        self.0
            .split_once(':')
            .and_then(|(p, _)| SourceKind::from_prefix(p))
            .unwrap_or(SourceKind::OpenSanctions)
    }

    /// The part after the prefix, as the source gives it.
    pub fn local(&self) -> &str {
        self.0.split_once(':').map(|(_, l)| l).unwrap_or(&self.0)
    }

    /// The full id as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn valid_local(local: &str) -> bool {
    !local.is_empty() && !local.chars().any(|c| c.is_whitespace() || c.is_control())
}

impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for EntityId {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        EntityId::parse(&s)
    }
}

impl From<EntityId> for String {
    fn from(id: EntityId) -> String {
        id.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<&str, ()>) {
        let got = EntityId::parse(input)
            .map(|id| id.to_string())
            .map_err(|_| ());
        assert_eq!(got, expected.map(str::to_string), "input {input:?}");
    }

    #[test]
    fn parses_known_prefixes() {
        check("ofac:43377", Ok("ofac:43377"));
        check("ofac-cons:1234", Ok("ofac-cons:1234"));
        check("un:KPi.033", Ok("un:KPi.033"));
        check("eu:13", Ok("eu:13"));
        check("uk:RUS0001", Ok("uk:RUS0001"));
        check("os:NK-abc", Ok("os:NK-abc"));
        check("os:a:b", Ok("os:a:b"));
        check("xx:1", Err(()));
        check("ofac:", Err(()));
        check("ofac:1 2", Err(()));
        check("43377", Err(()));
    }

    #[test]
    fn child_ids_are_stable_and_keep_the_source() {
        let id = EntityId::parse("ofac:43377").unwrap();
        let c = id.child("wallet", "XBT 1abc");
        assert_eq!(c.as_str(), "ofac:43377-wallet-XBT-1abc");
        assert_eq!(c.source(), SourceKind::Ofac);
        assert_eq!(id.local(), "43377");
    }
}
