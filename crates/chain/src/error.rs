//! Typed reasons why an input is not a valid address.
//!
//! Every rejection names the check that failed, so that a list-ingestion diagnostic or a screening
//! explanation can tell the user exactly what is wrong with the value they supplied.

use std::fmt;

/// The textual encoding an address was written in, used to say which rules an error refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// Base58 with a version prefix and a 4-byte double-SHA-256 checksum (Bitcoin alphabet).
    Base58Check,
    /// Base58Check over the Ripple alphabet (XRP Ledger classic addresses).
    RippleBase58Check,
    /// Plain Base58 without checksum (Solana public keys).
    Base58,
    /// Monero's block-wise Base58 with a Keccak-256 checksum.
    MoneroBase58,
    /// BIP-173 / BIP-350 bech32 or bech32m (segwit, Zcash Sapling).
    Bech32,
    /// Bitcoin Cash CashAddr (40-bit BCH-code checksum).
    CashAddr,
    /// `0x` followed by 40 hexadecimal digits (EVM accounts, EIP-55 checksum when mixed case).
    EvmHex,
    /// `41` followed by 40 hexadecimal digits (the hexadecimal spelling of a Tron account).
    TronHex,
}

impl Format {
    /// A short human name for the format, used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Base58Check => "Base58Check",
            Format::RippleBase58Check => "Ripple Base58Check",
            Format::Base58 => "Base58",
            Format::MoneroBase58 => "Monero Base58",
            Format::Bech32 => "bech32",
            Format::CashAddr => "CashAddr",
            Format::EvmHex => "EVM hex",
            Format::TronHex => "Tron hex",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The two checksum constants of the bech32 family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bech32Variant {
    /// BIP-173 bech32 (checksum constant 1), required for witness version 0 and Zcash Sapling.
    Bech32,
    /// BIP-350 bech32m (checksum constant 0x2bc830a3), required for witness versions 1 to 16.
    Bech32m,
}

impl fmt::Display for Bech32Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bech32Variant::Bech32 => "bech32",
            Bech32Variant::Bech32m => "bech32m",
        })
    }
}

/// What a length is counted in, so a length error reads naturally.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LengthUnit {
    /// Characters of the input.
    Chars,
    /// Hexadecimal digits after a `0x` or `41` prefix.
    HexDigits,
    /// Bytes after decoding the text.
    Bytes,
}

impl fmt::Display for LengthUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LengthUnit::Chars => "characters",
            LengthUnit::HexDigits => "hex digits",
            LengthUnit::Bytes => "bytes",
        })
    }
}

/// Why an input was rejected as an address.
///
/// Positions are 0-based byte offsets into the input; because the first non-ASCII character is
/// itself reported, every position is also a character index.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// The input was empty.
    #[error("empty input")]
    Empty,
    /// A character is outside the alphabet of the detected format.
    #[error("bad character {ch:?} at position {pos}: not in the {format} alphabet")]
    BadChar {
        /// Byte offset of the character.
        pos: usize,
        /// The offending character.
        ch: char,
        /// The format whose alphabet was expected.
        format: Format,
    },
    /// The input, or what it decodes to, has a length the format does not allow.
    #[error("wrong length for {format}: {found} {unit}, expected {expected}")]
    WrongLength {
        /// The format whose length rule failed.
        format: Format,
        /// The length found.
        found: usize,
        /// The unit of `found` and `expected`.
        unit: LengthUnit,
        /// The allowed length(s), as text.
        expected: &'static str,
    },
    /// The checksum embedded in the address does not match its contents.
    #[error("bad {format} checksum")]
    BadChecksum {
        /// The format whose checksum failed.
        format: Format,
    },
    /// The checksum is valid but the version (network) prefix is not one we know.
    #[error("unknown {format} version 0x{version:02x}")]
    UnknownVersion {
        /// The format the version belongs to.
        format: Format,
        /// The version bytes, big-endian (two bytes for Zcash transparent addresses).
        version: u32,
    },
    /// A mixed-case EVM address whose letter case does not follow its EIP-55 checksum.
    #[error(
        "EIP-55 checksum mismatch at position {pos}: {found:?} should be {expected:?} (all-lowercase input skips the check)"
    )]
    Eip55Mismatch {
        /// Byte offset of the first letter with the wrong case.
        pos: usize,
        /// The letter as written.
        found: char,
        /// The letter as the checksum requires it.
        expected: char,
    },
    /// Upper- and lower-case letters are mixed where the format requires one case.
    #[error("mixed case in {format} at position {pos}")]
    MixedCase {
        /// Byte offset of the first letter whose case differs from the first letter.
        pos: usize,
        /// The format that forbids mixed case.
        format: Format,
    },
    /// A bech32 checksum verified under the wrong constant for the witness version.
    #[error("{found} used for witness version {version}, which requires {expected}")]
    WrongBech32Variant {
        /// The witness version.
        version: u8,
        /// The variant the checksum verified under.
        found: Bech32Variant,
        /// The variant the version requires.
        expected: Bech32Variant,
    },
    /// The segwit witness version is outside 0..=16 or missing.
    #[error("invalid witness version {version}")]
    InvalidWitnessVersion {
        /// The 5-bit value found where the version belongs.
        version: u8,
    },
    /// The segwit witness program has a length the version does not allow.
    #[error("invalid witness program length {len} for witness version {version}")]
    InvalidProgramLength {
        /// The witness version.
        version: u8,
        /// The program length in bytes.
        len: usize,
    },
    /// Leftover bits after regrouping 5-bit groups into bytes are too many or not zero.
    #[error("invalid padding in {format} data")]
    InvalidPadding {
        /// The format whose data part is badly padded.
        format: Format,
    },
    /// A Monero Base58 block whose digits exceed its byte width, which no encoder produces.
    #[error("Monero Base58 block starting at position {pos} overflows its byte width")]
    BlockOverflow {
        /// Byte offset of the block's first character.
        pos: usize,
    },
    /// A reserved or unsupported CashAddr version byte.
    #[error("invalid CashAddr version byte 0x{version:02x}")]
    InvalidCashAddrVersion {
        /// The version byte.
        version: u8,
    },
    /// A human-readable part or URI prefix that names no supported mainnet.
    #[error("unknown prefix {prefix:?}{}", hint_suffix(hint))]
    UnknownPrefix {
        /// The prefix as written (lower-cased), truncated to 16 characters.
        prefix: ShortStr,
        /// Extra advice, e.g. that the prefix is a testnet one.
        hint: Option<&'static str>,
    },
    /// The input matches no supported address shape.
    #[error("unrecognised address format: {hint}")]
    UnrecognisedFormat {
        /// What the input looks like instead.
        hint: &'static str,
    },
}

fn hint_suffix(hint: &Option<&'static str>) -> String {
    match hint {
        Some(h) => format!(" ({h})"),
        None => String::new(),
    }
}

impl AddressError {
    /// The data-free kind of this error, convenient for assertions and for counting rejections.
    pub fn kind(&self) -> ErrorKind {
        match self {
            AddressError::Empty => ErrorKind::Empty,
            AddressError::BadChar { .. } => ErrorKind::BadChar,
            AddressError::WrongLength { .. } => ErrorKind::WrongLength,
            AddressError::BadChecksum { .. } => ErrorKind::BadChecksum,
            AddressError::UnknownVersion { .. } => ErrorKind::UnknownVersion,
            AddressError::Eip55Mismatch { .. } => ErrorKind::Eip55Mismatch,
            AddressError::MixedCase { .. } => ErrorKind::MixedCase,
            AddressError::WrongBech32Variant { .. } => ErrorKind::WrongBech32Variant,
            AddressError::InvalidWitnessVersion { .. } => ErrorKind::InvalidWitnessVersion,
            AddressError::InvalidProgramLength { .. } => ErrorKind::InvalidProgramLength,
            AddressError::InvalidPadding { .. } => ErrorKind::InvalidPadding,
            AddressError::BlockOverflow { .. } => ErrorKind::BlockOverflow,
            AddressError::InvalidCashAddrVersion { .. } => ErrorKind::InvalidCashAddrVersion,
            AddressError::UnknownPrefix { .. } => ErrorKind::UnknownPrefix,
            AddressError::UnrecognisedFormat { .. } => ErrorKind::UnrecognisedFormat,
        }
    }
}

/// The variant of an [`AddressError`] without its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)] // Each variant mirrors the documented `AddressError` variant of the same name.
pub enum ErrorKind {
    Empty,
    BadChar,
    WrongLength,
    BadChecksum,
    UnknownVersion,
    Eip55Mismatch,
    MixedCase,
    WrongBech32Variant,
    InvalidWitnessVersion,
    InvalidProgramLength,
    InvalidPadding,
    BlockOverflow,
    InvalidCashAddrVersion,
    UnknownPrefix,
    UnrecognisedFormat,
}

/// A short inline string, so that errors carry a prefix without allocating.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ShortStr {
    len: u8,
    buf: [u8; 16],
}

impl ShortStr {
    /// Copies up to 16 bytes of an ASCII string, lower-cased, cutting longer input.
    pub(crate) fn lowercase_ascii(s: &[u8]) -> Self {
        let mut buf = [0u8; 16];
        let n = s.len().min(16);
        for (dst, src) in buf.iter_mut().zip(&s[..n]) {
            // Non-ASCII bytes never reach here, but mapping them keeps the buffer valid UTF-8.
            *dst = if src.is_ascii() {
                src.to_ascii_lowercase()
            } else {
                b'?'
            };
        }
        ShortStr { len: n as u8, buf }
    }

    /// The stored text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len as usize]).unwrap_or("?")
    }
}

impl fmt::Debug for ShortStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for ShortStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of [`crate::parse_declared`]: either the currency code or the address is unusable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeclaredError {
    /// The declared currency code is not one of the SDN digital-currency codes.
    #[error(transparent)]
    UnknownCurrency(#[from] UnknownCurrency),
    /// The address itself is invalid.
    #[error(transparent)]
    Address(#[from] AddressError),
}

/// A currency code that is not one of the OFAC SDN digital-currency codes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown digital-currency code {code:?}; expected one of the OFAC SDN codes such as XBT, ETH, USDT"
)]
pub struct UnknownCurrency {
    /// The code as given, truncated to 16 characters.
    pub code: String,
}
