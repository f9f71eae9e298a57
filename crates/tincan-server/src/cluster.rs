//! A node of a cluster: nodes share a PostgreSQL store and a NATS server, and one node at a
//! time, the holder of the cluster's lease, runs the engine; the others carry their clients'
//! WebSockets and HTTP requests to it over NATS (see `docs/scaling.md`, "Running a cluster").
//!
//! Every node listens for clients. A node that holds the lease serves them itself, and serves
//! what the other nodes forward to it: WebSocket tunnels ([`tincan_cluster::tunnel`]) and HTTP
//! requests. A node that does not forwards everything to the holder. The lease's fence goes
//! with every batch the engine writes ([`FencedWrite`]), so that a node that lost the lease
//! (paused, cut off) can never commit after the next holder has loaded the store. When the
//! lease moves, the old holder's engine stops and the new holder's starts from the store; the
//! clients of every node are told to reconnect and resume (TIM's 6014 kick, as when a server
//! restarts), and resuming reads their missed pushes from the store, whichever node they reach.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use axum::extract::{FromRequestParts, Request, State, WebSocketUpgrade};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use futures_util::{Sink, Stream, StreamExt};
use tincan_cluster::fenced::FencedWrite;
use tincan_cluster::keeper::{Keeper, KeeperConfig};
use tincan_cluster::link::Link;
use tincan_cluster::pieces::{self, Offer};
use tincan_cluster::tunnel::{self, Frame, Joiner, Kind, Sequence, TooLarge};
use tincan_engine::EngineConfig;
use tincan_proto::{ApiError, ErrorCode, limits};
use tincan_store::{Fence, Leases, Store, StoreResult};
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, watch};
use tokio::time::Instant;

use crate::listen::{self, ConnectionLimits, Gauge, Ticket};
use crate::{ServerError, Service, WS_WRITE_BUFFER_BYTES, ws};

/// The lease the cluster's engine runs under: the first of the lease table's shards.
const LEASE_SHARD: u32 = 0;
/// A lease's life: a node that stops renewing loses it after this long.
pub const LEASE_TTL: Duration = Duration::from_secs(3);
/// How often a node renews its lease and looks at the live nodes.
pub const LEASE_TICK: Duration = Duration::from_secs(1);
/// How often a node looks at whether it holds the lease (and starts or stops its engine).
const TERM_POLL: Duration = Duration::from_millis(100);
/// How long a node may be cut off from NATS before it gives the lease up.
const NATS_GRACE: Duration = Duration::from_secs(2);
/// How many times in a row a node holding the lease may fail to open the store and start the
/// engine before it stands aside.
const START_FAILURES_MAX: u32 = 3;
/// How long a node that failed so stands aside: long enough for another node to take the lease
/// (which, being sticky, it then keeps while it lives).
const ASIDE_AFTER_FAILURES: Duration = Duration::from_secs(10);
/// How long an edge waits for the holder to take a tunnel.
const OPEN_TIMEOUT: Duration = Duration::from_secs(5);
/// How long an edge waits for the holder to answer an HTTP request.
const HTTP_TIMEOUT: Duration = Duration::from_secs(30);
/// Frames an owner's side of a tunnel queues for NATS before the connection waits.
const TUNNEL_QUEUE: usize = 1_024;

/// HTTP headers a forwarded request and its answer carry, besides the message's own.
const METHOD_HEADER: &str = "tincan-method";
const URI_HEADER: &str = "tincan-uri";
const STATUS_HEADER: &str = "tincan-status";
const MOVED_HEADER: &str = "tincan-moved";
/// Says that the body is offered in pieces (`tincan_cluster::pieces`): the subject, the
/// length and the piece size, separated by spaces.
const PIECES_HEADER: &str = "tincan-pieces";

/// The largest HTTP body a node passes to another, either way: an upload of the largest media
/// kind with room to spare (the serving node refuses what is over its own limits).
const FORWARDED_BODY_BYTES_MAX: usize = limits::MEDIA_FILE_BYTES_MAX + (1 << 20);

/// How a node joins a cluster.
pub struct ClusterConfig {
    /// The node's ID: 1 to 64 ASCII letters, digits, `-` and `_`, unique in the cluster.
    pub node: String,
    /// The NATS server.
    pub nats_url: String,
    /// The lease table the nodes share.
    pub leases: Arc<dyn Leases>,
    /// Opens the shared store; called each time this node takes the lease.
    pub open_store: Arc<dyn Fn() -> StoreResult<Store> + Send + Sync>,
    /// The engine's configuration when this node runs it.
    pub engine: EngineConfig,
    /// The most bytes of uploaded media each app may store.
    pub media_quota: Option<u64>,
    /// Where the nodes keep uploaded media, so that the node serving after a takeover has it
    /// (unless `TINCAN_MEDIA_S3_*` names an S3-compatible store, which is used instead).
    pub media: Arc<dyn tincan_store::Blobs>,
}

/// A bound cluster node.
pub struct ClusterNode {
    listener: TcpListener,
    config: ClusterConfig,
    limits: ConnectionLimits,
}

impl ClusterNode {
    /// Binds `listen` (port 0 picks a free port).
    pub fn bind(listen: SocketAddr, config: ClusterConfig) -> Result<ClusterNode, ServerError> {
        if !tincan_cluster::link::is_node_id(&config.node) {
            return Err(ServerError::Start(tincan_engine::StartError(format!(
                "{:?} is not a node ID: 1 to 64 ASCII letters, digits, '-' and '_'",
                config.node
            ))));
        }
        let listener = crate::bind(listen).map_err(ServerError::Bind)?;
        Ok(ClusterNode { listener, config, limits: ConnectionLimits::for_this_process() })
    }

    /// Sets the connection caps and time limits.
    pub fn set_connection_limits(&mut self, limits: ConnectionLimits) {
        self.limits = limits;
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Joins the cluster and serves until `shutdown` completes; then stops the engine if it runs
    /// here (every acknowledged change durable), gives the lease up and leaves.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> io::Result<()> {
        let ClusterNode { listener, config, limits } = self;
        let base_url = crate::base_url(&listener)?;
        let cluster = {
            let leases = config.leases.clone();
            tokio::task::spawn_blocking(move || leases.cluster_id())
                .await
                .map_err(io::Error::other)?
                .map_err(|err| io::Error::other(format!("reading the cluster's ID from the store: {err}")))?
        };
        let link = Link::connect(&config.nats_url, &cluster, &config.node).await.map_err(io::Error::other)?;
        let keeper = Keeper::start(
            config.leases.clone(),
            KeeperConfig {
                node: config.node.clone(),
                address: link.prefix(),
                ttl: LEASE_TTL,
                tick: LEASE_TICK,
                shards: 1,
                // A move reloads the whole store and reconnects every client: only when the
                // holder goes.
                sticky: true,
            },
        );
        let (stop, stopped) = watch::channel(false);
        let (leader_tx, leader) = watch::channel(None);
        let node = Arc::new(Node {
            config,
            base_url,
            link,
            keeper: Some(keeper),
            term: RwLock::new(None),
            leader,
            limits,
            gauge: Arc::new(Gauge::default()),
            stopped: stopped.clone(),
            tunnels: AtomicU64::new(0),
            instance: rand::random::<u64>(),
            bodies: Arc::new(Semaphore::new(BODY_BUDGET_MIB as usize)),
        });
        let terms = tokio::spawn(keep_terms(node.clone(), leader_tx));
        let tunnels = serve_tunnels(node.clone()).await?;
        let http = serve_http(node.clone()).await?;
        node.link.settle().await.map_err(io::Error::other)?;
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop.send(true);
        });
        let app = Router::new().fallback(front).with_state(node.clone());
        let healthy = {
            let node = node.clone();
            Arc::new(move || node.healthy().is_ok())
        };
        let result = listen::serve(listener, app, limits, node.gauge.clone(), healthy, stopped).await;
        tunnels.abort();
        http.abort();
        terms.abort();
        let _ = terms.await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        if let Some(term) = node.take_term() {
            term.end().await;
        }
        // The keeper gives the lease up as it stops, so that another node takes over at once.
        let node = Arc::into_inner(node);
        if let Some(keeper) = node.and_then(|mut node| node.keeper.take()) {
            let _ = tokio::task::spawn_blocking(move || keeper.stop()).await;
        }
        result
    }
}

/// What a node's tasks share.
struct Node {
    config: ClusterConfig,
    base_url: String,
    link: Link,
    keeper: Option<Keeper>,
    /// The engine, while this node holds the lease.
    term: RwLock<Option<Arc<Term>>>,
    /// The node holding the lease, as last seen.
    leader: watch::Receiver<Option<String>>,
    limits: ConnectionLimits,
    gauge: Arc<Gauge>,
    stopped: watch::Receiver<bool>,
    tunnels: AtomicU64,
    /// Tells this run's tunnel and offer IDs from an earlier run's of the same node, and from
    /// those of a node of the same name in another cluster on the same NATS server.
    instance: u64,
    /// The node's budget for large bodies, in MiB ([`BODY_BUDGET_MIB`]).
    bodies: Arc<Semaphore>,
}

/// This node's tenure of the lease: the engine it runs meanwhile.
struct Term {
    fence: Fence,
    service: Service,
    router: Router,
    stop: watch::Sender<bool>,
}

impl Term {
    /// Closes the term's connections (each told to resume) and stops its engine.
    async fn end(&self) {
        let _ = self.stop.send(true);
        tokio::time::sleep(Duration::from_millis(100)).await;
        self.service.engine.shutdown().await;
    }
}

impl Node {
    fn keeper(&self) -> &Keeper {
        self.keeper.as_ref().expect("the keeper runs until the node stops")
    }

    fn term(&self) -> Option<Arc<Term>> {
        self.term.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// The term, while its lease is still held by this node's clock: between the moment the
    /// lease is lost and the moment `keep_terms` ends the term, requests are not served from it
    /// (its writes would be fenced; its reads could be stale).
    fn serving(&self) -> Option<Arc<Term>> {
        self.term().filter(|term| self.keeper().fence(LEASE_SHARD) == Some(term.fence))
    }

    fn take_term(&self) -> Option<Arc<Term>> {
        self.term.write().unwrap_or_else(std::sync::PoisonError::into_inner).take()
    }

    /// A name for a tunnel or an offer of this node's, unique in the cluster.
    fn next_id(&self) -> String {
        format!("{}-{:016x}-{}", self.config.node, self.instance, self.tunnels.fetch_add(1, Ordering::Relaxed))
    }

    /// The prefix of `other`'s subjects: the address it recorded, which names the cluster (or,
    /// for a node older than cluster IDs, the subjects it has always listened on).
    fn prefix_of(&self, other: &str) -> String {
        self.keeper()
            .address_of(other)
            .as_deref()
            .and_then(tincan_cluster::link::prefix_of_address)
            .map_or_else(|| tincan_cluster::link::node_prefix(self.link.cluster(), other), str::to_owned)
    }

    /// Subscribes to `subject` of this node's subjects, and to the same subject under the
    /// prefix nodes older than cluster IDs send to, whose messages are taken only while such a
    /// node is live in this cluster (those subjects name no cluster: a node of another cluster
    /// on the same NATS server may send to them).
    async fn subscribe_own(
        self: &Arc<Self>,
        subject: fn(&str) -> String,
    ) -> io::Result<impl futures_util::Stream<Item = async_nats::Message> + Send + 'static> {
        let nats = self.link.nats();
        let own = nats.subscribe(subject(&self.link.prefix())).await.map_err(io::Error::other)?;
        let legacy = tincan_cluster::link::legacy_node_prefix(&self.config.node);
        let node = Arc::downgrade(self);
        let older = nats.subscribe(subject(&legacy)).await.map_err(io::Error::other)?.filter(move |_| {
            let taken = node.upgrade().is_some_and(|node| node.older_nodes_live());
            std::future::ready(taken)
        });
        Ok(futures_util::stream::select(own, older))
    }

    /// Whether a node of the version before cluster IDs is live in this cluster (it recorded its
    /// tunnel subject as its address): a rolling upgrade is under way.
    fn older_nodes_live(&self) -> bool {
        self.keeper().addresses().iter().any(|address| tincan_cluster::link::is_legacy_address(address))
    }

    fn leader(&self) -> Option<String> {
        self.leader.borrow().clone()
    }

    /// Whether the node can serve its clients now, and what it says about it.
    fn healthy(&self) -> Result<String, String> {
        if let Some(term) = self.term() {
            if self.serving().is_none() {
                return Err("this node's lease has lapsed; its engine stops and another node takes over".to_owned());
            }
            let metrics = term.service.engine.metrics();
            if metrics.store_failed.load(Ordering::Relaxed) {
                return Err("the store failed a write; this node starts its engine again from the store".to_owned());
            }
            return Ok(format!("ok: node {} serves the cluster\n", self.config.node));
        }
        match self.leader() {
            Some(leader) => Ok(format!("ok: node {} forwards to node {leader}\n", self.config.node)),
            None => Err("no node serves the cluster yet; try again shortly".to_owned()),
        }
    }

    /// Starts a term under `fence`: opens the store, its writes fenced, and starts the engine.
    async fn start_term(self: &Arc<Self>, fence: Fence) -> Result<Term, String> {
        let open = self.config.open_store.clone();
        let store = tokio::task::spawn_blocking(move || open())
            .await
            .map_err(|err| format!("opening the store panicked: {err}"))?
            .map_err(|err| format!("opening the store: {err}"))?;
        let still_held = {
            let node = Arc::downgrade(self);
            Arc::new(move |fence: Fence| {
                node.upgrade().is_some_and(|node| node.keeper().fence(fence.shard) == Some(fence))
            })
        };
        let store = Store { reader: store.reader, writer: Box::new(FencedWrite::new(store.writer, fence, still_held)) };
        let service =
            Service::start(self.config.engine.clone(), store, Some(self.config.media.clone()), self.base_url.clone())
                .await
                .map_err(|err| format!("starting the engine: {err}"))?;
        service.media.set_quota(self.config.media_quota);
        let (stop, stopped) = watch::channel(false);
        let router = service.router(stopped, self.limits, self.gauge.clone());
        Ok(Term { fence, service, router, stop })
    }
}

/// Starts the engine when this node takes the lease and stops it when it loses it; tells the
/// node's connections which node holds it.
async fn keep_terms(node: Arc<Node>, leader: watch::Sender<Option<String>>) {
    let mut cut_off_since: Option<Instant> = None;
    // A holder that cannot start its engine (the store will not open for it: an older version
    // during an upgrade, a database it may not read) would keep the sticky lease and nobody
    // would serve; after a few tries it stands aside for a while, so that another node serves.
    let mut start_failures = 0;
    let mut aside_until: Option<Instant> = None;
    loop {
        // A node cut off from NATS cannot serve the others' clients: past a grace (a NATS
        // server restarting) it gives the lease up, so that a node they can reach takes it, and
        // comes back once its link is.
        if tincan_cluster::link::is_connected(&node.link) {
            cut_off_since = None;
        } else {
            cut_off_since.get_or_insert_with(Instant::now);
        }
        let cut_off = cut_off_since.is_some_and(|since| since.elapsed() >= NATS_GRACE);
        let failed = aside_until.is_some_and(|until| Instant::now() < until);
        node.keeper().stand_aside(cut_off || failed);
        let fence = node.keeper().fence(LEASE_SHARD);
        let current = node.term();
        if let Some(term) = current.filter(|term| Some(term.fence) != fence) {
            tracing::warn!(node = %node.config.node, epoch = term.fence.epoch, "this node no longer holds the cluster's lease; its engine stops");
            node.take_term();
            term.end().await;
        }
        // An engine whose store failed a write refuses every change until it reloads the store,
        // which on one machine is a restart: here a new term, started below from the store.
        if let Some(term) =
            node.term().filter(|term| term.service.engine.metrics().store_failed.load(Ordering::Relaxed))
        {
            tracing::warn!(node = %node.config.node, "the store failed a write; the engine starts again from the store");
            node.take_term();
            term.end().await;
            tokio::time::sleep(LEASE_TICK).await;
            continue;
        }
        // A node standing aside does not start (the keeper gives the lease up at its next tick).
        if let Some(fence) = fence
            && node.term().is_none()
            && !cut_off
            && !failed
        {
            match node.start_term(fence).await {
                Ok(term) => {
                    start_failures = 0;
                    tracing::info!(node = %node.config.node, epoch = fence.epoch, "this node holds the cluster's lease and serves it");
                    *node.term.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::new(term));
                }
                Err(err) => {
                    start_failures += 1;
                    if start_failures < START_FAILURES_MAX {
                        tracing::error!(node = %node.config.node, error = %err, "cannot serve the cluster; trying again");
                    } else {
                        tracing::error!(node = %node.config.node, error = %err, aside_secs = ASIDE_AFTER_FAILURES.as_secs(), "cannot serve the cluster; standing aside for another node");
                        start_failures = 0;
                        aside_until = Some(Instant::now() + ASIDE_AFTER_FAILURES);
                    }
                    tokio::time::sleep(LEASE_TICK).await;
                }
            }
        }
        let now = if node.term().is_some() {
            Some(node.config.node.clone())
        } else {
            node.keeper().owner_of(LEASE_SHARD).filter(|owner| *owner != node.config.node)
        };
        leader.send_if_modified(|seen| {
            let changed = *seen != now;
            *seen = now;
            changed
        });
        tokio::time::sleep(TERM_POLL).await;
    }
}

/// Every request a node's clients make: served here while the node holds the lease, forwarded
/// to the holder otherwise.
async fn front(State(node): State<Arc<Node>>, request: Request) -> Response {
    if request.uri().path() == "/healthz" {
        return match node.healthy() {
            Ok(text) => text.into_response(),
            Err(text) => (StatusCode::SERVICE_UNAVAILABLE, format!("{text}\n")).into_response(),
        };
    }
    if let Some(term) = node.serving() {
        let Ok(response) = tower_service::Service::call(&mut term.router.clone(), request).await;
        return response;
    }
    // Not itself: a node whose lease lapsed a moment ago still names itself until its term ends.
    let Some(leader) = node.leader().filter(|leader| *leader != node.config.node) else {
        return (StatusCode::SERVICE_UNAVAILABLE, "no node serves the cluster yet; try again shortly\n")
            .into_response();
    };
    if request.uri().path() == "/ws" {
        let ticket = request.extensions().get::<Ticket>().cloned();
        let (mut parts, _) = request.into_parts();
        let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
            Ok(upgrade) => upgrade,
            Err(rejection) => return rejection.into_response(),
        };
        return upgrade
            .max_message_size(limits::TRANSPORT_MESSAGE_BYTES_MAX)
            .max_frame_size(limits::TRANSPORT_MESSAGE_BYTES_MAX)
            .write_buffer_size(WS_WRITE_BUFFER_BYTES)
            .on_upgrade(move |socket| carry(node, leader, socket, ticket));
    }
    forward_http(&node, &leader, request).await
}

fn node_moved() -> ApiError {
    ApiError::new(
        ErrorCode::NET_DISCONNECTED,
        "the node serving this connection changed or stopped answering; reconnect and resume",
    )
}

/// Carries a client's WebSocket to `leader` through a tunnel until either side closes.
async fn carry(node: Arc<Node>, leader: String, mut socket: WebSocket, ticket: Option<Ticket>) {
    let nats = node.link.nats().clone();
    let id = node.next_id();
    let Ok(mut down) = nats.subscribe(tunnel::down_subject(&id)).await else {
        ws::goodbye(&mut socket, &node_moved()).await;
        return;
    };
    let opened = tokio::time::timeout(
        OPEN_TIMEOUT,
        nats.request(tunnel::open_subject(&node.prefix_of(&leader)), id.clone().into()),
    )
    .await;
    if !matches!(&opened, Ok(Ok(reply)) if reply.payload.as_ref() == b"ok") {
        ws::goodbye(&mut socket, &node_moved()).await;
        return;
    }
    let up = tunnel::up_subject(&id);
    let piece = tunnel::piece_bytes(nats.server_info().max_payload);
    let mut sequence = Sequence::default();
    let mut joiner = Joiner::default();
    let mut leader_seen = node.leader.clone();
    let mut stopped = node.stopped.clone();
    let mut heard = Instant::now();
    let mut sent = Instant::now();
    let mut ticker = tokio::time::interval(tunnel::KEEPALIVE / 2);
    let reason = loop {
        tokio::select! {
            message = socket.recv() => {
                let frames = match message {
                    Some(Ok(Message::Text(text))) => sequence.split(Kind::Text, text.as_bytes().to_vec(), piece),
                    Some(Ok(Message::Binary(bytes))) => sequence.split(Kind::Binary, bytes.to_vec(), piece),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break None,
                };
                if !publish_all(&nats, &up, frames).await {
                    break Some(node_moved());
                }
                sent = Instant::now();
            }
            message = down.next() => {
                let Some(frame) = message.and_then(|message| Frame::decode(&message.payload)) else {
                    break Some(node_moved());
                };
                if !sequence.accept(&frame) {
                    break Some(ApiError::new(ErrorCode::NET_DISCONNECTED, "frames between nodes were lost; reconnect and resume"));
                }
                heard = Instant::now();
                let frame = match joiner.join(frame, DOWN_MESSAGE_BYTES_MAX) {
                    Ok(Some(frame)) => frame,
                    Ok(None) => continue,
                    Err(TooLarge) => break Some(ApiError::new(
                        ErrorCode::NET_DISCONNECTED,
                        format!("a message from the serving node was larger than {DOWN_MESSAGE_BYTES_MAX} bytes"),
                    )),
                };
                let delivered = match frame.kind {
                    Kind::Text => match String::from_utf8(frame.payload) {
                        Ok(text) => bounded(socket.send(Message::Text(text.into()))).await,
                        Err(_) => break Some(node_moved()),
                    },
                    Kind::Binary => bounded(socket.send(Message::Binary(frame.payload.into()))).await,
                    Kind::Close => {
                        let close = tunnel::parse_close(&frame.payload)
                            .map(|(code, reason)| CloseFrame { code, reason: Utf8Bytes::from(reason) });
                        let _ = bounded(socket.send(Message::Close(close))).await;
                        // The owner closed: nothing to tell it.
                        return;
                    }
                    Kind::LoggedIn => {
                        if let Some(ticket) = &ticket {
                            ticket.authenticated();
                        }
                        Ok(())
                    }
                    Kind::Keepalive | Kind::Part => Ok(()),
                };
                if delivered.is_err() {
                    break None;
                }
            }
            _ = ticker.tick() => {
                if heard.elapsed() > tunnel::SILENCE_MAX {
                    break Some(node_moved());
                }
                if sent.elapsed() >= tunnel::KEEPALIVE {
                    let frame = sequence.next(Kind::Keepalive, Vec::new());
                    let _ = nats.publish(up.clone(), frame.encode().into()).await;
                    sent = Instant::now();
                }
            }
            _ = leader_seen.changed() => {
                if leader_seen.borrow().as_deref() != Some(leader.as_str()) {
                    break Some(node_moved());
                }
            }
            _ = stopped.changed() => {
                break Some(ApiError::new(ErrorCode::NET_DISCONNECTED, "this node is shutting down; reconnect and resume"));
            }
        }
    };
    let frame = sequence.next(Kind::Close, Vec::new());
    let _ = nats.publish(up, frame.encode().into()).await;
    if let Some(reason) = reason {
        ws::goodbye(&mut socket, &reason).await;
    }
}

/// Sends `frames` in order; `false` when NATS takes one not.
async fn publish_all(nats: &async_nats::Client, subject: &str, frames: Vec<Frame>) -> bool {
    for frame in frames {
        if nats.publish(subject.to_owned(), frame.encode().into()).await.is_err() {
            return false;
        }
    }
    true
}

/// The largest message an edge takes from the serving node for one client (joined from pieces):
/// far above any answer or push the engine makes, a bound on what a fault could make it hold.
const DOWN_MESSAGE_BYTES_MAX: usize = 64 << 20;

/// How long one write to a client may wait for it to take data: as long as a local connection
/// waits (a client this slow is closed, and resumes when it returns).
const CLIENT_WRITE_TIMEOUT: Duration = Duration::from_secs(60);

/// A write to a client, failed when the client takes nothing for [`CLIENT_WRITE_TIMEOUT`].
async fn bounded(write: impl Future<Output = Result<(), axum::Error>>) -> Result<(), axum::Error> {
    tokio::time::timeout(CLIENT_WRITE_TIMEOUT, write)
        .await
        .unwrap_or_else(|_| Err(axum::Error::new(io::Error::from(io::ErrorKind::TimedOut))))
}

/// Takes the tunnels other nodes open to this one, and serves each with the engine while this
/// node holds the lease (and answers `moved` when it does not).
async fn serve_tunnels(node: Arc<Node>) -> io::Result<tokio::task::JoinHandle<()>> {
    let nats = node.link.nats().clone();
    let mut openings = node.subscribe_own(tunnel::open_subject).await?;
    Ok(tokio::spawn(async move {
        while let Some(opening) = openings.next().await {
            let Some(reply) = opening.reply.clone() else { continue };
            let id = String::from_utf8_lossy(&opening.payload).into_owned();
            let (Some(term), true) = (node.serving(), tunnel::is_tunnel_id(&id)) else {
                let _ = nats.publish(reply, "moved".into()).await;
                continue;
            };
            // Subscribed before the answer, on the same connection: the server has taken the
            // subscription before the edge can publish its first frame.
            let Ok(up) = nats.subscribe(tunnel::up_subject(&id)).await else {
                let _ = nats.publish(reply, "moved".into()).await;
                continue;
            };
            if nats.publish(reply, "ok".into()).await.is_err() {
                continue;
            }
            // Taken with the term: a term that ends from now on closes this connection.
            let stopped = term.stop.subscribe();
            if *stopped.borrow() {
                continue;
            }
            tokio::spawn(serve_tunnel(node.clone(), term, stopped, id, up));
        }
    }))
}

/// What the owner's side of a tunnel sends.
enum Out {
    Message(Message),
    LoggedIn,
}

/// Runs one tunnel's connection on `term`'s engine.
async fn serve_tunnel(
    node: Arc<Node>,
    term: Arc<Term>,
    stopped: watch::Receiver<bool>,
    id: String,
    up: async_nats::Subscriber,
) {
    let nats = node.link.nats().clone();
    let (in_tx, in_rx) = mpsc::channel(TUNNEL_QUEUE);
    let (out_tx, out_rx) = mpsc::channel(TUNNEL_QUEUE);
    let reader = tokio::spawn(read_up(up, in_tx));
    let writer = tokio::spawn(write_down(nats, tunnel::down_subject(&id), out_rx));
    let logged_in = out_tx.clone();
    let outgoing = futures_util::sink::unfold(out_tx, |out, message: Message| async move {
        out.send(Out::Message(message)).await.map_err(axum::Error::new)?;
        Ok::<_, axum::Error>(out)
    });
    let socket = TunnelSocket { incoming: in_rx, outgoing: Box::pin(outgoing) };
    let login_timeout = node.limits.handshake_timeout;
    let on_login = move || {
        let _ = logged_in.try_send(Out::LoggedIn);
    };
    ws::serve(term.service.engine.clone(), socket, stopped, None, login_timeout, on_login).await;
    reader.abort();
    let _ = writer.await;
}

/// Reads a tunnel's frames from the edge in order; ends at a close, a gap, or silence.
async fn read_up(mut up: async_nats::Subscriber, incoming: mpsc::Sender<Result<Message, axum::Error>>) {
    let mut sequence = Sequence::default();
    let mut joiner = Joiner::default();
    loop {
        let Ok(Some(message)) = tokio::time::timeout(tunnel::SILENCE_MAX, up.next()).await else { return };
        let Some(frame) = Frame::decode(&message.payload).filter(|frame| sequence.accept(frame)) else { return };
        // A client's message is bounded as on a local connection.
        let frame = match joiner.join(frame, limits::TRANSPORT_MESSAGE_BYTES_MAX) {
            Ok(Some(frame)) => frame,
            Ok(None) => continue,
            Err(TooLarge) => return,
        };
        let message = match frame.kind {
            Kind::Text => match String::from_utf8(frame.payload) {
                Ok(text) => Message::Text(text.into()),
                Err(_) => return,
            },
            Kind::Binary => Message::Binary(frame.payload.into()),
            Kind::Close => Message::Close(None),
            Kind::LoggedIn | Kind::Keepalive | Kind::Part => continue,
        };
        let close = matches!(message, Message::Close(_));
        if incoming.send(Ok(message)).await.is_err() || close {
            return;
        }
    }
}

/// Sends a tunnel's frames to the edge in order, a keepalive when idle, and a close at the end.
async fn write_down(nats: async_nats::Client, down: String, mut outgoing: mpsc::Receiver<Out>) {
    let piece = tunnel::piece_bytes(nats.server_info().max_payload);
    let mut sequence = Sequence::default();
    let mut closed = false;
    loop {
        let frames = match tokio::time::timeout(tunnel::KEEPALIVE, outgoing.recv()).await {
            Err(_) => vec![sequence.next(Kind::Keepalive, Vec::new())],
            Ok(None) => break,
            Ok(Some(Out::LoggedIn)) => vec![sequence.next(Kind::LoggedIn, Vec::new())],
            Ok(Some(Out::Message(message))) => match message {
                Message::Text(text) => sequence.split(Kind::Text, text.as_bytes().to_vec(), piece),
                Message::Binary(bytes) => sequence.split(Kind::Binary, bytes.to_vec(), piece),
                Message::Close(close) => {
                    closed = true;
                    let close = close.as_ref().map(|close| (close.code, close.reason.as_str()));
                    vec![sequence.next(Kind::Close, tunnel::close_payload(close))]
                }
                Message::Ping(_) | Message::Pong(_) => continue,
            },
        };
        if !publish_all(&nats, &down, frames).await {
            return;
        }
    }
    if !closed {
        let frame = sequence.next(Kind::Close, Vec::new());
        let _ = nats.publish(down, frame.encode().into()).await;
    }
}

/// A connection's socket on the owner's side of a tunnel.
struct TunnelSocket {
    incoming: mpsc::Receiver<Result<Message, axum::Error>>,
    outgoing: Pin<Box<dyn Sink<Message, Error = axum::Error> + Send>>,
}

impl Stream for TunnelSocket {
    type Item = Result<Message, axum::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().incoming.poll_recv(cx)
    }
}

impl Sink<Message> for TunnelSocket {
    type Error = axum::Error;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.get_mut().outgoing.as_mut().poll_ready(cx)
    }

    fn start_send(self: Pin<&mut Self>, item: Message) -> Result<(), Self::Error> {
        self.get_mut().outgoing.as_mut().start_send(item)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.get_mut().outgoing.as_mut().poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.get_mut().outgoing.as_mut().poll_close(cx)
    }
}

/// The largest body one NATS message carries beside its headers.
fn max_body(max_payload: usize) -> usize {
    max_payload.saturating_sub(64 * 1024)
}

/// Headers that belong to one hop, not to the request or answer carried.
fn hop_by_hop(name: &str) -> bool {
    matches!(
        name,
        "connection" | "keep-alive" | "transfer-encoding" | "upgrade" | "content-length" | "te" | "trailer" | "host"
    )
}

/// The largest request body a node that does not serve takes for the serving node: an
/// upload's ([`FORWARDED_BODY_BYTES_MAX`]), or the REST API's for anything else.
fn request_body_max(path: &str) -> usize {
    if path == "/media/upload" { FORWARDED_BODY_BYTES_MAX } else { limits::REST_BODY_BYTES_MAX }
}

/// What a node may hold at once of bodies too large for one NATS message, which it keeps whole
/// while it passes them on (an upload or a download through a node that does not serve), in
/// MiB: a flood of them waits for room, and is refused after [`BUDGET_WAIT`], rather than
/// exhausting the node's memory.
const BODY_BUDGET_MIB: u32 = 256;

/// How long a large body waits for room in the budget before it is refused: well within the
/// time an offer of pieces waits to be fetched (`pieces::OFFER_IDLE`).
const BUDGET_WAIT: Duration = Duration::from_secs(5);

/// How long an edge waits for the answer to a request whose body went in pieces.
const LARGE_HTTP_TIMEOUT: Duration = Duration::from_secs(120);

/// The room in MiB that a body of `bytes` takes in the budget: none for one that fits one NATS
/// message of `largest` bytes.
fn room_for(bytes: usize, largest: usize) -> u32 {
    if bytes <= largest { 0 } else { u32::try_from(bytes.div_ceil(1 << 20)).unwrap_or(u32::MAX).min(BODY_BUDGET_MIB) }
}

/// Room in the node's budget for a body of `bytes` (see [`room_for`]); `Err` when the room did
/// not come within [`BUDGET_WAIT`].
async fn reserve(node: &Node, bytes: usize, largest: usize) -> Result<Option<OwnedSemaphorePermit>, String> {
    let mib = room_for(bytes, largest);
    if mib == 0 {
        return Ok(None);
    }
    match tokio::time::timeout(BUDGET_WAIT, node.bodies.clone().acquire_many_owned(mib)).await {
        Ok(Ok(permit)) => Ok(Some(permit)),
        _ => Err(format!("this node is passing on {BODY_BUDGET_MIB} MiB of large bodies already; try again shortly")),
    }
}

/// Gives back what `room`, reserved for a body whose size was not known, holds beyond what the
/// body of `bytes` takes.
fn shrink(room: &mut Option<OwnedSemaphorePermit>, bytes: usize, largest: usize) {
    let needed = room_for(bytes, largest) as usize;
    if let Some(permit) = room {
        if needed == 0 {
            *room = None;
        } else if permit.num_permits() > needed {
            drop(permit.split(permit.num_permits() - needed));
        }
    }
}

/// The exact length of `body`, when it is known before it is read (a request without a body, an
/// answer made whole).
fn known_length(body: &Body) -> Option<usize> {
    axum::body::HttpBody::size_hint(body).exact().and_then(|length| usize::try_from(length).ok())
}

/// Why a body offered in pieces did not come.
enum FetchError {
    /// No room in the budget in time: nothing was done, the request may be tried again.
    Busy(String),
    /// The offer could not be read or fetched.
    Failed(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Busy(reason) | FetchError::Failed(reason) => f.write_str(reason),
        }
    }
}

/// Sends an HTTP request to `leader` and answers with what it answers.
///
/// A serving node of this version takes requests on [`tunnel::http_pieces_subject`], where
/// bodies either way may come in pieces; an older one answers there with no responders, and
/// then takes the request on [`tunnel::http_subject`] if its body fits one NATS message, as it
/// always did.
async fn forward_http(node: &Node, leader: &str, request: Request) -> Response {
    let unavailable = |text: &str| (StatusCode::SERVICE_UNAVAILABLE, format!("{text}\n")).into_response();
    let too_large = |max: usize| {
        let text = format!(
            "the body is larger than a node passes to the node serving the cluster ({max} bytes), or it did not arrive whole\n"
        );
        (StatusCode::PAYLOAD_TOO_LARGE, text).into_response()
    };
    let nats = node.link.nats();
    let largest = max_body(nats.server_info().max_payload);
    let (parts, body) = request.into_parts();
    let body_max = request_body_max(parts.uri.path());
    // Room for the body before it is read: its declared or known length, or the most it may be
    // (what it does not take is given back once it is read).
    let declared = parts
        .headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|length| length.to_str().ok()?.parse::<usize>().ok())
        .or_else(|| known_length(&body));
    if declared.is_some_and(|length| length > body_max) {
        return too_large(body_max);
    }
    let mut room = match reserve(node, declared.unwrap_or(body_max), largest).await {
        Ok(room) => room,
        Err(reason) => return unavailable(&reason),
    };
    let Ok(body) = axum::body::to_bytes(body, body_max).await else { return too_large(body_max) };
    shrink(&mut room, body.len(), largest);
    let mut headers = async_nats::HeaderMap::new();
    headers.insert(METHOD_HEADER, parts.method.as_str());
    headers.insert(URI_HEADER, parts.uri.to_string().as_str());
    to_nats_headers(&parts.headers, &mut headers);
    let whole = headers.clone();
    let Ok((payload, offered)) = offer_if_large(node, body.clone(), &mut headers, largest).await else {
        return unavailable("cannot pass the body to the node serving the cluster; try again");
    };
    let timeout = if offered.is_some() { LARGE_HTTP_TIMEOUT } else { HTTP_TIMEOUT };
    let prefix = node.prefix_of(leader);
    let request = nats.request_with_headers(tunnel::http_pieces_subject(&prefix), headers, payload);
    let mut answer = tokio::time::timeout(timeout, request).await;
    if let Some(offered) = offered {
        offered.abort();
    }
    if matches!(&answer, Ok(Err(err)) if err.kind() == async_nats::RequestErrorKind::NoResponders) {
        // A serving node of an older version: the request in one message, or not at all.
        if body.len() > largest {
            return too_large(largest);
        }
        let request = nats.request_with_headers(tunnel::http_subject(&prefix), whole, body);
        answer = tokio::time::timeout(HTTP_TIMEOUT, request).await;
    }
    drop(room);
    let answer = match answer {
        Ok(Ok(answer)) => answer,
        _ => return unavailable("the node serving the cluster did not answer; try again"),
    };
    let Some(answer_headers) = answer.headers else {
        return unavailable("the node serving the cluster sent an answer without a status; try again");
    };
    if answer_headers.get(MOVED_HEADER).is_some() {
        return unavailable("the cluster is changing which node serves it; try again shortly");
    }
    let status = answer_headers
        .get(STATUS_HEADER)
        .and_then(|status| status.as_str().parse::<u16>().ok())
        .and_then(|status| StatusCode::from_u16(status).ok())
        .unwrap_or(StatusCode::BAD_GATEWAY);
    // The request was served: whatever befalls its answer, the client is not to try it again
    // blindly (502, not 503).
    let (body, _room) = match fetch_if_offered(node, &answer_headers, answer.payload, largest).await {
        Ok(fetched) => fetched,
        Err(reason) => {
            tracing::warn!(%reason, "a forwarded answer's body did not come");
            return (
                StatusCode::BAD_GATEWAY,
                format!("the answer's body did not come from the serving node: {reason}\n"),
            )
                .into_response();
        }
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    copy_headers(answer_headers.iter(), response.headers_mut());
    response
}

/// `body` as it goes in a NATS message with `headers`: itself when it fits in `largest` bytes,
/// otherwise offered in pieces (`tincan_cluster::pieces`, named in [`PIECES_HEADER`]), with the
/// offer's task, to be aborted once the other side answered.
async fn offer_if_large(
    node: &Node,
    body: bytes::Bytes,
    headers: &mut async_nats::HeaderMap,
    largest: usize,
) -> Result<(bytes::Bytes, Option<tokio::task::JoinHandle<()>>), async_nats::SubscribeError> {
    if body.len() <= largest {
        return Ok((body, None));
    }
    let (offer, task) = pieces::offer(node.link.nats(), pieces::subject(&node.next_id()), body, largest).await?;
    headers.insert(PIECES_HEADER, format!("{} {} {}", offer.subject, offer.length, offer.piece).as_str());
    Ok((bytes::Bytes::new(), Some(task)))
}

/// The body a NATS message with `headers` carries: `payload`, or the pieces it offers, fetched
/// with room in the node's budget (held until the caller drops it).
async fn fetch_if_offered(
    node: &Node,
    headers: &async_nats::HeaderMap,
    payload: bytes::Bytes,
    largest: usize,
) -> Result<(bytes::Bytes, Option<OwnedSemaphorePermit>), FetchError> {
    let Some(offered) = headers.get(PIECES_HEADER) else { return Ok((payload, None)) };
    let unreadable = || FetchError::Failed(format!("an offer of pieces that does not read: {offered}"));
    let offer = match offered.as_str().split(' ').collect::<Vec<_>>()[..] {
        [subject, length, piece] => Offer {
            subject: subject.to_owned(),
            length: length.parse().map_err(|_| unreadable())?,
            piece: piece.parse().map_err(|_| unreadable())?,
        },
        _ => return Err(unreadable()),
    };
    if offer.length > FORWARDED_BODY_BYTES_MAX {
        return Err(FetchError::Failed(format!(
            "an offered body of {} bytes is over the limit of {FORWARDED_BODY_BYTES_MAX}",
            offer.length
        )));
    }
    let room = reserve(node, offer.length, largest).await.map_err(FetchError::Busy)?;
    let body = pieces::fetch(node.link.nats(), &offer, FORWARDED_BODY_BYTES_MAX).await.map_err(FetchError::Failed)?;
    Ok((body, room))
}

/// Copies HTTP headers, but those of one hop and tincan's own (which a client may not set for
/// the nodes), into a NATS message's.
fn to_nats_headers(from: &axum::http::HeaderMap, to: &mut async_nats::HeaderMap) {
    for (name, value) in from {
        if let Ok(value) = value.to_str()
            && !hop_by_hop(name.as_str())
            && !name.as_str().starts_with("tincan-")
        {
            to.append(name.as_str(), value);
        }
    }
}

/// Copies a NATS message's headers, but tincan's own, into an HTTP header map.
fn copy_headers<'a, N, V>(from: impl Iterator<Item = (N, V)>, to: &mut axum::http::HeaderMap)
where
    N: AsRef<str> + 'a,
    V: IntoIterator,
    V::Item: AsRef<str>,
{
    for (name, values) in from {
        let name = name.as_ref();
        if name.starts_with("tincan-") || hop_by_hop(&name.to_ascii_lowercase()) {
            continue;
        }
        let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else { continue };
        for value in values {
            if let Ok(value) = HeaderValue::from_str(value.as_ref()) {
                to.append(name.clone(), value);
            }
        }
    }
}

/// Answers the HTTP requests other nodes forward to this one with the engine, while this node
/// holds the lease (and `moved` when it does not): whole on [`tunnel::http_subject`], as
/// nodes of every version send them, and with bodies in pieces on
/// [`tunnel::http_pieces_subject`].
async fn serve_http(node: Arc<Node>) -> io::Result<tokio::task::JoinHandle<()>> {
    let nats = node.link.nats().clone();
    let whole = node.subscribe_own(tunnel::http_subject).await?;
    let in_pieces = node.subscribe_own(tunnel::http_pieces_subject).await?;
    let mut requests =
        futures_util::stream::select(whole.map(|message| (message, false)), in_pieces.map(|message| (message, true)));
    Ok(tokio::spawn(async move {
        while let Some((message, pieces)) = requests.next().await {
            let Some(reply) = message.reply.clone() else { continue };
            let (nats, node) = (nats.clone(), node.clone());
            tokio::spawn(async move {
                let (headers, body) = match node.serving() {
                    Some(term) => answer_http(&node, &term, message, pieces).await,
                    None => {
                        let mut headers = async_nats::HeaderMap::new();
                        headers.insert(MOVED_HEADER, "1");
                        (headers, bytes::Bytes::new())
                    }
                };
                if let Err(err) = nats.publish_with_headers(reply, headers, body).await {
                    tracing::warn!(error = %err, "answering a forwarded HTTP request failed");
                }
            });
        }
    }))
}

/// An answer to a forwarded request with `status` and a text body.
fn http_error(status: &str, text: String) -> (async_nats::HeaderMap, bytes::Bytes) {
    let mut answer = async_nats::HeaderMap::new();
    answer.insert(STATUS_HEADER, status);
    (answer, text.into())
}

/// Runs a forwarded HTTP request through the term's routes; `pieces` when the request came on
/// the subject where bodies may go in pieces.
async fn answer_http(
    node: &Node,
    term: &Term,
    message: async_nats::Message,
    pieces: bool,
) -> (async_nats::HeaderMap, bytes::Bytes) {
    let Some(headers) = message.headers else {
        return http_error("400", "a forwarded request without its method and URI\n".to_owned());
    };
    let method = headers.get(METHOD_HEADER).and_then(|it| Method::from_bytes(it.as_str().as_bytes()).ok());
    let uri = headers.get(URI_HEADER).and_then(|it| it.as_str().parse::<Uri>().ok());
    let (Some(method), Some(uri)) = (method, uri) else {
        return http_error("400", "a forwarded request without its method and URI\n".to_owned());
    };
    let largest = max_body(node.link.nats().server_info().max_payload);
    let fetched = if pieces {
        fetch_if_offered(node, &headers, message.payload, largest).await
    } else {
        Ok((message.payload, None))
    };
    let (body, room) = match fetched {
        Ok(fetched) => fetched,
        // Nothing was done yet: the client may try again.
        Err(FetchError::Busy(reason)) => return http_error("503", format!("{reason}\n")),
        Err(FetchError::Failed(reason)) => {
            return http_error("502", format!("the request's body did not come from the node it reached: {reason}\n"));
        }
    };
    let mut request = Request::new(Body::from(body));
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    copy_headers(headers.iter(), request.headers_mut());
    let Ok(response): Result<Response, Infallible> =
        tower_service::Service::call(&mut term.router.clone(), request).await;
    drop(room);
    let (parts, body) = response.into_parts();
    let most = if pieces { FORWARDED_BODY_BYTES_MAX } else { largest };
    // The request was served: an answer that cannot be passed on is a 502 (not a 503, which
    // would invite the client to do it again).
    let mut room = match reserve(node, known_length(&body).unwrap_or(most).min(most), largest).await {
        Ok(room) => room,
        Err(reason) => return http_error("502", format!("the request was served, but {reason}\n")),
    };
    let Ok(body) = axum::body::to_bytes(body, most).await else {
        let text = format!(
            "the answer is larger than one node passes to another ({most} bytes); ask the node that serves the cluster\n"
        );
        return http_error("502", text);
    };
    shrink(&mut room, body.len(), largest);
    let mut answer = async_nats::HeaderMap::new();
    answer.insert(STATUS_HEADER, parts.status.as_str());
    to_nats_headers(&parts.headers, &mut answer);
    match offer_if_large(node, body, &mut answer, largest).await {
        Ok((body, offered)) => {
            // The offer ends by itself once the edge has fetched it (or gave up); the room is
            // held until then.
            if let (Some(offered), Some(room)) = (offered, room) {
                tokio::spawn(async move {
                    let _ = offered.await;
                    drop(room);
                });
            }
            (answer, body)
        }
        Err(err) => http_error("502", format!("cannot offer the answer's body in pieces: {err}\n")),
    }
}
