//! Exact unsigned 256-bit amounts.
//!
//! Token amounts on EVM chains are `uint256`, and a float loses the low digits of a wei amount,
//! so storage and the exact taint models (poison, FIFO, TIHO) work on this type; only shares and
//! the haircut model use `f64`.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An exact unsigned 256-bit integer amount in the asset's base unit (wei, satoshi, …).
///
/// Ordering compares the high half first, so the derived `Ord` is numeric order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Amount {
    hi: u128,
    lo: u128,
}

/// Why a decimal amount was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// The field was empty.
    #[error("empty amount")]
    Empty,
    /// A character other than an ASCII digit; floats and signs are rejected because amounts are exact.
    #[error("amount must be a non-negative decimal integer, found {ch:?} at position {pos}")]
    BadChar {
        /// 0-based byte position of the character.
        pos: usize,
        /// The offending character.
        ch: char,
    },
    /// The value does not fit 256 bits.
    #[error("amount exceeds 2^256 - 1")]
    Overflow,
}

impl Amount {
    /// Zero.
    pub const ZERO: Amount = Amount { hi: 0, lo: 0 };

    /// The amount from its high and low 128-bit halves.
    pub const fn from_parts(hi: u128, lo: u128) -> Amount {
        Amount { hi, lo }
    }

    /// The high 128 bits (zero for every amount that fits `u128`).
    pub const fn hi(self) -> u128 {
        self.hi
    }

    /// The low 128 bits.
    pub const fn lo(self) -> u128 {
        self.lo
    }

    /// Whether the amount is zero.
    pub const fn is_zero(self) -> bool {
        self.hi == 0 && self.lo == 0
    }

    /// Parses an exact decimal integer. Leading zeros are fine; signs, points and exponents are not.
    pub fn parse_decimal(s: &str) -> Result<Amount, AmountError> {
        if s.is_empty() {
            return Err(AmountError::Empty);
        }
        let mut acc = Amount::ZERO;
        // Fast path: up to 38 digits always fit a u128.
        if s.len() <= 38 {
            let mut v: u128 = 0;
            for (pos, b) in s.bytes().enumerate() {
                if !b.is_ascii_digit() {
                    return Err(bad_char(s, pos));
                }
                v = v * 10 + u128::from(b - b'0');
            }
            return Ok(Amount::from(v));
        }
        for (pos, b) in s.bytes().enumerate() {
            if !b.is_ascii_digit() {
                return Err(bad_char(s, pos));
            }
            acc = acc
                .checked_mul_small(10)
                .and_then(|a| a.checked_add(Amount::from(u128::from(b - b'0'))))
                .ok_or(AmountError::Overflow)?;
        }
        Ok(acc)
    }

    /// `self + rhs`, or `None` on overflow.
    pub fn checked_add(self, rhs: Amount) -> Option<Amount> {
        let (lo, carry) = self.lo.overflowing_add(rhs.lo);
        let hi = self
            .hi
            .checked_add(rhs.hi)?
            .checked_add(u128::from(carry))?;
        Some(Amount { hi, lo })
    }

    /// `self + rhs`, clamped at the maximum.
    pub fn saturating_add(self, rhs: Amount) -> Amount {
        self.checked_add(rhs).unwrap_or(Amount {
            hi: u128::MAX,
            lo: u128::MAX,
        })
    }

    /// `self - rhs`, or `None` when `rhs > self`.
    pub fn checked_sub(self, rhs: Amount) -> Option<Amount> {
        let (lo, borrow) = self.lo.overflowing_sub(rhs.lo);
        let hi = self
            .hi
            .checked_sub(rhs.hi)?
            .checked_sub(u128::from(borrow))?;
        Some(Amount { hi, lo })
    }

    /// `self - rhs`, clamped at zero.
    pub fn saturating_sub(self, rhs: Amount) -> Amount {
        self.checked_sub(rhs).unwrap_or(Amount::ZERO)
    }

    /// The smaller of two amounts.
    pub fn min(self, rhs: Amount) -> Amount {
        if self <= rhs { self } else { rhs }
    }

    fn checked_mul_small(self, m: u64) -> Option<Amount> {
        let limbs = self.limbs();
        let mut out = [0u64; 4];
        let mut carry: u128 = 0;
        for i in 0..4 {
            let p = u128::from(limbs[i]) * u128::from(m) + carry;
            out[i] = p as u64;
            carry = p >> 64;
        }
        if carry != 0 {
            return None;
        }
        Some(Amount::from_limbs(out))
    }

    fn limbs(self) -> [u64; 4] {
        [
            self.lo as u64,
            (self.lo >> 64) as u64,
            self.hi as u64,
            (self.hi >> 64) as u64,
        ]
    }

    fn from_limbs(l: [u64; 4]) -> Amount {
        Amount {
            lo: u128::from(l[0]) | (u128::from(l[1]) << 64),
            hi: u128::from(l[2]) | (u128::from(l[3]) << 64),
        }
    }

    /// The nearest `f64`, for shares and the haircut model.
    pub fn to_f64(self) -> f64 {
        // 2^128 as f64 is exact; the sum rounds once more than necessary, which is fine for shares.
        (self.hi as f64) * 340_282_366_920_938_463_463_374_607_431_768_211_456.0 + self.lo as f64
    }

    /// The amount as `u128` when it fits.
    pub fn to_u128(self) -> Option<u128> {
        (self.hi == 0).then_some(self.lo)
    }
}

fn bad_char(s: &str, pos: usize) -> AmountError {
    AmountError::BadChar {
        pos,
        ch: s[pos..].chars().next().unwrap_or('?'),
    }
}

impl From<u128> for Amount {
    fn from(v: u128) -> Amount {
        Amount { hi: 0, lo: v }
    }
}

impl From<u64> for Amount {
    fn from(v: u64) -> Amount {
        Amount::from(u128::from(v))
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.hi == 0 {
            return write!(f, "{}", self.lo);
        }
        // Repeated division by 10^19 (fits a u64 limb) gives base-10^19 digits, least significant first.
        const BASE: u64 = 10_000_000_000_000_000_000;
        let mut limbs = self.limbs();
        let mut parts = Vec::new();
        while limbs.iter().any(|&l| l != 0) {
            let mut rem: u128 = 0;
            for i in (0..4).rev() {
                let cur = (rem << 64) | u128::from(limbs[i]);
                limbs[i] = (cur / u128::from(BASE)) as u64;
                rem = cur % u128::from(BASE);
            }
            parts.push(rem as u64);
        }
        let mut s = String::new();
        for (i, p) in parts.iter().rev().enumerate() {
            if i == 0 {
                s.push_str(&p.to_string());
            } else {
                s.push_str(&format!("{p:019}"));
            }
        }
        f.write_str(&s)
    }
}

impl PartialEq<u128> for Amount {
    fn eq(&self, other: &u128) -> bool {
        self.hi == 0 && self.lo == *other
    }
}

impl PartialOrd<u128> for Amount {
    fn partial_cmp(&self, other: &u128) -> Option<Ordering> {
        Some(self.cmp(&Amount::from(*other)))
    }
}

/// Amounts serialise as decimal strings, so JSON consumers never round them through a double.
impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Amount, D::Error> {
        let s = String::deserialize(d)?;
        Amount::parse_decimal(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<&str, AmountError>) {
        let got = Amount::parse_decimal(input).map(|a| a.to_string());
        assert_eq!(got, expected.map(str::to_owned), "input {input:?}");
    }

    #[test]
    fn parses_and_prints() {
        let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
        check("0", Ok("0"));
        check("000123", Ok("123"));
        check("1000000000000000000", Ok("1000000000000000000"));
        check(
            "340282366920938463463374607431768211455",
            Ok("340282366920938463463374607431768211455"),
        );
        check(
            "340282366920938463463374607431768211456",
            Ok("340282366920938463463374607431768211456"),
        );
        check(max, Ok(max));
        check(
            "115792089237316195423570985008687907853269984665640564039457584007913129639936",
            Err(AmountError::Overflow),
        );
        check("", Err(AmountError::Empty));
        check("1.5e18", Err(AmountError::BadChar { pos: 1, ch: '.' }));
        check("-1", Err(AmountError::BadChar { pos: 0, ch: '-' }));
    }

    #[test]
    fn arithmetic_carries_between_halves() {
        let a = Amount::from(u128::MAX);
        let b = a.checked_add(Amount::from(1u128)).unwrap();
        assert_eq!(b, Amount::from_parts(1, 0));
        assert_eq!(b.checked_sub(Amount::from(1u128)), Some(a));
        assert_eq!(Amount::from(1u128).checked_sub(b), None);
        assert!(b > a);
        assert_eq!(
            Amount::from(5u128).saturating_sub(Amount::from(7u128)),
            Amount::ZERO
        );
    }

    proptest::proptest! {
        #[test]
        fn round_trips_decimal(hi in proptest::num::u128::ANY, lo in proptest::num::u128::ANY) {
            let a = Amount::from_parts(hi, lo);
            proptest::prop_assert_eq!(Amount::parse_decimal(&a.to_string()), Ok(a));
        }
    }
}
