//! Linking across subjects: shared keys, near-duplicate résumés and connected components.
//!
//! Each subject is reduced to compact [`SubjectKeys`] first, so that a million records need not
//! stay in memory while they are linked. Keys are 64-bit hashes (keyed HMAC for SSNs, id numbers
//! and bank accounts); a group of subjects sharing a key becomes a finding on each of them, and
//! groups below the hub size join subjects into clusters with union-find.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::finding::Finding;
use crate::keys::{self, HashKey};
use crate::record::Record;

/// Groups larger than this are hubs (corporate NAT, a big co-working space, a template site):
/// they are reported with a lower weight and do not join clusters.
pub const HUB: usize = 50;

/// How many linked subject ids a finding lists.
pub const MAX_LINKED: usize = 20;

/// The number of MinHash values per résumé.
pub const MINHASH: usize = 32;

/// LSH bands over the MinHash signature (rows = MINHASH / BANDS).
pub const BANDS: usize = 8;

/// The estimated Jaccard similarity from which two résumés are near-duplicates.
pub const RESUME_SIMILARITY: f64 = 0.7;

/// What kind of value two subjects share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum KeyKind {
    /// SSN or another government id number (keyed hash).
    GovernmentId,
    /// Bank or wallet-service account (keyed hash).
    BankAccount,
    /// Crypto payout address.
    PayoutAddress,
    /// Equipment shipping address.
    ShippingAddress,
    /// Device serial number.
    DeviceSerial,
    /// Phone number.
    Phone,
    /// E-mail address.
    Email,
    /// Login IP in the same hour.
    LoginIp,
    /// GitHub handle.
    GithubHandle,
    /// GitHub commit e-mail.
    CommitEmail,
    /// Near-duplicate résumé.
    Resume,
    /// The same face per a consented face-match vendor id (keyed hash).
    Face,
}

impl KeyKind {
    /// A human label.
    pub fn label(self) -> &'static str {
        match self {
            KeyKind::GovernmentId => "government id",
            KeyKind::BankAccount => "bank account",
            KeyKind::PayoutAddress => "payout address",
            KeyKind::ShippingAddress => "shipping address",
            KeyKind::DeviceSerial => "device serial",
            KeyKind::Phone => "phone",
            KeyKind::Email => "e-mail",
            KeyKind::LoginIp => "login IP (same hour)",
            KeyKind::GithubHandle => "GitHub handle",
            KeyKind::CommitEmail => "GitHub commit e-mail",
            KeyKind::Resume => "résumé text",
            KeyKind::Face => "face (vendor match)",
        }
    }
}

/// One link key of a subject.
#[derive(Debug, Clone)]
pub struct LinkKey {
    /// What it is.
    pub kind: KeyKind,
    /// The 64-bit key.
    pub hash: u64,
    /// How to show it (masked where sensitive).
    pub display: Box<str>,
    /// For shipping addresses and payout accounts: whether it is the subject's own home or
    /// own-name account, which makes sharing within a household benign.
    pub own: bool,
    /// For shipping addresses and accounts: whether it is a shared place rather than a person's
    /// (an office or co-working suite, an agency's or employer of record's account), where
    /// several unrelated workers are expected.
    pub place: bool,
}

/// Words in a raw shipping address that mark an office or co-working space.
pub const OFFICE_WORDS: &[&str] = &[
    "suite",
    "ste",
    "floor",
    "fl",
    "wework",
    "regus",
    "industrious",
    "spaces",
    "coworking",
    "co-working",
    "cowork",
    "office",
];

/// Whether a raw address is an office or co-working space.
fn office(a: &crate::record::PostalAddress) -> bool {
    a.lines.iter().any(|l| {
        names::normalize(l)
            .split(' ')
            .any(|w| OFFICE_WORDS.contains(&w))
    })
}

/// The compact form of a subject that linking needs.
#[derive(Debug, Clone)]
pub struct SubjectKeys {
    /// The subject id.
    pub subject_id: Box<str>,
    /// The normalised legal name.
    pub name: Box<str>,
    /// The name as written, for reports.
    pub shown_name: Box<str>,
    /// Normalised other names.
    pub other_names: Vec<Box<str>>,
    /// The surname (last token).
    pub surname: Box<str>,
    /// The birth date as given.
    pub birth_date: Option<Box<str>>,
    /// The normalised identity (home) address, hashed: subjects at one home are a household.
    pub home: Option<u64>,
    /// The subject id of the referrer, if any.
    pub referred_by: Option<Box<str>>,
    /// The link keys, deduplicated.
    pub keys: Vec<LinkKey>,
    /// The résumé's MinHash signature.
    pub minhash: Option<Box<[u32; MINHASH]>>,
}

/// FNV-1a, a fixed deterministic hash for non-sensitive keys.
fn fnv(kind: KeyKind, s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ (kind as u64);
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn keyed(key: &HashKey, kind: KeyKind, s: &str) -> u64 {
    let mut msg = vec![kind as u8];
    msg.extend_from_slice(s.as_bytes());
    let h = key.hmac(&msg);
    u64::from_le_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]])
}

fn mix(mut x: u64) -> u64 {
    // splitmix64's finaliser: cheap, well-distributed permutations for MinHash.
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The MinHash signature of a text's 4-word shingles; `None` for texts under 12 words, which
/// are too short to call near-duplicates.
pub fn minhash(text: &str) -> Option<Box<[u32; MINHASH]>> {
    let folded = names::normalize(text);
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() < 12 {
        return None;
    }
    let mut sig = [u32::MAX; MINHASH];
    for w in words.windows(4) {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for word in w {
            for b in word.bytes() {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
            h ^= 0x20;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for (i, s) in sig.iter_mut().enumerate() {
            let v = (mix(h ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)) >> 32) as u32;
            if v < *s {
                *s = v;
            }
        }
    }
    Some(Box::new(sig))
}

/// The estimated Jaccard similarity of two signatures.
pub fn similarity(a: &[u32; MINHASH], b: &[u32; MINHASH]) -> f64 {
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / MINHASH as f64
}

/// Reduces a record to its link keys. Sign-ins from `allowed` ranges (the `!` lines of the
/// anonymiser lists: corporate VPN egress) never link subjects, like sign-ins flagged
/// `corporate_egress`.
pub fn extract(r: &Record, key: &HashKey, allowed: &crate::CidrSet) -> SubjectKeys {
    let c = &r.claims;
    let mut out: Vec<LinkKey> = Vec::new();
    let mut places: Vec<(KeyKind, u64)> = Vec::new();
    let mut push = |kind, hash, display: String, own| {
        out.push(LinkKey {
            kind,
            hash,
            display: display.into_boxed_str(),
            own,
            place: false,
        })
    };
    for id in &c.government_ids {
        let k = keys::id_key(&id.number);
        if k.len() >= 4 {
            let kind = if id.kind.eq_ignore_ascii_case("itin") {
                "ssn"
            } else {
                id.kind.as_str()
            };
            let msg = format!("{}:{k}", kind.to_ascii_lowercase());
            push(
                KeyKind::GovernmentId,
                keyed(key, KeyKind::GovernmentId, &msg),
                format!("{} {}", id.kind, keys::mask(&id.number)),
                false,
            );
        }
    }
    let home = c.address.as_ref().and_then(keys::address);
    for p in &c.payment_destinations {
        let own = p
            .holder_name
            .as_deref()
            .is_none_or(|h| crate::screen::holder_is_subject(r, h));
        if let Some(acct) = p
            .account
            .as_deref()
            .filter(|a| keys::account_key(a).len() >= 4)
        {
            // Routing and account numbers are compared as digits without leading zeros, so
            // "000123456" and "123-456" at one bank are one account.
            let msg = format!(
                "{}:{}",
                keys::account_key(p.routing.as_deref().unwrap_or("")),
                keys::account_key(acct)
            );
            let hash = keyed(key, KeyKind::BankAccount, &msg);
            if p.holder_name
                .as_deref()
                .is_some_and(keys::looks_like_organisation)
            {
                places.push((KeyKind::BankAccount, hash));
            }
            push(
                KeyKind::BankAccount,
                hash,
                format!("{} account {}", p.kind, keys::mask(acct)),
                own,
            );
        }
        if let Some(addr) = p.address.as_deref().filter(|a| !a.trim().is_empty()) {
            let canon = chain::parse(addr.trim())
                .map(|a| a.canonical().to_string())
                .unwrap_or_else(|_| addr.trim().to_lowercase());
            push(
                KeyKind::PayoutAddress,
                fnv(KeyKind::PayoutAddress, &canon),
                addr.trim().to_string(),
                own,
            );
        }
    }
    for s in &r.observations.shipments {
        if let Some(a) = keys::address(&s.address) {
            let own = home.as_deref() == Some(a.as_str());
            let hash = fnv(KeyKind::ShippingAddress, &a);
            if office(&s.address) {
                places.push((KeyKind::ShippingAddress, hash));
            }
            push(KeyKind::ShippingAddress, hash, a, own);
        }
    }
    for d in &r.observations.devices {
        if let Some(s) = d
            .serial
            .as_deref()
            .map(keys::id_key)
            .filter(|s| s.len() >= 4)
        {
            push(
                KeyKind::DeviceSerial,
                fnv(KeyKind::DeviceSerial, &s),
                format!("serial {}", keys::mask(&s)),
                false,
            );
        }
    }
    for p in c.phones.iter().filter_map(|p| keys::phone(p)) {
        push(
            KeyKind::Phone,
            fnv(KeyKind::Phone, &p),
            keys::mask(&p),
            false,
        );
    }
    for e in c.emails.iter().filter_map(|e| keys::email(e)) {
        push(
            KeyKind::Email,
            fnv(KeyKind::Email, &e),
            keys::mask_email(&e),
            false,
        );
    }
    for l in &r.observations.logins {
        if l.corporate_egress || l.ip.trim().is_empty() || allowed.allowed(&l.ip) {
            continue;
        }
        if let Some(t) = keys::seconds(&l.time) {
            let hour = t.div_euclid(3600);
            let ip = l.ip.trim();
            push(
                KeyKind::LoginIp,
                fnv(KeyKind::LoginIp, &format!("{ip}@{hour}")),
                format!("{ip} at {}:00 UTC", l.time.get(..13).unwrap_or(&l.time)),
                false,
            );
        }
    }
    for p in &c.profiles {
        if p.platform.eq_ignore_ascii_case("github") {
            if let Some(h) = p
                .handle
                .as_deref()
                .map(|h| h.trim().to_lowercase())
                .filter(|h| !h.is_empty())
            {
                push(
                    KeyKind::GithubHandle,
                    fnv(KeyKind::GithubHandle, &h),
                    h,
                    false,
                );
            }
            for e in p.commit_emails.iter().filter_map(|e| keys::email(e)) {
                // GitHub's no-reply addresses are per account and shared by nobody else.
                push(
                    KeyKind::CommitEmail,
                    fnv(KeyKind::CommitEmail, &e),
                    keys::mask_email(&e),
                    false,
                );
            }
        }
    }
    if r.observations.biometric_consent {
        let faces = r
            .observations
            .interviews
            .iter()
            .filter_map(|i| i.face_id.as_deref())
            .chain(
                c.government_ids
                    .iter()
                    .filter_map(|g| g.portrait_face_id.as_deref()),
            )
            .map(str::trim)
            .filter(|f| !f.is_empty());
        for f in faces {
            push(
                KeyKind::Face,
                keyed(key, KeyKind::Face, f),
                format!("face id {}", keys::mask(f)),
                false,
            );
        }
    }
    for k in &mut out {
        k.place = places.contains(&(k.kind, k.hash));
    }
    out.sort_by_key(|k| (k.kind, k.hash));
    out.dedup_by(|a, b| a.kind == b.kind && a.hash == b.hash);
    SubjectKeys {
        subject_id: r.subject_id.clone().into_boxed_str(),
        name: keys::name(&c.name).into_boxed_str(),
        shown_name: c.name.trim().into(),
        other_names: c
            .other_names
            .iter()
            .map(|n| keys::name(n).into_boxed_str())
            .collect(),
        surname: keys::surname(&c.name).into_boxed_str(),
        birth_date: c.birth_date.clone().map(String::into_boxed_str),
        home: home.as_deref().map(|h| fnv(KeyKind::ShippingAddress, h)),
        referred_by: c
            .referred_by
            .as_deref()
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(Box::from),
        keys: out,
        minhash: c.resume_text.as_deref().and_then(minhash),
    }
}

/// An edge of a cluster graph.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Edge {
    /// One subject.
    pub a: String,
    /// The other.
    pub b: String,
    /// What they share.
    pub kind: KeyKind,
    /// The shared value, masked where sensitive.
    pub key: String,
    /// Whether the key is benign by construction: a household's home, joint account or home
    /// network, an office or an agency's account. The HTML report does not draw clusters
    /// held together only by such edges; the JSON lines leave it out.
    #[serde(skip)]
    pub benign: bool,
}

/// Whether a shared key between two subjects is a household's or a shared place's.
fn benign_edge(a: &SubjectKeys, b: &SubjectKeys, kind: KeyKind, k: u32) -> bool {
    let Some(ka) = a.keys.get(k as usize) else {
        return false;
    };
    let kb = b
        .keys
        .iter()
        .find(|x| x.kind == ka.kind && x.hash == ka.hash);
    let home = a.home.is_some() && a.home == b.home;
    match kind {
        KeyKind::BankAccount | KeyKind::PayoutAddress | KeyKind::ShippingAddress => {
            ka.place || home && ka.own && kb.is_some_and(|x| x.own)
        }
        KeyKind::Phone | KeyKind::Email | KeyKind::LoginIp => home,
        _ => false,
    }
}

/// A connected component of subjects linked by shared keys.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Cluster {
    /// `C1`, `C2`, … in order of size, then first subject id.
    pub cluster_id: String,
    /// Member subject ids, sorted.
    pub subjects: Vec<String>,
    /// Shared keys as edges (a star per shared key), sorted.
    pub edges: Vec<Edge>,
    /// How many distinct legal names share the cluster's keys.
    pub distinct_names: usize,
}

/// Link findings per subject (same order as the input) and the clusters.
#[derive(Debug, Clone, Default)]
pub struct Linked {
    /// Findings for each subject.
    pub findings: Vec<Vec<Finding>>,
    /// Clusters of two or more subjects.
    pub clusters: Vec<Cluster>,
    /// The cluster index of each subject, if any.
    pub cluster_of: Vec<Option<usize>>,
}

struct Dsu(Vec<u32>);

impl Dsu {
    fn find(&mut self, mut x: u32) -> u32 {
        while self.0[x as usize] != x {
            let p = self.0[x as usize];
            self.0[x as usize] = self.0[p as usize];
            x = p;
        }
        x
    }
    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.0[hi as usize] = lo;
        }
    }
}

/// Whether two subjects present the same identity: same name (or one's declared other name is
/// the other's name) and no contradicting birth date. A legitimate name change looks like this.
fn same_identity(a: &SubjectKeys, b: &SubjectKeys) -> bool {
    let names =
        a.name == b.name || a.other_names.contains(&b.name) || b.other_names.contains(&a.name);
    let dob = match (&a.birth_date, &b.birth_date) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    };
    names && dob
}

/// Links subjects by every shared key and near-duplicate résumé.
pub fn link(subjects: &[SubjectKeys]) -> Linked {
    let n = subjects.len();
    let mut flat: Vec<(KeyKind, u64, u32, u32)> = Vec::new();
    for (i, s) in subjects.iter().enumerate() {
        for (k, key) in s.keys.iter().enumerate() {
            flat.push((key.kind, key.hash, i as u32, k as u32));
        }
    }
    flat.sort_unstable();
    let mut findings: Vec<Vec<Finding>> = vec![Vec::new(); n];
    let mut dsu = Dsu((0..n as u32).collect());
    let mut edges: Vec<(u32, u32, KeyKind, u32)> = Vec::new();
    let mut ips = IpShares::new();
    let mut start = 0;
    while start < flat.len() {
        let mut end = start + 1;
        while end < flat.len() && flat[end].0 == flat[start].0 && flat[end].1 == flat[start].1 {
            end += 1;
        }
        if end - start >= 2 {
            let members: Vec<(u32, u32)> = flat[start..end].iter().map(|f| (f.2, f.3)).collect();
            group_findings(subjects, flat[start].0, &members, &mut findings, &mut ips);
            if members.len() <= HUB {
                let (root, rk) = members[0];
                for &(m, _) in &members[1..] {
                    dsu.union(root, m);
                    edges.push((root, m, flat[start].0, rk));
                }
            }
        }
        start = end;
    }
    drop(flat);
    login_findings(subjects, ips, &mut findings);
    resume_links(subjects, &mut findings, &mut dsu, &mut edges);

    // Components in a deterministic order: size descending, then first subject id.
    let mut comps: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for i in 0..n as u32 {
        comps.entry(dsu.find(i)).or_default().push(i);
    }
    let mut comps: Vec<Vec<u32>> = comps.into_values().filter(|c| c.len() >= 2).collect();
    for c in &mut comps {
        c.sort_by(|a, b| {
            subjects[*a as usize]
                .subject_id
                .cmp(&subjects[*b as usize].subject_id)
        });
    }
    comps.sort_by(|a, b| {
        b.len().cmp(&a.len()).then_with(|| {
            subjects[a[0] as usize]
                .subject_id
                .cmp(&subjects[b[0] as usize].subject_id)
        })
    });
    let mut cluster_of = vec![None; n];
    for (ci, c) in comps.iter().enumerate() {
        for &m in c {
            cluster_of[m as usize] = Some(ci);
        }
    }
    let mut cluster_edges: Vec<Vec<Edge>> = vec![Vec::new(); comps.len()];
    for (a, b, kind, k) in edges {
        let Some(ci) = cluster_of[a as usize] else {
            continue;
        };
        let sa = &subjects[a as usize];
        let key = if kind == KeyKind::Resume {
            format!("{} % similar", k)
        } else {
            sa.keys
                .get(k as usize)
                .map(|x| x.display.to_string())
                .unwrap_or_default()
        };
        let (x, y) = (
            sa.subject_id.to_string(),
            subjects[b as usize].subject_id.to_string(),
        );
        let (x, y) = if x <= y { (x, y) } else { (y, x) };
        let benign = kind != KeyKind::Resume && benign_edge(sa, &subjects[b as usize], kind, k);
        cluster_edges[ci].push(Edge {
            a: x,
            b: y,
            kind,
            key,
            benign,
        });
    }
    let clusters = comps
        .iter()
        .zip(cluster_edges)
        .enumerate()
        .map(|(i, (c, mut e))| {
            e.sort();
            e.dedup();
            let names: BTreeSet<&str> = c.iter().map(|m| &*subjects[*m as usize].name).collect();
            Cluster {
                cluster_id: format!("C{}", i + 1),
                subjects: c
                    .iter()
                    .map(|m| subjects[*m as usize].subject_id.to_string())
                    .collect(),
                edges: e,
                distinct_names: names.len(),
            }
        })
        .collect();
    Linked {
        findings,
        clusters,
        cluster_of,
    }
}

fn linked_ids(subjects: &[SubjectKeys], members: &[(u32, u32)], me: u32) -> Vec<String> {
    let mut ids: Vec<String> = members
        .iter()
        .filter(|(m, _)| *m != me)
        .map(|(m, _)| subjects[*m as usize].subject_id.to_string())
        .collect();
    ids.sort();
    ids.dedup();
    ids.truncate(MAX_LINKED);
    ids
}

/// What one subject shares through one login IP: how many hours, with whom.
#[derive(Debug, Default)]
struct IpShare {
    hours: usize,
    others: BTreeSet<u32>,
    hub: bool,
}

/// Shared login IPs per subject, by IP.
type IpShares = BTreeMap<u32, BTreeMap<Box<str>, IpShare>>;

/// The most points shared login IPs give a subject (L-9), however many IPs and hours.
pub const LOGIN_IP_CAP: f64 = 25.0;

/// One L-9 finding per subject from its shared login IPs: 25 points when an unrelated subject
/// shares an IP in the same hour, 5 when only members of the subject's household do (the home
/// IP), 10 for a hub (an office network); never more than [`LOGIN_IP_CAP`].
fn login_findings(subjects: &[SubjectKeys], ips: IpShares, findings: &mut [Vec<Finding>]) {
    for (m, by_ip) in ips {
        let s = &subjects[m as usize];
        let others: BTreeSet<u32> = by_ip
            .values()
            .flat_map(|e| e.others.iter().copied())
            .collect();
        let household = others
            .iter()
            .all(|o| s.home.is_some() && subjects[*o as usize].home == s.home);
        let hub = by_ip.values().all(|e| e.hub);
        let weight = if household {
            5.0
        } else if hub {
            10.0
        } else {
            LOGIN_IP_CAP
        };
        let shown: Vec<String> = by_ip
            .iter()
            .take(5)
            .map(|(ip, e)| {
                format!(
                    "{ip} ({} hour{}, {} other subject{})",
                    e.hours,
                    if e.hours == 1 { "" } else { "s" },
                    e.others.len(),
                    if e.others.len() == 1 { "" } else { "s" }
                )
            })
            .collect();
        let more = by_ip.len().saturating_sub(5);
        let mut text = format!(
            "Signed in from IPs that {} other subject(s) used in the same hour: {}{}.",
            others.len(),
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
        if household {
            text.push_str(" All of them share the subject's home address: a household network.");
        } else if hub {
            text.push_str(
                " Each IP is shared by many subjects (an office network), so it counts little.",
            );
        }
        let mut f = Finding::new("L-9", weight, text);
        let mut ids: Vec<String> = others
            .iter()
            .map(|o| subjects[*o as usize].subject_id.to_string())
            .collect();
        ids.sort();
        ids.truncate(MAX_LINKED);
        f.linked_subjects = ids;
        findings[m as usize].push(f);
    }
}

fn group_findings(
    subjects: &[SubjectKeys],
    kind: KeyKind,
    members: &[(u32, u32)],
    findings: &mut [Vec<Finding>],
    ips: &mut IpShares,
) {
    let hub = members.len() > HUB;
    let others = members.len() - 1;
    for &(m, k) in members {
        let s = &subjects[m as usize];
        let display = s.keys.get(k as usize).map(|x| &*x.display).unwrap_or("");
        let own = s.keys.get(k as usize).is_some_and(|x| x.own);
        let other_subjects = || {
            members
                .iter()
                .filter(|(o, _)| *o != m)
                .map(|(o, _)| &subjects[*o as usize])
        };
        let all_same_identity = other_subjects().all(|o| same_identity(s, o));
        // A household: every other subject lives at this subject's home and holds the key as
        // their own (a joint account, the shared home). Surnames are not compared: spouses and
        // partners often have different ones.
        let household = own
            && other_subjects().all(|o| {
                s.home.is_some()
                    && o.home == s.home
                    && o.keys.iter().any(|x| x.kind == kind && x.own)
            });
        let place = s.keys.get(k as usize).is_some_and(|x| x.place);
        let names_differ = !all_same_identity;
        let (signal, weight, text): (&str, f64, String) = match kind {
            KeyKind::GovernmentId => {
                if all_same_identity {
                    (
                        "L-1",
                        5.0,
                        format!(
                            "The {display} also appears on {others} other record(s) with the same person's current or declared former name: likely a re-application."
                        ),
                    )
                } else {
                    (
                        "L-1",
                        35.0,
                        format!(
                            "The {display} also appears on {others} other subject(s) with a different name or birth date: identity misuse suspected."
                        ),
                    )
                }
            }
            KeyKind::BankAccount | KeyKind::PayoutAddress if place && !household => (
                "L-2",
                10.0,
                format!(
                    "The {} {display} is an organisation's account (an agency or employer of record) paying {} subjects.",
                    kind.label(),
                    others + 1
                ),
            ),
            KeyKind::BankAccount | KeyKind::PayoutAddress => {
                if household {
                    (
                        "L-2",
                        10.0,
                        format!(
                            "The {} {display} is a joint account of {} subjects who share one home address.",
                            kind.label(),
                            others + 1
                        ),
                    )
                } else {
                    (
                        "L-2",
                        35.0,
                        format!(
                            "The {} {display} receives pay for {} subjects.",
                            kind.label(),
                            others + 1
                        ),
                    )
                }
            }
            KeyKind::ShippingAddress if place && !household => (
                "L-3",
                10.0,
                format!(
                    "Equipment was shipped to the office or co-working address '{display}' for {} subjects.",
                    others + 1
                ),
            ),
            KeyKind::ShippingAddress => {
                if household {
                    (
                        "L-3",
                        10.0,
                        format!(
                            "The shipping address '{display}' is the shared home of {} subjects.",
                            others + 1
                        ),
                    )
                } else {
                    (
                        "L-3",
                        35.0,
                        format!(
                            "Equipment was shipped to '{display}' for {} subjects.",
                            others + 1
                        ),
                    )
                }
            }
            KeyKind::DeviceSerial => (
                "L-4",
                30.0,
                format!("Device {display} is also on the record of {others} other subject(s)."),
            ),
            KeyKind::Phone | KeyKind::Email => {
                if !names_differ {
                    continue;
                }
                // Family members share a phone or an e-mail: the same home or the same family
                // name (suffixes such as "Jr." aside) makes it a household contact.
                let related = other_subjects()
                    .all(|o| o.surname == s.surname || s.home.is_some() && o.home == s.home);
                let w = if related { 5.0 } else { 25.0 };
                (
                    "L-5",
                    w,
                    format!(
                        "The {} {display} is on file for {others} subject(s) with another name.",
                        kind.label()
                    ),
                )
            }
            KeyKind::LoginIp => {
                // Aggregated per subject and IP after every group is seen (`login_findings`),
                // so that one shared home or office IP counts once, not once per hour.
                let ip = display.split(" at ").next().unwrap_or(display);
                let e = ips.entry(m).or_default().entry(ip.into()).or_default();
                e.hours += 1;
                e.hub |= hub;
                for (o, _) in members.iter().filter(|(o, _)| *o != m) {
                    e.others.insert(*o);
                }
                continue;
            }
            KeyKind::GithubHandle | KeyKind::CommitEmail => {
                if !names_differ {
                    continue;
                }
                (
                    "L-10",
                    20.0,
                    format!(
                        "The {} {display} is shared with {others} subject(s) of another name.",
                        kind.label()
                    ),
                )
            }
            KeyKind::Face => {
                if !names_differ {
                    continue;
                }
                (
                    "L-6",
                    30.0,
                    format!(
                        "The face-match vendor sees the same person ({display}) on {others} subject(s) with another name or birth date."
                    ),
                )
            }
            KeyKind::Resume => continue,
        };
        let weight = if hub { weight.min(10.0) } else { weight };
        let text = if hub {
            format!(
                "{text} The key is shared by many subjects (a hub such as an office network), so it counts little."
            )
        } else {
            text
        };
        let mut f = Finding::new(signal, weight, text);
        if matches!(kind, KeyKind::GithubHandle | KeyKind::CommitEmail) {
            // L-10 covers both a research-list lead and a handle shared across personas; the
            // catalogue text speaks of the lead, so the linking form says what it is itself.
            f.title = "GitHub handle or commit e-mail shared with differently named subjects";
            f.why = "One GitHub identity behind several differently named applicants suggests one operator running several personas.";
            f.benign = &["a shared team or bootcamp account", "a typo in the handle"];
            f.verify = "Ask each applicant to sign in to the account live or push a signed commit during the interview.";
        }
        f.linked_subjects = linked_ids(subjects, members, m);
        findings[m as usize].push(f);
    }
}

fn resume_links(
    subjects: &[SubjectKeys],
    findings: &mut [Vec<Finding>],
    dsu: &mut Dsu,
    edges: &mut Vec<(u32, u32, KeyKind, u32)>,
) {
    let rows = MINHASH / BANDS;
    let mut buckets: Vec<(u64, u32)> = Vec::new();
    for (i, s) in subjects.iter().enumerate() {
        if let Some(sig) = &s.minhash {
            for b in 0..BANDS {
                let mut h = fnv(KeyKind::Resume, &b.to_string());
                for v in &sig[b * rows..(b + 1) * rows] {
                    h = mix(h ^ u64::from(*v));
                }
                buckets.push((h, i as u32));
            }
        }
    }
    buckets.sort_unstable();
    let mut pairs: BTreeSet<(u32, u32)> = BTreeSet::new();
    let mut start = 0;
    while start < buckets.len() {
        let mut end = start + 1;
        while end < buckets.len() && buckets[end].0 == buckets[start].0 {
            end += 1;
        }
        if end - start >= 2 && end - start <= HUB {
            for x in start..end {
                for y in x + 1..end {
                    let (a, b) = (
                        buckets[x].1.min(buckets[y].1),
                        buckets[x].1.max(buckets[y].1),
                    );
                    if a != b {
                        pairs.insert((a, b));
                    }
                }
            }
        }
        start = end;
    }
    let mut per: BTreeMap<u32, Vec<(u32, u32)>> = BTreeMap::new();
    for (a, b) in pairs {
        let (sa, sb) = (&subjects[a as usize], &subjects[b as usize]);
        let (Some(x), Some(y)) = (&sa.minhash, &sb.minhash) else {
            continue;
        };
        let sim = similarity(x, y);
        if sim < RESUME_SIMILARITY || same_identity(sa, sb) {
            continue;
        }
        let pct = (sim * 100.0).round() as u32;
        per.entry(a).or_default().push((b, pct));
        per.entry(b).or_default().push((a, pct));
        dsu.union(a, b);
        edges.push((a, b, KeyKind::Resume, pct));
    }
    for (m, others) in per {
        let best = others.iter().map(|o| o.1).max().unwrap_or(0);
        let mut f = Finding::new(
            "L-7",
            15.0,
            format!(
                "The résumé is up to {best} % similar to that of {} subject(s) with another name.",
                others.len()
            ),
        );
        let mut ids: Vec<String> = others
            .iter()
            .map(|(o, _)| subjects[*o as usize].subject_id.to_string())
            .collect();
        ids.sort();
        ids.truncate(MAX_LINKED);
        f.linked_subjects = ids;
        findings[m as usize].push(f);
    }
}
