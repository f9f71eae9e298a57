//! Webhooks (TIM's "third-party callbacks").
//!
//! Three kinds:
//! - **before-send**: called while a message is being sent, before it is stored; the answer may
//!   let it through (possibly changed), refuse it, or drop it silently. A receiver that does not
//!   answer within [`BEFORE_SEND_TIMEOUT`], or answers with something unreadable, lets the
//!   message through: a back end's outage must not stop messaging. The relationship chain's
//!   before-callbacks (`Sns.CallbackPrevFriendAdd`, `Sns.CallbackPrevFriendResponse`) are
//!   called and bounded the same way, and may refuse a client's add or answer user by user.
//! - **group before-callbacks** (`Group.CallbackBeforeCreateGroup`,
//!   `Group.CallbackBeforeApplyJoinGroup`, `Group.CallbackBeforeInviteJoinGroup`): called before
//!   a group is created, a join request is decided or users are added, outside every lock, with
//!   the same bound and the same rule: only an answer that refuses stops the change.
//! - **after-events**: written to a queue in the same batch as the change they report, so an
//!   acknowledged change always has its event and a restart loses none; a delivery task sends
//!   them at least once, retrying with backoff. The queue is bounded per app
//!   ([`PENDING_PER_APP_MAX`] by default, `EngineConfig::webhook_queue_max`); past the bound new events are dropped and counted, so a dead
//!   receiver never slows messaging.
//!
//! The engine decides what is sent and when; the network edge supplies a [`WebhookSender`] that
//! speaks TIM's HTTP format.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tincan_proto::ApiError;
use tincan_proto::message::Elem;
use tokio::sync::Notify;

mod delivery;

/// How long a before-send call may take (TIM's fixed limit).
pub const BEFORE_SEND_TIMEOUT: Duration = Duration::from_secs(2);
/// How long one delivery of an after-event may take.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(5);
/// After-events waiting per app, at most, unless configured otherwise; newer ones are dropped
/// past it.
pub const PENDING_PER_APP_MAX: u64 = 100_000;
/// The first retry comes this long after a failed delivery; each later one waits twice as long.
const RETRY_FIRST_MS: u64 = 1_000;
/// The longest wait between two attempts.
const RETRY_MAX_MS: u64 = 10 * 60 * 1_000;
/// An event still undelivered this long after it was queued is abandoned.
const GIVE_UP_AFTER_MS: u64 = 48 * 60 * 60 * 1_000;
/// Events taken from the queue at once, and delivered concurrently.
const DELIVERY_BATCH: usize = 32;
/// How often the delivery task looks for retries that came due when nothing woke it.
const IDLE_POLL: Duration = Duration::from_millis(500);

/// The `platform` of events that came through the REST API.
pub const PLATFORM_REST: u32 = u32::MAX;

/// A future a [`WebhookSender`] returns.
pub type WebhookFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// A message as the webhooks describe it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageEvent {
    /// The sender.
    pub from: String,
    /// The receiver (C2C) or empty.
    pub to: String,
    /// The group (group messages) or empty.
    pub group_id: String,
    /// The group's type by TIM's REST name, or empty.
    pub group_type: String,
    /// Who asked for the send: the sender, or the app's administrator through REST.
    pub operator: String,
    /// The message's seq; 0 before it is stored.
    pub seq: u64,
    /// The message's random.
    pub random: u64,
    /// The server time, in seconds.
    pub time: u64,
    /// The message ID.
    pub msg_id: String,
    /// The elements, as clients see them.
    pub elems: Vec<Elem>,
    /// `CloudCustomData`.
    pub cloud_custom_data: String,
    /// C2C after-send: the receiver's unread C2C messages in all.
    pub unread: u64,
    /// When the event happened, in milliseconds.
    pub event_time_ms: u64,
    /// The `TIMPlatform` of the device that sent it (0: REST or unknown).
    pub platform: u32,
}

/// A revoked message, as `C2C.CallbackAfterMsgWithDraw` and `Group.CallbackAfterRecallMsg`
/// describe it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecallEvent {
    /// The sender.
    pub from: String,
    /// C2C: the receiver; empty for a group message.
    pub to: String,
    /// C2C: the message's `MsgKey`, as the REST API gives it.
    pub msg_key: String,
    /// C2C: the receiver's unread C2C messages in all, after the revoke.
    pub unread: u64,
    /// The group, or empty.
    pub group_id: String,
    /// The group's type by TIM's REST name, or empty.
    pub group_type: String,
    /// Who revoked it.
    pub operator: String,
    /// The message's seq.
    pub seq: u64,
    /// When, in milliseconds.
    pub event_time_ms: u64,
    /// The `TIMPlatform` of the device that revoked it.
    pub platform: u32,
}

/// One message's receipt state in a read-receipt event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptItem {
    /// The message's seq.
    pub seq: u64,
    /// Members who have read it.
    pub read: u64,
    /// Members who have not.
    pub unread: u64,
    /// Who read it in this event.
    pub readers: Vec<String>,
}

/// One C2C message a read receipt was sent for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct C2cReceiptItem {
    /// Its sender.
    pub from: String,
    /// Its receiver, who sent the receipt.
    pub to: String,
    /// Its `MsgKey` (`<seq>_<random>_<time>`).
    pub msg_key: String,
    /// Its message ID.
    pub msg_id: String,
}

/// An after-event, as queued.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum CallbackEvent {
    /// `C2C.CallbackAfterSendMsg` or `Group.CallbackAfterSendMsg`.
    AfterSend(MessageEvent),
    /// `Group.CallbackSendMsgException`: a group message that was refused, and why.
    SendMsgException {
        /// The message as it was sent (its seq 0).
        message: MessageEvent,
        /// Whether it was an online-only message.
        online_only: bool,
        /// TIM's code of the refusal.
        error_code: u32,
        /// The refusal's description.
        error_info: String,
    },
    /// `Group.CallbackAfterReadReceipt`.
    AfterReadReceipt {
        /// The group.
        group_id: String,
        /// Its type by TIM's REST name.
        group_type: String,
        /// The messages read.
        receipts: Vec<ReceiptItem>,
        /// When, in milliseconds.
        event_time_ms: u64,
        /// The reader's `TIMPlatform`.
        platform: u32,
    },
    /// `C2C.CallbackAfterMsgWithDraw` or `Group.CallbackAfterRecallMsg`.
    Recall(RecallEvent),
    /// A group event (`Group.CallbackAfterCreateGroup` and the other membership and profile
    /// events): TIM's body as JSON text, without `CallbackCommand`, which the sender adds.
    Group {
        /// The body.
        body: String,
    },
    /// `C2C.CallbackAfterMsgReadReceipt`.
    AfterC2cReadReceipt {
        /// Who sent the receipts.
        operator: String,
        /// The other party, the messages' sender.
        peer: String,
        /// The messages.
        messages: Vec<C2cReceiptItem>,
        /// When, in milliseconds.
        event_time_ms: u64,
        /// The reader's `TIMPlatform`.
        platform: u32,
    },
    /// `C2C.CallbackAfterMsgReport`.
    AfterMsgReport {
        /// Who marked the conversation read.
        reporter: String,
        /// The other party.
        peer: String,
        /// When, in seconds.
        last_read_time: u64,
        /// The reporter's unread C2C messages in all, after the report.
        unread: u64,
        /// When, in milliseconds.
        event_time_ms: u64,
        /// The reporter's `TIMPlatform`.
        platform: u32,
    },
    /// `State.StateChange`: a device logged in, logged out, or lost its connection.
    StateChange {
        /// The user.
        user: String,
        /// `Login`, `Logout` or `Disconnect`.
        action: String,
        /// `Register`, `Unregister` or `LinkClose`.
        reason: String,
        /// When, in milliseconds.
        event_time_ms: u64,
        /// The device's `TIMPlatform`.
        platform: u32,
    },
    /// `Profile.CallbackPortraitSet`: a user's profile changed.
    PortraitSet {
        /// Whose profile.
        user: String,
        /// Who changed it: the user, or the administrator through REST.
        operator: String,
        /// The fields set.
        change: tincan_proto::profile::ProfileChange,
        /// When, in milliseconds.
        event_time_ms: u64,
        /// The device's `TIMPlatform` ([`PLATFORM_REST`] through REST).
        platform: u32,
    },
    /// `Sns.CallbackFriendAdd`, `Sns.CallbackFriendDelete`, `Sns.CallbackBlackListAdd` and
    /// `Sns.CallbackBlackListDelete`: relationships made or ended.
    Sns {
        /// The relationships: each owner, the other user and who acted.
        pairs: Vec<SnsPair>,
        /// TIM's name of the command that made the change (`friend_add`, `friend_response`, ...).
        client_cmd: String,
        /// The administrator, for a change made through the REST API; `""` otherwise.
        #[serde(default)]
        admin: String,
        /// Whether an add went past the other user's add permission (`ForceAddFlags`).
        #[serde(default)]
        forced: bool,
        /// When, in milliseconds.
        event_time_ms: u64,
        /// The device's `TIMPlatform` ([`PLATFORM_REST`] through REST).
        platform: u32,
    },
    /// `Follow.CallbackAfterFollowAdd` and `Follow.CallbackAfterFollowDelete`: a user followed or
    /// stopped following users.
    Follow {
        /// Who followed or stopped following (`From_Account`).
        from: String,
        /// The users whose follow changed (`FollowList` or `To_Account`).
        to: Vec<String>,
        /// When, in milliseconds.
        event_time_ms: u64,
        /// The device's `TIMPlatform` ([`PLATFORM_REST`] through REST).
        platform: u32,
    },
}

/// One relationship of an `Sns.*` webhook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnsPair {
    /// Whose list changed (`From_Account`).
    pub from: String,
    /// The other user (`To_Account`).
    pub to: String,
    /// Who made the change (`Initiator_Account`).
    pub initiator: String,
}

impl SnsPair {
    pub(crate) fn new(
        from: &tincan_proto::UserId,
        to: &tincan_proto::UserId,
        initiator: &tincan_proto::UserId,
    ) -> SnsPair {
        SnsPair { from: from.as_str().to_owned(), to: to.as_str().to_owned(), initiator: initiator.as_str().to_owned() }
    }
}

/// A client's friend add or answer to friend requests, as the relationship chain's
/// before-callbacks (`Sns.CallbackPrevFriendAdd`, `Sns.CallbackPrevFriendResponse`) describe it.
#[derive(Clone, Debug, PartialEq)]
pub struct PrevSnsEvent {
    /// Who sent the request (`Requester_Account`).
    pub requester: String,
    /// Whose lists it changes (`From_Account`).
    pub from: String,
    /// One item per user it names.
    pub items: Vec<PrevSnsItem>,
    /// For an add: both lists (`Add_Type_Both`) or the caller's only.
    pub both: bool,
    /// When, in milliseconds.
    pub event_time_ms: u64,
    /// The device's `TIMPlatform`.
    pub platform: u32,
}

/// One user of a [`PrevSnsEvent`].
#[derive(Clone, Debug, PartialEq)]
pub struct PrevSnsItem {
    /// The user added, or the applicant answered (`To_Account`).
    pub to: String,
    /// The remark the caller gives it.
    pub remark: String,
    /// The friend group the caller puts it in (`GroupName`, `TagName`).
    pub group_name: String,
    /// An add's source and wording (`""` for an answer).
    pub add_source: String,
    /// An add's wording.
    pub add_wording: String,
    /// An answer's `TIMFriendResponseAction`.
    pub action: u32,
}

/// What a before-callback of the relationship chain refused: each user named, with the error
/// its item gets. Users it does not name go through.
pub type SnsRefusals = Vec<(String, ApiError)>;

/// What a before-send receiver decided.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// Send it; with new elements or custom data if the receiver gave them.
    Allow {
        /// Replacement elements.
        elems: Option<Vec<Elem>>,
        /// Replacement `CloudCustomData`.
        cloud_custom_data: Option<String>,
    },
    /// Refuse it; the sender gets this error.
    Refuse(ApiError),
    /// Drop it silently: the sender is told it was sent, and nothing is stored or delivered.
    Discard,
}

impl Verdict {
    /// Let the message through unchanged.
    pub const ALLOW: Verdict = Verdict::Allow { elems: None, cloud_custom_data: None };
}

/// What a group before-callback receiver decided.
#[derive(Clone, Debug, PartialEq)]
pub enum GroupVerdict {
    /// Go ahead, leaving out these users (an invitation's `RefusedMembers_Account`; empty for
    /// the other callbacks).
    Allow {
        /// The users the receiver keeps out.
        refused: Vec<String>,
    },
    /// Refuse the whole call; the caller gets this error.
    Refuse(ApiError),
}

impl GroupVerdict {
    /// Let the change through whole.
    pub const ALLOW: GroupVerdict = GroupVerdict::Allow { refused: Vec::new() };
}

/// Sends webhooks over the network in TIM's format.
pub trait WebhookSender: Send + Sync + 'static {
    /// Asks a before-send receiver; the engine bounds the wait by [`BEFORE_SEND_TIMEOUT`].
    fn before_send(&self, url: &str, sdkappid: u64, command: &str, event: &MessageEvent) -> WebhookFuture<Verdict>;

    /// Asks a group before-callback receiver; `body` is TIM's body without `CallbackCommand`,
    /// which the sender adds. The engine bounds the wait by [`BEFORE_SEND_TIMEOUT`].
    fn before_group(
        &self,
        url: &str,
        sdkappid: u64,
        command: &str,
        body: serde_json::Value,
        platform: u32,
    ) -> WebhookFuture<GroupVerdict>;

    /// Asks a before-callback of the relationship chain; the engine bounds the wait by
    /// [`BEFORE_SEND_TIMEOUT`]. A receiver that fails or answers with something unreadable
    /// refuses nothing.
    fn before_sns(&self, url: &str, sdkappid: u64, command: &str, event: &PrevSnsEvent) -> WebhookFuture<SnsRefusals>;

    /// Delivers an after-event; `Ok` once the receiver answered it with HTTP 200.
    fn deliver(
        &self,
        url: &str,
        sdkappid: u64,
        command: &str,
        event: &CallbackEvent,
    ) -> WebhookFuture<Result<(), String>>;
}

/// The engine's webhook state.
pub(crate) struct Webhooks {
    sender: Option<Arc<dyn WebhookSender>>,
    /// After-events queued per app.
    pending: Mutex<HashMap<u64, u64>>,
    /// After-events waiting per app, at most.
    pending_max: u64,
    wake: Notify,
    stopping: AtomicBool,
}

impl Webhooks {
    pub(crate) fn new(sender: Option<Arc<dyn WebhookSender>>, pending: &[(u64, u64)], pending_max: u64) -> Webhooks {
        Webhooks {
            sender,
            pending: Mutex::new(pending.iter().copied().collect()),
            pending_max,
            wake: Notify::new(),
            stopping: AtomicBool::new(false),
        }
    }

    /// Tells the delivery task that events were queued.
    pub(crate) fn wake(&self) {
        self.wake.notify_one();
    }

    pub(crate) fn stop(&self) {
        self.stopping.store(true, Ordering::Relaxed);
        self.wake.notify_one();
    }
}

/// The wait before attempt `attempts + 1`.
pub(crate) fn retry_delay_ms(attempts: u32) -> u64 {
    let doublings = attempts.saturating_sub(1).min(20);
    RETRY_FIRST_MS.saturating_mul(1 << doublings).min(RETRY_MAX_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_a_ceiling() {
        assert_eq!(retry_delay_ms(1), 1_000);
        assert_eq!(retry_delay_ms(2), 2_000);
        assert_eq!(retry_delay_ms(5), 16_000);
        assert_eq!(retry_delay_ms(30), RETRY_MAX_MS);
    }

    #[test]
    fn events_survive_the_queue_encoding() {
        let event = CallbackEvent::AfterReadReceipt {
            group_id: "g".to_owned(),
            group_type: "Public".to_owned(),
            receipts: vec![ReceiptItem { seq: 3, read: 1, unread: 4, readers: vec!["ann".to_owned()] }],
            event_time_ms: 7,
            platform: 2,
        };
        let text = serde_json::to_string(&event).unwrap();
        assert_eq!(serde_json::from_str::<CallbackEvent>(&text).unwrap(), event);
    }
}
