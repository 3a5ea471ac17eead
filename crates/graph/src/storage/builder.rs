//! Writing a graph directory in one pass over the input.

use std::fs::{self, File};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use super::{FORMAT_VERSION, ImportRecord, MappedGraph, Meta, StorageError, io_err};
use crate::build::{self, Interner};
use crate::input::TransferRef;
use crate::view::{NO_TIME, NO_TX};

/// A buffered little-endian column file.
struct Col {
    path: PathBuf,
    w: BufWriter<File>,
}

impl Col {
    fn create(dir: &Path, name: &str, append: bool) -> Result<Col, StorageError> {
        let path = dir.join(name);
        let f = File::options()
            .create(true)
            .append(append)
            .write(true)
            .truncate(!append)
            .open(&path)
            .map_err(io_err(&path))?;
        Ok(Col {
            w: BufWriter::with_capacity(1 << 20, f),
            path,
        })
    }

    fn put(&mut self, bytes: &[u8]) -> Result<(), StorageError> {
        self.w.write_all(bytes).map_err(io_err(&self.path))
    }

    fn finish(mut self) -> Result<(), StorageError> {
        self.w.flush().map_err(io_err(&self.path))
    }
}

const EDGE_COLUMNS: [&str; 7] = [
    "e.src", "e.dst", "e.amount", "e.block", "e.time", "e.asset", "e.tx",
];

/// Builds a graph directory: push transfers in input order, then [`finish`](Self::finish).
///
/// Memory during the pass is the address dictionary (about 80 bytes per distinct address);
/// `finish` holds at most two edge columns plus one CSR direction (about 20 bytes per edge).
pub struct GraphBuilder {
    final_dir: PathBuf,
    tmp: PathBuf,
    replace: bool,
    /// The graph's writer lock, held until the builder is finished or dropped.
    _lock: File,
    interner: Interner,
    assets: Interner,
    asset_names: Vec<String>,
    cols: Vec<Col>,
    addr_bytes: Col,
    addr_off: Col,
    addr_len: u64,
    tx_bytes: Col,
    tx_off: Col,
    tx_len: u64,
    tx_count: u64,
    last_tx: String,
    have_last_tx: bool,
    big: Vec<(u64, u128)>,
    edges: u64,
    first_block: u64,
    last_block: u64,
    sorted: bool,
    base_edges: u64,
    meta: Meta,
}

impl GraphBuilder {
    /// Starts a new graph that will be written to `dir` (which must not exist yet).
    pub fn create(dir: &Path) -> Result<GraphBuilder, StorageError> {
        let lock = lock(dir)?;
        if dir.exists() {
            return Err(StorageError::Corrupt {
                path: dir.display().to_string(),
                message: "already exists; use append to add transfers, or choose a new directory"
                    .into(),
            });
        }
        let tmp = tmp_dir(dir);
        fs::create_dir_all(&tmp).map_err(io_err(&tmp))?;
        let mut b = GraphBuilder::start(dir, tmp, false, Meta::default(), false, lock)?;
        b.addr_off.put(&0u64.to_le_bytes())?;
        b.tx_off.put(&0u64.to_le_bytes())?;
        Ok(b)
    }

    /// Starts an append to the graph in `dir`: existing node ids, edges and dictionaries are kept
    /// and new transfers are merged in by block (a rebuild merge; see the module docs).
    pub fn append(dir: &Path) -> Result<GraphBuilder, StorageError> {
        let lock = lock(dir)?;
        let base = MappedGraph::open(dir)?;
        let tmp = tmp_dir(dir);
        fs::create_dir_all(&tmp).map_err(io_err(&tmp))?;
        for name in EDGE_COLUMNS
            .iter()
            .chain(&["addr.bytes", "addr.off", "tx.bytes", "tx.off"])
        {
            let from = dir.join(name);
            let to = tmp.join(name);
            fs::copy(&from, &to).map_err(io_err(&from))?;
        }
        let meta = base.meta().clone();
        let mut b = GraphBuilder::start(dir, tmp, true, meta.clone(), true, lock)?;
        let view = base.view();
        for v in 0..view.node_count() {
            b.interner.preload(view.address(v));
        }
        b.interner.non_canonical = meta.non_canonical_addresses;
        for a in &meta.assets {
            b.assets.preload(a);
        }
        b.asset_names = meta.assets.clone();
        b.addr_len = view.addresses.bytes.len() as u64;
        b.tx_len = view.txs.bytes.len() as u64;
        b.tx_count = view.txs.len() as u64;
        b.big = view
            .big_eids
            .iter()
            .copied()
            .zip(view.big_hi.iter().copied())
            .collect();
        b.edges = view.edge_count();
        b.base_edges = b.edges;
        b.first_block = meta.first_block;
        b.last_block = meta.last_block;
        Ok(b)
    }

    fn start(
        dir: &Path,
        tmp: PathBuf,
        append: bool,
        meta: Meta,
        replace: bool,
        lock: File,
    ) -> Result<GraphBuilder, StorageError> {
        let cols = EDGE_COLUMNS
            .iter()
            .map(|n| Col::create(&tmp, n, append))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(GraphBuilder {
            final_dir: dir.to_path_buf(),
            addr_bytes: Col::create(&tmp, "addr.bytes", append)?,
            addr_off: Col::create(&tmp, "addr.off", append)?,
            tx_bytes: Col::create(&tmp, "tx.bytes", append)?,
            tx_off: Col::create(&tmp, "tx.off", append)?,
            tmp,
            replace,
            _lock: lock,
            interner: Interner::default(),
            assets: Interner::default(),
            asset_names: Vec::new(),
            cols,
            addr_len: 0,
            tx_len: 0,
            tx_count: 0,
            last_tx: String::new(),
            have_last_tx: false,
            big: Vec::new(),
            edges: 0,
            first_block: u64::MAX,
            last_block: 0,
            sorted: true,
            base_edges: 0,
            meta,
        })
    }

    /// Transfers pushed so far (including those of the base graph when appending).
    pub fn edges(&self) -> u64 {
        self.edges
    }

    /// Adds one transfer.
    pub fn push(&mut self, t: &TransferRef<'_>) -> Result<(), StorageError> {
        if self.interner.len() >= u32::MAX - 2 {
            return Err(StorageError::TooManyNodes);
        }
        let GraphBuilder {
            interner,
            addr_bytes,
            addr_off,
            addr_len,
            ..
        } = self;
        let mut err = None;
        let mut add = |s: &str| {
            *addr_len += s.len() as u64;
            if let Err(e) = addr_bytes
                .put(s.as_bytes())
                .and_then(|()| addr_off.put(&addr_len.to_le_bytes()))
            {
                err = Some(e);
            }
        };
        let s = interner.intern(&t.from, t.from_parsed, &mut add);
        let d = interner.intern(&t.to, t.to_parsed, &mut add);
        if let Some(e) = err {
            return Err(e);
        }
        let asset_names = &mut self.asset_names;
        let a = self
            .assets
            .intern(&t.asset, true, |n| asset_names.push(n.to_owned()));
        let tx = match t.tx {
            Some(h) => {
                if !self.have_last_tx || self.last_tx != h {
                    self.tx_len += h.len() as u64;
                    self.tx_bytes.put(h.as_bytes())?;
                    self.tx_off.put(&self.tx_len.to_le_bytes())?;
                    self.tx_count += 1;
                    self.last_tx.clear();
                    self.last_tx.push_str(h);
                    self.have_last_tx = true;
                }
                self.tx_count - 1
            }
            None => {
                self.have_last_tx = false;
                NO_TX
            }
        };
        if t.block < self.last_block {
            self.sorted = false;
        }
        self.last_block = self.last_block.max(t.block);
        self.first_block = self.first_block.min(t.block);
        if t.amount.hi() != 0 {
            self.big.push((self.edges, t.amount.hi()));
        }
        let c = &mut self.cols;
        c[0].put(&s.to_le_bytes())?;
        c[1].put(&d.to_le_bytes())?;
        c[2].put(&t.amount.lo().to_le_bytes())?;
        c[3].put(&t.block.to_le_bytes())?;
        c[4].put(&t.time.unwrap_or(NO_TIME).to_le_bytes())?;
        c[5].put(&a.to_le_bytes())?;
        c[6].put(&tx.to_le_bytes())?;
        self.edges += 1;
        Ok(())
    }

    /// Sorts if needed, builds both CSRs and the lookup order, writes `meta.json` and moves the
    /// directory into place. `record` describes this import for the history in `meta.json`.
    pub fn finish(mut self, mut record: ImportRecord) -> Result<Meta, StorageError> {
        for c in self.cols.drain(..) {
            c.finish()?;
        }
        for c in [self.addr_bytes, self.addr_off, self.tx_bytes, self.tx_off] {
            c.finish()?;
        }
        let tmp = self.tmp.clone();
        let n = self.interner.len();
        let non_canonical = self.interner.non_canonical;
        // The dictionary is no longer needed; free it before the memory-hungry steps.
        drop(self.interner);

        if !self.sorted {
            resort(&tmp, self.edges, &mut self.big)?;
        }
        if self.tx_count > 0 {
            self.tx_count = dedup_txs(&tmp)?;
        }
        let (big_eids, big_hi): (Vec<u64>, Vec<u128>) = self.big.iter().copied().unzip();
        write_vec(&tmp.join("e.big_eid"), &big_eids)?;
        write_vec(&tmp.join("e.big_hi"), &big_hi)?;

        let src: Vec<u32> = read_vec(&tmp.join("e.src"))?;
        let dst: Vec<u32> = read_vec(&tmp.join("e.dst"))?;
        for (prefix, key, other) in [("out", &src, &dst), ("in", &dst, &src)] {
            let (off, nbr, eid) = build::csr(n, key, other);
            write_vec(&tmp.join(format!("{prefix}.off")), &off)?;
            write_vec(&tmp.join(format!("{prefix}.nbr")), &nbr)?;
            write_vec(&tmp.join(format!("{prefix}.eid")), &eid)?;
        }
        drop((src, dst));

        let addr_bytes = fs::read(tmp.join("addr.bytes")).map_err(io_err(&tmp))?;
        let addr_off: Vec<u64> = read_vec(&tmp.join("addr.off"))?;
        let order = build::sorted_order(n, |v| {
            &addr_bytes[addr_off[v as usize] as usize..addr_off[v as usize + 1] as usize]
        });
        write_vec(&tmp.join("addr.sorted"), &order)?;

        record.imported = self.edges - self.base_edges;
        record.resorted = !self.sorted;
        let mut meta = self.meta;
        meta.format = FORMAT_VERSION;
        meta.nodes = n;
        meta.edges = self.edges;
        meta.txs = self.tx_count;
        meta.assets = self.asset_names;
        meta.non_canonical_addresses = non_canonical;
        meta.first_block = if self.edges == 0 { 0 } else { self.first_block };
        meta.last_block = self.last_block;
        meta.imports.push(record);
        let meta_path = tmp.join("meta.json");
        let json = serde_json::to_vec_pretty(&meta).map_err(|e| StorageError::Corrupt {
            path: meta_path.display().to_string(),
            message: e.to_string(),
        })?;
        fs::write(&meta_path, json).map_err(io_err(&meta_path))?;

        let dir = &self.final_dir;
        if self.replace {
            // A crash between the two renames leaves only the backup, which readers open in
            // its place and the next writer renames back ([`lock`]): the old graph or the new
            // one is usable at every instant.
            let old = super::side_path(dir, "old");
            fs::rename(dir, &old).map_err(io_err(dir))?;
            fs::rename(&tmp, dir).map_err(io_err(dir))?;
            fs::remove_dir_all(&old).map_err(io_err(&old))?;
        } else {
            fs::rename(&tmp, dir).map_err(io_err(dir))?;
        }
        Ok(meta)
    }
}

/// A temporary directory beside `dir`, unique to this writer.
pub(super) fn tmp_dir(dir: &Path) -> PathBuf {
    use std::hash::{BuildHasher, Hasher};
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(nanos);
    super::side_path(
        dir,
        &format!("tmp-{}-{nanos:x}-{:016x}", std::process::id(), h.finish()),
    )
}

/// Takes the writer lock of the graph `dir` (an exclusive advisory lock on a hidden file beside
/// it, released when the returned file closes, also when the process is killed), then repairs
/// what a killed writer left: a backup without its graph is renamed back, a backup beside its
/// graph and every temporary directory are removed.
pub(super) fn lock(dir: &Path) -> Result<File, StorageError> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.is_empty() || name.contains(super::SIDE_MARK) {
        return Err(StorageError::Corrupt {
            path: dir.display().to_string(),
            message: format!(
                "not a usable graph directory name (it needs a last component without `{}`, which marks the tool's own files)",
                super::SIDE_MARK
            ),
        });
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(io_err(parent))?;
    }
    let path = super::side_path(dir, "lock");
    let f = File::options()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(io_err(&path))?;
    f.lock().map_err(io_err(&path))?;
    let old = super::side_path(dir, "old");
    if old.is_dir() {
        if dir.exists() {
            fs::remove_dir_all(&old).map_err(io_err(&old))?;
        } else {
            fs::rename(&old, dir).map_err(io_err(&old))?;
        }
    }
    let prefix = format!(".{name}{}tmp-", super::SIDE_MARK);
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if let Ok(rd) = fs::read_dir(&parent) {
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }
    Ok(f)
}

/// Little-endian fixed-size integers the column files hold.
pub(super) trait Le: Copy + Default {
    const SIZE: usize;
    fn put(self, out: &mut Vec<u8>);
    fn get(b: &[u8]) -> Self;
}

macro_rules! le {
    ($($t:ty),*) => {$(
        impl Le for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn get(b: &[u8]) -> Self {
                let mut a = [0u8; std::mem::size_of::<$t>()];
                a.copy_from_slice(b);
                <$t>::from_le_bytes(a)
            }
        }
    )*};
}
le!(u8, u32, u64, u128);

pub(super) fn write_vec<T: Le>(path: &Path, v: &[T]) -> Result<(), StorageError> {
    let f = File::create(path).map_err(io_err(path))?;
    let mut w = BufWriter::with_capacity(1 << 20, f);
    let mut buf = Vec::with_capacity(1 << 16);
    for chunk in v.chunks(4096) {
        buf.clear();
        for &x in chunk {
            x.put(&mut buf);
        }
        w.write_all(&buf).map_err(io_err(path))?;
    }
    w.flush().map_err(io_err(path))
}

fn read_vec<T: Le>(path: &Path) -> Result<Vec<T>, StorageError> {
    let mut f = File::open(path).map_err(io_err(path))?;
    let len = f.metadata().map_err(io_err(path))?.len() as usize;
    if !len.is_multiple_of(T::SIZE) {
        return Err(StorageError::Corrupt {
            path: path.display().to_string(),
            message: format!("length {len} is not a multiple of {}", T::SIZE),
        });
    }
    let mut out = Vec::with_capacity(len / T::SIZE);
    let mut buf = vec![0u8; T::SIZE * 65536];
    let mut filled = 0;
    loop {
        let k = f.read(&mut buf[filled..]).map_err(io_err(path))?;
        filled += k;
        let whole = filled / T::SIZE * T::SIZE;
        for c in buf[..whole].chunks_exact(T::SIZE) {
            out.push(T::get(c));
        }
        buf.copy_within(whole..filled, 0);
        filled -= whole;
        if k == 0 {
            break;
        }
    }
    Ok(out)
}

/// Gives every transaction id one dictionary entry per block, whether or not its rows were
/// adjacent in the input (unordered exports interleave transactions), and rewrites the
/// dictionary in edge order. Returns the number of entries, which `meta.json` reports as
/// transactions. A transaction lives in one block, so a per-block map suffices and stays
/// small; the old dictionary is memory-mapped, and the pass holds the block and tx columns
/// (16 bytes per edge, less than the CSR step after it).
fn dedup_txs(dir: &Path) -> Result<u64, StorageError> {
    use super::mapped::Map;
    let block: Vec<u64> = read_vec(&dir.join("e.block"))?;
    let mut tx: Vec<u64> = read_vec(&dir.join("e.tx"))?;
    let (old_bytes, old_off) = (
        Map::open_path(&dir.join("tx.bytes"))?,
        Map::open_path(&dir.join("tx.off"))?,
    );
    let (bytes, off) = (old_bytes.bytes(), old_off.bytes());
    let offset = |i: u64| -> Option<usize> {
        let at = usize::try_from(i).ok()?.checked_mul(8)?;
        let mut w = [0u8; 8];
        w.copy_from_slice(off.get(at..at + 8)?);
        usize::try_from(u64::from_le_bytes(w)).ok()
    };
    let corrupt = || StorageError::Corrupt {
        path: dir.join("tx.off").display().to_string(),
        message: "transaction offsets out of range".into(),
    };
    let mut new_bytes = Col::create(dir, "tx.bytes.new", false)?;
    let mut new_off = Col::create(dir, "tx.off.new", false)?;
    new_off.put(&0u64.to_le_bytes())?;
    let (mut len, mut count) = (0u64, 0u64);
    let mut in_block: crate::build::FxMap<&[u8], u64> = crate::build::FxMap::default();
    let mut current = None;
    for (t, &b) in tx.iter_mut().zip(&block) {
        if current != Some(b) {
            in_block.clear();
            current = Some(b);
        }
        if *t == NO_TX {
            continue;
        }
        let (a, z) = (
            offset(*t).ok_or_else(corrupt)?,
            offset(*t + 1).ok_or_else(corrupt)?,
        );
        let id = bytes.get(a..z).ok_or_else(corrupt)?;
        *t = match in_block.get(id) {
            Some(&n) => n,
            None => {
                new_bytes.put(id)?;
                len += id.len() as u64;
                new_off.put(&len.to_le_bytes())?;
                in_block.insert(id, count);
                count += 1;
                count - 1
            }
        };
    }
    new_bytes.finish()?;
    new_off.finish()?;
    drop(in_block);
    drop((old_bytes, old_off));
    write_vec(&dir.join("e.tx"), &tx)?;
    for name in ["tx.bytes", "tx.off"] {
        let from = dir.join(format!("{name}.new"));
        fs::rename(&from, dir.join(name)).map_err(io_err(&from))?;
    }
    Ok(count)
}

/// Stable sort of every edge column by block: a permutation computed once from the block
/// column, then applied one column at a time so only one column is in memory besides it.
fn resort(dir: &Path, edges: u64, big: &mut [(u64, u128)]) -> Result<(), StorageError> {
    let block: Vec<u64> = read_vec(&dir.join("e.block"))?;
    let mut perm: Vec<u64> = (0..edges).collect();
    perm.sort_by_key(|&e| block[e as usize]);
    drop(block);
    fn apply<T: Le>(dir: &Path, name: &str, perm: &[u64]) -> Result<(), StorageError> {
        let path = dir.join(name);
        let col: Vec<T> = read_vec(&path)?;
        let sorted: Vec<T> = perm.iter().map(|&e| col[e as usize]).collect();
        drop(col);
        write_vec(&path, &sorted)
    }
    apply::<u32>(dir, "e.src", &perm)?;
    apply::<u32>(dir, "e.dst", &perm)?;
    apply::<u128>(dir, "e.amount", &perm)?;
    apply::<u64>(dir, "e.block", &perm)?;
    apply::<u64>(dir, "e.time", &perm)?;
    apply::<u32>(dir, "e.asset", &perm)?;
    apply::<u64>(dir, "e.tx", &perm)?;
    if !big.is_empty() {
        let mut inverse = vec![0u64; perm.len()];
        for (new, &old) in perm.iter().enumerate() {
            inverse[old as usize] = new as u64;
        }
        for b in big.iter_mut() {
            b.0 = inverse[b.0 as usize];
        }
        big.sort_unstable();
    }
    Ok(())
}
