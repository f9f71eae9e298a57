//! One SDK instance: not initialised, initialised (`TIMInit`), or logged in (`TIMLogin`).
//!
//! The state sits behind a std mutex that is never held across an `.await`; a login connects
//! without the lock and is kept only if no `TIMUninit`, `TIMLogout` or other `TIMLogin` came in
//! the meantime (each of them moves `generation` on).
//! Events of the logged-in client are turned into TIM callback payloads by a forwarding task and
//! queued; `next_events` hands them to JavaScript in batches, and answers `null` once the session
//! is idle and the queue is empty, so that the JavaScript side stops asking and Node may exit.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tincan_proto::{ApiError, ErrorCode, UserId};
use tincan_sdk::{Client, ClientConfig, Event, Events};
use tokio::sync::{mpsc, watch};

use crate::events::{self, Outgoing};

/// What `TIMInit` configured.
#[derive(Clone, Debug)]
pub(crate) struct InitConfig {
    /// The server's WebSocket URL.
    pub(crate) url: String,
    /// The app.
    pub(crate) sdkappid: u64,
    /// How long a request may wait for its answer.
    pub(crate) request_timeout: Duration,
}

#[derive(Default)]
struct State {
    init: Option<InitConfig>,
    client: Option<Client>,
    generation: u64,
}

/// Callbacks one instance keeps for JavaScript, at most.
const QUEUED_MAX: usize = 16_384;

/// One SDK instance.
pub(crate) struct Session {
    state: Mutex<State>,
    /// Callbacks waiting for JavaScript, at most [`QUEUED_MAX`]: when the app's callbacks fall
    /// behind, the forwarding task waits, the SDK's own bounded queue fills, and the SDK resumes
    /// once the app has caught up, so memory stays bounded and nothing is lost.
    queue: mpsc::Sender<Outgoing>,
    queued: tokio::sync::Mutex<mpsc::Receiver<Outgoing>>,
    /// The end of a login, kept apart so that a full queue never loses it.
    ended: Mutex<Option<Outgoing>>,
    /// Whether a client is logged in (events may still come).
    active: watch::Sender<bool>,
}

impl Session {
    pub(crate) fn new() -> Arc<Session> {
        let (queue, queued) = mpsc::channel(QUEUED_MAX);
        Arc::new(Session {
            state: Mutex::new(State::default()),
            queue,
            queued: tokio::sync::Mutex::new(queued),
            ended: Mutex::new(None),
            active: watch::Sender::new(false),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `TIMInit` (with a configuration) and `TIMUninit` (without): ends any login and keeps the
    /// configuration; TIM's `TIMInit` starts with `TIMUninit` too.
    pub(crate) async fn configure(&self, init: Option<InitConfig>) {
        let old = {
            let mut state = self.lock();
            state.generation += 1;
            state.init = init;
            state.client.take()
        };
        self.end(old).await;
    }

    /// `TIMLogin`: connects and logs in, replacing any earlier login of this instance.
    pub(crate) async fn login(self: &Arc<Self>, user_id: UserId, user_sig: String) -> Result<(), ApiError> {
        let (init, old, generation) = {
            let mut state = self.lock();
            let init = state.init.clone().ok_or_else(not_initialized)?;
            state.generation += 1;
            (init, state.client.take(), state.generation)
        };
        self.end(old).await;
        let mut config = ClientConfig::new(init.url, init.sdkappid, user_id, user_sig);
        config.request_timeout = init.request_timeout;
        let (client, events) = Client::connect(config).await?;
        {
            let mut state = self.lock();
            if state.generation == generation {
                state.client = Some(client);
                self.active.send_replace(true);
                drop(state);
                tokio::spawn(forward(Arc::downgrade(self), events, generation));
                return Ok(());
            }
        }
        client.close().await;
        Err(ApiError::new(ErrorCode::INVALID_OPERATION, "TIMUninit, TIMLogout or another TIMLogin came first"))
    }

    /// `TIMLogout`: logs out and closes the connection; the instance stays initialised.
    pub(crate) async fn logout(&self) -> Result<(), ApiError> {
        let client = {
            let mut state = self.lock();
            if state.init.is_none() {
                return Err(not_initialized());
            }
            let client = state.client.take().ok_or_else(not_logged_in)?;
            state.generation += 1;
            client
        };
        // The session ends here whatever the server answers: a logout that cannot reach the
        // server still leaves this device logged out.
        let _ = client.logout().await;
        self.end(Some(client)).await;
        Ok(())
    }

    /// The logged-in client, or 6013/6014.
    pub(crate) fn client(&self) -> Result<Client, ApiError> {
        let state = self.lock();
        if state.init.is_none() {
            return Err(not_initialized());
        }
        state.client.clone().ok_or_else(not_logged_in)
    }

    async fn end(&self, client: Option<Client>) {
        if let Some(client) = client {
            client.close().await;
        }
        if self.lock().client.is_none() {
            self.active.send_replace(false);
        }
    }

    /// The login of `generation` is over without the app asking: the server ended it for good
    /// (the UserSig expired, the administrator ended the session) or the client stopped.
    /// If it is still the current login, the app hears of it (an `ended` event) and the session
    /// is initialised but logged out.
    fn ended(&self, generation: u64, error: ApiError) {
        let mut state = self.lock();
        if state.generation == generation {
            state.client = None;
            state.generation += 1;
            *self.ended.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(events::ended(&error));
            self.active.send_replace(false);
        }
    }

    /// Queues a callback the SDK's own work makes (an upload's progress); dropped when the
    /// app's callbacks are that far behind, since a later report supersedes it.
    pub(crate) fn emit(&self, outgoing: Outgoing) {
        let _ = self.queue.try_send(outgoing);
    }

    /// The next batch of events as a JSON array, or `None` once idle with nothing queued.
    pub(crate) async fn next_events(&self) -> Option<String> {
        let mut queued = self.queued.lock().await;
        let mut active = self.active.subscribe();
        loop {
            let mut batch = Vec::new();
            while let Ok(item) = queued.try_recv() {
                batch.push(item);
            }
            if let Some(ended) = self.ended.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take() {
                batch.push(ended);
            }
            if !batch.is_empty() {
                return Some(events::encode(&batch));
            }
            if !*active.borrow_and_update() {
                return None;
            }
            tokio::select! {
                item = queued.recv() => {
                    let item = item?;
                    batch.push(item);
                    while let Ok(item) = queued.try_recv() {
                        batch.push(item);
                    }
                    return Some(events::encode(&batch));
                }
                changed = active.changed() => {
                    changed.ok()?;
                }
            }
        }
    }
}

/// Moves one login's events into the session's queue until the client is gone.
async fn forward(session: std::sync::Weak<Session>, mut events: Events, generation: u64) {
    while let Some(event) = events.next().await {
        let Some(session) = session.upgrade() else { return };
        if let Event::Ended(error) = event {
            session.ended(generation, error);
            return;
        }
        let queue = session.queue.clone();
        drop(session);
        for outgoing in events::convert(event) {
            if queue.send(outgoing).await.is_err() {
                return;
            }
        }
    }
    // The client is gone; if nothing else replaced it, this login is over.
    if let Some(session) = session.upgrade() {
        session.ended(generation, ApiError::new(ErrorCode::NET_DISCONNECTED, "the client stopped"));
    }
}

fn not_initialized() -> ApiError {
    ApiError::new(ErrorCode::SDK_NOT_INITIALIZED, "call TIMInit first")
}

fn not_logged_in() -> ApiError {
    ApiError::new(ErrorCode::SDK_NOT_LOGGED_IN, "call TIMLogin first")
}
