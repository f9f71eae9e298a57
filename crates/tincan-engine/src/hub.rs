//! The devices online on this node: each one's push queue (bounded, so that a device that
//! cannot keep up is closed rather than slowing everyone else) and what tells it to close.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tincan_proto::{ApiError, UserId};
use tokio::sync::{Notify, mpsc};

use crate::events::DeviceId;
use crate::state::{lock, read, write};

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
pub(crate) enum QueueError {
    /// The device is too far behind.
    Full,
    /// The connection is gone.
    Closed,
}

impl Outbox {
    /// Queues a batch. A device with nothing queued always takes it, however large (it is
    /// keeping up; one dispatcher round can be large under load); otherwise the queue holds at
    /// most [`OUTBOX_PUSHES_MAX`] pushes.
    pub(crate) fn send(&self, batch: OutBatch) -> Result<(), QueueError> {
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

/// One device online: its push queue and what tells it to close.
pub(crate) struct DeviceSlot {
    pub(crate) id: DeviceId,
    /// `TIMPlatform` of the device, from its login.
    pub(crate) platform: u32,
    pub(crate) outbox: Outbox,
    pub(crate) kick: Arc<Kick>,
}

impl DeviceSlot {
    /// Queues `batch` for the device; a device whose queue is full is closed (it resumes and
    /// catches up from the store), as the dispatcher closes it. Whether the batch was queued.
    pub(crate) fn send_or_close(&self, batch: OutBatch) -> Result<(), QueueError> {
        let sent = self.outbox.send(batch);
        if let Err(QueueError::Full) = sent {
            self.kick.kick(ApiError::new(
                tincan_proto::ErrorCode::SLOW_CONSUMER,
                "the connection fell too far behind its pushes and was closed; reconnect and resume",
            ));
        }
        sent
    }
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

    pub(crate) fn devices_of(&self, sdkappid: u64, user: &UserId) -> Vec<Arc<DeviceSlot>> {
        read(&self.devices).get(&sdkappid).and_then(|users| users.get(user).cloned()).unwrap_or_default()
    }

    /// The online users among `candidates` (walks whichever side is smaller).
    pub(crate) fn online_among<'a>(
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
