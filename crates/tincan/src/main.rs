//! The `tincan` command: `tincan serve` runs the server; every other command is a client of a
//! running server, through `tincan-sdk` (as a user) or the REST API (as the app's
//! administrator).
//!
//! Credentials come from `--key`/`TINCAN_KEY`, or from the app's key file in the data directory
//! (`<data>/apps/<sdkappid>.key`), which `tincan serve` writes; with one app there, `--sdkappid`
//! may be left out.
//!
//! Client commands print readable lines (`human`), or TIM's JSON with `--json`.
//! A failure is one line on stderr, `tincan: ...`, saying what to do about it, and exit status 1;
//! it never prints a backtrace, whatever `RUST_BACKTRACE` says.

mod client;
mod human;
mod migrate;
mod serve;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// mimalloc keeps the server's memory per connection low: with the system allocator, memory
/// freed by one thread and reused by another fragments across per-thread arenas.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// tincan: a self-hosted instant-messaging server with TIM's client API and exact read receipts.
#[derive(Parser)]
#[command(name = "tincan", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the server (on the embedded store, or on PostgreSQL with --store).
    Serve(ServeArgs),
    /// Copies the embedded store of a data directory into an empty PostgreSQL database.
    Migrate(migrate::MigrateArgs),
    /// Prints a UserSig for a user of an app.
    Usersig(UsersigArgs),
    /// Sends a message as a user.
    Send(client::SendArgs),
    /// Prints a user's pushed events until interrupted (or for --seconds).
    Tail(client::TailArgs),
    /// Prints a conversation's recent history.
    History(client::HistoryArgs),
    /// Group commands (as a user).
    #[command(subcommand)]
    Group(client::GroupCommand),
    /// Account commands (as the app's administrator, over the REST API).
    #[command(subcommand)]
    Account(client::AccountCommand),
    /// App administration (as the app's administrator, over the REST API).
    #[command(subcommand)]
    App(client::AppCommand),
    /// Makes a user's reads private, or public again (as the administrator).
    Privacy(client::PrivacyArgs),
}

/// The data directory when neither `--data` nor `TINCAN_DATA` names one.
pub(crate) const DATA_DEFAULT: &str = "tincan-data";

/// The server's address when neither `--server` nor `TINCAN_SERVER` names one; `serve` listens
/// there by default.
pub(crate) const SERVER_DEFAULT: &str = "127.0.0.1:8080";

/// `tincan serve`.
#[derive(Args)]
pub(crate) struct ServeArgs {
    /// The address to listen on.
    #[arg(long, env = "TINCAN_LISTEN", default_value = SERVER_DEFAULT)]
    pub(crate) listen: SocketAddr,
    /// The data directory: the app key files, uploaded media, and the embedded database unless
    /// --store names another.
    #[arg(long, env = "TINCAN_DATA", default_value = DATA_DEFAULT)]
    pub(crate) data: PathBuf,
    /// The store: a PostgreSQL URL (postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE); without it,
    /// the embedded SQLite database in the data directory.
    #[arg(long, env = "TINCAN_STORE", hide_env_values = true)]
    pub(crate) store: Option<String>,
    /// Pins the default app's SDKAppID (with --key), for scripted deployments.
    #[arg(long, env = "TINCAN_SDKAPPID", requires = "key")]
    pub(crate) sdkappid: Option<u64>,
    /// Pins the default app's secret key (with --sdkappid).
    #[arg(long, env = "TINCAN_KEY", requires = "sdkappid", hide_env_values = true)]
    pub(crate) key: Option<String>,
    /// Webhook events waiting per app, at most, while the receiver is slow or down; past it
    /// new events are dropped and counted in tincan_webhooks_dropped_total.
    #[arg(long, env = "TINCAN_WEBHOOK_QUEUE_MAX", default_value_t = tincan_engine::webhooks::PENDING_PER_APP_MAX)]
    pub(crate) webhook_queue_max: u64,
    /// How long after sending, in seconds, a user may revoke its own message (TIM's default
    /// is two minutes); group owners and admins revoking others' messages, and the
    /// administrator, have no limit.
    #[arg(long, env = "TINCAN_REVOKE_TIME_LIMIT", default_value_t = 120)]
    pub(crate) revoke_time_limit: u64,
    /// The most uploaded media each app may store, in MiB, every size of every upload counted;
    /// past it uploads are refused with 7005 (default: no limit).
    #[arg(long, env = "TINCAN_MEDIA_QUOTA_MB")]
    pub(crate) media_quota_mb: Option<u64>,
    /// Connections open at once, at most (default: what the open-file limit allows, less a
    /// reserve); past it new connections are refused with 503 and 65001, and /healthz still
    /// answers.
    #[arg(long, env = "TINCAN_CONNECTIONS_MAX")]
    pub(crate) connections_max: Option<usize>,
    /// Connections open at once that have not logged in, at most (default: half the connection
    /// cap).
    #[arg(long, env = "TINCAN_UNAUTHENTICATED_MAX")]
    pub(crate) unauthenticated_max: Option<usize>,
    /// Runs this server as a node of a cluster whose nodes meet at this NATS server
    /// (nats://HOST:PORT) and share the PostgreSQL store --store names; see docs/scaling.md.
    #[arg(long, env = "TINCAN_CLUSTER", requires = "node_id", requires = "store")]
    pub(crate) cluster: Option<String>,
    /// This node's ID in the cluster: 1 to 64 ASCII letters, digits, '-' and '_', unique.
    #[arg(long, env = "TINCAN_NODE_ID", requires = "cluster")]
    pub(crate) node_id: Option<String>,
}

/// Which app, and how to get its key.
#[derive(Args, Clone)]
pub(crate) struct AppArgs {
    /// The app's SDKAppID (optional when the data directory holds one app's key).
    #[arg(long, env = "TINCAN_SDKAPPID")]
    pub(crate) sdkappid: Option<u64>,
    /// The app's secret key (otherwise read from the data directory).
    #[arg(long, env = "TINCAN_KEY", hide_env_values = true)]
    pub(crate) key: Option<String>,
    /// The data directory holding the key files.
    #[arg(long, env = "TINCAN_DATA", default_value = DATA_DEFAULT)]
    pub(crate) data: PathBuf,
}

/// `tincan usersig`.
#[derive(Args)]
pub(crate) struct UsersigArgs {
    /// The user.
    #[arg(long)]
    pub(crate) user: String,
    /// Validity in seconds (default 180 days).
    #[arg(long, default_value_t = tincan_usersig::DEFAULT_EXPIRE_SECONDS)]
    pub(crate) expire: u64,
    #[command(flatten)]
    pub(crate) app: AppArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("tincan: {}", one_line(&err));
            ExitCode::FAILURE
        }
    }
}

/// An error and its causes on one line: `{:#}` joins them with ": ", and a cause that spans lines
/// is folded.
fn one_line(err: &anyhow::Error) -> String {
    format!("{err:#}").lines().map(str::trim).filter(|line| !line.is_empty()).collect::<Vec<_>>().join(" ")
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TINCAN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    // Store reads run on the blocking pool but share a few database connections, so a small
    // pool suffices; every extra thread would cost memory (its stack and allocator arena).
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().max_blocking_threads(32).build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve(args) => serve::run(args).await,
            Command::Migrate(args) => migrate::run(args).await,
            Command::Usersig(args) => {
                let credentials = client::credentials(&args.app)?;
                let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
                tincan_proto::UserId::parse(&args.user)
                    .map_err(|err| anyhow::anyhow!("{:?} is not a user ID: {}", args.user, err.desc))?;
                let user_sig =
                    tincan_usersig::generate(&credentials.key, credentials.sdkappid, &args.user, now, args.expire);
                println!("{user_sig}");
                Ok(())
            }
            Command::Send(args) => client::send(args).await,
            Command::Tail(args) => client::tail(args).await,
            Command::History(args) => client::history(args).await,
            Command::Group(command) => client::group(command).await,
            Command::Account(command) => client::account(command).await,
            Command::App(command) => client::app(command).await,
            Command::Privacy(args) => client::privacy(args).await,
        }
    })
}
