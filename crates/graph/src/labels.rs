//! Labels: address → category, resolved to graph nodes.
//!
//! Label files are parsed by `wallets::labels` (CSV, JSON lines, a JSON array or plain address
//! lists), the same parser address screening uses, so a label file means the same to both;
//! [`parse_file`] turns its rows into [`LabelRecord`]s.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::input::canonical_address;
use crate::view::{GraphRef, NodeId};

/// One label record as supplied by the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelRecord {
    /// The address as written.
    pub address: String,
    /// Chain, when given (informational; matching uses the canonical address).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub chain: String,
    /// Category, e.g. `exchange`, `mixer`, `sanctioned`, `stolen_funds`.
    pub category: String,
    /// Human-readable label, e.g. the service name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// Where the label comes from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
}

/// A label resolved to a node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NodeLabel {
    /// Category.
    pub category: String,
    /// Label text.
    pub label: String,
    /// Source.
    pub source: String,
    /// Set when the label was carried from another address of the node's UTXO cluster
    /// (`--clusters`): that address and, in reports, the transactions that join them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<wallets::ClusterLink>,
}

/// Labels keyed by node id; the first record for an address wins, later ones are counted.
#[derive(Debug, Clone, Default)]
pub struct NodeLabels {
    map: BTreeMap<NodeId, NodeLabel>,
    /// Records whose address is not in the graph.
    pub not_in_graph: usize,
    /// Records for an address that already had a label.
    pub duplicates: usize,
}

impl NodeLabels {
    /// Resolves records against the graph's address dictionary.
    pub fn resolve(graph: &GraphRef<'_>, records: &[LabelRecord]) -> NodeLabels {
        let mut labels = NodeLabels::default();
        for r in records {
            match graph.lookup(&r.address) {
                Some(v) => labels.insert(
                    v,
                    NodeLabel {
                        category: r.category.clone(),
                        label: r.label.clone(),
                        source: r.source.clone(),
                        cluster: None,
                    },
                ),
                None => labels.not_in_graph += 1,
            }
        }
        labels
    }

    /// Adds a label; the first label of a node wins.
    pub fn insert(&mut self, node: NodeId, label: NodeLabel) {
        match self.map.entry(node) {
            std::collections::btree_map::Entry::Occupied(_) => self.duplicates += 1,
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(label);
            }
        }
    }

    /// The label of a node.
    pub fn get(&self, node: NodeId) -> Option<&NodeLabel> {
        self.map.get(&node)
    }

    /// Number of labelled nodes.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there are no labels.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Parses a label file (CSV, JSON lines or one address per line) into records with lower-case
/// categories; `default_category` applies to rows and plain lists that name none. Rows that
/// cannot be used become diagnostics naming `name` and the line.
pub fn parse_file(
    name: &str,
    bytes: &[u8],
    default_category: &str,
) -> (Vec<LabelRecord>, Vec<model::Diagnostic>) {
    let (labels, diagnostics) = wallets::labels::parse(name, bytes, default_category);
    let records = labels
        .into_iter()
        .map(|l| LabelRecord {
            address: l.address,
            chain: l.chain.unwrap_or_default(),
            category: l.category.to_ascii_lowercase(),
            label: l.label,
            source: l.source,
        })
        .collect();
    (records, diagnostics)
}

/// Canonical form of a label's address, as the graph stores it.
pub fn label_key(address: &str) -> String {
    canonical_address(address).0.into_owned()
}
