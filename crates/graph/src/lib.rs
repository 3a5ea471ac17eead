//! Transfer graphs for exposure analysis and incident tracing.
//!
//! The crate has two layers with a hard boundary:
//!
//! - **Pure analyses** over slices ([`view::GraphRef`]): [`exposure`] (the vendor-style walk),
//!   [`trace`] (poison, haircut, FIFO and TIHO replays), [`paths`] (shortest and top-k),
//!   [`utxo`] (UTXO transactions and multi-input address clusters), [`clusters`] (clusters as
//!   slices: evidence, labels and seeds carried to cluster members), plus the
//!   pieces they need ([`amount`], [`labels`], [`input`] parsing from `impl Read`, and the
//!   deterministic [`generate`]or). None of these touches a file.
//! - **Storage** ([`storage`]): the module that reads and writes the on-disk graph directory
//!   (flat column files, CSR in both directions with 64-bit offsets, memory-mapped for reading)
//!   and clusters directory,
//!   and [`import`], which opens the input files of an import (CSV, and Parquet with the
//!   `parquet` feature) and feeds them to the storage builder. No other module touches a file.
//!
//! Around the analyses sit the pieces every front end needs: [`query`] resolves addresses,
//! assets and seed lists, [`report`] renders reports as text, [`svg`] draws exposure and trace
//! reports as layered flow graphs (pure functions, for the workbench), [`bench`] times queries.
//!
//! ```
//! use graph::{amount::Amount, view::{OwnedGraph, Transfer}};
//! use graph::exposure::{exposure, Direction, ExposureConfig};
//! use graph::labels::{NodeLabel, NodeLabels};
//!
//! let t = |from: &str, to: &str, amount: u128, block| Transfer {
//!     from: from.into(), to: to.into(), amount: Amount::from(amount), block,
//!     time: None, asset: String::new(), tx: None,
//! };
//! let g = OwnedGraph::from_transfers(&[t("mixer", "a", 30, 1), t("b", "a", 70, 2), t("a", "me", 50, 3)]);
//! let view = g.view();
//! let mut labels = NodeLabels::default();
//! labels.insert(view.lookup("mixer").unwrap(), NodeLabel {
//!     category: "mixer".into(), ..NodeLabel::default() });
//! let report = exposure(&view, &labels, view.lookup("me").unwrap(), &ExposureConfig::defaults(Direction::In));
//! assert!((report.categories[0].share - 0.3).abs() < 1e-12);
//! assert_eq!(report.categories[0].min_hop, 2);
//! ```

pub mod amount;
pub mod bench;
pub mod build;
pub mod clusters;
pub mod exposure;
pub mod generate;
pub mod import;
pub mod input;
pub mod labels;
pub mod paths;
pub mod query;
pub mod report;
pub mod storage;
pub mod svg;
pub mod trace;
pub mod utxo;
pub mod view;
