//! Percentiles, and a process's CPU time and memory from `/proc` (the server's, and the load
//! generator's own).

use std::time::Duration;

use serde_json::{Value, json};

/// A set of latencies.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    millis: Vec<f64>,
}

impl Stats {
    /// Adds one latency.
    pub fn push(&mut self, latency: Duration) {
        self.millis.push(latency.as_secs_f64() * 1000.0);
    }

    /// Adds every latency of `other`.
    pub fn extend(&mut self, other: Stats) {
        self.millis.extend(other.millis);
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.millis.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.millis.is_empty()
    }

    /// The `p`th percentile in milliseconds (nearest rank).
    pub fn percentile(&self, p: f64) -> f64 {
        if self.millis.is_empty() {
            return f64::NAN;
        }
        let mut sorted = self.millis.clone();
        sorted.sort_by(f64::total_cmp);
        let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
        sorted[rank.min(sorted.len() - 1)]
    }

    /// `{n, p50_ms, p99_ms, max_ms}`.
    pub fn summary(&self) -> Value {
        let round = |value: f64| (value * 100.0).round() / 100.0;
        json!({
            "n": self.len(),
            "p50_ms": round(self.percentile(50.0)),
            "p99_ms": round(self.percentile(99.0)),
            "max_ms": round(self.percentile(100.0)),
        })
    }
}

/// A process's CPU time and resident memory at one moment.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProcessSample {
    /// User plus system CPU time, in seconds.
    pub cpu_seconds: f64,
    /// Resident set size, in kibibytes.
    pub rss_kib: u64,
}

impl ProcessSample {
    /// This process: the load generator, whose clients run on the same cores as the server.
    pub fn own() -> ProcessSample {
        ProcessSample::of(std::process::id())
    }

    /// The pids of every process whose name (`/proc/<pid>/comm`) is one of `names`.
    pub fn pids_named(names: &[String]) -> Vec<u32> {
        if names.is_empty() {
            return Vec::new();
        }
        let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
        entries
            .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| {
                std::fs::read_to_string(format!("/proc/{pid}/comm"))
                    .is_ok_and(|comm| names.iter().any(|name| name == comm.trim_end()))
            })
            .collect()
    }

    /// Reads `/proc/<pid>/stat` and `/proc/<pid>/status`; zeros where unreadable.
    pub fn of(pid: u32) -> ProcessSample {
        let ticks_per_second = 100.0;
        let cpu_seconds = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|stat| {
                let after = stat.rsplit_once(')')?.1;
                let fields: Vec<&str> = after.split_whitespace().collect();
                let user: f64 = fields.get(11)?.parse().ok()?;
                let system: f64 = fields.get(12)?.parse().ok()?;
                Some((user + system) / ticks_per_second)
            })
            .unwrap_or(0.0);
        let rss_kib = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|status| {
                let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
                line.split_whitespace().nth(1)?.parse().ok()
            })
            .unwrap_or(0);
        ProcessSample { cpu_seconds, rss_kib }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let mut stats = Stats::default();
        for millis in 1..=100 {
            stats.push(Duration::from_millis(millis));
        }
        assert_eq!(stats.percentile(50.0), 51.0);
        assert_eq!(stats.percentile(99.0), 99.0);
        assert_eq!(stats.percentile(100.0), 100.0);
        assert!(Stats::default().percentile(50.0).is_nan());
    }

    #[test]
    fn reads_its_own_process() {
        let sample = ProcessSample::of(std::process::id());
        assert!(sample.rss_kib > 0);
        // Spin until the kernel has charged this process a tick or two of CPU time.
        let started = std::time::Instant::now();
        while ProcessSample::own().cpu_seconds <= sample.cpu_seconds && started.elapsed() < Duration::from_secs(5) {
            std::hint::black_box((0..1_000u64).sum::<u64>());
        }
        assert!(ProcessSample::own().cpu_seconds > sample.cpu_seconds);
    }
}
