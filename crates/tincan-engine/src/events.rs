//! What the writer hands to the bus once a change is durable.
//!
//! An event names what changed and carries what the push needs; the dispatcher decides who is
//! online to receive it.
//! Events are only ever built from committed ops, so a push never tells of something the store
//! could lose.

use std::sync::Arc;

use tincan_proto::UserId;
use tincan_proto::push;
use tincan_store::{MessageRecord, WriteOp};

use crate::hub::DeviceId;
use crate::writer::OnCommit;

/// A durable change to push.
pub(crate) enum Event {
    /// A message was stored; its conversation's members get it.
    Message {
        sdkappid: u64,
        record: Arc<MessageRecord>,
        /// The device that sent it, which has it already.
        origin: Option<DeviceId>,
    },
    /// An event of one user's stream (receipts, read positions, group events, C2C messages).
    User {
        sdkappid: u64,
        user: UserId,
        pos: u64,
        kind: &'static str,
        /// The push's `data`, as JSON.
        payload: Arc<str>,
        /// The device that caused it, which knows already.
        origin: Option<DeviceId>,
    },
}

/// The events of a committed submission: each stored message, and each user event except the
/// per-user copies of C2C messages (those only serve replays; the message event pushes them).
///
/// `origin` is the device that caused the change; it is skipped, as it knows already.
pub(crate) fn committed(sdkappid: u64, origin: Option<DeviceId>) -> OnCommit {
    Box::new(move |ops: &[WriteOp]| {
        ops.iter()
            .filter_map(|op| match op {
                WriteOp::AppendMessage(record) => {
                    Some(Event::Message { sdkappid, record: Arc::new(record.clone()), origin })
                }
                WriteOp::AppendUserEvent(event) if event.kind != push::MESSAGE => Some(Event::User {
                    sdkappid,
                    user: event.user.clone(),
                    pos: event.pos,
                    kind: static_kind(&event.kind),
                    payload: event.payload.as_str().into(),
                    origin,
                }),
                _ => None,
            })
            .collect()
    })
}

/// A stored event kind as one of the protocol's push kinds.
pub(crate) fn static_kind(kind: &str) -> &'static str {
    match kind {
        push::MESSAGE => push::MESSAGE,
        push::RECEIPT => push::RECEIPT,
        push::RECEIPT_SENT => push::RECEIPT_SENT,
        push::CONV_READ => push::CONV_READ,
        _ => push::GROUP,
    }
}
