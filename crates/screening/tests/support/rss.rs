//! The process's peak resident memory, for the examples that report it.

/// Peak resident memory (`VmHWM` from `/proc/self/status`, Linux) in kB; 0 elsewhere.
pub fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        })
        .unwrap_or(0)
}
