//! API keys for the service: created once and shown once, stored only as a hash under the
//! data directory (`keys.json`, owner-readable only), compared in constant time.
//!
//! A key reads `idk_<id>_<secret>`: the public id finds the record without scanning, and the
//! SHA-256 of the whole key is compared with the stored digest. A leaked `keys.json` therefore
//! gives no usable key (the secret has 256 random bits, so a fast hash is enough). A running
//! service notices a changed file (a key created or revoked) on the next request.

use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{AppError, Context, Result};

/// One stored key: the record people see and the digest of the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRecord {
    /// What `keys list` shows.
    #[serde(flatten)]
    pub info: api::KeyInfo,
    /// SHA-256 of the full key, hex.
    pub sha256: String,
}

const PREFIX: &str = "idk_";

fn path(ctx: &Context) -> PathBuf {
    ctx.data_dir().join("keys.json")
}

fn read(p: &Path) -> Result<Vec<KeyRecord>> {
    match std::fs::read(p) {
        Ok(b) => serde_json::from_slice(&b).map_err(|e| {
            AppError::Invalid(format!(
                "{}: not a key file ({e}); restore it from a backup or remove it and create new keys",
                p.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(AppError::io(p)(e)),
    }
}

fn write(p: &Path, records: &[KeyRecord]) -> Result<()> {
    let dir = p.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(AppError::io(dir))?;
    let tmp = p.with_extension(format!("json.tmp-{}", std::process::id()));
    let bytes = serde_json::to_vec_pretty(records).unwrap_or_default();
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let go = || -> std::io::Result<()> {
        use std::io::Write;
        let mut f = opts.open(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, p)
    };
    go().map_err(AppError::io(p))
}

fn random_hex(n: usize) -> Result<String> {
    let mut buf = vec![0u8; n];
    getrandom::getrandom(&mut buf)
        .map_err(|e| AppError::Invalid(format!("the system random source failed: {e}")))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

fn digest(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if s.len() != 64 {
        return None;
    }
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// Compares two digests in time that does not depend on where they differ.
pub fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let mut diff = 0u8;
    for (x, y) in a.iter().zip(b.iter()) {
        diff |= x ^ y;
    }
    std::hint::black_box(diff) == 0
}

/// Creates a key; the returned secret is not stored anywhere.
pub fn create(ctx: &Context, name: &str, role: api::Role) -> Result<api::CreatedKey> {
    let name = name.trim();
    if name.is_empty() || name.len() > 100 {
        return Err(AppError::Invalid(
            "a key needs a name of 1 to 100 characters (--name payments-prod)".into(),
        ));
    }
    let p = path(ctx);
    let mut records = read(&p)?;
    let id = random_hex(6)?;
    let key = format!("{PREFIX}{id}_{}", random_hex(32)?);
    let info = api::KeyInfo {
        id,
        name: name.to_string(),
        role,
        created_at: store::utc_now(),
        revoked_at: None,
    };
    records.push(KeyRecord {
        info: info.clone(),
        sha256: hex(&digest(&key)),
    });
    write(&p, &records)?;
    Ok(api::CreatedKey { key, info })
}

/// Every key ever created, revoked ones included, oldest first.
pub fn list(ctx: &Context) -> Result<Vec<api::KeyInfo>> {
    Ok(read(&path(ctx))?.into_iter().map(|r| r.info).collect())
}

/// Revokes a key by its id (or the whole key); revoking twice keeps the first time.
pub fn revoke(ctx: &Context, id_or_key: &str) -> Result<api::KeyInfo> {
    let id = key_id(id_or_key).unwrap_or(id_or_key.trim());
    let p = path(ctx);
    let mut records = read(&p)?;
    let Some(r) = records.iter_mut().find(|r| r.info.id == id) else {
        return Err(AppError::Invalid(format!(
            "no key has the id {id:?}; `interdict keys list` shows them"
        )));
    };
    if r.info.revoked_at.is_none() {
        r.info.revoked_at = Some(store::utc_now());
    }
    let info = r.info.clone();
    write(&p, &records)?;
    Ok(info)
}

/// The public id part of a presented key, when it has the key's shape.
fn key_id(key: &str) -> Option<&str> {
    let rest = key.trim().strip_prefix(PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    (!id.is_empty() && !secret.is_empty()).then_some(id)
}

/// The keys a running service checks, read again when the file changes.
#[derive(Debug)]
pub struct KeyRing {
    path: PathBuf,
    state: RwLock<(Option<SystemTime>, Vec<KeyRecord>)>,
}

impl KeyRing {
    /// The key ring of a data directory.
    pub fn open(ctx: &Context) -> Result<KeyRing> {
        let p = path(ctx);
        let records = read(&p)?;
        let mtime = std::fs::metadata(&p).and_then(|m| m.modified()).ok();
        Ok(KeyRing {
            path: p,
            state: RwLock::new((mtime, records)),
        })
    }

    /// Whether the key with this public id exists and is not revoked (a session opened with a
    /// key ends when the key is revoked).
    pub fn is_active(&self, id: &str) -> bool {
        self.refresh();
        self.state
            .read()
            .map(|s| {
                s.1.iter()
                    .any(|r| r.info.id == id && r.info.revoked_at.is_none())
            })
            .unwrap_or(false)
    }

    /// How many keys are not revoked.
    pub fn active(&self) -> usize {
        self.refresh();
        self.state
            .read()
            .map(|s| s.1.iter().filter(|r| r.info.revoked_at.is_none()).count())
            .unwrap_or(0)
    }

    fn refresh(&self) {
        let mtime = std::fs::metadata(&self.path)
            .and_then(|m| m.modified())
            .ok();
        let same = self.state.read().map(|s| s.0 == mtime).unwrap_or(true);
        if same {
            return;
        }
        match read(&self.path) {
            Ok(records) => {
                if let Ok(mut s) = self.state.write() {
                    *s = (mtime, records);
                }
            }
            // A half-edited file keeps the keys known before; the service logs why.
            Err(e) => {
                tracing::warn!(error = %e, "The key file cannot be read; keeping the keys loaded before.")
            }
        }
    }

    /// The key's record when the presented key is valid and not revoked.
    pub fn verify(&self, presented: &str) -> Option<api::KeyInfo> {
        self.refresh();
        let presented = presented.trim();
        let id = key_id(presented)?;
        let want = digest(presented);
        let s = self.state.read().ok()?;
        let r = s.1.iter().find(|r| r.info.id == id)?;
        let stored = unhex(&r.sha256)?;
        (constant_time_eq(&stored, &want) && r.info.revoked_at.is_none()).then(|| r.info.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_shown_once_stored_hashed_and_revocable() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let ctx = Context::new(dir.path());
        let created =
            create(&ctx, "payments", api::Role::Analyst).unwrap_or_else(|e| panic!("{e}"));
        let file = std::fs::read_to_string(dir.path().join("keys.json")).unwrap_or_default();
        assert!(
            !file.contains(&created.key),
            "the secret must not be stored"
        );
        assert!(file.contains(&created.info.id));
        let ring = KeyRing::open(&ctx).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            ring.verify(&created.key).map(|i| i.role),
            Some(api::Role::Analyst)
        );
        let mut wrong = created.key.clone();
        wrong.pop();
        wrong.push('x');
        assert_eq!(ring.verify(&wrong), None);
        assert_eq!(ring.verify("Bearer nonsense"), None);
        assert_eq!(ring.verify(""), None);
        revoke(&ctx, &created.info.id).unwrap_or_else(|e| panic!("{e}"));
        // The ring notices the changed file (mtime); force it for coarse file-system clocks.
        if let Ok(mut s) = ring.state.write() {
            s.0 = None;
        }
        assert_eq!(ring.verify(&created.key), None);
        assert_eq!(list(&ctx).map(|l| l.len()).unwrap_or(0), 1);
        assert!(revoke(&ctx, "nope").is_err());
    }

    #[test]
    fn digests_compare_equal_only_when_equal() {
        let a = digest("a");
        let mut b = a;
        assert!(constant_time_eq(&a, &b));
        b[31] ^= 1;
        assert!(!constant_time_eq(&a, &b));
        assert_eq!(unhex(&hex(&a)), Some(a));
    }
}
