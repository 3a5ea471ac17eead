//! Address screening: for a crypto address, is it valid, on which chains, and which listed
//! entities or user-supplied labels hold it.
//!
//! An [`AddressBook`] is built from the wallets the loaded lists carry (SDN digital-currency
//! addresses from any OFAC format, FtM `CryptoWallet` entities) and from label files
//! ([`labels::parse`]). Lookups use the canonical key from [`chain::parse`], so case and the
//! several spellings of one address do not matter. A Tron address and an EVM address with the same
//! 20-byte body are reported as linked, not as the same address. List addresses that do not
//! validate (OFAC's remarks truncate some) are still indexed by their exact text, so the list is
//! screened as published.
//!
//! Exact-text matching ignores case only where the address format does:
//! - an EVM address whose mixed case breaks its EIP-55 checksum does not validate (the list
//!   entry gets a diagnostic) but still matches any spelling of the same hex digits, reported
//!   as [`MatchKind::RawText`]: `0x52908400098527886E0F7030069857D2E4169Ee7` listed matches
//!   `0x52908400098527886e0f7030069857d2e4169ee7` screened;
//! - bech32 and CashAddr are case-insensitive formats, so a mixed-case spelling (invalid) of a
//!   listed bech32 address matches it by text;
//! - Base58 (Bitcoin legacy, Tron, Solana, XRP, Monero) is case-sensitive: the lower-cased
//!   spelling of a listed Base58 address is another string, not a valid address, and matches
//!   nothing.
//!
//! The crate is pure: it takes entities and bytes and does no I/O.

use std::collections::HashMap;

use model::{Diagnostic, Entity, Schema, Severity};
use serde::Serialize;

pub mod labels;

pub use labels::Label;

/// Where a hit comes from.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// A wallet of a listed entity.
    List {
        /// The list (`ofac-sdn`, …).
        list: String,
        /// The list version the decision used.
        list_version: String,
        /// The entity that holds the address.
        entity_id: String,
        /// Its primary name.
        name: String,
        /// Its sanctions programs.
        programs: Vec<String>,
        /// The currency code the list files the address under.
        currency: String,
    },
    /// A label from a user-supplied file.
    Label {
        /// The label file (or the `source` column of its row).
        source: String,
        /// Category such as `stolen_funds`, `mixer`, `exchange`.
        category: String,
        /// Free-text label.
        label: String,
        /// The chain the label file names, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        chain: Option<String>,
    },
}

/// How a hit's address relates to the screened one.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The same address (same canonical key).
    Exact,
    /// The same text, for list entries that do not validate as an address.
    RawText,
    /// A Tron address and an EVM address with the same 20-byte body: the same key pair controls
    /// both, which is strong evidence but not the same account.
    LinkedKey,
    /// Another address of the screened address's UTXO cluster (they spent together, see
    /// [`Hit::cluster`]); asked for with `--clusters`. A heuristic link, not the same address.
    Cluster,
}

/// Which clustering heuristic joined two addresses.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinReason {
    /// Both spent in the transaction (the multi-input heuristic).
    MultiInput,
    /// The second received the transaction's change (the optional change heuristic).
    Change,
}

/// One transaction that put two addresses in one cluster.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ClusterJoin {
    /// The transaction id as the UTXO input spells it.
    pub tx: String,
    /// Its block.
    pub block: u64,
    /// The address already in the cluster.
    pub from: String,
    /// The address the transaction joined to it.
    pub to: String,
    /// The heuristic.
    pub reason: JoinReason,
}

/// Why an address counts as part of a labelled or listed address's cluster: the labelled
/// address and the chain of transactions that joins them, in order from it.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ClusterLink {
    /// The listed or labelled address of the cluster.
    pub via: String,
    /// The joins from `via` to this address (empty until a report asks for them).
    pub evidence: Vec<ClusterJoin>,
}

/// One hit for a screened address.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Hit {
    /// How it matched.
    pub matched_on: MatchKind,
    /// The address as the list or label file spells it.
    pub listed_address: String,
    /// Where it comes from.
    pub source: Source,
    /// Set when the list files the address under a currency it cannot belong to, or files a
    /// string that is no address format under a currency that admits it (says which).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency_mismatch: Option<String>,
    /// For [`MatchKind::Cluster`]: the listed address of the cluster and the transactions that
    /// join the screened address to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<ClusterLink>,
}

/// The screening result of one address.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The input as given.
    pub address: String,
    /// Whether it is a valid address of some supported chain.
    pub valid: bool,
    /// Why it is not, when it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Which check failed, as a stable machine code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<String>,
    /// The canonical key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canonical: Option<String>,
    /// The address family.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// Candidate chains.
    pub chains: Vec<String>,
    /// Set when a chain was declared for the input and the address cannot be on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared_chain_mismatch: Option<String>,
    /// Every hit, sorted.
    pub hits: Vec<Hit>,
}

impl Report {
    /// Whether any list or label holds the address.
    pub fn is_hit(&self) -> bool {
        !self.hits.is_empty()
    }

    /// The report as `interdict address` prints it: a head line, then one line per hit with
    /// its cluster evidence and currency note.
    pub fn text(&self) -> String {
        use std::fmt::Write as _;
        let mut s = if self.valid {
            format!(
                "{}  valid {} ({})",
                self.address,
                self.family.as_deref().unwrap_or(""),
                self.chains.join(", ")
            )
        } else {
            format!(
                "{}  INVALID: {}",
                self.address,
                self.error.as_deref().unwrap_or("?")
            )
        };
        if let Some(m) = &self.declared_chain_mismatch {
            let _ = write!(s, "  [declared chain mismatch: {m}]");
        }
        let _ = writeln!(s, "  — {} hit(s)", self.hits.len());
        for h in &self.hits {
            let how = format!("{:?}", h.matched_on);
            let _ = match &h.source {
                Source::List {
                    list,
                    list_version,
                    entity_id,
                    name,
                    programs,
                    currency,
                } => writeln!(
                    s,
                    "    {how:<9} {entity_id:<14} {name}  [{}]  {currency}  ({list}@{list_version})",
                    programs.join(", ")
                ),
                Source::Label {
                    source,
                    category,
                    label,
                    ..
                } => writeln!(s, "    {how:<9} {category:<14} {label}  ({source})"),
            };
            if let Some(c) = &h.cluster {
                let _ = writeln!(
                    s,
                    "              same UTXO cluster as {}, joined by:",
                    c.via
                );
                for j in &c.evidence {
                    let _ = writeln!(
                        s,
                        "                tx {} (block {}): {} and {} ({:?})",
                        j.tx, j.block, j.from, j.to, j.reason
                    );
                }
            }
            if let Some(m) = &h.currency_mismatch {
                let _ = writeln!(
                    s,
                    "              note: the list files this address under a currency it cannot belong to: {m}"
                );
            }
        }
        s
    }
}

#[derive(Debug, Clone)]
struct Entry {
    listed: String,
    source: Source,
    currency_mismatch: Option<String>,
}

/// Every address the loaded lists and label files carry, indexed for lookup.
#[derive(Debug, Default, Clone)]
pub struct AddressBook {
    entries: Vec<Entry>,
    by_key: HashMap<String, Vec<u32>>,
    by_body: HashMap<[u8; 20], Vec<u32>>,
    by_raw: HashMap<String, Vec<u32>>,
    /// Addresses in the lists that did not validate; they are still indexed by their text.
    pub diagnostics: Vec<Diagnostic>,
}

/// The text key of an address for exact-text matching. Case is ignored only where the format
/// ignores it: hexadecimal text (EVM, where mixed case is an EIP-55 checksum, so a listed
/// address with a wrong checksum still matches every spelling of its hex digits) and text whose
/// lower-case form is a valid bech32 or CashAddr address. Base58 is case-sensitive, so a
/// lower-cased Base58 spelling, which is a different string and no valid address, does not
/// match the listed one.
fn raw_key(s: &str) -> String {
    let s = s.trim();
    let hex = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return s.to_ascii_lowercase();
    }
    let lower = s.to_ascii_lowercase();
    match chain::parse(&lower) {
        Ok(a) if matches!(a.format(), chain::Format::Bech32 | chain::Format::CashAddr) => lower,
        _ => s.to_string(),
    }
}

impl AddressBook {
    /// An empty book.
    pub fn new() -> AddressBook {
        AddressBook::default()
    }

    /// The number of indexed list and label entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn insert(&mut self, address: &str, declared: Option<&str>, source: Source, origin: &str) {
        let address = address.trim();
        if address.is_empty() {
            return;
        }
        let idx = self.entries.len() as u32;
        // A declared currency both flags a mismatch and admits list entries that are no address
        // format but are filed under that currency (OFAC's hex string under XMR).
        let declared_parse = declared.and_then(|code| chain::parse_declared(address, code).ok());
        let (parsed, currency_mismatch) = match declared_parse {
            Some(d) => {
                let note = d
                    .mismatch
                    .map(|m| m.to_string())
                    .or(d.nonstandard.map(str::to_string));
                (Ok(d.address), note)
            }
            None => (chain::parse(address), None),
        };
        match parsed {
            Ok(a) => {
                self.by_key
                    .entry(a.canonical().to_string())
                    .or_default()
                    .push(idx);
                if let Some(body) = a.evm_body() {
                    self.by_body.entry(body).or_default().push(idx);
                }
            }
            Err(e) => {
                self.diagnostics.push(Diagnostic::for_file(
                    Severity::Warning,
                    origin,
                    format!(
                        "Listed address {address:?} is not a valid address ({e}); it is matched by its exact text only."
                    ),
                ));
            }
        }
        self.by_raw.entry(raw_key(address)).or_default().push(idx);
        self.entries.push(Entry {
            listed: address.to_string(),
            source,
            currency_mismatch,
        });
    }

    /// Adds the wallets of a list's entities: `Entity::wallets` and FtM `CryptoWallet` entities
    /// (their `publicKey` and `currency` properties, holder resolved to its caption when the
    /// holder is in the same list).
    pub fn add_list(&mut self, list: &str, version: &str, entities: &[Entity]) {
        let by_ftm_id: HashMap<String, &Entity> = entities
            .iter()
            .map(|e| (model::ftm::ftm_id(&e.id), e))
            .collect();
        for e in entities {
            let programs: Vec<String> = e.programs().iter().map(|s| s.to_string()).collect();
            for w in &e.wallets {
                let source = Source::List {
                    list: list.to_string(),
                    list_version: version.to_string(),
                    entity_id: e.id.to_string(),
                    name: e.caption().to_string(),
                    programs: programs.clone(),
                    currency: w.currency.clone(),
                };
                self.insert(&w.address, Some(&w.currency), source, e.id.as_str());
            }
            if e.schema == Schema::CryptoWallet {
                let holder = e
                    .extra
                    .get("holder")
                    .and_then(|h| h.first())
                    .and_then(|h| by_ftm_id.get(h));
                let (entity_id, name, programs) = match holder {
                    Some(h) => (
                        h.id.to_string(),
                        h.caption().to_string(),
                        h.programs().iter().map(|s| s.to_string()).collect(),
                    ),
                    None => (e.id.to_string(), e.caption().to_string(), programs.clone()),
                };
                let currency = e
                    .extra
                    .get("currency")
                    .and_then(|c| c.first())
                    .cloned()
                    .unwrap_or_default();
                for key in e.extra.get("publicKey").into_iter().flatten() {
                    let source = Source::List {
                        list: list.to_string(),
                        list_version: version.to_string(),
                        entity_id: entity_id.clone(),
                        name: name.clone(),
                        programs: programs.clone(),
                        currency: currency.clone(),
                    };
                    let declared = (!currency.is_empty()).then_some(currency.as_str());
                    self.insert(key, declared, source, e.id.as_str());
                }
            }
        }
    }

    /// Adds labels from a label file.
    pub fn add_labels(&mut self, labels: &[Label]) {
        for l in labels {
            let source = Source::Label {
                source: l.source.clone(),
                category: l.category.clone(),
                label: l.label.clone(),
                chain: l.chain.clone(),
            };
            self.insert(&l.address, None, source, &l.source);
        }
    }

    /// Every listed or labelled address as the list or label file spells it, in load order
    /// (an address listed twice comes twice).
    pub fn listed(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.listed.as_str())
    }

    /// The hits of `listed` (an address of the book) carried to another member of its UTXO
    /// cluster: its exact hits, as [`MatchKind::Cluster`] with `link` as the evidence.
    pub fn cluster_hits(&self, listed: &str, link: &ClusterLink) -> Vec<Hit> {
        self.screen(listed, None)
            .hits
            .into_iter()
            .filter(|h| matches!(h.matched_on, MatchKind::Exact | MatchKind::RawText))
            .map(|h| Hit {
                matched_on: MatchKind::Cluster,
                cluster: Some(link.clone()),
                ..h
            })
            .collect()
    }

    /// Screens one address, optionally with the chain the caller says it is on.
    pub fn screen(&self, input: &str, declared_chain: Option<&str>) -> Report {
        let trimmed = input.trim();
        let mut report = Report {
            address: input.to_string(),
            valid: false,
            error: None,
            error_kind: None,
            canonical: None,
            family: None,
            chains: Vec::new(),
            declared_chain_mismatch: None,
            hits: Vec::new(),
        };
        let mut seen: Vec<u32> = Vec::new();
        let mut push = |hits: &mut Vec<Hit>, idx: u32, kind: MatchKind| {
            if seen.contains(&idx) {
                return;
            }
            seen.push(idx);
            if let Some(e) = self.entries.get(idx as usize) {
                hits.push(Hit {
                    matched_on: kind,
                    listed_address: e.listed.clone(),
                    source: e.source.clone(),
                    currency_mismatch: e.currency_mismatch.clone(),
                    cluster: None,
                });
            }
        };
        match chain::parse(trimmed) {
            Ok(a) => {
                report.valid = true;
                report.canonical = Some(a.canonical().to_string());
                report.family = Some(format!("{:?}", a.family()));
                report.chains = a.chains().iter().map(|c| format!("{c:?}")).collect();
                if let Some(code) = declared_chain.filter(|c| !c.trim().is_empty()) {
                    match chain::parse_declared(trimmed, code) {
                        Ok(d) => report.declared_chain_mismatch = d.mismatch.map(|m| m.to_string()),
                        Err(e) => report.declared_chain_mismatch = Some(e.to_string()),
                    }
                }
                for idx in self.by_key.get(a.canonical()).into_iter().flatten() {
                    push(&mut report.hits, *idx, MatchKind::Exact);
                }
                if let Some(body) = a.evm_body() {
                    for idx in self.by_body.get(&body).into_iter().flatten() {
                        push(&mut report.hits, *idx, MatchKind::LinkedKey);
                    }
                }
            }
            Err(e) => {
                report.error = Some(e.to_string());
                report.error_kind = Some(format!("{:?}", e.kind()));
            }
        }
        for idx in self.by_raw.get(&raw_key(trimmed)).into_iter().flatten() {
            push(&mut report.hits, *idx, MatchKind::RawText);
        }
        report.hits.sort();
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::{EntityId, Name, NameKind, Sanction, Wallet};

    fn lazarus() -> Entity {
        let mut e = Entity::new(EntityId::parse("ofac:27307").unwrap(), Schema::Organization);
        e.add_name(Name::new("LAZARUS GROUP", NameKind::Primary));
        e.sanctions.push(Sanction {
            authority: "OFAC".into(),
            programs: vec!["DPRK3".into()],
            ..Sanction::default()
        });
        for (c, a) in [
            ("ETH", "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"),
            ("XBT", "TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq"),
            ("XBT", "1B11Ezqg3AXj"),
        ] {
            e.wallets.push(Wallet {
                currency: c.into(),
                address: a.into(),
            });
        }
        e
    }

    fn check(book: &AddressBook, input: &str, expected: (bool, &[(MatchKind, &str)])) {
        let r = book.screen(input, None);
        let got: Vec<(MatchKind, &str)> = r
            .hits
            .iter()
            .map(|h| match &h.source {
                Source::List { entity_id, .. } => (h.matched_on, entity_id.as_str()),
                Source::Label { label, .. } => (h.matched_on, label.as_str()),
            })
            .collect();
        assert_eq!((r.valid, got.as_slice()), expected, "input {input:?}");
    }

    #[test]
    fn screens_case_insensitively_and_by_raw_text() {
        let mut book = AddressBook::new();
        book.add_list("ofac-sdn", "v1", &[lazarus()]);
        let lz: &[(MatchKind, &str)] = &[(MatchKind::Exact, "ofac:27307")];
        check(
            &book,
            "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
            (true, lz),
        );
        check(
            &book,
            "0x098b716b8aaf21512996dc57eb0615e2383e2f96",
            (true, lz),
        );
        check(
            &book,
            "  0x098b716b8aaf21512996dc57eb0615e2383e2f96 ",
            (true, lz),
        );
        // A truncated list entry is matched only by its exact text.
        check(
            &book,
            "1B11Ezqg3AXj",
            (false, &[(MatchKind::RawText, "ofac:27307")]),
        );
        check(
            &book,
            "0x0000000000000000000000000000000000000000",
            (true, &[]),
        );
        assert_eq!(book.diagnostics.len(), 1);
    }

    #[test]
    fn raw_text_ignores_case_only_where_the_format_does() {
        let label = |address: &str| Label {
            address: address.into(),
            chain: None,
            category: "c".into(),
            label: address.into(),
            source: "f".into(),
        };
        let mut book = AddressBook::new();
        // A wrong EIP-55 checksum (the last letter's case), a valid Base58 address, a truncated
        // Base58 entry and a valid bech32 address.
        let bad_checksum = "0x52908400098527886E0F7030069857D2E4169Ee7";
        let b58 = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";
        let bech = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq";
        book.add_labels(&[
            label(bad_checksum),
            label(b58),
            label("1B11Ezqg3AXj"),
            label(bech),
        ]);
        let raw = MatchKind::RawText;
        let exact = MatchKind::Exact;
        for (input, expected) in [
            // The bad checksum is no valid address but matches its hex digits in any case.
            (bad_checksum, (false, vec![(raw, bad_checksum)])),
            (
                "0x52908400098527886e0f7030069857d2e4169ee7",
                (true, vec![(raw, bad_checksum)]),
            ),
            (b58, (true, vec![(exact, b58)])),
            // Lower-cased Base58 is another string: no match (it matched before issue 16).
            ("1a1zp1ep5qgefi2dmptftl5slmv7divfna", (false, vec![])),
            ("1b11ezqg3axj", (false, vec![])),
            ("1B11Ezqg3AXj", (false, vec![(raw, "1B11Ezqg3AXj")])),
            // Mixed-case bech32 is invalid but the same address by text.
            (
                "bc1QAR0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
                (false, vec![(raw, bech)]),
            ),
            (
                "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ",
                (true, vec![(exact, bech)]),
            ),
        ] {
            check(&book, input, (expected.0, &expected.1));
        }
    }

    #[test]
    fn flags_the_currency_mismatch_of_the_list() {
        let mut book = AddressBook::new();
        book.add_list("ofac-sdn", "v1", &[lazarus()]);
        let r = book.screen("TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq", None);
        assert_eq!(r.hits.len(), 1);
        assert!(r.hits[0].currency_mismatch.is_some());
    }

    #[test]
    fn links_tron_and_evm_bodies() {
        let tron = chain::parse("TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq").unwrap();
        let body = tron.evm_body().unwrap();
        let evm: String = std::iter::once("0x".to_string())
            .chain(body.iter().map(|b| format!("{b:02x}")))
            .collect();
        let mut book = AddressBook::new();
        book.add_list("ofac-sdn", "v1", &[lazarus()]);
        check(&book, &evm, (true, &[(MatchKind::LinkedKey, "ofac:27307")]));
    }

    #[test]
    fn reports_why_an_address_is_invalid() {
        let book = AddressBook::new();
        let r = book.screen("0xC5ABDE4CE8C5740F4bad6C3B05E4Da31d229659", None);
        assert!(!r.valid);
        assert_eq!(r.error_kind.as_deref(), Some("WrongLength"));
        assert!(r.error.unwrap().contains("39"));
    }
}
