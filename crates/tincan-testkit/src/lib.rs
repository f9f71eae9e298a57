//! Test support: a real tincan server on `127.0.0.1:0` with a fresh embedded store.
//!
//! [`spawn_app`] starts one per test (each with its own temporary data directory and a pinned
//! app, so tests can make UserSigs), and [`TestApp`] has helpers that log users in through
//! `tincan-sdk`, call the REST API, and restart the server on the same data.
//! [`spawn_app_on_postgres`] starts one on a fresh PostgreSQL database instead (see
//! `tincan_store_postgres::testing` for how tests find PostgreSQL).
//! Logs are quiet unless `TEST_LOG` is set.

pub mod docs;
pub mod fuzz;
pub mod hooks;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Once};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tincan_engine::{EngineConfig, PinnedApp, SystemClock, SystemRandom};
use tincan_proto::api::create_group;
use tincan_proto::enums::{GroupType, MemberRole};
use tincan_proto::{ApiError, UserId};
use tincan_sdk::admin::AdminClient;
use tincan_sdk::{Client, ClientConfig, Event, Events};
use tincan_server::{ConnectionLimits, Server};
use tincan_store_postgres::testing::TestDatabase;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// The SDKAppID of every test app.
pub const SDKAPPID: u64 = 1_400_000_001;
/// The key of every test app.
pub const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// A running server for one test.
pub struct TestApp {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its data directory.
    pub data_dir: PathBuf,
    _temp: Option<Arc<tempfile::TempDir>>,
    /// The PostgreSQL database it stores in, if not the embedded store in `data_dir`, and the
    /// URL the server reaches it by.
    database: Option<(Arc<TestDatabase>, String)>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    engine: tincan_engine::Engine,
}

fn init_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            let _ =
                tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).try_init();
        }
    });
}

/// Starts a server on a fresh data directory.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts a server on `data_dir` (which may hold an earlier server's data).
pub async fn spawn_app_in(data_dir: &Path) -> TestApp {
    spawn_app_at(data_dir, SocketAddr::from(([127, 0, 0, 1], 0))).await
}

/// Starts a server on a fresh data directory, with `configure` applied to its configuration.
pub async fn spawn_app_with(configure: impl FnOnce(&mut EngineConfig)) -> TestApp {
    let temp = Arc::new(tempfile::tempdir().expect("a temporary directory"));
    let dir = temp.path().to_owned();
    let mut app = start(&dir, SocketAddr::from(([127, 0, 0, 1], 0)), configure, None, None).await;
    app._temp = Some(temp);
    app
}

/// Starts a server on a fresh PostgreSQL database (and a fresh data directory for its keys).
pub async fn spawn_app_on_postgres() -> TestApp {
    spawn_app_on_postgres_through(str::to_owned).await
}

/// Starts a server on a fresh PostgreSQL database that it reaches by the URL `route` makes of
/// the database's own (through a proxy, say).
pub async fn spawn_app_on_postgres_through(route: impl FnOnce(&str) -> String) -> TestApp {
    let temp = Arc::new(tempfile::tempdir().expect("a temporary directory"));
    let database = tokio::task::spawn_blocking(TestDatabase::create)
        .await
        .unwrap_or_else(|err| std::panic::resume_unwind(err.into_panic()));
    let url = route(database.url());
    let database = (Arc::new(database), url);
    let dir = temp.path().to_owned();
    let mut app = start(&dir, SocketAddr::from(([127, 0, 0, 1], 0)), |_| {}, None, Some(database)).await;
    app._temp = Some(temp);
    app
}

/// Starts a server on a fresh data directory with the given connection caps and time limits.
pub async fn spawn_app_limited(limits: ConnectionLimits) -> TestApp {
    let temp = Arc::new(tempfile::tempdir().expect("a temporary directory"));
    let dir = temp.path().to_owned();
    let mut app = start(&dir, SocketAddr::from(([127, 0, 0, 1], 0)), |_| {}, Some(limits), None).await;
    app._temp = Some(temp);
    app
}

/// Starts a server on `data_dir` listening on `listen`.
pub async fn spawn_app_at(data_dir: &Path, listen: SocketAddr) -> TestApp {
    start(data_dir, listen, |_| {}, None, None).await
}

async fn start(
    data_dir: &Path,
    listen: SocketAddr,
    configure: impl FnOnce(&mut EngineConfig),
    limits: Option<ConnectionLimits>,
    database: Option<(Arc<TestDatabase>, String)>,
) -> TestApp {
    init_logs();
    let mut config = EngineConfig {
        data_dir: data_dir.to_owned(),
        pinned_app: Some(PinnedApp { sdkappid: SDKAPPID, key: KEY.to_owned() }),
        clock: Arc::new(SystemClock),
        random: Arc::new(SystemRandom),
        webhooks: Some(tincan_server::HttpWebhooks::shared()),
        webhook_queue_max: tincan_engine::webhooks::PENDING_PER_APP_MAX,
        heartbeat_interval: tincan_engine::DEFAULT_HEARTBEAT_INTERVAL,
        receipt_cells_per_group: tincan_engine::DEFAULT_RECEIPT_CELLS_PER_GROUP,
        pacing: tincan_engine::Pacing::Timers,
        revoke_time_limit: tincan_engine::DEFAULT_REVOKE_TIME_LIMIT,
        media: None,
    };
    configure(&mut config);
    let mut attempt = 0;
    let mut server = loop {
        // A restart on the same port may find it briefly still taken.
        let store = match &database {
            None => tincan_store_sqlite::open_in(data_dir).expect("the store opens"),
            Some((_, url)) => tincan_store_postgres::open_store(url).expect("the store opens"),
        };
        match Server::build(listen, config.clone(), store).await {
            Ok(server) => break server,
            Err(err) if attempt < 50 => {
                attempt += 1;
                let _ = err;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(err) => panic!("the server does not start: {err}"),
        }
    };
    if let Some(limits) = limits {
        server.set_connection_limits(limits);
    }
    let addr = server.local_addr();
    let engine = server.engine().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = server
            .run(async move {
                let _ = stopped.await;
            })
            .await;
    });
    TestApp { addr, data_dir: data_dir.to_owned(), _temp: None, database, stop: Some(stop), task: Some(task), engine }
}

/// A UserSig for `user` of the test app, valid for a day.
pub fn user_sig(user: &str) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |it| it.as_secs());
    tincan_usersig::generate(KEY, SDKAPPID, user, now, 86_400)
}

impl TestApp {
    /// The WebSocket URL.
    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// The engine behind the server.
    pub fn engine(&self) -> &tincan_engine::Engine {
        &self.engine
    }

    /// The client configuration for `user`.
    pub fn config(&self, user: &str) -> ClientConfig {
        ClientConfig::new(self.ws_url(), SDKAPPID, UserId::parse(user).expect("a valid test user"), user_sig(user))
    }

    /// Logs `user` in.
    pub async fn client(&self, user: &str) -> (Client, Events) {
        self.try_client(user).await.expect("the login succeeds")
    }

    /// Logs `user` in, or says why not.
    pub async fn try_client(&self, user: &str) -> Result<(Client, Events), ApiError> {
        Client::connect(self.config(user)).await
    }

    /// Logs several users in (creating their accounts).
    pub async fn clients(&self, users: &[&str]) -> Vec<(Client, Events)> {
        let mut clients = Vec::with_capacity(users.len());
        for user in users {
            clients.push(self.client(user).await);
        }
        clients
    }

    /// A REST client for the app's administrator.
    pub fn admin(&self) -> AdminClient {
        AdminClient {
            address: self.addr.to_string(),
            sdkappid: SDKAPPID,
            identifier: tincan_engine::DEFAULT_ADMIN_IDENTIFIER.to_owned(),
            user_sig: user_sig(tincan_engine::DEFAULT_ADMIN_IDENTIFIER),
        }
    }

    /// Stops the server and waits until everything acknowledged is durable.
    pub async fn stop(mut self) {
        self.shutdown().await;
    }

    /// Stops the server for `pause`, then starts it again on the same data and port; clients
    /// see their connections drop and reconnect by themselves.
    pub async fn bounce(self, pause: Duration) -> TestApp {
        let addr = self.addr;
        let dir = self.data_dir.clone();
        let mut this = self;
        this.shutdown().await;
        tokio::time::sleep(pause).await;
        let temp = this._temp.take();
        let mut next = start(&dir, addr, |_| {}, None, this.database.take()).await;
        next._temp = temp;
        next
    }

    /// A raw WebSocket logged in as `user`, for tests of malformed frames.
    pub async fn raw_socket(&self, user: &str) -> RawSocket {
        self.raw_socket_resuming(user, None).await.0
    }

    /// A raw WebSocket logged in as `user` with `resume_pos`; returns it and the login answer.
    pub async fn raw_socket_resuming(&self, user: &str, resume_pos: Option<u64>) -> (RawSocket, serde_json::Value) {
        raw_socket_at(&self.ws_url(), user, resume_pos).await
    }

    /// A raw WebSocket whose first frame is a login with these credentials, and the login's
    /// answer, whatever it is.
    pub async fn raw_login(&self, sdkappid: u64, user: &str, user_sig: &str) -> (RawSocket, serde_json::Value) {
        let (mut socket, _) = tokio_tungstenite::connect_async(self.ws_url()).await.expect("the socket opens");
        let login = serde_json::json!({"id": 1, "op": "login", "data": {"sdkappid": sdkappid, "identifier": user, "user_sig": user_sig}});
        socket.send(WsMessage::Text(login.to_string().into())).await.expect("the login is sent");
        let mut raw = RawSocket { socket };
        let answer = raw.answer(1).await;
        (raw, answer)
    }

    async fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(30), task).await;
        }
    }

    /// Stops the server and starts a new one on the same data and port (a restart).
    pub async fn restart(mut self) -> TestApp {
        self.shutdown().await;
        let temp = self._temp.take();
        let mut next = start(&self.data_dir, self.addr, |_| {}, None, self.database.take()).await;
        next._temp = temp;
        next
    }
}

/// A raw WebSocket to `url` (`ws://…/ws`, any server) logged in as `user` with `resume_pos`;
/// returns it and the login answer.
pub async fn raw_socket_at(url: &str, user: &str, resume_pos: Option<u64>) -> (RawSocket, serde_json::Value) {
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.expect("the socket opens");
    let login = serde_json::json!({"id": 1, "op": "login", "data": {"sdkappid": SDKAPPID, "identifier": user, "user_sig": user_sig(user), "resume_pos": resume_pos}});
    socket.send(WsMessage::Text(login.to_string().into())).await.expect("the login is sent");
    let mut raw = RawSocket { socket };
    let answer = raw.answer(1).await;
    assert_eq!(answer["code"], 0, "login: {answer}");
    (raw, answer)
}

/// A WebSocket without the SDK, for sending frames the SDK never would.
pub struct RawSocket {
    socket: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
}

impl RawSocket {
    /// Sends a text frame as is.
    pub async fn send_text(&mut self, text: String) {
        self.socket.send(WsMessage::Text(text.into())).await.expect("the frame is sent");
    }

    /// Sends a binary frame.
    pub async fn send_binary(&mut self, bytes: Vec<u8>) {
        self.socket.send(WsMessage::Binary(bytes.into())).await.expect("the frame is sent");
    }

    /// The next frame that is not a push, as JSON (the answer to the oldest open request).
    pub async fn next_answer(&mut self) -> serde_json::Value {
        loop {
            let value = self.next_text("an answer").await;
            if value.get("push").is_none() {
                return value;
            }
        }
    }

    /// The next text frame, as JSON; panics if none comes within 10 s.
    async fn next_text(&mut self, awaited: &str) -> serde_json::Value {
        loop {
            let message = tokio::time::timeout(Duration::from_secs(10), self.socket.next())
                .await
                .unwrap_or_else(|_| panic!("no frame within 10 s while waiting for {awaited}"))
                .expect("the connection is open")
                .expect("a frame");
            if let WsMessage::Text(text) = message {
                return serde_json::from_str(&text).expect("the server sends JSON");
            }
        }
    }

    /// The next text frame within `timeout`, as JSON; `None` if none came or the connection
    /// ended.
    pub async fn next_frame_within(&mut self, timeout: Duration) -> Option<serde_json::Value> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let message = tokio::time::timeout_at(deadline, self.socket.next()).await.ok()??.ok()?;
            match message {
                WsMessage::Text(text) => return Some(serde_json::from_str(&text).expect("the server sends JSON")),
                WsMessage::Close(_) => return None,
                _ => {}
            }
        }
    }

    /// The next push of `kind`, as JSON, skipping other frames.
    pub async fn next_push(&mut self, kind: &str) -> serde_json::Value {
        loop {
            let value = self.next_text("a push").await;
            if value["push"] == kind {
                return value;
            }
        }
    }

    /// Reads every frame until the server closes the connection; panics if it is still open
    /// after `timeout`. Returns the text frames, as JSON.
    pub async fn read_until_closed(&mut self, timeout: Duration) -> Vec<serde_json::Value> {
        let mut frames = Vec::new();
        let reading = async {
            while let Some(Ok(message)) = self.socket.next().await {
                match message {
                    WsMessage::Text(text) => {
                        frames.push(serde_json::from_str(&text).expect("the server sends JSON"));
                    }
                    WsMessage::Close(_) => break,
                    _ => {}
                }
            }
        };
        tokio::time::timeout(timeout, reading).await.expect("the server closes the connection in time");
        frames
    }

    /// The answer to request `id`, skipping pushes and other answers.
    pub async fn answer(&mut self, id: u64) -> serde_json::Value {
        loop {
            let value = self.next_answer().await;
            if value["id"] == id {
                return value;
            }
        }
    }
}

/// One raw HTTP/1.1 request to `addr`, with `headers` (each a `Name: value` line) and `body`,
/// the connection closed after it; the answer's status, its head and its body.
pub async fn http_exchange(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[&str],
    body: &[u8],
) -> (u16, String, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("the server takes connections");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\n", body.len());
    for header in headers {
        head.push_str(header);
        head.push_str("\r\n");
    }
    head.push_str("Connection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).await.expect("the request's head is sent");
    // The server may answer (a refusal) before the whole body is sent.
    let _ = stream.write_all(body).await;
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw).await;
    let split = raw.windows(4).position(|it| it == b"\r\n\r\n").expect("an HTTP answer");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head.split(' ').nth(1).and_then(|status| status.parse().ok()).expect("a status");
    (status, head, raw[split + 4..].to_vec())
}

/// Creates a group of `group_type` owned by `owner` with `members`; returns its ID.
pub async fn create_group(owner: &Client, group_type: GroupType, members: &[&str]) -> String {
    let params = create_group::Request {
        create_group_param_group_name: "test group".to_owned(),
        create_group_param_group_type: group_type,
        create_group_param_group_member_array: members
            .iter()
            .map(|member| {
                create_group::InitialMember::new(UserId::parse(member).expect("a valid test user"), MemberRole::NORMAL)
            })
            .collect(),
        ..Default::default()
    };
    owner.create_group(params).await.expect("the group is created")
}

/// Waits for the first event that `pick` accepts, skipping others; panics after `timeout`.
pub async fn wait_for<T>(events: &mut Events, timeout: Duration, mut pick: impl FnMut(&Event) -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match tokio::time::timeout(left, events.next()).await {
            Ok(Some(event)) => {
                if let Some(found) = pick(&event) {
                    return found;
                }
            }
            Ok(None) => panic!("the event stream ended while waiting"),
            Err(_) => panic!("no matching event within {timeout:?}"),
        }
    }
}

/// Every event that arrives within `window`.
pub async fn drain(events: &mut Events, window: Duration) -> Vec<Event> {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + window;
    while let Ok(Some(event)) =
        tokio::time::timeout(deadline.saturating_duration_since(tokio::time::Instant::now()), events.next()).await
    {
        seen.push(event);
    }
    seen
}
