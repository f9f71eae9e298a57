//! The engine's side of webhooks: whether an app wants an event, queuing it with the change it
//! reports, asking the before-send webhook, and the task that delivers queued events.

use std::sync::atomic::Ordering;

use tincan_core::config::AppConfig;
use tincan_proto::UserId;
use tincan_store::{CallbackRecord, WriteOp};

use super::*;
use crate::commit::Tell;
use crate::engine::Engine;
use crate::state::{AppState, lock};

impl Engine {
    /// Whether after-event `command` is to be queued for an app with `config`: the server sends
    /// webhooks and the app has this one on. Callers check before building the event, outside
    /// any conversation lock.
    pub(crate) fn wants_callback(&self, config: &AppConfig, command: &str) -> bool {
        self.inner.webhooks.sender.is_some() && config.callback_for(command).is_some()
    }

    /// The write that queues `event` as `command` for app `sdkappid` (which wants it: see
    /// [`Engine::wants_callback`]), if its queue has room; a full queue drops the event and
    /// counts it.
    pub(crate) fn callback_op(&self, sdkappid: u64, command: &str, event: &CallbackEvent) -> Option<WriteOp> {
        let webhooks = &self.inner.webhooks;
        {
            let mut pending = lock(&webhooks.pending);
            let count = pending.entry(sdkappid).or_insert(0);
            if *count >= webhooks.pending_max {
                self.metrics().webhooks_dropped.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(sdkappid, command, "webhook queue full; event dropped");
                return None;
            }
            *count += 1;
        }
        let now_ms = self.now_ms();
        Some(WriteOp::EnqueueCallback(CallbackRecord {
            id: 0,
            sdkappid,
            command: command.to_owned(),
            event: crate::events::encode_payload(event),
            enqueued_at: now_ms,
            attempts: 0,
            next_at: now_ms,
        }))
    }

    /// Tells the delivery task that a batch with queued events committed.
    pub(crate) fn wake_webhooks(&self) {
        self.inner.webhooks.wake();
    }

    /// Asks the app's before-send receiver about a message, if the webhook is on.
    pub(crate) async fn before_send(&self, app: &AppState, command: &str, event: &MessageEvent) -> Verdict {
        let Some(sender) = self.inner.webhooks.sender.clone() else { return Verdict::ALLOW };
        let settings = app.settings();
        let Some(url) = settings.config.callback_for(command) else { return Verdict::ALLOW };
        let call = sender.before_send(url, app.sdkappid, command, event);
        match tokio::time::timeout(BEFORE_SEND_TIMEOUT, call).await {
            Ok(verdict) => verdict,
            Err(_) => {
                self.metrics().webhooks_failed.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(sdkappid = app.sdkappid, command, "before-send webhook did not answer in time; sending");
                Verdict::ALLOW
            }
        }
    }

    /// Asks the app's group before-callback `command` about a change described by `body` (TIM's
    /// keys; `EventTime` is added here; built only when the app has the callback on), if the app
    /// has it on: the users the answer keeps out, or
    /// the error that refuses the call. A receiver that is silent past [`BEFORE_SEND_TIMEOUT`]
    /// lets the change through. Called outside every lock.
    pub(crate) async fn before_group(
        &self,
        app: &AppState,
        command: &str,
        body: impl FnOnce() -> serde_json::Value,
        platform: u32,
    ) -> Result<Vec<String>, ApiError> {
        let Some(sender) = self.inner.webhooks.sender.clone() else { return Ok(Vec::new()) };
        let url = {
            let settings = app.settings();
            let Some(url) = settings.config.callback_for(command) else { return Ok(Vec::new()) };
            url.to_owned()
        };
        let mut body = body();
        body["EventTime"] = serde_json::json!(self.now_ms());
        let call = sender.before_group(&url, app.sdkappid, command, body, platform);
        match tokio::time::timeout(BEFORE_SEND_TIMEOUT, call).await {
            Ok(GroupVerdict::Allow { refused }) => Ok(refused),
            Ok(GroupVerdict::Refuse(err)) => Err(err),
            Err(_) => {
                self.metrics().webhooks_failed.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    sdkappid = app.sdkappid,
                    command,
                    "group before-callback did not answer in time; going ahead"
                );
                Ok(Vec::new())
            }
        }
    }

    /// Asks the app's before-callback `command` of the relationship chain, if it is on: the
    /// users it refuses, with their errors. Silence past [`BEFORE_SEND_TIMEOUT`] refuses nothing.
    pub(crate) async fn before_sns(&self, app: &AppState, command: &str, event: &PrevSnsEvent) -> SnsRefusals {
        let Some(sender) = self.inner.webhooks.sender.clone() else { return Vec::new() };
        let settings = app.settings();
        let Some(url) = settings.config.callback_for(command) else { return Vec::new() };
        let call = sender.before_sns(url, app.sdkappid, command, event);
        match tokio::time::timeout(BEFORE_SEND_TIMEOUT, call).await {
            Ok(refusals) => refusals,
            Err(_) => {
                self.metrics().webhooks_failed.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    sdkappid = app.sdkappid,
                    command,
                    "relationship before-callback did not answer in time; going on"
                );
                Vec::new()
            }
        }
    }

    /// Starts the task that delivers queued after-events (when there is a sender).
    pub(crate) fn start_webhook_delivery(&self) {
        if self.inner.webhooks.sender.is_none() {
            return;
        }
        let engine = self.clone();
        tokio::spawn(async move { engine.deliver_webhooks().await });
    }

    async fn deliver_webhooks(self) {
        let webhooks = &self.inner.webhooks;
        let Some(sender) = webhooks.sender.clone() else { return };
        while !webhooks.stopping.load(Ordering::Relaxed) {
            let now_ms = self.now_ms();
            let due: Vec<CallbackRecord> =
                self.read_store(move |reader| reader.due_callbacks(now_ms, DELIVERY_BATCH)).await.unwrap_or_default();
            if due.is_empty() {
                let _ = tokio::time::timeout(IDLE_POLL, webhooks.wake.notified()).await;
                continue;
            }
            let attempts = due.iter().map(|record| {
                let sender = sender.clone();
                let engine = self.clone();
                async move {
                    let outcome = engine.attempt(&*sender, record).await;
                    (record, outcome)
                }
            });
            let outcomes = futures_util::future::join_all(attempts).await;
            let mut ops = Vec::with_capacity(outcomes.len());
            let mut finished: HashMap<u64, u64> = HashMap::new();
            let now_ms = self.now_ms();
            for (record, delivered) in outcomes {
                let abandoned = !delivered && now_ms.saturating_sub(record.enqueued_at) >= GIVE_UP_AFTER_MS;
                if delivered || abandoned {
                    ops.push(WriteOp::DeleteCallback { id: record.id });
                    *finished.entry(record.sdkappid).or_insert(0) += 1;
                    let counter =
                        if delivered { &self.metrics().webhooks_delivered } else { &self.metrics().webhooks_abandoned };
                    counter.fetch_add(1, Ordering::Relaxed);
                } else {
                    let attempts = record.attempts.saturating_add(1);
                    ops.push(WriteOp::RetryCallback {
                        id: record.id,
                        attempts,
                        next_at: now_ms + retry_delay_ms(attempts),
                    });
                }
            }
            let stored = self.commit_unlocked(ops, Tell::Nobody).await.is_ok();
            if !stored {
                // The store refuses writes (shutdown or a failed store): stop; what is left is
                // delivered again after the restart.
                return;
            }
            let mut pending = lock(&webhooks.pending);
            for (sdkappid, n) in finished {
                let count = pending.entry(sdkappid).or_insert(0);
                *count = count.saturating_sub(n);
            }
        }
    }

    /// One delivery attempt; whether the receiver took the event.
    async fn attempt(&self, sender: &dyn WebhookSender, record: &CallbackRecord) -> bool {
        let Some(app) = self.app(record.sdkappid) else { return true };
        let settings = app.settings();
        let config = &settings.config;
        // Switched off since it was queued: nothing to deliver.
        let Some(url) = config.callback_for(&record.command) else { return true };
        let Ok(event) = serde_json::from_str::<CallbackEvent>(&record.event) else {
            tracing::error!(id = record.id, "a queued webhook event does not decode; dropping it");
            return true;
        };
        let call = sender.deliver(url, record.sdkappid, &record.command, &event);
        let result = match tokio::time::timeout(DELIVERY_TIMEOUT, call).await {
            Ok(result) => result,
            Err(_) => Err(format!("no answer within {} s", DELIVERY_TIMEOUT.as_secs())),
        };
        match result {
            Ok(()) => true,
            Err(cause) => {
                self.metrics().webhooks_failed.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(id = record.id, command = record.command, %cause, "webhook delivery failed; will retry");
                false
            }
        }
    }

    /// The unread C2C messages of `user` in all conversations but the one with `except`.
    pub(crate) fn c2c_unread_except(&self, app: &AppState, user: &UserId, except: &UserId) -> u64 {
        let Some(account) = app.account(user) else { return 0 };
        let peers: Vec<UserId> = lock(&account.convs).peers.iter().filter(|peer| *peer != except).cloned().collect();
        peers
            .iter()
            .filter_map(|peer| {
                let pair = tincan_core::conv::C2cPair::new(user.clone(), peer.clone()).ok()?;
                let side = pair.side_of(user)?;
                let state = app.pair(&pair)?;
                let unread = lock(&state).unread_of(side);
                Some(unread)
            })
            .sum()
    }
}
