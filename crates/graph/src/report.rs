//! Text renderings of the reports, as the `interdict` commands print them; the JSON forms are
//! the reports' `Serialize` impls.

use std::fmt::Write as _;

use crate::bench::{BenchConfig, BenchReport};
use crate::exposure::{Direction, ExposureReport};
use crate::import::{FileDiagnostic, Generated, ImportSummary, UtxoSummary};
use crate::paths::PathReport;
use crate::storage::Meta;
use crate::trace::TraceReport;
use crate::view::{EdgeInfo, GraphRef};

/// What a graph directory holds, as `interdict graph info` prints it; `name` is the directory
/// as the user named it.
pub fn info_text(name: &str, m: &Meta) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{name}");
    let _ = writeln!(s, "  addresses      {}", m.nodes);
    let _ = writeln!(s, "  transfers      {}", m.edges);
    let _ = writeln!(s, "  transactions   {}", m.txs);
    let _ = writeln!(s, "  blocks         {}..={}", m.first_block, m.last_block);
    let _ = writeln!(s, "  assets         {}", m.assets.len());
    let _ = writeln!(s, "  non-canonical  {}", m.non_canonical_addresses);
    for (i, r) in m.imports.iter().enumerate() {
        let _ = writeln!(
            s,
            "  import {}: {} transfers, {} rejected{} from {}",
            i + 1,
            r.imported,
            r.rejected,
            if r.resorted { ", re-sorted" } else { "" },
            r.sources.join(", ")
        );
    }
    s
}

/// A share as a percentage with two decimals.
fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

/// The exposure report as the text table `interdict exposure` prints.
pub fn exposure_text(r: &ExposureReport) -> String {
    let c = &r.config;
    let mut s = String::new();
    let dir = match c.direction {
        Direction::In => "incoming (source of funds)",
        Direction::Out => "outgoing (destination of funds)",
    };
    let _ = writeln!(s, "Exposure of {} — {dir}", r.target);
    let _ = writeln!(
        s,
        "{} hops, epsilon {}, degree cap {}, total {} {}",
        c.max_hops,
        c.epsilon,
        c.degree_cap.map_or("none".into(), |d| d.to_string()),
        r.total,
        if c.direction == Direction::In {
            "received"
        } else {
            "sent"
        }
    );
    if let Some(l) = &r.target_label {
        let _ = writeln!(
            s,
            "The address itself is labelled {} ({}).",
            l.category, l.label
        );
    }
    let _ = writeln!(
        s,
        "\n{:<16} {:>9} {:>9} {:>9} {:>7} {:>14}",
        "category", "share", "direct", "indirect", "min hop", "amount"
    );
    for cat in &r.categories {
        let _ = writeln!(
            s,
            "{:<16} {:>9} {:>9} {:>9} {:>7} {:>14.4e}",
            cat.category,
            pct(cat.share),
            pct(cat.direct_share),
            pct(cat.indirect_share),
            cat.min_hop,
            cat.amount
        );
    }
    let u = &r.unattributed;
    let _ = writeln!(
        s,
        "{:<16} {:>9}   (hop limit {}, epsilon {}, degree cap {}, no prior flow {})",
        "unattributed",
        pct(u.total),
        pct(u.hop_limit),
        pct(u.epsilon),
        pct(u.degree_cap),
        pct(u.no_flow)
    );
    for cat in &r.categories {
        let _ = writeln!(
            s,
            "\n{} — {} counterparties, largest first:",
            cat.category, cat.counterparty_count
        );
        for cp in &cat.counterparties {
            let _ = writeln!(
                s,
                "  {} {} {} (min hop {})",
                cp.address,
                if cp.label.label.is_empty() {
                    ""
                } else {
                    &cp.label.label
                },
                pct(cp.share),
                cp.min_hop
            );
            for e in &cp.path {
                let _ = writeln!(s, "      {}", edge_line(e));
            }
            if let Some(link) = &cp.label.cluster {
                cluster_lines(&mut s, link);
            }
        }
    }
    let _ = writeln!(
        s,
        "\n{} edges scanned, {} states.",
        r.edges_scanned, r.states
    );
    s
}

/// The evidence of a cluster label: the labelled address and each joining transaction.
fn cluster_lines(s: &mut String, link: &wallets::ClusterLink) {
    let _ = writeln!(
        s,
        "      in the UTXO cluster of {}, joined by {} transaction(s):",
        link.via,
        link.evidence.len()
    );
    for j in &link.evidence {
        let _ = match j.reason {
            wallets::JoinReason::MultiInput => writeln!(
                s,
                "        tx {}  block {}: {} and {} spent together",
                j.tx, j.block, j.from, j.to
            ),
            wallets::JoinReason::Change => writeln!(
                s,
                "        tx {}  block {}: {} paid change to {}",
                j.tx, j.block, j.from, j.to
            ),
        };
    }
}

/// One transfer on one line: sender, receiver, amount, asset, block and transaction.
pub fn edge_line(e: &EdgeInfo) -> String {
    let mut s = format!("{} → {}  {}", e.from, e.to, e.amount);
    if !e.asset.is_empty() {
        let _ = write!(s, " [{}]", e.asset);
    }
    let _ = write!(s, "  block {}", e.block);
    if let Some(tx) = &e.tx {
        let _ = write!(s, "  tx {tx}");
    }
    s
}

/// The trace report as the text table `interdict trace` prints.
pub fn trace_text(r: &TraceReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Trace ({:?}) from {} seed addresses and {} seed transfers: {} transfers replayed, {} carried taint, {} tainted accounts.",
        r.config.model,
        r.seed_addresses.len(),
        r.seed_transfers,
        r.transfers_replayed,
        r.tainted_transfers,
        r.account_count
    );
    let _ = writeln!(
        s,
        "\n{:<44} {:>4} {:>14} {:>14}  first tainted via",
        "address [asset]", "hop", "received", "held"
    );
    for a in &r.accounts {
        let name = if a.asset.is_empty() {
            a.address.clone()
        } else {
            format!("{} [{}]", a.address, a.asset)
        };
        let via: Vec<&str> = a
            .path
            .iter()
            .map(|e| e.from.as_str())
            .chain(a.path.last().map(|e| e.to.as_str()))
            .collect();
        let received = match &a.received_exact {
            Some(x) => x.to_string(),
            None => format!("{:.6e}", a.received),
        };
        let _ = writeln!(
            s,
            "{:<44} {:>4} {:>14} {:>14}  {}",
            name,
            a.hop,
            received,
            a.held.map_or("-".into(), |h| format!("{h:.4e}")),
            via.join(" → ")
        );
    }
    if r.cluster_seed_count > 0 {
        let _ = writeln!(
            s,
            "\n{} seed addresses added from the seeds' UTXO clusters{}:",
            r.cluster_seed_count,
            if r.cluster_seeds.len() < r.cluster_seed_count {
                format!(" (the first {})", r.cluster_seeds.len())
            } else {
                String::new()
            }
        );
        for c in &r.cluster_seeds {
            let _ = writeln!(s, "  {}", c.address);
            cluster_lines(&mut s, &c.cluster);
        }
    }
    s
}

/// The path report as the text `interdict path` prints.
pub fn path_text(r: &PathReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Paths from {} to {} (at most {} hops)",
        r.from, r.to, r.config.max_hops
    );
    match &r.shortest {
        Some(p) => {
            let _ = writeln!(s, "\nShortest: {} hops", p.len());
            for e in p {
                let _ = writeln!(s, "  {}", edge_line(e));
            }
        }
        None => {
            let _ = writeln!(s, "\nNo path within {} hops.", r.config.max_hops);
        }
    }
    for (i, p) in r.top.iter().enumerate() {
        let _ = writeln!(
            s,
            "\n#{} bottleneck {}, share product {:.3e}, {} hops",
            i + 1,
            p.bottleneck,
            p.share,
            p.hops
        );
        for h in &p.steps {
            let _ = writeln!(
                s,
                "  {} → {}  {} in {} transfers ({} of sender's outflow), blocks {}..={}",
                h.from,
                h.to,
                h.amount,
                h.transfers,
                pct(h.share),
                h.blocks.0,
                h.blocks.1
            );
        }
    }
    if r.truncated {
        let _ = writeln!(
            s,
            "\nThe search hit its expansion budget; the list may be incomplete."
        );
    }
    s
}

/// Bench timings as `interdict graph bench` prints them; `open_seconds` is the time it took to
/// open the graph.
pub fn bench_text(
    view: &GraphRef<'_>,
    open_seconds: f64,
    cfg: &BenchConfig,
    r: &BenchReport,
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} addresses, {} transfers; opened in {open_seconds:.3} s",
        view.node_count(),
        view.edge_count(),
    );
    let _ = writeln!(
        s,
        "exposure ({} queries, {} hops, epsilon {}): median {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        r.exposure_ms.len(),
        cfg.hops,
        cfg.epsilon,
        r.quantile_ms(0.5),
        r.quantile_ms(0.9),
        r.quantile_ms(0.99),
        r.quantile_ms(1.0)
    );
    if let Some(f) = r.fifo {
        let _ = writeln!(
            s,
            "FIFO replay: {} transfers in {:.1} s, {} tainted accounts",
            f.transfers, f.seconds, f.tainted_accounts
        );
    }
    s
}

/// Bench timings as `interdict graph bench --json` prints them; `name` is the graph directory
/// as the user named it.
pub fn bench_json(
    name: &str,
    view: &GraphRef<'_>,
    open_seconds: f64,
    cfg: &BenchConfig,
    r: &BenchReport,
) -> serde_json::Value {
    let q = |p| r.quantile_ms(p);
    serde_json::json!({
        "graph": name,
        "nodes": view.node_count(),
        "edges": view.edge_count(),
        "open_seconds": open_seconds,
        "exposure": {
            "queries": r.exposure_ms.len(), "hops": cfg.hops, "epsilon": cfg.epsilon,
            "median_ms": q(0.5), "p90_ms": q(0.9), "p99_ms": q(0.99), "max_ms": q(1.0),
            "median_edges_scanned": r.median_edges_scanned,
        },
        "fifo": r.fifo.map(|f| serde_json::json!({
            "seconds": f.seconds, "transfers": f.transfers, "tainted_accounts": f.tainted_accounts,
        })),
    })
}

/// The line `interdict graph import` prints when done; `name` is the graph directory.
pub fn import_text(name: &str, s: &ImportSummary, seconds: f64) -> String {
    let m = &s.meta;
    let last = m.imports.last().cloned().unwrap_or_default();
    format!(
        "{name}: {} transfers imported ({} rejected), {} addresses ({} not canonical), {} transfers in total, {seconds:.1} s\n",
        last.imported, s.rejected, m.nodes, m.non_canonical_addresses, m.edges,
    )
}

/// What `interdict graph import --json` prints.
pub fn import_json(name: &str, s: &ImportSummary, seconds: f64) -> serde_json::Value {
    serde_json::json!({
        "graph": name,
        "meta": s.meta,
        "rejected": s.rejected,
        "diagnostics": s.diagnostics,
        "seconds": seconds,
    })
}

/// The line `interdict graph generate` prints when done.
pub fn generated_text(g: &Generated, seconds: f64) -> String {
    let t = &g.truth;
    format!(
        "{} transfers generated in {seconds:.1} s; thief {}, {} fan-out addresses, {} exchange deposits hit\n",
        g.transfers,
        t.thief,
        t.fanout.len(),
        t.theft_deposits.len()
    )
}

/// What `interdict graph generate --json` prints: counts and the planted truth; `graph` and
/// `csv` name the outputs.
pub fn generated_json(
    g: &Generated,
    graph: Option<&str>,
    csv: Option<&str>,
    seconds: f64,
) -> serde_json::Value {
    let t = &g.truth;
    serde_json::json!({
        "transfers": g.transfers,
        "seconds": seconds,
        "graph": graph,
        "csv": csv,
        "nodes": g.meta.as_ref().map(|m| m.nodes),
        "truth": {
            "thief": t.thief, "victim": t.victim, "mixer": t.mixer,
            "fanout": t.fanout, "theft_deposits": t.theft_deposits,
            "exchange_hot": t.exchange_hot, "peel_chains": t.peel_chains,
        },
    })
}

/// The rejected rows of an import, as the commands print them to standard error: the shown
/// diagnostics and how many more there were.
pub fn rejected_text(shown: &[FileDiagnostic], rejected: u64) -> String {
    let mut s = String::new();
    for d in shown {
        let _ = writeln!(s, "{d}");
    }
    if rejected as usize > shown.len() {
        let _ = writeln!(
            s,
            "… and {} more rejected rows (--diagnostics shows all)",
            rejected as usize - shown.len()
        );
    }
    s
}

/// What `interdict graph utxo import` and `generate` print when done.
pub fn utxo_text(u: &UtxoSummary) -> String {
    let m = &u.clusters;
    let t = &u.seconds;
    let mut s = String::new();
    if u.clusters_dir.is_none() && u.graph.is_none() && u.planted.is_none() && m.addresses == 0 {
        let _ = writeln!(
            s,
            "{} input and {} output rows generated in {:.1} s",
            m.inputs, m.outputs, t.read
        );
        return s;
    }
    let _ = writeln!(
        s,
        "{} transactions, {} inputs, {} outputs ({} rejected rows); {} addresses ({} not canonical) in {} clusters (largest {}), {} CoinJoin-shaped transactions {}",
        m.transactions,
        m.inputs,
        m.outputs,
        m.rejected,
        m.addresses,
        m.non_canonical_addresses,
        m.clusters,
        m.largest_cluster,
        m.coinjoins,
        if m.exclude_coinjoin {
            "left unjoined"
        } else {
            "joined"
        },
    );
    if let Some(d) = &u.clusters_dir {
        let _ = writeln!(
            s,
            "clusters: {d} ({} joins, {} evidence transactions)",
            m.joins, m.evidence_txs
        );
    }
    if let Some((d, g)) = &u.graph {
        let _ = writeln!(
            s,
            "graph: {d} ({} addresses, {} transfers)",
            g.nodes, g.edges
        );
    }
    if let Some(p) = &u.planted {
        let _ = writeln!(
            s,
            "planted wallets: {}, clusters: {}, merged: {}, split: {} — {}",
            p.wallets,
            p.clusters,
            p.merged,
            p.split,
            if p.exact() {
                "recovered exactly"
            } else {
                "NOT recovered exactly"
            }
        );
    }
    let _ = writeln!(
        s,
        "seconds: read {:.1}, group {:.1}, cluster {:.1}, write clusters {:.1}, write graph {:.1}",
        t.read, t.group, t.cluster, t.write_clusters, t.write_graph
    );
    s
}
