//! What the writer hands to the bus once a change is durable.
//!
//! An event names what changed and carries what the push needs; the dispatcher decides who is
//! online to receive it.
//! Events are only ever built from committed ops, so a push never tells of something the store
//! could lose.

use std::sync::Arc;

use tincan_proto::UserId;
use tincan_store::MessageRecord;

use crate::hub::DeviceId;

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
