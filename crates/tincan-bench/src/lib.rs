//! The benchmark harness: scenarios that drive a running tincan over its real protocol.
//!
//! Every scenario logs users in through `tincan-sdk`, sets up what it needs through the REST API,
//! measures only its own phases, and returns a JSON object of figures.
//! Counts and durations are bounded by [`Sizes`]; every phase whose figure is a rate runs until it
//! has lasted [`PhaseBound::duration_min`] and done [`PhaseBound::operations_min`], so that a figure
//! is not decided by a few hundred milliseconds of a noisy machine.
//! The smoke test runs every scenario at [`Sizes::tiny`] against a server started in process.
//! CPU and memory come from `/proc/<pid>` of the server when its pid is known, and the load
//! generator's CPU from its own `/proc` entry, so that a reader sees what each side took.
//! A receipt its sender never saw, or a message a member never received, fails the scenario
//! ([`failures`]).
//!
//! # Layout
//!
//! - [`Target`]: where the server is and how to log in.
//! - [`Sizes`] and [`PhaseBound`]: how big each scenario is and how long each phase runs.
//! - `stats`: percentiles and process counters.
//! - `meter`: a phase's wall time, latencies and both sides' CPU time, added up over its pieces.
//! - `scenarios`: the receipt, group, connection and messaging scenarios.
//! - `media`: uploads and downloads of large files beside the disk's own speed.

mod media;
mod meter;
mod scenarios;
mod stats;

use std::net::IpAddr;
use std::time::Duration;

use serde_json::{Value, json};
use tincan_proto::UserId;
use tincan_sdk::admin::AdminClient;
use tincan_sdk::{Client, ClientConfig, Events};

pub use media::media;
pub use scenarios::{connections, large_group, messaging, receipt_throughput, synapse_shape};
pub use stats::{ProcessSample, Stats};

/// A running server.
#[derive(Clone, Debug)]
pub struct Target {
    /// `host:port`: where the REST calls go, and the clients unless `nodes` names more.
    pub address: String,
    /// Every node of a cluster, `host:port`: each user's client connects to one of them, the
    /// same one every time (empty: `address` alone).
    pub nodes: Vec<String>,
    /// The app to use.
    pub sdkappid: u64,
    /// Its key (to make UserSigs).
    pub key: String,
    /// The server's processes (a cluster's nodes), whose CPU time and memory add up to the
    /// server's figures.
    pub pids: Vec<u32>,
    /// Names of more processes whose every instance's CPU time counts as the server's (a
    /// PostgreSQL store's `postgres` backends, the cluster's `nats-server`).
    pub also_measured: Vec<String>,
    /// A prefix for every user and group the run creates, so that runs do not collide.
    pub prefix: String,
    /// The server's data directory, when known: the media scenario measures the disk's own
    /// speed there (in the temporary directory otherwise).
    pub data_dir: Option<std::path::PathBuf>,
}

/// How long a measured phase runs: until it has lasted `duration_min` and done
/// `operations_min`, whichever comes later.
#[derive(Clone, Copy, Debug)]
pub struct PhaseBound {
    /// The shortest time the phase is measured over (its timed pieces added up).
    pub duration_min: Duration,
    /// The fewest operations it counts.
    pub operations_min: usize,
}

/// How big each scenario is.
#[derive(Clone, Debug)]
pub struct Sizes {
    /// How long every phase measuring a rate runs: synapse-shape's, messaging's, and (by time
    /// alone, as their senders keep a schedule or run out of messages) receipt-throughput's.
    pub phase: PhaseBound,
    /// synapse-shape: concurrent clients (Synapse's run uses 20).
    pub synapse_clients: usize,
    /// synapse-shape: messages the sender sends one by one in each round of the single-reader
    /// phase, each read in turn by one reader (400, Synapse's whole phase).
    pub synapse_messages: usize,
    /// synapse-shape: messages of each round of the concurrent phase, each read by every client
    /// (100, Synapse's whole phase).
    pub synapse_receipts_per_client: usize,
    /// synapse-shape: idle receipts timed one by one in each round of the idle phase (50,
    /// Synapse's whole phase).
    pub synapse_idle_samples: usize,
    /// receipt-throughput: reader connections.
    pub throughput_readers: usize,
    /// receipt-throughput: messages asking for receipts read as fast as the server takes them
    /// (over all senders; each reader reads each at most once), enough for the phase's length.
    pub throughput_messages: usize,
    /// receipt-throughput: receipts each reader has in flight at once.
    pub throughput_pipeline: usize,
    /// receipt-throughput: the rate of the steady phase, receipts per second over all readers.
    pub throughput_steady_rate: usize,
    /// receipt-throughput: messages of the steady phase, enough for its length at its rate.
    pub throughput_steady_messages: usize,
    /// large-group: members.
    pub large_group_members: usize,
    /// large-group: connections logged in at once while members read.
    pub large_group_batch: usize,
    /// connections: idle connections to hold.
    pub connections: usize,
    /// messaging: members of the group (all online).
    pub messaging_members: usize,
    /// messaging: requests in flight per sender.
    pub messaging_pipeline: usize,
    /// messaging: group messages per second in the steady phase.
    pub messaging_steady_rate: u32,
    /// messaging: pairs of users sending C2C messages to each other.
    pub messaging_pairs: usize,
    /// media: files uploaded, then downloaded, one after another.
    pub media_files: usize,
    /// media: each file's size in bytes.
    pub media_file_bytes: usize,
}

impl Sizes {
    /// The sizes the targets are stated for.
    pub fn full() -> Sizes {
        Sizes {
            phase: PhaseBound { duration_min: Duration::from_secs(10), operations_min: 20_000 },
            synapse_clients: 20,
            synapse_messages: 400,
            synapse_receipts_per_client: 100,
            synapse_idle_samples: 50,
            throughput_readers: 200,
            // 1,200,000 receipts: 10 s at up to 120,000/s.
            throughput_messages: 6_000,
            throughput_pipeline: 8,
            throughput_steady_rate: 50_000,
            // 600,000 receipts: 10 s at 50,000/s with a fifth to spare.
            throughput_steady_messages: 3_000,
            large_group_members: 100_000,
            large_group_batch: 1_000,
            connections: 50_000,
            messaging_members: 22,
            messaging_pipeline: 8,
            messaging_steady_rate: 1_000,
            messaging_pairs: 50,
            media_files: 20,
            media_file_bytes: 10_000_000,
        }
    }

    /// Sizes small enough for a smoke test.
    pub fn tiny() -> Sizes {
        Sizes {
            phase: PhaseBound { duration_min: Duration::from_millis(200), operations_min: 10 },
            synapse_clients: 3,
            synapse_messages: 8,
            synapse_receipts_per_client: 4,
            synapse_idle_samples: 3,
            throughput_readers: 4,
            throughput_messages: 6,
            throughput_pipeline: 2,
            throughput_steady_rate: 200,
            throughput_steady_messages: 6,
            large_group_members: 50,
            large_group_batch: 20,
            connections: 20,
            messaging_members: 4,
            messaging_pipeline: 2,
            messaging_steady_rate: 40,
            messaging_pairs: 2,
            media_files: 2,
            media_file_bytes: 100_000,
        }
    }
}

/// Every scenario's name, in the order they run.
///
/// The `-fast` variants run the same workload with the app's receipt coalescing window set to
/// [`FAST_WINDOW_MS`] instead of the default, showing what a shorter window buys in push
/// latency and costs in pushes.
pub const SCENARIOS: [&str; 8] = [
    "synapse-shape",
    "synapse-shape-fast",
    "receipt-throughput",
    "receipt-throughput-fast",
    "large-group",
    "connections",
    "messaging",
    "media",
];

/// The coalescing window of the `-fast` variants, in milliseconds.
pub const FAST_WINDOW_MS: u32 = 10;

impl Target {
    /// The user named `name` in this run.
    pub fn user(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    fn now() -> u64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |it| it.as_secs())
    }

    /// A client configuration for `user`, connecting from `local_ip` if given.
    pub fn config(&self, user: &str, local_ip: Option<IpAddr>) -> anyhow::Result<ClientConfig> {
        let user_id = UserId::parse(user).map_err(|err| anyhow::anyhow!(err.desc))?;
        let user_sig = tincan_usersig::generate(&self.key, self.sdkappid, user, Self::now(), 86_400);
        let address = match self.nodes.len() {
            0 => &self.address,
            n => {
                &self.nodes[(user.bytes().fold(0u64, |hash, byte| hash.wrapping_mul(31).wrapping_add(u64::from(byte)))
                    % n as u64) as usize]
            }
        };
        let mut config = ClientConfig::new(format!("ws://{address}/ws"), self.sdkappid, user_id, user_sig);
        config.local_ip = local_ip;
        config.request_timeout = Duration::from_secs(120);
        Ok(config)
    }

    /// Logs `user` in.
    pub async fn client(&self, user: &str) -> anyhow::Result<(Client, Events)> {
        Client::connect(self.config(user, None)?).await.map_err(|err| anyhow::anyhow!("login of {user}: {err}"))
    }

    /// A REST client for the app's administrator.
    pub fn admin(&self) -> AdminClient {
        let identifier = "administrator".to_owned();
        let user_sig = tincan_usersig::generate(&self.key, self.sdkappid, &identifier, Self::now(), 86_400);
        AdminClient { address: self.address.clone(), sdkappid: self.sdkappid, identifier, user_sig }
    }

    /// Creates accounts, 100 per REST call.
    pub async fn import(&self, users: &[String]) -> anyhow::Result<()> {
        let admin = self.admin();
        for chunk in users.chunks(100) {
            admin
                .call("im_open_login_svc", "multiaccount_import", &json!({"Accounts": chunk}))
                .await
                .map_err(|err| anyhow::anyhow!("account import: {err}"))?;
        }
        Ok(())
    }

    /// Sets the app's configuration.
    pub async fn configure(&self, config: Value) -> anyhow::Result<()> {
        self.admin()
            .call("tincan", "set_app_config", &config)
            .await
            .map_err(|err| anyhow::anyhow!("configuration: {err}"))?;
        Ok(())
    }

    /// The app's receipt coalescing window, in milliseconds.
    pub async fn window_ms(&self) -> anyhow::Result<u64> {
        let answer = self
            .admin()
            .call("tincan", "get_app", &json!({}))
            .await
            .map_err(|err| anyhow::anyhow!("get_app: {err}"))?;
        answer["App"]["receipt_coalesce_window_ms"]
            .as_u64()
            .ok_or_else(|| anyhow::anyhow!("get_app gave no receipt_coalesce_window_ms: {answer}"))
    }

    /// The server's CPU time and memory now.
    pub fn sample(&self) -> ProcessSample {
        let mut sample = ProcessSample::default();
        for pid in self.pids.iter().copied().chain(ProcessSample::pids_named(&self.also_measured)) {
            let one = ProcessSample::of(pid);
            sample.cpu_seconds += one.cpu_seconds;
            if self.pids.contains(&pid) {
                sample.rss_kib += one.rss_kib;
            }
        }
        sample
    }
}

/// Runs one scenario by name. A report that counts a receipt its sender never saw or a message a
/// member never received gets the list of them under `failures` (see [`failures`]).
pub async fn run(name: &str, target: &Target, sizes: &Sizes) -> anyhow::Result<Value> {
    let mut report = run_scenario(name, target, sizes).await?;
    let failed = failures(&report);
    if !failed.is_empty() {
        report["failures"] = json!(failed);
    }
    Ok(report)
}

/// The keys under which a report counts what never arrived within the run: receipts whose
/// sender never saw a push counting them, and message deliveries that never happened.
pub const NEVER_ARRIVED_KEYS: [&str; 2] = ["not_seen", "missing"];

/// Every non-zero count of [`NEVER_ARRIVED_KEYS`] in `report`, as `path.to.key: count`.
///
/// The server acknowledged each of these as durable, so one that never reached its audience
/// within the run is a fault of the run, not a tail to leave out of the percentiles.
pub fn failures(report: &Value) -> Vec<String> {
    let mut found = Vec::new();
    // Walked with a stack rather than recursion; reports are a few levels deep.
    let mut stack: Vec<(String, &Value)> = vec![(String::new(), report)];
    while let Some((path, value)) = stack.pop() {
        let Some(object) = value.as_object() else { continue };
        for (key, child) in object {
            let child_path = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            let count = child.as_u64().unwrap_or(0);
            if NEVER_ARRIVED_KEYS.contains(&key.as_str()) && count > 0 {
                found.push(format!("{child_path}: {count}"));
            }
            if child.is_object() {
                stack.push((child_path, child));
            }
        }
    }
    found.sort();
    found
}

async fn run_scenario(name: &str, target: &Target, sizes: &Sizes) -> anyhow::Result<Value> {
    if let Some(base) = name.strip_suffix("-fast") {
        let window = target.window_ms().await?;
        target.configure(json!({"receipt_coalesce_window_ms": FAST_WINDOW_MS})).await?;
        let result = Box::pin(run_scenario(base, target, sizes)).await;
        target.configure(json!({"receipt_coalesce_window_ms": window})).await?;
        return result.map(|report| {
            let mut report = report;
            report["receipt_coalesce_window_ms"] = json!(FAST_WINDOW_MS);
            report
        });
    }
    match name {
        "synapse-shape" => synapse_shape(target, sizes).await,
        "receipt-throughput" => receipt_throughput(target, sizes).await,
        "large-group" => large_group(target, sizes).await,
        "connections" => connections(target, sizes).await,
        "messaging" => messaging(target, sizes).await,
        "media" => media(target, sizes).await,
        other => anyhow::bail!("unknown scenario {other:?}; known: {}", SCENARIOS.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_name_every_count_of_what_never_arrived() {
        let report = json!({
            "visibility_under_load": {"n": 10, "not_seen": 2},
            "steady": {"receipt_to_sender_push": {"not_seen": 0}},
            "group": {"delivery": {"missing": 5}},
            "receipts": 12,
        });
        assert_eq!(failures(&report), vec!["group.delivery.missing: 5", "visibility_under_load.not_seen: 2"]);
        assert!(failures(&json!({"visibility_idle": {"not_seen": 0}})).is_empty());
    }
}
