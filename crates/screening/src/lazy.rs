//! The screener's per-entity and per-name tables, which a screener opened from its serialised
//! form (see [`crate::persist`]) fills on first use.
//!
//! Opening must not cost anything per entity or per name: a query reads a couple of dozen names
//! and a handful of entities, so decoding all 17,000 entities (65 ms) or allocating 80,000 name
//! strings up front would be most of a command's time. Each table here therefore holds either
//! the built values or the stored bytes they decode from, and decodes one entry the first time
//! it is read (`OnceLock`, so a shared screener stays `Sync`). The tables keep the method names
//! of the std collections they replace, so the screener's code reads the same either way.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::OnceLock;

use index::persist::{FormatError, Reader, SharedBytes, Writer, le_u32};
use model::{Entity, EntityId, Schema, SourceKind};

use crate::NameRec;

/// The bytes of an opened file, shared by every table that decodes from them.
#[derive(Clone)]
pub(crate) struct File(pub(crate) SharedBytes);

impl File {
    /// The stored bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        (*self.0).as_ref()
    }
}

impl std::fmt::Debug for File {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "File({} bytes)", self.bytes().len())
    }
}

/// A table of byte strings stored in the file: the end of each string, and where the arena of
/// their bytes starts in the file.
#[derive(Debug, Clone, Default)]
pub(crate) struct Strings {
    base: usize,
    ends: Vec<u32>,
}

impl Strings {
    /// Writes a table of strings: the count, each end offset, the arena length and the arena.
    pub(crate) fn write<'a>(w: &mut Writer, items: impl ExactSizeIterator<Item = &'a [u8]>) {
        let mut arena = Vec::new();
        w.count(items.len());
        for s in items {
            arena.extend_from_slice(s);
            w.u32(u32::try_from(arena.len()).unwrap_or(u32::MAX));
        }
        w.count(arena.len());
        w.bytes(&arena);
    }

    /// Reads a table written by [`Strings::write`] with `n` strings, from a reader over the
    /// whole file; the ends must rise and stay within the arena, so every string can be sliced.
    pub(crate) fn read(
        r: &mut Reader<'_>,
        n: usize,
        what: &'static str,
    ) -> Result<Strings, FormatError> {
        if r.count(4, what)? != n {
            return Err(r.invalid(what));
        }
        let ends: Vec<u32> = r.records::<4>(n, what)?.map(le_u32).collect();
        let len = r.count(1, what)?;
        let base = r.position();
        r.take(len, what)?;
        let rising = ends.windows(2).all(|w| w[0] <= w[1]);
        if !rising || ends.last().is_some_and(|&e| e as usize > len) {
            return Err(FormatError::Invalid { what, at: base });
        }
        Ok(Strings { base, ends })
    }

    /// String `i`'s bytes in `file`, or `None` when there is no such string.
    pub(crate) fn get<'f>(&self, file: &'f [u8], i: usize) -> Option<&'f [u8]> {
        let end = *self.ends.get(i)? as usize;
        let start = match i {
            0 => 0,
            _ => *self.ends.get(i - 1)? as usize,
        };
        file.get(self.base + start..self.base + end)
    }

    /// String `i` as text; `""` when it is missing or not UTF-8.
    pub(crate) fn str<'f>(&self, file: &'f [u8], i: usize) -> &'f str {
        self.get(file, i)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }

    /// How many strings the table holds.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }
}

/// The screener's entities, in screener order.
#[derive(Debug, Default)]
pub(crate) struct Entities {
    cells: Vec<OnceLock<Box<Entity>>>,
    stored: Option<StoredEntities>,
}

/// Where an opened screener's entities decode from: their ids and their JSON.
#[derive(Debug)]
struct StoredEntities {
    file: File,
    ids: Strings,
    json: Strings,
}

impl Entities {
    /// Appends a built entity.
    pub(crate) fn push(&mut self, e: Entity) {
        self.cells.push(OnceLock::from(Box::new(e)));
    }

    /// How many entities there are.
    pub(crate) fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether there is none.
    pub(crate) fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Entities that decode from `json` (one JSON object per entity) on first use; `ids`
    /// holds each entity's id, checked against what the JSON says.
    pub(crate) fn stored(file: File, ids: Strings, json: Strings) -> Entities {
        Entities {
            cells: (0..ids.len()).map(|_| OnceLock::new()).collect(),
            stored: Some(StoredEntities { file, ids, json }),
        }
    }

    /// Decodes entity `i`. A record that is not an entity with the stored id (only a damaged
    /// file that still passed the checks can hold one) becomes an entity with that id (or a
    /// placeholder id) and no names, so reading it can never fail.
    fn decode(&self, i: usize) -> Entity {
        let Some(s) = &self.stored else {
            return placeholder(None);
        };
        let id = s.ids.str(s.file.bytes(), i);
        let decoded = s
            .json
            .get(s.file.bytes(), i)
            .and_then(|b| serde_json::from_slice::<Entity>(b).ok())
            .filter(|e| e.id.as_str() == id);
        decoded.unwrap_or_else(|| placeholder(EntityId::parse(id).ok()))
    }
}

/// An entity standing in for one that cannot be decoded: no names, an `Other` schema.
fn placeholder(id: Option<EntityId>) -> Entity {
    let id = id.unwrap_or_else(|| {
        EntityId::new(SourceKind::OpenSanctions, "unreadable").expect("a constant valid id")
    });
    Entity::new(id, Schema::Other("Unreadable".into()))
}

impl std::ops::Index<usize> for Entities {
    type Output = Entity;
    fn index(&self, i: usize) -> &Entity {
        self.cells[i].get_or_init(|| Box::new(self.decode(i)))
    }
}

/// Entity ids to entity indices: a hash map while building, a sorted permutation over the
/// stored ids once opened.
#[derive(Debug, Default)]
pub(crate) struct IdMap {
    map: HashMap<EntityId, u32>,
    stored: Option<StoredIds>,
}

/// The entity indices of an opened screener sorted by id, with the stored ids.
#[derive(Debug)]
struct StoredIds {
    file: File,
    ids: Strings,
    sorted: Vec<u32>,
}

impl IdMap {
    /// Whether `id` is mapped.
    pub(crate) fn contains_key(&self, id: &EntityId) -> bool {
        self.get(id).is_some()
    }

    /// Maps `id` to entity `i` (building only).
    pub(crate) fn insert(&mut self, id: EntityId, i: u32) {
        self.map.insert(id, i);
    }

    /// The entity index of `id`.
    pub(crate) fn get(&self, id: &EntityId) -> Option<&u32> {
        if let Some(i) = self.map.get(id) {
            return Some(i);
        }
        let s = self.stored.as_ref()?;
        let at = s
            .sorted
            .binary_search_by(|&i| {
                s.ids
                    .get(s.file.bytes(), i as usize)
                    .unwrap_or(&[])
                    .cmp(id.as_str().as_bytes())
            })
            .ok()?;
        s.sorted.get(at)
    }

    /// The map of an opened screener: `sorted` lists entity indices in byte order of `ids`.
    pub(crate) fn stored(file: File, ids: Strings, sorted: Vec<u32>) -> IdMap {
        IdMap {
            map: HashMap::new(),
            stored: Some(StoredIds { file, ids, sorted }),
        }
    }
}

/// The screener's name records, by name id.
#[derive(Debug, Default)]
pub(crate) struct NameRecs {
    cells: Vec<OnceLock<Box<NameRec>>>,
    stored: Option<StoredNames>,
}

/// Where an opened screener's name records decode from.
#[derive(Debug)]
struct StoredNames {
    file: File,
    kinds: Vec<model::NameKind>,
    full: Strings,
    folded: Strings,
}

impl NameRecs {
    /// Appends a built record.
    pub(crate) fn push(&mut self, r: NameRec) {
        self.cells.push(OnceLock::from(Box::new(r)));
    }

    /// How many records there are.
    pub(crate) fn len(&self) -> usize {
        self.cells.len()
    }

    /// Record `i`, decoded on first use.
    pub(crate) fn get(&self, i: usize) -> Option<&NameRec> {
        let cell = self.cells.get(i)?;
        Some(cell.get_or_init(|| Box::new(self.decode(i))))
    }

    /// Records that decode from the stored kinds and strings on first use.
    pub(crate) fn stored(
        file: File,
        kinds: Vec<model::NameKind>,
        full: Strings,
        folded: Strings,
    ) -> NameRecs {
        NameRecs {
            cells: (0..kinds.len()).map(|_| OnceLock::new()).collect(),
            stored: Some(StoredNames {
                file,
                kinds,
                full,
                folded,
            }),
        }
    }

    fn decode(&self, i: usize) -> NameRec {
        let Some(s) = &self.stored else {
            return NameRec {
                kind: model::NameKind::Primary,
                full: String::new(),
                folded: String::new(),
            };
        };
        NameRec {
            kind: s.kinds.get(i).copied().unwrap_or(model::NameKind::Primary),
            full: s.full.str(s.file.bytes(), i).to_owned(),
            folded: s.folded.str(s.file.bytes(), i).to_owned(),
        }
    }
}

impl std::ops::Index<usize> for NameRecs {
    type Output = NameRec;
    fn index(&self, i: usize) -> &NameRec {
        self.cells[i].get_or_init(|| Box::new(self.decode(i)))
    }
}

/// Binary search over positions `0..n`, ordered by `cmp` (which compares position `i` with
/// the target): the position where `cmp` says `Equal`, if any.
fn find(n: usize, cmp: impl Fn(usize) -> std::cmp::Ordering) -> Option<usize> {
    let (mut lo, mut hi) = (0usize, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match cmp(mid) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return Some(mid),
        }
    }
    None
}

/// Normalised identifiers to the entities that carry them: a hash map while building, sorted
/// stored keys once opened.
#[derive(Debug, Default)]
pub(crate) struct Identifiers {
    map: HashMap<String, Vec<u32>>,
    stored: Option<StoredIdentifiers>,
}

/// The identifiers of an opened screener: keys in byte order, and per key its run of entities.
#[derive(Debug)]
struct StoredIdentifiers {
    file: File,
    keys: Strings,
    /// Per key, the end of its entities in `entities`.
    ends: Vec<u32>,
    entities: Vec<u32>,
}

impl Identifiers {
    /// The map entry of an identifier (building only).
    pub(crate) fn entry(&mut self, key: String) -> Entry<'_, String, Vec<u32>> {
        self.map.entry(key)
    }

    /// The entities that carry `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&[u32]> {
        if let Some(v) = self.map.get(key) {
            return Some(v);
        }
        let s = self.stored.as_ref()?;
        let k = find(s.keys.len(), |i| {
            s.keys
                .get(s.file.bytes(), i)
                .unwrap_or(&[])
                .cmp(key.as_bytes())
        })?;
        let end = *s.ends.get(k)? as usize;
        let start = if k == 0 {
            0
        } else {
            *s.ends.get(k - 1)? as usize
        };
        s.entities.get(start..end)
    }

    /// Every identifier with its entities, in byte order of the identifiers.
    pub(crate) fn sorted(&self) -> Vec<(&[u8], &[u32])> {
        let mut out: Vec<(&[u8], &[u32])> = self
            .map
            .iter()
            .map(|(k, v)| (k.as_bytes(), v.as_slice()))
            .collect();
        if let Some(s) = &self.stored {
            let mut start = 0usize;
            for (i, &end) in s.ends.iter().enumerate() {
                let key = s.keys.get(s.file.bytes(), i).unwrap_or(&[]);
                out.push((key, s.entities.get(start..end as usize).unwrap_or(&[])));
                start = end as usize;
            }
        }
        out.sort_unstable();
        out
    }

    /// The identifiers of an opened screener; `ends` must rise within `entities` (checked
    /// here).
    pub(crate) fn stored(
        file: File,
        keys: Strings,
        ends: Vec<u32>,
        entities: Vec<u32>,
    ) -> Option<Identifiers> {
        let rising = ends.windows(2).all(|w| w[0] <= w[1]);
        if ends.len() != keys.len()
            || !rising
            || ends.last().is_some_and(|&e| e as usize > entities.len())
        {
            return None;
        }
        Some(Identifiers {
            map: HashMap::new(),
            stored: Some(StoredIdentifiers {
                file,
                keys,
                ends,
                entities,
            }),
        })
    }
}
