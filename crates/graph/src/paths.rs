//! Paths between two addresses: the shortest (fewest hops) and the top k by amount.
//!
//! # Semantics
//!
//! Paths follow transfers forwards (sender to receiver) and ignore time: they answer "how are
//! these two connected", not "could this money have flowed" (use exposure or trace for that).
//!
//! - **Shortest**: breadth-first over out-edges; among equally short paths, the one found first
//!   when neighbours are visited in chronological edge order. Each hop is one transfer.
//! - **Top k**: over the address graph with parallel transfers summed per (sender, receiver), the
//!   k simple paths (no repeated address) of at most `max_hops` hops with the highest score:
//!   - [`PathScore::Bottleneck`]: the smallest summed amount along the path (how much could have
//!     gone all the way), compared exactly;
//!   - [`PathScore::Product`]: the product of haircut shares, each hop's summed amount divided by
//!     everything its sender sent (the fraction of the sender's outflow the hop represents).
//!
//!   Both scores only fall as a path grows, so a best-first search that pops partial paths in
//!   score order emits complete paths in score order; ties go to the path pushed first.
//!   `max_expansions` bounds the work on dense graphs; the report says when it was reached.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use serde::Serialize;

use crate::amount::Total;
use crate::build::FxMap;
use crate::view::{EdgeInfo, GraphRef, NodeId};

/// How top-k paths are ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PathScore {
    /// Maximise the smallest hop amount.
    Bottleneck,
    /// Maximise the product of per-hop shares of the sender's outflow.
    Product,
}

/// Parameters of a path query.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathConfig {
    /// Longest path considered, in hops.
    pub max_hops: u32,
    /// Number of top paths.
    pub k: usize,
    /// Ranking.
    pub score: PathScore,
    /// Only edges of this asset id.
    pub asset: Option<u32>,
    /// Partial paths the top-k search may create before giving up.
    pub max_expansions: u64,
}

impl PathConfig {
    /// Defaults: 6 hops, k = 5, bottleneck, all assets, 1,000,000 expansions.
    pub fn defaults() -> PathConfig {
        PathConfig {
            max_hops: 6,
            k: 5,
            score: PathScore::Bottleneck,
            asset: None,
            max_expansions: 1_000_000,
        }
    }
}

/// The answer to a path query.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathReport {
    /// Start address.
    pub from: String,
    /// End address.
    pub to: String,
    /// The parameters.
    pub config: PathConfig,
    /// The fewest-hop path as transfers, if one exists within `max_hops`.
    pub shortest: Option<Vec<EdgeInfo>>,
    /// The top-k paths, best first.
    pub top: Vec<ScoredPath>,
    /// Whether the top-k search stopped at `max_expansions` (the list may then be incomplete).
    pub truncated: bool,
}

/// One ranked path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoredPath {
    /// Smallest hop amount.
    pub bottleneck: Total,
    /// Product of per-hop shares.
    pub share: f64,
    /// Number of hops.
    pub hops: u32,
    /// The hops, in order.
    pub steps: Vec<PathHop>,
}

/// One hop of a ranked path: all transfers from one address to the next.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathHop {
    /// Sender.
    pub from: String,
    /// Receiver.
    pub to: String,
    /// Sum of the transfers.
    pub amount: Total,
    /// Number of transfers.
    pub transfers: u64,
    /// Share of everything the sender sent.
    pub share: f64,
    /// First and last block of those transfers.
    pub blocks: (u64, u64),
}

/// Finds the shortest and the top-k paths from `from` to `to`.
pub fn paths(g: &GraphRef<'_>, from: NodeId, to: NodeId, cfg: &PathConfig) -> PathReport {
    let (top, truncated) = top_k(g, from, to, cfg);
    PathReport {
        from: g.address(from).to_owned(),
        to: g.address(to).to_owned(),
        config: cfg.clone(),
        shortest: shortest(g, from, to, cfg),
        top,
        truncated,
    }
}

/// The fewest-hop path as a list of transfers.
pub fn shortest(
    g: &GraphRef<'_>,
    from: NodeId,
    to: NodeId,
    cfg: &PathConfig,
) -> Option<Vec<EdgeInfo>> {
    if from == to {
        return Some(Vec::new());
    }
    let mut parent: FxMap<NodeId, (NodeId, u64, u32)> = FxMap::default();
    let mut queue = VecDeque::from([(from, 0u32)]);
    parent.insert(from, (from, u64::MAX, 0));
    while let Some((u, d)) = queue.pop_front() {
        if d >= cfg.max_hops {
            continue;
        }
        let (nbrs, eids) = g.out.edges(u);
        for (&v, &e) in nbrs.iter().zip(eids) {
            if cfg.asset.is_some_and(|a| g.asset[e as usize] != a) || parent.contains_key(&v) {
                continue;
            }
            parent.insert(v, (u, e, d + 1));
            if v == to {
                let mut edges = Vec::new();
                let mut x = v;
                while x != from {
                    let (p, e, _) = parent[&x];
                    edges.push(e);
                    x = p;
                }
                edges.reverse();
                return Some(edges.into_iter().map(|e| g.edge_info(e)).collect());
            }
            queue.push_back((v, d + 1));
        }
    }
    None
}

#[derive(Clone)]
struct Agg {
    to: NodeId,
    amount: Total,
    count: u64,
    share: f64,
    blocks: (u64, u64),
}

/// Out-neighbours of `u` with parallel transfers summed, sorted by neighbour id.
fn aggregated(g: &GraphRef<'_>, u: NodeId, asset: Option<u32>) -> Vec<Agg> {
    let (nbrs, eids) = g.out.edges(u);
    let mut list: Vec<(NodeId, u64)> = nbrs
        .iter()
        .zip(eids)
        .filter(|(_, e)| asset.is_none_or(|a| g.asset[**e as usize] == a))
        .map(|(&v, &e)| (v, e))
        .collect();
    list.sort_unstable();
    let mut out: Vec<Agg> = Vec::new();
    let mut total = 0.0f64;
    for (v, e) in list {
        let amt = g.amount(e);
        let b = g.block[e as usize];
        total += amt.to_f64();
        match out.last_mut() {
            Some(last) if last.to == v => {
                last.amount = last.amount.add_amount(amt);
                last.count += 1;
                last.blocks = (last.blocks.0.min(b), last.blocks.1.max(b));
            }
            _ => out.push(Agg {
                to: v,
                amount: Total::from(amt),
                count: 1,
                share: 0.0,
                blocks: (b, b),
            }),
        }
    }
    for a in &mut out {
        a.share = if total > 0.0 {
            a.amount.to_f64() / total
        } else {
            0.0
        };
    }
    out
}

struct Partial {
    node: NodeId,
    parent: u32,
    hops: u32,
    bottleneck: Total,
    share: f64,
    /// Index into the parent's aggregated list, for the hop details.
    via: u32,
}

struct Item {
    score_amount: Total,
    score_share: f64,
    by_share: bool,
    idx: u32,
}

impl PartialEq for Item {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Item {}
impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Item {
    fn cmp(&self, other: &Self) -> Ordering {
        let primary = if self.by_share {
            self.score_share.total_cmp(&other.score_share)
        } else {
            self.score_amount.cmp(&other.score_amount)
        };
        // Max-heap: higher score first, then the earlier pushed (smaller index).
        primary.then(other.idx.cmp(&self.idx))
    }
}

fn top_k(g: &GraphRef<'_>, from: NodeId, to: NodeId, cfg: &PathConfig) -> (Vec<ScoredPath>, bool) {
    if cfg.k == 0 || from == to {
        return (Vec::new(), false);
    }
    let by_share = cfg.score == PathScore::Product;
    let mut cache: FxMap<NodeId, Vec<Agg>> = FxMap::default();
    let mut arena = vec![Partial {
        node: from,
        parent: u32::MAX,
        hops: 0,
        bottleneck: Total::MAX,
        share: 1.0,
        via: 0,
    }];
    let mut heap = BinaryHeap::from([Item {
        score_amount: arena[0].bottleneck,
        score_share: 1.0,
        by_share,
        idx: 0,
    }]);
    let mut found = Vec::new();
    let mut truncated = false;
    while let Some(item) = heap.pop() {
        let p = &arena[item.idx as usize];
        if p.node == to {
            found.push(item.idx);
            if found.len() == cfg.k {
                break;
            }
            continue;
        }
        if p.hops >= cfg.max_hops {
            continue;
        }
        let (u, hops, bottleneck, share) = (p.node, p.hops, p.bottleneck, p.share);
        let on_path = path_nodes(&arena, item.idx);
        let nbrs = cache
            .entry(u)
            .or_insert_with(|| aggregated(g, u, cfg.asset))
            .clone();
        for (i, a) in nbrs.iter().enumerate() {
            if on_path.contains(&a.to) || a.amount.is_zero() {
                continue;
            }
            if arena.len() as u64 >= cfg.max_expansions {
                truncated = true;
                break;
            }
            let idx = arena.len() as u32;
            arena.push(Partial {
                node: a.to,
                parent: item.idx,
                hops: hops + 1,
                bottleneck: bottleneck.min(a.amount),
                share: share * a.share,
                via: i as u32,
            });
            heap.push(Item {
                score_amount: bottleneck.min(a.amount),
                score_share: share * a.share,
                by_share,
                idx,
            });
        }
        if truncated {
            break;
        }
    }
    let paths = found
        .into_iter()
        .map(|idx| {
            let mut chain = Vec::new();
            let mut i = idx;
            while arena[i as usize].parent != u32::MAX {
                chain.push(i);
                i = arena[i as usize].parent;
            }
            chain.reverse();
            let steps = chain
                .iter()
                .map(|&c| {
                    let p = &arena[c as usize];
                    let parent = arena[p.parent as usize].node;
                    let a = &cache[&parent][p.via as usize];
                    PathHop {
                        from: g.address(parent).to_owned(),
                        to: g.address(a.to).to_owned(),
                        amount: a.amount,
                        transfers: a.count,
                        share: a.share,
                        blocks: a.blocks,
                    }
                })
                .collect();
            let p = &arena[idx as usize];
            ScoredPath {
                bottleneck: p.bottleneck,
                share: p.share,
                hops: p.hops,
                steps,
            }
        })
        .collect();
    (paths, truncated)
}

fn path_nodes(arena: &[Partial], mut idx: u32) -> Vec<NodeId> {
    let mut out = Vec::new();
    while idx != u32::MAX {
        out.push(arena[idx as usize].node);
        idx = arena[idx as usize].parent;
    }
    out
}
