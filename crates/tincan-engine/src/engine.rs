//! The engine itself: its configuration, start and shutdown, the state it shares with the
//! writer and the dispatcher, and the sessions operations run for.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::thread;
use std::time::Duration;

use tincan_core::config::AppConfig;
use tincan_proto::{ApiError, ErrorCode, UserId};
use tincan_store::{StoreError, StoreRead};

use crate::clock::{Clock, Random};
use crate::commit::writer::Writer;
use crate::events::DeviceId;
use crate::hub::{Hub, Kick, Outbox};
use crate::metrics::Metrics;
use crate::state::{Account, AppState, read};
use crate::{receipts, webhooks};

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
    /// The clock ([`crate::SystemClock`] in production).
    pub clock: Arc<dyn Clock>,
    /// Randomness: the random numbers the server picks for messages, group IDs and tips, app
    /// keys and SDKAppIDs ([`crate::SystemRandom`] in production; a simulation seeds its own).
    pub random: Arc<dyn Random>,
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
    /// Who decides when coalesced receipt pushes go out: timers (production), or the caller
    /// through [`Engine::flush_due_receipt_pushes`] (a simulation that steps the clock itself).
    pub pacing: Pacing,
    /// How long after sending a user may revoke its own message
    /// ([`DEFAULT_REVOKE_TIME_LIMIT`], TIM's two minutes, by default).
    pub revoke_time_limit: Duration,
    /// The keeper of uploaded content, which links a message's media elements to it (see
    /// [`crate::media`]); without one, elements are stored as sent.
    pub media: Option<Arc<dyn crate::media::linker::MediaLinker>>,
}

/// How long after sending a user may revoke its own message unless configured otherwise: TIM's
/// default.
pub const DEFAULT_REVOKE_TIME_LIMIT: Duration = Duration::from_secs(120);

/// Who decides when time-driven work happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pacing {
    /// The engine's own timers.
    Timers,
    /// The caller, which steps the clock and calls [`Engine::flush_due_receipt_pushes`]; with a
    /// test clock and a seeded random source, a run is then repeatable.
    Manual,
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
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) shared: Arc<Shared>,
    pub(crate) writer: Writer,
    pub(crate) reader: Arc<dyn StoreRead>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) random: Arc<dyn Random>,
    pub(crate) data_dir: PathBuf,
    pub(crate) heartbeat_interval: Duration,
    pub(crate) receipt_cells_per_group: usize,
    pub(crate) revoke_time_limit: Duration,
    pub(crate) next_tiny_id: AtomicU64,
    pub(crate) coalescer: receipts::coalescer::Coalescer,
    pub(crate) webhooks: webhooks::Webhooks,
    pub(crate) threads: std::sync::Mutex<Vec<thread::JoinHandle<()>>>,
    pub(crate) media: Option<Arc<dyn crate::media::linker::MediaLinker>>,
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

    /// A random number from the engine's source.
    pub(crate) fn random_u64(&self) -> u64 {
        self.inner.random.next_u64()
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
            .map_err(|err| {
                if err.is_unavailable() {
                    // Passing (the database is out of reach, say): the client is told so, and may
                    // try again; the cause is the operator's, in the log.
                    tracing::warn!(error = %err, "a store read failed");
                    ApiError::new(
                        ErrorCode::SDK_INTERNAL_ERROR,
                        "the server's store cannot be read now; nothing was changed, try again shortly",
                    )
                } else {
                    internal(format!("store: {err}"))
                }
            })
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
