//! Incident tracing: replay transfers in chain order and propagate taint forward from seeds
//! with one of the four models of `chain.md` §4, on the account model, per (address, asset).
//!
//! # Seeds
//!
//! A seed **address** is a taint source: everything it sends is fully tainted (the thief's
//! account). A seed **transfer** (given by transaction id) is fully tainted itself, whoever sent it.
//!
//! # Models, as implemented
//!
//! - **Poison**: once an (address, asset) receives taint, every later transfer of that asset
//!   from it is fully tainted.
//! - **Haircut**: per (address, asset) keep the balance `B` and the tainted part `T`; a transfer
//!   of `x` carries `x · T / max(B, x)`. Sending more than the known balance means history
//!   is missing; the missing part is treated as clean funds of unknown origin. Floats (`f64`).
//! - **FIFO**: per (address, asset) a queue of lots (amount, tainted or clean); a transfer takes
//!   lots from the front; missing history is clean, as above. Exact integers.
//! - **TIHO** (taint in, highest out): per (address, asset) the tainted amount `T`; consecutive
//!   transfers of one transaction from one sender in one asset are taken largest first, and each
//!   carries `min(x, T remaining)`. This is our account-model reading of Tironsakkul et al. (2019).
//!   Exact integers.
//!
//! Poison and TIHO need no balances and start at the first seed transfer; haircut and FIFO
//! replay every transfer from the start, since balances held before the incident decide how
//! much of a later transfer is tainted.

use std::collections::VecDeque;

use serde::Serialize;

use crate::amount::Amount;
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
    /// Total taint that left the seeds (sum over tainted transfers out of seeds and seed transfers).
    pub seeded: f64,
    /// Tainted (address, asset) pairs, seeds excluded.
    pub account_count: usize,
    /// The most tainted accounts, largest first, with the path that first tainted each.
    pub accounts: Vec<TaintedAccount>,
}

/// One tainted (address, asset).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaintedAccount {
    /// The address.
    pub address: String,
    /// The asset (`""` native).
    pub asset: String,
    /// Tainted amount received (approximate for haircut).
    pub received: f64,
    /// The same, exact, for the integer models (poison, FIFO, TIHO).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received_exact: Option<Amount>,
    /// Tainted amount still held at the end (not defined for poison).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held: Option<f64>,
    /// Hops from a seed along first-taint links.
    pub hop: u32,
    /// The chain of transfers that first brought taint here, from the seed onwards.
    pub path: Vec<EdgeInfo>,
}

#[derive(Debug, Clone, Default)]
struct Info {
    received: Amount,
    received_f: f64,
    taint: Amount,
    taint_f: f64,
    lots: Option<VecDeque<(Amount, bool)>>,
    first_edge: u64,
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

/// Replays the graph's transfers and propagates taint from `seeds`.
pub fn trace(g: &GraphRef<'_>, seeds: &Seeds, cfg: &TraceConfig) -> TraceReport {
    let e_count = g.edge_count();
    let mut seed_addr = vec![false; g.node_count() as usize];
    for &a in &seeds.addresses {
        if let Some(s) = seed_addr.get_mut(a as usize) {
            *s = true;
        }
    }
    let mut seed_edges: Vec<EdgeId> = seeds.edges.clone();
    seed_edges.sort_unstable();
    seed_edges.dedup();
    let first_seed = seeds
        .addresses
        .iter()
        .filter_map(|&a| g.out.edges(a).1.first().copied())
        .chain(seed_edges.first().copied())
        .min()
        .unwrap_or(e_count);
    let start = match cfg.model {
        TaintModel::Poison | TaintModel::Tiho => first_seed,
        TaintModel::Haircut | TaintModel::Fifo => 0,
    };
    let mut info: FxMap<u64, Info> = FxMap::default();
    let mut balance_f: Table<f64> = match cfg.model {
        TaintModel::Haircut => Table::new(g.node_count(), g.assets.len()),
        _ => Table::Sparse(FxMap::default()),
    };
    let mut balance: Table<Amount> = match cfg.model {
        TaintModel::Fifo => Table::new(g.node_count(), g.assets.len()),
        _ => Table::Sparse(FxMap::default()),
    };
    let mut tainted_transfers = 0u64;
    let mut seeded = 0.0f64;
    let mut group: Vec<u64> = Vec::new();

    let mut e = start;
    while e < e_count {
        // TIHO takes a run of one sender's transfers in one transaction, largest first.
        group.clear();
        group.push(e);
        if cfg.model == TaintModel::Tiho && g.tx[e as usize] != NO_TX {
            let (tx, s, a) = (g.tx[e as usize], g.src[e as usize], g.asset[e as usize]);
            let mut f = e + 1;
            while f < e_count
                && g.tx[f as usize] == tx
                && g.src[f as usize] == s
                && g.asset[f as usize] == a
            {
                group.push(f);
                f += 1;
            }
            group.sort_by(|&x, &y| g.amount(y).cmp(&g.amount(x)).then(x.cmp(&y)));
        }
        let advance = group.len() as u64;
        for &edge in &group {
            let i = edge as usize;
            let (s, d, a) = (g.src[i], g.dst[i], g.asset[i]);
            let is_seed_edge = !seed_edges.is_empty() && seed_edges.binary_search(&edge).is_ok();
            let from_seed = seed_addr[s as usize] || is_seed_edge;
            let x = g.amount(edge);
            let xf = x.to_f64();
            let ks = key(s, a);
            // What the transfer carries: exact for the integer models, float for haircut.
            let mut carried = Amount::ZERO;
            let mut carried_f = 0.0f64;
            let mut segments: Vec<(Amount, bool)> = Vec::new();
            match cfg.model {
                TaintModel::Poison => {
                    if from_seed || info.contains_key(&ks) {
                        carried = x;
                        carried_f = xf;
                    }
                }
                TaintModel::Tiho => {
                    if from_seed {
                        carried = x;
                    } else if let Some(si) = info.get_mut(&ks) {
                        carried = x.min(si.taint);
                        si.taint = si.taint.saturating_sub(carried);
                    }
                    carried_f = carried.to_f64();
                    if from_seed && let Some(si) = info.get_mut(&ks) {
                        si.taint = si.taint.saturating_sub(x);
                    }
                }
                TaintModel::Haircut => {
                    let b = balance_f.get_mut(s, a);
                    let bal = *b;
                    *b = (bal - xf).max(0.0);
                    let new_b = *b;
                    if let Some(si) = info.get_mut(&ks) {
                        let c = if si.taint_f > 0.0 {
                            xf * si.taint_f / bal.max(xf)
                        } else {
                            0.0
                        };
                        si.taint_f = (si.taint_f - c).max(0.0).min(new_b);
                        carried_f = c;
                    }
                    if from_seed {
                        carried_f = xf;
                    }
                }
                TaintModel::Fifo => {
                    match info.get_mut(&ks).and_then(|si| si.lots.as_mut()) {
                        Some(lots) => {
                            let mut need = x;
                            while !need.is_zero() {
                                let Some(front) = lots.front_mut() else {
                                    segments.push((need, false));
                                    break;
                                };
                                let take = need.min(front.0);
                                segments.push((take, front.1));
                                front.0 = front.0.saturating_sub(take);
                                need = need.saturating_sub(take);
                                if front.0.is_zero() {
                                    lots.pop_front();
                                }
                            }
                        }
                        None => {
                            let b = balance.get_mut(s, a);
                            *b = b.saturating_sub(x);
                            segments.push((x, false));
                        }
                    }
                    if from_seed {
                        segments.clear();
                        segments.push((x, true));
                    }
                    for &(amt, t) in &segments {
                        if t {
                            carried = carried.saturating_add(amt);
                        }
                    }
                    carried_f = carried.to_f64();
                }
            }
            // Receiving side.
            let kd = key(d, a);
            let tainted = carried_f > 0.0 || !carried.is_zero();
            if tainted {
                tainted_transfers += 1;
                if from_seed {
                    seeded += carried_f;
                }
            }
            match cfg.model {
                TaintModel::Haircut => {
                    *balance_f.get_mut(d, a) += xf;
                }
                TaintModel::Fifo if !tainted => {
                    match info.get_mut(&kd).and_then(|r| r.lots.as_mut()) {
                        Some(lots) => push_lot(lots, x, false),
                        None => {
                            let b = balance.get_mut(d, a);
                            *b = b.saturating_add(x);
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
                r.hop = sender_hop + 1;
            }
            r.received = r.received.saturating_add(carried);
            r.received_f += carried_f;
            match cfg.model {
                TaintModel::Poison => {}
                TaintModel::Tiho => r.taint = r.taint.saturating_add(carried),
                TaintModel::Haircut => r.taint_f += carried_f,
                TaintModel::Fifo => {
                    let lots = r.lots.get_or_insert_with(|| {
                        let mut q = VecDeque::new();
                        let b = balance.get_mut(d, a);
                        if !b.is_zero() {
                            q.push_back((*b, false));
                        }
                        *b = Amount::ZERO;
                        q
                    });
                    for &(amt, t) in &segments {
                        push_lot(lots, amt, t);
                    }
                }
            }
        }
        e += advance;
    }

    let mut accounts: Vec<(u64, &Info)> = info
        .iter()
        .filter(|(k, _)| !seed_addr[(**k & 0xffff_ffff) as usize])
        .map(|(k, v)| (*k, v))
        .collect();
    accounts.sort_by(|a, b| {
        b.1.received_f
            .total_cmp(&a.1.received_f)
            .then(a.0.cmp(&b.0))
    });
    let account_count = accounts.len();
    let exact = cfg.model != TaintModel::Haircut;
    let listed = accounts
        .iter()
        .take(cfg.max_accounts)
        .map(|&(k, i)| {
            let node = (k & 0xffff_ffff) as NodeId;
            let asset = (k >> 32) as u32;
            let held = match cfg.model {
                TaintModel::Poison => None,
                TaintModel::Haircut => Some(i.taint_f),
                TaintModel::Tiho => Some(i.taint.to_f64()),
                TaintModel::Fifo => Some(
                    i.lots
                        .iter()
                        .flatten()
                        .filter(|l| l.1)
                        .fold(Amount::ZERO, |s, l| s.saturating_add(l.0))
                        .to_f64(),
                ),
            };
            TaintedAccount {
                address: g.address(node).to_owned(),
                asset: g.assets.get(asset as usize).cloned().unwrap_or_default(),
                received: i.received_f,
                received_exact: exact.then_some(i.received),
                held,
                hop: i.hop,
                path: first_taint_path(g, &info, &seed_addr, i.first_edge),
            }
        })
        .collect();
    TraceReport {
        config: cfg.clone(),
        seed_addresses: seeds
            .addresses
            .iter()
            .map(|&a| g.address(a).to_owned())
            .collect(),
        seed_transfers: seed_edges.len(),
        transfers_replayed: e_count - start.min(e_count),
        tainted_transfers,
        seeded,
        account_count,
        accounts: listed,
    }
}

fn push_lot(lots: &mut VecDeque<(Amount, bool)>, amount: Amount, tainted: bool) {
    if amount.is_zero() {
        return;
    }
    // Adjacent lots of the same kind merge, so clean activity does not grow the queue.
    match lots.back_mut() {
        Some(last) if last.1 == tainted => last.0 = last.0.saturating_add(amount),
        _ => lots.push_back((amount, tainted)),
    }
}

/// Follows first-taint links back to a seed. Each link is strictly earlier than the one after
/// it (a sender is tainted before it passes taint on), so the walk ends.
fn first_taint_path(
    g: &GraphRef<'_>,
    info: &FxMap<u64, Info>,
    seed_addr: &[bool],
    first: u64,
) -> Vec<EdgeInfo> {
    let mut edges = vec![first];
    let mut e = first;
    loop {
        let i = e as usize;
        let s = g.src[i];
        if seed_addr[s as usize] {
            break;
        }
        match info.get(&key(s, g.asset[i])) {
            Some(si) if si.first_edge < e => {
                e = si.first_edge;
                edges.push(e);
            }
            _ => break,
        }
    }
    edges.reverse();
    edges.into_iter().map(|e| g.edge_info(e)).collect()
}
