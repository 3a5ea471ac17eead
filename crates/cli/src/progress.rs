//! Progress reporting on a terminal; silent when standard error is not one.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// A spinner with a message, shown only on a terminal.
pub fn spinner(message: impl Into<String>) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} [{elapsed}]") {
        pb.set_style(style);
    }
    pb.set_message(message.into());
    pb.enable_steady_tick(Duration::from_millis(120));
    pb
}

/// A byte-counting bar for downloads, shown only on a terminal.
pub fn bytes(total: Option<u64>, message: impl Into<String>) -> ProgressBar {
    let pb = match total {
        Some(t) => ProgressBar::new(t),
        None => ProgressBar::new_spinner(),
    };
    let template = if total.is_some() {
        "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec})"
    } else {
        "{spinner} {msg} {bytes} ({bytes_per_sec})"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(message.into());
    pb
}

/// A counting bar for batches, shown only on a terminal.
pub fn count(total: u64, message: impl Into<String>) -> ProgressBar {
    let pb = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({per_sec}, eta {eta})")
    {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(message.into());
    pb
}

/// The application layer's [`app::Observer`] on a terminal: one bar at a time, notices on
/// standard error above it.
#[derive(Default)]
pub struct Bars {
    bar: std::sync::Mutex<Option<ProgressBar>>,
}

impl Bars {
    fn with(&self, f: impl FnOnce(&mut Option<ProgressBar>)) {
        if let Ok(mut guard) = self.bar.lock() {
            f(&mut guard);
        }
    }
}

impl app::Observer for Bars {
    fn start(&self, task: &str, total: Option<u64>, unit: app::Unit) {
        let pb = match (unit, total) {
            (app::Unit::Bytes, t) => bytes(t, task.to_string()),
            (app::Unit::Items, Some(t)) => count(t, task.to_string()),
            (app::Unit::Items, None) => spinner(task.to_string()),
        };
        self.with(|b| {
            if let Some(old) = b.replace(pb) {
                old.finish_and_clear();
            }
        });
    }

    fn advance(&self, n: u64) {
        self.with(|b| {
            if let Some(pb) = b {
                pb.inc(n);
            }
        });
    }

    fn finish(&self) {
        self.with(|b| {
            if let Some(pb) = b.take() {
                pb.finish_and_clear();
            }
        });
    }

    fn notice(&self, message: &str) {
        self.with(|b| match b {
            Some(pb) => pb.suspend(|| eprintln!("{message}")),
            None => eprintln!("{message}"),
        });
    }
}
