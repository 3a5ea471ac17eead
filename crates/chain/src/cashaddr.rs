//! Bitcoin Cash CashAddr decoding and encoding (the `bitcoincash:` format).
//!
//! The checksum is a 40-bit BCH code over the lower five bits of each prefix character, a zero
//! separator, and the 5-bit payload. The prefix is optional in the written form; when absent it is
//! taken to be `bitcoincash`.

use crate::bech32::{CHARSET, CHARSET_REV, from_5bit};
use crate::error::{AddressError, Format, LengthUnit, ShortStr};

/// The mainnet prefix; the only one we accept.
pub(crate) const PREFIX: &[u8] = b"bitcoincash";

fn polymod(prefix: &[u8], payload: &[u8]) -> u64 {
    const GEN: [u64; 5] = [
        0x98_f2bc_8e61,
        0x79_b76d_99e2,
        0xf3_3e5f_b3c4,
        0xae_2eab_e2a8,
        0x1e_4f43_e470,
    ];
    let mut c: u64 = 1;
    let mut step = |d: u8| {
        let c0 = (c >> 35) as u8;
        c = ((c & 0x07_ffff_ffff) << 5) ^ d as u64;
        for (i, g) in GEN.iter().enumerate() {
            if (c0 >> i) & 1 == 1 {
                c ^= g;
            }
        }
    };
    for &p in prefix {
        step(p.to_ascii_lowercase() & 0x1f);
    }
    step(0);
    for &d in payload {
        step(d);
    }
    c ^ 1
}

/// The script type a CashAddr encodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CashType {
    /// Pay to public-key hash (types 0 and 2, the latter token-aware).
    P2pkh,
    /// Pay to script hash (types 1 and 3, the latter token-aware).
    P2sh,
}

/// A decoded CashAddr.
pub(crate) struct CashAddr {
    pub(crate) kind: CashType,
    pub(crate) hash: [u8; 64],
    pub(crate) hash_len: usize,
}

/// Decodes `s`, with or without the `bitcoincash:` prefix.
pub(crate) fn decode(s: &[u8]) -> Result<CashAddr, AddressError> {
    let (prefix, payload, offset) = match s.iter().position(|&c| c == b':') {
        Some(colon) => (&s[..colon], &s[colon + 1..], colon + 1),
        None => (PREFIX, s, 0),
    };
    if !prefix.eq_ignore_ascii_case(PREFIX) {
        let hint =
            if prefix.eq_ignore_ascii_case(b"bchtest") || prefix.eq_ignore_ascii_case(b"bchreg") {
                Some("Bitcoin Cash testnet; only mainnet is supported")
            } else {
                Some("only the bitcoincash: prefix is supported")
            };
        return Err(AddressError::UnknownPrefix {
            prefix: ShortStr::lowercase_ascii(prefix),
            hint,
        });
    }
    // One case throughout, prefix included.
    let mut case: Option<bool> = None;
    let whole = if offset == 0 { payload } else { s };
    for (pos, &c) in whole.iter().enumerate() {
        if c.is_ascii_alphabetic() {
            let upper = c.is_ascii_uppercase();
            match case {
                None => case = Some(upper),
                Some(u) if u != upper => {
                    return Err(AddressError::MixedCase {
                        pos,
                        format: Format::CashAddr,
                    });
                }
                _ => {}
            }
        }
    }
    // The longest payload is a version byte plus a 64-byte hash plus 8 checksum groups: 112.
    if payload.len() < 8 + 34 || payload.len() > 112 {
        return Err(AddressError::WrongLength {
            format: Format::CashAddr,
            found: payload.len(),
            unit: LengthUnit::Chars,
            expected: "42 to 112 after the prefix (42 for a 20-byte hash)",
        });
    }
    let mut values = [0u8; 112];
    for (k, &c) in payload.iter().enumerate() {
        let v = if c < 128 {
            CHARSET_REV[c as usize]
        } else {
            0xFF
        };
        if v == 0xFF {
            return Err(crate::base58::bad_char(s, offset + k, Format::CashAddr));
        }
        values[k] = v;
    }
    let values = &values[..payload.len()];
    if polymod(prefix, values) != 0 {
        return Err(AddressError::BadChecksum {
            format: Format::CashAddr,
        });
    }
    let mut bytes = [0u8; 70];
    let n = from_5bit(&values[..values.len() - 8], &mut bytes, Format::CashAddr)?;
    let version = bytes[0];
    let hash = &bytes[1..n];
    if version & 0x80 != 0 {
        return Err(AddressError::InvalidCashAddrVersion { version });
    }
    let kind = match (version >> 3) & 0x0f {
        0 | 2 => CashType::P2pkh,
        1 | 3 => CashType::P2sh,
        _ => return Err(AddressError::InvalidCashAddrVersion { version }),
    };
    let size = match version & 0x07 {
        0 => 20,
        1 => 24,
        2 => 28,
        3 => 32,
        4 => 40,
        5 => 48,
        6 => 56,
        _ => 64,
    };
    if hash.len() != size {
        return Err(AddressError::WrongLength {
            format: Format::CashAddr,
            found: hash.len(),
            unit: LengthUnit::Bytes,
            expected: "the hash size named by the version byte",
        });
    }
    let mut out = CashAddr {
        kind,
        hash: [0u8; 64],
        hash_len: size,
    };
    out.hash[..size].copy_from_slice(hash);
    Ok(out)
}

/// Encodes a hash as a lower-case `bitcoincash:` address with the non-token type of `kind`.
///
/// Used for the canonical key of hashes that have no legacy Base58 spelling (not 20 bytes).
pub(crate) fn encode(kind: CashType, hash: &[u8], out: &mut [u8; 128]) -> usize {
    let size_bits: u8 = match hash.len() {
        20 => 0,
        24 => 1,
        28 => 2,
        32 => 3,
        40 => 4,
        48 => 5,
        56 => 6,
        _ => 7,
    };
    let type_bits: u8 = match kind {
        CashType::P2pkh => 0,
        CashType::P2sh => 1,
    };
    let mut bytes = [0u8; 65];
    bytes[0] = (type_bits << 3) | size_bits;
    bytes[1..=hash.len()].copy_from_slice(hash);
    let bytes = &bytes[..=hash.len()];
    // Regroup into 5-bit values with zero padding.
    let mut values = [0u8; 112];
    let mut n = 0usize;
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for &b in bytes {
        acc = (acc << 8) | b as u32;
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            values[n] = ((acc >> bits) & 31) as u8;
            n += 1;
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        values[n] = ((acc << (5 - bits)) & 31) as u8;
        n += 1;
    }
    let sum = polymod(
        PREFIX,
        &{
            let mut v = values;
            v[n..n + 8].fill(0);
            v
        }[..n + 8],
    );
    for i in 0..8 {
        values[n + i] = ((sum >> (5 * (7 - i))) & 31) as u8;
    }
    out[..PREFIX.len()].copy_from_slice(PREFIX);
    out[PREFIX.len()] = b':';
    let start = PREFIX.len() + 1;
    for (k, &v) in values[..n + 8].iter().enumerate() {
        out[start + k] = CHARSET[v as usize];
    }
    start + n + 8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn round_trip_32_byte_hash() {
        let hash = [0x5au8; 32];
        let mut out = [0u8; 128];
        let n = encode(CashType::P2sh, &hash, &mut out);
        let d = decode(&out[..n]);
        assert!(d.is_ok(), "{:?}", d.err());
        if let Ok(d) = d {
            assert_eq!(d.kind, CashType::P2sh);
            assert_eq!(&d.hash[..d.hash_len], &hash);
        }
    }

    #[test]
    fn vectors() {
        // CashAddr specification, "Examples of address translation" (20-byte hashes).
        check(
            "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
            Ok((CashType::P2pkh, "76a04053bda0a88bda5177b86a15c3b29f559873")),
        );
        check(
            "bitcoincash:qr95sy3j9xwd2ap32xkykttr4cvcu7as4y0qverfuy",
            Ok((CashType::P2pkh, "cb481232299cd5743151ac4b2d63ae198e7bb0a9")),
        );
        check(
            "bitcoincash:qqq3728yw0y47sqn6l2na30mcw6zm78dzqre909m2r",
            Ok((CashType::P2pkh, "011f28e473c95f4013d7d53ec5fbc3b42df8ed10")),
        );
        check(
            "bitcoincash:ppm2qsznhks23z7629mms6s4cwef74vcwvn0h829pq",
            Ok((CashType::P2sh, "76a04053bda0a88bda5177b86a15c3b29f559873")),
        );
        check(
            "BITCOINCASH:PR95SY3J9XWD2AP32XKYKTTR4CVCU7AS4YC93KY28E",
            Ok((CashType::P2sh, "cb481232299cd5743151ac4b2d63ae198e7bb0a9")),
        );
        check(
            "pqq3728yw0y47sqn6l2na30mcw6zm78dzq5ucqzc37",
            Ok((CashType::P2sh, "011f28e473c95f4013d7d53ec5fbc3b42df8ed10")),
        );
        check(
            "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6q",
            Err(ErrorKind::BadChecksum),
        );
        check(
            "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvY22gdx6a",
            Err(ErrorKind::MixedCase),
        );
        check(
            "bchtest:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
            Err(ErrorKind::UnknownPrefix),
        );
        check(
            "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdxba",
            Err(ErrorKind::BadChar),
        );
        check(
            "bitcoincash:qpm2qsznhks23z7629",
            Err(ErrorKind::WrongLength),
        );
    }

    fn check(s: &str, expected: Result<(CashType, &str), ErrorKind>) {
        let got = decode(s.as_bytes())
            .map(|d| (d.kind, hex(&d.hash[..d.hash_len])))
            .map_err(|e| e.kind());
        assert_eq!(got, expected.map(|(k, h)| (k, h.to_owned())), "{s:?}");
    }
}
