//! A deterministic synthetic transfer graph with planted ground truth, for tests and benchmarks.
//!
//! Structure (all choices driven by one seed, so the same configuration gives the same graph):
//!
//! - **Heavy-tailed activity**: ordinary users are picked with probability falling as a power of
//!   their rank, so a few users have thousands of transfers and most have one or two.
//! - **Exchanges**: hot wallets (hubs) that pay out withdrawals, and many deposit addresses per
//!   exchange that users pay into and that are swept to the hot wallet. All are labelled
//!   `exchange`.
//! - **A fixed-denomination mixer** (`mixer`): users deposit exactly the denomination and the pool
//!   pays the same denomination out to fresh users later.
//! - **Peel chains**: a large amount hops along a chain of fresh addresses, each hop peeling a
//!   small part off to an exchange deposit address.
//! - **A Bybit-like theft** at mid-history: a victim (funded by exchange withdrawals) loses a large
//!   amount to a thief (labelled `stolen_funds`), who splits it evenly into up to 50 fan-out
//!   addresses in one block; each fan-out address then pays exchange deposit addresses directly,
//!   through the mixer, or through one intermediate hop.
//! - A few ordinary users labelled `sanctioned`.
//!
//! Addresses are lower-case EVM spellings derived from a hash of the node index. Up to the
//! requested number of transfers are produced, plus any planted transfers that did not fit
//! (only on tiny graphs).

use std::collections::VecDeque;

use crate::amount::Amount;
use crate::labels::LabelRecord;
use crate::view::Transfer;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenConfig {
    /// Number of distinct addresses to draw from (at least 200).
    pub addresses: u32,
    /// Number of transfers.
    pub transfers: u64,
    /// Random seed.
    pub seed: u64,
    /// Whether to give transfers transaction hashes (66 characters each; costly at scale).
    pub tx_hashes: bool,
}

/// What was planted, for tests to check analyses against.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroundTruth {
    /// Labels: exchanges (hot and deposit), the mixer, the thief, sanctioned users.
    pub labels: Vec<LabelRecord>,
    /// Exchange hot wallets.
    pub exchange_hot: Vec<String>,
    /// Exchange deposit addresses.
    pub exchange_deposits: Vec<String>,
    /// The mixer pool.
    pub mixer: String,
    /// The mixer's fixed denomination.
    pub mixer_denomination: Amount,
    /// The theft victim.
    pub victim: String,
    /// The thief.
    pub thief: String,
    /// The stolen amount.
    pub theft_amount: Amount,
    /// Fan-out addresses that received equal parts of the theft.
    pub fanout: Vec<String>,
    /// Exchange deposit addresses that received stolen funds (directly or after one hop).
    pub theft_deposits: Vec<String>,
    /// Peel chains, each a list of addresses in hop order.
    pub peel_chains: Vec<Vec<String>>,
    /// Users labelled sanctioned.
    pub sanctioned: Vec<String>,
}

/// SplitMix64: tiny, fast, and good enough for synthetic data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    /// A float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// An integer in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

/// SplitMix64's finaliser: a well-spread 64-bit value from any counter (generated ids).
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const ETH: u128 = 1_000_000_000_000_000_000;
const PER_BLOCK: u64 = 50;
const FIRST_BLOCK: u64 = 19_000_000;

#[derive(Debug, Clone, Copy)]
struct Planned {
    at: u64,
    from: u32,
    to: u32,
    amount: u128,
}

/// The generator: an iterator of transfers in block order; [`Generator::truth`] says what was planted.
#[derive(Debug)]
pub struct Generator {
    cfg: GenConfig,
    rng: Rng,
    emitted: u64,
    planned: VecDeque<Planned>,
    truth: GroundTruth,
    n_ex: u32,
    deposits_start: u32,
    deposits: u32,
    mixer: u32,
    users_start: u32,
    users: u32,
    mixer_pool: u64,
}

/// The address string of node index `i` under `seed`.
pub fn address_of(seed: u64, i: u32) -> String {
    let a = mix(seed ^ u64::from(i).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let b = mix(a ^ 0x5151_5151);
    let c = mix(b) as u32;
    format!("0x{a:016x}{b:016x}{c:08x}")
}

/// Creates the generator (at least 200 addresses are used, whatever is asked).
pub fn generate(cfg: GenConfig) -> Generator {
    let n = cfg.addresses.max(200);
    let n_ex = (n / 100_000).clamp(3, 50);
    let deposits = (n / 50).max(3 * n_ex);
    let deposits_start = n_ex;
    let mixer = deposits_start + deposits;
    let victim = mixer + 1;
    let thief = mixer + 2;
    let fanout_start = mixer + 3;
    let n_fan = (n / 8).min(50);
    let peel_start = fanout_start + n_fan;
    let (n_chains, chain_len) = (3u32, 10u32);
    let mid_start = peel_start + n_chains * chain_len;
    let users_start = mid_start + n_fan;
    let users = n - users_start;
    let addr = |i: u32| address_of(cfg.seed, i);
    let mut rng = Rng::new(cfg.seed ^ 0xa5a5_a5a5);
    let m = cfg.transfers.max(1);
    let denomination = 100 * ETH;

    let mut truth = GroundTruth {
        mixer: addr(mixer),
        mixer_denomination: Amount::from(denomination),
        victim: addr(victim),
        thief: addr(thief),
        theft_amount: Amount::from(400_000 * ETH),
        ..GroundTruth::default()
    };
    let label = |a: String, category: &str, name: String| LabelRecord {
        address: a,
        chain: "ETH".into(),
        category: category.into(),
        label: name,
        source: "synthetic".into(),
    };
    for x in 0..n_ex {
        truth.exchange_hot.push(addr(x));
        truth.labels.push(label(
            addr(x),
            "exchange",
            format!("Exchange {x} hot wallet"),
        ));
    }
    for d in 0..deposits {
        let a = addr(deposits_start + d);
        truth.exchange_deposits.push(a.clone());
        truth.labels.push(label(
            a,
            "exchange",
            format!("Exchange {} deposit", d % n_ex),
        ));
    }
    truth
        .labels
        .push(label(addr(mixer), "mixer", "Mixer pool".into()));
    truth
        .labels
        .push(label(addr(thief), "stolen_funds", "Theft receiver".into()));
    for s in 0..5u32 {
        let a = addr(users_start + users - 1 - s * 7);
        truth.sanctioned.push(a.clone());
        truth
            .labels
            .push(label(a, "sanctioned", format!("Sanctioned user {s}")));
    }

    // Planted events, by emission index.
    let mut planned: Vec<Planned> = Vec::new();
    let pick_deposit = |rng: &mut Rng| deposits_start + rng.below(u64::from(deposits)) as u32;
    // The victim is funded by withdrawals early on.
    for k in 0..5u64 {
        planned.push(Planned {
            at: m / 10 + k,
            from: (k % u64::from(n_ex)) as u32,
            to: victim,
            amount: 100_000 * ETH,
        });
    }
    let theft_at = m / 2;
    planned.push(Planned {
        at: theft_at,
        from: victim,
        to: thief,
        amount: 400_000 * ETH,
    });
    let part = 400_000 * ETH / u128::from(n_fan);
    for j in 0..n_fan {
        truth.fanout.push(addr(fanout_start + j));
        planned.push(Planned {
            at: theft_at + 1 + u64::from(j),
            from: thief,
            to: fanout_start + j,
            amount: part,
        });
    }
    // Laundering: each fan-out address empties itself over the next tenth of history.
    let span = (m / 10).max(u64::from(n_fan) * 8);
    for j in 0..n_fan {
        let f = fanout_start + j;
        let at = theft_at + 1 + u64::from(n_fan) + rng.below(span);
        match j % 3 {
            0 => {
                for h in 0..2u64 {
                    let d = pick_deposit(&mut rng);
                    truth.theft_deposits.push(addr(d));
                    planned.push(Planned {
                        at: at + h,
                        from: f,
                        to: d,
                        amount: part / 2,
                    });
                }
            }
            1 => {
                let k = 4u128;
                for h in 0..k as u64 {
                    planned.push(Planned {
                        at: at + h,
                        from: f,
                        to: mixer,
                        amount: denomination,
                    });
                }
                let d = pick_deposit(&mut rng);
                truth.theft_deposits.push(addr(d));
                planned.push(Planned {
                    at: at + k as u64,
                    from: f,
                    to: d,
                    amount: part - k * denomination,
                });
            }
            _ => {
                let mid = mid_start + j;
                let d = pick_deposit(&mut rng);
                truth.theft_deposits.push(addr(d));
                planned.push(Planned {
                    at,
                    from: f,
                    to: mid,
                    amount: part,
                });
                planned.push(Planned {
                    at: at + 1 + rng.below(span / 4 + 1),
                    from: mid,
                    to: d,
                    amount: part,
                });
            }
        }
    }
    // Peel chains.
    for c in 0..n_chains {
        let start = peel_start + c * chain_len;
        let chain: Vec<String> = (0..chain_len).map(|k| addr(start + k)).collect();
        truth.peel_chains.push(chain);
        let mut at = m / 5 + u64::from(c) * (m / 7);
        let mut amount = 5_000 * ETH;
        planned.push(Planned {
            at,
            from: c % n_ex,
            to: start,
            amount,
        });
        for k in 0..chain_len - 1 {
            at += 1 + rng.below((m / 200).max(1));
            let peel = amount / 20;
            planned.push(Planned {
                at,
                from: start + k,
                to: pick_deposit(&mut rng),
                amount: peel,
            });
            amount -= peel;
            planned.push(Planned {
                at: at + 1,
                from: start + k,
                to: start + k + 1,
                amount,
            });
        }
    }
    planned.sort_by_key(|p| p.at);
    truth.theft_deposits.sort();
    truth.theft_deposits.dedup();
    Generator {
        cfg,
        rng,
        emitted: 0,
        planned: planned.into(),
        truth,
        n_ex,
        deposits_start,
        deposits,
        mixer,
        users_start,
        users,
        mixer_pool: 0,
    }
}

impl GroundTruth {
    /// Writes the planted labels as JSON lines, the form `wallets::labels` reads back.
    pub fn write_labels(&self, mut w: impl std::io::Write) -> std::io::Result<()> {
        for l in &self.labels {
            serde_json::to_writer(&mut w, l)?;
            writeln!(w)?;
        }
        w.flush()
    }
}

impl Generator {
    /// What was planted.
    pub fn truth(&self) -> &GroundTruth {
        &self.truth
    }

    fn user(&mut self) -> u32 {
        // Rank ∝ u^3 gives a heavy tail: the top 1% of users get about a fifth of the picks.
        let u = self.rng.unit();
        self.users_start + ((u * u * u) * f64::from(self.users)) as u32
    }

    fn amount(&mut self) -> u128 {
        let mantissa = 1 + u128::from(self.rng.below(999));
        let exp = 14 + self.rng.below(6) as u32;
        mantissa * 10u128.pow(exp)
    }

    fn random(&mut self) -> (u32, u32, u128) {
        let r = self.rng.unit();
        if r < 0.55 {
            let (a, b) = (self.user(), self.user());
            let amount = self.amount();
            (a, b, amount)
        } else if r < 0.70 {
            let from = self.user();
            let d = self.deposits_start + self.rng.below(u64::from(self.deposits)) as u32;
            (from, d, self.amount())
        } else if r < 0.80 {
            let d = self.deposits_start + self.rng.below(u64::from(self.deposits)) as u32;
            let hot = (d - self.deposits_start) % self.n_ex;
            (d, hot, self.amount() * 10)
        } else if r < 0.95 {
            let hot = self.rng.below(u64::from(self.n_ex)) as u32;
            let to = self.user();
            (hot, to, self.amount())
        } else if r < 0.975 || self.mixer_pool == 0 {
            self.mixer_pool += 1;
            let from = self.user();
            (from, self.mixer, 100 * ETH)
        } else {
            self.mixer_pool -= 1;
            let to = self.users_start + self.rng.below(u64::from(self.users)) as u32;
            (self.mixer, to, 100 * ETH)
        }
    }

    fn make(&self, i: u64, from: u32, to: u32, amount: u128) -> Transfer {
        let block = FIRST_BLOCK + i / PER_BLOCK;
        Transfer {
            from: address_of(self.cfg.seed, from),
            to: address_of(self.cfg.seed, to),
            amount: Amount::from(amount),
            block,
            time: Some(1_700_000_000 + (block - FIRST_BLOCK) * 12),
            asset: String::new(),
            tx: self.cfg.tx_hashes.then(|| {
                format!(
                    "0x{:016x}{:016x}{:016x}{:016x}",
                    mix(i),
                    mix(i ^ 1),
                    mix(i ^ 2),
                    mix(i ^ self.cfg.seed)
                )
            }),
        }
    }
}

impl Iterator for Generator {
    type Item = Transfer;

    fn next(&mut self) -> Option<Transfer> {
        let i = self.emitted;
        let planted = match self.planned.front() {
            Some(p) if p.at <= i || i >= self.cfg.transfers => self.planned.pop_front(),
            _ => None,
        };
        let (from, to, amount) = match planted {
            Some(p) => (p.from, p.to, p.amount),
            None if i < self.cfg.transfers => self.random(),
            None => return None,
        };
        self.emitted += 1;
        Some(self.make(i, from, to, amount))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_planted() {
        let cfg = GenConfig {
            addresses: 1000,
            transfers: 5000,
            seed: 7,
            tx_hashes: false,
        };
        let a: Vec<Transfer> = generate(cfg).collect();
        let b: Vec<Transfer> = generate(cfg).collect();
        assert_eq!(a, b);
        assert!(a.len() >= 5000);
        assert!(a.windows(2).all(|w| w[0].block <= w[1].block));
        let g = generate(cfg);
        let t = g.truth();
        assert_eq!(t.fanout.len(), 50);
        let theft: Vec<&Transfer> = a.iter().filter(|x| x.from == t.thief).collect();
        assert_eq!(theft.len(), 50);
        assert!(a.iter().any(|x| x.from == t.victim && x.to == t.thief));
    }
}
