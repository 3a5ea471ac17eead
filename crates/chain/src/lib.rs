//! Crypto address parsing, validation and canonicalisation for sanctions screening.
//!
//! The crate is pure and deterministic: it takes strings and returns values, with no I/O and no
//! allocation on the parse path (decoders work on stack buffers and the canonical key is stored
//! inline in [`Address`]).
//!
//! # What it does
//!
//! [`parse`] works out the format from the shape of the input (prefix, length, alphabet), checks
//! every rule of that format and returns an [`Address`] with the fields below. It does not trim:
//! surrounding whitespace is reported as a bad character, so callers decide how forgiving to be.
//! Only mainnet addresses are accepted; testnet prefixes are rejected with a hint.
//!
//! - [`Address::chains`]: the candidate chains, several when the spelling is shared (a legacy
//!   `1…` address is valid on BTC, BCH and BSV; an `0x…` address on every EVM chain);
//! - [`Address::canonical`]: the key screening puts in its hash map (see below);
//! - [`Address::payload`]: the decoded hash, program, account id or key material;
//! - [`Address::evm_body`]: the 20-byte body shared by EVM and Tron accounts.
//!
//! [`parse_declared`] also takes the currency code the list files the address under and flags a
//! [`Mismatch`] when the address cannot live on any chain of that currency (OFAC files a Tron
//! address under XBT). A mismatch never rejects the address: the list entry must still be screened.
//!
//! # Canonical key rules
//!
//! Two spellings of one address give the same key and different addresses give different keys:
//!
//! - EVM: `0x` + 40 lower-case hex digits; case never matters for matching, but a mixed-case input
//!   must carry a valid EIP-55 checksum.
//! - Bech32 / bech32m (segwit, Zcash Sapling): the lower-case string.
//! - CashAddr with a 20-byte hash: the legacy Base58Check spelling (`1…` / `3…`), so that a CashAddr
//!   and its legacy form are equal; larger hashes: lower-case `bitcoincash:` form of the non-token
//!   type.
//! - Tron in hex (`41…`): the Base58Check `T…` spelling.
//! - Every other Base58 format (Base58Check, Ripple, Solana, Monero): the input itself, since those
//!   encodings are bijective and the decoder rejects every non-canonical spelling.
//!
//! ```
//! let legacy = chain::parse("1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu")?;
//! let cash = chain::parse("bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a")?;
//! assert_eq!(legacy.canonical(), cash.canonical());
//!
//! let d = chain::parse_declared("TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq", "XBT")?;
//! assert!(d.mismatch.is_some());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod address;
mod base58;
mod bech32;
mod cashaddr;
mod chains;
mod error;
mod monero;

pub use address::{Address, Kind, parse};
pub use chains::{Chain, ChainSet, Currency, Family};
pub use error::{
    AddressError, Bech32Variant, DeclaredError, ErrorKind, Format, LengthUnit, ShortStr,
    UnknownCurrency,
};

use std::fmt;

/// An address parsed together with the currency a list declared for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declared {
    /// The validated address.
    pub address: Address,
    /// The declared currency.
    pub currency: Currency,
    /// The candidate chains narrowed to the declared currency's hosts, or all candidate chains of
    /// the address when they do not overlap (then `mismatch` is set).
    pub chains: ChainSet,
    /// Set when the address cannot live on any chain of the declared currency.
    pub mismatch: Option<Mismatch>,
    /// Set when the string is not an address format at all but is accepted because the list
    /// files it under this currency (OFAC's 64-hex-digit XMR entry); says what it is.
    pub nonstandard: Option<&'static str>,
}

/// A disagreement between a declared currency and the chains an address can belong to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// The currency the list declared.
    pub declared: Currency,
    /// The chains the address shape allows.
    pub detected: ChainSet,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "declared {} (chains {}) but the address is valid on {} only",
            self.declared,
            self.declared.hosts(),
            self.detected
        )
    }
}

/// Parses an address filed under an SDN currency code (`XBT`, `ETH`, `USDT`, …).
///
/// Fails when the code is unknown or the address is invalid; a currency that does not fit the
/// address is reported in [`Declared::mismatch`], not as an error.
pub fn parse_declared(input: &str, currency: &str) -> Result<Declared, DeclaredError> {
    let currency = Currency::from_sdn_code(currency)?;
    Ok(parse_with_currency(input, currency)?)
}

/// Like [`parse_declared`] with an already-resolved [`Currency`].
pub fn parse_with_currency(input: &str, currency: Currency) -> Result<Declared, AddressError> {
    let address = match parse(input) {
        Ok(a) => a,
        Err(e) => {
            return match (currency, address::monero_hex_key(input)) {
                (Currency::Xmr, Some(address)) => Ok(Declared {
                    address,
                    currency,
                    chains: ChainSet::of(&[Chain::Monero]),
                    mismatch: None,
                    nonstandard: Some(
                        "64 hex digits filed under XMR: not a Monero address format (a 32-byte key or hash); accepted as the list publishes it",
                    ),
                }),
                _ => Err(e),
            };
        }
    };
    let detected = address.chains();
    let common = detected.intersection(currency.hosts());
    let (chains, mismatch) = if common.is_empty() {
        (
            detected,
            Some(Mismatch {
                declared: currency,
                detected,
            }),
        )
    } else {
        (common, None)
    };
    Ok(Declared {
        address,
        currency,
        chains,
        mismatch,
        nonstandard: None,
    })
}

#[cfg(test)]
mod tests;
