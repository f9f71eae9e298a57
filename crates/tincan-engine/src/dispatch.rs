//! The dispatcher: pushes durable changes to the devices online on this node.
//!
//! The dispatcher is one thread fed by the bus in position order, so every device receives its
//! pushes in position order; a device that cannot keep up (its queue is full) is closed with
//! [`ErrorCode::SLOW_CONSUMER`] and catches up by resuming, rather than slowing everyone else.
//! Pushes of one message to many devices share the rendered message; only the envelope (the
//! position and the receiver's conversation state) is written per device.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::Receiver;
use std::thread;

use tincan_core::conv::{ConvKey, Side};
use tincan_proto::UserId;
use tincan_proto::frame::{encode_message_push, encode_push};
use tincan_proto::profile::UserProfile;
use tincan_proto::push::{self, ConvState, MsgRevokedPush, MsgUpdatedPush};
use tincan_store::MessageRecord;

use crate::engine::Shared;
use crate::events::{DeviceId, Event};
use crate::hub::{DeviceSlot, OutBatch, OutFrame, QueueError};
use crate::metrics::Metrics;
use crate::render::{self, MessageView};
use crate::state::{AppState, lock};

/// Runs the dispatcher until the bus closes.
pub(crate) fn start_dispatcher(shared: Arc<Shared>, receiver: Receiver<Vec<Event>>) -> thread::JoinHandle<()> {
    thread::Builder::new()
        .name("tincan-dispatch".to_owned())
        .spawn(move || {
            while let Ok(events) = receiver.recv() {
                let mut out = Deliveries::default();
                for event in events {
                    dispatch(&shared, event, &mut out);
                }
                // Batches that queued up meanwhile join this round, up to a bound.
                let (mut n_events, mut n_batches) = (0, 1);
                for _ in 0..BUS_BATCHES_PER_ROUND {
                    if n_events >= ROUND_EVENTS_MAX {
                        break;
                    }
                    let Ok(events) = receiver.try_recv() else { break };
                    n_events += events.len();
                    n_batches += 1;
                    for event in events {
                        dispatch(&shared, event, &mut out);
                    }
                }
                out.deliver(&shared);
                shared.metrics.bus_delivered.fetch_add(n_batches, Ordering::SeqCst);
            }
        })
        .unwrap_or_else(|err| panic!("cannot start the dispatcher thread: {err}"))
}

/// Bus batches one dispatcher round may take before it delivers.
const BUS_BATCHES_PER_ROUND: usize = 64;
/// Events one round gathers from further bus batches before it delivers.
const ROUND_EVENTS_MAX: usize = 1_024;

/// The pushes of one dispatcher round, gathered per device.
#[derive(Default)]
struct Deliveries {
    by_device: HashMap<DeviceId, (Arc<DeviceSlot>, OutBatch)>,
}

impl Deliveries {
    fn push(&mut self, slot: &Arc<DeviceSlot>, frame: OutFrame) {
        let batch = &mut self.by_device.entry(slot.id).or_insert_with(|| (slot.clone(), Vec::new())).1;
        // Paired with the replay's and the connection's checks: a device's stream only moves on.
        debug_assert!(
            frame.pos == 0 || batch.iter().rev().find(|it| it.pos != 0).is_none_or(|last| last.pos < frame.pos),
            "pushes to one device out of position order"
        );
        batch.push(frame);
    }

    /// Queues a frame for each of `slots` but the origin. The text is written only if some
    /// device takes it, and copied only for a user's second device; a text that cannot be
    /// written (`None`, a bug already reported) goes to no one.
    fn push_to(
        &mut self,
        slots: &[Arc<DeviceSlot>],
        origin: Option<DeviceId>,
        pos: u64,
        text: impl FnOnce() -> Option<String>,
    ) {
        let mut targets = slots.iter().filter(|slot| Some(slot.id) != origin);
        let Some(first) = targets.next() else { return };
        let Some(text) = text() else { return };
        for slot in targets {
            self.push(slot, OutFrame { pos, text: text.clone() });
        }
        self.push(first, OutFrame { pos, text });
    }

    /// Hands each device its batch; a device whose queue is full is closed.
    fn deliver(self, shared: &Shared) {
        for (_, (slot, batch)) in self.by_device {
            let n = batch.len() as u64;
            match slot.send_or_close(batch) {
                Ok(()) => {
                    shared.metrics.pushes.fetch_add(n, Ordering::Relaxed);
                }
                Err(QueueError::Full) => {
                    shared.metrics.slow_consumers.fetch_add(1, Ordering::Relaxed);
                }
                Err(QueueError::Closed) => {}
            }
        }
    }
}

fn dispatch(shared: &Shared, event: Event, out: &mut Deliveries) {
    match event {
        Event::Message { sdkappid, record, origin } => {
            let Some(app) = shared.app(sdkappid) else { return };
            match &record.conv {
                ConvKey::C2c(_) => dispatch_c2c_message(shared, &app, &record, origin, out),
                ConvKey::Group(_) => dispatch_group_message(shared, &app, &record, origin, out),
            }
        }
        Event::Revised { sdkappid, record, origin } => {
            let Some(app) = shared.app(sdkappid) else { return };
            match &record.conv {
                ConvKey::C2c(_) => dispatch_c2c_revision(shared, &app, &record, origin, out),
                ConvKey::Group(_) => dispatch_group_revision(shared, &app, &record, origin, out),
            }
        }
        Event::GroupLive { sdkappid, group_id, kind, payload } => {
            dispatch_group_live(shared, sdkappid, &group_id, kind, &payload, out);
        }
        Event::User { sdkappid, user, pos, kind, payload, origin } => {
            out.push_to(&shared.hub.devices_of(sdkappid, &user), origin, pos, || {
                Some(encode_push(kind, pos, &payload))
            });
        }
    }
}

/// Pushes a change of a group's live state to its members online, once per device, outside the
/// streams (`pos` 0): the work is the group push path's, proportional to the members online.
fn dispatch_group_live(
    shared: &Shared,
    sdkappid: u64,
    group_id: &tincan_proto::GroupId,
    kind: &'static str,
    payload: &str,
    out: &mut Deliveries,
) {
    let Some(app) = shared.app(sdkappid) else { return };
    let Some(state) = app.group(group_id) else { return };
    let receivers: Vec<UserId> = {
        let state = lock(&state);
        let group = &state.group;
        let online = shared.hub.online_among(sdkappid, group.n_members(), group.members().map(|(user, _)| user));
        online.into_iter().filter(|user| group.member(user).is_some()).collect()
    };
    let mut text: Option<String> = None;
    for user in receivers {
        out.push_to(&shared.hub.devices_of(sdkappid, &user), None, 0, || {
            Some(text.get_or_insert_with(|| encode_push(kind, 0, payload)).clone())
        });
    }
}

/// A `message` push of `record` as `viewer` sees it, with the viewer's conversation state; live
/// and replayed pushes are written alike. `None` if it cannot be encoded (see [`message_json`]).
pub(crate) fn message_frame(
    app: &AppState,
    metrics: &Metrics,
    record: &MessageRecord,
    viewer: &UserId,
    view: &MessageView,
    conv: ConvState,
) -> Option<String> {
    Some(encode_message_push(record.pos, &message_json(app, metrics, record, viewer, view)?, &conv))
}

/// `record` as `viewer` sees it, as JSON. A `Message` always encodes; a failure is a bug, which
/// is logged and stops every further write (fail-stop), and the push is not sent rather than
/// sent empty.
fn message_json(
    app: &AppState,
    metrics: &Metrics,
    record: &MessageRecord,
    viewer: &UserId,
    view: &MessageView,
) -> Option<String> {
    match render::message_for(app, record, viewer, view).to_json() {
        Ok(json) => Some(json),
        Err(err) => {
            tracing::error!(msg_id = %record.msg_id, error = %err, "a message push does not encode; refusing changes");
            metrics.store_failed.store(true, Ordering::Relaxed);
            None
        }
    }
}

fn dispatch_c2c_message(
    shared: &Shared,
    app: &AppState,
    record: &Arc<MessageRecord>,
    origin: Option<u64>,
    out: &mut Deliveries,
) {
    let ConvKey::C2c(pair) = &record.conv else { return };
    let Some(state) = app.pair(pair) else { return };
    let sender_side = pair.side_of(&record.sender);
    let mut frames = Vec::new();
    let first = {
        let mut state = lock(&state);
        // Whoever set a last message listed the conversation first.
        let first = state.last_message.is_none();
        state.note_pushed(record);
        for side in [Side::Low, Side::High] {
            let user = pair.user(side);
            let slots = shared.hub.devices_of(app.sdkappid, user);
            if slots.iter().all(|slot| Some(slot.id) == origin) {
                continue;
            }
            let is_sender = Some(side) == sender_side;
            let view = MessageView {
                is_read: is_sender || state.read_of(side).read_seq() >= record.seq,
                is_peer_read: is_sender && state.read_of(side.other()).published_seq() >= record.seq,
                ..MessageView::default()
            };
            let frame = message_frame(app, &shared.metrics, record, user, &view, render::pair_conv_state(&state, side));
            frames.push((slots, frame));
        }
        first
    };
    if first {
        // A receiver that loads its conversation list on this push finds the conversation there.
        app.list_pair(pair);
    }
    for (slots, frame) in frames {
        out.push_to(&slots, origin, record.pos, || frame);
    }
}

fn dispatch_group_message(
    shared: &Shared,
    app: &AppState,
    record: &Arc<MessageRecord>,
    origin: Option<u64>,
    out: &mut Deliveries,
) {
    let ConvKey::Group(group_id) = &record.conv else { return };
    let Some(state) = app.group(group_id) else { return };
    let mut receivers: Vec<(UserId, ConvState)> = Vec::new();
    let mut sender_view = MessageView { is_read: true, ..MessageView::default() };
    {
        let mut state = lock(&state);
        state.note_pushed(record);
        let group = &state.group;
        // The receivers are the members when the message was stored: not those who joined
        // after it, and those who left after it still get it.
        let online = shared.hub.online_among(app.sdkappid, group.n_members(), group.members().map(|(user, _)| user));
        for user in online {
            if let Some(member) = group.member(&user)
                && member.join_seq < record.seq
            {
                receivers.push((user, render::group_conv_state(&state, member)));
            }
        }
        for (user, leave_seq, _) in &state.recently_left {
            if *leave_seq >= record.seq && group.member(user).is_none() && shared.hub.is_online(app.sdkappid, user) {
                receivers.push((user.clone(), ConvState::default()));
            }
        }
        if record.need_receipt
            && let Some(cell) = state.receipts.get(&record.seq)
        {
            sender_view.receipt_counts = Some(lock(&cell.state).counts(group.current_members()));
        }
    }
    let other_view = MessageView::default();
    let mut other_message: Option<String> = None;
    let mut own_message: Option<String> = None;
    for (user, conv) in receivers {
        let is_sender = user == record.sender;
        let cached = if is_sender { &mut own_message } else { &mut other_message };
        // Written when a device takes it: not for a sender whose only device sent the message.
        out.push_to(&shared.hub.devices_of(app.sdkappid, &user), origin, record.pos, || {
            let view = if is_sender { &sender_view } else { &other_view };
            if cached.is_none() {
                *cached = message_json(app, &shared.metrics, record, &user, view);
            }
            Some(encode_message_push(record.pos, cached.as_deref()?, &conv))
        });
    }
}

/// The push that tells `viewer` of the latest revision of `record`, at position `pos`:
/// `msg_revoked` with the viewer's conversation state if it was revoked, `msg_updated` with the
/// message as it is now otherwise. Live and replayed pushes are written alike; `None` if it
/// cannot be encoded (a bug, reported). `sender` is the sender's profile now, which a modified
/// message carries as every message does.
pub(crate) fn revision_frame(
    record: &MessageRecord,
    pos: u64,
    viewer: &UserId,
    conv: ConvState,
    sender: Option<&UserProfile>,
) -> Option<String> {
    let encoded = if record.is_revoked() {
        serde_json::to_string(&MsgRevokedPush { revoked: render::revoke_info(record, viewer), conv })
            .map(|json| encode_push(push::MSG_REVOKED, pos, &json))
    } else {
        let mut message = render::message(record, viewer, &MessageView::default());
        message.message_sender_profile = sender.map(|profile| Box::new(profile.clone()));
        serde_json::to_string(&MsgUpdatedPush { message }).map(|json| encode_push(push::MSG_UPDATED, pos, &json))
    };
    encoded
        .map_err(|err| tracing::error!(msg_id = %record.msg_id, error = %err, "a revision push does not encode"))
        .ok()
}

fn dispatch_c2c_revision(
    shared: &Shared,
    app: &AppState,
    record: &Arc<MessageRecord>,
    origin: Option<u64>,
    out: &mut Deliveries,
) {
    let ConvKey::C2c(pair) = &record.conv else { return };
    let Some(state) = app.pair(pair) else { return };
    // Read before the conversation's lock is taken: a profile is never read under it.
    let sender = render::sender_profile(app, record);
    let mut frames = Vec::new();
    {
        let state = lock(&state);
        for side in [Side::Low, Side::High] {
            let user = pair.user(side);
            let slots = shared.hub.devices_of(app.sdkappid, user);
            if slots.iter().all(|slot| Some(slot.id) == origin) {
                continue;
            }
            let conv = render::pair_conv_state(&state, side);
            frames.push((slots, revision_frame(record, record.revision.pos, user, conv, sender.as_deref())));
        }
    }
    for (slots, frame) in frames {
        out.push_to(&slots, origin, record.revision.pos, || frame);
    }
}

fn dispatch_group_revision(
    shared: &Shared,
    app: &AppState,
    record: &Arc<MessageRecord>,
    origin: Option<u64>,
    out: &mut Deliveries,
) {
    let ConvKey::Group(group_id) = &record.conv else { return };
    let Some(state) = app.group(group_id) else { return };
    let sender = render::sender_profile(app, record);
    let mut receivers: Vec<(UserId, ConvState)> = Vec::new();
    {
        let mut state = lock(&state);
        state.revised_pos = state.revised_pos.max(record.revision.pos);
        state.revisions_in_flight = state.revisions_in_flight.saturating_sub(1);
        let group = &state.group;
        // Those who received the message: members who joined before it.
        let online = shared.hub.online_among(app.sdkappid, group.n_members(), group.members().map(|(user, _)| user));
        for user in online {
            if let Some(member) = group.member(&user)
                && member.join_seq < record.seq
            {
                receivers.push((user, render::group_conv_state(&state, member)));
            }
        }
    }
    for (user, conv) in receivers {
        out.push_to(&shared.hub.devices_of(app.sdkappid, &user), origin, record.revision.pos, || {
            revision_frame(record, record.revision.pos, &user, conv, sender.as_deref())
        });
    }
}
