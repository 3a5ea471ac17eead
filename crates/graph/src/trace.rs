//! Incident tracing: replay transfers in chain order and propagate taint forward from seeds
//! with one of the four models of `chain.md` §4, on the account model, per (address, asset).
//!
//! # Seeds
//!
//! A seed **address** is a taint source: everything it sends is fully tainted (the thief's
//! account). A seed **transfer** (given by transaction id) is fully tainted itself, whoever sent it.
//!
//! A seed given twice, or under two spellings of one address, is one seed. An account's `path`
//! follows first-taint links back to the nearest seed, address or transfer, so it has exactly
//! `hop` transfers: with seeds `z` and transaction `x2` in `z→a (x1), a→b (x2)`, b is at hop 1
//! with path `[x2]`.
//!
//! # Models, as implemented
//!
//! Every model computes on exact integers: amounts are `uint256` and every sum (balance,
//! tainted amount, received, FIFO lot) is a 320-bit [`Total`], which holds any sum of a graph's
//! transfers, so nothing clamps at 2^256 − 1.
//!
//! - **Poison**: once an (address, asset) receives taint, every later transfer of that asset
//!   from it is fully tainted.
//! - **Haircut**: per (address, asset) keep the balance `B` and the tainted part `T`; a transfer
//!   of `x` carries `⌊x · T / max(B, x)⌋` and `T` keeps the rest. Sending more than the known
//!   balance means history is missing; the missing part is treated as clean funds of unknown
//!   origin (so all of `T` leaves). Rounding is the only difference from the exact rational
//!   model, and it never loses taint: what a transfer does not carry stays with the sender, so
//!   the taint that left the seeds equals, to the base unit, the taint held plus the taint sent
//!   on. Each rounding moves less than one base unit, and a shortfall only spreads
//!   proportionally after that, so the figures of all accounts together differ from the exact
//!   rational haircut by less than two base units per tainted transfer (checked against exact
//!   rationals in `tests/it/reference.rs`). A share smaller than one
//!   base unit (one wei) is not carried at all. Example: `z→a M, a→b M−124` with seed `z`
//!   leaves exactly 124 tainted at `a`.
//! - **FIFO**: per (address, asset) a queue of lots (amount, tainted or clean); a transfer takes
//!   lots from the front; missing history is clean, as above. Adjacent lots of one kind merge.
//!   Example: `x→a M, x→a M, s→a 1, a→b M, a→c 1` with seed `s` leaves `c` clean (a holds 2M
//!   clean before the tainted 1).
//! - **TIHO** (taint in, highest out): per (address, asset) the tainted amount `T`; the
//!   transfers of one transaction from one sender in one asset are taken largest first, and
//!   each carries `min(x, T remaining)`. A **transaction** is every transfer with the same
//!   transaction id (compared as text) in the same block, wherever its rows were in the input;
//!   it is replayed at the position of its first transfer. A transaction id in two blocks is
//!   two transactions. This is our account-model reading of Tironsakkul et al. (2019).
//!   Example: rows `z→a 5 (x1, block 1)`, `a→c 3 (x2, block 2)`, `q→r 1 (x3, block 3)`,
//!   `a→b 4 (x2, block 2)` with seed `z` give b 4 and c 1.
//!
//! A seed transfer is fully tainted; it still draws on its sender's taint first (TIHO and
//! haircut reduce the sender's `T` by their usual share, FIFO consumes the sender's lots), so
//! seeding a transfer never duplicates taint the sender already held.
//!
//! Poison and TIHO need no balances and start at the first seed transfer (TIHO at the first
//! transfer of its block, where a transaction may begin); haircut and FIFO replay every
//! transfer from the start, since balances held before the incident decide how much of a later
//! transfer is tainted. Order is edge order: block, then input row within a block; the `time`
//! column is not used for ordering.

use std::collections::VecDeque;

use serde::Serialize;

use crate::amount::{Total, mul_div_floor};
use crate::build::FxMap;
use crate::view::{EdgeId, EdgeInfo, GraphRef, NO_TX, NodeId};

/// The taint propagation rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaintModel {
    /// Any taint taints everything after it.
    Poison,
    /// Proportional taint.
    Haircut,
    /// First in, first out.
    Fifo,
    /// Taint in, highest out.
    Tiho,
}

/// Parameters of a trace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceConfig {
    /// The model.
    pub model: TaintModel,
    /// Accounts listed in the report (all are counted).
    pub max_accounts: usize,
}

/// Where taint starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seeds {
    /// Taint sources: everything they send is tainted.
    pub addresses: Vec<NodeId>,
    /// Transfers tainted in full.
    pub edges: Vec<EdgeId>,
}

/// The result of a trace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceReport {
    /// The parameters.
    pub config: TraceConfig,
    /// Seed addresses.
    pub seed_addresses: Vec<String>,
    /// Number of seed transfers.
    pub seed_transfers: usize,
    /// Transfers replayed.
    pub transfers_replayed: u64,
    /// Transfers that carried taint.
    pub tainted_transfers: u64,
    /// Total taint that left the seeds (sum over tainted transfers out of seeds and seed
    /// transfers), approximate.
    pub seeded: f64,
    /// The same, exact.
    pub seeded_exact: Total,
    /// Tainted (address, asset) pairs, seeds excluded.
    pub account_count: usize,
    /// The most tainted accounts, largest first, with the path that first tainted each.
    pub accounts: Vec<TaintedAccount>,
    /// Seeds added because they share a UTXO cluster with a seed address (`--clusters`):
    /// how many, and the first [`crate::clusters::MAX_LISTED`] with their evidence.
    #[serde(skip_serializing_if = "is_zero")]
    pub cluster_seed_count: usize,
    /// See `cluster_seed_count`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cluster_seeds: Vec<crate::clusters::ClusterSeed>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// One tainted (address, asset).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaintedAccount {
    /// The address.
    pub address: String,
    /// The asset (`""` native).
    pub asset: String,
    /// Tainted amount received, as the nearest float.
    pub received: f64,
    /// The same, exact (every model computes on integers; see the module docs for haircut's
    /// rounding). Always present; an `Option` for the JSON contract's sake.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received_exact: Option<Total>,
    /// Tainted amount still held at the end, as the nearest float (not defined for poison).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held: Option<f64>,
    /// The same, exact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_exact: Option<Total>,
    /// Hops from a seed along first-taint links.
    pub hop: u32,
    /// The chain of transfers that first brought taint here, from the seed onwards.
    pub path: Vec<EdgeInfo>,
}

#[derive(Debug, Clone, Default)]
struct Info {
    received: Total,
    taint: Total,
    lots: Option<VecDeque<(Total, bool)>>,
    first_edge: u64,
    /// The replay step of the first taint: replay order is edge order except that a TIHO
    /// transaction replays at its first transfer, so steps, not edge ids, order the links.
    first_step: u64,
    hop: u32,
}

/// Per-(address, asset) values for every account: dense when that fits, else a hash map.
enum Table<T> {
    Dense { n: u64, v: Vec<T> },
    Sparse(FxMap<u64, T>),
}

impl<T: Default + Clone> Table<T> {
    fn new(nodes: u32, assets: usize) -> Table<T> {
        let n = u64::from(nodes);
        if n * (assets.max(1) as u64) <= 1 << 27 {
            Table::Dense {
                n,
                v: vec![T::default(); (n * assets.max(1) as u64) as usize],
            }
        } else {
            Table::Sparse(FxMap::default())
        }
    }

    fn get_mut(&mut self, node: NodeId, asset: u32) -> &mut T {
        match self {
            Table::Dense { n, v } => &mut v[(u64::from(asset) * *n + u64::from(node)) as usize],
            Table::Sparse(m) => m.entry(key(node, asset)).or_default(),
        }
    }
}

fn key(node: NodeId, asset: u32) -> u64 {
    (u64::from(asset) << 32) | u64::from(node)
}

/// TIHO's transactions within one block: every run of transfers with the same transaction id
/// (compared as text, so rows need not be adjacent), sender and asset is one group, replayed at
/// the position of its first transfer.
#[derive(Default)]
struct BlockGroups {
    /// The block's edge range.
    start: u64,
    end: u64,
    /// Per edge of the block: the group it belongs to (`u32::MAX`: alone).
    group_of: Vec<u32>,
    /// Members of each group, ascending edge ids.
    groups: Vec<Vec<u64>>,
}

impl BlockGroups {
    /// Rebuilds the groups for the block that contains edge `e`.
    fn load(&mut self, g: &GraphRef<'_>, e: u64) {
        let b = g.block[e as usize];
        self.start = g.block.partition_point(|&x| x < b) as u64;
        self.end = g.block.partition_point(|&x| x <= b) as u64;
        let mut keyed: Vec<(&str, u32, u32, u64)> = (self.start..self.end)
            .filter(|&f| g.tx[f as usize] != NO_TX)
            .map(|f| {
                let i = f as usize;
                (g.txs.get(g.tx[i] as usize), g.src[i], g.asset[i], f)
            })
            .collect();
        keyed.sort_unstable();
        self.group_of.clear();
        self.group_of
            .resize((self.end - self.start) as usize, u32::MAX);
        self.groups.clear();
        let mut i = 0;
        while i < keyed.len() {
            let mut j = i + 1;
            while j < keyed.len()
                && (keyed[j].0, keyed[j].1, keyed[j].2) == (keyed[i].0, keyed[i].1, keyed[i].2)
            {
                j += 1;
            }
            if j - i > 1 {
                let id = self.groups.len() as u32;
                for k in &keyed[i..j] {
                    self.group_of[(k.3 - self.start) as usize] = id;
                }
                self.groups.push(keyed[i..j].iter().map(|k| k.3).collect());
            }
            i = j;
        }
    }

    /// The transfers to replay at edge `e`: its whole group (largest amount first) when `e`
    /// leads it, nothing when `e` belongs to a group replayed earlier, else `e` alone.
    fn at(&self, g: &GraphRef<'_>, e: u64, out: &mut Vec<u64>) {
        out.clear();
        let gi = self.group_of[(e - self.start) as usize];
        if gi == u32::MAX {
            out.push(e);
            return;
        }
        let members = &self.groups[gi as usize];
        if members[0] != e {
            return;
        }
        out.extend_from_slice(members);
        out.sort_by(|&x, &y| g.amount(y).cmp(&g.amount(x)).then(x.cmp(&y)));
    }
}

/// Replays the graph's transfers and propagates taint from `seeds`.
pub fn trace(g: &GraphRef<'_>, seeds: &Seeds, cfg: &TraceConfig) -> TraceReport {
    let e_count = g.edge_count();
    let mut seed_addr = vec![false; g.node_count() as usize];
    // A seed given twice (or spelled two ways that resolve to one node) is one seed.
    let mut seed_list: Vec<NodeId> = Vec::new();
    for &a in &seeds.addresses {
        if let Some(s) = seed_addr.get_mut(a as usize) {
            if !*s {
                seed_list.push(a);
            }
            *s = true;
        }
    }
    let mut seed_edges: Vec<EdgeId> = seeds
        .edges
        .iter()
        .copied()
        .filter(|&e| e < e_count)
        .collect();
    seed_edges.sort_unstable();
    seed_edges.dedup();
    let first_seed = seed_list
        .iter()
        .filter_map(|&a| g.out.edges(a).1.first().copied())
        .chain(seed_edges.first().copied())
        .min()
        .unwrap_or(e_count);
    let start = match cfg.model {
        TaintModel::Poison => first_seed,
        // A transaction replays at its first transfer, which may precede the first seed
        // transfer in the same block, so TIHO starts at the block's first transfer.
        TaintModel::Tiho if first_seed < e_count => {
            let b = g.block[first_seed as usize];
            g.block.partition_point(|&x| x < b) as u64
        }
        TaintModel::Tiho => e_count,
        TaintModel::Haircut | TaintModel::Fifo => 0,
    };
    let mut info: FxMap<u64, Info> = FxMap::default();
    let mut balance: Table<Total> = match cfg.model {
        TaintModel::Haircut | TaintModel::Fifo => Table::new(g.node_count(), g.assets.len()),
        _ => Table::Sparse(FxMap::default()),
    };
    let mut tainted_transfers = 0u64;
    let mut seeded = Total::ZERO;
    let mut group: Vec<u64> = Vec::new();
    let mut blocks = BlockGroups::default();
    let mut segments: Vec<(Total, bool)> = Vec::new();
    let mut step = 0u64;

    for e in start..e_count {
        if cfg.model == TaintModel::Tiho {
            if e >= blocks.end {
                blocks.load(g, e);
            }
            blocks.at(g, e, &mut group);
        } else {
            group.clear();
            group.push(e);
        }
        for &edge in &group {
            step += 1;
            let i = edge as usize;
            let (s, d, a) = (g.src[i], g.dst[i], g.asset[i]);
            let is_seed_edge = !seed_edges.is_empty() && seed_edges.binary_search(&edge).is_ok();
            let from_seed = seed_addr[s as usize] || is_seed_edge;
            let x = g.amount(edge);
            let xt = Total::from(x);
            let ks = key(s, a);
            // What the transfer carries, exactly: at most its amount.
            let mut carried = Total::ZERO;
            segments.clear();
            match cfg.model {
                TaintModel::Poison => {
                    if from_seed || info.contains_key(&ks) {
                        carried = xt;
                    }
                }
                TaintModel::Tiho => {
                    if let Some(si) = info.get_mut(&ks) {
                        // A seed transfer draws on the sender's taint first, like any other.
                        let c = xt.min(si.taint);
                        si.taint = si.taint.sub_or_zero(c);
                        carried = c;
                    }
                    if from_seed {
                        carried = xt;
                    }
                }
                TaintModel::Haircut => {
                    let b = balance.get_mut(s, a);
                    let bal = *b;
                    *b = bal.sub_or_zero(xt);
                    if let Some(si) = info.get_mut(&ks) {
                        // x · T / max(B, x), rounded down; what is rounded off stays with the
                        // sender, so taint is conserved exactly.
                        let c = Total::from(mul_div_floor(x, si.taint, bal.max(xt)));
                        si.taint = si.taint.sub_or_zero(c);
                        carried = c;
                    }
                    if from_seed {
                        carried = xt;
                    }
                }
                TaintModel::Fifo => {
                    match info.get_mut(&ks).and_then(|si| si.lots.as_mut()) {
                        Some(lots) => {
                            let mut need = xt;
                            while !need.is_zero() {
                                let Some(front) = lots.front_mut() else {
                                    segments.push((need, false));
                                    break;
                                };
                                let take = need.min(front.0);
                                segments.push((take, front.1));
                                front.0 = front.0.sub_or_zero(take);
                                need = need.sub_or_zero(take);
                                if front.0.is_zero() {
                                    lots.pop_front();
                                }
                            }
                        }
                        None => {
                            let b = balance.get_mut(s, a);
                            *b = b.sub_or_zero(xt);
                            segments.push((xt, false));
                        }
                    }
                    if from_seed {
                        segments.clear();
                        segments.push((xt, true));
                    }
                    for &(amt, t) in &segments {
                        if t {
                            carried = carried.plus(amt);
                        }
                    }
                }
            }
            // Receiving side.
            let kd = key(d, a);
            let tainted = !carried.is_zero();
            if tainted {
                tainted_transfers += 1;
                if from_seed {
                    seeded = seeded.plus(carried);
                }
            }
            match cfg.model {
                TaintModel::Haircut => {
                    let b = balance.get_mut(d, a);
                    *b = b.plus(xt);
                }
                TaintModel::Fifo if !tainted => {
                    match info.get_mut(&kd).and_then(|r| r.lots.as_mut()) {
                        Some(lots) => push_lot(lots, xt, false),
                        None => {
                            let b = balance.get_mut(d, a);
                            *b = b.plus(xt);
                        }
                    }
                }
                _ => {}
            }
            if !tainted || seed_addr[d as usize] {
                continue;
            }
            let sender_hop = if from_seed {
                0
            } else {
                info.get(&ks).map_or(0, |i| i.hop)
            };
            let is_new = !info.contains_key(&kd);
            let r = info.entry(kd).or_default();
            if is_new {
                r.first_edge = edge;
                r.first_step = step;
                r.hop = sender_hop + 1;
            }
            r.received = r.received.plus(carried);
            match cfg.model {
                TaintModel::Poison => {}
                TaintModel::Tiho | TaintModel::Haircut => r.taint = r.taint.plus(carried),
                TaintModel::Fifo => {
                    let lots = r.lots.get_or_insert_with(|| {
                        let mut q = VecDeque::new();
                        let b = balance.get_mut(d, a);
                        if !b.is_zero() {
                            q.push_back((*b, false));
                        }
                        *b = Total::ZERO;
                        q
                    });
                    for &(amt, t) in &segments {
                        push_lot(lots, amt, t);
                    }
                }
            }
        }
    }

    let mut accounts: Vec<(u64, &Info)> = info
        .iter()
        .filter(|(k, _)| !seed_addr[(**k & 0xffff_ffff) as usize])
        .map(|(k, v)| (*k, v))
        .collect();
    accounts.sort_by(|a, b| b.1.received.cmp(&a.1.received).then(a.0.cmp(&b.0)));
    let account_count = accounts.len();
    let listed = accounts
        .iter()
        .take(cfg.max_accounts)
        .map(|&(k, i)| {
            let node = (k & 0xffff_ffff) as NodeId;
            let asset = (k >> 32) as u32;
            let held = match cfg.model {
                TaintModel::Poison => None,
                TaintModel::Haircut | TaintModel::Tiho => Some(i.taint),
                TaintModel::Fifo => Some(
                    i.lots
                        .iter()
                        .flatten()
                        .filter(|l| l.1)
                        .fold(Total::ZERO, |s, l| s.plus(l.0)),
                ),
            };
            TaintedAccount {
                address: g.address(node).to_owned(),
                asset: g.assets.get(asset as usize).cloned().unwrap_or_default(),
                received: i.received.to_f64(),
                received_exact: Some(i.received),
                held: held.map(Total::to_f64),
                held_exact: held,
                hop: i.hop,
                path: first_taint_path(g, &info, &seed_addr, &seed_edges, i),
            }
        })
        .collect();
    TraceReport {
        config: cfg.clone(),
        seed_addresses: seed_list.iter().map(|&a| g.address(a).to_owned()).collect(),
        seed_transfers: seed_edges.len(),
        transfers_replayed: e_count - start.min(e_count),
        tainted_transfers,
        seeded: seeded.to_f64(),
        seeded_exact: seeded,
        account_count,
        accounts: listed,
        cluster_seed_count: 0,
        cluster_seeds: Vec::new(),
    }
}

fn push_lot(lots: &mut VecDeque<(Total, bool)>, amount: Total, tainted: bool) {
    if amount.is_zero() {
        return;
    }
    // Adjacent lots of the same kind merge, so clean activity does not grow the queue; a lot is
    // a 320-bit sum, so merging never clamps.
    match lots.back_mut() {
        Some(last) if last.1 == tainted => last.0 = last.0.plus(amount),
        _ => lots.push_back((amount, tainted)),
    }
}

/// Follows first-taint links back to a seed address or a seed transfer, whichever comes first,
/// so the path has `hop` transfers. Each link was replayed strictly before the one after it (a
/// sender is tainted before it passes taint on), so the walk ends.
fn first_taint_path(
    g: &GraphRef<'_>,
    info: &FxMap<u64, Info>,
    seed_addr: &[bool],
    seed_edges: &[EdgeId],
    account: &Info,
) -> Vec<EdgeInfo> {
    let mut edges = vec![account.first_edge];
    let (mut e, mut step) = (account.first_edge, account.first_step);
    loop {
        let i = e as usize;
        let s = g.src[i];
        if seed_addr[s as usize] || seed_edges.binary_search(&e).is_ok() {
            break;
        }
        match info.get(&key(s, g.asset[i])) {
            Some(si) if si.first_step < step => {
                (e, step) = (si.first_edge, si.first_step);
                edges.push(e);
            }
            _ => break,
        }
    }
    edges.reverse();
    edges.into_iter().map(|e| g.edge_info(e)).collect()
}
