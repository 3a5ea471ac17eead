//! The vendor-style exposure walk of `chain.md` §5: how much of a wallet's incoming (source of
//! funds) or outgoing (destination) value traces to labelled categories within a hop limit.
//!
//! # Semantics
//!
//! The walk follows **time-respecting paths** with **haircut shares**. For the incoming direction,
//! the target holds mass 1 at the end of the window. A node `u` reached through an edge `e_out`
//! (its outflow towards the target) passes its mass to the in-edges that arrived **strictly
//! before** `e_out` (edge ids are the chronological order, so ties cannot happen), each in
//! proportion to its amount: `c = m · w(e) / R(u, e_out)` with `R(u, e_out)` the total `u`
//! received before `e_out`. The target counts every in-edge in the window. Outgoing is the mirror
//! image: edges strictly after the inflow, shares of the total sent after it.
//!
//! When mass reaches a labelled node, its category is credited with the mass (hop 1 = direct,
//! hop > 1 = indirect). Labelled nodes in the stop set are not expanded (services are stopping
//! points). Otherwise the mass continues, unless it is below epsilon (cut by epsilon), the node
//! has more edges than the degree cap (cut by the cap), the hop limit is reached (cut by hops),
//! or the node received nothing earlier (no prior flow: funds minted, mined or from outside the
//! data). Every unit of mass ends in exactly one category or one of these four remainders, so
//! with the default stop rule (every labelled node stops) the shares add up to 1.
//!
//! # Order of the cuts
//!
//! Mass arriving at a node `v` over an edge (aggregated per level, see below) meets the rules
//! in this order, and the first that applies takes it:
//!
//! 1. `v` is labelled: its category is credited with the mass, whatever its size (a label is
//!    never lost to epsilon); if `v` stops the walk, the mass ends here.
//! 2. The mass is below epsilon: cut by epsilon.
//! 3. The mass has travelled `max_hops` hops: cut by the hop limit (even if `v` is over the
//!    degree cap or has no earlier inflow).
//! 4. When `v` is expanded (never the target itself): more edges in the walk direction than the
//!    degree cap, counting all of them (outside the block window and of other assets too): cut
//!    by the cap.
//! 5. Nothing eligible arrived at `v` before (incoming) or left after (outgoing): no prior flow.
//!
//! Example, incoming to `t` with epsilon 0.3, for `x→b 5`, `y→b 5` (block 0), `a→t 1`
//! (block 1), `b→t 3` (block 2): a's 0.25 is cut by epsilon and b's 0.75 by the hop limit at
//! one hop, by a degree cap of 1 at two hops (b has two in-edges), by the hop limit at two hops
//! without a cap (0.375 at each of x and y), and counts as no prior flow at three. Labelling
//! `a` credits its 0.25 to the label instead of epsilon.
//!
//! # Other choices
//!
//! - **The target's own label** is reported as `target_label` (ownership, not exposure), and the
//!   walk still starts: a labelled target can be **its own counterparty through a cycle**. The
//!   exchange `t` with `t→a 10`, `a→t 10` has incoming exposure 1.0 to `exchange`, reached at hop
//!   2, counterparty `t`: the funds came from itself.
//! - **Order is edge order**: block, then input row within a block. The `time` column is kept
//!   and shown but never orders anything, so two transfers of one block count as earlier and
//!   later by their rows (`a→m` then `m→b` in one block: b's inflow traces to a whatever their
//!   times say).
//! - **The total** is an exact 320-bit sum ([`Total`]): a target that received more than
//!   2^256 − 1 in all reports the true figure; category amounts are `share × total` in `f64`.
//! - Shares are `f64`; the epsilon test compares a float, so a mass within rounding of epsilon
//!   may fall either way.
//!
//! Mass is aggregated per edge rather than per path: a state is (node, the edge that reached it),
//! and all states of a node are expanded in one scan of its edges using suffix sums, so the cost
//! of a level is the sum of the degrees of the nodes in the frontier. The result equals the sum
//! over all time-respecting paths of the product of their shares (tested against a brute-force
//! path enumeration); epsilon pruning applies to the per-edge aggregate.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::amount::Total;
use crate::labels::{NodeLabel, NodeLabels};
use crate::view::{EdgeInfo, GraphRef, NodeId};

/// Which way funds are followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Source of funds: walk backwards along in-edges.
    In,
    /// Destination of funds: walk forwards along out-edges.
    Out,
}

/// Which labelled nodes end the walk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopRule {
    /// Every labelled node is a stopping point (the default; shares then add up to 1).
    AllLabelled,
    /// Only nodes of these categories stop; other labelled nodes are credited and passed through,
    /// so shares may add up to more than 1.
    Categories(Vec<String>),
}

impl StopRule {
    /// The rule of a `--stop-at` list: every labelled node when it is empty.
    pub fn from_categories(categories: Vec<String>) -> StopRule {
        if categories.is_empty() {
            StopRule::AllLabelled
        } else {
            StopRule::Categories(categories)
        }
    }
}

/// Parameters of one walk; echoed in the report so every figure says how it was made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExposureConfig {
    /// Direction.
    pub direction: Direction,
    /// Maximum number of hops from the target.
    pub max_hops: u32,
    /// Mass below this is dropped (and reported as cut by epsilon).
    pub epsilon: f64,
    /// Nodes with more edges than this (in the walk direction) are not expanded.
    pub degree_cap: Option<u64>,
    /// First block of the window.
    pub from_block: Option<u64>,
    /// Last block of the window.
    pub to_block: Option<u64>,
    /// Only edges of this asset id (`None`: all edges, meaningful for single-asset graphs).
    pub asset: Option<u32>,
    /// Which labelled nodes stop the walk.
    pub stop: StopRule,
    /// Counterparties listed per category in the report.
    pub max_counterparties: usize,
}

impl ExposureConfig {
    /// Our defaults (none is a vendor figure): 4 hops, epsilon 1e-4, degree cap 100,000, the whole
    /// history, all assets, stop at every labelled node, 10 counterparties per category.
    pub fn defaults(direction: Direction) -> ExposureConfig {
        ExposureConfig {
            direction,
            max_hops: 4,
            epsilon: 1e-4,
            degree_cap: Some(100_000),
            from_block: None,
            to_block: None,
            asset: None,
            stop: StopRule::AllLabelled,
            max_counterparties: 10,
        }
    }
}

/// The result of a walk.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExposureReport {
    /// The wallet analysed.
    pub target: String,
    /// The target's own label, if any (ownership rather than exposure).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_label: Option<NodeLabel>,
    /// The parameters.
    pub config: ExposureConfig,
    /// Total received (incoming) or sent (outgoing) by the target in the window, exact (a
    /// 320-bit sum: it may exceed 2^256 − 1 and never clamps).
    pub total: Total,
    /// Exposure per category, largest share first.
    pub categories: Vec<CategoryExposure>,
    /// Sum of the category shares.
    pub attributed_share: f64,
    /// What the walk could not attribute, by reason.
    pub unattributed: Unattributed,
    /// Edges read, a measure of cost.
    pub edges_scanned: u64,
    /// Frontier states created.
    pub states: u64,
}

/// Mass the walk did not attribute, as shares of the target's total.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Unattributed {
    /// Sum of the four reasons.
    pub total: f64,
    /// Still travelling when the hop limit was reached.
    pub hop_limit: f64,
    /// Dropped because below epsilon.
    pub epsilon: f64,
    /// At nodes over the degree cap.
    pub degree_cap: f64,
    /// At nodes with no earlier inflow (incoming) or later outflow (outgoing) in the data.
    pub no_flow: f64,
}

/// Exposure to one category.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryExposure {
    /// The category.
    pub category: String,
    /// Share of the target's total.
    pub share: f64,
    /// `share × total`, in base units (approximate).
    pub amount: f64,
    /// Share through direct counterparties (hop 1).
    pub direct_share: f64,
    /// Share through intermediaries (hop > 1).
    pub indirect_share: f64,
    /// Fewest hops to a node of this category.
    pub min_hop: u32,
    /// Labelled nodes of this category reached.
    pub counterparty_count: usize,
    /// The largest counterparties with the dominant path to each.
    pub counterparties: Vec<Counterparty>,
}

/// One labelled node reached.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Counterparty {
    /// Its address.
    pub address: String,
    /// Its label.
    pub label: NodeLabel,
    /// Share of the target's total attributed to it.
    pub share: f64,
    /// `share × total` (approximate).
    pub amount: f64,
    /// Fewest hops at which it was reached.
    pub min_hop: u32,
    /// The transfers of the largest single contribution, in the direction money moved.
    pub path: Vec<EdgeInfo>,
}

#[derive(Clone, Copy)]
struct State {
    node: NodeId,
    /// The ordering key of the edge that reached the node: eligible edges have smaller keys.
    bound: u64,
    mass: f64,
    parent: u32,
    edge: u64,
}

struct Hit {
    level: u32,
    node: NodeId,
    mass: f64,
    edge: u64,
    parent: u32,
}

/// Runs the walk from `target`.
pub fn exposure(
    g: &GraphRef<'_>,
    labels: &NodeLabels,
    target: NodeId,
    cfg: &ExposureConfig,
) -> ExposureReport {
    let csr = match cfg.direction {
        Direction::In => g.inc,
        Direction::Out => g.out,
    };
    let window = g.block_window(cfg.from_block, cfg.to_block);
    let stops = |v: NodeId| match (&cfg.stop, labels.get(v)) {
        (_, None) => false,
        (StopRule::AllLabelled, Some(_)) => true,
        (StopRule::Categories(c), Some(l)) => c.contains(&l.category),
    };
    let mut cut = Unattributed::default();
    let mut hits: Vec<Hit> = Vec::new();
    let mut levels: Vec<Vec<State>> = vec![vec![State {
        node: target,
        bound: u64::MAX,
        mass: 1.0,
        parent: u32::MAX,
        edge: u64::MAX,
    }]];
    let mut edges_scanned = 0u64;
    let mut states = 1u64;
    // Scratch buffers reused for every node.
    let mut scratch: Vec<(u64, NodeId, u64, f64)> = Vec::new();
    let mut total = Total::ZERO;

    for level in 0..cfg.max_hops {
        let cur = &levels[level as usize];
        if cur.is_empty() {
            break;
        }
        let mut order: Vec<u32> = (0..cur.len() as u32).collect();
        order.sort_unstable_by_key(|&i| (cur[i as usize].node, cur[i as usize].bound));
        let mut next: Vec<State> = Vec::new();
        let mut start = 0;
        while start < order.len() {
            let u = cur[order[start] as usize].node;
            let mut end = start;
            while end < order.len() && cur[order[end] as usize].node == u {
                end += 1;
            }
            let group = &order[start..end];
            start = end;
            let group_mass: f64 = group.iter().map(|&i| cur[i as usize].mass).sum();
            if level > 0 && cfg.degree_cap.is_some_and(|cap| csr.degree(u) > cap) {
                cut.degree_cap += group_mass;
                continue;
            }
            let max_bound = cur[group[group.len() - 1] as usize].bound;
            scratch.clear();
            let (nbrs, eids) = csr.edges(u);
            let mut push = |e: u64, v: NodeId, key: u64| {
                if e < window.start || e >= window.end {
                    return;
                }
                if cfg.asset.is_some_and(|a| g.asset[e as usize] != a) {
                    return;
                }
                scratch.push((key, v, e, g.amount_f64(e)));
                if level == 0 {
                    total = total.add_amount(g.amount(e));
                }
            };
            match cfg.direction {
                Direction::In => {
                    for (&v, &e) in nbrs.iter().zip(eids) {
                        if e >= max_bound {
                            break;
                        }
                        push(e, v, e);
                    }
                }
                Direction::Out => {
                    for (&v, &e) in nbrs.iter().zip(eids).rev() {
                        let key = u64::MAX - 1 - e;
                        if key >= max_bound {
                            break;
                        }
                        push(e, v, key);
                    }
                }
            }
            edges_scanned += scratch.len() as u64;
            // Per state: the total eligible before its bound, then its mass per unit received.
            let k = group.len();
            let mut ratio = vec![0.0f64; k];
            let mut acc = 0.0f64;
            let mut p = 0usize;
            for (j, &si) in group.iter().enumerate() {
                let b = cur[si as usize].bound;
                while p < scratch.len() && scratch[p].0 < b {
                    acc += scratch[p].3;
                    p += 1;
                }
                let m = cur[si as usize].mass;
                if acc > 0.0 {
                    ratio[j] = m / acc;
                } else {
                    cut.no_flow += m;
                }
            }
            // Suffix sums and suffix argmax over states: an edge with key x feeds every state
            // whose bound is greater than x.
            let mut suffix = vec![0.0f64; k + 1];
            let mut best = vec![usize::MAX; k + 1];
            for j in (0..k).rev() {
                suffix[j] = suffix[j + 1] + ratio[j];
                best[j] = if best[j + 1] == usize::MAX || ratio[j] > ratio[best[j + 1]] {
                    j
                } else {
                    best[j + 1]
                };
            }
            let mut j = 0usize;
            for &(key, v, e, w) in &scratch {
                while j < k && cur[group[j] as usize].bound <= key {
                    j += 1;
                }
                if j == k {
                    break;
                }
                let c = suffix[j] * w;
                if c <= 0.0 {
                    continue;
                }
                let parent = group[best[j]];
                states += 1;
                if labels.get(v).is_some() {
                    hits.push(Hit {
                        level: level + 1,
                        node: v,
                        mass: c,
                        edge: e,
                        parent,
                    });
                    if stops(v) {
                        continue;
                    }
                }
                if c < cfg.epsilon {
                    cut.epsilon += c;
                    continue;
                }
                next.push(State {
                    node: v,
                    bound: key,
                    mass: c,
                    parent,
                    edge: e,
                });
            }
        }
        levels.push(next);
    }
    if let Some(last) = levels.last()
        && levels.len() as u32 > cfg.max_hops
    {
        cut.hop_limit += last.iter().map(|s| s.mass).sum::<f64>();
    }
    cut.total = cut.hop_limit + cut.epsilon + cut.degree_cap + cut.no_flow;

    // Aggregate hits per category and counterparty; BTreeMaps keep the output deterministic.
    struct Agg {
        share: f64,
        min_hop: u32,
        best: usize,
    }
    let mut per_node: BTreeMap<NodeId, Agg> = BTreeMap::new();
    for (i, h) in hits.iter().enumerate() {
        let a = per_node.entry(h.node).or_insert(Agg {
            share: 0.0,
            min_hop: h.level,
            best: i,
        });
        a.share += h.mass;
        a.min_hop = a.min_hop.min(h.level);
        if h.mass > hits[a.best].mass {
            a.best = i;
        }
    }
    let total_f = total.to_f64();
    let mut cats: BTreeMap<&str, CategoryExposure> = BTreeMap::new();
    for h in &hits {
        let Some(label) = labels.get(h.node) else {
            continue;
        };
        let c = cats
            .entry(label.category.as_str())
            .or_insert_with(|| CategoryExposure {
                category: label.category.clone(),
                share: 0.0,
                amount: 0.0,
                direct_share: 0.0,
                indirect_share: 0.0,
                min_hop: h.level,
                counterparty_count: 0,
                counterparties: Vec::new(),
            });
        c.share += h.mass;
        if h.level == 1 {
            c.direct_share += h.mass;
        } else {
            c.indirect_share += h.mass;
        }
        c.min_hop = c.min_hop.min(h.level);
    }
    let mut by_cat: BTreeMap<&str, Vec<(NodeId, &Agg)>> = BTreeMap::new();
    for (&v, a) in &per_node {
        if let Some(l) = labels.get(v) {
            by_cat.entry(l.category.as_str()).or_default().push((v, a));
        }
    }
    for (cat, mut list) in by_cat {
        list.sort_by(|a, b| b.1.share.total_cmp(&a.1.share).then(a.0.cmp(&b.0)));
        if let Some(c) = cats.get_mut(cat) {
            c.counterparty_count = list.len();
            c.amount = c.share * total_f;
            for (v, a) in list.into_iter().take(cfg.max_counterparties) {
                let h = &hits[a.best];
                c.counterparties.push(Counterparty {
                    address: g.address(v).to_owned(),
                    label: labels.get(v).cloned().unwrap_or_else(|| NodeLabel {
                        category: cat.to_owned(),
                        label: String::new(),
                        source: String::new(),
                        cluster: None,
                    }),
                    share: a.share,
                    amount: a.share * total_f,
                    min_hop: a.min_hop,
                    path: rebuild_path(g, &levels, h, cfg.direction),
                });
            }
        }
    }
    let mut categories: Vec<CategoryExposure> = cats.into_values().collect();
    categories.sort_by(|a, b| {
        b.share
            .total_cmp(&a.share)
            .then(a.category.cmp(&b.category))
    });
    let attributed_share = categories.iter().map(|c| c.share).sum();
    ExposureReport {
        target: g.address(target).to_owned(),
        target_label: labels.get(target).cloned(),
        config: cfg.clone(),
        total,
        categories,
        attributed_share,
        unattributed: cut,
        edges_scanned,
        states,
    }
}

fn rebuild_path(
    g: &GraphRef<'_>,
    levels: &[Vec<State>],
    hit: &Hit,
    direction: Direction,
) -> Vec<EdgeInfo> {
    let mut edges = vec![hit.edge];
    let mut level = hit.level as usize - 1;
    let mut idx = hit.parent;
    while level > 0 {
        let s = levels[level][idx as usize];
        edges.push(s.edge);
        idx = s.parent;
        level -= 1;
    }
    if direction == Direction::Out {
        edges.reverse();
    }
    edges.into_iter().map(|e| g.edge_info(e)).collect()
}
