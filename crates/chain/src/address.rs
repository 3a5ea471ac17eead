//! The [`Address`] type and the shape-driven parser behind [`crate::parse`].

use std::fmt;
use std::hash::{Hash, Hasher};

use sha3::{Digest, Keccak256};

use crate::base58::{self, BITCOIN_ALPHABET, MAX_BYTES, RIPPLE_ALPHABET};
use crate::bech32;
use crate::cashaddr::{self, CashType};
use crate::chains::{Chain, ChainSet, Family};
use crate::error::{AddressError, Format, LengthUnit, ShortStr};
use crate::monero::{self, MoneroKind};

/// What an address pays to, independent of its chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Pay to public-key hash (Base58 `1…`, `L…`, `X…`, `t1…`, CashAddr `q…`).
    P2pkh,
    /// Pay to script hash (Base58 `3…`, `M…`, `7…`, `t3…`, CashAddr `p…`).
    P2sh,
    /// Segwit v0 with a 20-byte program.
    P2wpkh,
    /// Segwit v0 with a 32-byte program.
    P2wsh,
    /// Segwit v1 with a 32-byte program (taproot).
    P2tr,
    /// Any other valid segwit program (v1 with another length, or v2 to v16).
    WitnessUnknown {
        /// The witness version.
        version: u8,
    },
    /// A 20-byte EVM account.
    EvmAccount,
    /// A Tron account (0x41 + 20-byte body).
    TronAccount,
    /// An XRP Ledger classic account.
    XrpAccount,
    /// A Solana ed25519 public key.
    SolanaAccount,
    /// A Monero standard address (spend and view keys).
    MoneroStandard,
    /// A Monero subaddress.
    MoneroSubaddress,
    /// A Monero integrated address (keys plus an 8-byte payment id).
    MoneroIntegrated,
    /// A Zcash Sapling shielded address.
    ZcashSapling,
    /// 64 hex digits filed under XMR by a list: not a Monero address format (a 32-byte key or
    /// hash), accepted only through a declared XMR currency so that the list entry is screened.
    MoneroHexKey,
}

/// The longest canonical key: a 106-character Monero integrated address.
const KEY_CAP: usize = 128;
/// The longest payload: Monero integrated keys (32 + 32 + 8 bytes).
const PAYLOAD_CAP: usize = 72;

/// A validated address with its canonical screening key.
///
/// Equality and hashing use only [`Address::canonical`], so two spellings of one address (a
/// CashAddr and its legacy form, or EVM addresses in different letter case) are equal.
#[derive(Clone)]
pub struct Address {
    family: Family,
    kind: Kind,
    format: Format,
    chains: ChainSet,
    version: u32,
    payload_len: u8,
    payload: [u8; PAYLOAD_CAP],
    key_len: u8,
    key: [u8; KEY_CAP],
}

impl Address {
    fn new(
        family: Family,
        kind: Kind,
        format: Format,
        chains: ChainSet,
        version: u32,
        payload: &[u8],
    ) -> Self {
        let mut a = Address {
            family,
            kind,
            format,
            chains,
            version,
            payload_len: payload.len() as u8,
            payload: [0u8; PAYLOAD_CAP],
            key_len: 0,
            key: [0u8; KEY_CAP],
        };
        a.payload[..payload.len()].copy_from_slice(payload);
        a
    }

    fn with_key(mut self, key: &[u8]) -> Self {
        self.key[..key.len()].copy_from_slice(key);
        self.key_len = key.len() as u8;
        self
    }

    fn with_lowercase_key(mut self, key: &[u8]) -> Self {
        for (d, s) in self.key.iter_mut().zip(key) {
            *d = s.to_ascii_lowercase();
        }
        self.key_len = key.len() as u8;
        self
    }

    /// The canonical key: the string screening uses for exact-match lookups.
    ///
    /// See the crate documentation for the rules; in short it is the address re-spelt in one
    /// preferred form (lower-case for hex and bech32, legacy Base58 for 20-byte CashAddr, `T…`
    /// for Tron hex) and otherwise the input itself.
    pub fn canonical(&self) -> &str {
        // The key is built only from ASCII, so this never falls back.
        std::str::from_utf8(&self.key[..self.key_len as usize]).unwrap_or("")
    }

    /// The address family, i.e. the encoding family the canonical key belongs to.
    pub fn family(&self) -> Family {
        self.family
    }

    /// What the address pays to.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The encoding the input was written in.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The chains on which this spelling is a valid address (several when the format is shared).
    pub fn chains(&self) -> ChainSet {
        self.chains
    }

    /// The version prefix: the Base58Check version byte (two bytes for Zcash transparent), the
    /// segwit witness version, the CashAddr version byte, or the Monero network byte; 0 for EVM and
    /// Solana, which have none.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The decoded body without version and checksum: a hash, witness program, account id or key
    /// material, depending on [`Address::kind`].
    pub fn payload(&self) -> &[u8] {
        &self.payload[..self.payload_len as usize]
    }

    /// The 20-byte account body shared by EVM and Tron addresses, so a Tron address can be joined
    /// with the EVM address derived from the same key; `None` for other families.
    pub fn evm_body(&self) -> Option<[u8; 20]> {
        match self.family {
            Family::Evm | Family::Tron => self.payload().try_into().ok(),
            _ => None,
        }
    }

    /// The EIP-55 mixed-case spelling of an EVM address, for display; `None` for other families.
    pub fn eip55(&self) -> Option<String> {
        let body = match self.family {
            Family::Evm => self.evm_body()?,
            _ => return None,
        };
        let mut lower = [0u8; 40];
        hex_lower(&body, &mut lower);
        let hash = Keccak256::digest(lower);
        let mut s = String::with_capacity(42);
        s.push_str("0x");
        for (i, &c) in lower.iter().enumerate() {
            let nibble = (hash[i / 2] >> (if i % 2 == 0 { 4 } else { 0 })) & 0x0f;
            s.push(if nibble >= 8 {
                c.to_ascii_uppercase()
            } else {
                c
            } as char);
        }
        Some(s)
    }
}

impl PartialEq for Address {
    fn eq(&self, other: &Self) -> bool {
        self.canonical() == other.canonical()
    }
}

impl Eq for Address {}

impl Hash for Address {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.canonical().hash(state);
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Address")
            .field("canonical", &self.canonical())
            .field("family", &self.family)
            .field("kind", &self.kind)
            .field("format", &self.format)
            .field("chains", &self.chains)
            .finish()
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.canonical())
    }
}

impl std::str::FromStr for Address {
    type Err = AddressError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

fn hex_lower(bytes: &[u8], out: &mut [u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in bytes.iter().enumerate() {
        out[2 * i] = HEX[(b >> 4) as usize];
        out[2 * i + 1] = HEX[(b & 0x0f) as usize];
    }
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes 40 hex digits starting at `offset` into 20 bytes.
fn decode_hex20(s: &[u8], offset: usize, format: Format) -> Result<[u8; 20], AddressError> {
    let mut out = [0u8; 20];
    for (i, pair) in s[offset..offset + 40].chunks_exact(2).enumerate() {
        let hi = hex_val(pair[0]).ok_or_else(|| base58::bad_char(s, offset + 2 * i, format))?;
        let lo = hex_val(pair[1]).ok_or_else(|| base58::bad_char(s, offset + 2 * i + 1, format))?;
        out[i] = (hi << 4) | lo;
    }
    Ok(out)
}

/// Parses, validates and canonicalises one address; see the crate documentation for the rules.
pub fn parse(input: &str) -> Result<Address, AddressError> {
    let s = input.as_bytes();
    if s.is_empty() {
        return Err(AddressError::Empty);
    }
    // Non-ASCII can never be part of an address; reporting it first keeps later positions
    // equal to character indexes.
    if let Some(pos) = s.iter().position(|b| !b.is_ascii()) {
        return Err(base58::bad_char(s, pos, Format::Base58));
    }
    if s.len() >= 2 && s[0] == b'0' && (s[1] == b'x' || s[1] == b'X') {
        return parse_evm(s);
    }
    if s.contains(&b':') {
        return parse_cashaddr(s);
    }
    if let Some(r) = try_bech32(s) {
        return r;
    }
    let first = s[0];
    if matches!(first, b'q' | b'p' | b'Q' | b'P') && (s.len() == 42 || s.len() == 61) {
        return parse_cashaddr(s);
    }
    if s.iter().all(u8::is_ascii_hexdigit) {
        if s.len() == 42 && s.starts_with(b"41") {
            return parse_tron_hex(s);
        }
        // Long hex strings contain '0', which Base58 lacks, so they would otherwise be reported
        // as a bad Base58 character; say what they look like instead.
        if s.len() == 40 {
            return Err(AddressError::UnrecognisedFormat {
                hint: "40 hex digits without 0x prefix (an EVM address needs 0x)",
            });
        }
        if s.len() == 64 {
            return Err(AddressError::UnrecognisedFormat {
                hint: "64 hex digits: a 32-byte hash or key, not an address",
            });
        }
    }
    if s.len() == 95 || s.len() == 106 {
        return parse_monero(s);
    }
    if first == b'r' && (25..=35).contains(&s.len()) {
        return parse_xrp(s);
    }
    parse_base58(s)
}

fn parse_evm(s: &[u8]) -> Result<Address, AddressError> {
    if s.len() != 42 {
        // Report a bad character before a length problem when there is one, since it is usually
        // the more useful message for a pasted value.
        if let Some(pos) = s[2..].iter().position(|c| !c.is_ascii_hexdigit()) {
            return Err(base58::bad_char(s, pos + 2, Format::EvmHex));
        }
        return Err(AddressError::WrongLength {
            format: Format::EvmHex,
            found: s.len() - 2,
            unit: LengthUnit::HexDigits,
            expected: "40",
        });
    }
    let body = decode_hex20(s, 2, Format::EvmHex)?;
    let digits = &s[2..];
    let has_upper = digits.iter().any(u8::is_ascii_uppercase);
    let has_lower = digits.iter().any(u8::is_ascii_lowercase);
    let mut lower = [0u8; 42];
    lower[0] = b'0';
    lower[1] = b'x';
    hex_lower(&body, &mut lower[2..]);
    if has_upper && has_lower {
        // Mixed case is an EIP-55 checksum claim, so it must hold.
        let hash = Keccak256::digest(&lower[2..]);
        for (i, &c) in digits.iter().enumerate() {
            if !c.is_ascii_alphabetic() {
                continue;
            }
            let nibble = (hash[i / 2] >> (if i % 2 == 0 { 4 } else { 0 })) & 0x0f;
            let want_upper = nibble >= 8;
            if c.is_ascii_uppercase() != want_upper {
                let expected = if want_upper {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                };
                return Err(AddressError::Eip55Mismatch {
                    pos: i + 2,
                    found: c as char,
                    expected: expected as char,
                });
            }
        }
    }
    Ok(Address::new(
        Family::Evm,
        Kind::EvmAccount,
        Format::EvmHex,
        ChainSet::EVM,
        0,
        &body,
    )
    .with_key(&lower))
}

fn tron_address(body: &[u8; 20], format: Format) -> Address {
    let mut versioned = [0u8; 21];
    versioned[0] = 0x41;
    versioned[1..].copy_from_slice(body);
    let mut key = [0u8; 64];
    let n = base58::encode_check(&versioned, &BITCOIN_ALPHABET, &mut key);
    Address::new(
        Family::Tron,
        Kind::TronAccount,
        format,
        ChainSet::of(&[Chain::Tron]),
        0x41,
        body,
    )
    .with_key(&key[..n])
}

fn parse_tron_hex(s: &[u8]) -> Result<Address, AddressError> {
    let body = decode_hex20(s, 2, Format::TronHex)?;
    Ok(tron_address(&body, Format::TronHex))
}

fn parse_cashaddr(s: &[u8]) -> Result<Address, AddressError> {
    let c = cashaddr::decode(s)?;
    let hash = &c.hash[..c.hash_len];
    let (kind, legacy_version) = match c.kind {
        CashType::P2pkh => (Kind::P2pkh, 0x00u8),
        CashType::P2sh => (Kind::P2sh, 0x05u8),
    };
    let chains = ChainSet::of(&[Chain::BitcoinCash]);
    let addr = Address::new(
        Family::Bitcoin,
        kind,
        Format::CashAddr,
        chains,
        legacy_version as u32,
        hash,
    );
    if hash.len() == 20 {
        // A 20-byte hash has a legacy spelling; using it as the key makes the CashAddr and the
        // legacy form of one address collide on purpose.
        let mut versioned = [0u8; 21];
        versioned[0] = legacy_version;
        versioned[1..].copy_from_slice(hash);
        let mut key = [0u8; 64];
        let n = base58::encode_check(&versioned, &BITCOIN_ALPHABET, &mut key);
        Ok(addr.with_key(&key[..n]))
    } else {
        let mut key = [0u8; 128];
        let n = cashaddr::encode(c.kind, hash, &mut key);
        Ok(addr.with_key(&key[..n]))
    }
}

/// Recognises the bech32 prefixes we support; `None` means "not a bech32 address of ours".
///
/// Base58 strings can start with `bc1`, `zs1`, `vg1` or `TB1` too (OFAC lists the Tron address
/// `TB1Bcv3x…`), so when the bech32 reading fails we accept a valid Base58 reading instead. When
/// both fail we report the bech32 error, unless the input mixes case with a non-lower-case prefix,
/// which bech32 never allows and which points at a mistyped Base58 address. A mixed-case string
/// whose lower-case spelling is a valid bech32 address is a bech32 address with its case mixed
/// (`BC1qar0…`), and gets the bech32 mixed-case error rather than a Base58 alphabet error.
fn try_bech32(s: &[u8]) -> Option<Result<Address, AddressError>> {
    let r = try_bech32_only(s)?;
    Some(match r {
        Ok(a) => Ok(a),
        Err(e) => match parse_base58(s) {
            Ok(a) => Ok(a),
            Err(b58) => {
                let mixed =
                    s.iter().any(u8::is_ascii_uppercase) && s.iter().any(u8::is_ascii_lowercase);
                if mixed && matches!(try_bech32_only(&s.to_ascii_lowercase()), Some(Ok(_))) {
                    let first_upper = s
                        .iter()
                        .find(|c| c.is_ascii_alphabetic())
                        .is_some_and(u8::is_ascii_uppercase);
                    let pos = s
                        .iter()
                        .position(|c| {
                            c.is_ascii_alphabetic() && c.is_ascii_uppercase() != first_upper
                        })
                        .unwrap_or(0);
                    return Some(Err(AddressError::MixedCase {
                        pos,
                        format: Format::Bech32,
                    }));
                }
                let lower_prefix = s
                    .iter()
                    .take_while(|&&c| c != b'1')
                    .all(|c| !c.is_ascii_uppercase());
                if mixed && !lower_prefix {
                    Err(b58)
                } else {
                    Err(e)
                }
            }
        },
    })
}

fn try_bech32_only(s: &[u8]) -> Option<Result<Address, AddressError>> {
    let sep = s.iter().rposition(|&c| c == b'1')?;
    let hrp = &s[..sep];
    let lower = |h: &[u8]| hrp.eq_ignore_ascii_case(h);
    let (family, chains): (Family, ChainSet) = if lower(b"bc") {
        (Family::Bitcoin, ChainSet::of(&[Chain::Bitcoin]))
    } else if lower(b"ltc") {
        (Family::Litecoin, ChainSet::of(&[Chain::Litecoin]))
    } else if lower(b"btg") {
        (Family::BitcoinGold, ChainSet::of(&[Chain::BitcoinGold]))
    } else if lower(b"vg") {
        (Family::Verge, ChainSet::of(&[Chain::Verge]))
    } else if lower(b"zs") {
        return Some(parse_sapling(s));
    } else if lower(b"tb")
        || lower(b"bcrt")
        || lower(b"tltc")
        || lower(b"rltc")
        || lower(b"ztestsapling")
    {
        return Some(Err(AddressError::UnknownPrefix {
            prefix: ShortStr::lowercase_ascii(hrp),
            hint: Some("a testnet or regtest prefix; only mainnet is supported"),
        }));
    } else {
        return None;
    };
    Some(bech32::decode_segwit(s).map(|w| {
        let program = &w.program[..w.program_len];
        let kind = match (w.version, w.program_len) {
            (0, 20) => Kind::P2wpkh,
            (0, _) => Kind::P2wsh,
            (1, 32) => Kind::P2tr,
            (v, _) => Kind::WitnessUnknown { version: v },
        };
        debug_assert_eq!(w.hrp_len, hrp.len());
        Address::new(
            family,
            kind,
            Format::Bech32,
            chains,
            w.version as u32,
            program,
        )
        .with_lowercase_key(s)
    }))
}

fn parse_sapling(s: &[u8]) -> Result<Address, AddressError> {
    let d = bech32::decode(s)?;
    let mut bytes = [0u8; 64];
    let n = bech32::from_5bit(d.data(), &mut bytes, Format::Bech32)?;
    if n != 43 {
        return Err(AddressError::WrongLength {
            format: Format::Bech32,
            found: n,
            unit: LengthUnit::Bytes,
            expected: "43 (11-byte diversifier + 32-byte key)",
        });
    }
    if d.variant != crate::error::Bech32Variant::Bech32 {
        return Err(AddressError::BadChecksum {
            format: Format::Bech32,
        });
    }
    Ok(Address::new(
        Family::Zcash,
        Kind::ZcashSapling,
        Format::Bech32,
        ChainSet::of(&[Chain::Zcash]),
        0,
        &bytes[..n],
    )
    .with_lowercase_key(s))
}

/// Accepts 64 hex digits as the opaque Monero identifier OFAC publishes under XMR; only
/// [`crate::parse_with_currency`] calls this, with a declared XMR currency.
pub(crate) fn monero_hex_key(input: &str) -> Option<Address> {
    let s = input.as_bytes();
    if s.len() != 64 || !s.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let mut payload = [0u8; 32];
    for (i, pair) in s.chunks(2).enumerate() {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        payload[i] = (hi * 16 + lo) as u8;
    }
    Some(
        Address::new(
            Family::Monero,
            Kind::MoneroHexKey,
            Format::MoneroBase58,
            ChainSet::of(&[Chain::Monero]),
            0,
            &payload,
        )
        .with_lowercase_key(s),
    )
}

fn parse_monero(s: &[u8]) -> Result<Address, AddressError> {
    let m = monero::decode(s)?;
    let (kind, version) = match m.kind {
        MoneroKind::Standard => (Kind::MoneroStandard, 18),
        MoneroKind::Subaddress => (Kind::MoneroSubaddress, 42),
        MoneroKind::Integrated => (Kind::MoneroIntegrated, 19),
    };
    Ok(Address::new(
        Family::Monero,
        kind,
        Format::MoneroBase58,
        ChainSet::of(&[Chain::Monero]),
        version,
        &m.keys[..m.keys_len],
    )
    .with_key(s))
}

fn parse_xrp(s: &[u8]) -> Result<Address, AddressError> {
    let mut buf = [0u8; MAX_BYTES];
    let n = base58::decode(s, &RIPPLE_ALPHABET, Format::RippleBase58Check, &mut buf)?;
    if n != 25 {
        return Err(AddressError::WrongLength {
            format: Format::RippleBase58Check,
            found: n,
            unit: LengthUnit::Bytes,
            expected: "25 (version, 20-byte account id, checksum)",
        });
    }
    if !base58::check_ok(&buf[..25]) {
        return Err(AddressError::BadChecksum {
            format: Format::RippleBase58Check,
        });
    }
    if buf[0] != 0 {
        return Err(AddressError::UnknownVersion {
            format: Format::RippleBase58Check,
            version: buf[0] as u32,
        });
    }
    Ok(Address::new(
        Family::Xrp,
        Kind::XrpAccount,
        Format::RippleBase58Check,
        ChainSet::of(&[Chain::Xrp]),
        0,
        &buf[1..21],
    )
    .with_key(s))
}

/// One row of the single-byte Base58Check version table.
struct Version {
    byte: u8,
    family: Family,
    kind: Kind,
    chains: ChainSet,
}

const BTC_LIKE: ChainSet = ChainSet::of(&[Chain::Bitcoin, Chain::BitcoinCash, Chain::BitcoinSv]);

/// Mainnet version bytes; sources: each chain's `chainparams.cpp` (see README).
static VERSIONS: [Version; 11] = [
    Version {
        byte: 0x00,
        family: Family::Bitcoin,
        kind: Kind::P2pkh,
        chains: BTC_LIKE,
    },
    // Litecoin used 0x05 for P2SH before it introduced `M…`, so `3…` is also a Litecoin address.
    Version {
        byte: 0x05,
        family: Family::Bitcoin,
        kind: Kind::P2sh,
        chains: ChainSet::of(&[
            Chain::Bitcoin,
            Chain::BitcoinCash,
            Chain::BitcoinSv,
            Chain::Litecoin,
        ]),
    },
    Version {
        byte: 0x30,
        family: Family::Litecoin,
        kind: Kind::P2pkh,
        chains: ChainSet::of(&[Chain::Litecoin]),
    },
    Version {
        byte: 0x32,
        family: Family::Litecoin,
        kind: Kind::P2sh,
        chains: ChainSet::of(&[Chain::Litecoin]),
    },
    Version {
        byte: 0x4c,
        family: Family::Dash,
        kind: Kind::P2pkh,
        chains: ChainSet::of(&[Chain::Dash]),
    },
    Version {
        byte: 0x10,
        family: Family::Dash,
        kind: Kind::P2sh,
        chains: ChainSet::of(&[Chain::Dash]),
    },
    Version {
        byte: 0x26,
        family: Family::BitcoinGold,
        kind: Kind::P2pkh,
        chains: ChainSet::of(&[Chain::BitcoinGold]),
    },
    Version {
        byte: 0x17,
        family: Family::BitcoinGold,
        kind: Kind::P2sh,
        chains: ChainSet::of(&[Chain::BitcoinGold]),
    },
    Version {
        byte: 0x1e,
        family: Family::Verge,
        kind: Kind::P2pkh,
        chains: ChainSet::of(&[Chain::Verge]),
    },
    Version {
        byte: 0x21,
        family: Family::Verge,
        kind: Kind::P2sh,
        chains: ChainSet::of(&[Chain::Verge]),
    },
    Version {
        byte: 0x41,
        family: Family::Tron,
        kind: Kind::TronAccount,
        chains: ChainSet::of(&[Chain::Tron]),
    },
];

fn parse_base58(s: &[u8]) -> Result<Address, AddressError> {
    if s.len() > base58::MAX_CHARS {
        if let Some(pos) = s
            .iter()
            .position(|&c| BITCOIN_ALPHABET.digits[c as usize] == 0xFF)
        {
            return Err(base58::bad_char(s, pos, Format::Base58));
        }
        return Err(AddressError::WrongLength {
            format: Format::Base58,
            found: s.len(),
            unit: LengthUnit::Chars,
            expected: "at most 44 (95 or 106 for Monero)",
        });
    }
    let mut buf = [0u8; MAX_BYTES];
    let n = base58::decode(s, &BITCOIN_ALPHABET, Format::Base58, &mut buf)?;
    match n {
        25 => {
            if !base58::check_ok(&buf[..25]) {
                return Err(AddressError::BadChecksum {
                    format: Format::Base58Check,
                });
            }
            let Some(v) = VERSIONS.iter().find(|v| v.byte == buf[0]) else {
                return Err(AddressError::UnknownVersion {
                    format: Format::Base58Check,
                    version: buf[0] as u32,
                });
            };
            Ok(Address::new(
                v.family,
                v.kind,
                Format::Base58Check,
                v.chains,
                v.byte as u32,
                &buf[1..21],
            )
            .with_key(s))
        }
        26 => {
            if !base58::check_ok(&buf[..26]) {
                return Err(AddressError::BadChecksum {
                    format: Format::Base58Check,
                });
            }
            let version = u16::from_be_bytes([buf[0], buf[1]]);
            let kind = match version {
                0x1cb8 => Kind::P2pkh,
                0x1cbd => Kind::P2sh,
                _ => {
                    return Err(AddressError::UnknownVersion {
                        format: Format::Base58Check,
                        version: version as u32,
                    });
                }
            };
            Ok(Address::new(
                Family::Zcash,
                kind,
                Format::Base58Check,
                ChainSet::of(&[Chain::Zcash]),
                version as u32,
                &buf[2..22],
            )
            .with_key(s))
        }
        32 => Ok(Address::new(
            Family::Solana,
            Kind::SolanaAccount,
            Format::Base58,
            ChainSet::of(&[Chain::Solana]),
            0,
            &buf[..32],
        )
        .with_key(s)),
        _ => Err(AddressError::WrongLength {
            format: Format::Base58,
            found: n,
            unit: LengthUnit::Bytes,
            expected: "25 (Base58Check), 26 (Zcash transparent) or 32 (Solana)",
        }),
    }
}
