//! What the writer hands to the bus once a change is durable.
//!
//! An event names what changed and carries what the push needs; the dispatcher decides who is
//! online to receive it.
//! Events are only ever built from committed ops, so a push never tells of something the store
//! could lose.

use std::sync::Arc;

use serde::Serialize;
use tincan_core::conv::ConvKey;
use tincan_proto::objects::{GroupAttribute, GroupCounter};
use tincan_proto::push;
use tincan_proto::{GroupId, UserId};
use tincan_store::{MessageRecord, UserEventRecord, WriteOp};

/// A user event whose position is the one given to the op just before it (the two copies of a
/// C2C message share the message's position).
pub(crate) const POS_OF_PREVIOUS: u64 = u64::MAX;

/// Identifies one connected device (one WebSocket) on this node.
pub type DeviceId = u64;

/// Builds the events to push once a submission is durable, from its ops (with positions).
pub(crate) type OnCommit = Box<dyn FnOnce(&[WriteOp]) -> Vec<Event> + Send>;

/// An event of `user`'s stream: a push of `kind` whose data is `payload`, about `conv`. The
/// writer gives it its position. Every event of a user's stream is made here or by
/// [`c2c_copy`].
pub(crate) fn user_event(
    sdkappid: u64,
    user: &UserId,
    kind: &'static str,
    conv: Option<&ConvKey>,
    payload: &impl Serialize,
) -> WriteOp {
    WriteOp::AppendUserEvent(UserEventRecord {
        sdkappid,
        user: user.clone(),
        pos: 0,
        kind: kind.to_owned(),
        conv: conv.cloned(),
        seq: 0,
        payload: encode_payload(payload),
    })
}

/// `user`'s copy of C2C message `seq` of `conv`: it shares the message's position (the op must
/// follow the message's), so that a replay of the user's stream finds the message there.
pub(crate) fn c2c_copy(sdkappid: u64, user: &UserId, conv: &ConvKey, seq: u64) -> WriteOp {
    WriteOp::AppendUserEvent(UserEventRecord {
        sdkappid,
        user: user.clone(),
        pos: POS_OF_PREVIOUS,
        kind: push::MESSAGE.to_owned(),
        conv: Some(conv.clone()),
        seq,
        payload: String::new(),
    })
}

/// The stored kind of a user's copy of a message revision (see [`revision_copy`]); never
/// pushed as such: the dispatcher and the replay push the revision as the message is now.
pub(crate) const REVISION: &str = "msg_revision";

/// `user`'s copy of the revision of C2C message `seq` of `conv` (revoked or modified): it shares
/// the revision's position (the op must follow the `ReviseMessage`), so that a replay of the
/// user's stream tells it of the revision again.
pub(crate) fn revision_copy(sdkappid: u64, user: &UserId, conv: &ConvKey, seq: u64) -> WriteOp {
    WriteOp::AppendUserEvent(UserEventRecord {
        sdkappid,
        user: user.clone(),
        pos: POS_OF_PREVIOUS,
        kind: REVISION.to_owned(),
        conv: Some(conv.clone()),
        seq,
        payload: String::new(),
    })
}

/// A push payload as JSON. The payloads are the protocol's own types, which always encode; a
/// failure is a bug. It is never written as an empty payload (which would be pushed and kept
/// for ever): the event carries [`UNENCODABLE`] instead, and the writer refuses its submission
/// and stops taking changes (fail-stop), as for any write that cannot be stored.
pub(crate) fn encode_payload(payload: &impl Serialize) -> String {
    match serde_json::to_string(payload) {
        Ok(json) => json,
        Err(err) => {
            tracing::error!(error = %err, "a push payload does not encode");
            UNENCODABLE.to_owned()
        }
    }
}

/// The payload of an event whose push could not be encoded (see [`encode_payload`]); JSON never
/// starts with a NUL.
pub(crate) const UNENCODABLE: &str = "\u{0}unencodable";

/// Whether `ops` hold an event or a webhook event whose payload could not be encoded.
pub(crate) fn holds_unencodable(ops: &[WriteOp]) -> bool {
    ops.iter().any(|op| match op {
        WriteOp::AppendUserEvent(event) => event.payload.starts_with('\0'),
        WriteOp::EnqueueCallback(callback) => callback.event.starts_with('\0'),
        _ => false,
    })
}

/// A durable change to push.
pub(crate) enum Event {
    /// A message was stored; its conversation's members get it.
    Message {
        sdkappid: u64,
        record: Arc<MessageRecord>,
        /// The device that sent it, which has it already.
        origin: Option<DeviceId>,
    },
    /// A stored message was revoked or modified; those who received it are told.
    Revised {
        sdkappid: u64,
        record: Arc<MessageRecord>,
        /// The device that revised it, which knows already.
        origin: Option<DeviceId>,
    },
    /// A group's live state changed (its attributes or counters): its members online are told,
    /// outside their streams (`pos` 0), the device that made the change included.
    GroupLive {
        sdkappid: u64,
        group_id: GroupId,
        kind: &'static str,
        /// The push's `data`, as JSON.
        payload: Arc<str>,
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
                WriteOp::ReviseMessage(record) => {
                    Some(Event::Revised { sdkappid, record: Arc::new(record.clone()), origin })
                }
                WriteOp::PutGroupAttributes(record) => {
                    let attributes = record
                        .attributes
                        .iter()
                        .map(|(key, value)| GroupAttribute {
                            group_attribute_key: key.clone(),
                            group_attribute_value: value.clone(),
                        })
                        .collect();
                    let data = push::GroupAttributesPush { group_id: record.group_id.as_str().to_owned(), attributes };
                    Some(group_live(sdkappid, &record.group_id, push::GROUP_ATTRIBUTES, &data))
                }
                WriteOp::SetGroupCounters(record) => {
                    let counters = record
                        .counters
                        .iter()
                        .map(|(key, value)| GroupCounter {
                            group_counter_key: key.clone(),
                            group_counter_value: *value,
                        })
                        .collect();
                    let data = push::GroupCountersPush { group_id: record.group_id.as_str().to_owned(), counters };
                    Some(group_live(sdkappid, &record.group_id, push::GROUP_COUNTERS, &data))
                }
                WriteOp::AppendUserEvent(event) if event.kind != push::MESSAGE && event.kind != REVISION => {
                    Some(Event::User {
                        sdkappid,
                        user: event.user.clone(),
                        pos: event.pos,
                        kind: static_kind(&event.kind),
                        payload: event.payload.as_str().into(),
                        origin,
                    })
                }
                _ => None,
            })
            .collect()
    })
}

fn group_live(sdkappid: u64, group_id: &GroupId, kind: &'static str, data: &impl Serialize) -> Event {
    Event::GroupLive { sdkappid, group_id: group_id.clone(), kind, payload: encode_payload(data).into() }
}

/// A stored event kind as one of the protocol's push kinds.
pub(crate) fn static_kind(kind: &str) -> &'static str {
    match kind {
        push::MESSAGE => push::MESSAGE,
        push::RECEIPT => push::RECEIPT,
        push::RECEIPT_SENT => push::RECEIPT_SENT,
        push::CONV_READ => push::CONV_READ,
        tincan_proto::conv_manage::CONV_PUSH => tincan_proto::conv_manage::CONV_PUSH,
        tincan_proto::conv_manage::CONV_GROUP_PUSH => tincan_proto::conv_manage::CONV_GROUP_PUSH,
        tincan_proto::api::get_all_recv_opt::ALL_RECV_OPT_PUSH => {
            tincan_proto::api::get_all_recv_opt::ALL_RECV_OPT_PUSH
        }
        push::PROFILE => push::PROFILE,
        push::FRIEND => push::FRIEND,
        push::FOLLOW => push::FOLLOW,
        push::MSG_EXTENSIONS_CHANGED => push::MSG_EXTENSIONS_CHANGED,
        push::MSG_EXTENSIONS_DELETED => push::MSG_EXTENSIONS_DELETED,
        push::MSG_DELETED => push::MSG_DELETED,
        _ => push::GROUP,
    }
}
