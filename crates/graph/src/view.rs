//! The read-only view every analysis works on: plain slices, whether they come from
//! memory-mapped files ([`crate::storage::MappedGraph`]) or from vectors ([`OwnedGraph`]).
//!
//! Keeping the analyses on slices is what keeps them pure: they never see a file, and tests
//! run them on small in-memory graphs built from a `Vec<Transfer>`.

use std::ops::Range;

use serde::Serialize;

use crate::amount::Amount;
use crate::build::{self, BuildStats, Interner};
use crate::input::{TransferRef, canonical_address};

/// A node (address) id: dense, `0..node_count`, in order of first appearance.
pub type NodeId = u32;
/// An edge (transfer) id: the transfer's rank in (block, input row) order, so it is also a clock.
pub type EdgeId = u64;
/// The `tx` column value of a transfer without a transaction id.
pub const NO_TX: u64 = u64::MAX;
/// The `time` column value of a transfer without a timestamp.
pub const NO_TIME: u64 = u64::MAX;

/// One direction of the adjacency in compressed sparse row form.
///
/// The edges of node `v` are `offsets[v]..offsets[v + 1]`; within a node they are sorted by
/// edge id, which is chronological order, so time-respecting walks read a prefix or a suffix.
#[derive(Debug, Clone, Copy)]
pub struct Csr<'a> {
    /// `node_count + 1` offsets into `nbrs` and `eids`; 64-bit so edge counts may exceed `u32`.
    pub offsets: &'a [u64],
    /// The node at the other end of each edge.
    pub nbrs: &'a [u32],
    /// The edge id of each edge, for its attributes.
    pub eids: &'a [u64],
}

impl<'a> Csr<'a> {
    /// The index range of node `v`'s edges in `nbrs` and `eids`.
    pub fn range(&self, v: NodeId) -> Range<usize> {
        let v = v as usize;
        match (self.offsets.get(v), self.offsets.get(v + 1)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => 0..0,
        }
    }

    /// The number of edges of node `v` in this direction.
    pub fn degree(&self, v: NodeId) -> u64 {
        let r = self.range(v);
        (r.end - r.start) as u64
    }

    /// Node `v`'s neighbours and edge ids.
    pub fn edges(&self, v: NodeId) -> (&'a [u32], &'a [u64]) {
        let r = self.range(v);
        (&self.nbrs[r.clone()], &self.eids[r])
    }
}

/// A table of strings stored as concatenated bytes plus `len + 1` offsets.
#[derive(Debug, Clone, Copy)]
pub struct Strings<'a> {
    /// The concatenated UTF-8 bytes.
    pub bytes: &'a [u8],
    /// Start offsets, one more than there are strings.
    pub offsets: &'a [u64],
}

impl<'a> Strings<'a> {
    /// The number of strings.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// String `i`, or `""` when out of range (files are written by us, so this only guards corruption).
    pub fn get(&self, i: usize) -> &'a str {
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => self
                .bytes
                .get(a as usize..b as usize)
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or(""),
            _ => "",
        }
    }
}

/// The whole graph as slices: adjacency in both directions, edge attribute columns indexed by
/// edge id, and the dictionaries.
#[derive(Debug, Clone, Copy)]
pub struct GraphRef<'a> {
    /// Out-edges (sender → receiver).
    pub out: Csr<'a>,
    /// In-edges (receiver ← sender).
    pub inc: Csr<'a>,
    /// Sender of each edge.
    pub src: &'a [u32],
    /// Receiver of each edge.
    pub dst: &'a [u32],
    /// Low 128 bits of each amount.
    pub amount_lo: &'a [u128],
    /// Edge ids, ascending, of the rare amounts that need more than 128 bits.
    pub big_eids: &'a [u64],
    /// High 128 bits for each entry of `big_eids`.
    pub big_hi: &'a [u128],
    /// Block number of each edge (0 when the input had none); non-decreasing.
    pub block: &'a [u64],
    /// Unix time in seconds of each edge, or [`NO_TIME`].
    pub time: &'a [u64],
    /// Asset id of each edge, an index into `assets`.
    pub asset: &'a [u32],
    /// Transaction id of each edge, an index into `txs`, or [`NO_TX`].
    pub tx: &'a [u64],
    /// Canonical address of each node.
    pub addresses: Strings<'a>,
    /// Node ids sorted by address, for lookups.
    pub address_order: &'a [u32],
    /// Transaction hashes (or ids) as given in the input.
    pub txs: Strings<'a>,
    /// Asset names: `""` is the chain's native asset, otherwise the canonical token address.
    pub assets: &'a [String],
}

/// One edge with its attributes resolved, for explanations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EdgeInfo {
    /// Edge id (chronological rank).
    pub edge: u64,
    /// Sender address.
    pub from: String,
    /// Receiver address.
    pub to: String,
    /// Exact amount in base units.
    pub amount: Amount,
    /// Asset name (`""` for native).
    pub asset: String,
    /// Block number.
    pub block: u64,
    /// Unix time in seconds, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<u64>,
    /// Transaction id, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tx: Option<String>,
}

impl<'a> GraphRef<'a> {
    /// Number of nodes.
    pub fn node_count(&self) -> u32 {
        self.out.offsets.len().saturating_sub(1) as u32
    }

    /// Number of edges.
    pub fn edge_count(&self) -> u64 {
        self.src.len() as u64
    }

    /// The exact amount of edge `e`.
    pub fn amount(&self, e: EdgeId) -> Amount {
        let lo = self.amount_lo[e as usize];
        if self.big_eids.is_empty() {
            return Amount::from(lo);
        }
        match self.big_eids.binary_search(&e) {
            Ok(i) => Amount::from_parts(self.big_hi[i], lo),
            Err(_) => Amount::from(lo),
        }
    }

    /// The amount of edge `e` as a float, for shares.
    pub fn amount_f64(&self, e: EdgeId) -> f64 {
        if self.big_eids.is_empty() {
            self.amount_lo[e as usize] as f64
        } else {
            self.amount(e).to_f64()
        }
    }

    /// The canonical address of node `v`.
    pub fn address(&self, v: NodeId) -> &'a str {
        self.addresses.get(v as usize)
    }

    /// The node of an address, canonicalised first the way import does.
    pub fn lookup(&self, address: &str) -> Option<NodeId> {
        let (key, _) = canonical_address(address);
        self.lookup_key(&key)
    }

    /// The node of an address already in canonical form (a key from another dictionary, such
    /// as a clusters directory), without parsing it again.
    pub fn lookup_key(&self, key: &str) -> Option<NodeId> {
        let i = self
            .address_order
            .partition_point(|&id| self.address(id) < key);
        let id = *self.address_order.get(i)?;
        (self.address(id) == key).then_some(id)
    }

    /// The id of an asset name (`""` for native; token addresses are canonicalised).
    pub fn asset_id(&self, name: &str) -> Option<u32> {
        let (key, _) = canonical_address(name);
        self.assets.iter().position(|a| *a == key).map(|i| i as u32)
    }

    /// Every edge whose transaction id equals `tx` (a linear scan; used to resolve seeds).
    pub fn edges_of_tx(&self, tx: &str) -> Vec<EdgeId> {
        let wanted = tx.trim().to_ascii_lowercase();
        let ids: Vec<u64> = (0..self.txs.len())
            .filter(|&i| self.txs.get(i).eq_ignore_ascii_case(&wanted))
            .map(|i| i as u64)
            .collect();
        if ids.is_empty() {
            return Vec::new();
        }
        (0..self.edge_count())
            .filter(|&e| ids.contains(&self.tx[e as usize]))
            .collect()
    }

    /// The edge ids whose block lies in `from..=to` (either end open when `None`).
    pub fn block_window(&self, from: Option<u64>, to: Option<u64>) -> Range<u64> {
        let lo = from.map_or(0, |b| self.block.partition_point(|&x| x < b));
        let hi = to.map_or(self.block.len(), |b| {
            self.block.partition_point(|&x| x <= b)
        });
        lo as u64..hi.max(lo) as u64
    }

    /// Edge `e` with its attributes resolved.
    pub fn edge_info(&self, e: EdgeId) -> EdgeInfo {
        let i = e as usize;
        let tx = self.tx[i];
        let time = self.time[i];
        EdgeInfo {
            edge: e,
            from: self.address(self.src[i]).to_owned(),
            to: self.address(self.dst[i]).to_owned(),
            amount: self.amount(e),
            asset: self
                .assets
                .get(self.asset[i] as usize)
                .cloned()
                .unwrap_or_default(),
            block: self.block[i],
            time: (time != NO_TIME).then_some(time),
            tx: (tx != NO_TX).then(|| self.txs.get(tx as usize).to_owned()),
        }
    }
}

/// One transfer with owned fields: the unit tests and the generator speak this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// Sender address as written.
    pub from: String,
    /// Receiver address as written.
    pub to: String,
    /// Exact amount in base units.
    pub amount: Amount,
    /// Block number.
    pub block: u64,
    /// Unix time in seconds, when known.
    pub time: Option<u64>,
    /// Asset: `""` for the native asset, else the token address.
    pub asset: String,
    /// Transaction id, when known.
    pub tx: Option<String>,
}

impl Transfer {
    /// The borrowed form the builders take, canonicalising both addresses and the asset.
    pub fn as_ref(&self) -> TransferRef<'_> {
        let (from, from_parsed) = canonical_address(&self.from);
        let (to, to_parsed) = canonical_address(&self.to);
        let (asset, _) = canonical_address(&self.asset);
        TransferRef {
            from,
            to,
            from_parsed,
            to_parsed,
            amount: self.amount,
            block: self.block,
            time: self.time,
            asset,
            tx: self.tx.as_deref(),
        }
    }
}

/// A graph held in vectors, built in memory from transfers: the same layout as the on-disk
/// graph, for tests, small inputs and the generator's direct mode.
#[derive(Debug, Clone, Default)]
pub struct OwnedGraph {
    out_offsets: Vec<u64>,
    out_nbrs: Vec<u32>,
    out_eids: Vec<u64>,
    in_offsets: Vec<u64>,
    in_nbrs: Vec<u32>,
    in_eids: Vec<u64>,
    src: Vec<u32>,
    dst: Vec<u32>,
    amount_lo: Vec<u128>,
    big_eids: Vec<u64>,
    big_hi: Vec<u128>,
    block: Vec<u64>,
    time: Vec<u64>,
    asset: Vec<u32>,
    tx: Vec<u64>,
    addr_bytes: Vec<u8>,
    addr_offsets: Vec<u64>,
    address_order: Vec<u32>,
    tx_bytes: Vec<u8>,
    tx_offsets: Vec<u64>,
    assets: Vec<String>,
    stats: BuildStats,
}

impl OwnedGraph {
    /// Builds the graph from transfers with the same rules as the on-disk import: canonical
    /// addresses, ids by first appearance, a stable sort by block, one tx-id entry per (block, id).
    pub fn from_transfers(transfers: &[Transfer]) -> OwnedGraph {
        let mut g = OwnedGraph {
            addr_offsets: vec![0],
            tx_offsets: vec![0],
            ..OwnedGraph::default()
        };
        let mut interner = Interner::default();
        let mut assets = Interner::default();
        let mut rows = Vec::with_capacity(transfers.len());
        for t in transfers {
            let r = t.as_ref();
            let mut push_addr = |s: &str| {
                g.addr_bytes.extend_from_slice(s.as_bytes());
                g.addr_offsets.push(g.addr_bytes.len() as u64);
            };
            let s = interner.intern(&r.from, r.from_parsed, &mut push_addr);
            let d = interner.intern(&r.to, r.to_parsed, &mut push_addr);
            let a = assets.intern(&r.asset, true, |name| g.assets.push(name.to_owned()));
            let tx = t.tx.as_deref().filter(|h| !h.is_empty());
            rows.push((r.block, s, d, r.amount, r.time.unwrap_or(NO_TIME), a, tx));
        }
        // A stable sort keeps input order within a block, which is the documented edge order.
        rows.sort_by_key(|r| r.0);
        // One transaction-id entry per (block, id), in edge order, as the on-disk import does.
        let mut in_block: build::FxMap<&str, u64> = build::FxMap::default();
        let mut current = None;
        for (e, (block, s, d, amount, time, a, tx)) in rows.into_iter().enumerate() {
            if current != Some(block) {
                in_block.clear();
                current = Some(block);
            }
            let tx = match tx {
                Some(h) => *in_block.entry(h).or_insert_with(|| {
                    g.tx_bytes.extend_from_slice(h.as_bytes());
                    g.tx_offsets.push(g.tx_bytes.len() as u64);
                    g.tx_offsets.len() as u64 - 2
                }),
                None => NO_TX,
            };
            g.block.push(block);
            g.src.push(s);
            g.dst.push(d);
            g.amount_lo.push(amount.lo());
            if amount.hi() != 0 {
                g.big_eids.push(e as u64);
                g.big_hi.push(amount.hi());
            }
            g.time.push(time);
            g.asset.push(a);
            g.tx.push(tx);
        }
        let n = interner.len();
        let (o, i) = build::both_csr(n, &g.src, &g.dst);
        (g.out_offsets, g.out_nbrs, g.out_eids) = o;
        (g.in_offsets, g.in_nbrs, g.in_eids) = i;
        g.address_order = build::sorted_order(n, |v| {
            let a = g.addr_offsets[v as usize] as usize;
            let b = g.addr_offsets[v as usize + 1] as usize;
            &g.addr_bytes[a..b]
        });
        g.stats = BuildStats {
            nodes: n,
            edges: g.src.len() as u64,
            non_canonical_addresses: interner.non_canonical,
        };
        g
    }

    /// Counts from the build.
    pub fn stats(&self) -> &BuildStats {
        &self.stats
    }

    /// The slices the analyses take.
    pub fn view(&self) -> GraphRef<'_> {
        GraphRef {
            out: Csr {
                offsets: &self.out_offsets,
                nbrs: &self.out_nbrs,
                eids: &self.out_eids,
            },
            inc: Csr {
                offsets: &self.in_offsets,
                nbrs: &self.in_nbrs,
                eids: &self.in_eids,
            },
            src: &self.src,
            dst: &self.dst,
            amount_lo: &self.amount_lo,
            big_eids: &self.big_eids,
            big_hi: &self.big_hi,
            block: &self.block,
            time: &self.time,
            asset: &self.asset,
            tx: &self.tx,
            addresses: Strings {
                bytes: &self.addr_bytes,
                offsets: &self.addr_offsets,
            },
            address_order: &self.address_order,
            txs: Strings {
                bytes: &self.tx_bytes,
                offsets: &self.tx_offsets,
            },
            assets: &self.assets,
        }
    }
}
