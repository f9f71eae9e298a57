//! `tincan serve`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::anyhow;
use tincan_engine::{EngineConfig, PinnedApp, SystemClock, SystemRandom};
use tincan_server::{ClusterConfig, ClusterNode, ConnectionLimits, Server, ServerError};

use crate::{DATA_DEFAULT, SERVER_DEFAULT, ServeArgs};

pub(crate) async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let pinned_app = match (args.sdkappid, args.key.clone()) {
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
        revoke_time_limit: std::time::Duration::from_secs(args.revoke_time_limit),
        media: None,
    };
    // Connections are files: the soft limit on open files (often 1,024) is raised to the hard
    // one, and the connection caps follow whatever it ends up being.
    if let Err(err) = rlimit::increase_nofile_limit(u64::MAX) {
        tracing::warn!(error = %err, "cannot raise the open-file limit");
    }
    if let Some(nats_url) = &args.cluster {
        return run_node(&args, nats_url, config).await;
    }
    let store = open_store(&args)?;
    let mut server = Server::build(args.listen, config, store).await.map_err(|err| start_error(args.listen, &err))?;
    server.set_media_quota(args.media_quota_mb.map(|mib| mib.saturating_mul(1 << 20)));
    server.set_connection_limits(connection_limits(&args));
    let addr = server.local_addr();
    let report = server.report();
    let app = &report.default_app;
    let hints = Hints::new(&args.data, addr);
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
    if let Some(url) = &args.store {
        println!("  store:         PostgreSQL, {}", without_password(url));
    }
    println!("  client API:    ws://{addr}/ws");
    println!("  REST API:      http://{addr}/v4/<service>/<command>");
    println!("  home page:     http://{addr}/");
    println!("  health:        http://{addr}/healthz");
    println!("  metrics:       http://{addr}/metrics");
    println!("  console:       http://{addr}/console");
    println!("  chat client:   http://{addr}/chat");
    println!("  a UserSig for the console's sign-in (run from this directory):");
    println!("    {}", hints.usersig(app.admin_identifier.as_str()));
    println!("  try it, in two more terminals (accounts are made when they first log in):");
    println!("    {}", hints.client("tail", "--as bob --send-receipts"));
    println!("    {}", hints.client("send", "--as alice --to bob --receipt \"hello bob\""));
    server.run(shutdown_signal()).await.map_err(|err| anyhow!("serving stopped: {err}"))?;
    if args.store.is_some() {
        println!("tincan stopped; everything acknowledged is stored in PostgreSQL");
    } else {
        println!("tincan stopped; everything acknowledged is on disk");
    }
    Ok(())
}

/// Runs a node of a cluster (`--cluster`): every node serves clients, and the one holding the
/// cluster's lease runs the engine on the shared PostgreSQL store.
async fn run_node(args: &ServeArgs, nats_url: &str, engine: EngineConfig) -> anyhow::Result<()> {
    let (Some(url), Some(node)) = (args.store.clone(), args.node_id.clone()) else {
        return Err(anyhow!("--cluster needs --store postgres://… (the store the nodes share) and --node-id"));
    };
    if !tincan_store_postgres::is_postgres_url(&url) {
        return Err(anyhow!("--cluster needs a PostgreSQL store: the nodes share it; give --store postgres://…"));
    }
    let leases = tincan_store_postgres::PostgresLeases::open(&url)
        .map_err(|err| anyhow!("cannot open the PostgreSQL store at {}: {err}", without_password(&url)))?;
    let media = tincan_store_postgres::PostgresBlobs::open(&url)
        .map_err(|err| anyhow!("cannot open the PostgreSQL store at {}: {err}", without_password(&url)))?;
    let open_url = url.clone();
    let config = ClusterConfig {
        node: node.clone(),
        nats_url: nats_url.to_owned(),
        leases: Arc::new(leases),
        open_store: Arc::new(move || tincan_store_postgres::open_store(&open_url)),
        engine,
        media_quota: args.media_quota_mb.map(|mib| mib.saturating_mul(1 << 20)),
        media: Arc::new(media),
    };
    let mut server = ClusterNode::bind(args.listen, config).map_err(|err| start_error(args.listen, &err))?;
    server.set_connection_limits(connection_limits(args));
    let addr = server.local_addr();
    println!("tincan {} is serving as node {node} of a cluster", env!("CARGO_PKG_VERSION"));
    println!("  store:         PostgreSQL, {}", without_password(&url));
    println!("  cluster:       {nats_url}");
    println!("  client API:    ws://{addr}/ws");
    println!("  REST API:      http://{addr}/v4/<service>/<command>");
    println!("  health:        http://{addr}/healthz (which node serves the cluster)");
    match std::env::var("TINCAN_PUBLIC_URL").ok().filter(|url| !url.is_empty()) {
        Some(url) => println!("  media URLs:    {url}/media/…"),
        None => println!(
            "  media URLs:    http://{addr}/media/… while this node serves; set TINCAN_PUBLIC_URL to the load \
             balancer's URL on every node, so that they outlive it"
        ),
    }
    server.run(shutdown_signal()).await.map_err(|err| anyhow!("serving stopped: {err}"))?;
    println!("tincan node {node} stopped and left the cluster; everything acknowledged is stored in PostgreSQL");
    Ok(())
}

/// The connection caps: what the open-file limit allows, or what the flags say.
fn connection_limits(args: &ServeArgs) -> ConnectionLimits {
    let mut limits = ConnectionLimits::for_this_process();
    if let Some(connections_max) = args.connections_max {
        limits.connections_max = connections_max.max(1);
        limits.unauthenticated_max = limits.unauthenticated_max.min(limits.connections_max);
    }
    if let Some(unauthenticated_max) = args.unauthenticated_max {
        limits.unauthenticated_max = unauthenticated_max.clamp(1, limits.connections_max);
    }
    limits
}

/// Opens the store `--store` names, or the embedded one in the data directory.
fn open_store(args: &ServeArgs) -> anyhow::Result<tincan_store::Store> {
    match &args.store {
        None => tincan_store_sqlite::open_in(&args.data).map_err(|err| {
            anyhow!(
                "cannot open the store in {}: {err}; pick another with --data DIR (or TINCAN_DATA)",
                args.data.display()
            )
        }),
        Some(url) if tincan_store_postgres::is_postgres_url(url) => {
            tincan_store_postgres::open_store(url).map_err(|err| {
                anyhow!(
                    "cannot open the PostgreSQL store at {}: {err}; check that PostgreSQL runs there, that the \
                     database exists and that the user may create tables in it",
                    without_password(url)
                )
            })
        }
        Some(other) => Err(anyhow!(
            "--store {:?} is not a store tincan knows: give a postgres:// URL, or leave --store out for the \
             embedded store in --data",
            without_password(other)
        )),
    }
}

/// A store URL as it may be printed: its password, if any, replaced by `***`.
pub(crate) fn without_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|at| at + 3) else { return url.to_owned() };
    let authority_end = url[scheme_end..].find(['/', '?']).map_or(url.len(), |at| scheme_end + at);
    let authority = &url[scheme_end..authority_end];
    let Some(at) = authority.rfind('@') else { return url.to_owned() };
    let user_info = &authority[..at];
    let Some(colon) = user_info.find(':') else { return url.to_owned() };
    format!("{}{}:***{}", &url[..scheme_end], &user_info[..colon], &url[scheme_end + at..])
}

/// What a failure to start means for the person who ran `serve`, and what to do about it.
fn start_error(listen: SocketAddr, err: &ServerError) -> anyhow::Error {
    match err {
        ServerError::Bind(io) => match io.kind() {
            std::io::ErrorKind::AddrInUse => anyhow!(
                "cannot listen on {listen}: the address is in use (is another tincan serving there?); \
                 pick another with --listen ADDR (or TINCAN_LISTEN), for example --listen 127.0.0.1:{}",
                listen.port().wrapping_add(1).max(1)
            ),
            std::io::ErrorKind::PermissionDenied => anyhow!(
                "cannot listen on {listen}: permission denied (ports below 1024 need privileges); \
                 pick another with --listen ADDR (or TINCAN_LISTEN)"
            ),
            std::io::ErrorKind::AddrNotAvailable => anyhow!(
                "cannot listen on {listen}: no network interface of this machine has that address; \
                 pick another with --listen ADDR (or TINCAN_LISTEN)"
            ),
            _ => anyhow!("cannot listen on {listen}: {io}; pick another address with --listen ADDR (or TINCAN_LISTEN)"),
        },
        ServerError::Start(start) => anyhow!("cannot start: {start}"),
    }
}

/// The CLI commands the banner suggests, written so that they run as printed from the directory
/// `serve` was started in: the binary as this shell would find it, and the data directory and
/// server address when they are not the defaults.
struct Hints {
    program: String,
    data: Option<String>,
    server: Option<String>,
}

impl Hints {
    fn new(data: &Path, addr: SocketAddr) -> Hints {
        let connect = SocketAddr::new(connectable(addr.ip()), addr.port()).to_string();
        Hints {
            program: program(),
            data: (data != Path::new(DATA_DEFAULT)).then(|| shell_word(&data.display().to_string())),
            server: (connect != SERVER_DEFAULT).then_some(connect),
        }
    }

    fn usersig(&self, user: &str) -> String {
        let mut line = format!("{} usersig --user {}", self.program, shell_word(user));
        if let Some(data) = &self.data {
            line.push_str(&format!(" --data {data}"));
        }
        line
    }

    /// `tincan <command> [--server ...] [--data ...] <rest>`.
    fn client(&self, command: &str, rest: &str) -> String {
        let mut line = format!("{} {command}", self.program);
        if let Some(server) = &self.server {
            line.push_str(&format!(" --server {server}"));
        }
        if let Some(data) = &self.data {
            line.push_str(&format!(" --data {data}"));
        }
        line.push(' ');
        line.push_str(rest);
        line
    }
}

/// The address a client on this machine connects to for a listening address: an unspecified
/// one (0.0.0.0, ::) means every interface, of which loopback is one.
fn connectable(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        other => other,
    }
}

/// How to run this binary from the current directory: `tincan` when that name on the `PATH` is
/// this very file (after `cargo install`), else its path, relative when it is below the current
/// directory (`target/release/tincan` after `cargo run --release`).
fn program() -> String {
    let Ok(exe) = std::env::current_exe().and_then(|path| path.canonicalize()) else {
        return "tincan".to_owned();
    };
    if on_path("tincan").is_some_and(|found| found == exe) {
        return "tincan".to_owned();
    }
    let relative = std::env::current_dir()
        .ok()
        .and_then(|dir| dir.canonicalize().ok())
        .and_then(|dir| exe.strip_prefix(dir).ok().map(Path::to_path_buf));
    shell_word(&relative.unwrap_or(exe).display().to_string())
}

/// The file a shell would run for `name`, canonicalized.
fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .and_then(|found| found.canonicalize().ok())
}

/// `word` quoted for a POSIX shell when it needs it.
pub(crate) fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '/' | '.' | '_' | '-' | ':' | '@' | '+' | ','));
    if plain { word.to_owned() } else { format!("'{}'", word.replace('\'', r"'\''")) }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(shell_word("target/release/tincan"), "target/release/tincan");
        assert_eq!(shell_word("/tmp/my data"), "'/tmp/my data'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn a_store_url_is_printed_without_its_password() {
        assert_eq!(without_password("postgres://tincan:secret@db:5432/im"), "postgres://tincan:***@db:5432/im");
        assert_eq!(without_password("postgres://tincan@db/im"), "postgres://tincan@db/im");
        assert_eq!(without_password("postgres://db/im?user=a"), "postgres://db/im?user=a");
        assert_eq!(without_password("not a url"), "not a url");
    }

    #[test]
    fn an_unspecified_listening_address_is_reached_on_loopback() {
        assert_eq!(connectable("0.0.0.0".parse().unwrap()), IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_eq!(connectable("::".parse().unwrap()), IpAddr::V6(Ipv6Addr::LOCALHOST));
        assert_eq!(connectable("10.1.2.3".parse().unwrap()), "10.1.2.3".parse::<IpAddr>().unwrap());
    }
}
