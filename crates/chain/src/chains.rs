//! Chains, sets of candidate chains, address families and the SDN currency codes.

use std::fmt;

use crate::error::UnknownCurrency;

/// A blockchain whose addresses this crate recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Chain {
    /// Bitcoin.
    Bitcoin,
    /// Bitcoin Cash.
    BitcoinCash,
    /// Bitcoin SV.
    BitcoinSv,
    /// Bitcoin Gold.
    BitcoinGold,
    /// Litecoin.
    Litecoin,
    /// Dash.
    Dash,
    /// Zcash.
    Zcash,
    /// Monero.
    Monero,
    /// Ethereum mainnet.
    Ethereum,
    /// Ethereum Classic.
    EthereumClassic,
    /// Arbitrum One.
    Arbitrum,
    /// BNB Smart Chain.
    BnbSmartChain,
    /// Tron.
    Tron,
    /// XRP Ledger.
    Xrp,
    /// Solana.
    Solana,
    /// Verge.
    Verge,
}

impl Chain {
    /// Every chain, in declaration order, so sets can be iterated deterministically.
    pub const ALL: [Chain; 16] = [
        Chain::Bitcoin,
        Chain::BitcoinCash,
        Chain::BitcoinSv,
        Chain::BitcoinGold,
        Chain::Litecoin,
        Chain::Dash,
        Chain::Zcash,
        Chain::Monero,
        Chain::Ethereum,
        Chain::EthereumClassic,
        Chain::Arbitrum,
        Chain::BnbSmartChain,
        Chain::Tron,
        Chain::Xrp,
        Chain::Solana,
        Chain::Verge,
    ];

    /// The usual ticker of the chain's native asset, for display.
    pub fn ticker(self) -> &'static str {
        match self {
            Chain::Bitcoin => "BTC",
            Chain::BitcoinCash => "BCH",
            Chain::BitcoinSv => "BSV",
            Chain::BitcoinGold => "BTG",
            Chain::Litecoin => "LTC",
            Chain::Dash => "DASH",
            Chain::Zcash => "ZEC",
            Chain::Monero => "XMR",
            Chain::Ethereum => "ETH",
            Chain::EthereumClassic => "ETC",
            Chain::Arbitrum => "ARB",
            Chain::BnbSmartChain => "BSC",
            Chain::Tron => "TRX",
            Chain::Xrp => "XRP",
            Chain::Solana => "SOL",
            Chain::Verge => "XVG",
        }
    }

    const fn bit(self) -> u32 {
        1 << (self as u8)
    }
}

impl fmt::Display for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.ticker())
    }
}

/// A set of chains, e.g. the chains on which an ambiguous address string is valid.
///
/// It is a bit set, so it is `Copy`, allocation-free and iterates in [`Chain::ALL`] order.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ChainSet(u32);

impl ChainSet {
    /// The empty set.
    pub const EMPTY: ChainSet = ChainSet(0);
    /// Every EVM chain we name; an `0x` address is valid on all of them.
    pub const EVM: ChainSet = ChainSet::of(&[
        Chain::Ethereum,
        Chain::EthereumClassic,
        Chain::Arbitrum,
        Chain::BnbSmartChain,
    ]);

    /// Builds a set from a list of chains; `const` so that tables can be built at compile time.
    pub const fn of(chains: &[Chain]) -> ChainSet {
        let mut bits = 0;
        let mut i = 0;
        while i < chains.len() {
            bits |= chains[i].bit();
            i += 1;
        }
        ChainSet(bits)
    }

    /// Whether the set holds `chain`.
    pub fn contains(self, chain: Chain) -> bool {
        self.0 & chain.bit() != 0
    }

    /// The chains in both sets.
    pub fn intersection(self, other: ChainSet) -> ChainSet {
        ChainSet(self.0 & other.0)
    }

    /// The chains in either set.
    pub fn union(self, other: ChainSet) -> ChainSet {
        ChainSet(self.0 | other.0)
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The number of chains in the set.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The chains in the set, in [`Chain::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Chain> {
        Chain::ALL.into_iter().filter(move |c| self.contains(*c))
    }
}

impl fmt::Debug for ChainSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl fmt::Display for ChainSet {
    /// Formats as tickers joined by `|`, e.g. `BTC|BCH|BSV`, or `-` for the empty set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("-");
        }
        for (i, c) in self.iter().enumerate() {
            if i > 0 {
                f.write_str("|")?;
            }
            f.write_str(c.ticker())?;
        }
        Ok(())
    }
}

/// The address family: the encoding family whose canonical spellings share one key space.
///
/// Legacy Base58 addresses with version 0x00/0x05 are the same string on Bitcoin, Bitcoin Cash
/// and Bitcoin SV (and 0x05 on Litecoin), and CashAddr is another spelling of the same hash, so
/// they all belong to [`Family::Bitcoin`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// Bitcoin and its forks sharing its version bytes (BTC, BCH, BSV), plus CashAddr.
    Bitcoin,
    /// Litecoin's own prefixes (`L`, `M`, `ltc1`).
    Litecoin,
    /// Dash (`X`, `7`).
    Dash,
    /// Bitcoin Gold (`G`, `A`, `btg1`).
    BitcoinGold,
    /// Verge (`D`, `E`, `vg1`).
    Verge,
    /// Zcash transparent (`t1`, `t3`) and Sapling (`zs1`).
    Zcash,
    /// Monero standard, subaddress and integrated addresses.
    Monero,
    /// 20-byte EVM accounts, valid on every EVM chain.
    Evm,
    /// Tron accounts (0x41 + the 20-byte body shared with EVM key derivation).
    Tron,
    /// XRP Ledger classic addresses.
    Xrp,
    /// Solana ed25519 public keys.
    Solana,
}

/// A digital-currency code as used in OFAC SDN data (`Digital Currency Address - XBT`).
///
/// Codes name assets, not chains: USDT and USDC are tokens hosted on several chains, so a
/// currency maps to the set of chains that can hold it ([`Currency::hosts`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Currency {
    /// Bitcoin (OFAC writes XBT).
    Xbt,
    /// Ether.
    Eth,
    /// Monero.
    Xmr,
    /// Litecoin.
    Ltc,
    /// Zcash.
    Zec,
    /// Dash.
    Dash,
    /// Bitcoin Gold.
    Btg,
    /// Ethereum Classic.
    Etc,
    /// Bitcoin SV.
    Bsv,
    /// Bitcoin Cash.
    Bch,
    /// Verge.
    Xvg,
    /// Tether, a token on several chains.
    Usdt,
    /// USD Coin, a token on several chains.
    Usdc,
    /// XRP.
    Xrp,
    /// Arbitrum.
    Arb,
    /// BNB Smart Chain.
    Bsc,
    /// Tron.
    Trx,
    /// Solana.
    Sol,
}

impl Currency {
    /// Every SDN code, in the order used by the 0xB10C lists.
    pub const ALL: [Currency; 18] = [
        Currency::Xbt,
        Currency::Eth,
        Currency::Xmr,
        Currency::Ltc,
        Currency::Zec,
        Currency::Dash,
        Currency::Btg,
        Currency::Etc,
        Currency::Bsv,
        Currency::Bch,
        Currency::Xvg,
        Currency::Usdt,
        Currency::Usdc,
        Currency::Xrp,
        Currency::Arb,
        Currency::Bsc,
        Currency::Trx,
        Currency::Sol,
    ];

    /// Looks up an SDN currency code, ignoring ASCII case; `BTC` is accepted as an alias of `XBT`.
    pub fn from_sdn_code(code: &str) -> Result<Currency, UnknownCurrency> {
        let upper = code.trim().to_ascii_uppercase();
        if upper == "BTC" {
            return Ok(Currency::Xbt);
        }
        Currency::ALL
            .into_iter()
            .find(|c| c.code() == upper)
            .ok_or_else(|| UnknownCurrency {
                code: code.chars().take(16).collect(),
            })
    }

    /// The SDN code, e.g. `XBT`.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Xbt => "XBT",
            Currency::Eth => "ETH",
            Currency::Xmr => "XMR",
            Currency::Ltc => "LTC",
            Currency::Zec => "ZEC",
            Currency::Dash => "DASH",
            Currency::Btg => "BTG",
            Currency::Etc => "ETC",
            Currency::Bsv => "BSV",
            Currency::Bch => "BCH",
            Currency::Xvg => "XVG",
            Currency::Usdt => "USDT",
            Currency::Usdc => "USDC",
            Currency::Xrp => "XRP",
            Currency::Arb => "ARB",
            Currency::Bsc => "BSC",
            Currency::Trx => "TRX",
            Currency::Sol => "SOL",
        }
    }

    /// Whether the code names a token carried by other chains rather than a chain's native asset.
    pub fn is_token(self) -> bool {
        matches!(self, Currency::Usdt | Currency::Usdc)
    }

    /// The chains on which an address of this currency can live.
    ///
    /// USDT lists Bitcoin because Tether was first issued on the Omni layer, and OFAC does list a
    /// Bitcoin P2SH address under USDT (GARANTEX, ent_num 36025). USDC lists the XRP Ledger, where
    /// Circle issues it natively.
    pub fn hosts(self) -> ChainSet {
        use Chain::*;
        match self {
            Currency::Xbt => ChainSet::of(&[Bitcoin]),
            Currency::Eth => ChainSet::of(&[Ethereum]),
            Currency::Xmr => ChainSet::of(&[Monero]),
            Currency::Ltc => ChainSet::of(&[Litecoin]),
            Currency::Zec => ChainSet::of(&[Zcash]),
            Currency::Dash => ChainSet::of(&[Dash]),
            Currency::Btg => ChainSet::of(&[BitcoinGold]),
            Currency::Etc => ChainSet::of(&[EthereumClassic]),
            Currency::Bsv => ChainSet::of(&[BitcoinSv]),
            Currency::Bch => ChainSet::of(&[BitcoinCash]),
            Currency::Xvg => ChainSet::of(&[Verge]),
            Currency::Usdt => {
                ChainSet::of(&[Ethereum, Arbitrum, BnbSmartChain, Tron, Solana, Bitcoin])
            }
            Currency::Usdc => ChainSet::of(&[Ethereum, Arbitrum, BnbSmartChain, Tron, Solana, Xrp]),
            Currency::Xrp => ChainSet::of(&[Xrp]),
            Currency::Arb => ChainSet::of(&[Arbitrum]),
            Currency::Bsc => ChainSet::of(&[BnbSmartChain]),
            Currency::Trx => ChainSet::of(&[Tron]),
            Currency::Sol => ChainSet::of(&[Solana]),
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Currency {
    type Err = UnknownCurrency;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::from_sdn_code(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips() {
        for c in Currency::ALL {
            check(c.code(), Some(c));
            check(&c.code().to_ascii_lowercase(), Some(c));
            assert!(!c.hosts().is_empty(), "{c} has no host chain");
        }
    }

    #[test]
    fn codes() {
        check("BTC", Some(Currency::Xbt));
        check(" usdt ", Some(Currency::Usdt));
        check("DOGE", None);
        check("", None);
    }

    #[test]
    fn chain_set_display_is_ordered() {
        let s = ChainSet::of(&[Chain::BitcoinSv, Chain::Bitcoin, Chain::BitcoinCash]);
        assert_eq!(s.to_string(), "BTC|BCH|BSV");
        assert_eq!(ChainSet::EMPTY.to_string(), "-");
        assert_eq!(ChainSet::EVM.len(), 4);
    }

    fn check(code: &str, expected: Option<Currency>) {
        assert_eq!(
            Currency::from_sdn_code(code).ok(),
            expected,
            "code {code:?}"
        );
    }
}
