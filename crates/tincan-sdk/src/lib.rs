//! Rust client for tincan.
//!
//! [`Client::connect`] logs in over a WebSocket and returns the client and an [`Events`] stream
//! of everything the server pushes.
//! Each operation is an async method named after the TIM function it mirrors.
//! The client reconnects by itself when the connection drops, resumes from the last event it
//! delivered, and delivers every missed event exactly once; requests that were in flight are
//! sent again when that is safe (every read, sending a message, sending receipts, marking read)
//! and fail with 9508 otherwise.
//!
//! # Layout
//!
//! - [`Client`], [`ClientConfig`], [`Event`], [`Events`]: the public surface.
//! - `driver`: the task that owns the connection (reconnect, resume, dedupe, heartbeat).
//! - `convs`: the copy of the conversation list behind conversation and unread events.
//! - `ops`: one method per TIM operation.
//! - `extensions`: message extensions, and the seqs of their keys the client remembers.
//! - [`admin`]: a client for the REST API.

pub mod admin;
mod conv_manage;
mod convs;
mod driver;
mod extensions;
mod follows;
mod friends;
pub mod group_attributes;
pub mod groups;
pub mod media;
mod ops;
mod profiles;

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tincan_proto::api::Operation;
use tincan_proto::objects::MessageReceipt;
use tincan_proto::push::{ConvReadPush, GroupPush, MessagePush, MsgRevokedPush, ReceiptSentPush};
use tincan_proto::{ApiError, ErrorCode, Message, UserId};
use tokio::sync::{mpsc, oneshot};

pub use convs::ConvChange;
pub use tincan_proto;

/// How to connect.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The server's WebSocket URL, e.g. `ws://127.0.0.1:8080/ws`.
    pub url: String,
    /// The app.
    pub sdkappid: u64,
    /// The user.
    pub user_id: UserId,
    /// A UserSig for the user.
    pub user_sig: String,
    /// Resume after this event position (a device that stored its last position); `None` starts
    /// fresh.
    pub resume_pos: Option<u64>,
    /// How long a request may wait for its answer before failing with 9520, from the call on
    /// (also while the client reconnects); the WebSocket handshake and the login answer are
    /// bounded by it too.
    pub request_timeout: Duration,
    /// `TIMPlatform` of this device.
    pub platform: u32,
    /// The local address to connect from (for example one of several loopback addresses, to use
    /// more connections than one address has ports); `None` lets the system choose.
    pub local_ip: Option<std::net::IpAddr>,
    /// Events the application has not taken yet, at most ([`EVENTS_MAX`] by default). When the
    /// application falls this far behind, the client drops the connection, waits until half of
    /// the queue is taken, tells the application ([`Event::Overflowed`]) and resumes, so the
    /// events it could not queue are replayed rather than lost.
    pub events_max: usize,
}

/// Events an application may leave untaken before the client stops receiving, by default.
pub const EVENTS_MAX: usize = 16_384;

impl ClientConfig {
    /// A configuration with the usual defaults (30-second requests, no resume).
    pub fn new(url: impl Into<String>, sdkappid: u64, user_id: UserId, user_sig: impl Into<String>) -> ClientConfig {
        ClientConfig {
            url: url.into(),
            sdkappid,
            user_id,
            user_sig: user_sig.into(),
            resume_pos: None,
            request_timeout: Duration::from_secs(30),
            platform: 0,
            local_ip: None,
            events_max: EVENTS_MAX,
        }
    }
}

/// The state of the connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectionState {
    /// Connected and logged in (again).
    Connected,
    /// The connection dropped; the client is reconnecting.
    Disconnected,
}

/// Something the server pushed, or a change of the connection.
#[derive(Clone, Debug)]
pub enum Event {
    /// A new message (TIM `TIMSetRecvNewMsgCallback`); also messages this user sent from other
    /// devices.
    Message(MessagePush),
    /// Read receipts for this user's messages (TIM `TIMSetMsgReadedReceiptCallback`).
    Receipts(Vec<MessageReceipt>),
    /// A message of one of this user's conversations was revoked (TIM `TIMSetMsgRevokeCallback`),
    /// with the conversation's state now.
    Revoked(MsgRevokedPush),
    /// A message of one of this user's conversations was modified (TIM
    /// `TIMSetMsgUpdateCallback`); the message as it is now.
    Updated(Message),
    /// Extensions of a message of one of this user's conversations were set or changed, on
    /// any device (TIM `TIMSetMsgExtensionsChangedCallback`).
    ExtensionsChanged(tincan_proto::push::MsgExtensionsPush),
    /// Extensions of a message of one of this user's conversations were deleted, on any device
    /// (TIM `TIMSetMsgExtensionsDeletedCallback`).
    ExtensionsDeleted(tincan_proto::push::MsgExtensionsPush),
    /// This user deleted messages for itself on another device (TIM `TIMMsgDelete`,
    /// `TIMMsgListDelete`); they left its history.
    MessagesDeleted(tincan_proto::push::MsgDeletedPush),
    /// This user sent receipts from another device (`message_has_sent_receipt`).
    ReceiptSent(ReceiptSentPush),
    /// This user's read position moved (from any device).
    ConvRead(ConvReadPush),
    /// Something happened to one of this user's groups.
    Group(GroupPush),
    /// Conversations were added, updated or removed (TIM `TIMSetConvEventCallback`).
    ConvChanged(Vec<ConvChange>),
    /// The total unread count changed (TIM `TIMSetConvTotalUnreadMessageCountChangedCallback`).
    TotalUnreadChanged(u64),
    /// One of this user's conversation groups changed, from any of its devices (TIM's
    /// conversation group callbacks).
    ConvGroup(tincan_proto::conv_manage::ConvGroupPush),
    /// This user's app-wide receive option changed, on this device or another (TIM
    /// `TIMSetMsgAllMessageReceiveOptionCallback`).
    AllRecvOptChanged(tincan_proto::api::get_all_recv_opt::AllRecvOptInfo),
    /// The unread count of a subscribed filter changed (TIM
    /// `TIMSetConvUnreadMessageCountChangedByFilterCallback`).
    FilteredUnreadChanged {
        /// The filter, as subscribed (without page keys).
        filter: tincan_proto::conv_manage::ConvListFilter,
        /// Its unread count now.
        total: u64,
    },
    /// This user's profile changed, on any device or by the administrator (TIM
    /// `TIMSetSelfInfoUpdatedCallback`).
    SelfProfileChanged(tincan_proto::profile::UserProfile),
    /// The profile of a user this user subscribed to changed (TIM
    /// `TIMSetUserInfoChangedCallback`).
    ProfileChanged(tincan_proto::profile::UserProfile),
    /// Users' status: those this user subscribed to, or its own custom status set on a device
    /// (TIM `TIMSetUserStatusChangedCallback`).
    UserStatusChanged(Vec<tincan_proto::profile::UserStatus>),
    /// This user's relationship chain changed, here, on another device or by another user
    /// (TIM's friend callbacks: `TIMSetOnAddFriendCallback`, `TIMSetOnDeleteFriendCallback`,
    /// `TIMSetUpdateFriendProfileCallback`, `TIMSetFriendAddRequestCallback`,
    /// `TIMSetFriendApplicationListDeletedCallback`, `TIMSetFriendApplicationListReadCallback`,
    /// `TIMSetFriendBlackListAddedCallback`, `TIMSetFriendBlackListDeletedCallback`, by
    /// `friend_change_elem_change_type`).
    Friend(tincan_proto::push::FriendPush),
    /// One of this user's follow lists changed, on another device or by another user (TIM's
    /// Web SDK events `onMyFollowersListUpdated`, `onMyFollowingListUpdated` and
    /// `onMutualFollowersListUpdated`, by `follow_change_elem_follow_type`).
    Follow(tincan_proto::push::FollowPush),
    /// A group's attributes changed (TIM `TIMSetGroupAttributeChangedCallback`): every
    /// attribute as it is now.
    GroupAttributesChanged(tincan_proto::push::GroupAttributesPush),
    /// Counters of a group changed (TIM `TIMSetGroupCounterChangedCallback`): the counters that
    /// changed, with their values now.
    GroupCountersChanged(tincan_proto::push::GroupCountersPush),
    /// Missed events have been replayed up to this position.
    Synced(u64),
    /// The connection dropped or came back.
    Connection(ConnectionState),
    /// The server ended the session for good (kicked off, UserSig expired); no reconnect follows.
    Ended(ApiError),
    /// The application fell [`ClientConfig::events_max`] events behind: the client stopped
    /// receiving and now resumes after `resumed_after`, the last position it queued, so that
    /// nothing is lost; the events after it come again.
    Overflowed {
        /// The position the client resumes after.
        resumed_after: u64,
    },
}

/// The stream of events (at most [`ClientConfig::events_max`] waiting).
pub struct Events {
    receiver: mpsc::Receiver<Event>,
}

impl Events {
    /// The next event, or `None` once the client is gone.
    pub async fn next(&mut self) -> Option<Event> {
        self.receiver.recv().await
    }

    /// The next event within `timeout`.
    pub async fn next_within(&mut self, timeout: Duration) -> Option<Event> {
        tokio::time::timeout(timeout, self.receiver.recv()).await.ok().flatten()
    }

    /// An event already received, if any, without waiting.
    pub fn try_next(&mut self) -> Option<Event> {
        self.receiver.try_recv().ok()
    }
}

/// A request for the driver.
pub(crate) enum Command {
    Request {
        op: &'static str,
        data: String,
        idempotent: bool,
        /// When the caller stops waiting: the request's timeout from when it was made, not from
        /// when the driver took it (it takes none while it reconnects).
        deadline: tokio::time::Instant,
        reply: oneshot::Sender<Result<String, ApiError>>,
    },
    ForceReconnect,
    Close,
}

/// How long after a request's deadline its caller waits for the driver to answer it (which it
/// does at the deadline while connected) before answering the timeout itself.
const DEADLINE_GRACE: Duration = Duration::from_millis(300);

/// Message IDs this client sent, so that their echoes from a replay are not reported as new.
#[derive(Default)]
pub(crate) struct SentIds {
    set: HashSet<String>,
    order: VecDeque<String>,
}

impl SentIds {
    const MAX: usize = 4096;

    pub(crate) fn insert(&mut self, msg_id: String) {
        if self.set.insert(msg_id.clone()) {
            self.order.push_back(msg_id);
            if self.order.len() > Self::MAX
                && let Some(old) = self.order.pop_front()
            {
                self.set.remove(&old);
            }
        }
    }

    pub(crate) fn contains(&self, msg_id: &str) -> bool {
        self.set.contains(msg_id)
    }
}

pub(crate) struct Shared {
    pub(crate) commands: mpsc::Sender<Command>,
    pub(crate) last_pos: AtomicU64,
    pub(crate) tiny_id: AtomicU64,
    pub(crate) clock_offset_secs: std::sync::atomic::AtomicI64,
    pub(crate) sent_ids: Mutex<SentIds>,
    pub(crate) user_id: UserId,
    pub(crate) sdkappid: u64,
    /// `host:port` of the server's HTTP side (media uploads), and the UserSig they carry.
    pub(crate) http_address: String,
    pub(crate) user_sig: String,
    /// Filters whose unread counts the application subscribed to, with the last count told.
    pub(crate) unread_filters: Mutex<Vec<(tincan_proto::conv_manage::ConvListFilter, u64)>>,
    /// A logout is under way: the server closing the connection after it is no reason to
    /// reconnect (which would log the user in again).
    pub(crate) logging_out: std::sync::atomic::AtomicBool,
    /// The seqs of the message extension keys seen (see `extensions`).
    pub(crate) extension_seqs: Mutex<extensions::ExtensionSeqs>,
    /// [`ClientConfig::request_timeout`].
    pub(crate) request_timeout: Duration,
}

/// A logged-in client; cheap to clone.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
}

impl Client {
    /// Connects and logs in (TIM `TIMInit` + `TIMLogin`); fails with the server's code when the
    /// login is refused.
    pub async fn connect(config: ClientConfig) -> Result<(Client, Events), ApiError> {
        let (events_sender, receiver) = mpsc::channel(config.events_max.max(2));
        let shared = driver::start(config, events_sender).await?;
        Ok((Client { shared }, Events { receiver }))
    }

    /// The logged-in user.
    pub fn user_id(&self) -> &UserId {
        &self.shared.user_id
    }

    /// The app.
    pub fn sdkappid(&self) -> u64 {
        self.shared.sdkappid
    }

    /// The position of the last event delivered; store it to resume a later session.
    pub fn last_pos(&self) -> u64 {
        self.shared.last_pos.load(Ordering::SeqCst)
    }

    /// The account's tiny id (the first part of the IDs of messages it sends).
    pub fn tiny_id(&self) -> u64 {
        self.shared.tiny_id.load(Ordering::SeqCst)
    }

    /// Runs any operation of the protocol.
    pub async fn call<R: Operation>(&self, request: &R) -> Result<R::Response, ApiError> {
        let data = serde_json::to_string(request)
            .map_err(|err| ApiError::invalid_parameter(format!("cannot encode the request: {err}")))?;
        let text = self.call_raw(R::OP, data, R::IDEMPOTENT).await?;
        serde_json::from_str(&text).map_err(|err| {
            ApiError::new(ErrorCode::SDK_INTERNAL_ERROR, format!("cannot decode the answer to {}: {err}", R::OP))
        })
    }

    /// Runs an operation with parameters that are already JSON; returns the result as JSON.
    ///
    /// Fails with 9520 (`NET_WAIT_ACK_TIMEOUT`) when no answer came within the configured
    /// timeout, counted from this call, whatever the connection was doing meanwhile; a request
    /// that timed out before it was sent is not sent.
    pub async fn call_raw(&self, op: &'static str, data: String, idempotent: bool) -> Result<String, ApiError> {
        let (reply, answer) = oneshot::channel();
        let deadline = tokio::time::Instant::now() + self.shared.request_timeout;
        let closed = || ApiError::new(ErrorCode::SDK_NOT_LOGGED_IN, "the client is closed");
        let asked = self.shared.commands.send(Command::Request { op, data, idempotent, deadline, reply });
        match tokio::time::timeout_at(deadline, asked).await {
            Ok(Ok(())) => {}
            Ok(Err(_)) => return Err(closed()),
            Err(_) => return Err(driver::timed_out(op)),
        }
        // The driver answers at the deadline when it is free to; this is for when it is not
        // (busy reconnecting).
        match tokio::time::timeout_at(deadline + DEADLINE_GRACE, answer).await {
            Ok(answer) => answer.unwrap_or_else(|_| Err(closed())),
            Err(_) => Err(driver::timed_out(op)),
        }
    }

    /// Drops the connection now and reconnects (as after a network change); missed events are
    /// replayed.
    pub async fn reconnect(&self) {
        let _ = self.shared.commands.send(Command::ForceReconnect).await;
    }

    /// Logs out (TIM `TIMLogout`) and closes the connection.
    pub async fn logout(&self) -> Result<(), ApiError> {
        self.shared.logging_out.store(true, Ordering::SeqCst);
        if let Err(err) = self.call(&tincan_proto::api::logout::Request {}).await {
            self.shared.logging_out.store(false, Ordering::SeqCst);
            return Err(err);
        }
        let _ = self.shared.commands.send(Command::Close).await;
        Ok(())
    }

    /// Closes the connection without logging out. The connection ends in the background, the
    /// way RFC 6455 asks of a client: the server's close frame and the end of its side are
    /// awaited (for at most a second), so that the server, not this client, keeps the closed
    /// connection in TIME_WAIT and the client's local port is free again at once.
    pub async fn close(&self) {
        let _ = self.shared.commands.send(Command::Close).await;
    }
}

/// Locks a mutex, carrying on if a panicking thread poisoned it (the data stays usable).
pub(crate) fn state_lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub(crate) fn driver_now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |it| it.as_secs() as i64)
}
