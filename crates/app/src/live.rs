//! The screener generation a long-running front end answers from, swapped atomically when
//! the lists change.
//!
//! A [`Generation`] is one engine over one exact set of list versions. [`Live`] holds the
//! current one behind an `RwLock<Arc<_>>`: a request takes the `Arc` once and uses it to the
//! end, so a swap never fails a request in flight and no answer mixes two versions; the old
//! generation is freed when its last request finishes. Loading and building happen outside
//! the lock; the lock is held only to exchange the pointer.
//!
//! [`Live`] also applies the freshness rule ([`crate::freshness`]): it refuses the bundled
//! lists unless stale lists are allowed, and it reports readiness for `/readyz` and for every
//! screening answer.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use wallets::AddressBook;

use crate::engine::Engine;
use crate::freshness::{self, Rule};
use crate::sources::{ListSource, Resolved};
use crate::{Context, Observer, Result};

/// One engine over one exact set of list versions, with what answers need to say about it.
#[derive(Debug)]
pub struct Generation {
    id: u64,
    engine: Engine,
    resolved: Resolved,
    imported_at: BTreeMap<String, String>,
    loaded_at: String,
    addresses: OnceLock<std::result::Result<AddressBook, String>>,
    /// Last, so that it drops after the engine: returns the generation's memory to the system.
    _release: ReleaseOnDrop,
}

/// Returns freed memory to the system when dropped ([`crate::memory::release`]). A generation
/// ends when the last request that holds it finishes, which is the moment its hundreds of
/// megabytes become free.
#[derive(Debug, Default)]
struct ReleaseOnDrop;

impl Drop for ReleaseOnDrop {
    fn drop(&mut self) {
        crate::memory::release();
    }
}

impl Generation {
    /// Opens the engine for a source (from its saved index when there is one).
    pub fn load(ctx: &Context, source: &ListSource, id: u64, obs: &dyn Observer) -> Result<Self> {
        let resolved = crate::sources::resolve(ctx, source, obs)?;
        let engine = crate::engine::open(ctx, source, obs)?;
        let imported_at = match &resolved {
            Resolved::Stored(metas) => metas
                .iter()
                .map(|m| (m.list.as_str().to_string(), m.imported_at.clone()))
                .collect(),
            _ => BTreeMap::new(),
        };
        Ok(Generation {
            id,
            engine,
            resolved,
            imported_at,
            loaded_at: store::utc_now(),
            addresses: OnceLock::new(),
            _release: ReleaseOnDrop,
        })
    }

    /// A generation over an engine built by the caller (tests).
    pub fn from_engine(engine: Engine, id: u64) -> Generation {
        Generation {
            id,
            engine,
            resolved: Resolved::Files(Vec::new()),
            imported_at: BTreeMap::new(),
            loaded_at: store::utc_now(),
            addresses: OnceLock::new(),
            _release: ReleaseOnDrop,
        }
    }

    /// A number that grows with every generation a process loads.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The lists that answer.
    pub fn lists(&self) -> &[api::ListUsed] {
        self.engine.lists()
    }

    /// True when the bundled default lists answer.
    pub fn is_bundled(&self) -> bool {
        self.resolved.is_bundled()
    }

    /// When this generation was loaded (UTC, RFC 3339).
    pub fn loaded_at(&self) -> &str {
        &self.loaded_at
    }

    /// When a list's current snapshot was imported (UTC, RFC 3339), for stored lists.
    pub fn imported_at(&self, list: &str) -> Option<&str> {
        self.imported_at.get(list).map(String::as_str)
    }

    /// The list versions in one line, `list=version` joined by commas: what every answer
    /// names (the service sends it as a header).
    pub fn versions_line(&self) -> String {
        self.lists()
            .iter()
            .map(|l| format!("{}={}", l.list, l.version))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The address book of the lists' wallets, built on first use (it needs the entities,
    /// which the saved index does not keep in a form the book reads).
    pub fn address_book(&self, ctx: &Context) -> Result<&AddressBook> {
        let r = self.addresses.get_or_init(|| {
            let mut book = AddressBook::new();
            let loaded = self.resolved.load(ctx).map_err(|e| e.to_string())?;
            for l in loaded {
                book.add_list(l.list.as_str(), &l.version, &l.entities);
            }
            // The entities were read only to find their wallets.
            crate::memory::release();
            Ok(book)
        });
        r.as_ref()
            .map_err(|e| crate::AppError::Invalid(format!("the address book failed: {e}")))
    }

    /// The freshness of every answering list at `now` (seconds since the epoch).
    pub fn freshness(&self, ctx: &Context, rule: &Rule, now: i64) -> Vec<api::ListFreshness> {
        let confirmed = freshness::confirmations(ctx);
        self.lists()
            .iter()
            .map(|u| {
                freshness::list_freshness(
                    u,
                    &confirmed,
                    self.imported_at(&u.list),
                    &rule.max_age,
                    now,
                )
            })
            .collect()
    }
}

/// The current generation of a long-running service, its freshness rule and its readiness.
#[derive(Debug)]
pub struct Live {
    ctx: Context,
    rule: Rule,
    current: RwLock<Option<Arc<Generation>>>,
    next_id: AtomicU64,
    /// Why nothing is loaded, when nothing is.
    refused: Mutex<Option<String>>,
    /// Readiness, recomputed at most once a second (it reads the confirmation file).
    status: Mutex<Option<(i64, u64, Arc<api::Readiness>)>>,
}

impl Live {
    /// A holder with nothing loaded yet.
    pub fn new(ctx: Context, rule: Rule) -> Live {
        Live {
            ctx,
            rule,
            current: RwLock::new(None),
            next_id: AtomicU64::new(1),
            refused: Mutex::new(None),
            status: Mutex::new(None),
        }
    }

    /// The context.
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// The freshness rule.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }

    /// The generation answering now; `None` until one is loaded.
    pub fn current(&self) -> Option<Arc<Generation>> {
        self.current.read().ok().and_then(|g| g.clone())
    }

    /// Makes a generation current. Requests that hold the previous one finish on it.
    pub fn install(&self, generation: Generation) -> Arc<Generation> {
        let g = Arc::new(generation);
        let previous = match self.current.write() {
            Ok(mut slot) => slot.replace(g.clone()),
            Err(_) => None,
        };
        // Outside the lock: when no request holds the previous generation, dropping it frees
        // and trims hundreds of megabytes, which must not stall requests waiting to read.
        drop(previous);
        if let Ok(mut r) = self.refused.lock() {
            *r = None;
        }
        if let Ok(mut s) = self.status.lock() {
            *s = None;
        }
        tracing::info!(
            generation = g.id(),
            lists = %g.versions_line(),
            entities = g.engine().screener().len(),
            "Lists loaded."
        );
        g
    }

    /// Loads the lists of a source and makes them current. The bundled lists are refused
    /// unless the rule allows stale lists: then nothing is installed and readiness says why.
    pub fn load(&self, source: &ListSource, obs: &dyn Observer) -> Result<Option<Arc<Generation>>> {
        let bundled = crate::sources::resolve(&self.ctx, source, obs)?.is_bundled();
        if bundled && !self.rule.allow_stale {
            let why = "only the bundled default lists are available, and they are not current; run `interdict lists update` (or `lists import FILE...`), or start with --allow-stale to serve them marked stale".to_string();
            tracing::error!("{why}");
            if let Ok(mut r) = self.refused.lock() {
                *r = Some(why);
            }
            return Ok(None);
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let g = Generation::load(&self.ctx, source, id, obs)?;
        Ok(Some(self.install(g)))
    }

    /// Loads the stored lists again when their current versions differ from the generation
    /// answering now, and swaps. Returns the new generation when there was a swap.
    pub fn reload_if_changed(&self, obs: &dyn Observer) -> Result<Option<Arc<Generation>>> {
        let store = self.ctx.store()?;
        let stored: Vec<(String, String)> = store
            .current_all()?
            .into_iter()
            .map(|m| (m.list.as_str().to_string(), m.version))
            .collect();
        let now: Vec<(String, String)> = self
            .current()
            .map(|g| {
                g.lists()
                    .iter()
                    .map(|l| (l.list.clone(), l.version.clone()))
                    .collect()
            })
            .unwrap_or_default();
        if stored.is_empty() || stored == now {
            if let Ok(mut s) = self.status.lock() {
                *s = None;
            }
            return Ok(None);
        }
        self.load(&ListSource::Stored, obs)
    }

    /// Whether screening requests are answered now, and why not.
    pub fn readiness(&self) -> Arc<api::Readiness> {
        let now = freshness::now_seconds();
        let g = self.current();
        let gid = g.as_ref().map_or(0, |g| g.id());
        if let Ok(s) = self.status.lock()
            && let Some((at, id, r)) = s.as_ref()
            && *at == now
            && *id == gid
        {
            return r.clone();
        }
        let lists = g
            .as_ref()
            .map(|g| g.freshness(&self.ctx, &self.rule, now))
            .unwrap_or_default();
        let mut r = freshness::assess(lists, &self.rule);
        if g.is_none()
            && let Ok(refused) = self.refused.lock()
            && let Some(why) = refused.as_ref()
        {
            r.reasons.insert(0, why.clone());
        }
        let r = Arc::new(r);
        if let Ok(mut s) = self.status.lock() {
            *s = Some((now, gid, r.clone()));
        }
        r
    }

    /// The generation to answer a screening request with, or the readiness report that says
    /// why the service does not answer (fail closed).
    pub fn answering(&self) -> std::result::Result<(Arc<Generation>, bool), Arc<api::Readiness>> {
        let r = self.readiness();
        match self.current() {
            Some(g) if r.ready => Ok((g, r.stale)),
            _ => Err(r),
        }
    }
}
