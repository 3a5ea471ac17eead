//! Resolving what a user names (addresses, assets, seed lists) to the graph's node, asset and
//! edge ids, with errors that say what is missing.

use crate::trace::Seeds;
use crate::view::{GraphRef, NodeId};

/// Something the user named is not in the graph.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// An address without any transfer in the graph.
    #[error("{0} does not occur in the graph")]
    UnknownAddress(String),
    /// An asset without any transfer in the graph.
    #[error("asset {0:?} does not occur in the graph")]
    UnknownAsset(String),
}

/// The node of an address.
pub fn node(view: &GraphRef<'_>, address: &str) -> Result<NodeId, QueryError> {
    view.lookup(address)
        .ok_or_else(|| QueryError::UnknownAddress(address.to_owned()))
}

/// The asset id of an asset filter: `None` for every asset, `""` or `native` (any case) for the
/// chain's own coin, else a token address.
pub fn asset(view: &GraphRef<'_>, asset: Option<&str>) -> Result<Option<u32>, QueryError> {
    let Some(a) = asset else {
        return Ok(None);
    };
    let a = if a.eq_ignore_ascii_case("native") {
        ""
    } else {
        a
    };
    view.asset_id(a)
        .map(Some)
        .ok_or_else(|| QueryError::UnknownAsset(a.to_owned()))
}

/// Seeds read from a seed list, with a warning for each line that names nothing in the graph.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedList {
    /// The seeds found.
    pub seeds: Seeds,
    /// One sentence per unknown item, naming the list and the line.
    pub warnings: Vec<String>,
}

impl SeedList {
    /// Whether no seed was found.
    pub fn is_empty(&self) -> bool {
        self.seeds.addresses.is_empty() && self.seeds.edges.is_empty()
    }
}

/// Parses a seed list: one item per line (the first comma-separated field), an address (a taint
/// source) or a transaction id (its transfers are tainted); blank lines, `#` comments and an
/// `address` header are skipped. `name` names the list in warnings.
pub fn parse_seeds(view: &GraphRef<'_>, name: &str, text: &str) -> SeedList {
    let mut out = SeedList::default();
    for (i, line) in text.lines().enumerate() {
        let item = line.split(',').next().unwrap_or("").trim();
        if item.is_empty() || item.starts_with('#') || item.eq_ignore_ascii_case("address") {
            continue;
        }
        if let Some(v) = view.lookup(item) {
            out.seeds.addresses.push(v);
            continue;
        }
        let edges = view.edges_of_tx(item);
        if edges.is_empty() {
            out.warnings.push(format!(
                "{name}: line {}: {item} is neither an address nor a transaction in the graph",
                i + 1
            ));
        }
        out.seeds.edges.extend(edges);
    }
    out
}

/// A word that names none of an option's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{given:?} is not one of: {}", expected.join(", "))]
pub struct UnknownValue {
    /// What was given.
    pub given: String,
    /// The accepted words.
    pub expected: &'static [&'static str],
}

/// Implements `FromStr` by the lower-case names, so front ends parse options by the same words
/// the JSON output uses.
macro_rules! from_words {
    ($t:ty, $($word:literal => $v:expr),+) => {
        impl std::str::FromStr for $t {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, UnknownValue> {
                match s.to_ascii_lowercase().as_str() {
                    $($word => Ok($v),)+
                    _ => Err(UnknownValue { given: s.to_owned(), expected: &[$($word),+] }),
                }
            }
        }
    };
}

from_words!(crate::exposure::Direction, "in" => crate::exposure::Direction::In, "out" => crate::exposure::Direction::Out);
from_words!(
    crate::trace::TaintModel,
    "fifo" => crate::trace::TaintModel::Fifo,
    "haircut" => crate::trace::TaintModel::Haircut,
    "poison" => crate::trace::TaintModel::Poison,
    "tiho" => crate::trace::TaintModel::Tiho
);
from_words!(
    crate::paths::PathScore,
    "bottleneck" => crate::paths::PathScore::Bottleneck,
    "product" => crate::paths::PathScore::Product
);
from_words!(
    crate::utxo::ChangeHeuristic,
    "none" => crate::utxo::ChangeHeuristic::None,
    "fresh-address" => crate::utxo::ChangeHeuristic::FreshAddress
);
from_words!(crate::utxo::Side, "in" => crate::utxo::Side::Input, "out" => crate::utxo::Side::Output);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::Amount;
    use crate::view::{OwnedGraph, Transfer};

    fn graph() -> OwnedGraph {
        let t = |from: &str, to: &str, asset: &str, tx: &str| Transfer {
            from: from.into(),
            to: to.into(),
            amount: Amount::from(5u128),
            block: 1,
            time: None,
            asset: asset.into(),
            tx: Some(tx.into()),
        };
        OwnedGraph::from_transfers(&[t("a", "b", "", "0x01"), t("b", "c", "0xTOKEN", "0x02")])
    }

    #[test]
    fn seeds_addresses_transactions_and_warnings() {
        let g = graph();
        let v = g.view();
        let list = parse_seeds(&v, "s.txt", "address\n# note\na,x\n\n0x02\nnowhere\n");
        assert_eq!(
            list.seeds.addresses,
            vec![v.lookup("a").unwrap_or(u32::MAX)]
        );
        assert_eq!(list.seeds.edges, vec![1]);
        assert_eq!(
            list.warnings,
            vec!["s.txt: line 6: nowhere is neither an address nor a transaction in the graph"]
        );
        assert!(parse_seeds(&v, "s.txt", "nowhere\n").is_empty());
    }

    #[test]
    fn option_words() {
        use crate::trace::TaintModel;
        assert_eq!("TIHO".parse::<TaintModel>(), Ok(TaintModel::Tiho));
        assert_eq!(
            "lifo".parse::<TaintModel>().map_err(|e| e.to_string()),
            Err("\"lifo\" is not one of: fifo, haircut, poison, tiho".into())
        );
    }

    #[test]
    fn nodes_and_assets() {
        let g = graph();
        let v = g.view();
        assert_eq!(node(&v, "c"), Ok(2));
        assert_eq!(node(&v, "d"), Err(QueryError::UnknownAddress("d".into())));
        assert_eq!(asset(&v, None), Ok(None));
        assert_eq!(asset(&v, Some("NATIVE")), Ok(Some(0)));
        assert_eq!(asset(&v, Some("0xtoken")), Ok(Some(1)));
        assert_eq!(
            asset(&v, Some("0xother")).map_err(|e| e.to_string()),
            Err("asset \"0xother\" does not occur in the graph".into())
        );
    }
}
