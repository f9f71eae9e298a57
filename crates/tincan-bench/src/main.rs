//! `tincan-bench`: runs the scenarios against a running tincan and prints each scenario's figures
//! and a JSON report. `scripts/bench` starts a fresh server for each repetition, calls this, and
//! prints the table. The exit status is 1 when a scenario failed: it stopped on an error, or a
//! receipt or message it sent never reached its audience within the run.

use std::time::Duration;

use clap::Parser;
use serde_json::{Value, json};
use tincan_bench::{SCENARIOS, Sizes, Target};

/// The load generator's clients allocate for every push they parse; with the system allocator a
/// third of the machine went to zeroing pages the heap kept returning and taking back, which
/// slowed the clients, not the server being measured.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Drives a running tincan over its real protocol and reports what it measured.
#[derive(Parser)]
#[command(name = "tincan-bench", version, about)]
struct Args {
    /// The server's address; a cluster's nodes separated by commas (each user's client
    /// connects to one of them, the REST calls go to the first).
    #[arg(long, default_value = "127.0.0.1:8080")]
    server: String,
    /// The app's SDKAppID.
    #[arg(long)]
    sdkappid: u64,
    /// The app's key.
    #[arg(long)]
    key: String,
    /// The server's pid, for CPU and memory figures; repeated for a cluster's nodes, whose
    /// figures add up.
    #[arg(long)]
    pid: Vec<u32>,
    /// The name of more processes whose CPU time counts as the server's (repeatable): `postgres`
    /// for a PostgreSQL store's backends, `nats-server` for a cluster's.
    #[arg(long = "also-measure")]
    also_measure: Vec<String>,
    /// The server's data directory: the media scenario measures the disk's own speed there
    /// (default: the temporary directory).
    #[arg(long)]
    data_dir: Option<std::path::PathBuf>,
    /// Scenarios to run (default: all), in this order.
    #[arg(long = "scenario")]
    scenarios: Vec<String>,
    /// `full` (the sizes the targets are stated for) or `tiny` (a smoke run).
    #[arg(long, default_value = "full")]
    size: String,
    /// Idle connections to hold in the connections scenario (overrides the size).
    #[arg(long)]
    connections: Option<usize>,
    /// Members of the large group (overrides the size).
    #[arg(long)]
    large_group_members: Option<usize>,
    /// The shortest time every phase measuring a rate lasts, in seconds (overrides the size: 10).
    #[arg(long)]
    seconds: Option<f64>,
    /// The fewest operations every phase measuring a rate counts, where it runs until it has
    /// counted them (overrides the size: 20,000).
    #[arg(long)]
    operations: Option<usize>,
    /// receipt-throughput: receipts each reader has in flight at once (overrides the size).
    #[arg(long)]
    receipts_in_flight: Option<usize>,
    /// receipt-throughput: the steady phase's rate, receipts per second (overrides the size).
    #[arg(long)]
    receipt_rate: Option<usize>,
    /// Sets the app's receipt coalescing window (milliseconds) before the scenarios run.
    #[arg(long)]
    window_ms: Option<u32>,
    /// Where to write the JSON report.
    #[arg(long)]
    json: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut sizes = match args.size.as_str() {
        "full" => Sizes::full(),
        "tiny" => Sizes::tiny(),
        other => anyhow::bail!("--size must be full or tiny, not {other:?}"),
    };
    if let Some(connections) = args.connections {
        sizes.connections = connections;
    }
    if let Some(members) = args.large_group_members {
        sizes.large_group_members = members;
    }
    if let Some(seconds) = args.seconds {
        sizes.phase.duration_min = Duration::try_from_secs_f64(seconds)?;
    }
    if let Some(operations) = args.operations {
        sizes.phase.operations_min = operations;
    }
    if let Some(in_flight) = args.receipts_in_flight {
        sizes.throughput_pipeline = in_flight.max(1);
    }
    if let Some(rate) = args.receipt_rate {
        sizes.throughput_steady_rate = rate.max(1);
    }
    let prefix = format!("b{:06x}", rand_suffix());
    let target = Target {
        address: args.server.split(',').next().unwrap_or_default().to_owned(),
        nodes: if args.server.contains(',') { args.server.split(',').map(str::to_owned).collect() } else { Vec::new() },
        sdkappid: args.sdkappid,
        key: args.key.clone(),
        pids: args.pid.clone(),
        also_measured: args.also_measure.clone(),
        prefix,
        data_dir: args.data_dir.clone(),
    };
    if let Some(window) = args.window_ms {
        target.configure(json!({"receipt_coalesce_window_ms": window})).await?;
    }
    let scenarios: Vec<String> =
        if args.scenarios.is_empty() { SCENARIOS.iter().map(|it| (*it).to_owned()).collect() } else { args.scenarios };
    let mut report = serde_json::Map::new();
    report.insert("receipt_coalesce_window_ms".to_owned(), json!(target.window_ms().await?));
    report.insert(
        "phase".to_owned(),
        json!({
            "duration_min_s": sizes.phase.duration_min.as_secs_f64(),
            "operations_min": sizes.phase.operations_min,
        }),
    );
    let mut failed = Vec::new();
    for name in &scenarios {
        eprintln!("running {name} ...");
        let result = tincan_bench::run(name, &target, &sizes).await;
        let value = match result {
            Ok(value) => value,
            Err(err) => json!({"error": err.to_string()}),
        };
        println!("{name}: {}", serde_json::to_string(&value)?);
        if let Some(error) = value.get("error") {
            failed.push(format!("{name}: {error}"));
        }
        for failure in value.get("failures").and_then(Value::as_array).into_iter().flatten() {
            failed.push(format!("{name}: {}", failure.as_str().unwrap_or_default()));
        }
        report.insert(name.clone(), value);
    }
    let report = Value::Object(report);
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)?;
    }
    if !failed.is_empty() {
        anyhow::bail!("{} failed:\n  {}", if failed.len() == 1 { "one check" } else { "checks" }, failed.join("\n  "));
    }
    Ok(())
}

fn rand_suffix() -> u32 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |it| it.subsec_nanos());
    nanos ^ std::process::id()
}
