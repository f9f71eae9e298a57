//! Counters for `GET /metrics`, in the Prometheus text format.
//!
//! Plain atomics: every counter is bumped on a hot path, so no lock and no allocation.

use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// Upper bounds of the commit-latency buckets, in seconds.
const COMMIT_BUCKETS_SECONDS: [f64; 10] = [0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.5];

/// A latency histogram with fixed buckets.
pub struct Histogram {
    buckets: [AtomicU64; COMMIT_BUCKETS_SECONDS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    fn new() -> Histogram {
        Histogram { buckets: Default::default(), count: AtomicU64::new(0), sum_micros: AtomicU64::new(0) }
    }

    /// Records one observation.
    pub fn record(&self, seconds: f64) {
        if let Some(index) = COMMIT_BUCKETS_SECONDS.iter().position(|bound| seconds <= *bound) {
            self.buckets[index].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }
}

/// Every counter the server exports.
pub struct Metrics {
    /// WebSocket connections logged in now.
    pub connections: AtomicI64,
    /// Successful logins.
    pub logins: AtomicU64,
    /// Messages stored.
    pub messages: AtomicU64,
    /// Read receipts recorded (new ones only).
    pub receipts: AtomicU64,
    /// Push frames queued to connections.
    pub pushes: AtomicU64,
    /// Connections closed because they could not keep up.
    pub slow_consumers: AtomicU64,
    /// Receipt states let go from memory (they are read back from the store when used).
    pub receipt_cells_evicted: AtomicU64,
    /// Webhook after-events delivered.
    pub webhooks_delivered: AtomicU64,
    /// Webhook calls that failed or timed out (each attempt).
    pub webhooks_failed: AtomicU64,
    /// Webhook after-events dropped because the app's queue was full.
    pub webhooks_dropped: AtomicU64,
    /// Webhook after-events abandoned after retrying for two days.
    pub webhooks_abandoned: AtomicU64,
    /// Batches committed by the writer.
    pub store_batches: AtomicU64,
    /// Write ops committed.
    pub store_ops: AtomicU64,
    /// Writes that failed.
    pub store_failures: AtomicU64,
    /// The newest event position.
    pub head_pos: AtomicU64,
    /// Time per batch commit.
    pub commit_seconds: Histogram,
    /// Set when a write failed: the memory may be ahead of the store, so the server refuses
    /// further changes and reports itself unhealthy until it is restarted (which reloads the
    /// state from the store).
    pub store_failed: std::sync::atomic::AtomicBool,
    /// Set while the store cannot write (a full disk, say) and the writer retries the batch it
    /// holds: new changes are refused and the server reports itself unhealthy until the store
    /// takes the batch, then service resumes by itself.
    pub store_unavailable: std::sync::atomic::AtomicBool,
    /// Why the store cannot write, while `store_unavailable` is set: what refused changes say.
    pub(crate) store_unavailable_reason: std::sync::Mutex<String>,
    /// Batches of events the writer has put on the bus.
    pub(crate) bus_published: AtomicU64,
    /// Batches of events the dispatcher has handed to the devices.
    pub(crate) bus_delivered: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics {
            connections: AtomicI64::new(0),
            logins: AtomicU64::new(0),
            messages: AtomicU64::new(0),
            receipts: AtomicU64::new(0),
            pushes: AtomicU64::new(0),
            slow_consumers: AtomicU64::new(0),
            receipt_cells_evicted: AtomicU64::new(0),
            webhooks_delivered: AtomicU64::new(0),
            webhooks_failed: AtomicU64::new(0),
            webhooks_dropped: AtomicU64::new(0),
            webhooks_abandoned: AtomicU64::new(0),
            store_batches: AtomicU64::new(0),
            store_ops: AtomicU64::new(0),
            store_failures: AtomicU64::new(0),
            head_pos: AtomicU64::new(0),
            commit_seconds: Histogram::new(),
            store_failed: std::sync::atomic::AtomicBool::new(false),
            store_unavailable: std::sync::atomic::AtomicBool::new(false),
            store_unavailable_reason: std::sync::Mutex::new(String::new()),
            bus_published: AtomicU64::new(0),
            bus_delivered: AtomicU64::new(0),
        }
    }
}

impl Metrics {
    /// Whether the server takes changes now: the store has not failed and can write.
    pub fn store_writable(&self) -> bool {
        !self.store_failed.load(Ordering::Relaxed) && !self.store_unavailable.load(Ordering::Relaxed)
    }

    /// The Prometheus text exposition of every counter.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(2048);
        let counters: [(&str, &str, u64); 15] = [
            ("tincan_logins_total", "Successful logins.", self.logins.load(Ordering::Relaxed)),
            ("tincan_messages_total", "Messages stored.", self.messages.load(Ordering::Relaxed)),
            ("tincan_receipts_total", "Read receipts recorded.", self.receipts.load(Ordering::Relaxed)),
            ("tincan_pushes_total", "Push frames queued to connections.", self.pushes.load(Ordering::Relaxed)),
            (
                "tincan_slow_consumers_total",
                "Connections closed for not keeping up.",
                self.slow_consumers.load(Ordering::Relaxed),
            ),
            (
                "tincan_receipt_cells_evicted_total",
                "Receipt states let go from memory, to be read back from the store when used.",
                self.receipt_cells_evicted.load(Ordering::Relaxed),
            ),
            (
                "tincan_webhooks_delivered_total",
                "Webhook events delivered.",
                self.webhooks_delivered.load(Ordering::Relaxed),
            ),
            (
                "tincan_webhooks_failed_total",
                "Webhook calls that failed or timed out.",
                self.webhooks_failed.load(Ordering::Relaxed),
            ),
            (
                "tincan_webhooks_dropped_total",
                "Webhook events dropped because the queue was full.",
                self.webhooks_dropped.load(Ordering::Relaxed),
            ),
            (
                "tincan_webhooks_abandoned_total",
                "Webhook events abandoned after two days of retries.",
                self.webhooks_abandoned.load(Ordering::Relaxed),
            ),
            ("tincan_store_batches_total", "Batches committed.", self.store_batches.load(Ordering::Relaxed)),
            ("tincan_store_ops_total", "Write operations committed.", self.store_ops.load(Ordering::Relaxed)),
            ("tincan_store_failures_total", "Writes that failed.", self.store_failures.load(Ordering::Relaxed)),
            ("tincan_head_position", "The newest event position.", self.head_pos.load(Ordering::Relaxed)),
            (
                "tincan_store_unavailable",
                "1 while the store cannot write and the writer retries; 0 otherwise.",
                u64::from(self.store_unavailable.load(Ordering::Relaxed)),
            ),
        ];
        for (name, help, value) in counters {
            let kind = if name.ends_with("_total") { "counter" } else { "gauge" };
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}");
        }
        let connections = self.connections.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "# HELP tincan_connections Logged-in WebSocket connections.\n# TYPE tincan_connections gauge\ntincan_connections {connections}"
        );
        let _ = writeln!(
            out,
            "# HELP tincan_commit_seconds Time to commit one batch.\n# TYPE tincan_commit_seconds histogram"
        );
        let mut cumulative = 0;
        for (bound, bucket) in COMMIT_BUCKETS_SECONDS.iter().zip(&self.commit_seconds.buckets) {
            cumulative += bucket.load(Ordering::Relaxed);
            let _ = writeln!(out, "tincan_commit_seconds_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let count = self.commit_seconds.count.load(Ordering::Relaxed);
        let sum = self.commit_seconds.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "tincan_commit_seconds_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "tincan_commit_seconds_sum {sum}\ntincan_commit_seconds_count {count}");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_text() {
        let metrics = Metrics::default();
        metrics.messages.fetch_add(3, Ordering::Relaxed);
        metrics.commit_seconds.record(0.003);
        let text = metrics.render();
        assert!(text.contains("# TYPE tincan_messages_total counter\ntincan_messages_total 3"), "{text}");
        assert!(text.contains("tincan_commit_seconds_bucket{le=\"0.004\"} 1"), "{text}");
        assert!(text.contains("tincan_commit_seconds_count 1"), "{text}");
    }
}
