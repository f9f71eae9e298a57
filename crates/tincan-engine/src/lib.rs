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
mod clock;
mod commit;
mod dispatch;
mod engine;
mod events;
mod hub;
mod load;
pub mod media;
pub mod metrics;
mod ops;
mod receipts;
mod render;
mod state;
pub mod webhooks;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use serde_json::value::RawValue;
use tincan_proto::ApiError;
use tincan_store::Store;

use crate::commit::writer::Writer;
use crate::engine::{Inner, Shared};
use crate::hub::Hub;

pub use clock::{Clock, Random, SeededRandom, SystemClock, SystemRandom};
pub use engine::{
    DEFAULT_HEARTBEAT_INTERVAL, DEFAULT_RECEIPT_CELLS_PER_GROUP, DEFAULT_REVOKE_TIME_LIMIT, Engine, EngineConfig,
    HEARTBEAT_INTERVAL_MAX, HEARTBEAT_INTERVAL_MIN, Pacing, PinnedApp, Session, StartError, default_app_config,
};
pub use events::DeviceId;
pub use hub::{Inbox, Kick, OUTBOX_PUSHES_MAX, OutBatch, OutFrame, Outbox, outbox};
pub use metrics::Metrics;
pub use ops::Handle;
pub use ops::admin::{AppConfigChange, AppInfo, DEFAULT_ADMIN_IDENTIFIER, SDKAPPID_RANGE, StartReport};
pub use ops::directory::{AccountSummary, GroupSummary, MemberSummary};
pub use ops::friends::{AddItem, AddMode};
pub use ops::group_profiles::{ProfileChange, group_custom_fields, member_custom_fields};
pub use ops::messages::{GROUP_IMPORT_MAX, GroupImport, GroupImported, ImportMode};

impl Engine {
    /// Loads the state from `store`, starts the writer, the dispatcher, the receipt coalescer
    /// and webhook delivery, and creates the default app on first start.
    pub async fn start(config: EngineConfig, store: Store) -> Result<(Engine, StartReport), StartError> {
        std::fs::create_dir_all(&config.data_dir).map_err(|err| {
            StartError(format!("cannot create the data directory {}: {err}", config.data_dir.display()))
        })?;
        let Store { reader, writer: store_writer } = store;
        let now = config.clock.now_secs();
        let loaded = reader.load(now.saturating_sub(state::DEDUPE_WINDOW_SECONDS))?;
        let head_pos = loaded.head_pos;
        let webhooks =
            webhooks::Webhooks::new(config.webhooks.clone(), &loaded.pending_callbacks, config.webhook_queue_max);
        let metrics = Arc::new(Metrics::default());
        metrics.head_pos.store(head_pos, Ordering::Relaxed);
        let built = load::build(loaded)?;
        let shared = Arc::new(Shared { apps: RwLock::new(built.apps), hub: Hub::default(), metrics: metrics.clone() });
        let (bus, bus_receiver) = bus::LocalBus::new(metrics.clone());
        let dispatcher = dispatch::start_dispatcher(shared.clone(), bus_receiver);
        let (writer, writer_thread) = Writer::start(store_writer, head_pos, Arc::new(bus), metrics);
        let coalescer = receipts::coalescer::Coalescer::new();
        let engine = Engine {
            inner: Arc::new(Inner {
                shared,
                writer,
                reader,
                clock: config.clock,
                random: config.random,
                data_dir: config.data_dir,
                // The SDK pings at most once a second, and the idle close is three intervals.
                heartbeat_interval: config.heartbeat_interval.clamp(HEARTBEAT_INTERVAL_MIN, HEARTBEAT_INTERVAL_MAX),
                receipt_cells_per_group: config.receipt_cells_per_group.max(1),
                revoke_time_limit: config.revoke_time_limit,
                next_tiny_id: AtomicU64::new(built.max_tiny_id.saturating_add(1).max(1)),
                coalescer,
                webhooks,
                threads: std::sync::Mutex::new(vec![dispatcher, writer_thread]),
                media: config.media,
            }),
        };
        if config.pacing == Pacing::Timers {
            receipts::flush::start(&engine);
        }
        engine.start_webhook_delivery();
        let report = engine.ensure_default_app(config.pinned_app).await?;
        Ok((engine, report))
    }

    /// Stops accepting work and waits for the writer and the dispatcher to finish what they
    /// hold; every acknowledged change is durable before this returns.
    pub async fn shutdown(&self) {
        self.inner.webhooks.stop();
        self.inner.coalescer.stop();
        receipts::flush::flush_all(self).await;
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

    /// Sends the coalesced receipt pushes that are due by the engine's clock (what the timers do
    /// under [`Pacing::Timers`]).
    pub async fn flush_due_receipt_pushes(&self) {
        receipts::flush::flush_due(self).await;
    }

    /// Waits until the dispatcher has handed to the devices every event committed so far.
    pub async fn settle(&self) {
        let metrics = self.metrics();
        while metrics.bus_delivered.load(Ordering::SeqCst) < metrics.bus_published.load(Ordering::SeqCst) {
            tokio::time::sleep(std::time::Duration::from_micros(200)).await;
        }
    }

    /// Runs operation `op` for `session` with its raw parameters; returns the result as JSON.
    pub async fn call(&self, session: &Session, op: &str, data: Option<&RawValue>) -> Result<String, ApiError> {
        ops::call(self, session, op, data).await
    }
}
