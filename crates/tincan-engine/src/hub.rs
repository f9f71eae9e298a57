//! The devices online on this node, and the dispatcher that pushes durable changes to them.
//!
//! The dispatcher is one thread fed by the bus in position order, so every device receives its
//! pushes in position order; a device that cannot keep up (its queue is full) is closed with
//! [`ErrorCode::SLOW_CONSUMER`] and catches up by resuming, rather than slowing everyone else.
//! Pushes of one message to many devices share the rendered message; only the envelope (the
//! position and the receiver's conversation state) is written per device.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::thread;

use tincan_core::conv::{ConvKey, Side};
use tincan_proto::frame::{encode_message_push, encode_push};
use tincan_proto::push::ConvState;
use tincan_proto::{ApiError, ErrorCode, UserId};
use tincan_store::MessageRecord;
use tokio::sync::{Notify, mpsc};

use crate::Shared;
use crate::events::Event;
use crate::render::{self, MessageView};
use crate::state::{AppState, lock, read, write};

/// Identifies one connected device (one WebSocket) on this node.
pub type DeviceId = u64;

/// A frame for a device: a push with its position (0 for frames outside the stream).
#[derive(Clone, Debug)]
pub struct OutFrame {
    /// The push's position in the user's stream.
    pub pos: u64,
    /// The whole frame, as JSON text; the connection hands it to the socket without copying it.
    pub text: String,
}

/// The pushes for one device from one dispatcher round, in position order.
pub type OutBatch = Vec<OutFrame>;

/// Pushes one device may have queued; a device this far behind is closed as a slow consumer.
pub const OUTBOX_PUSHES_MAX: usize = 4_096;

/// The dispatcher's end of a device's push queue.
#[derive(Clone)]
pub struct Outbox {
    sender: mpsc::UnboundedSender<OutBatch>,
    queued: Arc<AtomicUsize>,
    /// Set when a batch was refused: every later one is refused too, so that the device never
    /// receives a push after a gap (it resumes from its position instead).
    refused: Arc<AtomicBool>,
}

/// The connection's end of its push queue.
pub struct Inbox {
    receiver: mpsc::UnboundedReceiver<OutBatch>,
    queued: Arc<AtomicUsize>,
}

/// A push queue for one device, bounded at [`OUTBOX_PUSHES_MAX`] pushes.
pub fn outbox() -> (Outbox, Inbox) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let queued = Arc::new(AtomicUsize::new(0));
    (Outbox { sender, queued: queued.clone(), refused: Arc::new(AtomicBool::new(false)) }, Inbox { receiver, queued })
}

/// Why a batch was not queued.
enum QueueError {
    /// The device is too far behind.
    Full,
    /// The connection is gone.
    Closed,
}

impl Outbox {
    /// Queues a batch. A device with nothing queued always takes it, however large (it is
    /// keeping up; one dispatcher round can be large under load); otherwise the queue holds at
    /// most [`OUTBOX_PUSHES_MAX`] pushes.
    fn send(&self, batch: OutBatch) -> Result<(), QueueError> {
        if self.refused.load(Ordering::Acquire) {
            return Err(QueueError::Full);
        }
        let n = batch.len();
        let before = self.queued.fetch_add(n, Ordering::AcqRel);
        if before > 0 && before + n > OUTBOX_PUSHES_MAX {
            self.queued.fetch_sub(n, Ordering::AcqRel);
            self.refused.store(true, Ordering::Release);
            return Err(QueueError::Full);
        }
        self.sender.send(batch).map_err(|_| QueueError::Closed)
    }
}

impl Inbox {
    /// Waits for the next batch; `None` once the dispatcher has dropped the device.
    pub async fn recv(&mut self) -> Option<OutBatch> {
        let batch = self.receiver.recv().await?;
        self.queued.fetch_sub(batch.len(), Ordering::AcqRel);
        Some(batch)
    }

    /// The next batch if one is queued.
    pub fn try_recv(&mut self) -> Option<OutBatch> {
        let batch = self.receiver.try_recv().ok()?;
        self.queued.fetch_sub(batch.len(), Ordering::AcqRel);
        Some(batch)
    }
}

/// Tells a connection to close, and why.
#[derive(Default)]
pub struct Kick {
    notify: Notify,
    kicked: AtomicBool,
    reason: Mutex<Option<ApiError>>,
}

impl Kick {
    /// Asks the connection to close with `reason`; the first reason wins.
    pub fn kick(&self, reason: ApiError) {
        if !self.kicked.swap(true, Ordering::SeqCst) {
            *lock(&self.reason) = Some(reason);
            self.notify.notify_one();
        }
    }

    /// Waits until the connection is asked to close; returns why.
    pub async fn kicked(&self) -> ApiError {
        loop {
            if self.kicked.load(Ordering::SeqCst)
                && let Some(reason) = lock(&self.reason).clone()
            {
                return reason;
            }
            self.notify.notified().await;
        }
    }
}

struct DeviceSlot {
    id: DeviceId,
    /// `TIMPlatform` of the device, from its login.
    platform: u32,
    outbox: Outbox,
    kick: Arc<Kick>,
}

/// One app's devices online, by user.
type UserDevices = HashMap<UserId, Vec<Arc<DeviceSlot>>>;

/// Every device online on this node, by app and user.
#[derive(Default)]
pub(crate) struct Hub {
    devices: std::sync::RwLock<HashMap<u64, UserDevices>>,
    next_id: AtomicU64,
}

impl Hub {
    /// Registers a device; pushes for the user go to `outbox` from now on.
    pub(crate) fn register(
        &self,
        sdkappid: u64,
        user: &UserId,
        platform: u32,
        outbox: Outbox,
    ) -> (DeviceId, Arc<Kick>) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let kick = Arc::new(Kick::default());
        let slot = Arc::new(DeviceSlot { id, platform, outbox, kick: kick.clone() });
        write(&self.devices).entry(sdkappid).or_default().entry(user.clone()).or_default().push(slot);
        (id, kick)
    }

    /// Removes a device.
    pub(crate) fn unregister(&self, sdkappid: u64, user: &UserId, id: DeviceId) {
        let mut devices = write(&self.devices);
        let Some(users) = devices.get_mut(&sdkappid) else { return };
        if let Some(slots) = users.get_mut(user) {
            slots.retain(|slot| slot.id != id);
            if slots.is_empty() {
                users.remove(user);
            }
        }
    }

    /// Whether the user has a device online.
    pub(crate) fn is_online(&self, sdkappid: u64, user: &UserId) -> bool {
        read(&self.devices).get(&sdkappid).is_some_and(|users| users.contains_key(user))
    }

    /// The platforms of the user's devices online, one per device.
    pub(crate) fn platforms_of(&self, sdkappid: u64, user: &UserId) -> Vec<u32> {
        read(&self.devices)
            .get(&sdkappid)
            .and_then(|users| users.get(user))
            .map(|slots| slots.iter().map(|slot| slot.platform).collect())
            .unwrap_or_default()
    }

    /// Users of the app with a device online.
    pub(crate) fn n_online_users(&self, sdkappid: u64) -> usize {
        read(&self.devices).get(&sdkappid).map_or(0, HashMap::len)
    }

    /// Closes every device of a user (for example after a logout elsewhere is not wanted; used
    /// when the admin kicks a user).
    pub(crate) fn kick_user(&self, sdkappid: u64, user: &UserId, reason: &ApiError) {
        let slots = read(&self.devices).get(&sdkappid).and_then(|users| users.get(user).cloned()).unwrap_or_default();
        for slot in slots {
            slot.kick.kick(reason.clone());
        }
    }

    fn devices_of(&self, sdkappid: u64, user: &UserId) -> Vec<Arc<DeviceSlot>> {
        read(&self.devices).get(&sdkappid).and_then(|users| users.get(user).cloned()).unwrap_or_default()
    }

    /// The online users among `candidates` (walks whichever side is smaller).
    fn online_among<'a>(
        &self,
        sdkappid: u64,
        n_candidates: u64,
        candidates: impl Iterator<Item = &'a UserId>,
    ) -> Vec<UserId> {
        let devices = read(&self.devices);
        let Some(users) = devices.get(&sdkappid) else { return Vec::new() };
        if (users.len() as u64) < n_candidates {
            return users.keys().cloned().collect();
        }
        candidates.filter(|user| users.contains_key(*user)).cloned().collect()
    }
}

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
                let mut n_events = 0;
                for _ in 0..BUS_BATCHES_PER_ROUND {
                    if n_events >= ROUND_EVENTS_MAX {
                        break;
                    }
                    let Ok(events) = receiver.try_recv() else { break };
                    n_events += events.len();
                    for event in events {
                        dispatch(&shared, event, &mut out);
                    }
                }
                out.deliver(&shared);
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
        self.by_device.entry(slot.id).or_insert_with(|| (slot.clone(), Vec::new())).1.push(frame);
    }

    /// Queues a frame for each of `slots` but the origin. The text is written only if some
    /// device takes it, and copied only for a user's second device.
    fn push_to(
        &mut self,
        slots: &[Arc<DeviceSlot>],
        origin: Option<DeviceId>,
        pos: u64,
        text: impl FnOnce() -> String,
    ) {
        let mut targets = slots.iter().filter(|slot| Some(slot.id) != origin);
        let Some(first) = targets.next() else { return };
        let text = text();
        for slot in targets {
            self.push(slot, OutFrame { pos, text: text.clone() });
        }
        self.push(first, OutFrame { pos, text });
    }

    /// Hands each device its batch; a device whose queue is full is closed.
    fn deliver(self, shared: &Shared) {
        for (_, (slot, batch)) in self.by_device {
            let n = batch.len() as u64;
            match slot.outbox.send(batch) {
                Ok(()) => {
                    shared.metrics.pushes.fetch_add(n, Ordering::Relaxed);
                }
                Err(QueueError::Full) => {
                    shared.metrics.slow_consumers.fetch_add(1, Ordering::Relaxed);
                    slot.kick.kick(ApiError::new(
                        ErrorCode::SLOW_CONSUMER,
                        "the connection fell too far behind its pushes and was closed; reconnect and resume",
                    ));
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
        Event::User { sdkappid, user, pos, kind, payload, origin } => {
            out.push_to(&shared.hub.devices_of(sdkappid, &user), origin, pos, || encode_push(kind, pos, &payload));
        }
    }
}

/// A `message` push of `record` as `viewer` sees it, with the viewer's conversation state; live
/// and replayed pushes are written alike.
pub(crate) fn message_frame(record: &MessageRecord, viewer: &UserId, view: &MessageView, conv: ConvState) -> String {
    encode_message_push(record.pos, &message_json(record, viewer, view), &conv)
}

/// `record` as `viewer` sees it, as JSON (a `Message` always serializes).
fn message_json(record: &MessageRecord, viewer: &UserId, view: &MessageView) -> String {
    serde_json::to_string(&render::message(record, viewer, view)).unwrap_or_default()
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
            frames.push((slots, message_frame(record, user, &view, render::pair_conv_state(&state, side))));
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
                receivers.push((user, render::group_conv_state(group, member)));
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
            let message = cached.get_or_insert_with(|| message_json(record, &user, view));
            encode_message_push(record.pos, message, &conv)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(n: usize) -> OutBatch {
        (0..n).map(|pos| OutFrame { pos: pos as u64 + 1, text: "{}".to_owned() }).collect()
    }

    #[tokio::test]
    async fn a_device_may_queue_up_to_the_limit_in_pushes_not_batches() {
        let (outbox, mut inbox) = outbox();
        assert!(outbox.send(batch(OUTBOX_PUSHES_MAX - 1)).is_ok());
        assert!(outbox.send(batch(1)).is_ok());
        assert_eq!(inbox.recv().await.map(|it| it.len()), Some(OUTBOX_PUSHES_MAX - 1));
        assert!(outbox.send(batch(100)).is_ok(), "what the connection took makes room");
        assert_eq!(inbox.try_recv().map(|it| it.len()), Some(1));
        assert_eq!(inbox.try_recv().map(|it| it.len()), Some(100));
        assert!(inbox.try_recv().is_none());
        drop(inbox);
        assert!(matches!(outbox.send(batch(1)), Err(QueueError::Closed)));
    }

    #[tokio::test]
    async fn a_device_that_keeps_up_takes_a_round_of_any_size() {
        let (outbox, mut inbox) = outbox();
        assert!(outbox.send(batch(3 * OUTBOX_PUSHES_MAX)).is_ok(), "an empty queue takes a large round");
        assert_eq!(inbox.recv().await.map(|it| it.len()), Some(3 * OUTBOX_PUSHES_MAX));
        assert!(outbox.send(batch(2)).is_ok());
    }

    #[tokio::test]
    async fn after_one_refusal_every_later_batch_is_refused() {
        let (outbox, mut inbox) = outbox();
        assert!(outbox.send(batch(OUTBOX_PUSHES_MAX)).is_ok());
        assert!(matches!(outbox.send(batch(1)), Err(QueueError::Full)), "one push past the limit is refused");
        // The connection drains, but a push after the gap would be out of order: still refused.
        assert!(inbox.recv().await.is_some());
        assert!(matches!(outbox.send(batch(1)), Err(QueueError::Full)));
        assert!(inbox.try_recv().is_none());
    }
}
