//! The wallet pages: an address's exposure and an incident trace over the transfer graph of
//! `serve --graph DIR`, as tables and as a picture drawn on the server (`graph::svg`).
//!
//! Both are GET forms: an address is not a screened person's personal data, so it may sit in
//! the URL, and a page can be bookmarked or sent to a colleague. The analyses are the ones
//! `/v1/exposure` and `/v1/trace` answer with (`app::graphs`), run on the CPU pool.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use graph::svg::{self, Unit};

use super::view::{Choice, Nav, choices};
use super::{Ui, UiError};

/// One category of an exposure.
#[derive(Debug, Clone)]
pub struct CategoryRow {
    /// The category.
    pub category: String,
    /// Its colour in the picture.
    pub colour: &'static str,
    /// Whether its paths are highlighted.
    pub severe: bool,
    /// Share of the wallet's total, as a percentage.
    pub share: String,
    /// Direct share.
    pub direct: String,
    /// Indirect share.
    pub indirect: String,
    /// Fewest hops.
    pub min_hop: u32,
    /// Amount in the chain's unit.
    pub amount: String,
    /// Labelled addresses reached.
    pub counterparties: usize,
}

/// One counterparty of an exposure, or one tainted account of a trace.
#[derive(Debug, Clone)]
pub struct AddressRow {
    /// The address.
    pub address: String,
    /// Its category (empty when unlabelled).
    pub category: String,
    /// Its label's text.
    pub label: String,
    /// A share or a received amount.
    pub figure: String,
    /// The taint still held (trace).
    pub held: String,
    /// Hops.
    pub hop: u32,
    /// The addresses of its path, shortened, in the direction money moved.
    pub via: String,
    /// Whether its path is highlighted.
    pub highlighted: bool,
}

/// The wallet page: the exposure or the trace form, and the answer.
#[derive(Template)]
#[template(path = "ui/wallets.html")]
pub struct WalletsPage {
    /// Navigation.
    pub nav: Nav,
    /// `exposure` or `trace`.
    pub mode: &'static str,
    /// Whether the service has a graph (`serve --graph DIR`).
    pub configured: bool,
    /// The exposure form's address.
    pub address: String,
    /// Directions.
    pub directions: Vec<Choice>,
    /// Hop limit as typed.
    pub hops: String,
    /// The trace form's seeds, one a line.
    pub seeds: String,
    /// Taint models.
    pub models: Vec<Choice>,
    /// The screened wallet whose path the trace highlights.
    pub focus: String,
    /// Accounts listed.
    pub top: String,
    /// Why the question could not be answered.
    pub error: String,
    /// Whether an answer is shown.
    pub shown: bool,
    /// The answer's heading.
    pub heading: String,
    /// Facts about the answer (parameters, totals).
    pub facts: Vec<(String, String)>,
    /// The picture (SVG markup made by `graph::svg`, shown unescaped).
    pub svg: String,
    /// What the picture highlights, in words.
    pub highlight: String,
    /// Paths left out of the picture.
    pub omitted: usize,
    /// Exposure per category.
    pub categories: Vec<CategoryRow>,
    /// What was not attributed, in words.
    pub unattributed: String,
    /// Counterparties or tainted accounts.
    pub rows: Vec<AddressRow>,
    /// Warnings (seeds not in the graph).
    pub warnings: Vec<String>,
}

const DIRECTIONS: [(&str, &str); 2] = [
    ("in", "Incoming: where the funds came from"),
    ("out", "Outgoing: where the funds went"),
];
const MODELS: [(&str, &str); 4] = [
    ("fifo", "FIFO (first in, first out)"),
    ("haircut", "Haircut (proportional)"),
    ("poison", "Poison (any taint taints all)"),
    ("tiho", "TIHO (taint in, highest out)"),
];

fn pct(x: f64) -> String {
    format!("{:.2} %", x * 100.0)
}

/// The addresses of a path, shortened, joined by arrows.
fn via(path: &[graph::view::EdgeInfo]) -> String {
    path.iter()
        .map(|e| svg::short_address(&e.from))
        .chain(path.last().map(|e| svg::short_address(&e.to)))
        .collect::<Vec<_>>()
        .join(" → ")
}

impl WalletsPage {
    fn new(ui: &Ui, nav: Nav, mode: &'static str, q: &HashMap<String, String>) -> WalletsPage {
        let g = |k: &str| q.get(k).map_or("", |v| v.trim()).to_string();
        let direction = q.get("direction").map_or("in", String::as_str);
        let model = q.get("model").map_or("fifo", String::as_str);
        WalletsPage {
            nav,
            mode,
            configured: ui.app().config.graph.is_some(),
            address: g("address"),
            directions: choices(&DIRECTIONS, direction),
            hops: q.get("hops").cloned().unwrap_or_else(|| "4".into()),
            seeds: q.get("seeds").cloned().unwrap_or_default(),
            models: choices(&MODELS, model),
            focus: g("focus"),
            top: q.get("top").cloned().unwrap_or_else(|| "8".into()),
            error: String::new(),
            shown: false,
            heading: String::new(),
            facts: Vec::new(),
            svg: String::new(),
            highlight: String::new(),
            omitted: 0,
            categories: Vec::new(),
            unattributed: String::new(),
            rows: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn show_exposure(&mut self, r: &graph::exposure::ExposureReport) {
        let unit = Unit::of_address(&r.target);
        let drawing = svg::exposure_drawing(r);
        self.shown = true;
        self.heading = format!("Exposure of {}", r.target);
        let c = &r.config;
        self.facts = vec![
            (
                "Direction".into(),
                match c.direction {
                    graph::exposure::Direction::In => "incoming (source of funds)".into(),
                    graph::exposure::Direction::Out => "outgoing (destination of funds)".into(),
                },
            ),
            (
                match c.direction {
                    graph::exposure::Direction::In => "Received in all".into(),
                    graph::exposure::Direction::Out => "Sent in all".into(),
                },
                unit.format(&r.total, ""),
            ),
            ("Hop limit".into(), c.max_hops.to_string()),
            ("Attributed".into(), pct(r.attributed_share)),
        ];
        if let Some(l) = &r.target_label {
            self.facts.push((
                "The address itself".into(),
                format!("labelled {} {}", l.category.replace('_', " "), l.label),
            ));
        }
        self.svg = svg::render(&drawing, &unit, "exposure");
        self.highlight = drawing.description.clone();
        self.omitted = drawing.omitted;
        self.categories = r
            .categories
            .iter()
            .map(|cat| CategoryRow {
                category: cat.category.replace('_', " "),
                colour: svg::category_colour(&cat.category),
                severe: svg::is_severe(&cat.category),
                share: pct(cat.share),
                direct: pct(cat.direct_share),
                indirect: pct(cat.indirect_share),
                min_hop: cat.min_hop,
                amount: unit.format_base(cat.amount, ""),
                counterparties: cat.counterparty_count,
            })
            .collect();
        let u = &r.unattributed;
        self.unattributed = format!(
            "{} not attributed: {} at the hop limit, {} below epsilon, {} at addresses over the degree cap, {} with no earlier flow in the data.",
            pct(u.total),
            pct(u.hop_limit),
            pct(u.epsilon),
            pct(u.degree_cap),
            pct(u.no_flow)
        );
        self.rows = r
            .categories
            .iter()
            .flat_map(|c| c.counterparties.iter())
            .map(|cp| AddressRow {
                address: cp.address.clone(),
                category: cp.label.category.replace('_', " "),
                label: cp.label.label.clone(),
                figure: format!("{} ({})", pct(cp.share), unit.format_base(cp.amount, "")),
                held: String::new(),
                hop: cp.min_hop,
                via: via(&cp.path),
                highlighted: svg::is_severe(&cp.label.category),
            })
            .collect();
    }

    fn show_trace(
        &mut self,
        r: &graph::trace::TraceReport,
        warnings: Vec<String>,
        categories: &std::collections::BTreeMap<String, String>,
    ) {
        let focus = Some(self.focus.as_str()).filter(|f| !f.is_empty());
        let unit = r
            .seed_addresses
            .first()
            .map_or_else(Unit::base, |a| Unit::of_address(a));
        let drawing = svg::trace_drawing(r, focus, categories);
        self.shown = true;
        let model = match r.config.model {
            graph::trace::TaintModel::Fifo => "FIFO",
            graph::trace::TaintModel::Haircut => "haircut",
            graph::trace::TaintModel::Poison => "poison",
            graph::trace::TaintModel::Tiho => "TIHO",
        };
        self.heading = format!(
            "Trace from {} seed address{}, {model} model",
            r.seed_addresses.len(),
            if r.seed_addresses.len() == 1 {
                ""
            } else {
                "es"
            }
        );
        self.facts = vec![
            ("Seed addresses".into(), r.seed_addresses.len().to_string()),
            ("Seed transfers".into(), r.seed_transfers.to_string()),
            (
                "Taint that left the seeds".into(),
                unit.format(&r.seeded_exact, ""),
            ),
            (
                "Transfers replayed".into(),
                r.transfers_replayed.to_string(),
            ),
            (
                "Transfers that carried taint".into(),
                r.tainted_transfers.to_string(),
            ),
            ("Tainted accounts".into(), r.account_count.to_string()),
        ];
        if r.cluster_seed_count > 0 {
            self.facts.push((
                "Seeds added from UTXO clusters".into(),
                r.cluster_seed_count.to_string(),
            ));
        }
        self.svg = svg::render(&drawing, &unit, "trace");
        self.highlight = drawing.description.clone();
        self.omitted = drawing.omitted;
        self.warnings = warnings;
        self.rows = r
            .accounts
            .iter()
            .map(|a| AddressRow {
                address: a.address.clone(),
                category: categories
                    .get(&a.address)
                    .map(|c| c.replace('_', " "))
                    .unwrap_or_default(),
                label: a.asset.clone(),
                figure: match &a.received_exact {
                    Some(x) => unit.format(x, &a.asset),
                    None => unit.format_base(a.received, &a.asset),
                },
                held: a
                    .held
                    .map(|h| unit.format_base(h, &a.asset))
                    .unwrap_or_else(|| "\u{2014}".into()),
                hop: a.hop,
                via: via(&a.path),
                highlighted: focus == Some(a.address.as_str()),
            })
            .collect();
    }
}

fn render(page: &WalletsPage, status: StatusCode) -> Result<Response, UiError> {
    Ok((status, Html(page.render()?)).into_response())
}

/// What a wallet page sends instead of an answer (boxed: a response is large).
type Instead = Box<Result<Response, UiError>>;

/// The signed-in user's page and the configured graph; `Err` holds what to send instead (the
/// sign-in redirect, or the page that says how to start with a graph).
fn begin(
    ui: &Ui,
    headers: &HeaderMap,
    mode: &'static str,
    q: &HashMap<String, String>,
) -> Result<(WalletsPage, Arc<app::graphs::Graphs>), Instead> {
    let s = super::pages::user(ui, headers).map_err(|r| Box::new(Ok(*r)))?;
    let page = WalletsPage::new(ui, Nav::of(&s, "wallets"), mode, q);
    match ui.app().config.graph.clone() {
        Some(g) => Ok((page, g)),
        None => Err(Box::new(render(&page, StatusCode::OK))),
    }
}

/// The page with the reason a question cannot be answered (the caller's mistake, 400); other
/// failures are the server's.
fn refused(mut page: WalletsPage, e: app::AppError) -> Result<Response, UiError> {
    match e {
        app::AppError::Invalid(m) => {
            page.error = m;
            render(&page, StatusCode::BAD_REQUEST)
        }
        other => Err(other.into()),
    }
}

/// `/ui/wallets`: the exposure form and, with `address`, the exposure of that address.
pub async fn exposure(
    State(ui): State<Arc<Ui>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, UiError> {
    let (mut page, graphs) = match begin(&ui, &headers, "exposure", &q) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    if page.address.is_empty() {
        return render(&page, StatusCode::OK);
    }
    let req = api::ExposureRequest {
        address: page.address.clone(),
        direction: q.get("direction").cloned().filter(|d| !d.is_empty()),
        hops: match page.hops.trim() {
            "" => None,
            h => match h.parse() {
                Ok(h) => Some(h),
                Err(_) => {
                    let why = format!("hops must be 1 to {}", app::graphs::MAX_HOPS);
                    return refused(page, app::AppError::Invalid(why));
                }
            },
        },
        epsilon: None,
        degree_cap: None,
        stop_at: Vec::new(),
        from_block: None,
        to_block: None,
        asset: None,
        top: Some(8),
    };
    let answer = crate::http::cpu(move || graphs.exposure(&req))
        .await
        .map_err(|_| UiError::internal("the exposure walk failed; see the server log"))?;
    match answer {
        Ok(r) => {
            page.show_exposure(&r);
            render(&page, StatusCode::OK)
        }
        Err(e) => refused(page, e),
    }
}

/// `/ui/wallets/trace`: the trace form and, with `seeds`, the trace from them, the screened
/// wallet's path (`focus`) highlighted.
pub async fn trace(
    State(ui): State<Arc<Ui>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, UiError> {
    let (mut page, graphs) = match begin(&ui, &headers, "trace", &q) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let seeds: Vec<String> = page
        .seeds
        .split(['\n', '\r', ',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if seeds.is_empty() {
        return render(&page, StatusCode::OK);
    }
    let top = match page.top.trim().parse::<usize>() {
        Ok(n) if (1..=app::graphs::MAX_TOP).contains(&n) => n,
        _ => {
            let why = format!("top must be 1 to {}", app::graphs::MAX_TOP);
            return refused(page, app::AppError::Invalid(why));
        }
    };
    // Every account is asked for, so that the screened wallet is found wherever it ranks;
    // the page keeps the `top` most tainted and the wallet's own.
    let req = api::TraceRequest {
        seeds,
        model: q.get("model").cloned().filter(|m| !m.is_empty()),
        top: Some(app::graphs::MAX_TOP),
    };
    // The graph's own spelling, so that a checksummed address finds its account.
    let focus = graph::input::canonical_address(&page.focus).0.into_owned();
    page.focus = focus.clone();
    let answer = crate::http::cpu(move || {
        let (mut r, warnings) = graphs.trace(&req)?;
        let mut i = 0;
        r.accounts.retain(|a| {
            i += 1;
            i <= top || a.address == focus
        });
        // Labels of every drawn address: the seeds and every address on a listed path.
        let addresses: Vec<&str> = r
            .seed_addresses
            .iter()
            .map(String::as_str)
            .chain(
                r.accounts
                    .iter()
                    .flat_map(|a| a.path.iter().flat_map(|e| [e.from.as_str(), e.to.as_str()])),
            )
            .chain(Some(focus.as_str()))
            .collect();
        let categories = graphs.categories(addresses);
        Ok::<_, app::AppError>((r, warnings, categories))
    })
    .await
    .map_err(|_| UiError::internal("the trace failed; see the server log"))?;
    match answer {
        Ok((r, warnings, categories)) => {
            page.show_trace(&r, warnings, &categories);
            render(&page, StatusCode::OK)
        }
        Err(e) => refused(page, e),
    }
}
