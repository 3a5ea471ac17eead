//! UTXO transactions (inputs and outputs) and address clusters by the multi-input heuristic,
//! for Bitcoin-family chains where one transaction spends from several addresses at once.
//!
//! # Input layout
//!
//! One row per input or output, in any order (rows of one transaction need not be adjacent).
//! A header names the columns; names are matched case-insensitively, first match wins:
//!
//! | meaning | accepted names | notes |
//! |---|---|---|
//! | transaction id | `tx`, `txid`, `tx_hash`, `transaction_hash`, `hash` | required |
//! | side | `side`, `direction`, `io` | `in`/`input`/`vin` or `out`/`output`/`vout`; optional when the caller says which side the whole file is |
//! | address | `address`, `addresses` | several addresses in one cell (`[a, b]`, `a,b`, `a;b`, `a|b`: a multisig script) are one pseudo-address, their sorted canonical spellings joined by `+` |
//! | value | `value`, `amount` | integer base units (satoshi); optional |
//! | block | `block`, `block_number`, `block_height` | optional |
//!
//! The public blockchain-ETL exports (`bigquery-public-data.crypto_bitcoin.inputs` and
//! `.outputs`, exported to CSV with `addresses` flattened by `ARRAY_TO_STRING`, or to Parquet
//! with `addresses` as a list column, read with the `parquet` feature) fit as they are:
//! read the inputs file with [`Side::Input`] and the outputs file with [`Side::Output`]
//! (`interdict graph utxo import --inputs FILE --outputs FILE`). Rows without an address
//! (non-standard scripts, `OP_RETURN`) are skipped silently; unreadable rows become diagnostics
//! with their line (CSV) or row (Parquet). Values must be integers of base units: blockchain-ETL
//! values are satoshi. A transaction's block is the smallest any of its rows gives; a file
//! without blocks puts every transaction in block 0, ordered by first appearance.
//!
//! Addresses are canonicalised like transfer addresses ([`crate::input::canonical_address`]:
//! `BC1Q…` and `bc1q…` are one address; Base58 is case-sensitive; text that is no address is
//! kept lower-cased and counted as non-canonical), once per distinct spelling.
//!
//! # Clustering
//!
//! **Multi-input heuristic**: all input addresses of one transaction are controlled by one
//! entity, so they join one cluster (union-find; a cluster's id is its smallest address id,
//! addresses numbered by first appearance). Clusters are transitive: `a+b` in one transaction
//! and `b+c` in another put `a`, `b`, `c` together, and the evidence of `a`–`c` is both
//! transactions. Outputs never join anything unless the change heuristic is on: receiving
//! together proves nothing about control.
//!
//! **CoinJoin exclusion** (on by default): a transaction is CoinJoin-shaped when at least two
//! distinct addresses spend in it, its most common output value occurs `k >= 2` times, those
//! equal outputs are at least half of all outputs (`2k >= outputs`), and at least `k` distinct
//! addresses spend (one per participant). Its inputs are not joined. Wasabi and Whirlpool
//! rounds (n equal outputs, at most n change outputs) match; an ordinary payment with change
//! (two different values) does not. A two-input payment whose two outputs happen to be equal is
//! also excluded, which only ever splits a cluster, never merges two.
//!
//! **Change heuristic** (off by default, [`ChangeHeuristic::FreshAddress`]): in a transaction
//! that is not CoinJoin-shaped, has inputs and exactly two outputs, if exactly one output goes
//! to an address never seen before (in transaction order: block, then first appearance) and not
//! among the inputs, that output is taken as change and joins the inputs' cluster.
//!
//! Every union that merged two clusters is recorded as a [`Join`] (the transaction and the
//! two addresses it linked); the joins form a spanning forest, so [`Clustering::explain`] gives
//! the transactions that connect any two addresses of one cluster. The evidence is *a* chain of
//! joins, the one the forest holds (the earliest transactions that merged the two sides), not
//! every transaction that would link them.
//!
//! # At scale
//!
//! [`UtxoBuilder`] keeps each distinct address and transaction id once, in byte arenas with
//! open-addressing tables ([`StrTable`]), and rows as `u32` columns, one per side (input values
//! only when a graph is wanted); [`UtxoBuilder::finish`] drops the lookup tables, canonicalises
//! addresses on two threads and regroups one column at a time. Union-find runs over `u32` arrays
//! with path halving and union by size. `interdict graph utxo import` reads files on a second
//! thread while the main thread interns, and writes a clusters directory
//! ([`crate::storage::write_clusters`]: the join forest rooted at each cluster id, so evidence is
//! a walk up two parent chains) that `--clusters` memory-maps ([`crate::clusters`]). Everything
//! is in memory until the write: about 60 bytes per input row of generated data with real-length
//! ids (`docs/benchmarks.md`), so a machine clusters as many inputs as its memory allows; past
//! that, split the input by block range.
//!
//! # Cluster-level analyses
//!
//! [`UtxoSet::transfers`] turns transactions into address-to-address transfers (each output
//! split over the inputs in proportion to their values, exactly; equally when the inputs carry
//! no values; a coinbase gives none), so `exposure`, `trace` and `paths` run on UTXO data
//! (`graph utxo import --graph DIR`); [`Clustering::cluster_labels`] (in memory) and
//! [`crate::clusters::ClustersRef::extend_labels`] (from a clusters directory, `--clusters`)
//! carry every label to the other addresses of its cluster with the joining transactions as
//! evidence, so a customer paid from any address of a sanctioned address's cluster is exposed
//! to `sanctioned`. The choices, with the example in `tests/it/clusters.rs`:
//!
//! - A carried label keeps the category, source and is named `cluster of <labelled address>`;
//!   an address with its own label keeps it (the first label of a node wins).
//! - Cluster level is a statement about control, so a carried label stops an exposure walk
//!   like the original, and counts as direct exposure when the customer was paid by the member.
//! - `trace --clusters` adds every member of a seed address's cluster that occurs in the graph
//!   as a seed; the report counts them and lists the first 50 with evidence.
//! - `address --clusters` reports a listed or labelled address of the screened address's
//!   cluster as a hit with `matched_on: cluster`, the listed address as `via` and the joining
//!   transactions; exact hits stay exact.

use std::collections::VecDeque;
use std::io::Read;

use serde::Serialize;

use crate::build::{FxMap, StrTable};
use crate::input::canonical_address;

/// Which side of a transaction a row describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// An input: the address spends.
    Input,
    /// An output: the address receives.
    Output,
}

/// A row that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UtxoDiagnostic {
    /// 1-based line of the row (the header is line 1).
    pub line: u64,
    /// What is wrong.
    pub message: String,
}

/// Why a UTXO file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum UtxoError {
    /// The header lacks a required column.
    #[error("{0}")]
    Header(String),
    /// The CSV reader failed (I/O or encoding).
    #[error("unreadable CSV: {0}")]
    Csv(#[from] csv::Error),
    /// More transactions or addresses than the builder's 32-bit ids hold.
    #[error("more {0} than one UTXO set holds; split the input by block range")]
    TooMany(&'static str),
}

/// Collects input and output rows in any order; [`finish`](Self::finish) groups them by
/// transaction.
///
/// Memory while collecting: each distinct address cell and transaction id once in a byte arena
/// (its text, an 8-byte offset and 8 to 16 bytes of hash table, see [`StrTable`]), 8 bytes per
/// input row (transaction, address; 16 with input values, which only the transfers of a graph
/// need), 16 per output row (transaction, address, value) and 8 per transaction (its block).
/// Addresses are interned as written and canonicalised once each in `finish`, so the checksum
/// work of canonicalisation is paid per distinct address, not per row.
#[derive(Default)]
pub struct UtxoBuilder {
    /// Address cells as written (or, for cells of several addresses, their joined key).
    cells: StrTable,
    /// Per cell: whether it is a key already (a multi-address cell), not to canonicalise again.
    cell_is_key: Vec<bool>,
    txs: StrTable,
    tx_block: Vec<u64>,
    keep_input_values: bool,
    in_tx: Vec<u32>,
    in_addr: Vec<u32>,
    in_value: Vec<u64>,
    out_tx: Vec<u32>,
    out_addr: Vec<u32>,
    out_value: Vec<u64>,
}

impl UtxoBuilder {
    /// An empty builder that keeps input values (for [`UtxoSet::transfers`]).
    pub fn new() -> UtxoBuilder {
        UtxoBuilder {
            keep_input_values: true,
            ..UtxoBuilder::default()
        }
    }

    /// An empty builder for clustering only: input values are dropped (they read as 0, and
    /// transfers then split outputs equally over the inputs), 8 bytes less per input row.
    pub fn for_clustering() -> UtxoBuilder {
        UtxoBuilder::default()
    }

    /// Rows pushed so far.
    pub fn rows(&self) -> u64 {
        (self.in_tx.len() + self.out_tx.len()) as u64
    }

    /// Adds one input or output. The address is canonicalised like transfer addresses (a cell
    /// with several addresses becomes one pseudo-address, see the module docs; an empty one is
    /// ignored); the block of a transaction is the smallest any of its rows gives. Fails past
    /// 2^32 − 2 transactions or address cells.
    pub fn push(
        &mut self,
        tx: &str,
        block: Option<u64>,
        side: Side,
        address: &str,
        value: u64,
    ) -> Result<(), UtxoError> {
        let cell = address.trim();
        if cell.is_empty() {
            return Ok(());
        }
        let many = cell.contains(['[', ',', ';', '|', ' ', '"', '\'']);
        let a = if many {
            let Some((key, _)) = address_cell(cell) else {
                return Ok(());
            };
            self.intern_cell(&key, true)?
        } else {
            self.intern_cell(cell, false)?
        };
        let t = match self.txs.intern(tx) {
            Some((t, false)) => {
                if let Some(b) = block {
                    let cur = &mut self.tx_block[t as usize];
                    *cur = (*cur).min(b);
                }
                t
            }
            Some((t, true)) => {
                self.tx_block.push(block.unwrap_or(u64::MAX));
                t
            }
            None => return Err(UtxoError::TooMany("transactions")),
        };
        match side {
            Side::Input => {
                self.in_tx.push(t);
                self.in_addr.push(a);
                if self.keep_input_values {
                    self.in_value.push(value);
                }
            }
            Side::Output => {
                self.out_tx.push(t);
                self.out_addr.push(a);
                self.out_value.push(value);
            }
        }
        Ok(())
    }

    fn intern_cell(&mut self, cell: &str, is_key: bool) -> Result<u32, UtxoError> {
        let (a, new) = self
            .cells
            .intern(cell)
            .ok_or(UtxoError::TooMany("addresses"))?;
        if new {
            self.cell_is_key.push(is_key);
        }
        Ok(a)
    }

    /// Groups the rows by transaction, transactions in (block, first appearance) order.
    ///
    /// Address cells are canonicalised here, once each, on two threads; cells that name the
    /// same address (two spellings of one bech32 address) get one id. Address ids follow the
    /// first appearance of their cells. Lookup tables are dropped first and each side's row
    /// columns are regrouped one at a time and freed, so the peak is the collected rows plus
    /// one grouped column.
    pub fn finish(self) -> UtxoSet {
        let UtxoBuilder {
            cells,
            cell_is_key,
            mut txs,
            tx_block,
            keep_input_values: _,
            in_tx,
            mut in_addr,
            in_value,
            out_tx,
            mut out_addr,
            out_value,
        } = self;
        txs.freeze();
        let (mut addresses, cell_addr, non_canonical) = canonicalise(cells, &cell_is_key);
        drop(cell_is_key);
        addresses.freeze();
        if let Some(map) = cell_addr {
            for a in in_addr.iter_mut().chain(out_addr.iter_mut()) {
                *a = map[*a as usize];
            }
        }
        let n = tx_block.len();
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by_key(|&t| (tx_block[t as usize], t));
        let blocks = order
            .iter()
            .map(|&t| tx_block[t as usize])
            .map(|b| if b == u64::MAX { 0 } else { b })
            .collect();
        drop(tx_block);
        let mut rank = vec![0u32; n];
        for (r, &t) in order.iter().enumerate() {
            rank[t as usize] = r as u32;
        }
        let (in_off, in_addr, in_value) = group(&rank, in_tx, in_addr, in_value);
        let (out_off, out_addr, out_value) = group(&rank, out_tx, out_addr, out_value);
        UtxoSet {
            addresses,
            txs,
            tx_order: order,
            blocks,
            non_canonical,
            in_off,
            in_addr,
            in_value,
            out_off,
            out_addr,
            out_value,
        }
    }
}

/// Groups one side's rows by the rank of their transaction (rows keep their input order within
/// a transaction), freeing each source column once it is placed. An empty `value` stays empty.
fn group(
    rank: &[u32],
    tx: Vec<u32>,
    addr: Vec<u32>,
    value: Vec<u64>,
) -> (Vec<u64>, Vec<u32>, Vec<u64>) {
    let n = rank.len();
    let mut off = vec![0u64; n + 1];
    for &t in &tx {
        off[rank[t as usize] as usize + 1] += 1;
    }
    for i in 0..n {
        off[i + 1] += off[i];
    }
    // Each row's slot, computed once; the columns are then moved one at a time.
    let mut slot = tx;
    let mut next = off[..n].to_vec();
    for t in &mut slot {
        let r = rank[*t as usize] as usize;
        *t = next[r] as u32;
        next[r] += 1;
    }
    drop(next);
    let place_u32 = |src: Vec<u32>| {
        let mut out = vec![0u32; src.len()];
        for (i, x) in src.into_iter().enumerate() {
            out[slot[i] as usize] = x;
        }
        out
    };
    let addr = place_u32(addr);
    let value = if value.is_empty() {
        value
    } else {
        let mut out = vec![0u64; value.len()];
        for (i, x) in value.into_iter().enumerate() {
            out[slot[i] as usize] = x;
        }
        out
    };
    (off, addr, value)
}

/// Canonicalises every address cell on two threads. Returns the address table, the map from
/// cell to address id (`None` when every cell already is its canonical key, the common case:
/// then the cell table is the address table) and how many addresses did not parse.
fn canonicalise(cells: StrTable, is_key: &[bool]) -> (StrTable, Option<Vec<u32>>, u64) {
    let n = cells.len();
    // Per half: the cells whose key differs from their text, and the count that did not parse.
    let keys = |range: std::ops::Range<usize>| -> (Vec<(u32, Box<str>)>, u64) {
        let mut owned = Vec::new();
        let mut unparsed = 0u64;
        for i in range {
            if is_key[i] {
                continue;
            }
            let (key, parsed) = canonical_address(cells.get(i as u32));
            unparsed += u64::from(!parsed);
            if let std::borrow::Cow::Owned(k) = key {
                owned.push((i as u32, k.into_boxed_str()));
            }
        }
        (owned, unparsed)
    };
    let ((mut owned, u1), (second, u2)) = std::thread::scope(|s| {
        let h = s.spawn(|| keys(n / 2..n));
        let first = keys(0..n / 2);
        (first, h.join().unwrap_or_default())
    });
    owned.extend(second);
    if owned.is_empty() {
        // No cell changes under canonicalisation, so distinct cells are distinct addresses.
        return (cells, None, u1 + u2);
    }
    // Rare (upper-case bech32, mixed-case EVM): rebuild the table with keys, merging cells
    // that name one address.
    let mut table = StrTable::new();
    let mut ids = Vec::with_capacity(n);
    let mut non_canonical = 0u64;
    let mut next_owned = owned.iter().peekable();
    for i in 0..n as u32 {
        let key = match next_owned.peek() {
            Some((j, k)) if *j == i => {
                next_owned.next();
                k
            }
            _ => cells.get(i),
        };
        // Fewer keys than cells, and cells fit in `u32`, so interning cannot fail.
        let (id, new) = table.intern(key).unwrap_or((0, false));
        if new && !is_key[i as usize] && !canonical_address(key).1 {
            non_canonical += 1;
        }
        ids.push(id);
    }
    (table, Some(ids), non_canonical)
}

/// UTXO transactions grouped by id, in (block, first appearance) order, with their inputs and
/// outputs as address ids and values.
#[derive(Debug, Clone, Default)]
pub struct UtxoSet {
    addresses: StrTable,
    /// Transaction ids in first-appearance order; `tx_order[t]` is the id of transaction `t`.
    txs: StrTable,
    tx_order: Vec<u32>,
    blocks: Vec<u64>,
    non_canonical: u64,
    in_off: Vec<u64>,
    in_addr: Vec<u32>,
    in_value: Vec<u64>,
    out_off: Vec<u64>,
    out_addr: Vec<u32>,
    out_value: Vec<u64>,
}

impl UtxoSet {
    /// Number of transactions.
    pub fn tx_count(&self) -> usize {
        self.tx_order.len()
    }

    /// Number of distinct addresses.
    pub fn address_count(&self) -> usize {
        self.addresses.len()
    }

    /// Distinct addresses kept as lower-cased text because they did not parse.
    pub fn non_canonical(&self) -> u64 {
        self.non_canonical
    }

    /// Number of input rows.
    pub fn input_count(&self) -> usize {
        self.in_addr.len()
    }

    /// Number of output rows.
    pub fn output_count(&self) -> usize {
        self.out_addr.len()
    }

    /// The canonical spelling of address `a`.
    pub fn address(&self, a: u32) -> &str {
        self.addresses.get(a)
    }

    /// The addresses, by id.
    pub fn address_table(&self) -> &StrTable {
        &self.addresses
    }

    /// The id of an address, canonicalised first (a linear scan: the set keeps no lookup
    /// table, to save memory at scale; for tests and explanations).
    pub fn lookup(&self, address: &str) -> Option<u32> {
        let (key, _) = canonical_address(address);
        (0..self.addresses.len() as u32).find(|&a| self.addresses.get(a) == key)
    }

    /// Transaction `t`'s id as written.
    pub fn txid(&self, t: u32) -> &str {
        self.tx_order
            .get(t as usize)
            .map_or("", |&id| self.txs.get(id))
    }

    /// Transaction `t`'s block (0 when no row gave one).
    pub fn block(&self, t: u32) -> u64 {
        self.blocks.get(t as usize).copied().unwrap_or(0)
    }

    /// Transaction `t`'s input addresses and values.
    pub fn inputs(&self, t: u32) -> (&[u32], &[u64]) {
        let r = self.in_off[t as usize] as usize..self.in_off[t as usize + 1] as usize;
        // A builder for clustering only keeps no input values.
        (
            &self.in_addr[r.clone()],
            self.in_value.get(r).unwrap_or(&[]),
        )
    }

    /// Transaction `t`'s output addresses and values.
    pub fn outputs(&self, t: u32) -> (&[u32], &[u64]) {
        let r = self.out_off[t as usize] as usize..self.out_off[t as usize + 1] as usize;
        (&self.out_addr[r.clone()], &self.out_value[r])
    }

    /// The address-to-address transfers of every transaction, for the account-model analyses
    /// (`exposure`, `trace`, `paths` on an [`crate::view::OwnedGraph`] or an imported graph).
    ///
    /// Each output's value is split over the input addresses in proportion to what each put in
    /// (values summed per address), rounded down, with the rounding remainder on the last input
    /// address, so the transfers into an output add up to its value exactly. Inputs without
    /// values share equally. A transaction without inputs (a coinbase) has no sender and gives
    /// no transfer: its outputs are money without prior flow. Transfers carry the transaction id
    /// and block; the asset is native.
    pub fn transfers(&self) -> Vec<crate::view::Transfer> {
        let mut out = Vec::new();
        self.for_each_transfer(|t, from, to, amount| {
            out.push(crate::view::Transfer {
                from: from.to_owned(),
                to: to.to_owned(),
                amount: crate::amount::Amount::from(amount),
                block: self.block(t),
                time: None,
                asset: String::new(),
                tx: Some(self.txid(t).to_owned()),
            });
        });
        out
    }

    /// Calls `f(transaction, from, to, amount)` for every transfer [`transfers`](Self::transfers)
    /// would return, in the same order, without holding them (an import streams them into a
    /// graph directory).
    pub fn for_each_transfer(&self, mut f: impl FnMut(u32, &str, &str, u128)) {
        let mut senders: Vec<(u32, u128)> = Vec::new();
        for t in 0..self.tx_count() as u32 {
            let (ins, in_values) = self.inputs(t);
            senders.clear();
            senders.extend(
                ins.iter()
                    .enumerate()
                    .map(|(k, &a)| (a, u128::from(in_values.get(k).copied().unwrap_or(0)))),
            );
            senders.sort_unstable_by_key(|s| s.0);
            senders.dedup_by(|b, a| {
                if a.0 == b.0 {
                    a.1 += b.1;
                    true
                } else {
                    false
                }
            });
            if senders.is_empty() {
                continue;
            }
            let mut total: u128 = senders.iter().map(|s| s.1).sum();
            if total == 0 {
                for s in &mut senders {
                    s.1 = 1;
                }
                total = senders.len() as u128;
            }
            let (outs, out_values) = self.outputs(t);
            for (&o, &v) in outs.iter().zip(out_values) {
                let v = u128::from(v);
                let mut left = v;
                for (k, &(a, w)) in senders.iter().enumerate() {
                    let part = if k + 1 == senders.len() {
                        left
                    } else {
                        // Exact: w ≤ total and v < 2^64, so v·w < 2^128 and the share is at
                        // most v.
                        v * w / total
                    };
                    left -= part.min(left);
                    f(t, self.address(a), self.address(o), part);
                }
            }
        }
    }

    /// Whether transaction `t` is CoinJoin-shaped (see the module docs).
    pub fn is_coinjoin(&self, t: u32) -> bool {
        let (ins, _) = self.inputs(t);
        let mut spenders: Vec<u32> = ins.to_vec();
        spenders.sort_unstable();
        spenders.dedup();
        if spenders.len() < 2 {
            return false;
        }
        let (_, values) = self.outputs(t);
        let mut v = values.to_vec();
        v.sort_unstable();
        let mut k = 0usize;
        let mut i = 0;
        while i < v.len() {
            let j = i + v[i..].iter().take_while(|&&x| x == v[i]).count();
            k = k.max(j - i);
            i = j;
        }
        k >= 2 && 2 * k >= v.len() && spenders.len() >= k
    }
}

/// Where the fields of a UTXO row are, from a header (see the module docs for the names).
#[derive(Debug, Clone)]
pub struct UtxoColumns {
    tx: usize,
    address: usize,
    side: Option<usize>,
    value: Option<usize>,
    block: Option<usize>,
    default_side: Option<Side>,
}

impl UtxoColumns {
    /// Maps a header; `side` says which side every row is when there is no side column
    /// (blockchain-ETL `inputs` or `outputs`).
    pub fn from_header(header: &[String], side: Option<Side>) -> Result<UtxoColumns, UtxoError> {
        let header: Vec<String> = header
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        let col = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| header.iter().position(|h| h == n))
        };
        let tx = col(&["tx", "txid", "tx_hash", "transaction_hash", "hash"]).ok_or_else(|| {
            UtxoError::Header(format!(
                "no transaction column (tx, txid, tx_hash, transaction_hash or hash) in header {header:?}"
            ))
        })?;
        let address = col(&["address", "addresses"]).ok_or_else(|| {
            UtxoError::Header(format!(
                "no address column (address or addresses) in header {header:?}"
            ))
        })?;
        let side_col = col(&["side", "direction", "io"]);
        if side_col.is_none() && side.is_none() {
            return Err(UtxoError::Header(
                "no side column (side, direction or io); say whether the file holds inputs or outputs"
                    .into(),
            ));
        }
        Ok(UtxoColumns {
            tx,
            address,
            side: side_col,
            value: col(&["value", "amount"]),
            block: col(&["block", "block_number", "block_height"]),
            default_side: side,
        })
    }

    /// The columns a reader must fill, for readers that convert cells (Parquet).
    pub fn used(&self) -> Vec<usize> {
        [Some(self.tx), Some(self.address)]
            .into_iter()
            .chain([self.side, self.value, self.block])
            .flatten()
            .collect()
    }
}

/// Parsed rows on their way from a reader thread to the [`UtxoBuilder`]: the strings of every
/// row in one buffer, so a batch of thousands of rows is a handful of allocations.
#[derive(Debug, Default)]
pub struct UtxoBatch {
    text: String,
    /// Per row: end of its transaction id and of its address cell in `text`, block, side,
    /// value.
    rows: Vec<(u32, u32, Option<u64>, Side, u64)>,
    /// Rows that could not be used.
    pub diagnostics: Vec<UtxoDiagnostic>,
    /// Bytes of the input read so far (0 when unknown), for progress.
    pub bytes_read: u64,
}

impl UtxoBatch {
    /// Rows held.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether it holds no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Empties the batch, keeping its buffers.
    pub fn clear(&mut self) {
        self.text.clear();
        self.rows.clear();
        self.diagnostics.clear();
    }

    /// Parses one row whose cells `get` gives by column index; `line` names it in diagnostics.
    pub fn parse<'a>(
        &mut self,
        cols: &UtxoColumns,
        line: u64,
        get: impl Fn(usize) -> Option<&'a str>,
    ) {
        let cell = |c: Option<usize>| c.and_then(&get).map(str::trim).unwrap_or("");
        let mut bad = |message: String| {
            self.diagnostics.push(UtxoDiagnostic { line, message });
        };
        let tx = cell(Some(cols.tx));
        if tx.is_empty() {
            return bad("no transaction id; row skipped".into());
        }
        let side = match (
            cell(cols.side).to_ascii_lowercase().as_str(),
            cols.default_side,
        ) {
            ("in" | "input" | "inputs" | "vin", _) => Side::Input,
            ("out" | "output" | "outputs" | "vout", _) => Side::Output,
            ("", Some(s)) => s,
            (other, _) => return bad(format!("side {other:?} is neither in nor out; row skipped")),
        };
        let address = cell(Some(cols.address));
        if address.is_empty() {
            // No address (non-standard script, OP_RETURN): nothing to cluster, not an error.
            return;
        }
        let value = match cell(cols.value) {
            "" => 0,
            v => match v.parse::<u64>() {
                Ok(x) => x,
                Err(_) => {
                    return bad(format!(
                        "value {v:?} is not an integer number of base units; row skipped"
                    ));
                }
            },
        };
        let block = match cell(cols.block) {
            "" => None,
            b => match b.parse::<u64>() {
                Ok(x) => Some(x),
                Err(_) => return bad(format!("block {b:?} is not an integer; row skipped")),
            },
        };
        if self.text.len() + tx.len() + address.len() >= u32::MAX as usize {
            return bad("batch text overflow; row skipped".into());
        }
        self.text.push_str(tx);
        let tx_end = self.text.len() as u32;
        self.text.push_str(address);
        self.rows
            .push((tx_end, self.text.len() as u32, block, side, value));
    }

    /// Pushes every row into `builder`.
    pub fn push_into(&self, builder: &mut UtxoBuilder) -> Result<(), UtxoError> {
        let mut start = 0usize;
        for &(tx_end, end, block, side, value) in &self.rows {
            let (tx_end, end) = (tx_end as usize, end as usize);
            builder.push(
                &self.text[start..tx_end],
                block,
                side,
                &self.text[tx_end..end],
                value,
            )?;
            start = end;
        }
        Ok(())
    }
}

/// A UTXO CSV read in batches.
pub struct UtxoCsv<R: Read> {
    rdr: csv::Reader<R>,
    cols: UtxoColumns,
    rec: csv::StringRecord,
    line: u64,
}

impl<R: Read> UtxoCsv<R> {
    /// Reads and maps the header; `side` as for [`UtxoColumns::from_header`].
    pub fn new(input: R, side: Option<Side>) -> Result<UtxoCsv<R>, UtxoError> {
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(input);
        let header: Vec<String> = rdr.headers()?.iter().map(str::to_owned).collect();
        Ok(UtxoCsv {
            cols: UtxoColumns::from_header(&header, side)?,
            rdr,
            rec: csv::StringRecord::new(),
            line: 1,
        })
    }

    /// Parses up to `max_rows` more rows into `batch`; `false` at the end of the input.
    pub fn fill(&mut self, batch: &mut UtxoBatch, max_rows: usize) -> bool {
        for _ in 0..max_rows {
            match self.rdr.read_record(&mut self.rec) {
                Ok(false) => return false,
                Ok(true) => {}
                Err(e) => {
                    self.line += 1;
                    batch.diagnostics.push(UtxoDiagnostic {
                        line: self.line,
                        message: format!("unreadable row: {e}"),
                    });
                    continue;
                }
            }
            self.line = self.rec.position().map_or(self.line + 1, |p| p.line());
            let rec = &self.rec;
            batch.parse(&self.cols, self.line, |c| rec.get(c));
            batch.bytes_read = self.rdr.position().byte();
        }
        true
    }
}

/// Reads a UTXO CSV (see the module docs for the layout) into `builder`. `side` says which
/// side every row is when the file has no side column (blockchain-ETL `inputs` or `outputs`).
pub fn read_csv<R: Read>(
    input: R,
    side: Option<Side>,
    builder: &mut UtxoBuilder,
) -> Result<Vec<UtxoDiagnostic>, UtxoError> {
    let mut reader = UtxoCsv::new(input, side)?;
    let mut diags = Vec::new();
    let mut batch = UtxoBatch::default();
    loop {
        batch.clear();
        let more = reader.fill(&mut batch, 4096);
        batch.push_into(builder)?;
        diags.append(&mut batch.diagnostics);
        if !more {
            return Ok(diags);
        }
    }
}

/// The canonical key of one cell and whether it parsed as an address: one address, or several
/// (a multisig script) as one pseudo-address.
fn address_cell(cell: &str) -> Option<(String, bool)> {
    let inner = cell.trim().trim_start_matches('[').trim_end_matches(']');
    let mut parts: Vec<(String, bool)> = inner
        .split([',', ';', '|', ' '])
        .map(|p| p.trim().trim_matches(['"', '\'']))
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, parsed) = canonical_address(p);
            (k.into_owned(), parsed)
        })
        .collect();
    parts.sort();
    parts.dedup();
    match &parts[..] {
        [] => None,
        [(one, parsed)] => Some((one.clone(), *parsed)),
        many => Some((
            many.iter()
                .map(|p| p.0.as_str())
                .collect::<Vec<_>>()
                .join("+"),
            false,
        )),
    }
}

/// The optional change heuristic.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeHeuristic {
    /// Multi-input only (the default).
    #[default]
    None,
    /// The one fresh output of a two-output transaction is change (see the module docs).
    FreshAddress,
}

/// Clustering parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterConfig {
    /// Skip CoinJoin-shaped transactions (default `true`).
    pub exclude_coinjoin: bool,
    /// The change heuristic (default none).
    pub change: ChangeHeuristic,
}

impl Default for ClusterConfig {
    fn default() -> ClusterConfig {
        ClusterConfig {
            exclude_coinjoin: true,
            change: ChangeHeuristic::None,
        }
    }
}

/// Why two addresses were joined (shared with address screening's cluster hits).
pub use wallets::JoinReason;

/// One union that merged two clusters: evidence that `a` and `b` belong together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Join {
    /// The transaction.
    pub tx: u32,
    /// An address already in the transaction's cluster.
    pub a: u32,
    /// The address it joined.
    pub b: u32,
    /// The heuristic.
    pub reason: JoinReason,
}

/// The result of clustering.
#[derive(Debug, Clone)]
pub struct Clustering {
    /// The cluster of each address: its smallest member's address id.
    pub cluster: Vec<u32>,
    /// Every union that merged two clusters, in transaction order.
    pub joins: Vec<Join>,
    /// Transactions skipped as CoinJoin-shaped.
    pub coinjoins: u64,
}

struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }

    /// Merges the sets of `a` and `b`; `false` when they were one set already.
    fn union(&mut self, a: u32, b: u32) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        let (big, small) = if self.size[ra as usize] >= self.size[rb as usize] {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.parent[small as usize] = big;
        self.size[big as usize] += self.size[small as usize];
        true
    }
}

/// Clusters the addresses of `set` (see the module docs).
pub fn cluster(set: &UtxoSet, cfg: &ClusterConfig) -> Clustering {
    let n = set.address_count();
    let mut uf = UnionFind {
        parent: (0..n as u32).collect(),
        size: vec![1; n],
    };
    let mut seen = match cfg.change {
        ChangeHeuristic::FreshAddress => vec![false; n],
        ChangeHeuristic::None => Vec::new(),
    };
    let mut joins = Vec::new();
    let mut coinjoins = 0u64;
    for t in 0..set.tx_count() as u32 {
        let (ins, _) = set.inputs(t);
        let (outs, _) = set.outputs(t);
        let coinjoin = ins.len() >= 2 && set.is_coinjoin(t);
        if coinjoin {
            coinjoins += 1;
        }
        if !(coinjoin && cfg.exclude_coinjoin)
            && let Some((&first, rest)) = ins.split_first()
        {
            for &b in rest {
                if uf.union(first, b) {
                    joins.push(Join {
                        tx: t,
                        a: first,
                        b,
                        reason: JoinReason::MultiInput,
                    });
                }
            }
        }
        if cfg.change == ChangeHeuristic::FreshAddress {
            if !coinjoin && !ins.is_empty() && outs.len() == 2 {
                let fresh: Vec<u32> = outs
                    .iter()
                    .copied()
                    .filter(|&o| !seen[o as usize] && !ins.contains(&o))
                    .collect();
                if let [c] = fresh[..]
                    && outs[0] != outs[1]
                    && uf.union(ins[0], c)
                {
                    joins.push(Join {
                        tx: t,
                        a: ins[0],
                        b: c,
                        reason: JoinReason::Change,
                    });
                }
            }
            for &a in ins.iter().chain(outs) {
                seen[a as usize] = true;
            }
        }
    }
    // Cluster id: the smallest member, so ids do not depend on union order.
    let mut smallest = vec![u32::MAX; n];
    for a in 0..n as u32 {
        let r = uf.find(a) as usize;
        smallest[r] = smallest[r].min(a);
    }
    let cluster = (0..n as u32)
        .map(|a| smallest[uf.find(a) as usize])
        .collect();
    Clustering {
        cluster,
        joins,
        coinjoins,
    }
}

/// A label carried from a labelled address to another address of its cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterLabel {
    /// The label, for the cluster member (its `label` says which address it came from).
    pub record: crate::labels::LabelRecord,
    /// The labelled address it came from.
    pub via: String,
    /// The transactions that join the member to the labelled address, in order.
    pub evidence: Vec<String>,
}

impl Clustering {
    /// Extends labels to clusters: for every record whose address is in `set`, a label for
    /// each other member of its cluster, with the transactions that join them. With these
    /// labels, a customer paid from any address of a sanctioned address's cluster is exposed
    /// to `sanctioned`, and the evidence says why. Members already labelled keep their own
    /// labels (callers resolve records in order, first wins, so pass these after the originals).
    pub fn cluster_labels(
        &self,
        set: &UtxoSet,
        records: &[crate::labels::LabelRecord],
    ) -> Vec<ClusterLabel> {
        let mut members: FxMap<u32, Vec<u32>> = FxMap::default();
        for (a, &c) in self.cluster.iter().enumerate() {
            members.entry(c).or_default().push(a as u32);
        }
        let mut index: FxMap<&str, u32> = FxMap::default();
        for a in 0..set.address_count() as u32 {
            index.insert(set.address(a), a);
        }
        let mut out = Vec::new();
        for r in records {
            let (key, _) = canonical_address(&r.address);
            let Some(&a) = index.get(key.as_ref()) else {
                continue;
            };
            let Some(group) = self.cluster_of(a).and_then(|c| members.get(&c)) else {
                continue;
            };
            for &m in group.iter().filter(|&&m| m != a) {
                let evidence = self
                    .explain(a, m)
                    .unwrap_or_default()
                    .iter()
                    .map(|j| set.txid(j.tx).to_owned())
                    .collect();
                out.push(ClusterLabel {
                    record: crate::labels::LabelRecord {
                        address: set.address(m).to_owned(),
                        chain: r.chain.clone(),
                        category: r.category.clone(),
                        label: format!("cluster of {}", set.address(a)),
                        source: r.source.clone(),
                    },
                    via: set.address(a).to_owned(),
                    evidence,
                });
            }
        }
        out
    }

    /// The cluster id of address `a`.
    pub fn cluster_of(&self, a: u32) -> Option<u32> {
        self.cluster.get(a as usize).copied()
    }

    /// Every address of cluster `c`, ascending.
    pub fn members(&self, c: u32) -> Vec<u32> {
        (0..self.cluster.len() as u32)
            .filter(|&a| self.cluster[a as usize] == c)
            .collect()
    }

    /// The joins that connect `from` to `to` (a path in the spanning forest of joins), or
    /// `None` when they are in different clusters. Empty when `from == to`.
    pub fn explain(&self, from: u32, to: u32) -> Option<Vec<Join>> {
        if self.cluster_of(from)? != self.cluster_of(to)? {
            return None;
        }
        let mut adj: FxMap<u32, Vec<usize>> = FxMap::default();
        for (i, j) in self.joins.iter().enumerate() {
            if self.cluster[j.a as usize] == self.cluster[from as usize] {
                adj.entry(j.a).or_default().push(i);
                adj.entry(j.b).or_default().push(i);
            }
        }
        let mut back: FxMap<u32, usize> = FxMap::default();
        let mut queue = VecDeque::from([from]);
        while let Some(v) = queue.pop_front() {
            if v == to {
                break;
            }
            for &i in adj.get(&v).into_iter().flatten() {
                let j = &self.joins[i];
                let w = if j.a == v { j.b } else { j.a };
                if w != from && !back.contains_key(&w) {
                    back.insert(w, i);
                    queue.push_back(w);
                }
            }
        }
        let mut path = Vec::new();
        let mut v = to;
        while v != from {
            let i = *back.get(&v)?;
            let j = self.joins[i];
            path.push(j);
            v = if j.a == v { j.b } else { j.a };
        }
        path.reverse();
        Some(path)
    }
}

/// What [`generate`] plants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtxoGenConfig {
    /// Number of wallets (planted clusters).
    pub wallets: u32,
    /// Largest number of addresses per wallet (each has 2..=this many).
    pub max_addresses: u32,
    /// Spends per wallet after its consolidation.
    pub spends: u32,
    /// CoinJoin rounds, each with up to 5 wallets.
    pub coinjoins: u32,
    /// Random seed.
    pub seed: u64,
    /// Spell addresses with 34 characters (`w{w}a{i}x` and hex, like a Base58 address) and
    /// transaction ids with 64 hex digits, as real data does, so memory and time figures are
    /// not flattered by short names.
    pub long_ids: bool,
}

impl UtxoGenConfig {
    /// A configuration of `wallets` wallets with the benchmark's shape: up to 16 addresses per
    /// wallet, 8 spends each (about 45 inputs per wallet), one CoinJoin round per 100 wallets.
    pub fn with_wallets(wallets: u32, seed: u64) -> UtxoGenConfig {
        UtxoGenConfig {
            wallets,
            max_addresses: 16,
            spends: 8,
            coinjoins: wallets / 100,
            seed,
            long_ids: true,
        }
    }
}

/// The wallet a generated address belongs to (`w12a3` and `w12a3x…` belong to `w12`).
pub fn planted_wallet(address: &str) -> &str {
    address.split('a').next().unwrap_or("")
}

/// How well a clustering recovers the planted wallets of [`generate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlantedCheck {
    /// Planted wallets seen.
    pub wallets: u64,
    /// Clusters found.
    pub clusters: u64,
    /// Clusters that hold addresses of more than one wallet (a false merge).
    pub merged: u64,
    /// Wallets split over more than one cluster.
    pub split: u64,
}

impl PlantedCheck {
    /// Compares `c` with the wallets of the generated `set`.
    pub fn new(set: &UtxoSet, c: &Clustering) -> PlantedCheck {
        let wallet_of = |a: u32| -> u32 {
            planted_wallet(set.address(a))
                .trim_start_matches('w')
                .parse()
                .unwrap_or(u32::MAX)
        };
        // Per cluster its first wallet (or a merge), per wallet its first cluster (or a split).
        let mut cluster_wallet: FxMap<u32, (u32, bool)> = FxMap::default();
        let mut wallet_cluster: FxMap<u32, (u32, bool)> = FxMap::default();
        for a in 0..set.address_count() as u32 {
            let (w, k) = (wallet_of(a), c.cluster[a as usize]);
            let e = cluster_wallet.entry(k).or_insert((w, false));
            e.1 |= e.0 != w;
            let e = wallet_cluster.entry(w).or_insert((k, false));
            e.1 |= e.0 != k;
        }
        PlantedCheck {
            wallets: wallet_cluster.len() as u64,
            clusters: cluster_wallet.len() as u64,
            merged: cluster_wallet.values().filter(|e| e.1).count() as u64,
            split: wallet_cluster.values().filter(|e| e.1).count() as u64,
        }
    }

    /// Whether every wallet is exactly one cluster.
    pub fn exact(&self) -> bool {
        self.merged == 0 && self.split == 0
    }
}

/// Generates UTXO transactions with planted clusters into `builder` and returns the number of
/// input rows (or the builder's error past its limits). Address `w{w}a{i}` belongs to wallet `w`
/// ([`planted_wallet`]); the planted clusters are the wallets.
///
/// Each wallet is funded by a transaction without inputs, then consolidates all its addresses
/// in one transaction (so the multi-input heuristic can recover the whole wallet), then spends
/// random subsets of its addresses, paying another wallet's address and returning change to
/// its own (values always differ, so no ordinary spend is CoinJoin-shaped). CoinJoin rounds take
/// one address from each of up to five wallets and pay equal amounts back to each, plus
/// distinct change: joining their inputs would merge wallets.
pub fn generate(cfg: &UtxoGenConfig, builder: &mut UtxoBuilder) -> Result<u64, UtxoError> {
    generate_rows(cfg, &mut |tx, block, side, address, value| {
        builder.push(tx, block, side, address, value)
    })
}

/// One generated row: transaction, block, side, address, value.
pub type RowSink<'a, E> = dyn FnMut(&str, Option<u64>, Side, &str, u64) -> Result<(), E> + 'a;

/// [`generate`] into any sink (a builder, a CSV writer, both); returns the number of input
/// rows.
pub fn generate_rows<E>(cfg: &UtxoGenConfig, builder: &mut RowSink<'_, E>) -> Result<u64, E> {
    use crate::generate::Rng;
    let mut rng = Rng::new(cfg.seed);
    let w_count = cfg.wallets.max(2);
    let sizes: Vec<u32> = (0..w_count)
        .map(|_| 2 + rng.below(u64::from(cfg.max_addresses.max(2) - 1)) as u32)
        .collect();
    let long = cfg.long_ids;
    let name = |w: u32, i: u32| {
        if long {
            let h = crate::generate::mix(u64::from(w) << 32 | u64::from(i));
            let mut s = format!("w{w}a{i}x{h:016x}{:016x}", crate::generate::mix(h));
            // The prefix is at most 16 characters, so the name stays unique.
            s.truncate(34);
            s
        } else {
            format!("w{w}a{i}")
        }
    };
    let mut inputs = 0u64;
    let mut block = 0u64;
    let mut tx = 0u64;
    let mut next_tx = |b: &mut u64| {
        tx += 1;
        *b += 1;
        if long {
            let h = crate::generate::mix(tx);
            format!(
                "{h:016x}{:016x}{:016x}{tx:016x}",
                crate::generate::mix(h),
                crate::generate::mix(h ^ 1)
            )
        } else {
            format!("t{tx}")
        }
    };
    for w in 0..w_count {
        let t = next_tx(&mut block);
        for i in 0..sizes[w as usize] {
            builder(
                &t,
                Some(block),
                Side::Output,
                &name(w, i),
                100_000 + rng.below(1 << 20),
            )?;
        }
    }
    let spend =
        |b: &mut RowSink<'_, E>, w: u32, addrs: &[u32], rng: &mut Rng, t: &str, block: u64| {
            for &i in addrs {
                b(t, Some(block), Side::Input, &name(w, i), 1_000)?;
            }
            let other = (w + 1 + rng.below(u64::from(w_count - 1)) as u32) % w_count;
            let to = rng.below(u64::from(sizes[other as usize])) as u32;
            let pay = 1 + rng.below(1 << 30);
            b(t, Some(block), Side::Output, &name(other, to), pay)?;
            let back = rng.below(u64::from(sizes[w as usize])) as u32;
            b(
                t,
                Some(block),
                Side::Output,
                &name(w, back),
                pay + 1 + rng.below(1000),
            )?;
            Ok::<u64, E>(addrs.len() as u64)
        };
    for w in 0..w_count {
        let all: Vec<u32> = (0..sizes[w as usize]).collect();
        let t = next_tx(&mut block);
        inputs += spend(builder, w, &all, &mut rng, &t, block)?;
    }
    for _ in 0..cfg.spends {
        for w in 0..w_count {
            let n = sizes[w as usize];
            let k = 1 + rng.below(u64::from(n)) as u32;
            let first = rng.below(u64::from(n)) as u32;
            let subset: Vec<u32> = (0..k).map(|j| (first + j) % n).collect();
            let t = next_tx(&mut block);
            inputs += spend(builder, w, &subset, &mut rng, &t, block)?;
        }
    }
    for _ in 0..cfg.coinjoins {
        let n = 2 + rng.below(4) as u32;
        let start = rng.below(u64::from(w_count)) as u32;
        let t = next_tx(&mut block);
        let denomination = 10_000_000;
        for j in 0..n.min(w_count) {
            let w = (start + j) % w_count;
            let i = rng.below(u64::from(sizes[w as usize])) as u32;
            builder(
                &t,
                Some(block),
                Side::Input,
                &name(w, i),
                denomination + 50_000,
            )?;
            inputs += 1;
            let back = rng.below(u64::from(sizes[w as usize])) as u32;
            builder(&t, Some(block), Side::Output, &name(w, back), denomination)?;
            builder(
                &t,
                Some(block),
                Side::Output,
                &name(w, (back + 1) % sizes[w as usize]),
                40_000 + u64::from(j),
            )?;
        }
    }
    Ok(inputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(rows: &str) -> UtxoSet {
        let mut b = UtxoBuilder::new();
        let diags = read_csv(rows.as_bytes(), None, &mut b).unwrap();
        assert!(diags.is_empty(), "{diags:?}");
        b.finish()
    }

    /// Clusters as sorted lists of addresses, for comparison.
    fn clusters(s: &UtxoSet, c: &Clustering) -> Vec<Vec<String>> {
        let mut by: std::collections::BTreeMap<u32, Vec<String>> = Default::default();
        for a in 0..s.address_count() as u32 {
            by.entry(c.cluster[a as usize])
                .or_default()
                .push(s.address(a).to_owned());
        }
        let mut v: Vec<Vec<String>> = by
            .into_values()
            .map(|mut m| {
                m.sort();
                m
            })
            .collect();
        v.sort();
        v
    }

    fn check(rows: &str, cfg: ClusterConfig, want: &[&[&str]]) {
        let s = set(rows);
        let got = clusters(&s, &cluster(&s, &cfg));
        let want: Vec<Vec<String>> = want
            .iter()
            .map(|c| c.iter().map(|a| a.to_string()).collect())
            .collect();
        assert_eq!(got, want, "{rows}");
    }

    #[test]
    fn multi_input_coinjoin_and_change() {
        // t2's rows are interleaved with t1's; t3 is a CoinJoin of c and d (equal outputs).
        let rows = "tx,side,address,value,block\n\
            t1,in,a,5,1\nt2,in,c,3,2\nt1,in,b,4,1\nt1,out,x,8,1\nt1,out,e,1,1\n\
            t2,out,a,3,2\nt3,in,c,10,3\nt3,in,d,10,3\nt3,out,f,10,3\nt3,out,g,10,3\n";
        check(
            rows,
            ClusterConfig::default(),
            &[&["a", "b"], &["c"], &["d"], &["e"], &["f"], &["g"], &["x"]],
        );
        // Without the exclusion the CoinJoin merges c and d.
        check(
            rows,
            ClusterConfig {
                exclude_coinjoin: false,
                ..ClusterConfig::default()
            },
            &[&["a", "b"], &["c", "d"], &["e"], &["f"], &["g"], &["x"]],
        );
        // The change heuristic: in t1 (two outputs) x and e are both fresh, so neither is
        // change; in t2 (one output) there is none.
        check(
            rows,
            ClusterConfig {
                change: ChangeHeuristic::FreshAddress,
                ..ClusterConfig::default()
            },
            &[&["a", "b"], &["c"], &["d"], &["e"], &["f"], &["g"], &["x"]],
        );
        let rows2 =
            "tx,side,address,value\nt1,out,p,5\nt2,in,a,5\nt2,in,b,5\nt2,out,p,7\nt2,out,q,3\n";
        check(
            rows2,
            ClusterConfig {
                change: ChangeHeuristic::FreshAddress,
                ..ClusterConfig::default()
            },
            &[&["a", "b", "q"], &["p"]],
        );
    }

    #[test]
    fn planted_clusters_are_recovered_exactly() {
        let cfg = UtxoGenConfig {
            wallets: 300,
            max_addresses: 8,
            spends: 3,
            coinjoins: 200,
            seed: 7,
            long_ids: false,
        };
        let mut b = UtxoBuilder::new();
        let inputs = generate(&cfg, &mut b).unwrap();
        let s = b.finish();
        assert_eq!(s.input_count() as u64, inputs);
        let wallet = |a: u32| s.address(a).split('a').next().unwrap_or("").to_owned();
        let c = cluster(&s, &ClusterConfig::default());
        assert_eq!(c.coinjoins, 200);
        // Same cluster exactly when same wallet.
        let mut cluster_wallet: FxMap<u32, String> = FxMap::default();
        let mut wallet_cluster: FxMap<String, u32> = FxMap::default();
        for a in 0..s.address_count() as u32 {
            let (w, k) = (wallet(a), c.cluster[a as usize]);
            assert_eq!(cluster_wallet.entry(k).or_insert_with(|| w.clone()), &w);
            assert_eq!(*wallet_cluster.entry(w).or_insert(k), k);
        }
        assert_eq!(wallet_cluster.len(), 300);
        // Joining CoinJoin inputs would merge wallets.
        let merged = cluster(
            &s,
            &ClusterConfig {
                exclude_coinjoin: false,
                ..ClusterConfig::default()
            },
        );
        let mut ids: Vec<u32> = merged.cluster.clone();
        ids.sort_unstable();
        ids.dedup();
        assert!(ids.len() < 300, "{} clusters", ids.len());
    }

    #[test]
    fn a_customer_paid_from_a_sanctioned_cluster_is_exposed() {
        use crate::exposure::{Direction, ExposureConfig, exposure};
        use crate::labels::{LabelRecord, NodeLabels};
        use crate::view::OwnedGraph;
        // s (sanctioned) and t spend together in j1; later t alone pays the customer c, and an
        // unrelated u pays c as much.
        let s = set("tx,side,address,value,block\n\
            f,out,s,50,1\nf,out,t,50,1\nf,out,u,30,1\n\
            j1,in,s,50,2\nj1,in,t,50,2\nj1,out,t,60,2\nj1,out,v,40,2\n\
            p,in,t,60,3\np,out,c,30,3\np,out,t,30,3\n\
            q,in,u,30,4\nq,out,c,30,4\n");
        let c = cluster(&s, &ClusterConfig::default());
        let sanctioned = LabelRecord {
            address: "s".into(),
            chain: String::new(),
            category: "sanctioned".into(),
            label: "SDN".into(),
            source: "ofac".into(),
        };
        let extra = c.cluster_labels(&s, std::slice::from_ref(&sanctioned));
        assert_eq!(extra.len(), 1);
        assert_eq!(
            (extra[0].record.address.as_str(), extra[0].evidence.clone()),
            ("t", vec!["j1".to_owned()])
        );
        let ts = s.transfers();
        // j1 splits each output over s and t by their inputs (50/50); sums are exact.
        let j1_to_v: Vec<u128> = ts
            .iter()
            .filter(|t| t.tx.as_deref() == Some("j1") && t.to == "v")
            .filter_map(|t| t.amount.to_u128())
            .collect();
        assert_eq!(j1_to_v, vec![20, 20]);
        let g = OwnedGraph::from_transfers(&ts);
        let v = g.view();
        let mut records = vec![sanctioned];
        records.extend(extra.into_iter().map(|l| l.record));
        let labels = NodeLabels::resolve(&v, &records);
        let r = exposure(
            &v,
            &labels,
            v.lookup("c").unwrap(),
            &ExposureConfig::defaults(Direction::In),
        );
        // Half of c's inflow came directly from t, a member of s's cluster.
        assert_eq!(r.categories[0].category, "sanctioned");
        assert_eq!(r.categories[0].direct_share, 0.5);
        assert_eq!(r.categories[0].counterparties[0].address, "t");
    }

    #[test]
    fn explanations_name_the_joining_transactions() {
        let s = set("tx,side,address\nt1,in,a\nt1,in,b\nt2,in,b\nt2,in,c\nt3,in,d\n");
        let c = cluster(&s, &ClusterConfig::default());
        let ids = |j: Vec<Join>| -> Vec<&str> { j.iter().map(|j| s.txid(j.tx)).collect() };
        let (a, cc, d) = (
            s.lookup("a").unwrap(),
            s.lookup("c").unwrap(),
            s.lookup("d").unwrap(),
        );
        assert_eq!(c.explain(a, cc).map(ids), Some(vec!["t1", "t2"]));
        assert_eq!(c.explain(a, d), None);
        assert_eq!(c.explain(a, a).map(ids), Some(vec![]));
    }

    #[test]
    fn blockchain_etl_columns_and_bad_rows() {
        let mut b = UtxoBuilder::new();
        let inputs = "transaction_hash,block_number,index,addresses,value\n\
            h1,7,0,\"['1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu']\",100\n\
            h1,7,1,\"['3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC']\",x\n\
            h1,7,2,,5\n\
            h2,8,0,\"['1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu', '3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC']\",1\n";
        let diags = read_csv(inputs.as_bytes(), Some(Side::Input), &mut b).unwrap();
        assert_eq!(
            diags,
            vec![UtxoDiagnostic {
                line: 3,
                message: "value \"x\" is not an integer number of base units; row skipped".into()
            }]
        );
        let s = b.finish();
        assert_eq!(
            (s.tx_count(), s.input_count(), s.address_count()),
            (2, 2, 2)
        );
        assert_eq!(
            s.address(1),
            "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu+3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC"
        );
        let err = read_csv(
            "a,b\n".as_bytes(),
            Some(Side::Input),
            &mut UtxoBuilder::new(),
        );
        assert!(matches!(err, Err(UtxoError::Header(_))));
        let err = read_csv("tx,address\n".as_bytes(), None, &mut UtxoBuilder::new());
        assert!(matches!(err, Err(UtxoError::Header(_))));
    }
}
