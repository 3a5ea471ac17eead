//! Table-driven tests of the public parser, with published vectors and oracle cross-checks.

use proptest::prelude::*;

use crate::{
    Address, AddressError, Chain, ChainSet, ErrorKind, Family, Kind, parse, parse_declared,
};

/// What `check` expects: the kind, the candidate chains as `BTC|BCH` text and the canonical key.
type Expect<'a> = Result<(Kind, &'a str, &'a str), ErrorKind>;

fn check(input: &str, expected: Expect<'_>) {
    let got = parse(input);
    match (&got, expected) {
        (Ok(a), Ok((kind, chains, key))) => {
            assert_eq!(a.kind(), kind, "kind of {input:?}");
            assert_eq!(a.chains().to_string(), chains, "chains of {input:?}");
            assert_eq!(a.canonical(), key, "key of {input:?}");
            // The key must itself parse to the same key.
            assert_eq!(
                parse(key).map(|b| b.canonical().to_owned()).ok().as_deref(),
                Some(key)
            );
        }
        (Err(e), Err(kind)) => {
            assert_eq!(e.kind(), kind, "{input:?} failed with {e}");
            assert!(!e.to_string().is_empty());
        }
        _ => panic!("{input:?}: got {got:?}, expected {expected:?}"),
    }
}

#[test]
fn bitcoin_base58() {
    use Kind::*;
    let s = "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu";
    check(s, Ok((P2pkh, "BTC|BCH|BSV", s)));
    let s = "3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC";
    check(s, Ok((P2sh, "BTC|BCH|BSV|LTC", s)));
    // The genesis coinbase address.
    let s = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";
    check(s, Ok((P2pkh, "BTC|BCH|BSV", s)));
    check(
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",
        Err(ErrorKind::BadChecksum),
    );
    check(
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7Div0Na",
        Err(ErrorKind::BadChar),
    );
    // Dropping the last character still decodes to 25 bytes here, so the checksum is what fails.
    check(
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN",
        Err(ErrorKind::BadChecksum),
    );
    check(
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7Div",
        Err(ErrorKind::WrongLength),
    );
    check("1B64QRxf", Err(ErrorKind::WrongLength));
    check("3", Err(ErrorKind::WrongLength));
    // A valid checksum over an unknown version byte (0x6f, testnet P2PKH).
    check(
        "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn",
        Err(ErrorKind::UnknownVersion),
    );
}

#[test]
fn segwit() {
    use Kind::*;
    check(
        "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
        Ok((P2wpkh, "BTC", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")),
    );
    let s = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0";
    check(s, Ok((P2tr, "BTC", s)));
    let s = "bc1qq7p0es3dv5hcynjjf40f2xjjr6qp5py47d2f6n847vduuq9gvnyq7y9ecd";
    check(s, Ok((P2wsh, "BTC", s)));
    check(
        "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
        Ok((
            WitnessUnknown { version: 2 },
            "BTC",
            "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
        )),
    );
    check(
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
        Err(ErrorKind::WrongBech32Variant),
    );
    check(
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
        Err(ErrorKind::WrongBech32Variant),
    );
    check(
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
        Err(ErrorKind::UnknownPrefix),
    );
    check(
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
        Err(ErrorKind::BadChecksum),
    );
    check(
        "bc1qw508d6qejxtdg4y5r3zarvarY0c5xw7kv8f3t4",
        Err(ErrorKind::MixedCase),
    );
    // An upper-case prefix with a lower-case body is a bech32 address with mixed case, not a
    // Base58 address with a bad character (issue 16).
    for (input, message) in [
        (
            "BC1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "mixed case in bech32 at position 3",
        ),
        (
            "Bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "mixed case in bech32 at position 1",
        ),
        (
            "bc1QAR0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "mixed case in bech32 at position 3",
        ),
    ] {
        check(input, Err(ErrorKind::MixedCase));
        assert_eq!(
            parse(input).map(|_| ()).map_err(|e| e.to_string()),
            Err(message.into())
        );
    }
    check(
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3tb",
        Err(ErrorKind::BadChar),
    );
    // OFAC lists this Tron address; it starts like a testnet bech32 address.
    let s = "TB1Bcv3x8mg7PVV4nVM48pgHJKcYboTypU";
    check(s, Ok((TronAccount, "TRX", s)));
    check(
        "TB1Bcv3x8mg7PVV4nVM48pgHJKcYboTypV",
        Err(ErrorKind::BadChecksum),
    );
    // A Litecoin bech32 address (from the 2025 OFAC LTC list) is keyed in its own family.
    let s = "ltc1qr8ntsedq8tv0svmxqhzvdcdl5k7kntdmnhwep7";
    let a = parse(s);
    assert_eq!(
        a.as_ref().map(|a| a.family()).ok(),
        Some(Family::Litecoin),
        "{a:?}"
    );
}

#[test]
fn eip55() {
    use Kind::EvmAccount;
    let evm = "ETH|ETC|ARB|BSC";
    // EIP-55 examples: all caps, all lower, and mixed case.
    for s in [
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77",
        "0x27b1fdb04752bbc536007a920d24acb045561c26",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ] {
        let key = format!("0x{}", s[2..].to_ascii_lowercase());
        check(s, Ok((EvmAccount, evm, &key)));
        // Display in checksummed form reproduces the mixed-case spellings.
        if s[2..].bytes().any(|c| c.is_ascii_lowercase())
            && s[2..].bytes().any(|c| c.is_ascii_uppercase())
        {
            assert_eq!(parse(s).ok().and_then(|a| a.eip55()).as_deref(), Some(s));
        }
    }
    // One letter flipped to the wrong case.
    let e = parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD");
    assert!(
        matches!(
            e,
            Err(AddressError::Eip55Mismatch {
                pos: 41,
                found: 'D',
                expected: 'd'
            })
        ),
        "{e:?}"
    );
    check(
        "0xC5ABDE4CE8C5740F4bad6C3B05E4Da31d229659",
        Err(ErrorKind::WrongLength),
    );
    check(
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAez",
        Err(ErrorKind::BadChar),
    );
    check("0x", Err(ErrorKind::WrongLength));
    check(
        "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
        Err(ErrorKind::UnrecognisedFormat),
    );
}

#[test]
fn cashaddr_and_legacy_share_a_key() {
    // CashAddr specification, "Examples of address translation".
    for (legacy, cash) in [
        (
            "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu",
            "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
        ),
        (
            "1KXrWXciRDZUpQwQmuM1DbwsKDLYAYsVLR",
            "bitcoincash:qr95sy3j9xwd2ap32xkykttr4cvcu7as4y0qverfuy",
        ),
        (
            "16w1D5WRVKJuZUsSRzdLp9w3YGcgoxDXb",
            "bitcoincash:qqq3728yw0y47sqn6l2na30mcw6zm78dzqre909m2r",
        ),
        (
            "3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC",
            "bitcoincash:ppm2qsznhks23z7629mms6s4cwef74vcwvn0h829pq",
        ),
        (
            "3LDsS579y7sruadqu11beEJoTjdFiFCdX4",
            "bitcoincash:pr95sy3j9xwd2ap32xkykttr4cvcu7as4yc93ky28e",
        ),
        (
            "31nwvkZwyPdgzjBJZXfDmSWsC4ZLKpYyUw",
            "bitcoincash:pqq3728yw0y47sqn6l2na30mcw6zm78dzq5ucqzc37",
        ),
    ] {
        let kind = if legacy.starts_with('1') {
            Kind::P2pkh
        } else {
            Kind::P2sh
        };
        check(cash, Ok((kind, "BCH", legacy)));
        check(&cash["bitcoincash:".len()..], Ok((kind, "BCH", legacy)));
        check(&cash.to_ascii_uppercase(), Ok((kind, "BCH", legacy)));
        assert_eq!(parse(legacy).ok(), parse(cash).ok());
    }
    check(
        "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6q",
        Err(ErrorKind::BadChecksum),
    );
    check(
        "bchtest:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
        Err(ErrorKind::UnknownPrefix),
    );
}

#[test]
fn tron() {
    // Tron's USDT (TRC-20) contract: Base58Check and hex spellings of one account.
    let t = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
    let hex = "41a614f803b6fd780986a42c78ec9c7f77e6ded13c";
    check(t, Ok((Kind::TronAccount, "TRX", t)));
    check(hex, Ok((Kind::TronAccount, "TRX", t)));
    check(&hex.to_ascii_uppercase(), Ok((Kind::TronAccount, "TRX", t)));
    // Tron and EVM accounts with the same body link through `evm_body`, not through the key.
    let evm = parse("0xa614f803b6fd780986a42c78ec9c7f77e6ded13c").ok();
    let tron = parse(t).ok();
    assert!(evm.is_some() && tron.is_some());
    assert_eq!(
        evm.as_ref().and_then(Address::evm_body),
        tron.as_ref().and_then(Address::evm_body)
    );
    assert_ne!(evm, tron);
    // Cross-check the body with bs58 as an oracle.
    let decoded = bs58::decode(t)
        .with_check(Some(0x41))
        .into_vec()
        .unwrap_or_default();
    assert_eq!(
        tron.and_then(|a| a.evm_body()).map(|b| b.to_vec()),
        Some(decoded[1..].to_vec())
    );
    check(
        "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u",
        Err(ErrorKind::BadChecksum),
    );
}

#[test]
fn xrp() {
    use Kind::XrpAccount;
    for s in [
        "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh",
        "rnXyVQzgxZe7TR1EPzTkGj2jxH4LMJYh66",
        "rrrrrrrrrrrrrrrrrrrrrhoLvTp",
        "rrrrrrrrrrrrrrrrrrrrBZbvji",
    ] {
        check(s, Ok((XrpAccount, "XRP", s)));
        // bs58 with the Ripple alphabet is the oracle.
        let oracle = bs58::decode(s)
            .with_alphabet(bs58::Alphabet::RIPPLE)
            .with_check(Some(0))
            .into_vec()
            .unwrap_or_default();
        assert_eq!(
            parse(s).ok().map(|a| a.payload().to_vec()),
            Some(oracle[1..].to_vec())
        );
    }
    check(
        "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTi",
        Err(ErrorKind::BadChecksum),
    );
}

#[test]
fn solana_zcash_dash_btg_xvg_ltc() {
    use Kind::*;
    let s = "42RLPACwZPx3vYYmxSueqsogfynBDqXK298EDsNoyoHi";
    check(s, Ok((SolanaAccount, "SOL", s)));
    // The System Program id is 32 zero bytes.
    let s = "11111111111111111111111111111111";
    check(s, Ok((SolanaAccount, "SOL", s)));
    let s = "t1MMXtBrSp1XG38Lx9cePcNUCJj5vdWfUWL";
    check(s, Ok((P2pkh, "ZEC", s)));
    let s = "XnPFsRWTaSgiVauosEwQ6dEitGYXgwznz2";
    check(s, Ok((P2pkh, "DASH", s)));
    let s = "GPwg61XoHqQPNmAucFACuQ5H9sGCDv9TpS";
    check(s, Ok((P2pkh, "BTG", s)));
    let s = "DFFJhnQNZf8rf67tYnesPu7MuGUpYtzv7Z";
    check(s, Ok((P2pkh, "XVG", s)));
    let s = "LaizKtS5DUhPuP1nTQcc83MS7HwK6vk85z";
    check(s, Ok((P2pkh, "LTC", s)));
}

#[test]
fn sapling() {
    use ::bech32::{Bech32, Hrp};
    let bytes: Vec<u8> = (0u8..43).collect();
    let hrp = Hrp::parse("zs").unwrap_or(::bech32::hrp::BC);
    let s = ::bech32::encode::<Bech32>(hrp, &bytes).unwrap_or_default();
    check(&s, Ok((Kind::ZcashSapling, "ZEC", &s)));
    assert_eq!(
        parse(&s).ok().map(|a| a.payload().to_vec()),
        Some(bytes.clone())
    );
    let upper = s.to_ascii_uppercase();
    check(&upper, Ok((Kind::ZcashSapling, "ZEC", &s)));
    let m = ::bech32::encode::<::bech32::Bech32m>(hrp, &bytes).unwrap_or_default();
    check(&m, Err(ErrorKind::BadChecksum));
}

#[test]
fn monero() {
    let s = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
    check(s, Ok((Kind::MoneroStandard, "XMR", s)));
    check(
        "5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320",
        Err(ErrorKind::UnrecognisedFormat),
    );
}

#[test]
fn junk() {
    check("", Err(ErrorKind::Empty));
    check(
        " 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
        Err(ErrorKind::BadChar),
    );
    check("hello world", Err(ErrorKind::BadChar));
    check("€", Err(ErrorKind::BadChar));
}

#[test]
fn declared_currency() {
    let d = parse_declared("TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq", "XBT");
    let Ok(d) = d else { panic!("{d:?}") };
    let m = d.mismatch.map(|m| m.to_string());
    assert_eq!(
        m.as_deref(),
        Some("declared XBT (chains BTC) but the address is valid on TRX only")
    );
    // Token codes accept any host chain.
    for (addr, code) in [
        ("TTgcTTNbNuFdbrhvbjMZVrdU5KALyzDaPw", "USDT"),
        ("0x175d44451403Edf28469dF03A9280c1197ADb92c", "USDT"),
        ("3E6ZCKRrsdPc35chA9Eftp1h3DLW18NFNV", "USDT"),
        ("0xb6f5ec1a0a9cd1526536d3f0426c429529471f40", "USDC"),
        ("1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu", "BCH"),
        ("0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c", "ARB"),
    ] {
        let d = parse_declared(addr, code);
        assert!(
            matches!(&d, Ok(d) if d.mismatch.is_none()),
            "{addr} as {code}: {d:?}"
        );
    }
    // The declared currency narrows ambiguous candidates.
    let d = parse_declared("1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu", "bsv")
        .ok()
        .map(|d| d.chains);
    assert_eq!(d, Some(ChainSet::of(&[Chain::BitcoinSv])));
    assert!(parse_declared("1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu", "DOGE").is_err());
}

proptest! {
    #[test]
    fn never_panics(s in "\\PC{0,120}") {
        let _ = parse(&s);
    }

    #[test]
    fn never_panics_on_address_like_text(s in "(0x|bc1|bitcoincash:|41|r|t1|zs1|4|8|T)?[0-9A-Za-z:]{0,110}") {
        if let Ok(a) = parse(&s) {
            // The canonical key is a fixed point.
            let again = parse(a.canonical());
            prop_assert!(again.is_ok(), "{s:?} -> {:?} does not reparse", a.canonical());
            if let Ok(b) = again {
                prop_assert_eq!(a.canonical(), b.canonical());
                prop_assert_eq!(a.payload(), b.payload());
            }
        }
    }

    /// Random Base58Check payloads: we accept exactly what bs58 with checksum accepts for known
    /// versions, and the key is the input.
    #[test]
    fn base58check_agrees_with_bs58(
        version in prop::sample::select(vec![0x00u8, 0x05, 0x30, 0x32, 0x4c, 0x10, 0x26, 0x17, 0x1e, 0x21, 0x41]),
        hash in prop::array::uniform20(any::<u8>()),
    ) {
        let mut body = vec![version];
        body.extend_from_slice(&hash);
        let s = bs58::encode(&body).with_check().into_string();
        let a = parse(&s);
        prop_assert!(a.is_ok(), "{s}: {:?}", a.err());
        if let Ok(a) = a {
            prop_assert_eq!(a.canonical(), s.as_str());
            prop_assert_eq!(a.payload(), &hash[..]);
            prop_assert_eq!(a.version(), version as u32);
        }
    }

    /// Any EVM body round-trips through every spelling to one key, and mixed case is checked.
    #[test]
    fn evm_spellings(body in prop::array::uniform20(any::<u8>())) {
        let lower: String = body.iter().map(|b| format!("{b:02x}")).collect();
        let a = parse(&format!("0x{lower}"));
        prop_assert!(a.is_ok());
        if let Ok(a) = a {
            let checksummed = a.eip55().unwrap_or_default();
            let b = parse(&checksummed);
            let c = parse(&format!("0x{}", lower.to_ascii_uppercase()));
            prop_assert_eq!(Some(&a), b.as_ref().ok());
            prop_assert_eq!(Some(&a), c.as_ref().ok());
            // Flipping the case of one letter of a mixed-case spelling must fail, unless the
            // flip makes the whole string single-case (which carries no checksum).
            let bytes = checksummed.as_bytes();
            if let Some(i) = (2..42).find(|&i| bytes[i].is_ascii_alphabetic()) {
                let mut flipped = bytes.to_vec();
                flipped[i] ^= 0x20;
                let f = String::from_utf8(flipped).unwrap_or_default();
                let single_case = !(f[2..].bytes().any(|c| c.is_ascii_lowercase()) && f[2..].bytes().any(|c| c.is_ascii_uppercase()));
                if !single_case {
                    prop_assert_eq!(parse(&f).map_err(|e| e.kind()).err(), Some(ErrorKind::Eip55Mismatch));
                }
            }
        }
    }
}
