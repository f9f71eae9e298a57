//! tincan's application layer.
//!
//! The engine keeps the working state in memory (apps, accounts, groups, conversations, receipt
//! bitmaps of recent messages), decides every operation with the rules of `tincan-core`, makes
//! each change durable through the single writer (group commit), and pushes durable changes to
//! the devices online.
//! The WebSocket server and the REST admin API are thin layers over [`Engine`].
//!
//! # Layout
//!
//! - [`Engine`]: start, stop, log in, attach a device, call an operation.
//! - `state`: the in-memory state and its locking rules.
//! - `load`: rebuilding that state from the store at start.
//! - `writer`: group commit in front of the store.
//! - `bus`, `events`, `hub`: durable changes carried to the devices online.
//! - `render`: domain values as TIM's wire objects.
//! - `ops`: one module per area of operations.
//! - [`metrics`]: counters for `/metrics`.

mod bus;
mod events;
mod hub;
mod load;
pub mod metrics;
mod ops;
mod render;
mod state;
pub mod webhooks;
mod writer;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::value::RawValue;
use tincan_core::config::AppConfig;
use tincan_proto::{ApiError, ErrorCode, UserId};
use tincan_store::{StoreError, StoreRead};

pub use hub::{DeviceId, Inbox, Kick, OUTBOX_PUSHES_MAX, OutBatch, OutFrame, Outbox, outbox};
pub use metrics::Metrics;
pub use ops::admin::{AppConfigChange, AppInfo, DEFAULT_ADMIN_IDENTIFIER, SDKAPPID_RANGE};
pub use ops::directory::{AccountSummary, GroupSummary, MemberSummary, ProfileChange};

use crate::hub::Hub;
use crate::state::{Account, AppState, read};
use crate::writer::Writer;

/// A source of the current time; tests may substitute their own.
pub trait Clock: Send + Sync + 'static {
    /// UNIX time in milliseconds.
    fn now_ms(&self) -> u64;

    /// UNIX time in seconds.
    fn now_secs(&self) -> u64 {
        self.now_ms() / 1000
    }
}

/// The system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map(|it| it.as_millis() as u64).unwrap_or(0)
    }
}

/// Credentials to pin for the default app (for scripted deployments).
#[derive(Clone, Debug)]
pub struct PinnedApp {
    /// The SDKAppID.
    pub sdkappid: u64,
    /// The secret key.
    pub key: String,
}

/// How to start an engine.
#[derive(Clone)]
pub struct EngineConfig {
    /// The data directory: the database and the app key files live here.
    pub data_dir: PathBuf,
    /// Credentials for the default app, if they are to be pinned.
    pub pinned_app: Option<PinnedApp>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Sends webhooks; without one, none are sent or queued.
    pub webhooks: Option<Arc<dyn webhooks::WebhookSender>>,
    /// Webhook after-events waiting per app, at most ([`webhooks::PENDING_PER_APP_MAX`] by
    /// default); past it new events are dropped and counted.
    pub webhook_queue_max: u64,
    /// How often clients are told to send a heartbeat; a connection silent for three intervals
    /// is closed ([`DEFAULT_HEARTBEAT_INTERVAL`] by default; kept within
    /// [`HEARTBEAT_INTERVAL_MIN`] and [`HEARTBEAT_INTERVAL_MAX`]).
    pub heartbeat_interval: Duration,
    /// The receipt states of messages one group keeps in memory, at most
    /// ([`DEFAULT_RECEIPT_CELLS_PER_GROUP`] by default, at least 1), and fewer in a group so
    /// large that their bitmaps could pass 64 MiB; past it the oldest idle ones are let go and
    /// read back from the store when a receipt or a query needs them.
    pub receipt_cells_per_group: usize,
}

/// How many messages' receipt states a group keeps in memory unless configured otherwise: a
/// busy group's recent messages, which is where receipts arrive.
pub const DEFAULT_RECEIPT_CELLS_PER_GROUP: usize = 16_384;

/// The heartbeat interval clients are given unless configured otherwise.
pub const DEFAULT_HEARTBEAT_INTERVAL: Duration = Duration::from_secs(20);
/// The shortest heartbeat interval a configuration may set (shorter ones are raised to it).
pub const HEARTBEAT_INTERVAL_MIN: Duration = Duration::from_secs(1);
/// The longest heartbeat interval a configuration may set (longer ones are lowered to it).
pub const HEARTBEAT_INTERVAL_MAX: Duration = Duration::from_secs(3_600);

/// What the engine did at start, for the operator.
#[derive(Clone, Debug)]
pub struct StartReport {
    /// The default app (the first one).
    pub default_app: AppInfo,
    /// Whether it was created by this start.
    pub created_default_app: bool,
    /// Where its key is kept.
    pub key_file: PathBuf,
}

/// A failure to start.
#[derive(Debug)]
pub struct StartError(pub String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

impl From<StoreError> for StartError {
    fn from(err: StoreError) -> StartError {
        StartError(format!("store: {err}"))
    }
}

/// State shared with the dispatcher thread.
pub(crate) struct Shared {
    pub(crate) apps: RwLock<HashMap<u64, Arc<AppState>>>,
    pub(crate) hub: Hub,
    pub(crate) metrics: Arc<Metrics>,
}

impl Shared {
    pub(crate) fn app(&self, sdkappid: u64) -> Option<Arc<AppState>> {
        read(&self.apps).get(&sdkappid).cloned()
    }
}

/// The engine; cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) shared: Arc<Shared>,
    pub(crate) writer: Writer,
    pub(crate) reader: Arc<dyn StoreRead>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) data_dir: PathBuf,
    pub(crate) heartbeat_interval: Duration,
    pub(crate) receipt_cells_per_group: usize,
    pub(crate) next_tiny_id: AtomicU64,
    pub(crate) coalescer: ops::receipts::Coalescer,
    pub(crate) webhooks: webhooks::Webhooks,
    threads: std::sync::Mutex<Vec<thread::JoinHandle<()>>>,
}

/// A logged-in user on one connection.
#[derive(Clone)]
pub struct Session {
    pub(crate) app: Arc<AppState>,
    pub(crate) account: Arc<Account>,
    pub(crate) device: Option<DeviceId>,
    /// `TIMPlatform` of the device, from its login.
    pub(crate) platform: u32,
    /// Whether the session acts for the app's administrator (the REST API), which lifts the
    /// membership and role checks of groups as TIM's REST API does.
    pub(crate) app_admin: bool,
    /// Whether the session is a REST call rather than a device.
    pub(crate) rest: bool,
    /// Whether this session's sends skip the before-send webhook (`ForbidBeforeSendMsgCallback`).
    pub(crate) skip_before_send: bool,
    /// Whether they skip the after-send webhook (`ForbidAfterSendMsgCallback`).
    pub(crate) skip_after_send: bool,
}

impl Session {
    /// The user.
    pub fn user(&self) -> &UserId {
        &self.account.user
    }

    /// The app.
    pub fn sdkappid(&self) -> u64 {
        self.app.sdkappid
    }

    /// The account's tiny id.
    pub fn tiny_id(&self) -> u64 {
        self.account.tiny_id
    }

    /// This connection's device, once attached.
    pub fn device(&self) -> Option<DeviceId> {
        self.device
    }

    /// The same session with the message webhooks of its sends turned off, as TIM's REST
    /// `ForbidCallbackControl` asks.
    pub fn forbid_callbacks(mut self, before_send: bool, after_send: bool) -> Session {
        self.skip_before_send = before_send;
        self.skip_after_send = after_send;
        self
    }

    /// The `platform` webhooks report for this session's events.
    pub(crate) fn event_platform(&self) -> u32 {
        if self.rest { webhooks::PLATFORM_REST } else { self.platform }
    }

    /// Whether the session acts for the app's administrator.
    pub fn is_app_admin(&self) -> bool {
        self.app_admin
    }

    /// Who asks for a group change made through this session.
    pub(crate) fn operator(&self) -> tincan_core::group::Operator<'_> {
        if self.app_admin {
            tincan_core::group::Operator::AppAdmin(self.user())
        } else {
            tincan_core::group::Operator::User(self.user())
        }
    }
}

impl Engine {
    /// Opens the store in `config.data_dir`, loads the state and starts the writer and the
    /// dispatcher; creates the default app on first start.
    pub async fn start(config: EngineConfig) -> Result<(Engine, StartReport), StartError> {
        std::fs::create_dir_all(&config.data_dir).map_err(|err| {
            StartError(format!("cannot create the data directory {}: {err}", config.data_dir.display()))
        })?;
        let (reader, store_writer) =
            tincan_store_sqlite::open(&config.data_dir.join(tincan_store_sqlite::DATABASE_FILE))?;
        let reader: Arc<dyn StoreRead> = Arc::new(reader);
        let now = config.clock.now_secs();
        let loaded = reader.load(now.saturating_sub(state::DEDUPE_WINDOW_SECONDS))?;
        let head_pos = loaded.head_pos;
        let webhooks =
            webhooks::Webhooks::new(config.webhooks.clone(), &loaded.pending_callbacks, config.webhook_queue_max);
        let metrics = Arc::new(Metrics::default());
        metrics.head_pos.store(head_pos, Ordering::Relaxed);
        let built = load::build(loaded)?;
        let shared = Arc::new(Shared { apps: RwLock::new(built.apps), hub: Hub::default(), metrics: metrics.clone() });
        let (bus, bus_receiver) = bus::LocalBus::new();
        let dispatcher = hub::start_dispatcher(shared.clone(), bus_receiver);
        let (writer, writer_thread) = Writer::start(Box::new(store_writer), head_pos, Arc::new(bus), metrics);
        let coalescer = ops::receipts::Coalescer::new();
        let engine = Engine {
            inner: Arc::new(Inner {
                shared,
                writer,
                reader,
                clock: config.clock,
                data_dir: config.data_dir,
                // The SDK pings at most once a second, and the idle close is three intervals.
                heartbeat_interval: config.heartbeat_interval.clamp(HEARTBEAT_INTERVAL_MIN, HEARTBEAT_INTERVAL_MAX),
                receipt_cells_per_group: config.receipt_cells_per_group.max(1),
                next_tiny_id: AtomicU64::new(built.max_tiny_id.saturating_add(1).max(1)),
                coalescer,
                webhooks,
                threads: std::sync::Mutex::new(vec![dispatcher, writer_thread]),
            }),
        };
        engine.inner.coalescer.start(engine.clone());
        engine.start_webhook_delivery();
        let report = engine.ensure_default_app(config.pinned_app).await?;
        Ok((engine, report))
    }

    /// Stops accepting work and waits for the writer and the dispatcher to finish what they
    /// hold; every acknowledged change is durable before this returns.
    pub async fn shutdown(&self) {
        self.inner.webhooks.stop();
        self.inner.coalescer.stop();
        self.inner.coalescer.flush_all(self).await;
        let inner = self.inner.clone();
        let _ = tokio::task::spawn_blocking(move || {
            let threads = std::mem::take(&mut *state::lock(&inner.threads));
            // The writer stores what is queued and stops; the dispatcher stops when the
            // writer's end of the bus is gone.
            inner.writer.stop();
            for thread in threads {
                let _ = thread.join();
            }
        })
        .await;
    }

    /// How often clients send a heartbeat; a connection silent for three intervals is closed.
    pub fn heartbeat_interval(&self) -> Duration {
        self.inner.heartbeat_interval
    }

    /// The counters for `/metrics`.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.shared.metrics
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.inner.data_dir
    }

    /// The current time, in seconds.
    pub(crate) fn now(&self) -> u64 {
        self.inner.clock.now_secs()
    }

    /// The current time, in milliseconds.
    pub(crate) fn now_ms(&self) -> u64 {
        self.inner.clock.now_ms()
    }

    pub(crate) fn app(&self, sdkappid: u64) -> Option<Arc<AppState>> {
        self.inner.shared.app(sdkappid)
    }

    pub(crate) fn writer(&self) -> &Writer {
        &self.inner.writer
    }

    pub(crate) fn hub(&self) -> &Hub {
        &self.inner.shared.hub
    }

    /// Runs a store read on the blocking pool.
    pub(crate) async fn read_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn StoreRead) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let reader = self.inner.reader.clone();
        tokio::task::spawn_blocking(move || f(&*reader))
            .await
            .map_err(|err| internal(format!("a store read panicked: {err}")))?
            .map_err(|err| internal(format!("store: {err}")))
    }

    /// Registers the session's connection for pushes; returns what tells it to close.
    pub fn attach(&self, session: &mut Session, outbox: Outbox) -> Arc<Kick> {
        let (device, kick) = self.hub().register(session.app.sdkappid, session.user(), session.platform, outbox);
        session.device = Some(device);
        self.metrics().connections.fetch_add(1, Ordering::Relaxed);
        kick
    }

    /// Unregisters the session's connection.
    pub fn detach(&self, session: &Session) {
        if let Some(device) = session.device {
            self.hub().unregister(session.app.sdkappid, session.user(), device);
            self.metrics().connections.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// Runs operation `op` for `session` with its raw parameters; returns the result as JSON.
    pub async fn call(&self, session: &Session, op: &str, data: Option<&RawValue>) -> Result<String, ApiError> {
        ops::call(self, session, op, data).await
    }
}

/// An internal error: logged with its cause, shown to the client without it.
pub(crate) fn internal(cause: String) -> ApiError {
    tracing::error!(%cause, "internal error");
    ApiError::new(ErrorCode::SDK_INTERNAL_ERROR, "internal server error; the server log has the cause")
}

/// A default app configuration, for callers that create apps.
pub fn default_app_config() -> AppConfig {
    AppConfig::new_app_default()
}
