//! tincan's network edge.
//!
//! One port serves everything: the WebSocket client protocol at `/ws`, `GET /healthz`,
//! `GET /metrics` (Prometheus text), the REST API at `/v4/<service>/<command>`, and the web
//! console and chat client at `/console` and `/chat`.
//! Every decision is the engine's; this crate parses, authenticates, and writes answers.
//!
//! # Layout
//!
//! - [`Server`]: binds, runs until a shutdown signal, then drains.
//! - `listen`: accepting connections, their caps ([`ConnectionLimits`]) and the time limits
//!   before a connection authenticates.
//! - `ws`: the WebSocket connection task.
//! - `rest`: the REST envelope, and a directory per service with a module per command.
//! - [`HttpWebhooks`]: webhooks over HTTP in TIM's format, for the engine.
//! - `media`: uploads of rich media and their signed download URLs.
//! - `web`: the web console and the chat client (embedded files) and the console's sign-in.
//! - [`ClusterNode`]: a node of a cluster, which runs the engine while it holds the cluster's
//!   lease and carries its clients to the node that holds it otherwise.

mod cluster;
mod listen;
mod media;
mod rest;
mod web;
mod webhook;
mod ws;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{State, WebSocketUpgrade};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use tincan_engine::{Engine, EngineConfig, StartError, StartReport};
use tincan_proto::limits;
use tincan_store::Store;
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use cluster::{ClusterConfig, ClusterNode, LEASE_TICK, LEASE_TTL};
pub use listen::{ConnectionLimits, DEFAULT_HANDSHAKE_TIMEOUT};
pub use tincan_engine;
pub use webhook::HttpWebhooks;

/// What the HTTP handlers share.
#[derive(Clone)]
pub(crate) struct AppContext {
    pub(crate) engine: Engine,
    pub(crate) shutdown: watch::Receiver<bool>,
    pub(crate) limits: ConnectionLimits,
    pub(crate) gauge: Arc<listen::Gauge>,
    pub(crate) media: Arc<media::Media>,
}

/// A bound, started server.
pub struct Server {
    service: Service,
    listener: TcpListener,
    limits: ConnectionLimits,
}

/// A started engine and the keeper of its uploaded media: what the HTTP handlers serve.
pub(crate) struct Service {
    engine: Engine,
    report: StartReport,
    media: Arc<media::Media>,
}

impl Service {
    /// Starts the engine on `store`, its media's URLs starting with `base_url`.
    ///
    /// Uploaded media is kept in an S3-compatible store when `TINCAN_MEDIA_S3_ENDPOINT` and
    /// `TINCAN_MEDIA_S3_BUCKET` are set (with `TINCAN_MEDIA_S3_REGION`,
    /// `TINCAN_MEDIA_S3_ACCESS_KEY_ID` and `TINCAN_MEDIA_S3_SECRET_ACCESS_KEY`); otherwise in
    /// `shared` when given (a cluster's store), and under the data directory's `media` when not.
    pub(crate) async fn start(
        mut config: EngineConfig,
        store: Store,
        shared: Option<Arc<dyn tincan_store::Blobs>>,
        base_url: String,
    ) -> Result<Service, ServerError> {
        let content: Box<dyn media::store::ContentStore> = match (media::store::S3Config::from_env(), shared) {
            (Some(s3), _) => Box::new(
                media::store::S3::new(&s3)
                    .map_err(|err| ServerError::Start(StartError(format!("the S3 media store: {err}"))))?,
            ),
            (None, Some(blobs)) => Box::new(media::store::Shared::new(blobs, config.data_dir.join("media"))),
            (None, None) => Box::new(media::store::LocalDisk::new(config.data_dir.join("media"))),
        };
        let media = Arc::new(
            media::Media::open(content, base_url)
                .await
                .map_err(|err| ServerError::Start(StartError(format!("cannot read the media store: {err}"))))?,
        );
        config.media = Some(media.clone());
        let (engine, report) = Engine::start(config, store).await.map_err(ServerError::Start)?;
        Ok(Service { engine, report, media })
    }

    /// The routes, for connections that close when `shutdown` turns true.
    pub(crate) fn router(
        &self,
        shutdown: watch::Receiver<bool>,
        limits: ConnectionLimits,
        gauge: Arc<listen::Gauge>,
    ) -> Router {
        router(AppContext { engine: self.engine.clone(), shutdown, limits, gauge, media: self.media.clone() })
    }
}

/// Copies the uploaded media a single server kept under `data_dir` (its local disk) into
/// `blobs`, where the nodes of a cluster keep it; returns how many uploads. `tincan migrate` runs
/// it after copying the store.
pub fn copy_local_media(data_dir: &std::path::Path, blobs: &dyn tincan_store::Blobs) -> io::Result<usize> {
    media::store::copy_local(&data_dir.join("media"), blobs)
}

/// Where media URLs start: `TINCAN_PUBLIC_URL` when set, else `http://` and the bound address.
fn base_url(listener: &TcpListener) -> io::Result<String> {
    Ok(match std::env::var("TINCAN_PUBLIC_URL") {
        Ok(url) if !url.is_empty() => url.trim_end_matches('/').to_owned(),
        _ => {
            let mut addr = listener.local_addr()?;
            if addr.ip().is_unspecified() {
                addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
            }
            format!("http://{addr}")
        }
    })
}

/// A failure to start the server.
#[derive(Debug)]
pub enum ServerError {
    /// The engine could not start.
    Start(StartError),
    /// The address could not be bound.
    Bind(io::Error),
}

impl std::fmt::Display for ServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServerError::Start(err) => write!(f, "{err}"),
            ServerError::Bind(err) => write!(f, "cannot listen: {err}"),
        }
    }
}

impl std::error::Error for ServerError {}

impl Server {
    /// Binds `listen` (port 0 picks a free port) and starts the engine on `store`.
    ///
    /// Uploaded media is kept under the data directory's `media`, or in an S3-compatible store
    /// when `TINCAN_MEDIA_S3_ENDPOINT` and `TINCAN_MEDIA_S3_BUCKET` are set (with
    /// `TINCAN_MEDIA_S3_REGION`, `TINCAN_MEDIA_S3_ACCESS_KEY_ID` and
    /// `TINCAN_MEDIA_S3_SECRET_ACCESS_KEY`); its URLs start with
    /// `TINCAN_PUBLIC_URL` when set, else with `http://` and the bound address.
    pub async fn build(listen: SocketAddr, config: EngineConfig, store: Store) -> Result<Server, ServerError> {
        let listener = bind(listen).map_err(ServerError::Bind)?;
        let base_url = base_url(&listener).map_err(ServerError::Bind)?;
        let service = Service::start(config, store, None, base_url).await?;
        Ok(Server { service, listener, limits: ConnectionLimits::for_this_process() })
    }

    /// Sets the connection caps and time limits (by default [`ConnectionLimits::for_this_process`]).
    pub fn set_connection_limits(&mut self, limits: ConnectionLimits) {
        self.limits = limits;
    }

    /// Sets the most bytes of uploaded media each app may store, every size of every upload
    /// counted (`None`, the default: no limit).
    pub fn set_media_quota(&self, bytes_per_app: Option<u64>) {
        self.service.media.set_quota(bytes_per_app);
    }

    /// The connection caps and time limits.
    pub fn connection_limits(&self) -> ConnectionLimits {
        self.limits
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.service.engine
    }

    /// What the engine did at start.
    pub fn report(&self) -> &StartReport {
        &self.service.report
    }

    /// Serves until `shutdown` completes, then closes every connection (each told to resume)
    /// and waits until every acknowledged change is durable.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> io::Result<()> {
        let (stop, stopped) = watch::channel(false);
        let gauge = Arc::new(listen::Gauge::default());
        let app = self.service.router(stopped.clone(), self.limits, gauge.clone());
        let engine = self.service.engine.clone();
        let healthy = Arc::new(move || engine.metrics().store_writable());
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop.send(true);
        });
        let result = listen::serve(self.listener, app, self.limits, gauge, healthy, stopped).await;
        // Connections saw the signal and are closing; give them a moment to say so.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        self.service.engine.shutdown().await;
        result
    }
}

/// Connections waiting to be accepted, at most (the kernel caps it at `net.core.somaxconn`):
/// when thousands of clients reconnect at once after a restart, a short queue would drop their
/// SYNs and leave them waiting seconds for the kernel's retries.
const ACCEPT_BACKLOG: u32 = 8_192;

fn bind(listen: SocketAddr) -> io::Result<TcpListener> {
    let socket = if listen.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(listen)?;
    socket.listen(ACCEPT_BACKLOG)
}

fn router(context: AppContext) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/ws", any(websocket))
        .route("/v4/{service}/{command}", any(rest::handle))
        .route("/media/upload", axum::routing::post(media::upload).options(media::upload_preflight))
        .route("/media/{sdkappid}/{id}/{variant}", get(media::download))
        .merge(web::router())
        .with_state(context)
}

async fn healthz(State(context): State<AppContext>) -> Response {
    let metrics = context.engine.metrics();
    if metrics.store_failed.load(std::sync::atomic::Ordering::Relaxed) {
        return (StatusCode::SERVICE_UNAVAILABLE, "the store failed a write; restart the server\n").into_response();
    }
    if metrics.store_unavailable.load(std::sync::atomic::Ordering::Relaxed) {
        let text = "the store cannot write now (is the disk full?); changes are refused and retried, reads go on\n";
        return (StatusCode::SERVICE_UNAVAILABLE, text).into_response();
    }
    "ok\n".into_response()
}

async fn metrics(State(context): State<AppContext>) -> Response {
    let mut text = context.engine.metrics().render();
    let gauge = &context.gauge;
    let lines = [
        ("tincan_http_connections_open", "gauge", "Connections open (HTTP and WebSocket).", gauge.open() as u64),
        (
            "tincan_http_connections_unauthenticated",
            "gauge",
            "Connections open that have not logged in.",
            gauge.unauthenticated() as u64,
        ),
        (
            "tincan_http_connections_refused_total",
            "counter",
            "Connections refused at the connection caps.",
            gauge.refused(),
        ),
    ];
    for (name, kind, help, value) in lines {
        text.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"));
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

/// Bytes of frames a connection gathers before writing them to its socket, short of a flush.
const WS_WRITE_BUFFER_BYTES: usize = 16 * 1024;

async fn websocket(
    State(context): State<AppContext>,
    ticket: Option<axum::Extension<listen::Ticket>>,
    upgrade: WebSocketUpgrade,
) -> Response {
    if *context.shutdown.borrow() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response();
    }
    upgrade
        .max_message_size(limits::TRANSPORT_MESSAGE_BYTES_MAX)
        .max_frame_size(limits::TRANSPORT_MESSAGE_BYTES_MAX)
        .read_buffer_size(4 * 1024)
        // Pushes fed together go out together, up to this many bytes per write; an idle
        // connection's buffer stays empty, a busy one keeps at most this much.
        .write_buffer_size(WS_WRITE_BUFFER_BYTES)
        .on_upgrade(move |socket| {
            let login_timeout = context.limits.handshake_timeout;
            ws::serve(context.engine, socket, context.shutdown, ticket.map(|it| it.0), login_timeout, || ())
        })
}
