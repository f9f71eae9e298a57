//! `tincan serve`.

use std::sync::Arc;

use anyhow::Context;
use tincan_engine::{EngineConfig, PinnedApp, SystemClock, SystemRandom};
use tincan_server::{ConnectionLimits, Server};

use crate::ServeArgs;

pub(crate) async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let pinned_app = match (args.sdkappid, args.key) {
        (Some(sdkappid), Some(key)) => Some(PinnedApp { sdkappid, key }),
        _ => None,
    };
    let config = EngineConfig {
        data_dir: args.data.clone(),
        pinned_app,
        clock: Arc::new(SystemClock),
        random: Arc::new(SystemRandom),
        webhooks: Some(tincan_server::HttpWebhooks::shared()),
        webhook_queue_max: args.webhook_queue_max,
        heartbeat_interval: tincan_engine::DEFAULT_HEARTBEAT_INTERVAL,
        receipt_cells_per_group: tincan_engine::DEFAULT_RECEIPT_CELLS_PER_GROUP,
        pacing: tincan_engine::Pacing::Timers,
    };
    // Connections are files: the soft limit on open files (often 1,024) is raised to the hard
    // one, and the connection caps follow whatever it ends up being.
    if let Err(err) = rlimit::increase_nofile_limit(u64::MAX) {
        tracing::warn!(error = %err, "cannot raise the open-file limit");
    }
    let store = tincan_store_sqlite::open_in(&args.data)
        .with_context(|| format!("opening the store in {}", args.data.display()))?;
    let mut server =
        Server::build(args.listen, config, store).await.with_context(|| format!("starting on {}", args.listen))?;
    let mut limits = ConnectionLimits::for_this_process();
    if let Some(connections_max) = args.connections_max {
        limits.connections_max = connections_max.max(1);
        limits.unauthenticated_max = limits.unauthenticated_max.min(limits.connections_max);
    }
    if let Some(unauthenticated_max) = args.unauthenticated_max {
        limits.unauthenticated_max = unauthenticated_max.clamp(1, limits.connections_max);
    }
    server.set_connection_limits(limits);
    let addr = server.local_addr();
    let report = server.report();
    let app = &report.default_app;
    println!("tincan {} is serving", env!("CARGO_PKG_VERSION"));
    println!(
        "  default app:   SDKAppID {}{}, administrator {:?}, plan {}",
        app.sdkappid,
        if report.created_default_app { " (created now)" } else { "" },
        app.admin_identifier,
        app.plan
    );
    println!("  its key:       {}", report.key_file.display());
    println!("  data:          {}", args.data.display());
    println!("  client API:    ws://{addr}/ws");
    println!("  REST API:      http://{addr}/v4/<service>/<command>");
    println!("  health:        http://{addr}/healthz");
    println!("  metrics:       http://{addr}/metrics");
    println!("  console:       http://{addr}/console");
    println!("  chat client:   http://{addr}/chat");
    println!("  try:           tincan usersig --user alice --data {}", args.data.display());
    server.run(shutdown_signal()).await.context("serving")?;
    println!("tincan stopped; everything acknowledged is on disk");
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
