//! Monero addresses: block-wise Base58 and a Keccak-256 checksum.
//!
//! Monero splits the bytes into 8-byte blocks, each written as exactly 11 Base58 characters
//! (a final short block of n bytes uses a fixed shorter width), so `bs58` cannot decode it.
//! A block whose digits overflow its byte width is rejected, which keeps the encoding bijective.

use sha3::{Digest, Keccak256};

use crate::base58::BITCOIN_ALPHABET;
use crate::error::{AddressError, Format, LengthUnit};

/// Characters needed for a block of `n` bytes, n = 0..=8.
const ENCODED_BLOCK: [usize; 9] = [0, 2, 3, 5, 6, 7, 9, 10, 11];

/// The kind of Monero address, from its network byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MoneroKind {
    Standard,
    Subaddress,
    Integrated,
}

/// A decoded Monero address: the bytes between network byte and checksum.
pub(crate) struct Monero {
    pub(crate) kind: MoneroKind,
    pub(crate) keys: [u8; 72],
    pub(crate) keys_len: usize,
}

/// Decodes Monero Base58 into `out`, returning the byte count.
fn decode_blocks(s: &[u8], out: &mut [u8; 80]) -> Result<usize, AddressError> {
    let full = s.len() / 11;
    let rem = s.len() % 11;
    let Some(last_bytes) = ENCODED_BLOCK.iter().position(|&c| c == rem) else {
        return Err(AddressError::WrongLength {
            format: Format::MoneroBase58,
            found: s.len(),
            unit: LengthUnit::Chars,
            expected: "95 (standard, subaddress) or 106 (integrated)",
        });
    };
    let total = full * 8 + last_bytes;
    if total > out.len() {
        return Err(AddressError::WrongLength {
            format: Format::MoneroBase58,
            found: s.len(),
            unit: LengthUnit::Chars,
            expected: "95 (standard, subaddress) or 106 (integrated)",
        });
    }
    let mut written = 0usize;
    let mut start = 0usize;
    while start < s.len() {
        let width = (s.len() - start).min(11);
        let bytes = if width == 11 { 8 } else { last_bytes };
        let mut v: u128 = 0;
        for (k, &c) in s[start..start + width].iter().enumerate() {
            let d = if c < 128 {
                BITCOIN_ALPHABET.digits[c as usize]
            } else {
                0xFF
            };
            if d == 0xFF {
                return Err(crate::base58::bad_char(s, start + k, Format::MoneroBase58));
            }
            v = v * 58 + d as u128;
        }
        if v >> (8 * bytes) != 0 {
            return Err(AddressError::BlockOverflow { pos: start });
        }
        let be = v.to_be_bytes();
        out[written..written + bytes].copy_from_slice(&be[16 - bytes..]);
        written += bytes;
        start += width;
    }
    Ok(total)
}

/// Decodes and verifies a mainnet Monero address.
pub(crate) fn decode(s: &[u8]) -> Result<Monero, AddressError> {
    if s.len() != 95 && s.len() != 106 {
        return Err(AddressError::WrongLength {
            format: Format::MoneroBase58,
            found: s.len(),
            unit: LengthUnit::Chars,
            expected: "95 (standard, subaddress) or 106 (integrated)",
        });
    }
    let mut buf = [0u8; 80];
    let n = decode_blocks(s, &mut buf)?;
    if n < 5 {
        return Err(AddressError::WrongLength {
            format: Format::MoneroBase58,
            found: s.len(),
            unit: LengthUnit::Chars,
            expected: "95 (standard, subaddress) or 106 (integrated)",
        });
    }
    let (body, sum) = buf[..n].split_at(n - 4);
    let hash = Keccak256::digest(body);
    if hash[..4] != *sum {
        return Err(AddressError::BadChecksum {
            format: Format::MoneroBase58,
        });
    }
    // Mainnet network bytes are below 0x80, so the varint is a single byte.
    let (kind, keys_len) = match body[0] {
        18 => (MoneroKind::Standard, 64),
        42 => (MoneroKind::Subaddress, 64),
        19 => (MoneroKind::Integrated, 72),
        // Testnet (53, 54, 63) and stagenet (24, 25, 36) land here too: only mainnet is listed.
        v => {
            return Err(AddressError::UnknownVersion {
                format: Format::MoneroBase58,
                version: v as u32,
            });
        }
    };
    if body.len() - 1 != keys_len {
        return Err(AddressError::WrongLength {
            format: Format::MoneroBase58,
            found: s.len(),
            unit: LengthUnit::Chars,
            expected: if keys_len == 64 { "95" } else { "106" },
        });
    }
    let mut out = Monero {
        kind,
        keys: [0u8; 72],
        keys_len,
    };
    out.keys[..keys_len].copy_from_slice(&body[1..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    /// Encodes bytes Monero-style, for round-trip tests.
    fn encode(b: &[u8]) -> String {
        let mut s = String::new();
        for chunk in b.chunks(8) {
            let mut v: u128 = 0;
            for &x in chunk {
                v = (v << 8) | x as u128;
            }
            let width = ENCODED_BLOCK[chunk.len()];
            let mut digits = vec![b'1'; width];
            for d in digits.iter_mut().rev() {
                *d = BITCOIN_ALPHABET.chars[(v % 58) as usize];
                v /= 58;
            }
            s.push_str(std::str::from_utf8(&digits).unwrap_or(""));
        }
        s
    }

    fn with_checksum(net: u8, keys: &[u8]) -> Vec<u8> {
        let mut b = vec![net];
        b.extend_from_slice(keys);
        let h = Keccak256::digest(&b);
        b.extend_from_slice(&h[..4]);
        b
    }

    #[test]
    fn vectors() {
        // The Monero general-fund donation address (standard, 95 characters).
        check(
            "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A",
            Ok(MoneroKind::Standard),
        );
        // OFAC-listed addresses (SOUTHFRONT, ent_num 31212).
        check(
            "49HqitRzdnhYjgTEAhgGpCfsjdTeMbUTU6cyR4JV1R7k2Eej9rGT8JpFiYDa4tZM6RZiFrHmMzgSrhHEqpDYKBe5B2ufNsL",
            Ok(MoneroKind::Standard),
        );
        check(
            "884Bz8UH63aYsjVdkfWfScRYWZGGNbjFL7pztqvWNSrtYT4reFSwyvkCj9KEGUtheHhhMUj87ciTBFyzoesrMJ4L1FvSoxL",
            Ok(MoneroKind::Subaddress),
        );
        // One character changed.
        check(
            "49HqitRzdnhYjgTEAhgGpCfsjdTeMbUTU6cyR4JV1R7k2Eej9rGT8JpFiYDa4tZM6RZiFrHmMzgSrhHEqpDYKBe5B2ufNsM",
            Err(ErrorKind::BadChecksum),
        );
        // An overflowing final block ("zzzzzzz" exceeds 2^40).
        let valid = "49HqitRzdnhYjgTEAhgGpCfsjdTeMbUTU6cyR4JV1R7k2Eej9rGT8JpFiYDa4tZM6RZiFrHmMzgSrhHEqpDYKBe5B2ufNsL";
        check(
            &format!("{}zzzzzzz", &valid[..88]),
            Err(ErrorKind::BlockOverflow),
        );
        check(
            &format!("zzzzzzzzzzz{}", &valid[11..]),
            Err(ErrorKind::BlockOverflow),
        );
        check(
            "49HqitRzdnhYjgTEAhgGpCfsjdTeMbUTU6cyR4JV1R7k2Eej9rGT8JpFiYDa4tZM6RZiFrHmMzgSrhHEqpDYKBe5B2ufNs",
            Err(ErrorKind::WrongLength),
        );
    }

    #[test]
    fn integrated_and_networks() {
        let keys: Vec<u8> = (0u8..72).collect();
        let integrated = encode(&with_checksum(19, &keys));
        assert_eq!(integrated.len(), 106);
        check(&integrated, Ok(MoneroKind::Integrated));
        let testnet = encode(&with_checksum(53, &keys[..64]));
        check(&testnet, Err(ErrorKind::UnknownVersion));
        // A standard network byte with an integrated length is a length error.
        let wrong = encode(&with_checksum(18, &keys));
        check(&wrong, Err(ErrorKind::WrongLength));
    }

    #[test]
    fn round_trip() {
        let s = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
        let mut buf = [0u8; 80];
        let n = decode_blocks(s.as_bytes(), &mut buf);
        assert_eq!(n.ok(), Some(69));
        assert_eq!(encode(&buf[..69]), s);
    }

    fn check(s: &str, expected: Result<MoneroKind, ErrorKind>) {
        let got = decode(s.as_bytes()).map(|m| m.kind).map_err(|e| e.kind());
        assert_eq!(got, expected, "{s:?}");
    }
}
