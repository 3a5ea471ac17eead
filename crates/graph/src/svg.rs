//! Exposure and trace reports drawn as flow graphs in SVG: a pure function of a report, for the
//! workbench and any other front end that shows a picture rather than a table.
//!
//! The layout is deterministic and layered by hop: money always flows from left to right. An
//! incoming exposure puts the screened wallet in the rightmost column and each counterparty as
//! many columns to the left as it is hops away; an outgoing exposure and a trace start on the
//! left (the screened wallet, or the seeds). Within a column nodes are ordered by the mean
//! position of their neighbours in the column before (a one-pass barycentre), ties by address,
//! which keeps most lines from crossing.
//!
//! What the picture says at a glance:
//!
//! - nodes are filled with their category's colour ([`category_colour`]), the screened wallet
//!   dark blue, unlabelled intermediaries white; every node says its category in words too;
//! - each line is one hop between two addresses with the amount written on it (several
//!   transfers between the same pair are summed and counted);
//! - the paths to sanctioned or stolen funds ([`is_severe`]) in an exposure, or the path from
//!   the seeds to the screened wallet in a trace, are drawn thick and red (class `hl`).
//!
//! Every node and line carries a `<title>` with the full address, label and exact amount in
//! base units, so nothing shortened for the picture is lost.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::amount::Total;
use crate::exposure::{Direction, ExposureReport};
use crate::trace::TraceReport;
use crate::view::EdgeInfo;

/// The most paths one picture draws; the rest are counted in [`Drawing::omitted`].
pub const MAX_PATHS: usize = 40;
/// The most hops a drawn path may have, so that the picture keeps a readable size at the
/// width of a screen; longer ones are counted in [`Drawing::omitted`] (a trace's path to the
/// screened wallet is drawn up to [`MAX_FOCUS_HOPS`]).
pub const MAX_HOPS: usize = 4;
/// The most hops of a trace's path to the screened wallet that is still drawn.
pub const MAX_FOCUS_HOPS: usize = 10;

const NODE_W: f64 = 150.0;
const NODE_H: f64 = 40.0;
const ROW_H: f64 = 56.0;
const COL_W: f64 = NODE_W + 98.0;
const MARGIN: f64 = 16.0;
const TOP: f64 = 12.0;
const RED: &str = "#b3261e";
const GREY: &str = "#8c959f";
const INK: &str = "#1b1f24";
const TARGET: &str = "#14263d";

/// What a node is in the picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// The wallet screened (the exposure's target, the trace's focus).
    Target,
    /// A taint source of a trace.
    Seed,
    /// A labelled counterparty the exposure walk reached.
    Counterparty,
    /// An address on a path between them.
    Intermediate,
}

/// One address in the picture.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The address as the graph spells it.
    pub address: String,
    /// What it is.
    pub role: Role,
    /// Its category, when labelled.
    pub category: Option<String>,
    /// Its label's text (an exchange's name, say), when labelled.
    pub label: String,
    /// A short figure shown on the node (a counterparty's share, a tainted account's hop).
    pub detail: String,
    /// Hops from the anchor (the target of an exposure, the seeds of a trace).
    pub rank: u32,
    /// Whether the node lies on a highlighted path.
    pub highlighted: bool,
}

/// The transfers between two addresses, as one line.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Index of the sender in [`Drawing::nodes`].
    pub from: usize,
    /// Index of the receiver.
    pub to: usize,
    /// The asset (`""` native).
    pub asset: String,
    /// The exact sum of the transfers drawn.
    pub amount: Total,
    /// How many transfers it sums.
    pub transfers: u64,
    /// The first block among them.
    pub block: u64,
    /// Whether it lies on a highlighted path.
    pub highlighted: bool,
}

/// A report turned into nodes and lines, before layout; [`render`] draws it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Drawing {
    /// A sentence that says what the picture shows (the SVG's title).
    pub title: String,
    /// A sentence that says what is highlighted (the SVG's description).
    pub description: String,
    /// Addresses, in order of first appearance.
    pub nodes: Vec<Node>,
    /// Lines between them.
    pub lines: Vec<Line>,
    /// Paths left out (over [`MAX_PATHS`] or longer than [`MAX_HOPS`]).
    pub omitted: usize,
    /// Whether money flows towards the anchor (an incoming exposure): the anchor is then the
    /// rightmost column.
    pub towards_anchor: bool,
}

/// How amounts are written: the native asset's symbol and decimals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// `ETH`, `BTC`, … (empty: base units).
    pub symbol: String,
    /// Decimals of the native asset.
    pub decimals: u32,
}

impl Unit {
    /// Base units, when the chain is not known.
    pub fn base() -> Unit {
        Unit {
            symbol: String::new(),
            decimals: 0,
        }
    }

    /// The native unit of the chain an address belongs to (`ETH` with 18 decimals for an EVM
    /// address, `BTC` with 8 for a Bitcoin one, …); base units when it does not parse.
    pub fn of_address(address: &str) -> Unit {
        use chain::Family as F;
        let (symbol, decimals) = match chain::parse(address).map(|a| a.family()) {
            Ok(F::Evm) => ("ETH", 18),
            Ok(F::Bitcoin) => ("BTC", 8),
            Ok(F::Litecoin) => ("LTC", 8),
            Ok(F::Dash) => ("DASH", 8),
            Ok(F::BitcoinGold) => ("BTG", 8),
            Ok(F::Verge) => ("XVG", 6),
            Ok(F::Zcash) => ("ZEC", 8),
            Ok(F::Monero) => ("XMR", 12),
            Ok(F::Tron) => ("TRX", 6),
            Ok(F::Xrp) => ("XRP", 6),
            Ok(F::Solana) => ("SOL", 9),
            Err(_) => return Unit::base(),
        };
        Unit {
            symbol: symbol.into(),
            decimals,
        }
    }

    /// An amount in base units, written with four significant digits in this unit (a token's
    /// amount, whose decimals are unknown, in base units with the token's short name).
    pub fn format(&self, amount: &Total, asset: &str) -> String {
        self.format_base(amount.to_f64(), asset)
    }

    /// [`Unit::format`] for an amount already in floating point (an exposure's category
    /// amounts, a trace's held taint).
    pub fn format_base(&self, base_units: f64, asset: &str) -> String {
        if !asset.is_empty() {
            return format!("{} {}", significant(base_units), short_address(asset));
        }
        let v = base_units / 10f64.powi(self.decimals as i32);
        if self.symbol.is_empty() {
            significant(v)
        } else {
            format!("{} {}", significant(v), self.symbol)
        }
    }
}

/// A number with four significant digits, thousands grouped, no exponent below 10^15.
fn significant(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return "0".into();
    }
    if !(1e-4..1e15).contains(&v) {
        return format!("{v:.3e}");
    }
    if v >= 1000.0 {
        let digits = format!("{:.0}", v);
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        return out;
    }
    let decimals = (3 - v.log10().floor() as i32).clamp(0, 12) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// `0x1234ab…cdef`: the first eight and last four characters of a long address.
pub fn short_address(a: &str) -> String {
    let chars: Vec<char> = a.chars().collect();
    if chars.len() <= 14 {
        return a.to_string();
    }
    let head: String = chars[..8].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// Whether a category marks funds a screened wallet must not touch: sanctions, theft and
/// hacks, terrorism, ransomware, darknet markets, scams and abuse material. These paths are
/// highlighted.
pub fn is_severe(category: &str) -> bool {
    let c = category.to_ascii_lowercase();
    [
        "sanction", "stolen", "theft", "hack", "exploit", "terror", "ransom", "darknet", "scam",
        "fraud", "csam", "child",
    ]
    .iter()
    .any(|k| c.contains(k))
}

/// The fill colour of a category: one hue per family of categories, each dark enough for
/// white text (at least 4.5:1).
pub fn category_colour(category: &str) -> &'static str {
    let c = category.to_ascii_lowercase();
    let has = |ks: &[&str]| ks.iter().any(|k| c.contains(k));
    if has(&["sanction"]) {
        RED
    } else if has(&["stolen", "theft", "hack", "exploit"]) {
        "#c2410c"
    } else if has(&["terror", "ransom", "darknet", "csam", "child"]) {
        "#7a0019"
    } else if has(&["scam", "fraud", "phish"]) {
        "#be185d"
    } else if has(&["mixer", "tumbler", "coinjoin", "privacy"]) {
        "#6d28d9"
    } else if has(&["exchange", "cex", "custod", "payment"]) {
        "#1d4ed8"
    } else if has(&["gambl"]) {
        "#8a5a00"
    } else if has(&["defi", "dex", "bridge", "contract"]) {
        "#0f766e"
    } else {
        "#475569"
    }
}

/// Collects paths into nodes and lines, one line per (sender, receiver, asset), each transfer
/// counted once however many paths share it.
#[derive(Default)]
struct Builder {
    d: Drawing,
    by_address: BTreeMap<String, usize>,
    by_pair: BTreeMap<(usize, usize, String), usize>,
    transfers: BTreeMap<u64, usize>,
}

impl Builder {
    fn node(&mut self, address: &str) -> usize {
        if let Some(&i) = self.by_address.get(address) {
            return i;
        }
        let i = self.d.nodes.len();
        self.d.nodes.push(Node {
            address: address.to_string(),
            role: Role::Intermediate,
            category: None,
            label: String::new(),
            detail: String::new(),
            rank: u32::MAX,
            highlighted: false,
        });
        self.by_address.insert(address.to_string(), i);
        i
    }

    fn path(&mut self, path: &[EdgeInfo], highlighted: bool) {
        for e in path {
            let (a, b) = (self.node(&e.from), self.node(&e.to));
            let at = match self.transfers.get(&e.edge) {
                Some(&at) => at,
                None => {
                    let key = (a, b, e.asset.clone());
                    let at = match self.by_pair.get(&key) {
                        Some(&at) => at,
                        None => {
                            self.d.lines.push(Line {
                                from: a,
                                to: b,
                                asset: e.asset.clone(),
                                amount: Total::ZERO,
                                transfers: 0,
                                block: e.block,
                                highlighted: false,
                            });
                            self.by_pair.insert(key, self.d.lines.len() - 1);
                            self.d.lines.len() - 1
                        }
                    };
                    let l = &mut self.d.lines[at];
                    l.amount = l.amount.add_amount(e.amount);
                    l.transfers += 1;
                    l.block = l.block.min(e.block);
                    self.transfers.insert(e.edge, at);
                    at
                }
            };
            if highlighted {
                self.d.lines[at].highlighted = true;
                self.d.nodes[a].highlighted = true;
                self.d.nodes[b].highlighted = true;
            }
        }
    }

    /// Sets every node's rank: hops from the anchors along the lines, against the flow when
    /// money flows towards the anchor.
    fn rank(mut self, anchors: &[usize]) -> Drawing {
        let mut frontier: Vec<usize> = anchors.to_vec();
        for &a in anchors {
            self.d.nodes[a].rank = 0;
        }
        let mut r = 0;
        while !frontier.is_empty() {
            r += 1;
            let mut next = Vec::new();
            for l in &self.d.lines {
                let (near, far) = if self.d.towards_anchor {
                    (l.to, l.from)
                } else {
                    (l.from, l.to)
                };
                if frontier.contains(&near) && self.d.nodes[far].rank == u32::MAX {
                    self.d.nodes[far].rank = r;
                    next.push(far);
                }
            }
            frontier = next;
        }
        // A node the lines do not reach from an anchor (a trace seeded by a transfer whose
        // sender is not a seed) sits in the anchors' column.
        for n in &mut self.d.nodes {
            if n.rank == u32::MAX {
                n.rank = 0;
            }
        }
        self.d
    }
}

fn percent(share: f64) -> String {
    if share > 0.0 && share < 0.0005 {
        "< 0.1 %".into()
    } else {
        format!("{:.1} %", share * 100.0)
    }
}

/// The picture of an exposure: the screened wallet, every listed counterparty and the dominant
/// path to each, the paths to severe categories ([`is_severe`]) highlighted.
pub fn exposure_drawing(r: &ExposureReport) -> Drawing {
    let mut b = Builder::default();
    b.d.towards_anchor = r.config.direction == Direction::In;
    let target = b.node(&r.target);
    b.d.nodes[target].role = Role::Target;
    if let Some(l) = &r.target_label {
        b.d.nodes[target].category = Some(l.category.clone());
        b.d.nodes[target].label = l.label.clone();
    }
    // Severe paths first, then by share, so that the cap never drops a highlighted path.
    let mut cps: Vec<&crate::exposure::Counterparty> = r
        .categories
        .iter()
        .flat_map(|c| c.counterparties.iter())
        .collect();
    cps.sort_by(|x, y| {
        is_severe(&y.label.category)
            .cmp(&is_severe(&x.label.category))
            .then(y.share.total_cmp(&x.share))
            .then(x.address.cmp(&y.address))
    });
    let mut drawn = 0;
    let mut severe = Vec::new();
    for cp in cps {
        if cp.path.is_empty() || cp.path.len() > MAX_HOPS || drawn == MAX_PATHS {
            b.d.omitted += 1;
            continue;
        }
        drawn += 1;
        let hl = is_severe(&cp.label.category);
        b.path(&cp.path, hl);
        let n = b.node(&cp.address);
        if n != target {
            let node = &mut b.d.nodes[n];
            node.role = Role::Counterparty;
            node.category = Some(cp.label.category.clone());
            node.label = cp.label.label.clone();
            node.detail = percent(cp.share);
        }
        if hl {
            severe.push(format!(
                "{} {} ({}, {} hop{})",
                cp.label.category.replace('_', " "),
                short_address(&cp.address),
                percent(cp.share),
                cp.path.len(),
                if cp.path.len() == 1 { "" } else { "s" }
            ));
        }
    }
    let dir = match r.config.direction {
        Direction::In => "incoming (source of funds)",
        Direction::Out => "outgoing (destination of funds)",
    };
    b.d.title = format!(
        "Exposure of {}, {dir}: {drawn} counterpart{} drawn",
        r.target,
        if drawn == 1 { "y" } else { "ies" }
    );
    b.d.description = if severe.is_empty() {
        "No path reaches a sanctioned, stolen or otherwise severe category.".into()
    } else {
        format!(
            "Highlighted in red: the path{} to {}.",
            if severe.len() == 1 { "" } else { "s" },
            severe.join("; ")
        )
    };
    b.rank(&[target])
}

/// The picture of a trace: the seeds on the left, the listed tainted accounts with the path
/// that first tainted each; `focus` (the screened wallet) and its path highlighted when it is
/// among them. `categories` gives the category of labelled addresses (address → category).
pub fn trace_drawing(
    r: &TraceReport,
    focus: Option<&str>,
    categories: &BTreeMap<String, String>,
) -> Drawing {
    let mut b = Builder::default();
    let seeds: BTreeSet<&str> = r.seed_addresses.iter().map(String::as_str).collect();
    let mut anchors = BTreeSet::new();
    let mut drawn = 0;
    let mut focus_hop = None;
    // The focus's path first, so that the cap never drops it.
    let mut accounts: Vec<&crate::trace::TaintedAccount> = r.accounts.iter().collect();
    accounts.sort_by_key(|a| Some(a.address.as_str()) != focus);
    for a in accounts {
        let is_focus = Some(a.address.as_str()) == focus;
        let longest = if is_focus { MAX_FOCUS_HOPS } else { MAX_HOPS };
        if a.path.is_empty() || a.path.len() > longest || drawn == MAX_PATHS {
            b.d.omitted += 1;
            continue;
        }
        drawn += 1;
        b.path(&a.path, is_focus);
        let first = b.node(&a.path[0].from);
        anchors.insert(first);
        let n = b.node(&a.address);
        if b.d.nodes[n].detail.is_empty() {
            b.d.nodes[n].detail = format!("hop {}", a.hop);
        }
        if is_focus {
            focus_hop = Some(a.hop);
        }
    }
    for n in &mut b.d.nodes {
        if seeds.contains(n.address.as_str()) {
            n.role = Role::Seed;
            n.detail = "seed".into();
        }
        if Some(n.address.as_str()) == focus {
            n.role = Role::Target;
        }
        if let Some(c) = categories.get(&n.address) {
            n.category = Some(c.clone());
        }
    }
    b.d.title = format!(
        "Trace ({:?}) from {} seed address{}: {drawn} tainted account{} drawn",
        r.config.model,
        r.seed_addresses.len(),
        if r.seed_addresses.len() == 1 {
            ""
        } else {
            "es"
        },
        if drawn == 1 { "" } else { "s" }
    );
    b.d.description = match (focus, focus_hop) {
        (Some(f), Some(h)) => format!(
            "Highlighted in red: the path from the seeds to the screened wallet {} ({h} hop{}).",
            short_address(f),
            if h == 1 { "" } else { "s" }
        ),
        (Some(f), None) => format!(
            "The screened wallet {} is not among the tainted accounts listed.",
            short_address(f)
        ),
        (None, _) => "No screened wallet given: nothing is highlighted.".into(),
    };
    let anchors: Vec<usize> = anchors.into_iter().collect();
    b.rank(&anchors)
}

/// Escapes text for XML.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// The layout: each node's column and top-left corner.
fn layout(d: &Drawing) -> (Vec<(f64, f64)>, f64, f64) {
    let max_rank = d.nodes.iter().map(|n| n.rank).max().unwrap_or(0);
    let column = |n: &Node| {
        if d.towards_anchor {
            max_rank - n.rank
        } else {
            n.rank
        }
    };
    // Columns in order of rank from the anchors; each ordered by the mean position of the
    // neighbours already placed, then by address.
    let mut position: Vec<Option<f64>> = vec![None; d.nodes.len()];
    let mut columns: Vec<Vec<usize>> = vec![Vec::new(); max_rank as usize + 1];
    for r in 0..=max_rank {
        let mut members: Vec<(f64, &str, usize)> = d
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.rank == r)
            .map(|(i, n)| {
                let placed: Vec<f64> = d
                    .lines
                    .iter()
                    .filter_map(|l| match (l.from == i, l.to == i) {
                        (true, false) => position[l.to],
                        (false, true) => position[l.from],
                        _ => None,
                    })
                    .collect();
                let key = if placed.is_empty() {
                    f64::MAX
                } else {
                    placed.iter().sum::<f64>() / placed.len() as f64
                };
                (key, n.address.as_str(), i)
            })
            .collect();
        members.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
        let count = members.len() as f64;
        for (k, (_, _, i)) in members.iter().enumerate() {
            // Centred positions, so a column of one sits level with the middle of the next.
            position[*i] = Some(k as f64 - (count - 1.0) / 2.0);
        }
        columns[r as usize] = members.iter().map(|m| m.2).collect();
    }
    let tallest = columns.iter().map(Vec::len).max().unwrap_or(1).max(1) as f64;
    let height = TOP + tallest * ROW_H;
    let middle = TOP + tallest * ROW_H / 2.0;
    let xy = d
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let x = MARGIN + f64::from(column(n)) * COL_W;
            let y = middle + position[i].unwrap_or(0.0) * ROW_H - NODE_H / 2.0;
            (x, y)
        })
        .collect();
    let width = 2.0 * MARGIN + f64::from(max_rank) * COL_W + NODE_W;
    (xy, width, height)
}

/// A point on a cubic Bézier curve.
fn bezier(p: [(f64, f64); 4], t: f64) -> (f64, f64) {
    let u = 1.0 - t;
    let w = [u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t];
    (
        p.iter().zip(w).map(|(p, w)| p.0 * w).sum(),
        p.iter().zip(w).map(|(p, w)| p.1 * w).sum(),
    )
}

/// Draws a drawing as a standalone SVG element. `id` prefixes the element ids (arrow markers,
/// title), so several pictures can share a page.
pub fn render(d: &Drawing, unit: &Unit, id: &str) -> String {
    let (xy, width, body_height) = layout(d);
    // The legend: the wallet, each category present, unlabelled, the highlighted path.
    let mut legend: Vec<(String, &str, bool)> = Vec::new();
    if d.nodes.iter().any(|n| n.role == Role::Target) {
        legend.push(("screened wallet".into(), TARGET, false));
    }
    let cats: BTreeSet<(bool, &str)> = d
        .nodes
        .iter()
        .filter(|n| n.role != Role::Target)
        .filter_map(|n| n.category.as_deref())
        .map(|c| (!is_severe(c), c))
        .collect();
    for (_, c) in &cats {
        legend.push(((*c).replace('_', " "), category_colour(c), false));
    }
    if d.nodes
        .iter()
        .any(|n| n.category.is_none() && n.role != Role::Target)
    {
        legend.push(("unlabelled".into(), "#ffffff", false));
    }
    if d.lines.iter().any(|l| l.highlighted) {
        legend.push(("highlighted path".into(), RED, true));
    }
    let mut items = Vec::new();
    let (mut lx, mut ly) = (MARGIN, body_height + 18.0);
    for (text, colour, line) in &legend {
        let w = 30.0 + 6.6 * text.chars().count() as f64 + 14.0;
        if lx + w > width.max(480.0) && lx > MARGIN {
            lx = MARGIN;
            ly += 22.0;
        }
        items.push((lx, ly, text.clone(), *colour, *line));
        lx += w;
    }
    let width = width.max(480.0);
    let height = ly + 14.0;
    let mut o = String::new();
    let _ = write!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"flow\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"system-ui, sans-serif\" font-size=\"12\">"
    );
    let _ = write!(
        o,
        "<title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        esc(&d.title),
        esc(&d.description)
    );
    let _ = write!(
        o,
        "<defs><marker id=\"{id}-a\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"10\" markerHeight=\"10\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" fill=\"{GREY}\"/></marker><marker id=\"{id}-h\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"13\" markerHeight=\"13\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" fill=\"{RED}\"/></marker></defs>"
    );
    let biggest = d
        .lines
        .iter()
        .map(|l| l.amount.to_f64())
        .fold(0.0, f64::max)
        .max(1.0);
    let degree = |i: usize, out: bool| {
        d.lines
            .iter()
            .filter(|l| if out { l.from == i } else { l.to == i })
            .count()
    };
    // Lines below (highlighted ones last, so they stay on top), then the amounts, then nodes.
    let mut order: Vec<usize> = (0..d.lines.len()).collect();
    order.sort_by_key(|&i| d.lines[i].highlighted);
    let mut labels = String::new();
    for i in order {
        let l = &d.lines[i];
        let (fx, fy) = xy[l.from];
        let (tx, ty) = xy[l.to];
        let p = if tx > fx {
            let (x0, y0, x3, y3) = (fx + NODE_W, fy + NODE_H / 2.0, tx - 2.0, ty + NODE_H / 2.0);
            let dx = (x3 - x0) / 2.0;
            [(x0, y0), (x0 + dx, y0), (x3 - dx, y3), (x3, y3)]
        } else {
            // Back or within a column (a cycle): an arc below the two nodes.
            let (x0, y0, x3, y3) = (
                fx + NODE_W / 2.0,
                fy + NODE_H,
                tx + NODE_W / 2.0,
                ty + NODE_H + 2.0,
            );
            [(x0, y0), (x0, y0 + 36.0), (x3, y3 + 36.0), (x3, y3)]
        };
        let stroke = 1.5 + 3.5 * (l.amount.to_f64() / biggest).sqrt();
        let (colour, sw, marker, class) = if l.highlighted {
            (RED, stroke.max(3.0) + 1.5, format!("{id}-h"), "line hl")
        } else {
            (GREY, stroke, format!("{id}-a"), "line")
        };
        let amount = unit.format(&l.amount, &l.asset);
        let count = if l.transfers > 1 {
            format!(" in {} transfers", l.transfers)
        } else {
            String::new()
        };
        let _ = write!(
            o,
            "<path class=\"{class}\" d=\"M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{sw:.1}\" marker-end=\"url(#{marker})\"><title>{} → {}: {amount}{count} ({} base units), from block {}</title></path>",
            p[0].0,
            p[0].1,
            p[1].0,
            p[1].1,
            p[2].0,
            p[2].1,
            p[3].0,
            p[3].1,
            esc(&d.nodes[l.from].address),
            esc(&d.nodes[l.to].address),
            l.amount,
            l.block
        );
        // The amount sits where lines spread out: near the receiver when the sender fans out,
        // near the sender when many lines converge on the receiver.
        let t = if degree(l.from, true) > degree(l.to, false) {
            0.7
        } else {
            0.3
        };
        let (ax, ay) = bezier(p, t);
        let text = if l.transfers > 1 {
            format!("{amount} ×{}", l.transfers)
        } else {
            amount
        };
        // A white plate under the text, so that no line runs through it.
        let plate = 6.4 * text.chars().count() as f64 + 8.0;
        let _ = write!(
            labels,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{plate:.1}\" height=\"15\" rx=\"3\" fill=\"#ffffff\" fill-opacity=\"0.9\"/>",
            ax - plate / 2.0,
            ay - 15.0
        );
        let _ = write!(
            labels,
            "<text class=\"amount{}\" x=\"{ax:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\"{} fill=\"{}\" paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"4\" stroke-linejoin=\"round\">{}</text>",
            if l.highlighted { " hl" } else { "" },
            ay - 3.0,
            if l.highlighted {
                " font-weight=\"700\""
            } else {
                ""
            },
            if l.highlighted { "#8a1c15" } else { INK },
            esc(&text)
        );
    }
    o.push_str(&labels);
    for (i, n) in d.nodes.iter().enumerate() {
        let (x, y) = xy[i];
        let (fill, text) = match (n.role, n.category.as_deref()) {
            (Role::Target, _) => (TARGET, "#ffffff"),
            (_, Some(c)) => (category_colour(c), "#ffffff"),
            (_, None) => ("#ffffff", INK),
        };
        let (stroke, sw) = if n.highlighted {
            (RED, 3.0)
        } else if n.category.is_none() && n.role != Role::Target {
            ("#4d5661", 1.2)
        } else {
            (fill, 1.2)
        };
        let kind = match (n.role, n.category.as_deref()) {
            (Role::Target, _) => "screened wallet".to_string(),
            (_, Some(c)) => c.replace('_', " "),
            (Role::Seed, None) => "seed".to_string(),
            _ => "unlabelled".to_string(),
        };
        let mut parts = Vec::new();
        if !kind.is_empty() {
            parts.push(kind.as_str());
        }
        // A seed without a category already says "seed".
        let repeats = n.detail == "seed" && kind == "seed";
        if !n.detail.is_empty() && !repeats {
            parts.push(n.detail.as_str());
        }
        let second = parts.join(" · ");
        let second: String = if second.chars().count() > 24 {
            second.chars().take(23).collect::<String>() + "…"
        } else {
            second
        };
        let mut title = n.address.clone();
        if !kind.is_empty() {
            let _ = write!(title, "\n{kind}");
        }
        if let (Role::Target, Some(c)) = (n.role, n.category.as_deref()) {
            let _ = write!(title, " ({})", c.replace('_', " "));
        }
        if !n.label.is_empty() {
            let _ = write!(title, ": {}", n.label);
        }
        if !n.detail.is_empty() && n.detail != "seed" {
            let _ = write!(title, "\n{}", n.detail);
        }
        let class = match n.role {
            Role::Target => "node target",
            Role::Seed => "node seed",
            Role::Counterparty => "node counterparty",
            Role::Intermediate => "node",
        };
        let _ = write!(
            o,
            "<g class=\"{class}{}\"><title>{}</title><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{NODE_W}\" height=\"{NODE_H}\" rx=\"6\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{sw}\"/><text x=\"{:.1}\" y=\"{:.1}\" fill=\"{text}\" font-family=\"ui-monospace, monospace\" font-size=\"11.5\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" fill=\"{text}\" font-size=\"11\">{}</text></g>",
            if n.highlighted { " hl" } else { "" },
            esc(&title),
            x + 8.0,
            y + 16.0,
            esc(&short_address(&n.address)),
            x + 8.0,
            y + 32.0,
            esc(&second)
        );
    }
    for (x, y, text, colour, line) in items {
        if line {
            let _ = write!(
                o,
                "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{colour}\" stroke-width=\"4\"/>",
                y - 4.0,
                x + 22.0,
                y - 4.0
            );
        } else {
            let border = if colour == "#ffffff" {
                "#4d5661"
            } else {
                colour
            };
            let _ = write!(
                o,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"22\" height=\"12\" rx=\"3\" fill=\"{colour}\" stroke=\"{border}\"/>",
                y - 10.0
            );
        }
        let _ = write!(
            o,
            "<text class=\"legend\" x=\"{:.1}\" y=\"{y:.1}\" fill=\"{INK}\" font-size=\"12\">{}</text>",
            x + 28.0,
            esc(&text)
        );
    }
    o.push_str("</svg>");
    o
}

/// An exposure report as SVG ([`exposure_drawing`], then [`render`]) in the target's native
/// unit.
pub fn exposure_svg(r: &ExposureReport, id: &str) -> String {
    render(&exposure_drawing(r), &Unit::of_address(&r.target), id)
}

/// A trace report as SVG ([`trace_drawing`], then [`render`]) in the first seed's native unit.
pub fn trace_svg(
    r: &TraceReport,
    focus: Option<&str>,
    categories: &BTreeMap<String, String>,
    id: &str,
) -> String {
    let unit = r
        .seed_addresses
        .first()
        .or(r.accounts.first().map(|a| &a.address))
        .map_or_else(Unit::base, |a| Unit::of_address(a));
    render(&trace_drawing(r, focus, categories), &unit, id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::Amount;
    use crate::exposure::{ExposureConfig, exposure};
    use crate::labels::{NodeLabel, NodeLabels};
    use crate::trace::{Seeds, TaintModel, TraceConfig, trace};
    use crate::view::{OwnedGraph, Transfer};

    const ETH: u128 = 1_000_000_000_000_000_000;

    fn addr(c: char) -> String {
        format!("0x{}", c.to_string().repeat(40))
    }

    fn t(from: char, to: char, eth_tenths: u128, block: u64) -> Transfer {
        Transfer {
            from: addr(from),
            to: addr(to),
            amount: Amount::from(eth_tenths * ETH / 10),
            block,
            time: None,
            asset: String::new(),
            tx: None,
        }
    }

    fn label(category: &str, text: &str) -> NodeLabel {
        NodeLabel {
            category: category.into(),
            label: text.into(),
            ..NodeLabel::default()
        }
    }

    /// `a` (sanctioned) pays `b` 10 ETH, which passes 4 on to the customer `f` and 6 to `c`;
    /// an exchange `e` pays `f` 5 and a mixer `d` 1.
    fn exposure_of_f() -> ExposureReport {
        let g = OwnedGraph::from_transfers(&[
            t('a', 'b', 100, 1),
            t('e', 'f', 50, 2),
            t('b', 'f', 40, 3),
            t('b', 'c', 60, 3),
            t('d', 'f', 10, 4),
        ]);
        let v = g.view();
        let mut labels = NodeLabels::default();
        let id = |c| v.lookup(&addr(c)).unwrap();
        labels.insert(id('a'), label("sanctions", "SDN wallet"));
        labels.insert(id('e'), label("exchange", "Big Exchange"));
        labels.insert(id('d'), label("mixer", ""));
        exposure(
            &v,
            &labels,
            id('f'),
            &ExposureConfig::defaults(Direction::In),
        )
    }

    fn line(d: &Drawing, from: char, to: char) -> &Line {
        d.lines
            .iter()
            .find(|l| d.nodes[l.from].address == addr(from) && d.nodes[l.to].address == addr(to))
            .unwrap_or_else(|| panic!("no line {from} → {to}"))
    }

    #[test]
    fn an_exposure_highlights_the_path_from_the_sanctioned_source_to_the_customer() {
        let d = exposure_drawing(&exposure_of_f());
        let highlighted: Vec<(String, String)> = d
            .lines
            .iter()
            .filter(|l| l.highlighted)
            .map(|l| {
                (
                    d.nodes[l.from].address.clone(),
                    d.nodes[l.to].address.clone(),
                )
            })
            .collect();
        assert_eq!(
            highlighted,
            [(addr('a'), addr('b')), (addr('b'), addr('f'))]
        );
        assert!(!line(&d, 'e', 'f').highlighted && !line(&d, 'd', 'f').highlighted);
        // b → c carries none of f's funds and is not drawn.
        assert_eq!(d.lines.len(), 4);
        let ranks: BTreeMap<&str, (u32, Role)> = d
            .nodes
            .iter()
            .map(|n| (&n.address[2..3], (n.rank, n.role)))
            .collect();
        assert_eq!(ranks["f"], (0, Role::Target));
        assert_eq!(ranks["b"], (1, Role::Intermediate));
        assert_eq!(ranks["a"], (2, Role::Counterparty));
        assert_eq!(ranks["e"], (1, Role::Counterparty));
        assert_eq!(
            d.description,
            "Highlighted in red: the path to sanctions 0xaaaaaa…aaaa (40.0 %, 2 hops)."
        );
    }

    #[test]
    fn the_svg_colours_categories_writes_amounts_and_draws_the_highlight_red() {
        let svg = exposure_svg(&exposure_of_f(), "x");
        // Categories by colour and in words.
        for (category, colour) in [
            ("sanctions", "#b3261e"),
            ("exchange", "#1d4ed8"),
            ("mixer", "#6d28d9"),
        ] {
            assert_eq!(category_colour(category), colour);
            assert!(
                svg.contains(&format!("fill=\"{colour}\"")),
                "{category}: {svg}"
            );
            assert!(svg.contains(&format!(">{category}")), "{category}");
        }
        assert!(svg.contains("fill=\"#14263d\""), "the customer's node");
        assert!(svg.contains(">screened wallet</text>"), "{svg}");
        // Amounts on the lines, in ETH; the highlighted ones bold and red.
        for amount in ["10 ETH", "5 ETH", "1 ETH"] {
            assert!(
                svg.contains(&format!("fill=\"#1b1f24\" paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"4\" stroke-linejoin=\"round\">{amount}<"))
                    || svg.contains(&format!("font-weight=\"700\" fill=\"#8a1c15\" paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"4\" stroke-linejoin=\"round\">{amount}<")),
                "{amount}: {svg}"
            );
        }
        assert_eq!(svg.matches("<text class=\"amount hl\"").count(), 2);
        assert_eq!(svg.matches("<path class=\"line hl\"").count(), 2);
        assert_eq!(svg.matches("<path class=\"line\"").count(), 2);
        assert!(svg.contains("4 ETH</text>"));
        // Exact amounts and full addresses in the titles.
        assert!(svg.contains("(4000000000000000000 base units)"));
        assert!(svg.contains(&format!(
            "<title>{}\nsanctions: SDN wallet\n40.0 %</title>",
            addr('a')
        )));
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"flow\" role=\"img\" aria-labelledby=\"x-t x-d\""));
    }

    #[test]
    fn a_small_exposure_picture_is_stable() {
        insta::assert_snapshot!(exposure_svg(&exposure_of_f(), "exposure"));
    }

    #[test]
    fn a_trace_highlights_the_path_from_the_seed_to_the_screened_wallet() {
        // 7 stole 10 ETH from v and split it between a and b; a paid the exchange deposit e,
        // b paid the customer c.
        let g = OwnedGraph::from_transfers(&[
            t('9', '7', 100, 1),
            t('7', 'a', 50, 2),
            t('7', 'b', 50, 2),
            t('a', 'e', 20, 3),
            t('b', 'c', 50, 4),
        ]);
        let v = g.view();
        let seeds = Seeds {
            addresses: vec![v.lookup(&addr('7')).unwrap()],
            edges: Vec::new(),
        };
        let r = trace(
            &v,
            &seeds,
            &TraceConfig {
                model: TaintModel::Haircut,
                max_accounts: 20,
            },
        );
        let cats: BTreeMap<String, String> = [
            (addr('7'), "stolen_funds".to_string()),
            (addr('e'), "exchange".to_string()),
        ]
        .into_iter()
        .collect();
        let c = addr('c');
        let d = trace_drawing(&r, Some(&c), &cats);
        let hl: Vec<(&str, &str)> = d
            .lines
            .iter()
            .filter(|l| l.highlighted)
            .map(|l| (&d.nodes[l.from].address[2..3], &d.nodes[l.to].address[2..3]))
            .collect();
        assert_eq!(hl, [("7", "b"), ("b", "c")]);
        let node = |ch: char| d.nodes.iter().find(|n| n.address == addr(ch)).unwrap();
        assert_eq!((node('7').role, node('7').rank), (Role::Seed, 0));
        assert_eq!((node('c').role, node('c').rank), (Role::Target, 2));
        assert_eq!(node('e').category.as_deref(), Some("exchange"));
        let svg = render(&d, &Unit::of_address(&c), "t");
        assert!(svg.contains(">stolen funds · seed<"), "{svg}");
        assert!(svg.contains(">5 ETH<") && svg.contains(">2 ETH<"), "{svg}");
        assert!(svg.contains("fill=\"#c2410c\""));
        // Without a focus nothing is highlighted, and the picture says so.
        let plain = trace_drawing(&r, None, &cats);
        assert!(plain.lines.iter().all(|l| !l.highlighted));
        assert_eq!(
            plain.description,
            "No screened wallet given: nothing is highlighted."
        );
    }

    #[test]
    fn a_generated_theft_is_traced_back_from_an_exchange_deposit() {
        let mut generator = crate::generate::generate(crate::generate::GenConfig {
            addresses: 400,
            transfers: 3_000,
            seed: 7,
            tx_hashes: false,
        });
        let transfers: Vec<Transfer> = generator.by_ref().collect();
        let truth = generator.truth().clone();
        let g = OwnedGraph::from_transfers(&transfers);
        let v = g.view();
        let labels = NodeLabels::resolve(&v, &truth.labels);
        let deposit = &truth.theft_deposits[0];
        let r = exposure(
            &v,
            &labels,
            v.lookup(deposit).unwrap(),
            &ExposureConfig::defaults(Direction::In),
        );
        let d = exposure_drawing(&r);
        // The highlighted lines form a chain from the thief to the deposit address.
        let hl: Vec<&Line> = d.lines.iter().filter(|l| l.highlighted).collect();
        assert!(!hl.is_empty());
        let thief = d
            .nodes
            .iter()
            .position(|n| n.address == truth.thief)
            .unwrap();
        assert_eq!(d.nodes[thief].category.as_deref(), Some("stolen_funds"));
        assert!(d.nodes[thief].highlighted);
        let mut at = thief;
        let mut hops = 0;
        while d.nodes[at].address != *deposit {
            let next = hl.iter().find(|l| l.from == at).expect("the path goes on");
            at = next.to;
            hops += 1;
            assert!(hops <= MAX_HOPS);
        }
        assert_eq!(d.nodes[at].role, Role::Target);
        let svg = render(&d, &Unit::of_address(deposit), "g");
        assert!(svg.contains(" ETH</text>"));
        assert!(svg.contains("fill=\"#c2410c\""), "the thief's colour");
    }

    #[test]
    fn amounts_read_with_four_significant_digits() {
        let eth = Unit::of_address(&addr('a'));
        let btc = Unit::of_address("1BoatSLRHtKNngkdXEeobR76b53LETtpyT");
        let cases: [(&Unit, u128, &str, &str); 8] = [
            (&eth, 10 * ETH, "", "10 ETH"),
            (&eth, 1_234_567 * ETH / 1000, "", "1,235 ETH"),
            (&eth, ETH / 3, "", "0.3333 ETH"),
            (&eth, 0, "", "0 ETH"),
            (&btc, 150_000_000, "", "1.5 BTC"),
            (&Unit::base(), 42, "", "42"),
            (&eth, 100, "", "1.000e-16 ETH"),
            (
                &eth,
                5_000,
                "0xdac17f958d2ee523a2206206994597c13d831ec7",
                "5,000 0xdac17f…1ec7",
            ),
        ];
        for (unit, base, asset, want) in cases {
            let total = Total::ZERO.add_amount(Amount::from(base));
            assert_eq!(unit.format(&total, asset), want, "{base}");
        }
        assert_eq!(short_address("0x1234"), "0x1234");
        assert!(is_severe("stolen_funds") && is_severe("Sanctions") && !is_severe("exchange"));
    }
}
