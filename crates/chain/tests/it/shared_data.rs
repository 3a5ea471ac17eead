//! Acceptance checks against the real address lists in `../shared/data`.
//!
//! Each test prints a reason and returns early when the data folder is absent, because the data
//! is not part of the repository.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chain::{Chain, ErrorKind, Family, Kind, parse, parse_declared};

fn data_dir() -> Option<PathBuf> {
    testkit::shared("data")
}

/// The OFAC hex string filed under XMR for KARASAVIDI (ent_num 29585); it is not a Monero address.
const XMR_HEX: &str = "5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320";
/// The Tron address that OFAC files under XBT (WANG, Mingming, ent_num 45404).
const TRON_UNDER_XBT: &str = "TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq";

#[test]
fn b10c_lists_validate_with_their_currency() -> anyhow::Result<()> {
    let Some(data) = data_dir() else {
        return Ok(());
    };
    for sub in ["crypto/0xB10C_lists_2024-09-27", "crypto/0xB10C_lists_2025"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(data.join(sub))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        files.sort();
        let mut total = 0usize;
        let mut per_kind: BTreeMap<String, usize> = BTreeMap::new();
        let mut mismatches = Vec::new();
        let mut rejected = Vec::new();
        for file in &files {
            let name = file
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            let code = name.trim_start_matches("sanctioned_addresses_");
            for line in std::fs::read_to_string(file)?
                .lines()
                .filter(|l| !l.is_empty())
            {
                total += 1;
                match parse_declared(line, code) {
                    Ok(d) => {
                        *per_kind
                            .entry(format!("{code} {:?}", d.address.kind()))
                            .or_default() += 1;
                        if let Some(m) = d.mismatch {
                            mismatches.push((code.to_owned(), line.to_owned(), m.to_string()));
                        }
                    }
                    Err(e) => rejected.push((code.to_owned(), line.to_owned(), e.to_string())),
                }
            }
        }
        println!("{sub}: {total} addresses in {} files", files.len());
        for (k, n) in &per_kind {
            println!("  {k}: {n}");
        }
        for m in &mismatches {
            println!("  mismatch: {m:?}");
        }
        for r in &rejected {
            println!("  rejected: {r:?}");
        }
        // Exactly one currency mismatch: the Tron address filed under XBT.
        let flagged: Vec<(&str, &str)> = mismatches
            .iter()
            .map(|(c, a, _)| (c.as_str(), a.as_str()))
            .collect();
        assert_eq!(flagged, vec![("XBT", TRON_UNDER_XBT)], "{sub}");
        // Every entry validates. The 2024 list (the only one with XMR) holds a hex string that
        // is no address format at all: it validates only under its declared XMR currency, marked
        // as nonstandard, and `parse` alone still rejects it.
        let rejected: Vec<(&str, &str)> = rejected
            .iter()
            .map(|(c, a, _)| (c.as_str(), a.as_str()))
            .collect();
        if sub.ends_with("2024-09-27") {
            assert!(rejected.is_empty(), "{rejected:?}");
            let d = parse_declared(XMR_HEX, "XMR").expect("accepted under XMR");
            assert!(d.nonstandard.is_some());
            assert!(parse_declared(XMR_HEX, "XBT").is_err());
            assert_eq!(
                parse(XMR_HEX).map_err(|e| e.kind()).err(),
                Some(ErrorKind::UnrecognisedFormat)
            );
        } else {
            assert!(rejected.is_empty(), "{rejected:?}");
        }
    }
    Ok(())
}

#[test]
fn derived_sdn_csv_rows() -> anyhow::Result<()> {
    let Some(data) = data_dir() else {
        return Ok(());
    };
    let path = data.join("crypto/derived_sdn_digital_currency_addresses_2024-05-03.csv");
    let mut reader = csv::Reader::from_path(&path)?;
    let mut cut_off = Vec::new();
    let mut unchecked = Vec::new();
    let mut mismatches = Vec::new();
    let mut complete = 0usize;
    for row in reader.records() {
        let row = row?;
        let (ent, currency, address, complete_flag) = (&row[0], &row[3], &row[4], &row[5]);
        let result = parse_declared(address, currency);
        match complete_flag {
            "no" => {
                let kind = match &result {
                    Err(chain::DeclaredError::Address(e)) => Some(e.kind()),
                    _ => None,
                };
                println!("cut off: ent {ent} {currency} {address:?} -> {result:?}");
                cut_off.push((address.to_owned(), kind));
            }
            "unchecked" => {
                let outcome = match &result {
                    Ok(d) => format!("valid {:?} on {}", d.address.kind(), d.chains),
                    Err(e) => format!("rejected: {e}"),
                };
                println!("unchecked: ent {ent} {currency} {address} -> {outcome}");
                unchecked.push((address.to_owned(), result.is_ok()));
            }
            _ => {
                complete += 1;
                match &result {
                    Ok(d) => {
                        if let Some(m) = d.mismatch {
                            mismatches.push((currency.to_owned(), address.to_owned()));
                            println!("mismatch: ent {ent} {address}: {m}");
                        }
                    }
                    Err(e) => panic!("complete row ent {ent} {currency} {address} rejected: {e}"),
                }
            }
        }
    }
    assert_eq!(complete, 281);
    // All six truncated remarks are rejected because they are too short to be addresses.
    assert_eq!(cut_off.len(), 6);
    for (address, kind) in &cut_off {
        assert_eq!(*kind, Some(ErrorKind::WrongLength), "{address}");
    }
    // All seven unchecked rows validate under their declared currency (the XMR hex string as a
    // nonstandard identifier).
    assert_eq!(unchecked.len(), 7);
    for (address, ok) in &unchecked {
        assert!(*ok, "{address}");
    }
    assert_eq!(
        mismatches,
        vec![("XBT".to_owned(), TRON_UNDER_XBT.to_owned())]
    );
    Ok(())
}

#[test]
fn dprk_it_worker_addresses() -> anyhow::Result<()> {
    let Some(data) = data_dir() else {
        return Ok(());
    };
    let mut reader = csv::Reader::from_path(data.join("dprk/dprk_itw_indicators_tayvano.csv"))?;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut rejected = Vec::new();
    for row in reader.records() {
        let row = row?;
        let (kind, value) = (&row[2], &row[3]);
        let family = match kind {
            "btc_address" => Chain::Bitcoin,
            "ltc_address" => Chain::Litecoin,
            "evm_address" => Chain::Ethereum,
            "sol_address" => Chain::Solana,
            _ => continue,
        };
        *counts.entry(kind.to_owned()).or_default() += 1;
        match parse(value) {
            Ok(a) => assert!(
                a.chains().contains(family),
                "{value} is {:?}, typed {kind}",
                a.chains()
            ),
            Err(e) => {
                println!("rejected {kind} {value}: {e}");
                rejected.push((value.to_owned(), e.kind()));
            }
        }
    }
    println!("{counts:?}");
    assert_eq!(
        rejected,
        vec![(
            "0xC5ABDE4CE8C5740F4bad6C3B05E4Da31d229659".to_owned(),
            ErrorKind::WrongLength
        )]
    );
    Ok(())
}

#[test]
fn bybit_fbi_addresses() -> anyhow::Result<()> {
    let Some(data) = data_dir() else {
        return Ok(());
    };
    let text = std::fs::read_to_string(data.join("dprk/bybit_hack_2025-02_fbi_psa250226_eth.txt"))?;
    let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 51);
    for line in &lines {
        let a = parse(line).map_err(|e| anyhow::anyhow!("{line}: {e}"))?;
        assert_eq!(a.family(), Family::Evm);
        assert_eq!(a.kind(), Kind::EvmAccount);
        // Each is written mixed-case, so each passed the EIP-55 check, and display restores it.
        assert_eq!(a.eip55().as_deref(), Some(*line));
        // Flipping the case of any one letter breaks the checksum (or, if it makes the body
        // single-case, removes it); test the first letter.
        if let Some(i) = (2..42).find(|&i| line.as_bytes()[i].is_ascii_alphabetic()) {
            let mut b = line.as_bytes().to_vec();
            b[i] ^= 0x20;
            let flipped = String::from_utf8(b)?;
            assert_eq!(
                parse(&flipped).map_err(|e| e.kind()).err(),
                Some(ErrorKind::Eip55Mismatch),
                "{flipped}"
            );
        }
    }
    let mixed = parse("0x098B716B8Aaf21512996dC57EB0615e2383E2f96")?;
    let lower = parse("0x098b716b8aaf21512996dc57eb0615e2383e2f96")?;
    assert_eq!(mixed.canonical(), lower.canonical());
    assert_eq!(mixed, lower);
    let e = parse(
        "0x098B716B8Aaf21512996dC57EB0615e2383E2f97"
            .replace("f97", "f96")
            .replacen('B', "b", 1)
            .as_str(),
    );
    assert_eq!(
        e.map_err(|e| e.kind()).err(),
        Some(ErrorKind::Eip55Mismatch)
    );
    Ok(())
}
