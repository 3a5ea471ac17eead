//! Prometheus metrics in the text exposition format, kept with atomics and one small map: a
//! metrics library would add dependencies for six series.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0,
];

/// The service's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    buckets: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_us: AtomicU64,
    queries: AtomicU64,
    updates_ok: AtomicU64,
    updates_failed: AtomicU64,
    swaps: AtomicU64,
}

impl Metrics {
    /// Counts one answered request by method, route template (never the raw path, which may
    /// hold a name) and status, with its latency.
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((method.to_string(), route.to_string(), status))
                .or_default() += 1;
        }
        for (i, b) in BUCKETS.iter().enumerate() {
            if seconds <= *b {
                self.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        self.latency_sum_us
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    /// Counts screened queries (names, examples or addresses).
    pub fn queries(&self, n: usize) {
        self.queries.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// Counts a background update run.
    pub fn update(&self, ok: bool) {
        if ok {
            &self.updates_ok
        } else {
            &self.updates_failed
        }
        .fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a generation swap.
    pub fn swap(&self) {
        self.swaps.fetch_add(1, Ordering::Relaxed);
    }

    /// The exposition text, with the list gauges of the readiness report.
    pub fn render(&self, readiness: &api::Readiness, generation: u64) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# HELP interdict_requests_total HTTP requests answered.");
        let _ = writeln!(s, "# TYPE interdict_requests_total counter");
        if let Ok(m) = self.requests.lock() {
            for ((method, route, status), n) in m.iter() {
                let _ = writeln!(
                    s,
                    "interdict_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                    route.replace('"', "")
                );
            }
        }
        let _ = writeln!(
            s,
            "# HELP interdict_request_duration_seconds Request latency."
        );
        let _ = writeln!(s, "# TYPE interdict_request_duration_seconds histogram");
        for (i, b) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                s,
                "interdict_request_duration_seconds_bucket{{le=\"{b}\"}} {}",
                self.buckets[i].load(Ordering::Relaxed)
            );
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let _ = writeln!(
            s,
            "interdict_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            s,
            "interdict_request_duration_seconds_sum {}",
            self.latency_sum_us.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(s, "interdict_request_duration_seconds_count {count}");
        for (name, help, v) in [
            (
                "interdict_queries_screened_total",
                "Names, examples and addresses screened.",
                &self.queries,
            ),
            (
                "interdict_list_updates_total",
                "Background list updates that succeeded.",
                &self.updates_ok,
            ),
            (
                "interdict_list_update_failures_total",
                "Background list updates that failed.",
                &self.updates_failed,
            ),
            (
                "interdict_generation_swaps_total",
                "Screener generations swapped in.",
                &self.swaps,
            ),
        ] {
            let _ = writeln!(s, "# HELP {name} {help}\n# TYPE {name} counter");
            let _ = writeln!(s, "{name} {}", v.load(Ordering::Relaxed));
        }
        let _ = writeln!(
            s,
            "# HELP interdict_ready 1 when screening requests are answered.\n# TYPE interdict_ready gauge\ninterdict_ready {}",
            u8::from(readiness.ready)
        );
        let _ = writeln!(
            s,
            "# HELP interdict_stale 1 when answers come from lists that are not current.\n# TYPE interdict_stale gauge\ninterdict_stale {}",
            u8::from(readiness.stale)
        );
        let _ = writeln!(
            s,
            "# HELP interdict_generation The screener generation answering.\n# TYPE interdict_generation gauge\ninterdict_generation {generation}"
        );
        let _ = writeln!(
            s,
            "# HELP interdict_list_age_seconds Seconds since each list was last confirmed current.\n# TYPE interdict_list_age_seconds gauge"
        );
        for l in &readiness.lists {
            let _ = writeln!(
                s,
                "interdict_list_age_seconds{{list=\"{}\",version=\"{}\"}} {}",
                l.list,
                l.version,
                l.age_seconds.map_or(-1.0, |a| a as f64)
            );
        }
        let _ = writeln!(
            s,
            "# HELP interdict_list_max_age_seconds Maximum age of each list.\n# TYPE interdict_list_max_age_seconds gauge"
        );
        for l in &readiness.lists {
            let _ = writeln!(
                s,
                "interdict_list_max_age_seconds{{list=\"{}\"}} {}",
                l.list, l.max_age_seconds
            );
        }
        s
    }
}
