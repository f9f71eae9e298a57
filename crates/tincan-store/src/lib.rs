//! tincan's storage interface, in the domain's terms.
//!
//! A backend stores apps, accounts, groups and their members, messages, read positions, group
//! receipt bitmaps and per-user events, and answers the few queries the engine cannot answer
//! from memory: history pages, messages by ID, the receipt state of a message not in memory,
//! and the events a device missed.
//! It knows nothing of pushes or connections (change notification is the bus's job) and nothing
//! of SQL (that is each backend's).
//!
//! Writes come in batches ([`StoreWrite::apply`]) from one writer, which is how durability
//! costs one commit per batch rather than one per request.
//! A batch is atomic: all of it is durable when `apply` returns `Ok`, none of it otherwise.
//!
//! # Layout
//!
//! - [`records`]: the records the store keeps.
//! - [`WriteOp`]: one change in a batch.
//! - [`StoreRead`] and [`StoreWrite`]: what a backend implements.
//! - [`lease`]: shard leases and fencing tokens, for stores the nodes of a cluster share.
//! - [`blob`]: named bytes beside the store (uploaded media), for stores the nodes of a cluster
//!   share.
//! - [`conformance`]: the suite every backend runs in its own tests.
//! - [`memory`]: an in-memory backend for tests and the engine's simulation, which passes the
//!   same suite; not a production store.

pub mod blob;
pub mod conformance;
pub mod lease;
pub mod memory;
pub mod records;

use std::sync::Arc;

use tincan_core::conv::ConvKey;
use tincan_core::history::HistoryPlan;
use tincan_proto::{GroupId, UserId};

pub use blob::Blobs;
pub use lease::{Fence, Lease, LeaseRecord, Leases, NodeRecord};
pub use records::*;

/// A failure of the storage layer; the engine reports it to clients as an internal error and
/// logs the cause.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The backend failed (I/O, corruption, a violated constraint).
    #[error("{context}: {source}")]
    Backend {
        /// What the store was doing.
        context: String,
        /// The backend's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Stored data could not be decoded.
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// The backend cannot write now (a full disk, an I/O error, the database locked or out of
    /// reach) and nothing of the batch was stored: the same batch may succeed later.
    #[error("{context}: the store cannot write now: {source}")]
    Unavailable {
        /// What the store was doing.
        context: String,
        /// The backend's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A batch carried a fencing token whose shard's lease has moved on (another node took it
    /// over, or it was released): the writer no longer owns the shard, and nothing of the batch
    /// was stored.
    #[error("the lease of shard {shard} is no longer at epoch {epoch}: this node does not own the shard")]
    Fenced {
        /// The shard.
        shard: u32,
        /// The epoch the batch carried.
        epoch: u64,
    },
}

impl StoreError {
    /// Whether the failure may pass by itself, so that the same batch is worth trying again.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Unavailable { .. })
    }
}

/// The result of a store call.
pub type StoreResult<T> = Result<T, StoreError>;

/// Produces the current state of a group receipt when the writer stores it.
///
/// A message has one source, shared by every op that stores its receipts, so receipts for one
/// message that arrive in one batch are stored once (a backend recognises the source by its
/// address), with the state as it is when the batch is written, which includes every one of
/// them.
pub trait ReceiptSource: Send + Sync {
    /// The state to store now.
    fn snapshot(&self) -> GroupReceiptRecord;
}

/// One change in a batch.
#[derive(Clone)]
pub enum WriteOp {
    /// Creates or replaces an app.
    PutApp(AppRecord),
    /// Creates or replaces an account.
    PutAccount(AccountRecord),
    /// Deletes an account (its messages, conversations and events stay).
    DeleteAccount {
        /// The app.
        sdkappid: u64,
        /// The account.
        user: UserId,
    },
    /// Creates or replaces a group's own fields (not its members).
    PutGroup(GroupRecord),
    /// Removes everything of a group that was dismissed (its members, messages, receipts and
    /// read positions), so that a new group may take its ID; the group's own record is replaced
    /// by the `PutGroup` that follows.
    PurgeGroup {
        /// The app.
        sdkappid: u64,
        /// The group.
        group_id: GroupId,
    },
    /// Adds a member.
    AddMember(MemberRecord),
    /// Ends a membership.
    RemoveMember {
        /// The app.
        sdkappid: u64,
        /// The group.
        group_id: GroupId,
        /// The member's index.
        index: u32,
        /// The group's newest seq when it left.
        leave_seq: u64,
        /// The event position of the leave.
        leave_pos: u64,
    },
    /// Changes a current member's role.
    SetMemberRole {
        /// The app.
        sdkappid: u64,
        /// The group.
        group_id: GroupId,
        /// The member's index.
        index: u32,
        /// The new role.
        role: tincan_proto::enums::MemberRole,
    },
    /// Replaces a current member's profile in its group (name card, mute, custom fields).
    SetMemberInfo {
        /// The app.
        sdkappid: u64,
        /// The group.
        group_id: GroupId,
        /// The member's index.
        index: u32,
        /// The new profile.
        info: MemberInfo,
    },
    /// Stores a pending join request or invitation, replacing the user's earlier one in that
    /// group.
    PutJoinRequest(JoinRequestRecord),
    /// Removes a join request or invitation once handled.
    DeleteJoinRequest {
        /// The app.
        sdkappid: u64,
        /// The group.
        group_id: GroupId,
        /// The applicant.
        user: UserId,
    },
    /// Records when a user last read its groups' join requests.
    SetPendencyReadTime {
        /// The app.
        sdkappid: u64,
        /// The user.
        user: UserId,
        /// Seconds.
        read_time: u64,
    },
    /// Appends a message.
    AppendMessage(MessageRecord),
    /// Revises a stored message (named by its app, conversation and seq): stores its body, its
    /// cloud custom data and its revision (whose position the writer assigns), and leaves the
    /// rest as it is.
    ReviseMessage(MessageRecord),
    /// Hides messages of a conversation from one user's history (deleted for that user only).
    HideMessages {
        /// The app.
        sdkappid: u64,
        /// The user.
        user: UserId,
        /// The conversation.
        conv: ConvKey,
        /// The messages.
        seqs: Vec<u64>,
    },
    /// Stores keys of a message's extensions (each replaces the key's earlier row).
    PutMessageExtensions {
        /// The app.
        sdkappid: u64,
        /// The conversation.
        conv: ConvKey,
        /// The message.
        seq: u64,
        /// The keys, as they are now.
        extensions: Vec<MessageExtensionRecord>,
    },
    /// Records that the peer sent a receipt for a C2C message.
    SetC2cReceipt {
        /// The app.
        sdkappid: u64,
        /// The conversation.
        conv: ConvKey,
        /// The message.
        seq: u64,
        /// When, in seconds.
        read_at: u64,
        /// Whether the reader keeps its reads private.
        private: bool,
    },
    /// Stores a user's read position.
    PutReadState(ReadStateRecord),
    /// Stores a group message's receipt bitmaps, taken from the source when written.
    PutGroupReceipt(Arc<dyn ReceiptSource>),
    /// Appends an event to a user's stream.
    AppendUserEvent(UserEventRecord),
    /// Queues a webhook event (its `id` is assigned by the store).
    EnqueueCallback(CallbackRecord),
    /// Removes a delivered (or abandoned) webhook event.
    DeleteCallback {
        /// Its id.
        id: u64,
    },
    /// Records a failed delivery and when to try again.
    RetryCallback {
        /// Its id.
        id: u64,
        /// Attempts so far.
        attempts: u32,
        /// When the next attempt is due, in milliseconds.
        next_at: u64,
    },
    /// Stores one user's settings of one conversation (removes them when empty).
    PutConvSettings(ConvSettingsRecord),
    /// Stores one user's conversation groups (removes them when there are none).
    PutConvGroups(ConvGroupsRecord),
    /// Stores one user's app-wide receive option (removes it when it is the default).
    PutAllRecvOpt(AllRecvOptRecord),
    /// Creates or replaces a user's profile and subscriptions (`DeleteAccount` removes them).
    PutProfile(ProfileRecord),
    /// Creates or replaces one direction of a friendship (`DeleteAccount` removes every row
    /// of the relationship chain that names the account).
    PutFriend(FriendRecord),
    /// Ends one direction of a friendship.
    DeleteFriend {
        /// The app.
        sdkappid: u64,
        /// Whose friend list.
        owner: UserId,
        /// The friend.
        peer: UserId,
    },
    /// Stores a pending friend request, replacing the applicant's earlier one to the receiver.
    PutFriendRequest(FriendRequestRecord),
    /// Removes a friend request (answered or deleted).
    DeleteFriendRequest {
        /// The app.
        sdkappid: u64,
        /// The applicant.
        from: UserId,
        /// The receiver.
        to: UserId,
    },
    /// Adds (or replaces) a blocklist entry.
    PutBlock(BlockRecord),
    /// Removes a blocklist entry.
    DeleteBlock {
        /// The app.
        sdkappid: u64,
        /// Who blocked.
        owner: UserId,
        /// Who was blocked.
        peer: UserId,
    },
    /// Stores a user's friend groups and request read time (removes them when empty).
    PutFriendMeta(FriendMetaRecord),
    /// Records a follow (or replaces its time).
    PutFollow(FollowRecord),
    /// Removes a follow.
    DeleteFollow {
        /// The app.
        sdkappid: u64,
        /// Who followed.
        follower: UserId,
        /// Who was followed.
        followee: UserId,
    },
    /// Replaces a group's custom attributes with these (none removes them all).
    PutGroupAttributes(GroupAttributesRecord),
    /// Sets these counters of a group, keeping its others.
    SetGroupCounters(GroupCountersRecord),
    /// Bans a user from a group until a time, or lifts its ban (`until` 0).
    SetGroupBan {
        /// The app.
        sdkappid: u64,
        /// The group.
        group_id: GroupId,
        /// The user.
        user: UserId,
        /// Seconds; 0 lifts the ban.
        until: u64,
    },
    /// Deletes counters of a group.
    DeleteGroupCounters {
        /// The app.
        sdkappid: u64,
        /// The group.
        group_id: GroupId,
        /// The counters; none means every one.
        keys: Vec<String>,
    },
}

/// The reading side of a store; callable from many threads at once.
pub trait StoreRead: Send + Sync + 'static {
    /// Everything the engine keeps in memory, read once at start.
    fn load(&self, recent_since: u64) -> StoreResult<LoadedState>;

    /// Webhook events due at `now_ms`, oldest first, at most `limit`.
    fn due_callbacks(&self, now_ms: u64, limit: usize) -> StoreResult<Vec<CallbackRecord>>;

    /// Messages of a conversation by a history plan.
    fn messages(&self, sdkappid: u64, conv: &ConvKey, plan: &HistoryPlan) -> StoreResult<Vec<MessageRecord>>;

    /// A message by its ID.
    fn message_by_id(&self, sdkappid: u64, msg_id: &str) -> StoreResult<Option<MessageRecord>>;

    /// A message by its seq.
    fn message_by_seq(&self, sdkappid: u64, conv: &ConvKey, seq: u64) -> StoreResult<Option<MessageRecord>>;

    /// A group message's stored receipt state.
    fn group_receipt(&self, sdkappid: u64, group_id: &GroupId, seq: u64) -> StoreResult<Option<GroupReceiptRecord>>;

    /// A user's own events after `after_pos`, oldest first, at most `limit`.
    fn user_events(
        &self,
        sdkappid: u64,
        user: &UserId,
        after_pos: u64,
        limit: usize,
    ) -> StoreResult<Vec<UserEventRecord>>;

    /// A user's memberships that were current at some point after `after_pos`: its current
    /// groups and those it left after that position.
    fn memberships_since(&self, sdkappid: u64, user: &UserId, after_pos: u64) -> StoreResult<Vec<MembershipSpan>>;

    /// Messages of a group with a position after `after_pos` and a seq in `seq_range`
    /// (exclusive start, inclusive end), by position, at most `limit`.
    fn group_messages_after(
        &self,
        sdkappid: u64,
        group_id: &GroupId,
        after_pos: u64,
        seq_range: (u64, u64),
        limit: usize,
    ) -> StoreResult<Vec<MessageRecord>>;

    /// The seqs from `first_seq` to `last_seq` (inclusive) of `conv` that `user` deleted for
    /// itself, in order.
    fn hidden_seqs(
        &self,
        sdkappid: u64,
        user: &UserId,
        conv: &ConvKey,
        first_seq: u64,
        last_seq: u64,
    ) -> StoreResult<Vec<u64>>;

    /// The extensions of message `seq` of `conv` (deleted keys included), by key.
    fn message_extensions(&self, sdkappid: u64, conv: &ConvKey, seq: u64) -> StoreResult<Vec<MessageExtensionRecord>>;

    /// Messages `sender` sent to `conv` with a seq in `seq_range` (exclusive start, inclusive
    /// end), newest first, at most `limit`; revoked and excluded messages included.
    ///
    /// Backends walk the conversation's messages by seq and keep the sender's: an index by
    /// sender would serve only the administrator's deletion of a sender's messages and the
    /// moving back of a read position, and it made every message's insert dearer (C2C and group
    /// messages per second 0.85 of the build without it, in one benchmark run).
    fn messages_by_sender(
        &self,
        sdkappid: u64,
        conv: &ConvKey,
        sender: &UserId,
        seq_range: (u64, u64),
        limit: usize,
    ) -> StoreResult<Vec<MessageRecord>>;

    /// Messages of a group whose latest revision has a position after `after_pos` and whose seq
    /// is in `seq_range` (exclusive start, inclusive end), by that position, at most `limit`.
    fn group_revisions_after(
        &self,
        sdkappid: u64,
        group_id: &GroupId,
        after_pos: u64,
        seq_range: (u64, u64),
        limit: usize,
    ) -> StoreResult<Vec<MessageRecord>>;
}

/// The writing side of a store; owned by the one writer.
pub trait StoreWrite: Send + 'static {
    /// Applies a batch atomically and durably, and records `head_pos` as the newest position.
    fn apply(&mut self, ops: &[WriteOp], head_pos: u64) -> StoreResult<()>;

    /// [`StoreWrite::apply`], but only while every fence holds: in the batch's transaction each
    /// fence's shard must still have its epoch, or nothing is stored and the error is
    /// [`StoreError::Fenced`]. A store that keeps no leases (a single node's) takes a batch with
    /// no fences as `apply` does and refuses any other.
    fn apply_fenced(&mut self, fences: &[Fence], ops: &[WriteOp], head_pos: u64) -> StoreResult<()> {
        if let Some(fence) = fences.first() {
            return Err(StoreError::Backend {
                context: format!("writing for shard {}", fence.shard),
                source: "this store keeps no leases: only a store the nodes of a cluster share does".into(),
            });
        }
        self.apply(ops, head_pos)
    }
}

/// An opened backend: the reader, which every thread shares, and the writer, which the engine's
/// single writer owns. The program that runs the engine chooses and opens the backend; the
/// engine sees only this.
pub struct Store {
    /// Reads.
    pub reader: Arc<dyn StoreRead>,
    /// Writes.
    pub writer: Box<dyn StoreWrite>,
}
