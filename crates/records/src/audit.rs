//! The audit chain as pure logic: the canonical encoding of a record, its hash, the checks that
//! `audit verify` runs over a stream of stored rows, and signed checkpoints.
//!
//! Each record's hash is `SHA-256(prev_hash ‖ canonical(record))`, where the canonical encoding
//! is a domain tag followed by every field as a 4-byte big-endian length and its UTF-8 bytes, in
//! a fixed order. Lengths make the encoding unambiguous (no field can borrow bytes from the
//! next), and the sequence number is inside the hash, so swapping two rows' contents or numbers
//! breaks the chain at the first of them. Nothing here touches the database: [`Verifier`] is fed
//! rows in sequence order by whoever reads them.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash that the first record chains to: 32 zero bytes, in hex.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The domain tag that starts every canonical encoding; a new encoding gets a new tag.
const TAG: &[u8] = b"interdict-audit-v1";

/// One audit record as stored (table `audit`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Position in the chain, from 1 without gaps.
    pub seq: i64,
    /// When (UTC, RFC 3339).
    pub ts: String,
    /// Who: a user id, or `system:<job>` for automatic work.
    pub actor: String,
    /// What happened, a dotted verb such as `alert.open` or `decision.approve`.
    pub action: String,
    /// What it happened to, such as `alert:12`; references, never personal data.
    pub object: String,
    /// The details as canonical JSON (sorted keys); hashes stand in for personal data.
    pub payload: String,
    /// The previous record's hash (hex), [`GENESIS`] for the first.
    pub prev_hash: String,
    /// This record's hash (hex).
    pub hash: String,
}

/// The canonical bytes of a record's content (everything but the two hashes).
pub fn canonical(
    seq: i64,
    ts: &str,
    actor: &str,
    action: &str,
    object: &str,
    payload: &str,
) -> Vec<u8> {
    let seq = seq.to_string();
    let fields: [&[u8]; 6] = [
        seq.as_bytes(),
        ts.as_bytes(),
        actor.as_bytes(),
        action.as_bytes(),
        object.as_bytes(),
        payload.as_bytes(),
    ];
    let mut out = Vec::with_capacity(TAG.len() + fields.iter().map(|f| f.len() + 4).sum::<usize>());
    out.extend_from_slice(TAG);
    for f in fields {
        // Fields longer than 4 GiB cannot occur (payloads are built by this crate); saturate
        // rather than wrap so such a field could never alias a shorter one.
        let len = u32::try_from(f.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(f);
    }
    out
}

/// The hash of a record's content chained to `prev_hash` (hex in, hex out).
pub fn chain_hash(prev_hash: &str, canonical: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(canonical);
    hex(&h.finalize())
}

impl Record {
    /// Builds the next record after `(prev_seq, prev_hash)`, computing its hash.
    pub fn next(
        prev_seq: i64,
        prev_hash: &str,
        ts: String,
        actor: String,
        action: String,
        object: String,
        payload: String,
    ) -> Record {
        let seq = prev_seq + 1;
        let hash = chain_hash(
            prev_hash,
            &canonical(seq, &ts, &actor, &action, &object, &payload),
        );
        Record {
            seq,
            ts,
            actor,
            action,
            object,
            payload,
            prev_hash: prev_hash.to_string(),
            hash,
        }
    }

    /// The hash recomputed from the stored content and stored previous hash.
    pub fn recompute(&self) -> String {
        chain_hash(
            &self.prev_hash,
            &canonical(
                self.seq,
                &self.ts,
                &self.actor,
                &self.action,
                &self.object,
                &self.payload,
            ),
        )
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// Bytes from hex, `None` when the text is not hex of even length.
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|p| u8::from_str_radix(p, 16).ok()))
        .collect()
}

/// Why a chain does not verify: the first broken record and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Break {
    /// The sequence number of the first record that does not verify (for a missing record,
    /// the number that should have been there).
    pub seq: i64,
    /// What is wrong, in words.
    pub problem: String,
}

/// Checks stored rows fed in ascending `seq` order, keeping only the previous hash.
#[derive(Debug, Clone)]
pub struct Verifier {
    expected_seq: i64,
    prev_hash: String,
    /// The first break found; rows after it are not checked.
    pub broken: Option<Break>,
}

impl Default for Verifier {
    fn default() -> Verifier {
        Verifier {
            expected_seq: 1,
            prev_hash: GENESIS.to_string(),
            broken: None,
        }
    }
}

impl Verifier {
    /// Checks the next row; returns false once the chain is broken.
    pub fn push(&mut self, r: &Record) -> bool {
        if self.broken.is_some() {
            return false;
        }
        let problem = if r.seq > self.expected_seq {
            Some((
                self.expected_seq,
                format!(
                    "record {} is missing (the next stored record is {})",
                    self.expected_seq, r.seq
                ),
            ))
        } else if r.seq < self.expected_seq {
            Some((
                r.seq,
                format!("record {} appears twice or out of order", r.seq),
            ))
        } else if r.prev_hash != self.prev_hash {
            Some((
                r.seq,
                format!(
                    "record {} does not chain to record {} (a record was inserted, removed or reordered)",
                    r.seq,
                    r.seq - 1
                ),
            ))
        } else if r.recompute() != r.hash {
            Some((
                r.seq,
                format!(
                    "record {} was altered: its content does not match its hash",
                    r.seq
                ),
            ))
        } else {
            None
        };
        if let Some((seq, problem)) = problem {
            self.broken = Some(Break { seq, problem });
            return false;
        }
        self.expected_seq += 1;
        self.prev_hash = r.hash.clone();
        true
    }

    /// How many records verified.
    pub fn verified(&self) -> i64 {
        self.expected_seq - 1
    }

    /// The hash of the last verified record.
    pub fn last_hash(&self) -> &str {
        &self.prev_hash
    }
}

/// A signed statement that the chain had `seq` records ending in `hash` at `ts`.
///
/// An auditor who keeps a checkpoint detects a later truncation of the tail: the stored chain
/// must still contain record `seq` with that hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The number of records covered.
    pub seq: i64,
    /// The hash of record `seq`.
    pub hash: String,
    /// When it was signed (UTC, RFC 3339).
    pub ts: String,
    /// The Ed25519 public key (hex) that signed it.
    pub public_key: String,
    /// The Ed25519 signature (hex) over [`Checkpoint::message`].
    pub signature: String,
}

impl Checkpoint {
    /// The signed bytes: a tag, the sequence number, the hash and the time.
    pub fn message(seq: i64, hash: &str, ts: &str) -> Vec<u8> {
        format!("interdict-checkpoint-v1\n{seq}\n{hash}\n{ts}").into_bytes()
    }

    /// Signs `(seq, hash, ts)` with `key`.
    pub fn sign(key: &SigningKey, seq: i64, hash: &str, ts: &str) -> Checkpoint {
        let sig = key.sign(&Checkpoint::message(seq, hash, ts));
        Checkpoint {
            seq,
            hash: hash.to_string(),
            ts: ts.to_string(),
            public_key: hex(key.verifying_key().as_bytes()),
            signature: hex(&sig.to_bytes()),
        }
    }

    /// Whether the signature is valid for the checkpoint's own public key.
    pub fn signature_ok(&self) -> bool {
        let Some(pk) = unhex(&self.public_key).and_then(|b| <[u8; 32]>::try_from(b).ok()) else {
            return false;
        };
        let Some(sig) = unhex(&self.signature).and_then(|b| <[u8; 64]>::try_from(b).ok()) else {
            return false;
        };
        let Ok(vk) = VerifyingKey::from_bytes(&pk) else {
            return false;
        };
        vk.verify(
            &Checkpoint::message(self.seq, &self.hash, &self.ts),
            &Signature::from_bytes(&sig),
        )
        .is_ok()
    }
}

/// Canonical JSON for a payload: serde_json's map is sorted by key, so serialising a
/// `serde_json::Value` gives one text per value.
pub fn canonical_json(v: &serde_json::Value) -> String {
    v.to_string()
}

/// SHA-256 hex of text: how personal data is referred to in the log.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// HMAC-SHA256 (RFC 2104) of `msg` under `key`, hex: the keyed hash of screening inputs kept
/// instead of the input where policy says so, and the signature of webhook bodies. A keyed hash
/// cannot be reversed by hashing candidate names without the key.
pub fn hmac_sha256_hex(key: &[u8], msg: &[u8]) -> String {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let pad = |b: u8| k.iter().map(|x| x ^ b).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(msg)
        .finalize();
    let outer = Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize();
    hex(&outer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test cases 1, 2 and 6 (a key longer than the block) of RFC 4231.
        let cases: [(&[u8], &[u8], &str); 3] = [
            (
                &[0x0b; 20],
                b"Hi There",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe",
                b"what do ya want for nothing?",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
        ];
        for (key, msg, want) in cases {
            assert_eq!(hmac_sha256_hex(key, msg), want);
        }
    }

    fn chain(n: i64) -> Vec<Record> {
        let mut out: Vec<Record> = Vec::new();
        for i in 0..n {
            let (seq, prev) = out
                .last()
                .map_or((0, GENESIS.to_string()), |r| (r.seq, r.hash.clone()));
            out.push(Record::next(
                seq,
                &prev,
                format!("2026-01-01T00:00:{i:02}Z"),
                "alice".into(),
                "alert.open".into(),
                format!("alert:{i}"),
                "{}".into(),
            ));
        }
        out
    }

    fn verify(rows: &[Record]) -> Option<Break> {
        let mut v = Verifier::default();
        for r in rows {
            v.push(r);
        }
        v.broken
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), None);
    }

    #[test]
    fn tampering_names_the_first_broken_record() {
        let base = chain(5);
        let mut edited = base.clone();
        edited[2].actor = "mallory".into();
        let mut deleted = base.clone();
        deleted.remove(2);
        let mut swapped = base.clone();
        swapped.swap(1, 2);
        let mut renumbered = base.clone();
        // Swap the contents but keep the numbers in order, as an SQL UPDATE of seq would.
        let (a, b) = (renumbered[1].clone(), renumbered[2].clone());
        renumbered[1] = Record { seq: 2, ..b };
        renumbered[2] = Record { seq: 3, ..a };
        let cases: [(&[Record], i64); 4] =
            [(&edited, 3), (&deleted, 3), (&swapped, 2), (&renumbered, 2)];
        for (rows, seq) in cases {
            assert_eq!(verify(rows).map(|b| b.seq), Some(seq));
        }
    }

    #[test]
    fn encoding_is_unambiguous() {
        assert_ne!(
            canonical(1, "a", "bc", "", "", ""),
            canonical(1, "ab", "c", "", "", "")
        );
    }

    #[test]
    fn checkpoints_sign_and_detect_forgery() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let cp = Checkpoint::sign(&key, 5, GENESIS, "2026-01-01T00:00:00Z");
        assert!(cp.signature_ok());
        let forged = Checkpoint {
            seq: 4,
            ..cp.clone()
        };
        assert!(!forged.signature_ok());
        assert_eq!(unhex(&hex(&[0, 255, 16])), Some(vec![0, 255, 16]));
    }
}
