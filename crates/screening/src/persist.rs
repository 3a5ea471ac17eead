//! The serialised form of a built [`Screener`], so that a command can open the index in a few
//! milliseconds instead of parsing the lists and building it again (about a second for SDN +
//! UN).
//!
//! The caller (the application) owns the file: it writes [`Screener::save`]'s bytes under a
//! temporary name and renames them into place, and later hands the whole file to
//! [`Screener::load`]. Nothing here touches the file system.
//!
//! # Layout
//!
//! A 32-byte header — magic `IDXSCRN` + `0x1a`, [`FORMAT_VERSION`] (`u32`), a reserved `u32`
//! (zero), the body length (`u64`) and a checksum of the body (`u64`) — then the body: the
//! [`ENGINE_VERSION`] that saved it (a file from another engine is refused), the lists,
//! the entities (ids, one JSON object each, the id order, list numbers, schemas), the name
//! records, the identifiers, the packed names and the candidate index (`index::persist`). Every
//! number is little-endian; every array is a `u32` count and raw values, converted in bulk on
//! opening. Entities and name records stay as bytes in the opened file and are decoded on first
//! use ([`crate::lazy`]).
//!
//! # Checks
//!
//! [`Screener::load`] refuses a file whose magic, version, length or checksum is wrong, and then
//! range-checks every count, offset, id and enum tag it reads, so that no query on a screener it
//! returns can panic whatever the bytes were (the checksum catches damage; the range checks
//! guard against a file that was made to pass it). The key table and postings of the index are
//! read in place and range-checked as search reads them (see `index::persist`), so opening
//! costs nothing per key. [`Screener::load_without_checksum`] skips only the checksum pass.
//!
//! # Versions
//!
//! Bump [`FORMAT_VERSION`] whenever the bytes change meaning: a field added, removed, reordered
//! or re-encoded, here or in `index::persist`. A change to what the bytes *contain* — name
//! analysis, index keys, weights — needs no bump of the format, but the stored screener then no
//! longer equals a fresh build, so the application's cache key must change too: it includes
//! [`ENGINE_VERSION`], which carries a fingerprint of the engine's source for that reason.

use std::io::{self, Write};
use std::sync::Arc;

use index::NameIndex;
use index::persist::{FormatError, Reader, Writer, le_u32, le_u64};
use model::{NameKind, Schema};
use names::LegalClass;

use crate::lazy::{Entities, File, IdMap, Identifiers, NameRecs, Strings};
use crate::packed::{FrozenInterner, PackedName, PackedNames, PackedToken, role_of_tag};
use crate::signature::Signature;
use crate::{ListRef, Screener};

/// The version of the serialised layout; [`Screener::load`] refuses any other. Bump it with
/// every change to what the bytes mean (see the module documentation).
pub const FORMAT_VERSION: u32 = 1;

/// Bytes that [`Screener::load_shared`] can keep: any shared owner of a byte slice.
pub use index::persist::SharedBytes;

/// The engine identity to put in a cache key: this crate's version, [`FORMAT_VERSION`] and a
/// fingerprint of the source of the crates that decide what a built screener holds (`model`,
/// `names`, `index`, `screening`; computed by this crate's build script), so that a screener
/// saved by a build whose analysis, keys or weights differ is never taken for this build's.
pub const ENGINE_VERSION: &str = concat!(
    "screening-",
    env!("CARGO_PKG_VERSION"),
    "+format-1+src-",
    env!("SCREENING_SOURCE_HASH")
);

const MAGIC: [u8; 8] = *b"IDXSCRN\x1a";
const HEADER: usize = 32;

/// Why stored bytes are not a screener this build can open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// The bytes do not start with the screener magic: another kind of file.
    #[error("not a stored screener (wrong magic bytes)")]
    NotAScreener,
    /// The file was written by another version of the format; rebuild it.
    #[error("stored screener has format version {found}, this build reads {expected}; rebuild it")]
    Version {
        /// The version in the file.
        found: u32,
        /// The version this build reads.
        expected: u32,
    },
    /// The file is shorter or longer than its header says: cut off or appended to.
    #[error("stored screener is {found} bytes, its header says {expected}")]
    Length {
        /// The length the header gives.
        expected: u64,
        /// The actual length.
        found: u64,
    },
    /// The file was saved by a build with another [`ENGINE_VERSION`]: its analysis, keys or
    /// weights may differ from this build's, so it must be rebuilt.
    #[error("stored screener was built by engine {found}, this build is {expected}; rebuild it")]
    Engine {
        /// The engine version in the file.
        found: String,
        /// This build's engine version.
        expected: &'static str,
    },
    /// The body does not match its checksum: the file is damaged.
    #[error("stored screener is damaged (checksum mismatch)")]
    Checksum,
    /// A section is malformed although the checksum matched.
    #[error("stored screener is malformed: {0}")]
    Format(#[from] FormatError),
}

impl Screener {
    /// The lists (name and version) the screener was built from, in build order: what an
    /// application compares with the snapshots it expects after opening a stored screener.
    pub fn lists(&self) -> &[ListRef] {
        &self.lists
    }

    /// Writes the screener in its serialised form (see [`crate::persist`]); [`Screener::load`]
    /// opens the bytes again into a screener that screens exactly like this one.
    ///
    /// Fails only when `w` fails, or when a table is too large for the format's `u32` counts
    /// and offsets (four gigabytes of names).
    pub fn save(&self, w: &mut impl Write) -> io::Result<()> {
        let body = self.body()?;
        let mut head = Writer::default();
        head.bytes(&MAGIC);
        head.u32(FORMAT_VERSION);
        head.u32(0);
        head.u64(body.len() as u64);
        head.u64(checksum(&body));
        w.write_all(&head.buf)?;
        w.write_all(&body)
    }

    fn body(&self) -> io::Result<Vec<u8>> {
        let too_large =
            || io::Error::new(io::ErrorKind::InvalidInput, "screener too large to save");
        let mut w = Writer::default();
        // The engine that built it, checked on opening whatever the caller's cache key says.
        Strings::write(&mut w, std::iter::once(ENGINE_VERSION.as_bytes()));
        // Lists.
        Strings::write(&mut w, self.lists.iter().map(|l| l.list.as_bytes()));
        Strings::write(&mut w, self.lists.iter().map(|l| l.version.as_bytes()));
        // Entities.
        let n = self.entities.len();
        let ids: Vec<&str> = (0..n).map(|i| self.entities[i].id.as_str()).collect();
        let json: Vec<Vec<u8>> = (0..n)
            .map(|i| serde_json::to_vec(&self.entities[i]))
            .collect::<Result<_, _>>()
            .map_err(io::Error::other)?;
        if json.iter().map(Vec::len).sum::<usize>() > u32::MAX as usize {
            return Err(too_large());
        }
        w.count(n);
        Strings::write(&mut w, ids.iter().map(|s| s.as_bytes()));
        Strings::write(&mut w, json.iter().map(Vec::as_slice));
        let mut sorted: Vec<u32> = (0..n as u32).collect();
        sorted.sort_unstable_by_key(|&i| ids[i as usize]);
        w.u32s(&sorted);
        w.u32s(&self.entity_list);
        for s in &self.schemas {
            w.u8(schema_tag(s));
        }
        Strings::write(
            &mut w,
            self.schemas.iter().map(|s| match s {
                Schema::Other(name) => name.as_bytes(),
                _ => &[],
            }),
        );
        // Name records.
        let recs: Vec<&crate::NameRec> = (0..self.names.len()).map(|i| &self.names[i]).collect();
        w.count(recs.len());
        for r in &recs {
            w.u8(kind_tag(r.kind));
        }
        Strings::write(&mut w, recs.iter().map(|r| r.full.as_bytes()));
        Strings::write(&mut w, recs.iter().map(|r| r.folded.as_bytes()));
        // Identifiers.
        let idents = self.identifiers.sorted();
        w.count(idents.len());
        Strings::write(&mut w, idents.iter().map(|(k, _)| *k));
        let mut ends = Vec::with_capacity(idents.len());
        let mut flat = Vec::new();
        for (_, v) in &idents {
            flat.extend_from_slice(v);
            ends.push(u32::try_from(flat.len()).map_err(|_| too_large())?);
        }
        w.u32s(&ends);
        w.u32s(&flat);
        write_packed(&mut w, &self.packed).ok_or_else(too_large)?;
        self.index.write(&mut w);
        Ok(w.buf)
    }

    /// Opens a screener from the bytes [`Screener::save`] wrote (the whole file, read into
    /// memory). It answers every query exactly like the screener that was saved.
    ///
    /// Opening checks the header and the body's checksum, converts the bulk arrays and checks
    /// them; entities and name records are decoded when first read. Any damaged, truncated or
    /// foreign input gives a [`LoadError`], and nothing a returned screener is asked afterwards
    /// can panic.
    pub fn load(bytes: Vec<u8>) -> Result<Screener, LoadError> {
        Screener::load_shared(Arc::new(bytes), true)
    }

    /// [`Screener::load`] without the checksum pass over the whole body (about a quarter of the
    /// opening time for SDN + ALT + UN). Every structural check still runs, so no input can make
    /// it or a later query panic; what goes unnoticed is damage that leaves the structure
    /// intact (a changed letter in a name, a changed weight), which then changes results. For
    /// files this program wrote itself under a temporary name and renamed into place.
    pub fn load_without_checksum(bytes: Vec<u8>) -> Result<Screener, LoadError> {
        Screener::load_shared(Arc::new(bytes), false)
    }

    /// [`Screener::load`] (with `verify_checksum`) or [`Screener::load_without_checksum`] over
    /// bytes owned by anything that can lend them, such as a memory map of the file: the
    /// screener keeps them and reads the index, entities and name records in place, so with a
    /// map and no checksum, opening reads only the pages of the arrays it converts.
    pub fn load_shared(bytes: SharedBytes, verify_checksum: bool) -> Result<Screener, LoadError> {
        check_header((*bytes).as_ref(), verify_checksum)?;
        let file = File(bytes);
        let mut r = Reader::new(file.bytes());
        r.take(HEADER, "header")?;
        read_body(&mut r, &file)
    }
}

/// Checks magic, version, length and, with `verify`, the checksum.
fn check_header(bytes: &[u8], verify: bool) -> Result<(), LoadError> {
    if bytes.len() < MAGIC.len() || bytes[..MAGIC.len()] != MAGIC {
        return Err(LoadError::NotAScreener);
    }
    let mut r = Reader::new(bytes);
    r.take(MAGIC.len(), "magic")?;
    let version = r.u32("format version")?;
    if version != FORMAT_VERSION {
        return Err(LoadError::Version {
            found: version,
            expected: FORMAT_VERSION,
        });
    }
    let _reserved = r.u32("reserved")?;
    let body_len = r.u64("body length")?;
    let sum = r.u64("checksum")?;
    let found = (bytes.len() - HEADER.min(bytes.len())) as u64;
    if body_len != found {
        return Err(LoadError::Length {
            expected: body_len.saturating_add(HEADER as u64),
            found: bytes.len() as u64,
        });
    }
    if verify && checksum(&bytes[HEADER..]) != sum {
        return Err(LoadError::Checksum);
    }
    Ok(())
}

fn read_body(r: &mut Reader<'_>, file: &File) -> Result<Screener, LoadError> {
    let bytes: &[u8] = file.bytes();
    let engine = Strings::read(r, 1, "engine version")?;
    let found = String::from_utf8_lossy(engine.get(bytes, 0).unwrap_or(&[]));
    if found != ENGINE_VERSION {
        return Err(LoadError::Engine {
            found: found.into_owned(),
            expected: ENGINE_VERSION,
        });
    }
    // Lists.
    let n_lists = {
        let mut peek = r.clone();
        peek.count(4, "lists")?
    };
    let list_names = Strings::read(r, n_lists, "list names")?;
    let list_versions = Strings::read(r, n_lists, "list versions")?;
    let lists: Vec<ListRef> = (0..n_lists)
        .map(|i| ListRef::new(list_names.str(bytes, i), list_versions.str(bytes, i)))
        .collect();
    // Entities.
    let n = r.count(4, "entity count")?;
    let ids = Strings::read(r, n, "entity ids")?;
    let json = Strings::read(r, n, "entity records")?;
    let sorted = exact_u32s(r, n, "entity order")?;
    let entity_list = exact_u32s(r, n, "entity lists")?;
    if below(&sorted, n).is_none() || below(&entity_list, n_lists).is_none() {
        return Err(r.invalid("entity order or list number").into());
    }
    let tags = r.take(n, "entity schemas")?;
    let others = Strings::read(r, n, "entity schema names")?;
    let schemas = tags
        .iter()
        .enumerate()
        .map(|(i, &t)| schema_of(t, || others.str(bytes, i)))
        .collect::<Option<Vec<Schema>>>()
        .ok_or_else(|| r.invalid("entity schema"))?;
    // Name records.
    let n_names = r.count(1, "name count")?;
    let kinds = r
        .take(n_names, "name kinds")?
        .iter()
        .map(|&k| kind_of(k))
        .collect::<Option<Vec<NameKind>>>()
        .ok_or_else(|| r.invalid("name kind"))?;
    let full = Strings::read(r, n_names, "names")?;
    let folded = Strings::read(r, n_names, "folded names")?;
    // Identifiers.
    let n_idents = r.count(4, "identifier count")?;
    let keys = Strings::read(r, n_idents, "identifiers")?;
    let ends = exact_u32s(r, n_idents, "identifier ends")?;
    let flat = r.u32s("identifier entities")?;
    if below(&flat, n).is_none() {
        return Err(r.invalid("identifier entity").into());
    }
    let identifiers = Identifiers::stored(file.clone(), keys, ends, flat)
        .ok_or_else(|| r.invalid("identifier ends"))?;
    let packed = read_packed(r, n, n_names)?;
    let index = NameIndex::read(r, n_names, &file.0)?;
    if r.remaining() != 0 {
        return Err(r.invalid("trailing bytes").into());
    }
    Ok(Screener {
        entities: Entities::stored(file.clone(), ids.clone(), json),
        entity_list,
        lists,
        by_id: IdMap::stored(file.clone(), ids, sorted),
        names: NameRecs::stored(file.clone(), kinds, full, folded),
        index,
        identifiers,
        packed,
        schemas,
        scan: Default::default(),
    })
}

/// Exactly `n` `u32`s with their count.
fn exact_u32s(r: &mut Reader<'_>, n: usize, what: &'static str) -> Result<Vec<u32>, FormatError> {
    let v = r.u32s(what)?;
    if v.len() != n {
        return Err(r.invalid(what));
    }
    Ok(v)
}

/// `Some` when every value is below `limit`.
fn below(values: &[u32], limit: usize) -> Option<()> {
    match values.iter().copied().max() {
        Some(m) if m as usize >= limit => None,
        _ => Some(()),
    }
}

const TOKEN_RECORD: usize = 24;
const NAME_RECORD: usize = 11;
const VARIANT_RECORD: usize = 6;
const SIG_RECORD: usize = 12;

/// Writes the packed names; `None` when a table is too large for the format.
fn write_packed(w: &mut Writer, p: &PackedNames) -> Option<()> {
    w.count(p.names.len());
    for n in &p.names {
        w.u32(n.entity);
        w.u8(kind_tag(n.kind));
        w.u32(n.first_variant);
        w.u16(n.n_variants);
    }
    w.count(p.variants.len());
    for &(start, len) in &p.variants {
        w.u32(start);
        w.u16(len);
    }
    w.count(p.tokens.len());
    for t in &p.tokens {
        w.u32(t.text_id);
        w.u32(t.skel_id);
        w.u32(t.at);
        w.u16(t.text_len);
        w.u8(t.skel_len);
        w.u8(t.primary_len);
        w.u8(t.alternate_len);
        w.u8(t.class);
        w.u8(t.heads.0);
        w.u8(t.heads.1);
        w.f32(t.weight);
    }
    // Legal forms are stored once each, by canonical abbreviation and class; a role tag refers
    // to its form by position.
    w.count(p.forms.len());
    Strings::write(w, p.forms.iter().map(|f| f.canonical.as_bytes()));
    for f in &p.forms {
        w.u8(class_tag(f.class));
    }
    w.count(p.roles.len());
    w.bytes(&p.roles);
    w.count(p.sigs.len());
    for s in &p.sigs {
        w.u64(s.counts);
        w.u32(s.head);
    }
    w.count(p.bytes.len());
    w.bytes(p.bytes.as_bytes());
    // The interner as spans of the byte arena: every interned string is some token's text or
    // skeleton, so its bytes are already stored.
    let n_ids = match &p.frozen {
        Some(f) => f.spans.len(),
        None => p.interner.len(),
    };
    let mut spans = vec![(0u32, 0u32); n_ids];
    for t in &p.tokens {
        let text = (t.at, u32::from(t.text_len));
        let skel = (
            t.at.saturating_add(u32::from(t.text_len)),
            u32::from(t.skel_len),
        );
        for (id, span) in [(t.text_id, text), (t.skel_id, skel)] {
            if let Some(s) = spans.get_mut(id as usize) {
                *s = span;
            }
        }
    }
    let arena = p.bytes.as_bytes();
    let str_of = |(at, len): (u32, u32)| {
        arena
            .get(at as usize..at as usize + len as usize)
            .unwrap_or(&[])
    };
    let mut sorted: Vec<u32> = (0..n_ids as u32).collect();
    sorted.sort_unstable_by(|&a, &b| str_of(spans[a as usize]).cmp(str_of(spans[b as usize])));
    w.count(spans.len());
    for &(at, len) in &spans {
        w.u32(at);
        w.u32(len);
    }
    w.u32s(&sorted);
    Some(())
}

/// Reads the packed names of `n_names` names over `n_entities` entities, checking that every
/// name's variants, every variant's tokens and every token's bytes are in range.
fn read_packed(
    r: &mut Reader<'_>,
    n_entities: usize,
    n_names: usize,
) -> Result<PackedNames, LoadError> {
    let count = r.count(NAME_RECORD, "packed names")?;
    if count != n_names {
        return Err(r.invalid("packed name count").into());
    }
    let names = r
        .records::<NAME_RECORD>(count, "packed names")?
        .map(|b| {
            Some(PackedName {
                entity: le_u32(&b[0..4]),
                kind: kind_of(b[4])?,
                first_variant: le_u32(&b[5..9]),
                n_variants: u16::from_le_bytes([b[9], b[10]]),
            })
        })
        .collect::<Option<Vec<PackedName>>>()
        .ok_or_else(|| r.invalid("packed name kind"))?;
    let n_variants = r.count(VARIANT_RECORD, "variants")?;
    let variants: Vec<(u32, u16)> = r
        .records::<VARIANT_RECORD>(n_variants, "variants")?
        .map(|b| (le_u32(&b[0..4]), u16::from_le_bytes([b[4], b[5]])))
        .collect();
    let n_tokens = r.count(TOKEN_RECORD, "tokens")?;
    let tokens: Vec<PackedToken> = r
        .records::<TOKEN_RECORD>(n_tokens, "tokens")?
        .map(|b| PackedToken {
            text_id: le_u32(&b[0..4]),
            skel_id: le_u32(&b[4..8]),
            at: le_u32(&b[8..12]),
            text_len: u16::from_le_bytes([b[12], b[13]]),
            skel_len: b[14],
            primary_len: b[15],
            alternate_len: b[16],
            class: b[17],
            heads: (b[18], b[19]),
            weight: f32::from_bits(le_u32(&b[20..24])),
        })
        .collect();
    let n_forms = r.count(1, "legal forms")?;
    let canonical = Strings::read(r, n_forms, "legal form names")?;
    let form_classes = r.take(n_forms, "legal form classes")?;
    let forms = (0..n_forms)
        .map(|i| {
            let class = class_of(*form_classes.get(i)?)?;
            let name = std::str::from_utf8(canonical.get(r_bytes(r), i)?).ok()?;
            names::legal_form_by_canonical(name, class)
        })
        .collect::<Option<Vec<names::LegalForm>>>()
        .ok_or_else(|| r.invalid("legal form"))?;
    if r.count(1, "roles")? != n_tokens {
        return Err(r.invalid("role count").into());
    }
    let roles = r.take(n_tokens, "roles")?.to_vec();
    if roles.iter().any(|&t| role_of_tag(t, &forms).is_none()) {
        return Err(r.invalid("role").into());
    }
    if r.count(SIG_RECORD, "signatures")? != n_tokens {
        return Err(r.invalid("signature count").into());
    }
    let sigs: Vec<Signature> = r
        .records::<SIG_RECORD>(n_tokens, "signatures")?
        .map(|b| Signature {
            counts: le_u64(&b[0..8]),
            head: le_u32(&b[8..12]),
        })
        .collect();
    let n_bytes = r.count(1, "name bytes")?;
    let at = r.position();
    let bytes = std::str::from_utf8(r.take(n_bytes, "name bytes")?)
        .map_err(|_| FormatError::Invalid {
            what: "name bytes (not UTF-8)",
            at,
        })?
        .to_owned();
    let n_ids = r.count(8, "interned strings")?;
    let spans: Vec<(u32, u32)> = r
        .records::<8>(n_ids, "interned strings")?
        .map(|b| (le_u32(&b[0..4]), le_u32(&b[4..8])))
        .collect();
    let sorted = exact_u32s(r, n_ids, "interned order")?;
    // Range checks: everything the scorer indexes with must lie within its array.
    let names_ok = names.iter().all(|n| {
        (n.entity as usize) < n_entities
            && n.first_variant as usize + usize::from(n.n_variants) <= variants.len()
    });
    let variants_ok = variants
        .iter()
        .all(|&(start, len)| start as usize + usize::from(len) <= tokens.len());
    let tokens_ok = tokens.iter().all(|t| {
        let len = usize::from(t.text_len)
            + usize::from(t.skel_len)
            + usize::from(t.primary_len)
            + usize::from(t.alternate_len);
        t.at as usize + len <= bytes.len() && t.class <= 3 && t.weight.is_finite()
    });
    let spans_ok = spans
        .iter()
        .all(|&(at, len)| at as usize + len as usize <= bytes.len());
    if !(names_ok && variants_ok && tokens_ok && spans_ok) || below(&sorted, n_ids).is_none() {
        return Err(r
            .invalid("packed name, variant, token or span out of range")
            .into());
    }
    Ok(PackedNames {
        names,
        variants,
        tokens,
        roles,
        forms,
        sigs,
        bytes,
        interner: Default::default(),
        frozen: Some(FrozenInterner { spans, sorted }),
    })
}

/// The whole input of a reader (for string tables, which address the file).
fn r_bytes<'a>(r: &Reader<'a>) -> &'a [u8] {
    r.all()
}

fn class_tag(c: LegalClass) -> u8 {
    match c {
        LegalClass::Llc => 0,
        LegalClass::JointStock => 1,
        LegalClass::Limited => 2,
        LegalClass::Corporation => 3,
        LegalClass::Partnership => 4,
        LegalClass::FreeZone => 5,
        LegalClass::StateOwned => 6,
    }
}

fn class_of(t: u8) -> Option<LegalClass> {
    Some(match t {
        0 => LegalClass::Llc,
        1 => LegalClass::JointStock,
        2 => LegalClass::Limited,
        3 => LegalClass::Corporation,
        4 => LegalClass::Partnership,
        5 => LegalClass::FreeZone,
        6 => LegalClass::StateOwned,
        _ => return None,
    })
}

fn kind_tag(k: NameKind) -> u8 {
    match k {
        NameKind::Primary => 0,
        NameKind::Alias => 1,
        NameKind::WeakAlias => 2,
        NameKind::Previous => 3,
        NameKind::Now => 4,
    }
}

fn kind_of(t: u8) -> Option<NameKind> {
    Some(match t {
        0 => NameKind::Primary,
        1 => NameKind::Alias,
        2 => NameKind::WeakAlias,
        3 => NameKind::Previous,
        4 => NameKind::Now,
        _ => return None,
    })
}

const OTHER_SCHEMA: u8 = 7;

fn schema_tag(s: &Schema) -> u8 {
    match s {
        Schema::Person => 0,
        Schema::Organization => 1,
        Schema::Company => 2,
        Schema::LegalEntity => 3,
        Schema::Vessel => 4,
        Schema::Airplane => 5,
        Schema::CryptoWallet => 6,
        Schema::Other(_) => OTHER_SCHEMA,
    }
}

fn schema_of<'a>(t: u8, other: impl FnOnce() -> &'a str) -> Option<Schema> {
    Some(match t {
        0 => Schema::Person,
        1 => Schema::Organization,
        2 => Schema::Company,
        3 => Schema::LegalEntity,
        4 => Schema::Vessel,
        5 => Schema::Airplane,
        6 => Schema::CryptoWallet,
        OTHER_SCHEMA => Schema::Other(other().to_owned()),
        _ => return None,
    })
}

/// A 64-bit checksum of the body: a Fletcher-style pair of sums over eight lanes of 8-byte
/// words (each word added to its lane's first sum, that sum to the second), which the compiler
/// turns into vector adds, so checking the whole file on every open runs at memory speed. Any
/// single changed word changes the first sums; moved words change the second.
fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut s1 = [0u64; 8];
    let mut s2 = [0u64; 8];
    let mut blocks = bytes.chunks_exact(64);
    for b in &mut blocks {
        for k in 0..8 {
            s1[k] = s1[k].wrapping_add(le_u64(&b[8 * k..8 * k + 8]));
            s2[k] = s2[k].wrapping_add(s1[k]);
        }
    }
    let mut h = bytes.len() as u64;
    for word in s1
        .iter()
        .chain(&s2)
        .copied()
        .chain(blocks.remainder().chunks(8).map(le_u64))
    {
        h = (h ^ word).wrapping_mul(K).rotate_left(29);
    }
    h ^ (h >> 32)
}

/// Recomputes the checksum of serialised screener bytes in place, so that tests and fuzzing can
/// reach the structural checks behind it with altered bytes. Bytes too short for a header are
/// left alone.
#[doc(hidden)]
pub fn reseal(bytes: &mut [u8]) {
    if bytes.len() < HEADER {
        return;
    }
    let sum = checksum(&bytes[HEADER..]);
    bytes[24..32].copy_from_slice(&sum.to_le_bytes());
}
