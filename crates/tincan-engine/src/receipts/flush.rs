//! The coalescer's task: it turns the pushes that fall due into durable events of the users'
//! streams.

use std::sync::Arc;
use std::time::Duration;

use tincan_core::conv::ConvKey;
use tincan_proto::enums::ConvType;
use tincan_proto::objects::MessageReceipt;
use tincan_proto::push::{self, ReceiptPush, ReceiptSentPush};

use crate::commit::{Decision, Tell};
use crate::engine::Engine;
use crate::events::user_event;
use crate::receipts::coalescer::{Audience, CoalesceKey};
use crate::render;
use crate::state::{ReceiptCell, lock};

/// Starts the task that flushes due pushes; it ends when the engine is gone or the coalescer
/// is stopped.
pub(crate) fn start(engine: &Engine) {
    let weak = Arc::downgrade(&engine.inner);
    tokio::spawn(async move {
        loop {
            let Some(inner) = weak.upgrade() else { return };
            let engine = Engine { inner };
            let coalescer = &engine.inner.coalescer;
            if coalescer.is_stopped() {
                return;
            }
            let now = engine.now_ms();
            let (due, next) = coalescer.take_due(now);
            for (key, cells, origin) in due {
                let engine = engine.clone();
                tokio::spawn(async move { flush(&engine, key, cells, origin).await });
            }
            let sleep = next.map_or(Duration::from_secs(1), |at| Duration::from_millis(at.saturating_sub(now).max(1)));
            let wait = {
                let inner = engine.inner.clone();
                async move { inner.coalescer.wait(sleep).await }
            };
            drop(engine);
            wait.await;
        }
    });
}

/// Sends the pushes due at the engine's clock, in the order they fell due.
pub(crate) async fn flush_due(engine: &Engine) {
    let due = engine.inner.coalescer.take_due(engine.now_ms()).0;
    for (key, cells, origin) in due {
        flush(engine, key, cells, origin).await;
    }
}

/// Sends every push still waiting for its window (at shutdown).
pub(crate) async fn flush_all(engine: &Engine) {
    let due = engine.inner.coalescer.take_due(u64::MAX).0;
    for (key, cells, origin) in due {
        flush(engine, key, cells, origin).await;
    }
}

/// Sends the sender one push with the current counts of each message, as a durable event.
async fn flush(engine: &Engine, key: CoalesceKey, cells: Vec<Arc<ReceiptCell>>, origin: Option<u64>) {
    let (sdkappid, user, group_id, audience) = key;
    if audience == Audience::Reader {
        let payload = ReceiptSentPush {
            conv_id: group_id.as_str().to_owned(),
            conv_type: ConvType::GROUP,
            msg_ids: cells.iter().map(|cell| cell.msg_id.clone()).collect(),
            seqs: cells.iter().map(|cell| cell.seq).collect(),
        };
        let op = user_event(sdkappid, &user, push::RECEIPT_SENT, Some(&ConvKey::Group(group_id)), &payload);
        if let Err(err) = engine.commit_unlocked(vec![op], Tell::devices_but(sdkappid, origin)).await {
            tracing::error!(error = %err, "a receipt notice could not be stored");
        }
        return;
    }
    let sender = user;
    let Some(app) = engine.app(sdkappid) else { return };
    let Some(state) = app.group(&group_id) else { return };
    // Counts are taken and the event queued under the group's lock, so a later push never
    // carries older counts than an earlier one.
    let committing = engine.commit(
        || lock(&state),
        |state| {
            let receipts: Vec<MessageReceipt> = cells
                .iter()
                .map(|cell| {
                    render::group_receipt(
                        group_id.as_str(),
                        &cell.msg_id,
                        cell.seq,
                        lock(&cell.state).counts(state.group.current_members()),
                    )
                })
                .collect();
            let op = user_event(
                sdkappid,
                &sender,
                push::RECEIPT,
                Some(&ConvKey::Group(group_id.clone())),
                &ReceiptPush { receipts },
            );
            Ok(Decision::write(vec![op], Tell::devices(sdkappid), ()))
        },
    );
    let stored = match committing.await {
        Ok(committing) => committing.durable().await.map(|_| ()),
        Err(err) => Err(err),
    };
    if let Err(err) = stored {
        tracing::error!(error = %err, "a receipt push could not be stored");
    }
}
