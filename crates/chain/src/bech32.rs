//! Allocation-free bech32 / bech32m decoding (BIP-173, BIP-350) with precise errors.
//!
//! We decode ourselves rather than through the `bech32` crate because its errors do not carry the
//! position of a bad character, and because this path avoids a heap-allocated witness program.
//! The `bech32` crate remains the test oracle.

use crate::error::{AddressError, Bech32Variant, Format, LengthUnit};

/// The bech32 data alphabet; CashAddr uses the same one.
pub(crate) const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// Maps an ASCII byte (either case) to its 5-bit value, or 0xFF.
pub(crate) static CHARSET_REV: [u8; 128] = {
    let mut t = [0xFFu8; 128];
    let mut i = 0;
    while i < 32 {
        let c = CHARSET[i];
        t[c as usize] = i as u8;
        t[c.to_ascii_uppercase() as usize] = i as u8;
        i += 1;
    }
    t
};

const BECH32M_CONST: u32 = 0x2bc8_30a3;
/// BIP-173 limits a whole bech32 string to 90 characters.
const MAX_LEN: usize = 90;

fn polymod_step(chk: u32, v: u8) -> u32 {
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let b = chk >> 25;
    let mut chk = ((chk & 0x01ff_ffff) << 5) ^ v as u32;
    for (i, g) in GEN.iter().enumerate() {
        if (b >> i) & 1 == 1 {
            chk ^= g;
        }
    }
    chk
}

/// A decoded bech32 string: the lower-cased hrp length and the 5-bit data values (checksum
/// excluded), stored inline.
pub(crate) struct Decoded {
    pub(crate) hrp_len: usize,
    pub(crate) data: [u8; MAX_LEN],
    pub(crate) data_len: usize,
    pub(crate) variant: Bech32Variant,
}

impl Decoded {
    pub(crate) fn data(&self) -> &[u8] {
        &self.data[..self.data_len]
    }
}

/// Checks case, characters, separator and checksum of a bech32 string.
pub(crate) fn decode(s: &[u8]) -> Result<Decoded, AddressError> {
    if s.len() > MAX_LEN {
        return Err(AddressError::WrongLength {
            format: Format::Bech32,
            found: s.len(),
            unit: LengthUnit::Chars,
            expected: "at most 90",
        });
    }
    // Every character must be printable ASCII, and letters must not mix case.
    let mut case: Option<bool> = None;
    for (pos, &c) in s.iter().enumerate() {
        if !(33..=126).contains(&c) {
            return Err(crate::base58::bad_char(s, pos, Format::Bech32));
        }
        if c.is_ascii_alphabetic() {
            let upper = c.is_ascii_uppercase();
            match case {
                None => case = Some(upper),
                Some(u) if u != upper => {
                    return Err(AddressError::MixedCase {
                        pos,
                        format: Format::Bech32,
                    });
                }
                _ => {}
            }
        }
    }
    let sep = match s.iter().rposition(|&c| c == b'1') {
        Some(p) => p,
        None => {
            return Err(AddressError::UnrecognisedFormat {
                hint: "bech32 separator '1' missing",
            });
        }
    };
    if sep == 0 {
        return Err(AddressError::UnknownPrefix {
            prefix: crate::error::ShortStr::lowercase_ascii(b""),
            hint: Some("empty human-readable part"),
        });
    }
    if s.len() - sep - 1 < 6 {
        return Err(AddressError::WrongLength {
            format: Format::Bech32,
            found: s.len() - sep - 1,
            unit: LengthUnit::Chars,
            expected: "at least 6 after the separator (the checksum)",
        });
    }
    let hrp = &s[..sep];
    let mut chk = 1u32;
    for &c in hrp {
        chk = polymod_step(chk, c.to_ascii_lowercase() >> 5);
    }
    chk = polymod_step(chk, 0);
    for &c in hrp {
        chk = polymod_step(chk, c.to_ascii_lowercase() & 31);
    }
    let mut out = Decoded {
        hrp_len: sep,
        data: [0u8; MAX_LEN],
        data_len: 0,
        variant: Bech32Variant::Bech32,
    };
    let data_part = &s[sep + 1..];
    for (k, &c) in data_part.iter().enumerate() {
        let v = CHARSET_REV[c as usize];
        if v == 0xFF {
            return Err(crate::base58::bad_char(s, sep + 1 + k, Format::Bech32));
        }
        chk = polymod_step(chk, v);
        out.data[k] = v;
    }
    out.variant = match chk {
        1 => Bech32Variant::Bech32,
        BECH32M_CONST => Bech32Variant::Bech32m,
        _ => {
            return Err(AddressError::BadChecksum {
                format: Format::Bech32,
            });
        }
    };
    out.data_len = data_part.len() - 6;
    Ok(out)
}

/// Regroups 5-bit values into bytes without padding, as BIP-173 requires for witness programs.
///
/// At most four leftover bits are allowed and they must be zero.
pub(crate) fn from_5bit(
    data: &[u8],
    out: &mut [u8],
    format: Format,
) -> Result<usize, AddressError> {
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut n = 0usize;
    for &v in data {
        acc = (acc << 5) | v as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            if n == out.len() {
                return Err(AddressError::WrongLength {
                    format,
                    found: data.len() * 5 / 8,
                    unit: LengthUnit::Bytes,
                    expected: "fewer",
                });
            }
            out[n] = (acc >> bits) as u8;
            n += 1;
        }
        acc &= (1 << bits) - 1;
    }
    if bits >= 5 || acc != 0 {
        return Err(AddressError::InvalidPadding { format });
    }
    Ok(n)
}

/// A decoded segwit address.
pub(crate) struct Segwit {
    pub(crate) hrp_len: usize,
    pub(crate) version: u8,
    pub(crate) program: [u8; 40],
    pub(crate) program_len: usize,
}

/// Decodes a segwit address with any hrp and applies the BIP-173/BIP-350 rules.
pub(crate) fn decode_segwit(s: &[u8]) -> Result<Segwit, AddressError> {
    let d = decode(s)?;
    let data = d.data();
    let Some((&version, rest)) = data.split_first() else {
        return Err(AddressError::WrongLength {
            format: Format::Bech32,
            found: 0,
            unit: LengthUnit::Chars,
            expected: "a witness version and program before the checksum",
        });
    };
    if version > 16 {
        return Err(AddressError::InvalidWitnessVersion { version });
    }
    // A 40-byte program is 64 five-bit groups; anything longer is rejected before regrouping.
    if rest.len() > 64 {
        return Err(AddressError::InvalidProgramLength {
            version,
            len: rest.len() * 5 / 8,
        });
    }
    let mut program = [0u8; 40];
    let len = from_5bit(rest, &mut program, Format::Bech32)?;
    if !(2..=40).contains(&len) || (version == 0 && len != 20 && len != 32) {
        return Err(AddressError::InvalidProgramLength { version, len });
    }
    let expected = if version == 0 {
        Bech32Variant::Bech32
    } else {
        Bech32Variant::Bech32m
    };
    if d.variant != expected {
        return Err(AddressError::WrongBech32Variant {
            version,
            found: d.variant,
            expected,
        });
    }
    Ok(Segwit {
        hrp_len: d.hrp_len,
        version,
        program,
        program_len: len,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use proptest::prelude::*;

    /// BIP-173 and BIP-350 generic strings (any hrp): `Ok(variant)` or the error kind.
    #[test]
    fn generic_vectors() {
        use Bech32Variant::*;
        check("A12UEL5L", Ok(Bech32));
        check("a12uel5l", Ok(Bech32));
        check(
            "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
            Ok(Bech32),
        );
        check("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", Ok(Bech32));
        check(&format!("11{}c8247j", "q".repeat(82)), Ok(Bech32));
        check(
            "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
            Ok(Bech32),
        );
        check("?1ezyfcl", Ok(Bech32));
        check("A1LQFN3A", Ok(Bech32m));
        check("a1lqfn3a", Ok(Bech32m));
        check("abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx", Ok(Bech32m));
        check(
            "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
            Ok(Bech32m),
        );
        check("?1v759aa", Ok(Bech32m));
        // Invalid strings from the BIP texts.
        check("\u{20}1nwldj5", Err(ErrorKind::BadChar));
        check("\u{7f}1axkwrx", Err(ErrorKind::BadChar));
        check("\u{80}1eym55h", Err(ErrorKind::BadChar));
        check(
            "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
            Err(ErrorKind::WrongLength),
        );
        check("pzry9x0s0muk", Err(ErrorKind::UnrecognisedFormat));
        check("1pzry9x0s0muk", Err(ErrorKind::UnknownPrefix));
        check("x1b4n0q5v", Err(ErrorKind::BadChar));
        check("li1dgmt3", Err(ErrorKind::WrongLength));
        check("de1lg7wt\u{ff}", Err(ErrorKind::BadChar));
        check("A1G7SGD8", Err(ErrorKind::BadChecksum));
        check("10a06t8", Err(ErrorKind::UnknownPrefix));
        check("1qzzfhee", Err(ErrorKind::UnknownPrefix));
        check("M1VUXWEZ", Err(ErrorKind::BadChecksum));
        check("16plkw9", Err(ErrorKind::UnknownPrefix));
        check("1p2gdwpf", Err(ErrorKind::UnknownPrefix));
    }

    fn check(s: &str, expected: Result<Bech32Variant, ErrorKind>) {
        let got = decode(s.as_bytes())
            .map(|d| d.variant)
            .map_err(|e| e.kind());
        assert_eq!(got, expected, "{s:?}");
    }

    /// BIP-173 / BIP-350 segwit vectors: program as hex, or the error kind.
    #[test]
    fn segwit_vectors() {
        use ErrorKind::*;
        segwit(
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
            Ok((0, "751e76e8199196d454941c45d1b3a323f1433bd6")),
        );
        segwit(
            "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
            Ok((
                0,
                "1863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262",
            )),
        );
        segwit(
            "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
            Ok((
                1,
                "751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6",
            )),
        );
        segwit("BC1SW50QGDZ25J", Ok((16, "751e")));
        segwit(
            "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
            Ok((2, "751e76e8199196d454941c45d1b3a323")),
        );
        segwit(
            "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
            Ok((
                0,
                "000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
            )),
        );
        segwit(
            "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
            Ok((
                1,
                "000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
            )),
        );
        segwit(
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
            Ok((
                1,
                "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
            )),
        );
        // Invalid addresses (BIP-350 list; hrp checks belong to the caller).
        segwit(
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
            Err(WrongBech32Variant),
        );
        segwit(
            "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
            Err(WrongBech32Variant),
        );
        segwit(
            "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
            Err(WrongBech32Variant),
        );
        segwit(
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
            Err(WrongBech32Variant),
        );
        segwit(
            "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
            Err(WrongBech32Variant),
        );
        segwit(
            "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
            Err(BadChar),
        );
        segwit(
            "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
            Err(InvalidWitnessVersion),
        );
        segwit("bc1pw5dgrnzv", Err(InvalidProgramLength));
        segwit(
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
            Err(InvalidProgramLength),
        );
        segwit(
            "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
            Err(InvalidProgramLength),
        );
        segwit(
            "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
            Err(MixedCase),
        );
        segwit(
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
            Err(InvalidPadding),
        );
        segwit(
            "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",
            Err(InvalidPadding),
        );
        segwit("bc1gmk9yu", Err(WrongLength));
    }

    fn segwit(s: &str, expected: Result<(u8, &str), ErrorKind>) {
        let got = decode_segwit(s.as_bytes())
            .map(|w| (w.version, hex(&w.program[..w.program_len])))
            .map_err(|e| e.kind());
        let expected = expected.map(|(v, h)| (v, h.to_owned()));
        assert_eq!(got, expected, "{s:?}");
        // The bech32 crate must agree on validity.
        let oracle = ::bech32::segwit::decode(s).is_ok();
        assert_eq!(oracle, expected.is_ok(), "oracle disagrees on {s:?}");
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    proptest! {
        /// Random valid segwit addresses encoded by the `bech32` crate decode to the same program.
        #[test]
        fn agrees_with_bech32_crate(version in 0u8..=16, program in proptest::collection::vec(any::<u8>(), 2..=40)) {
            let fe = ::bech32::Fe32::try_from(version).unwrap_or(::bech32::Fe32::Q);
            let hrp = ::bech32::hrp::BC;
            let encoded = ::bech32::segwit::encode(hrp, fe, &program);
            let ours = decode_segwit(encoded.as_deref().unwrap_or("").as_bytes());
            match encoded {
                Ok(s) => {
                    let w = ours.map_err(|e| format!("{s}: {e}"));
                    prop_assert!(w.is_ok(), "{:?}", w.err());
                    if let Ok(w) = w {
                        prop_assert_eq!(w.version, version);
                        prop_assert_eq!(&w.program[..w.program_len], &program[..]);
                    }
                }
                Err(_) => prop_assert!(ours.is_err()),
            }
        }

        /// Mutating one character of a valid address is always detected.
        #[test]
        fn single_substitution_fails(pos in 4usize..42, c in 0usize..32) {
            let s = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
            let mut b = s.as_bytes().to_vec();
            if b[pos] != CHARSET[c] {
                b[pos] = CHARSET[c];
                prop_assert!(decode_segwit(&b).is_err());
            }
        }
    }
}
