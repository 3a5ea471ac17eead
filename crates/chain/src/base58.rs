//! Allocation-free Base58 (Bitcoin and Ripple alphabets) and Base58Check for short inputs.
//!
//! Addresses are at most 44 Base58 characters (a Solana key), so decoding works on a fixed array
//! of 32-bit limbs on the stack. The semantics match `bs58`: each leading zero digit stands for
//! one zero byte and the rest is the minimal big-endian encoding of the number, which makes the
//! encoding bijective (decoding and re-encoding gives back the input).

use sha2::{Digest, Sha256};

use crate::error::{AddressError, Format, LengthUnit};

/// The Bitcoin Base58 alphabet.
pub(crate) const BITCOIN: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
/// The Ripple Base58 alphabet: the same characters in another order.
pub(crate) const RIPPLE: &[u8; 58] = b"rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz";

/// A character-to-digit table; 0xFF marks characters outside the alphabet.
pub(crate) struct Alphabet {
    pub(crate) chars: &'static [u8; 58],
    pub(crate) digits: [u8; 128],
}

const fn table(chars: &'static [u8; 58]) -> Alphabet {
    let mut digits = [0xFFu8; 128];
    let mut i = 0;
    while i < 58 {
        digits[chars[i] as usize] = i as u8;
        i += 1;
    }
    Alphabet { chars, digits }
}

pub(crate) static BITCOIN_ALPHABET: Alphabet = table(BITCOIN);
pub(crate) static RIPPLE_ALPHABET: Alphabet = table(RIPPLE);

/// The longest input the limb decoder accepts; 44 characters always fit in 33 bytes.
pub(crate) const MAX_CHARS: usize = 44;
/// Ten 32-bit limbs hold 320 bits, more than 58^44 needs.
const LIMBS: usize = 10;
/// The largest decoded size: 33 bytes for a 44-character input.
pub(crate) const MAX_BYTES: usize = 40;

/// Decodes `s` into `out`, returning the number of bytes written.
///
/// `format` only labels errors. Inputs longer than [`MAX_CHARS`] are rejected by the caller.
pub(crate) fn decode(
    s: &[u8],
    alphabet: &Alphabet,
    format: Format,
    out: &mut [u8; MAX_BYTES],
) -> Result<usize, AddressError> {
    debug_assert!(s.len() <= MAX_CHARS);
    let zero = alphabet.chars[0];
    let zeros = s.iter().take_while(|&&c| c == zero).count();
    // Limbs are little-endian (limbs[0] is least significant); `used` bounds the work per digit.
    let mut limbs = [0u32; LIMBS];
    let mut used = 0usize;
    let rest = &s[zeros..];
    // Five digits fit in one u32 multiplier (58^5 < 2^32), so we fold them first and touch the
    // limbs once per group instead of once per digit.
    let mut i = 0;
    while i < rest.len() {
        let end = (i + 5).min(rest.len());
        let mut acc: u64 = 0;
        let mut mul: u64 = 1;
        for (k, &c) in rest[i..end].iter().enumerate() {
            let d = if c < 128 {
                alphabet.digits[c as usize]
            } else {
                0xFF
            };
            if d == 0xFF {
                return Err(bad_char(s, zeros + i + k, format));
            }
            acc = acc * 58 + d as u64;
            mul *= 58;
        }
        let mut carry = acc;
        for limb in limbs.iter_mut().take(used) {
            let x = (*limb as u64) * mul + carry;
            *limb = x as u32;
            carry = x >> 32;
        }
        while carry != 0 {
            if used == LIMBS {
                return Err(AddressError::WrongLength {
                    format,
                    found: s.len(),
                    unit: LengthUnit::Chars,
                    expected: "at most 44",
                });
            }
            limbs[used] = carry as u32;
            carry >>= 32;
            used += 1;
        }
        i = end;
    }
    // Write the number big-endian without leading zero bytes, after the explicit zero bytes.
    let mut be = [0u8; LIMBS * 4];
    for (j, limb) in limbs.iter().enumerate() {
        let at = (LIMBS - 1 - j) * 4;
        be[at..at + 4].copy_from_slice(&limb.to_be_bytes());
    }
    let first = be.iter().position(|&b| b != 0).unwrap_or(be.len());
    let m = be.len() - first;
    let total = zeros + m;
    if total > MAX_BYTES {
        return Err(AddressError::WrongLength {
            format,
            found: total,
            unit: LengthUnit::Bytes,
            expected: "at most 40",
        });
    }
    out[..zeros].fill(0);
    out[zeros..total].copy_from_slice(&be[first..]);
    Ok(total)
}

/// Builds a bad-character error for position `pos`, naming the full character even if non-ASCII.
pub(crate) fn bad_char(s: &[u8], pos: usize, format: Format) -> AddressError {
    // The slice can only start inside a multi-byte character if an earlier byte was non-ASCII,
    // which would have been reported first; the raw byte is a safe fallback all the same.
    let ch = std::str::from_utf8(&s[pos..])
        .ok()
        .and_then(|t| t.chars().next())
        .unwrap_or(s[pos] as char);
    AddressError::BadChar { pos, ch, format }
}

/// Encodes `bytes` (at most [`MAX_BYTES`]) into `out`, returning the number of characters.
pub(crate) fn encode(bytes: &[u8], alphabet: &Alphabet, out: &mut [u8; 64]) -> usize {
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    // Digits are accumulated little-endian, then reversed.
    let mut digits = [0u8; 64];
    let mut len = 0usize;
    for &b in &bytes[zeros..] {
        let mut carry = b as u32;
        for d in digits.iter_mut().take(len) {
            carry += (*d as u32) << 8;
            *d = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits[len] = (carry % 58) as u8;
            len += 1;
            carry /= 58;
        }
    }
    let total = zeros + len;
    out[..zeros].fill(alphabet.chars[0]);
    for k in 0..len {
        out[zeros + k] = alphabet.chars[digits[len - 1 - k] as usize];
    }
    total
}

/// The first four bytes of SHA-256(SHA-256(data)), the Base58Check checksum.
pub(crate) fn checksum(data: &[u8]) -> [u8; 4] {
    let first = Sha256::digest(data);
    let second = Sha256::digest(first);
    [second[0], second[1], second[2], second[3]]
}

/// Whether the last four bytes of `decoded` are the checksum of the rest.
pub(crate) fn check_ok(decoded: &[u8]) -> bool {
    let (body, sum) = decoded.split_at(decoded.len() - 4);
    checksum(body) == sum
}

/// Encodes `body` followed by its checksum (Base58Check) into `out`.
pub(crate) fn encode_check(body: &[u8], alphabet: &Alphabet, out: &mut [u8; 64]) -> usize {
    let mut buf = [0u8; MAX_BYTES];
    buf[..body.len()].copy_from_slice(body);
    buf[body.len()..body.len() + 4].copy_from_slice(&checksum(body));
    encode(&buf[..body.len() + 4], alphabet, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dec(s: &str, alphabet: &Alphabet) -> Result<Vec<u8>, AddressError> {
        let mut out = [0u8; MAX_BYTES];
        decode(s.as_bytes(), alphabet, Format::Base58, &mut out).map(|n| out[..n].to_vec())
    }

    fn enc(b: &[u8], alphabet: &Alphabet) -> String {
        let mut out = [0u8; 64];
        let n = encode(b, alphabet, &mut out);
        String::from_utf8(out[..n].to_vec()).unwrap_or_default()
    }

    #[test]
    fn vectors() {
        check("", Some(vec![]));
        check("1", Some(vec![0]));
        check("11", Some(vec![0, 0]));
        check("2", Some(vec![1]));
        check("z", Some(vec![57]));
        check("21", Some(vec![58]));
        check("5Q", Some(vec![255]));
        check("5R", Some(vec![1, 0]));
        check("0", None);
        check("1O", None);
    }

    fn check(s: &str, expected: Option<Vec<u8>>) {
        assert_eq!(dec(s, &BITCOIN_ALPHABET).ok(), expected, "{s:?}");
    }

    #[test]
    fn bad_char_position() {
        let e = dec("11abc0", &BITCOIN_ALPHABET);
        assert!(
            matches!(
                e,
                Err(AddressError::BadChar {
                    pos: 5,
                    ch: '0',
                    ..
                })
            ),
            "{e:?}"
        );
        let e = dec("abcdefé", &BITCOIN_ALPHABET);
        assert!(
            matches!(
                e,
                Err(AddressError::BadChar {
                    pos: 6,
                    ch: 'é',
                    ..
                })
            ),
            "{e:?}"
        );
    }

    proptest! {
        #[test]
        fn decode_agrees_with_bs58(s in "[1-9A-HJ-NP-Za-km-z]{0,44}") {
            let ours = dec(&s, &BITCOIN_ALPHABET).ok();
            let theirs = bs58::decode(&s).into_vec().ok();
            prop_assert_eq!(ours, theirs);
        }

        #[test]
        fn ripple_decode_agrees_with_bs58(s in "[1-9A-HJ-NP-Za-km-z]{0,44}") {
            let ours = dec(&s, &RIPPLE_ALPHABET).ok();
            let theirs = bs58::decode(&s).with_alphabet(bs58::Alphabet::RIPPLE).into_vec().ok();
            prop_assert_eq!(ours, theirs);
        }

        #[test]
        fn encode_agrees_with_bs58(b in proptest::collection::vec(any::<u8>(), 0..33)) {
            prop_assert_eq!(enc(&b, &BITCOIN_ALPHABET), bs58::encode(&b).into_string());
            prop_assert_eq!(
                enc(&b, &RIPPLE_ALPHABET),
                bs58::encode(&b).with_alphabet(bs58::Alphabet::RIPPLE).into_string()
            );
            let back = dec(&enc(&b, &BITCOIN_ALPHABET), &BITCOIN_ALPHABET).ok();
            prop_assert_eq!(back, Some(b));
        }

        #[test]
        fn encode_check_agrees_with_bs58(b in proptest::collection::vec(any::<u8>(), 1..30)) {
            let mut out = [0u8; 64];
            let n = encode_check(&b, &BITCOIN_ALPHABET, &mut out);
            let ours = String::from_utf8(out[..n].to_vec()).unwrap_or_default();
            prop_assert_eq!(ours, bs58::encode(&b).with_check().into_string());
        }
    }
}
