//! Memory-mapping a graph directory: the only module of the crate with `unsafe` code.
#![allow(unsafe_code)]

use std::fs::File;
use std::path::{Path, PathBuf};

use memmap2::Mmap;

use super::clusters::{CLUSTERS_FORMAT, ClustersMeta};
use super::{FORMAT_VERSION, Meta, StorageError, io_err};
use crate::clusters::ClustersRef;
use crate::view::{Csr, GraphRef, Strings};

#[cfg(not(target_endian = "little"))]
compile_error!("graph files are little-endian and are mapped without conversion");

/// One mapped file; empty files are not mapped (a zero-length mapping is not portable).
pub(super) struct Map {
    map: Option<Mmap>,
}

impl Map {
    fn open(dir: &Path, name: &str) -> Result<Map, StorageError> {
        Map::open_path(&dir.join(name))
    }

    /// Maps one file read-only (the builder reads the transaction dictionary this way).
    pub(super) fn open_path(path: &Path) -> Result<Map, StorageError> {
        let path = path.to_path_buf();
        let file = File::open(&path).map_err(io_err(&path))?;
        let len = file.metadata().map_err(io_err(&path))?.len();
        if len == 0 {
            return Ok(Map { map: None });
        }
        // SAFETY: the mapping is read-only and the files are written once by `GraphBuilder` and
        // then only replaced by renaming a new directory over them, never modified in place, so
        // the bytes behind the slices we hand out do not change while the map lives. A user
        // editing the files by hand while a command runs could still break this, as for any
        // mmap-based reader (ripgrep, tantivy); we accept that.
        let map = unsafe { Mmap::map(&file) }.map_err(io_err(&path))?;
        Ok(Map { map: Some(map) })
    }

    pub(super) fn bytes(&self) -> &[u8] {
        self.map.as_deref().unwrap_or(&[])
    }
}

/// Integer types a column may hold: every bit pattern is a valid value.
trait Pod: Copy {}
impl Pod for u8 {}
impl Pod for u32 {}
impl Pod for u64 {}
impl Pod for u128 {}

/// Views bytes as a slice of `T`, or `None` if the length or alignment does not fit.
fn cast<T: Pod>(bytes: &[u8]) -> Option<&[T]> {
    let size = std::mem::size_of::<T>();
    if bytes.is_empty() {
        return Some(&[]);
    }
    if !bytes.len().is_multiple_of(size)
        || !(bytes.as_ptr() as usize).is_multiple_of(std::mem::align_of::<T>())
    {
        return None;
    }
    // SAFETY: the pointer is non-null, aligned for `T` (checked above), and valid for reads of
    // `bytes.len()` bytes for the lifetime of `bytes`; `len / size` elements cover exactly those
    // bytes; `T` is a plain integer for which every bit pattern is valid (`Pod`), and the files
    // are little-endian like the target (checked at compile time). Nothing mutates the mapping.
    Some(unsafe { std::slice::from_raw_parts(bytes.as_ptr().cast::<T>(), bytes.len() / size) })
}

/// A graph directory opened for reading; [`MappedGraph::view`] gives the slices.
pub struct MappedGraph {
    dir: PathBuf,
    meta: Meta,
    maps: Vec<Map>,
}

const FILES: [&str; 21] = [
    "out.off",
    "out.nbr",
    "out.eid",
    "in.off",
    "in.nbr",
    "in.eid",
    "e.src",
    "e.dst",
    "e.amount",
    "e.big_eid",
    "e.big_hi",
    "e.block",
    "e.time",
    "e.asset",
    "e.tx",
    "addr.bytes",
    "addr.off",
    "addr.sorted",
    "tx.bytes",
    "tx.off",
    "meta.json",
];

impl MappedGraph {
    /// Maps every file of the directory and checks that the lengths agree with `meta.json`.
    pub fn open(dir: &Path) -> Result<MappedGraph, StorageError> {
        // Between the two renames of an append (or after a crash there) only the backup holds
        // the graph; it is complete, so a reader opens it instead.
        if !dir.exists() {
            let old = super::side_path(dir, "old");
            if old.is_dir() {
                let mut g = MappedGraph::open_at(&old)?;
                g.dir = dir.to_path_buf();
                return Ok(g);
            }
        }
        MappedGraph::open_at(dir)
    }

    fn open_at(dir: &Path) -> Result<MappedGraph, StorageError> {
        let meta_path = dir.join("meta.json");
        let text = std::fs::read(&meta_path).map_err(io_err(&meta_path))?;
        let meta: Meta = serde_json::from_slice(&text).map_err(|e| StorageError::Corrupt {
            path: meta_path.display().to_string(),
            message: format!("{e}; was this directory written by `interdict graph import`?"),
        })?;
        if meta.format != FORMAT_VERSION {
            return Err(StorageError::Corrupt {
                path: meta_path.display().to_string(),
                message: format!(
                    "format {} but this build reads {FORMAT_VERSION}; re-import the transfers",
                    meta.format
                ),
            });
        }
        let maps = FILES[..20]
            .iter()
            .map(|n| Map::open(dir, n))
            .collect::<Result<Vec<_>, _>>()?;
        let g = MappedGraph {
            dir: dir.to_path_buf(),
            meta,
            maps,
        };
        g.check()?;
        Ok(g)
    }

    fn check(&self) -> Result<(), StorageError> {
        let corrupt = |what: &str| StorageError::Corrupt {
            path: self.dir.display().to_string(),
            message: format!("{what}; re-import the transfers"),
        };
        // Counts that cannot be addressed (node ids are u32) or whose file sizes overflow are
        // damage, refused before any size arithmetic.
        if self.meta.edges >= u64::MAX / 32 || self.meta.txs >= u64::MAX / 32 {
            return Err(corrupt(
                "meta.json holds impossible node, edge or transaction counts",
            ));
        }
        let n = self.meta.nodes as usize;
        let e = self.meta.edges as usize;
        let want: [(usize, usize, usize); 20] = [
            (0, 8, n + 1),
            (1, 4, e),
            (2, 8, e),
            (3, 8, n + 1),
            (4, 4, e),
            (5, 8, e),
            (6, 4, e),
            (7, 4, e),
            (8, 16, e),
            (9, 8, usize::MAX),
            (10, 16, usize::MAX),
            (11, 8, e),
            (12, 8, e),
            (13, 4, e),
            (14, 8, e),
            (15, 1, usize::MAX),
            (16, 8, n + 1),
            (17, 4, n),
            (18, 1, usize::MAX),
            (19, 8, self.meta.txs as usize + 1),
        ];
        for (i, size, count) in want {
            let len = self.maps[i].bytes().len();
            let aligned = match size {
                4 => cast::<u32>(self.maps[i].bytes()).is_some(),
                8 => cast::<u64>(self.maps[i].bytes()).is_some(),
                16 => cast::<u128>(self.maps[i].bytes()).is_some(),
                _ => true,
            };
            if !aligned || (count != usize::MAX && len != count * size) {
                return Err(StorageError::Corrupt {
                    path: self.dir.join(FILES[i]).display().to_string(),
                    message: format!(
                        "{len} bytes, expected {count} entries of {size} bytes; re-import the transfers"
                    ),
                });
            }
        }
        let view = self.view();
        for csr in [view.out, view.inc] {
            if csr.offsets.last().copied() != Some(e as u64)
                || csr.offsets.windows(2).any(|w| w[0] > w[1])
            {
                return Err(StorageError::Corrupt {
                    path: self.dir.display().to_string(),
                    message: "CSR offsets are inconsistent; re-import the transfers".into(),
                });
            }
        }
        self.check_ids(&view)
    }

    /// Every id a column holds is in range, so no analysis can index out of bounds on a damaged
    /// directory: one linear pass over the id columns (about a tenth of a second per ten million
    /// edges), paid at open.
    fn check_ids(&self, g: &GraphRef<'_>) -> Result<(), StorageError> {
        let corrupt = |what: &str| StorageError::Corrupt {
            path: self.dir.display().to_string(),
            message: format!("{what} out of range; re-import the transfers"),
        };
        let n = u64::from(self.meta.nodes);
        let e = self.meta.edges;
        let below_u32 = |col: &[u32], max: u64| col.iter().all(|&v| u64::from(v) < max);
        let below_u64 = |col: &[u64], max: u64| col.iter().all(|&v| v < max);
        if !below_u32(g.out.nbrs, n)
            || !below_u32(g.inc.nbrs, n)
            || !below_u32(g.src, n)
            || !below_u32(g.dst, n)
            || !below_u32(g.address_order, n)
        {
            return Err(corrupt("node ids"));
        }
        if !below_u64(g.out.eids, e) || !below_u64(g.inc.eids, e) || !below_u64(g.big_eids, e) {
            return Err(corrupt("edge ids"));
        }
        if g.big_eids.len() != g.big_hi.len() {
            return Err(corrupt("large-amount entries"));
        }
        if !below_u32(g.asset, (g.assets.len() as u64).max(1)) {
            return Err(corrupt("asset ids"));
        }
        if !g
            .tx
            .iter()
            .all(|&t| t == crate::view::NO_TX || t < self.meta.txs)
        {
            return Err(corrupt("transaction ids"));
        }
        for s in [g.addresses, g.txs] {
            if s.offsets.first().is_some_and(|&f| f != 0)
                || s.offsets.last().is_some_and(|&l| l != s.bytes.len() as u64)
                || s.offsets.windows(2).any(|w| w[0] > w[1])
            {
                return Err(corrupt("string offsets"));
            }
        }
        Ok(())
    }

    /// What `meta.json` says.
    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn col<T: Pod>(&self, i: usize) -> &[T] {
        // Lengths and alignment were checked in `open`, so this never yields the fallback.
        cast(self.maps[i].bytes()).unwrap_or(&[])
    }

    /// The slices the analyses take.
    pub fn view(&self) -> GraphRef<'_> {
        GraphRef {
            out: Csr {
                offsets: self.col(0),
                nbrs: self.col(1),
                eids: self.col(2),
            },
            inc: Csr {
                offsets: self.col(3),
                nbrs: self.col(4),
                eids: self.col(5),
            },
            src: self.col(6),
            dst: self.col(7),
            amount_lo: self.col(8),
            big_eids: self.col(9),
            big_hi: self.col(10),
            block: self.col(11),
            time: self.col(12),
            asset: self.col(13),
            tx: self.col(14),
            addresses: Strings {
                bytes: self.maps[15].bytes(),
                offsets: self.col(16),
            },
            address_order: self.col(17),
            txs: Strings {
                bytes: self.maps[18].bytes(),
                offsets: self.col(19),
            },
            assets: &self.meta.assets,
        }
    }
}

/// A clusters directory opened for reading; [`MappedClusters::view`] gives the slices.
pub struct MappedClusters {
    meta: ClustersMeta,
    maps: Vec<Map>,
}

const CLUSTER_FILES: [&str; 11] = [
    "addr.bytes",
    "addr.off",
    "addr.sorted",
    "cluster",
    "members",
    "parent",
    "parent.tx",
    "parent.reason",
    "tx.bytes",
    "tx.off",
    "tx.block",
];

impl MappedClusters {
    /// Maps every file of the directory and checks their lengths against `meta.json`.
    pub fn open(dir: &Path) -> Result<MappedClusters, StorageError> {
        let meta_path = dir.join("meta.json");
        let text = std::fs::read(&meta_path).map_err(io_err(&meta_path))?;
        let corrupt = |message: String| StorageError::Corrupt {
            path: meta_path.display().to_string(),
            message,
        };
        let meta: ClustersMeta = serde_json::from_slice(&text).map_err(|e| {
            corrupt(format!(
                "{e}; was this directory written by `interdict graph utxo import`?"
            ))
        })?;
        if meta.format != CLUSTERS_FORMAT {
            return Err(corrupt(format!(
                "format {} but this build reads {CLUSTERS_FORMAT}; import the UTXO files again",
                meta.format
            )));
        }
        let maps = CLUSTER_FILES
            .iter()
            .map(|n| Map::open(dir, n))
            .collect::<Result<Vec<_>, _>>()?;
        let n = meta.addresses as usize;
        let t = meta.evidence_txs as usize;
        let want: [(usize, usize); 11] = [
            (1, usize::MAX),
            (8, n + 1),
            (4, n),
            (4, n),
            (4, n),
            (4, n),
            (4, n),
            (1, n),
            (1, usize::MAX),
            (8, t + 1),
            (8, t),
        ];
        for (i, (size, count)) in want.into_iter().enumerate() {
            let b = maps[i].bytes();
            let aligned = match size {
                4 => cast::<u32>(b).is_some(),
                8 => cast::<u64>(b).is_some(),
                _ => true,
            };
            if !aligned || (count != usize::MAX && b.len() != count * size) {
                return Err(StorageError::Corrupt {
                    path: dir.join(CLUSTER_FILES[i]).display().to_string(),
                    message: format!(
                        "{} bytes, expected {count} entries of {size} bytes; import the UTXO files again",
                        b.len()
                    ),
                });
            }
        }
        let c = MappedClusters { meta, maps };
        // Ids in the id columns index the address table; lookups rely on it.
        let v = c.view();
        let n32 = n as u32;
        let ids_ok = [v.address_order, v.cluster, v.members, v.parent]
            .iter()
            .all(|col| col.iter().all(|&a| a < n32))
            && v.parent_tx
                .iter()
                .all(|&x| x == crate::clusters::NO_PARENT || (x as usize) < t);
        if !ids_ok {
            return Err(corrupt(
                "an id column points outside the address table; import the UTXO files again".into(),
            ));
        }
        Ok(c)
    }

    /// What `meta.json` says.
    pub fn meta(&self) -> &ClustersMeta {
        &self.meta
    }

    fn col<T: Pod>(&self, i: usize) -> &[T] {
        // Lengths and alignment were checked in `open`.
        cast(self.maps[i].bytes()).unwrap_or(&[])
    }

    /// The slices the cluster-level analyses take.
    pub fn view(&self) -> ClustersRef<'_> {
        ClustersRef {
            addresses: Strings {
                bytes: self.maps[0].bytes(),
                offsets: self.col(1),
            },
            address_order: self.col(2),
            cluster: self.col(3),
            members: self.col(4),
            parent: self.col(5),
            parent_tx: self.col(6),
            parent_reason: self.col(7),
            txs: Strings {
                bytes: self.maps[8].bytes(),
                offsets: self.col(9),
            },
            tx_block: self.col(10),
        }
    }
}
