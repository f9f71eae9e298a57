//! `tincan serve`.

use std::sync::Arc;

use anyhow::Context;
use tincan_engine::{EngineConfig, PinnedApp, SystemClock};
use tincan_server::Server;

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
        webhooks: Some(tincan_server::HttpWebhooks::shared()),
        webhook_queue_max: args.webhook_queue_max,
        heartbeat_interval: tincan_engine::DEFAULT_HEARTBEAT_INTERVAL,
        receipt_cells_per_group: tincan_engine::DEFAULT_RECEIPT_CELLS_PER_GROUP,
    };
    let server = Server::build(args.listen, config).await.with_context(|| format!("starting on {}", args.listen))?;
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
