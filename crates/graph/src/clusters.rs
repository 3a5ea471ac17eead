//! Address clusters as slices, and the analyses at cluster level.
//!
//! A clusters directory ([`crate::storage::write_clusters`], opened with
//! [`crate::storage::MappedClusters`]) holds, per address: its cluster (the smallest address id
//! of the cluster), and its parent in a rooted forest of the joins that made the clusters (the
//! address it was joined to, the transaction that joined them and the heuristic). The joins of
//! [`crate::utxo::cluster`] form a spanning forest; rooting each tree at its cluster id makes the
//! evidence between any two members a walk up to their lowest common ancestor, `O(depth)`
//! without reading anything else.
//!
//! Cluster level means: a label (or a listed wallet) of one address counts for every address of
//! its cluster. [`ClustersRef::extend_labels`] carries labels to the other members that occur
//! in a transfer graph, [`ClustersRef::extend_seeds`] widens trace seeds, and
//! [`ListedClusters`] finds the listed addresses in a screened address's cluster. Evidence (the
//! transactions that join a member to the labelled address) is computed for what a report shows,
//! not for every member: a sanctioned address in an exchange-sized cluster labels millions.

use std::collections::BTreeMap;

use serde::Serialize;
use wallets::{AddressBook, ClusterJoin, ClusterLink, JoinReason};

use crate::exposure::ExposureReport;
use crate::input::canonical_address;
use crate::labels::{LabelRecord, NodeLabel, NodeLabels};
use crate::trace::Seeds;
use crate::utxo::Clustering;
use crate::view::{GraphRef, Strings};

/// The parent of a root, and the transaction of a root's missing join.
pub const NO_PARENT: u32 = u32::MAX;

/// How many cluster seeds a trace report lists with their evidence (all are counted).
pub const MAX_LISTED: usize = 50;

/// The joins of a clustering as a forest rooted at each cluster id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forest {
    /// Each address's parent; a root is its own parent.
    pub parent: Vec<u32>,
    /// The UTXO transaction of the join to the parent ([`NO_PARENT`] for roots).
    pub parent_tx: Vec<u32>,
    /// The heuristic of that join: 0 multi-input, 1 change.
    pub parent_reason: Vec<u8>,
}

impl Forest {
    /// Roots the joins of `c` (over `n` addresses) at each cluster id, breadth first.
    pub fn new(n: usize, c: &Clustering) -> Forest {
        let mut off = vec![0u64; n + 1];
        for j in &c.joins {
            off[j.a as usize + 1] += 1;
            off[j.b as usize + 1] += 1;
        }
        for i in 0..n {
            off[i + 1] += off[i];
        }
        let mut next = off[..n].to_vec();
        let mut adj = vec![0u32; off[n] as usize];
        for (k, j) in c.joins.iter().enumerate() {
            for end in [j.a, j.b] {
                adj[next[end as usize] as usize] = k as u32;
                next[end as usize] += 1;
            }
        }
        drop(next);
        let mut f = Forest {
            parent: (0..n as u32).collect(),
            parent_tx: vec![NO_PARENT; n],
            parent_reason: vec![0; n],
        };
        let mut queue = std::collections::VecDeque::new();
        for root in 0..n as u32 {
            if c.cluster[root as usize] != root {
                continue;
            }
            queue.push_back(root);
            while let Some(v) = queue.pop_front() {
                for &k in &adj[off[v as usize] as usize..off[v as usize + 1] as usize] {
                    let j = &c.joins[k as usize];
                    let w = if j.a == v { j.b } else { j.a };
                    if w == root || f.parent_tx[w as usize] != NO_PARENT {
                        continue;
                    }
                    f.parent[w as usize] = v;
                    f.parent_tx[w as usize] = j.tx;
                    f.parent_reason[w as usize] = u8::from(j.reason == JoinReason::Change);
                    queue.push_back(w);
                }
            }
        }
        f
    }
}

/// A seed address added because it shares a cluster with a seed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterSeed {
    /// The added seed.
    pub address: String,
    /// The seed of its cluster and the transactions that join them.
    pub cluster: ClusterLink,
}

/// A clusters directory as slices (see the module docs; the files are described in
/// [`crate::storage`]).
#[derive(Debug, Clone, Copy)]
pub struct ClustersRef<'a> {
    /// Canonical address of each id.
    pub addresses: Strings<'a>,
    /// Ids sorted by address, for lookup.
    pub address_order: &'a [u32],
    /// Cluster of each address: its smallest member's id.
    pub cluster: &'a [u32],
    /// Ids sorted by (cluster, id): each cluster's members are one run.
    pub members: &'a [u32],
    /// Parent in the join forest.
    pub parent: &'a [u32],
    /// Index into `txs` of the join to the parent, or [`NO_PARENT`].
    pub parent_tx: &'a [u32],
    /// Heuristic of that join (0 multi-input, 1 change).
    pub parent_reason: &'a [u8],
    /// The transactions that joined something, as the input spells them, in block order.
    pub txs: Strings<'a>,
    /// Their blocks.
    pub tx_block: &'a [u64],
}

impl<'a> ClustersRef<'a> {
    /// Number of addresses.
    pub fn len(&self) -> usize {
        self.cluster.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.cluster.is_empty()
    }

    /// The canonical address of id `a`.
    pub fn address(&self, a: u32) -> &'a str {
        self.addresses.get(a as usize)
    }

    /// The id of an address, canonicalised first.
    pub fn lookup(&self, address: &str) -> Option<u32> {
        self.lookup_key(&canonical_address(address).0)
    }

    /// The id of an address already in canonical form.
    pub fn lookup_key(&self, key: &str) -> Option<u32> {
        let i = self
            .address_order
            .partition_point(|&id| self.address(id) < key);
        let id = *self.address_order.get(i)?;
        (self.address(id) == key).then_some(id)
    }

    /// The cluster of address `a`.
    pub fn cluster_of(&self, a: u32) -> Option<u32> {
        self.cluster.get(a as usize).copied()
    }

    /// The members of cluster `c`, ascending (empty for an id that is no cluster).
    pub fn members(&self, c: u32) -> &'a [u32] {
        let key = |m: &u32| self.cluster.get(*m as usize).copied().unwrap_or(u32::MAX);
        let lo = self.members.partition_point(|m| key(m) < c);
        let hi = self.members.partition_point(|m| key(m) <= c);
        &self.members[lo..hi.max(lo)]
    }

    /// The path from `a` to its root (`a` first), cut at `len()` steps against corrupt files.
    fn up(&self, mut a: u32) -> Vec<u32> {
        let mut path = vec![a];
        while let Some(&p) = self.parent.get(a as usize) {
            if p == a || path.len() > self.len() {
                break;
            }
            path.push(p);
            a = p;
        }
        path
    }

    fn join(&self, child: u32, from: u32, to: u32) -> ClusterJoin {
        let t = self
            .parent_tx
            .get(child as usize)
            .copied()
            .unwrap_or(NO_PARENT);
        ClusterJoin {
            tx: self.txs.get(t as usize).to_owned(),
            block: self.tx_block.get(t as usize).copied().unwrap_or(0),
            from: self.address(from).to_owned(),
            to: self.address(to).to_owned(),
            reason: if self.parent_reason.get(child as usize) == Some(&1) {
                JoinReason::Change
            } else {
                JoinReason::MultiInput
            },
        }
    }

    /// The joins that connect `from` to `to`, in order from `from`; `None` when they are in
    /// different clusters, empty when `from == to`.
    pub fn explain(&self, from: u32, to: u32) -> Option<Vec<ClusterJoin>> {
        if self.cluster_of(from)? != self.cluster_of(to)? {
            return None;
        }
        let (mut uf, mut ut) = (self.up(from), self.up(to));
        // Drop the common part above the lowest common ancestor.
        while uf.len() > 1 && ut.len() > 1 && uf[uf.len() - 2] == ut[ut.len() - 2] {
            uf.pop();
            ut.pop();
        }
        let mut out = Vec::new();
        for w in uf.windows(2) {
            out.push(self.join(w[0], w[0], w[1]));
        }
        for w in ut.windows(2).rev() {
            out.push(self.join(w[0], w[1], w[0]));
        }
        Some(out)
    }

    /// The link of `member` to the labelled address `via`, with the evidence.
    pub fn link(&self, via: u32, member: u32) -> ClusterLink {
        ClusterLink {
            via: self.address(via).to_owned(),
            evidence: self.explain(via, member).unwrap_or_default(),
        }
    }

    /// Carries every record's label to the other members of its address's cluster that occur
    /// in `graph`, after the records themselves (a member's own label wins). The carried
    /// labels name the labelled address in `cluster.via`; their evidence is filled by
    /// [`explain_exposure`](Self::explain_exposure) for what a report shows. Returns how
    /// many nodes got a cluster label.
    pub fn extend_labels(
        &self,
        graph: &GraphRef<'_>,
        records: &[LabelRecord],
        labels: &mut NodeLabels,
    ) -> usize {
        let mut added = 0;
        for r in records {
            let Some(a) = self.lookup(&r.address) else {
                continue;
            };
            let c = self.cluster[a as usize];
            for &m in self.members(c).iter().filter(|&&m| m != a) {
                let Some(v) = graph.lookup_key(self.address(m)) else {
                    continue;
                };
                if labels.get(v).is_some() {
                    continue;
                }
                labels.insert(
                    v,
                    NodeLabel {
                        category: r.category.clone(),
                        label: format!("cluster of {}", self.address(a)),
                        source: r.source.clone(),
                        cluster: Some(ClusterLink {
                            via: self.address(a).to_owned(),
                            evidence: Vec::new(),
                        }),
                    },
                );
                added += 1;
            }
        }
        added
    }

    /// Fills the evidence of every cluster label an exposure report shows.
    pub fn explain_exposure(&self, report: &mut ExposureReport) {
        let fill = |address: &str, label: &mut NodeLabel| {
            if let Some(link) = &mut label.cluster
                && let (Some(v), Some(m)) = (self.lookup_key(&link.via), self.lookup_key(address))
            {
                link.evidence = self.explain(v, m).unwrap_or_default();
            }
        };
        if let Some(l) = &mut report.target_label {
            fill(&report.target, l);
        }
        for c in &mut report.categories {
            for cp in &mut c.counterparties {
                fill(&cp.address, &mut cp.label);
            }
        }
    }

    /// Adds the other members of every seed address's cluster that occur in `graph` as seeds;
    /// returns how many, and the first [`MAX_LISTED`] with their evidence.
    pub fn extend_seeds(
        &self,
        graph: &GraphRef<'_>,
        seeds: &mut Seeds,
    ) -> (usize, Vec<ClusterSeed>) {
        let original = seeds.addresses.clone();
        let mut listed = Vec::new();
        let mut count = 0;
        for &s in &original {
            let Some(a) = self.lookup_key(graph.address(s)) else {
                continue;
            };
            for &m in self.members(self.cluster[a as usize]) {
                let Some(v) = graph.lookup_key(self.address(m)) else {
                    continue;
                };
                if seeds.addresses.contains(&v) {
                    continue;
                }
                seeds.addresses.push(v);
                count += 1;
                if listed.len() < MAX_LISTED {
                    listed.push(ClusterSeed {
                        address: self.address(m).to_owned(),
                        cluster: self.link(a, m),
                    });
                }
            }
        }
        (count, listed)
    }
}

/// The listed and labelled addresses of an address book that occur in a clusters directory,
/// by cluster, for screening at cluster level.
#[derive(Debug, Clone, Default)]
pub struct ListedClusters {
    by_cluster: BTreeMap<u32, Vec<(u32, String)>>,
}

impl ListedClusters {
    /// Looks every address of `book` up in `clusters`.
    pub fn new(book: &AddressBook, clusters: &ClustersRef<'_>) -> ListedClusters {
        let mut by_cluster: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
        for listed in book.listed() {
            if let Some(a) = clusters.lookup(listed) {
                let entry = by_cluster.entry(clusters.cluster[a as usize]).or_default();
                if !entry.iter().any(|(b, _)| *b == a) {
                    entry.push((a, listed.to_owned()));
                }
            }
        }
        ListedClusters { by_cluster }
    }

    /// Number of clusters that hold a listed address.
    pub fn len(&self) -> usize {
        self.by_cluster.len()
    }

    /// Whether no listed address is in any cluster.
    pub fn is_empty(&self) -> bool {
        self.by_cluster.is_empty()
    }

    /// Adds to `report` a [`wallets::MatchKind::Cluster`] hit for every listed address in the
    /// screened address's cluster (other than itself), with the joining transactions.
    pub fn screen(
        &self,
        book: &AddressBook,
        clusters: &ClustersRef<'_>,
        report: &mut wallets::Report,
    ) {
        let key = report
            .canonical
            .clone()
            .unwrap_or_else(|| canonical_address(&report.address).0.into_owned());
        let Some(a) = clusters.lookup_key(&key) else {
            return;
        };
        let Some(listed) = self.by_cluster.get(&clusters.cluster[a as usize]) else {
            return;
        };
        for (l, text) in listed.iter().filter(|(l, _)| *l != a) {
            report
                .hits
                .extend(book.cluster_hits(text, &clusters.link(*l, a)));
        }
        report.hits.sort();
        report.hits.dedup();
    }
}
