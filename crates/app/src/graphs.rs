//! A transfer graph a long-running service answers wallet exposure and incident trace
//! questions from: the graph directory, its label files and an optional clusters directory,
//! opened once (memory-mapped) and shared by every request, with the same analyses and
//! reports as `interdict exposure` and `interdict trace`.

use std::path::{Path, PathBuf};

use graph::exposure::{ExposureConfig, ExposureReport, StopRule, exposure};
use graph::import as gi;
use graph::labels::NodeLabels;
use graph::query;
use graph::storage::{MappedClusters, MappedGraph};
use graph::trace::{TraceConfig, TraceReport, trace};

use crate::{AppError, Result};

/// The most hops an exposure request may ask for: every hop multiplies the work.
pub const MAX_HOPS: u32 = 10;
/// The most counterparties or accounts a report may list.
pub const MAX_TOP: usize = 1000;
/// The most seeds one trace request may name.
pub const MAX_SEEDS: usize = 1000;

/// A graph opened for a service.
pub struct Graphs {
    graph: MappedGraph,
    labels: NodeLabels,
    clusters: Option<MappedClusters>,
}

impl std::fmt::Debug for Graphs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Graphs")
            .field("nodes", &self.graph.view().node_count())
            .field("edges", &self.graph.view().edge_count())
            .field("clusters", &self.clusters.is_some())
            .finish()
    }
}

impl Graphs {
    /// Opens a graph directory with its label files (`--labels`, the category for rows without
    /// one) and a clusters directory; returns the label files' diagnostics too.
    pub fn open(
        dir: &Path,
        label_files: &[PathBuf],
        category: Option<&str>,
        clusters: Option<&Path>,
    ) -> Result<(Graphs, Vec<String>)> {
        let graph = gi::open_graph(dir)?;
        let clusters = gi::open_clusters_opt(clusters)?;
        let (labels, diagnostics) =
            gi::load_labels(&graph.view(), label_files, category, clusters.as_ref())?;
        Ok((
            Graphs {
                graph,
                labels,
                clusters,
            },
            diagnostics,
        ))
    }

    /// The exposure of one wallet (`interdict exposure`).
    pub fn exposure(&self, req: &api::ExposureRequest) -> Result<ExposureReport> {
        let view = self.graph.view();
        let invalid = |m: String| AppError::Invalid(m);
        let direction = match req.direction.as_deref() {
            None => graph::exposure::Direction::In,
            Some(d) => d.parse().map_err(|e| invalid(format!("direction: {e}")))?,
        };
        let mut cfg = ExposureConfig::defaults(direction);
        if let Some(h) = req.hops {
            if !(1..=MAX_HOPS).contains(&h) {
                return Err(invalid(format!("hops must be 1 to {MAX_HOPS}")));
            }
            cfg.max_hops = h;
        }
        if let Some(e) = req.epsilon {
            if !(e > 0.0 && e <= 1.0) {
                return Err(invalid("epsilon must be above 0 and at most 1".into()));
            }
            cfg.epsilon = e;
        }
        if let Some(c) = req.degree_cap {
            cfg.degree_cap = (c > 0).then_some(c);
        }
        cfg.from_block = req.from_block;
        cfg.to_block = req.to_block;
        cfg.asset =
            query::asset(&view, req.asset.as_deref()).map_err(|e| invalid(e.to_string()))?;
        cfg.stop = StopRule::from_categories(req.stop_at.clone());
        cfg.max_counterparties = top(req.top, 5)?;
        let target = query::node(&view, &req.address).map_err(|e| invalid(e.to_string()))?;
        let mut r = exposure(&view, &self.labels, target, &cfg);
        if let Some(c) = &self.clusters {
            c.view().explain_exposure(&mut r);
        }
        Ok(r)
    }

    /// Traces taint from seeds (`interdict trace`); also returns one warning per seed that
    /// names nothing in the graph.
    pub fn trace(&self, req: &api::TraceRequest) -> Result<(TraceReport, Vec<String>)> {
        let view = self.graph.view();
        if req.seeds.is_empty() || req.seeds.len() > MAX_SEEDS {
            return Err(AppError::Invalid(format!("give 1 to {MAX_SEEDS} seeds")));
        }
        if let Some(s) = req.seeds.iter().find(|s| s.contains(['\n', '\r'])) {
            return Err(AppError::Invalid(format!(
                "a seed is one address or transaction id, not {s:?}"
            )));
        }
        let model = match req.model.as_deref() {
            None => graph::trace::TaintModel::Fifo,
            Some(m) => m
                .parse()
                .map_err(|e| AppError::Invalid(format!("model: {e}")))?,
        };
        let mut list = query::parse_seeds(&view, "seeds", &req.seeds.join("\n"));
        if list.is_empty() {
            return Err(AppError::Invalid(
                "no seed names an address or transaction of the graph".into(),
            ));
        }
        let added = self
            .clusters
            .as_ref()
            .map(|c| c.view().extend_seeds(&view, &mut list.seeds));
        let cfg = TraceConfig {
            model,
            max_accounts: top(req.top, 20)?,
        };
        let mut r = trace(&view, &list.seeds, &cfg);
        (r.cluster_seed_count, r.cluster_seeds) = added.unwrap_or_default();
        Ok((r, list.warnings))
    }
}

impl Graphs {
    /// The category of each of these addresses that carries a label (address → category), for
    /// pictures of a trace, whose report names addresses only.
    pub fn categories<'a>(
        &self,
        addresses: impl IntoIterator<Item = &'a str>,
    ) -> std::collections::BTreeMap<String, String> {
        let view = self.graph.view();
        addresses
            .into_iter()
            .filter_map(|a| {
                let label = self.labels.get(view.lookup(a)?)?;
                Some((a.to_string(), label.category.clone()))
            })
            .collect()
    }
}

fn top(given: Option<usize>, default: usize) -> Result<usize> {
    match given {
        None => Ok(default),
        Some(n) if (1..=MAX_TOP).contains(&n) => Ok(n),
        Some(_) => Err(AppError::Invalid(format!("top must be 1 to {MAX_TOP}"))),
    }
}
