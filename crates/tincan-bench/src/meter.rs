//! Measured phases: wall time, latencies, and the CPU time of both sides.
//!
//! A phase may run in pieces, with untimed set-up between them (synapse-shape repeats Synapse's
//! rounds until the phase is long enough); a [`Meter`] adds up its pieces' wall time and the CPU
//! time the server and the load generator spent in them, so that rates and CPU shares cover the
//! timed work only. [`Progress`] is what the tasks of a one-piece phase share to know when to stop.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::stats::{ProcessSample, Stats};
use crate::{PhaseBound, Target};

/// The wall clock and both processes' CPU time at one moment.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mark {
    at: Instant,
    server: ProcessSample,
    load_generator: ProcessSample,
}

impl Mark {
    pub(crate) fn now(target: &Target) -> Mark {
        Mark { at: Instant::now(), server: target.sample(), load_generator: ProcessSample::own() }
    }

    /// The server's memory at this mark, in mebibytes.
    pub(crate) fn server_rss_mb(&self) -> u64 {
        self.server.rss_kib / 1024
    }
}

/// What the timed pieces of one phase added up to.
#[derive(Clone, Debug, Default)]
pub(crate) struct Meter {
    /// One latency per operation, so their number is the phase's operations.
    pub(crate) latencies: Stats,
    wall: Duration,
    server_cpu_s: f64,
    load_generator_cpu_s: f64,
    pieces: usize,
}

impl Meter {
    /// Adds the piece timed from `start` to `end`.
    pub(crate) fn add(&mut self, start: Mark, end: Mark) {
        assert!(end.at >= start.at);
        self.wall += end.at - start.at;
        self.server_cpu_s += end.server.cpu_seconds - start.server.cpu_seconds;
        self.load_generator_cpu_s += end.load_generator.cpu_seconds - start.load_generator.cpu_seconds;
        self.pieces += 1;
    }

    /// The timed pieces' wall time, added up.
    pub(crate) fn wall(&self) -> Duration {
        self.wall
    }

    /// Whether the phase has lasted `bound`'s time and done its operations.
    pub(crate) fn met(&self, bound: PhaseBound) -> bool {
        self.wall >= bound.duration_min && self.latencies.len() >= bound.operations_min
    }

    /// The latencies' summary with the phase's rate and both sides' CPU (see [`usage`]), and how
    /// many timed pieces (rounds) it took.
    pub(crate) fn report(&self) -> Value {
        let mut report = self.latencies.summary();
        let usage = usage(self.latencies.len(), self.wall, self.server_cpu_s, self.load_generator_cpu_s);
        for (key, value) in usage.as_object().into_iter().flatten() {
            report[key] = value.clone();
        }
        report["rounds"] = json!(self.pieces);
        report
    }
}

/// The rate of `operations` done in `wall`, and the CPU time each side spent on them: in seconds,
/// per operation, and as cores (CPU seconds per second of the phase; the machine has
/// `available_parallelism` of them).
fn usage(operations: usize, wall: Duration, server_cpu_s: f64, load_generator_cpu_s: f64) -> Value {
    let wall_s = wall.as_secs_f64().max(1e-9);
    let per_operation_ms =
        |cpu_s: f64| if operations == 0 { Value::Null } else { json!(round3(cpu_s * 1000.0 / operations as f64)) };
    json!({
        "wall_s": round3(wall.as_secs_f64()),
        "rate_per_s": round1(operations as f64 / wall_s),
        "server_cpu_s": round3(server_cpu_s),
        "server_cpu_ms_per_op": per_operation_ms(server_cpu_s),
        "server_cpu_cores": round3(server_cpu_s / wall_s),
        "load_generator_cpu_s": round3(load_generator_cpu_s),
        "load_generator_cpu_ms_per_op": per_operation_ms(load_generator_cpu_s),
        "load_generator_cpu_cores": round3(load_generator_cpu_s / wall_s),
    })
}

/// A one-piece phase's progress, shared by the tasks that run it: each asks [`Progress::more`]
/// before an operation and calls [`Progress::done_one`] after it.
#[derive(Debug)]
pub(crate) struct Progress {
    started: Instant,
    bound: PhaseBound,
    operations: AtomicUsize,
}

impl Progress {
    /// Starts the clock of a phase bounded by `bound`.
    pub(crate) fn start(bound: PhaseBound) -> Arc<Progress> {
        Arc::new(Progress { started: Instant::now(), bound, operations: AtomicUsize::new(0) })
    }

    /// When the phase started.
    pub(crate) fn started(&self) -> Instant {
        self.started
    }

    /// Whether the phase goes on: it has not yet lasted its time, or not yet done its operations.
    pub(crate) fn more(&self) -> bool {
        self.started.elapsed() < self.bound.duration_min
            || self.operations.load(Ordering::Relaxed) < self.bound.operations_min
    }

    pub(crate) fn done_one(&self) {
        self.operations.fetch_add(1, Ordering::Relaxed);
    }
}

pub(crate) fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

pub(crate) fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_meter_adds_up_its_pieces() {
        let bound = PhaseBound { duration_min: Duration::from_millis(30), operations_min: 4 };
        let target = Target {
            address: String::new(),
            nodes: Vec::new(),
            sdkappid: 1,
            key: String::new(),
            pids: Vec::new(),
            also_measured: Vec::new(),
            prefix: String::new(),
            data_dir: None,
        };
        let mut meter = Meter::default();
        assert!(!meter.met(bound));
        for _ in 0..2 {
            let start = Mark::now(&target);
            std::thread::sleep(Duration::from_millis(20));
            meter.latencies.push(Duration::from_millis(1));
            meter.latencies.push(Duration::from_millis(3));
            meter.add(start, Mark::now(&target));
        }
        assert!(meter.met(bound));
        assert!(meter.wall() >= Duration::from_millis(40));
        let report = meter.report();
        assert_eq!(report["n"], 4);
        assert_eq!(report["rounds"], 2);
        assert!(report["rate_per_s"].as_f64().unwrap() <= 100.0, "{report}");
        assert!(report["load_generator_cpu_cores"].as_f64().is_some(), "{report}");
    }

    #[test]
    fn progress_needs_both_its_time_and_its_operations() {
        let progress = Progress::start(PhaseBound { duration_min: Duration::from_millis(10), operations_min: 2 });
        assert!(progress.more());
        std::thread::sleep(Duration::from_millis(15));
        assert!(progress.more(), "time alone is not enough");
        progress.done_one();
        progress.done_one();
        assert!(!progress.more());
    }
}
