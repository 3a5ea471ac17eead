//! Exact unsigned 256-bit amounts and 320-bit sums of them.
//!
//! Token amounts on EVM chains are `uint256`, and a float loses the low digits of a wei amount,
//! so storage works on [`Amount`]. A sum of amounts (a balance, a total received, a merged FIFO
//! lot) can exceed 2^256 − 1, so sums are [`Total`]s: 320 bits, which hold the sum of up to
//! 2^64 amounts (more transfers than an edge id can count), so they never overflow and never
//! clamp. Every taint model computes on these exact integers; only shares (exposure, the
//! product score of paths) use `f64`.

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

    /// The nearest `f64`, for shares and approximate figures.
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
        f.write_str(&limbs_to_decimal(self.limbs().to_vec()))
    }
}

/// The decimal digits of a little-endian `u64`-limb number.
fn limbs_to_decimal(mut limbs: Vec<u64>) -> String {
    // Repeated division by 10^19 (fits a u64 limb) gives base-10^19 digits, least significant first.
    const BASE: u64 = 10_000_000_000_000_000_000;
    let mut parts = Vec::new();
    while limbs.iter().any(|&l| l != 0) {
        let mut rem: u128 = 0;
        for l in limbs.iter_mut().rev() {
            let cur = (rem << 64) | u128::from(*l);
            *l = (cur / u128::from(BASE)) as u64;
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
    if s.is_empty() {
        s.push('0');
    }
    s
}

/// Amounts and sums serialise as decimal strings, so JSON consumers never round them through
/// a double.
macro_rules! decimal_serde {
    ($t:ty) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<$t, D::Error> {
                let s = String::deserialize(d)?;
                <$t>::parse_decimal(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

/// An exact sum of amounts: an unsigned 320-bit integer (five little-endian `u64` limbs).
///
/// A graph has fewer than 2^64 transfers, each below 2^256, so any sum of transfer amounts is
/// below 2^320: additions of sums built from one graph cannot overflow. Serialises as a decimal
/// string, like [`Amount`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Total {
    limbs: [u64; 5],
}

impl Total {
    /// Zero.
    pub const ZERO: Total = Total { limbs: [0; 5] };
    /// The largest value, 2^320 − 1 (a neutral start for minimums).
    pub const MAX: Total = Total {
        limbs: [u64::MAX; 5],
    };

    /// Whether the sum is zero.
    pub fn is_zero(&self) -> bool {
        self.limbs.iter().all(|&l| l == 0)
    }

    /// `self + rhs` (also the `+` operator). Sums of one graph's amounts stay below 2^320 (see
    /// the type docs); should two larger sums ever meet, the result wraps in release builds, so
    /// callers only add sums of transfer amounts.
    #[must_use]
    pub fn plus(self, rhs: Total) -> Total {
        let mut out = [0u64; 5];
        let mut carry = false;
        for (i, o) in out.iter_mut().enumerate() {
            let (a, c1) = self.limbs[i].overflowing_add(rhs.limbs[i]);
            let (b, c2) = a.overflowing_add(u64::from(carry));
            *o = b;
            carry = c1 || c2;
        }
        debug_assert!(!carry, "a sum of transfer amounts exceeded 2^320");
        Total { limbs: out }
    }

    /// `self + rhs` for one amount.
    #[must_use]
    pub fn add_amount(self, rhs: Amount) -> Total {
        self.plus(Total::from(rhs))
    }

    /// `self - rhs`, or `None` when `rhs > self`.
    pub fn checked_sub(self, rhs: Total) -> Option<Total> {
        let mut out = [0u64; 5];
        let mut borrow = false;
        for (i, o) in out.iter_mut().enumerate() {
            let (a, b1) = self.limbs[i].overflowing_sub(rhs.limbs[i]);
            let (b, b2) = a.overflowing_sub(u64::from(borrow));
            *o = b;
            borrow = b1 || b2;
        }
        (!borrow).then_some(Total { limbs: out })
    }

    /// `self - rhs`, or zero when `rhs > self` (used where a shortfall means missing history).
    #[must_use]
    pub fn sub_or_zero(self, rhs: Total) -> Total {
        self.checked_sub(rhs).unwrap_or(Total::ZERO)
    }

    /// The value as an [`Amount`] when it fits 256 bits.
    pub fn to_amount(self) -> Option<Amount> {
        (self.limbs[4] == 0).then(|| {
            Amount::from_limbs([self.limbs[0], self.limbs[1], self.limbs[2], self.limbs[3]])
        })
    }

    /// The value as `u128` when it fits.
    pub fn to_u128(self) -> Option<u128> {
        self.to_amount().and_then(Amount::to_u128)
    }

    /// The nearest `f64` (rounded more than once; for approximate figures only).
    pub fn to_f64(self) -> f64 {
        self.limbs.iter().rev().fold(0.0f64, |acc, &l| {
            acc * 18_446_744_073_709_551_616.0 + l as f64
        })
    }

    /// Parses an exact decimal integer below 2^320.
    pub fn parse_decimal(s: &str) -> Result<Total, AmountError> {
        if s.is_empty() {
            return Err(AmountError::Empty);
        }
        let mut acc = [0u64; 5];
        for (pos, b) in s.bytes().enumerate() {
            if !b.is_ascii_digit() {
                return Err(bad_char(s, pos));
            }
            let mut carry = u128::from(b - b'0');
            for l in acc.iter_mut() {
                let p = u128::from(*l) * 10 + carry;
                *l = p as u64;
                carry = p >> 64;
            }
            if carry != 0 {
                return Err(AmountError::Overflow);
            }
        }
        Ok(Total { limbs: acc })
    }

    /// The little-endian limbs.
    pub fn limbs(&self) -> [u64; 5] {
        self.limbs
    }
}

impl std::ops::Add for Total {
    type Output = Total;

    fn add(self, rhs: Total) -> Total {
        self.plus(rhs)
    }
}

impl From<Amount> for Total {
    fn from(a: Amount) -> Total {
        let l = a.limbs();
        Total {
            limbs: [l[0], l[1], l[2], l[3], 0],
        }
    }
}

impl From<u128> for Total {
    fn from(v: u128) -> Total {
        Total::from(Amount::from(v))
    }
}

impl Ord for Total {
    fn cmp(&self, other: &Total) -> Ordering {
        self.limbs.iter().rev().cmp(other.limbs.iter().rev())
    }
}

impl PartialOrd for Total {
    fn partial_cmp(&self, other: &Total) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Total {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&limbs_to_decimal(self.limbs.to_vec()))
    }
}

decimal_serde!(Total);

/// `floor(x · t / b)` exactly, for the haircut model's share of one transfer.
///
/// Requires `t <= b` (a part of the whole), so the result is at most `x` and fits an
/// [`Amount`] (should the requirement be broken, the result is `x`); returns zero when `b` is
/// zero.
pub fn mul_div_floor(x: Amount, t: Total, b: Total) -> Amount {
    if b.is_zero() || t.is_zero() || x.is_zero() {
        return Amount::ZERO;
    }
    if t == b {
        return x;
    }
    // Fast path: everything in u64, the product in u128.
    let small = |v: &Total| v.limbs[1..].iter().all(|&l| l == 0);
    let xt = Total::from(x);
    if small(&xt) && small(&t) && small(&b) {
        let q = u128::from(xt.limbs[0]) * u128::from(t.limbs[0]) / u128::from(b.limbs[0]);
        return Amount::from(q);
    }
    // The 576-bit product, then long division by the divisor (Knuth's algorithm D).
    let xl = x.limbs();
    let mut prod = [0u64; 9];
    for (i, &xi) in xl.iter().enumerate() {
        let mut carry: u128 = 0;
        for (j, &tj) in t.limbs.iter().enumerate() {
            let cur = u128::from(xi) * u128::from(tj) + u128::from(prod[i + j]) + carry;
            prod[i + j] = cur as u64;
            carry = cur >> 64;
        }
        prod[i + 5] = carry as u64;
    }
    let q = div_limbs(&prod, &b.limbs);
    // The quotient is at most x by the preconditions; anything above 256 bits means they were
    // broken, and x is the documented ceiling.
    if q[4..].iter().any(|&l| l != 0) {
        return x;
    }
    Amount::from_limbs([q[0], q[1], q[2], q[3]])
}

/// The quotient of two little-endian limb numbers (divisor non-zero), by Knuth's algorithm D
/// as written in Hacker's Delight (`divmnu64`).
fn div_limbs(u: &[u64], v: &[u64]) -> Vec<u64> {
    let n = v.iter().rposition(|&l| l != 0).map_or(0, |i| i + 1);
    let m_all = u.iter().rposition(|&l| l != 0).map_or(0, |i| i + 1);
    let mut q = vec![0u64; u.len()];
    if n == 0 || m_all < n {
        return q;
    }
    if n == 1 {
        let d = u128::from(v[0]);
        let mut rem: u128 = 0;
        for j in (0..m_all).rev() {
            let cur = (rem << 64) | u128::from(u[j]);
            q[j] = (cur / d) as u64;
            rem = cur % d;
        }
        return q;
    }
    let s = v[n - 1].leading_zeros();
    let shl = |hi: u64, lo: u64| {
        if s == 0 {
            hi
        } else {
            (hi << s) | (lo >> (64 - s))
        }
    };
    let vn: Vec<u64> = (0..n)
        .map(|i| shl(v[i], if i == 0 { 0 } else { v[i - 1] }))
        .collect();
    let mut un = vec![0u64; m_all + 1];
    un[m_all] = if s == 0 { 0 } else { u[m_all - 1] >> (64 - s) };
    for i in (0..m_all).rev() {
        un[i] = shl(u[i], if i == 0 { 0 } else { u[i - 1] });
    }
    const B: u128 = 1 << 64;
    for j in (0..=m_all - n).rev() {
        let num = (u128::from(un[j + n]) << 64) | u128::from(un[j + n - 1]);
        let mut qhat = num / u128::from(vn[n - 1]);
        let mut rhat = num % u128::from(vn[n - 1]);
        while qhat >= B || qhat * u128::from(vn[n - 2]) > ((rhat << 64) | u128::from(un[j + n - 2]))
        {
            qhat -= 1;
            rhat += u128::from(vn[n - 1]);
            if rhat >= B {
                break;
            }
        }
        // Multiply and subtract.
        let mut k: i128 = 0;
        for i in 0..n {
            let p = qhat * u128::from(vn[i]);
            let t = i128::from(un[i + j]) - k - ((p & 0xffff_ffff_ffff_ffff) as i128);
            un[i + j] = t as u64;
            k = ((p >> 64) as i128) - (t >> 64);
        }
        let t = i128::from(un[j + n]) - k;
        un[j + n] = t as u64;
        q[j] = qhat as u64;
        if t < 0 {
            // Add back: qhat was one too large.
            q[j] = q[j].wrapping_sub(1);
            let mut carry: u128 = 0;
            for i in 0..n {
                let cur = u128::from(un[i + j]) + u128::from(vn[i]) + carry;
                un[i + j] = cur as u64;
                carry = cur >> 64;
            }
            un[j + n] = un[j + n].wrapping_add(carry as u64);
        }
    }
    q
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

decimal_serde!(Amount);

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

    #[test]
    fn totals_carry_past_256_bits() {
        let max = Amount::from_parts(u128::MAX, u128::MAX);
        let two = Total::from(max)
            .add_amount(max)
            .add_amount(Amount::from(1u128));
        assert_eq!(
            two.to_string(),
            "231584178474632390847141970017375815706539969331281128078915168015826259279871"
        );
        assert_eq!(two.to_amount(), None);
        // 2M + 1 − M = M + 1 still needs more than 256 bits; nothing was clamped.
        assert_eq!(
            two.checked_sub(Total::from(max)).map(|t| t.to_amount()),
            Some(None)
        );
        assert_eq!(two.checked_sub(two.add_amount(Amount::from(1u128))), None);
        assert_eq!(Total::parse_decimal(&two.to_string()), Ok(two));
        assert!(two > Total::from(max));
        // The haircut case: (M − 124) · M / M leaves exactly 124 behind.
        let x = max.checked_sub(Amount::from(124u128)).unwrap_or_default();
        assert_eq!(mul_div_floor(x, Total::from(max), Total::from(max)), x);
        assert_eq!(
            mul_div_floor(Amount::from(3u128), Total::from(1u128), Total::from(2u128)),
            Amount::from(1u128)
        );
    }

    proptest::proptest! {
        #[test]
        fn mul_div_agrees_with_big_integers(
            x in (proptest::num::u128::ANY, proptest::num::u128::ANY),
            t in proptest::array::uniform5(proptest::num::u64::ANY),
            extra in proptest::array::uniform5(proptest::num::u64::ANY),
            shift in 0u32..320,
        ) {
            use num_bigint::BigUint;
            let big = |l: &[u64]| BigUint::from_slice(&l.iter().flat_map(|&w| [w as u32, (w >> 32) as u32]).collect::<Vec<_>>());
            let x = Amount::from_parts(x.0.checked_shr(shift % 129).unwrap_or(0), x.1);
            let t_big = big(&t) >> shift;
            let b_big = &t_big + (big(&extra) >> (shift / 2)) + big(&x.limbs());
            let to_total = |v: &BigUint| Total::parse_decimal(&v.to_string()).unwrap_or(Total::MAX);
            let (tt, bt) = (to_total(&t_big), to_total(&b_big));
            proptest::prop_assume!(bt != Total::MAX && !bt.is_zero());
            let want = big(&x.limbs()) * &t_big / &b_big;
            proptest::prop_assert_eq!(mul_div_floor(x, tt, bt).to_string(), want.to_string());
        }

        #[test]
        fn round_trips_decimal(hi in proptest::num::u128::ANY, lo in proptest::num::u128::ANY) {
            let a = Amount::from_parts(hi, lo);
            proptest::prop_assert_eq!(Amount::parse_decimal(&a.to_string()), Ok(a));
        }
    }
}
