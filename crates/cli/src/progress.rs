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

/// Shows an import or a generation of the `graph` crate: a bar while reading (bytes or
/// transfers), then a spinner while the graph directory is built.
pub struct Phases {
    message: &'static str,
    in_bytes: bool,
    bar: Option<ProgressBar>,
    spinner: Option<ProgressBar>,
    started: std::time::Instant,
}

impl Phases {
    /// Phases for work counted in bytes (an import) or in transfers (a generation).
    pub fn new(message: &'static str, in_bytes: bool) -> Phases {
        Phases {
            message,
            in_bytes,
            bar: None,
            spinner: None,
            started: std::time::Instant::now(),
        }
    }
}

impl graph::import::ImportProgress for Phases {
    fn start(&mut self, total: u64) {
        self.bar = Some(if self.in_bytes {
            bytes(Some(total), self.message)
        } else {
            count(total, self.message)
        });
    }

    fn advance(&mut self, done: u64) {
        if let Some(b) = &self.bar {
            b.set_position(done);
        }
    }

    fn building(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
        if self.in_bytes {
            tracing::info!(
                seconds = self.started.elapsed().as_secs_f64(),
                "Read the input."
            );
            self.spinner = Some(spinner("Building the CSR and dictionaries"));
        }
    }
}

impl Drop for Phases {
    fn drop(&mut self) {
        for b in [self.bar.take(), self.spinner.take()].into_iter().flatten() {
            b.finish_and_clear();
        }
    }
}

/// Shows a vet run: a byte bar while records are read and vetted, then a spinner while subjects
/// are linked; says how many names were screened when the reading ends.
pub struct VetBars {
    bar: ProgressBar,
    spinner: Option<ProgressBar>,
    sizes: Option<std::sync::Arc<vetting::NameCache>>,
    started: std::time::Instant,
}

impl VetBars {
    /// Bars for `size` bytes of records; `vetter` tells whether names are screened.
    pub fn new(size: u64, vetter: &vetting::Vetter<'_>, started: std::time::Instant) -> VetBars {
        VetBars {
            bar: bytes(Some(size), "Vetting records"),
            spinner: None,
            sizes: vetter.screener.is_some().then(|| vetter.names.clone()),
            started,
        }
    }
}

impl vetting::VetProgress for VetBars {
    fn read(&mut self, bytes: u64) {
        self.bar.set_position(bytes);
    }

    fn linking(&mut self) {
        self.bar.finish_and_clear();
        if let Some(names) = &self.sizes {
            let (people, parties) = names.sizes();
            eprintln!(
                "screened {people} distinct subject names and {parties} distinct counterparty names in {:.1} s (records included)",
                self.started.elapsed().as_secs_f64()
            );
        }
        self.spinner = Some(spinner("Linking subjects"));
    }
}

impl Drop for VetBars {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
        if let Some(s) = self.spinner.take() {
            s.finish_and_clear();
        }
    }
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
