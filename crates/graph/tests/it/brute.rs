//! Brute-force reference computations: direct path enumeration and replays over `&[Transfer]`,
//! written for obviousness, not speed. Transfers are in graph edge order (block, then row).

use std::collections::{BTreeMap, HashMap, HashSet};

use graph::view::Transfer;

pub fn amt(t: &Transfer) -> u128 {
    t.amount.to_u128().expect("test amounts fit u128")
}

#[derive(Debug, Default)]
pub struct BruteExposure {
    pub categories: BTreeMap<String, f64>,
    pub direct: BTreeMap<String, f64>,
    pub hop_limit: f64,
    pub no_flow: f64,
}

/// Sum over every time-respecting path of at most `hops` hops of the product of haircut shares,
/// stopping at every labelled node.
pub fn exposure(
    ts: &[Transfer],
    labels: &HashMap<String, String>,
    target: &str,
    incoming: bool,
    hops: u32,
) -> BruteExposure {
    let mut out = BruteExposure::default();
    let bound = if incoming { ts.len() as i64 } else { -1 };
    walk(ts, labels, target, bound, 1.0, 0, hops, incoming, &mut out);
    out
}

#[allow(clippy::too_many_arguments)]
fn walk(
    ts: &[Transfer],
    labels: &HashMap<String, String>,
    node: &str,
    bound: i64,
    mass: f64,
    hop: u32,
    hops: u32,
    incoming: bool,
    out: &mut BruteExposure,
) {
    let eligible: Vec<(usize, &Transfer)> = ts
        .iter()
        .enumerate()
        .filter(|(i, t)| {
            if incoming {
                (*i as i64) < bound && t.to == node
            } else {
                (*i as i64) > bound && t.from == node
            }
        })
        .collect();
    let total: f64 = eligible.iter().map(|(_, t)| amt(t) as f64).sum();
    if total == 0.0 {
        out.no_flow += mass;
        return;
    }
    for (i, t) in eligible {
        let c = mass * amt(t) as f64 / total;
        if c == 0.0 {
            continue;
        }
        let next = if incoming { &t.from } else { &t.to };
        if let Some(cat) = labels.get(next) {
            *out.categories.entry(cat.clone()).or_default() += c;
            if hop == 0 {
                *out.direct.entry(cat.clone()).or_default() += c;
            }
            continue;
        }
        if hop + 1 == hops {
            out.hop_limit += c;
            continue;
        }
        walk(ts, labels, next, i as i64, c, hop + 1, hops, incoming, out);
    }
}

/// Tainted amount received per (address, asset) under each model, by direct replay.
pub fn trace(
    ts: &[Transfer],
    seeds: &HashSet<String>,
    seed_txs: &HashSet<String>,
    model: &str,
) -> BTreeMap<(String, String), f64> {
    type Key = (String, String);
    let mut received: BTreeMap<Key, f64> = BTreeMap::new();
    let mut poisoned: HashSet<Key> = HashSet::new();
    let mut balance: HashMap<Key, f64> = HashMap::new();
    let mut taint: HashMap<Key, f64> = HashMap::new();
    let mut exact_taint: HashMap<Key, u128> = HashMap::new();
    // FIFO: every account keeps an explicit queue of (amount, tainted) lots.
    let mut queues: HashMap<Key, Vec<(u128, bool)>> = HashMap::new();
    let mut i = 0;
    while i < ts.len() {
        // TIHO groups consecutive transfers of one tx from one sender in one asset.
        let mut j = i + 1;
        if model == "tiho" && ts[i].tx.is_some() {
            while j < ts.len()
                && ts[j].tx == ts[i].tx
                && ts[j].from == ts[i].from
                && ts[j].asset == ts[i].asset
            {
                j += 1;
            }
        }
        let mut group: Vec<&Transfer> = ts[i..j].iter().collect();
        if model == "tiho" {
            group.sort_by_key(|t| std::cmp::Reverse(amt(t)));
        }
        for t in group {
            let from: Key = (t.from.clone(), t.asset.clone());
            let to: Key = (t.to.clone(), t.asset.clone());
            let x = amt(t);
            let seeded =
                seeds.contains(&t.from) || t.tx.as_ref().is_some_and(|h| seed_txs.contains(h));
            let carried: f64 = match model {
                "poison" => {
                    if seeded || poisoned.contains(&from) {
                        x as f64
                    } else {
                        0.0
                    }
                }
                "haircut" => {
                    let b = *balance.get(&from).unwrap_or(&0.0);
                    let tt = *taint.get(&from).unwrap_or(&0.0);
                    let c = if tt > 0.0 {
                        x as f64 * tt / b.max(x as f64)
                    } else {
                        0.0
                    };
                    let nb = (b - x as f64).max(0.0);
                    balance.insert(from.clone(), nb);
                    taint.insert(from.clone(), (tt - c).max(0.0).min(nb));
                    *balance.entry(to.clone()).or_default() += x as f64;
                    let c = if seeded { x as f64 } else { c };
                    *taint.entry(to.clone()).or_default() += c;
                    c
                }
                "fifo" => {
                    let q = queues.entry(from.clone()).or_default();
                    let mut need = x;
                    let mut taken: Vec<(u128, bool)> = Vec::new();
                    while need > 0 {
                        if q.is_empty() {
                            taken.push((need, false));
                            break;
                        }
                        let take = need.min(q[0].0);
                        taken.push((take, q[0].1));
                        q[0].0 -= take;
                        need -= take;
                        if q[0].0 == 0 {
                            q.remove(0);
                        }
                    }
                    if seeded {
                        taken = vec![(x, true)];
                    }
                    let tainted: u128 = taken.iter().filter(|l| l.1).map(|l| l.0).sum();
                    queues.entry(to.clone()).or_default().extend(taken);
                    tainted as f64
                }
                "tiho" => {
                    let have = *exact_taint.get(&from).unwrap_or(&0);
                    let c = if seeded { x } else { x.min(have) };
                    exact_taint.insert(from.clone(), have.saturating_sub(c));
                    *exact_taint.entry(to.clone()).or_default() += c;
                    c as f64
                }
                _ => unreachable!(),
            };
            if carried > 0.0 && !seeds.contains(&t.to) {
                if model == "poison" {
                    poisoned.insert(to.clone());
                }
                *received.entry(to).or_default() += carried;
            }
        }
        i = j;
    }
    received
}

/// Every simple path from `from` to `to` of at most `hops` hops over summed (sender, receiver)
/// pairs, with its bottleneck and share product, best first by the given score.
pub fn top_paths(
    ts: &[Transfer],
    from: &str,
    to: &str,
    hops: u32,
    by_share: bool,
) -> Vec<(u128, f64, Vec<String>)> {
    let mut pair: BTreeMap<(String, String), u128> = BTreeMap::new();
    let mut sent: HashMap<String, u128> = HashMap::new();
    for t in ts {
        *pair.entry((t.from.clone(), t.to.clone())).or_default() += amt(t);
        *sent.entry(t.from.clone()).or_default() += amt(t);
    }
    let mut out = Vec::new();
    let mut path = vec![from.to_owned()];
    #[allow(clippy::too_many_arguments)]
    fn dfs(
        pair: &BTreeMap<(String, String), u128>,
        sent: &HashMap<String, u128>,
        to: &str,
        hops: u32,
        path: &mut Vec<String>,
        bottleneck: u128,
        share: f64,
        out: &mut Vec<(u128, f64, Vec<String>)>,
    ) {
        let u = path.last().cloned().unwrap_or_default();
        if u == to && path.len() > 1 {
            out.push((bottleneck, share, path.clone()));
            return;
        }
        if path.len() as u32 > hops {
            return;
        }
        for ((a, b), &w) in pair.range((u.clone(), String::new())..) {
            if *a != u {
                break;
            }
            if path.contains(b) || w == 0 {
                continue;
            }
            path.push(b.clone());
            let s = share * w as f64 / sent[a] as f64;
            dfs(pair, sent, to, hops, path, bottleneck.min(w), s, out);
            path.pop();
        }
    }
    dfs(&pair, &sent, to, hops, &mut path, u128::MAX, 1.0, &mut out);
    if by_share {
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
    } else {
        out.sort_by_key(|p| std::cmp::Reverse(p.0));
    }
    out
}

/// Fewest hops from `from` to `to` by repeated relaxation.
pub fn hop_distance(ts: &[Transfer], from: &str, to: &str) -> Option<u32> {
    let mut dist: HashMap<&str, u32> = HashMap::from([(from, 0)]);
    loop {
        let mut changed = false;
        for t in ts {
            if let Some(&d) = dist.get(t.from.as_str()) {
                let e = dist.entry(t.to.as_str()).or_insert(u32::MAX);
                if d + 1 < *e {
                    *e = d + 1;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    dist.get(to).copied()
}
