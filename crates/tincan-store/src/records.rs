//! The records the store keeps.

use tincan_core::config::AppConfig;
use tincan_core::conv::ConvKey;
use tincan_core::group::{CustomFields, GroupProfile};
use tincan_proto::enums::{GroupType, MemberRole};
use tincan_proto::{GroupId, UserId};

/// An app hosted by the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppRecord {
    /// Its SDKAppID.
    pub sdkappid: u64,
    /// The secret key UserSigs are signed with.
    pub secret_key: String,
    /// The administrator's identifier.
    pub admin_identifier: UserId,
    /// Plan and receipt settings.
    pub config: AppConfig,
    /// When it was created, in seconds.
    pub created_at: u64,
    /// Whether its administrator manages the server (exactly one app is root).
    pub root: bool,
}

/// An account, created at its first valid login.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountRecord {
    /// The app.
    pub sdkappid: u64,
    /// The user.
    pub user: UserId,
    /// Its number, unique on the server; the first part of its message IDs.
    pub tiny_id: u64,
    /// When it was created, in seconds.
    pub created_at: u64,
    /// Whether its reads are private.
    pub receipt_private: bool,
}

/// A group's own fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRecord {
    /// The app.
    pub sdkappid: u64,
    /// The group.
    pub group_id: GroupId,
    /// Its type.
    pub group_type: GroupType,
    /// Its profile.
    pub profile: GroupProfile,
    /// Its owner.
    pub owner: Option<UserId>,
    /// When it was created, in seconds.
    pub created_at: u64,
    /// The profile version.
    pub info_seq: u64,
    /// The next member index.
    pub next_index: u32,
    /// When it was dismissed, if it was.
    pub dismissed_at: Option<u64>,
}

/// A group's custom attributes, all of them, by key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupAttributesRecord {
    /// The app.
    pub sdkappid: u64,
    /// The group.
    pub group_id: GroupId,
    /// Keys and values, by key.
    pub attributes: Vec<(String, String)>,
}

/// Counters of a group, by key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupCountersRecord {
    /// The app.
    pub sdkappid: u64,
    /// The group.
    pub group_id: GroupId,
    /// Keys and values.
    pub counters: Vec<(String, i64)>,
}

/// A membership.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberRecord {
    /// The app.
    pub sdkappid: u64,
    /// The group.
    pub group_id: GroupId,
    /// The member.
    pub user: UserId,
    /// Its member index.
    pub index: u32,
    /// Its role.
    pub role: MemberRole,
    /// The group's newest seq when it joined.
    pub join_seq: u64,
    /// When it joined, in seconds.
    pub join_time: u64,
    /// The event position of the join.
    pub join_pos: u64,
    /// Its member profile in the group: name card, mute and custom fields.
    pub info: MemberInfo,
}

/// What a member may change of itself in a group, or the owner and admins of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberInfo {
    /// Its name card.
    pub name_card: String,
    /// Until when it is muted, in seconds (0: not muted).
    pub shutup_until: u64,
    /// Its custom fields (`AppMemberDefinedData`).
    pub custom: tincan_core::group::CustomFields,
}

/// A pending request to join a group whose add option is Auth, or a pending invitation into a
/// group whose invite option is Auth: one per group and user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinRequestRecord {
    /// The app.
    pub sdkappid: u64,
    /// The group.
    pub group_id: GroupId,
    /// The applicant, or the user invited.
    pub user: UserId,
    /// When it asked or was invited, in seconds.
    pub add_time: u64,
    /// What it wrote; empty for an invitation.
    pub message: String,
    /// Who invited it, for an invitation; `None` for a request to join.
    pub inviter: Option<UserId>,
}

/// A stretch of one user's membership of one group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MembershipSpan {
    /// The group.
    pub group_id: GroupId,
    /// The member index of that stretch.
    pub index: u32,
    /// The group's newest seq when it joined.
    pub join_seq: u64,
    /// The group's newest seq when it left, if it left.
    pub leave_seq: Option<u64>,
}

/// A message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageRecord {
    /// The app.
    pub sdkappid: u64,
    /// The conversation.
    pub conv: ConvKey,
    /// Its seq in the conversation.
    pub seq: u64,
    /// Its event position (also its unique number).
    pub pos: u64,
    /// Its ID.
    pub msg_id: String,
    /// The sender.
    pub sender: UserId,
    /// The sender's random number.
    pub rand: u64,
    /// The sender's clock, in seconds.
    pub client_time: u64,
    /// The server's clock, in seconds.
    pub server_time: u64,
    /// Whether the sender asked for receipts.
    pub need_receipt: bool,
    /// Whether it is left out of unread counts.
    pub excluded_from_unread: bool,
    /// `TIMMsgPriority`.
    pub priority: u32,
    /// `TIMPlatform` of the sending device.
    pub platform: u32,
    /// The type of its first element.
    pub first_elem_type: i32,
    /// `message_elem_array` as JSON.
    pub body: String,
    /// `message_cloud_custom_str`.
    pub cloud_custom: String,
    /// `message_custom_int`.
    pub custom_int: i64,
    /// `message_custom_str`.
    pub custom_str: String,
    /// C2C: when the peer sent a receipt for it (0 if not).
    pub receipt_read_at: u64,
    /// C2C: the peer's receipt is private (only the peer itself knows of it).
    pub receipt_private: bool,
    /// What happened to it after it was stored (revoked, modified).
    pub revision: MessageRevision,
    /// Whether it takes extensions (`message_support_message_extension`).
    pub supports_extensions: bool,
}

/// What happened to a message after it was stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MessageRevision {
    /// Who revoked it, if it was revoked.
    pub revoked_by: Option<UserId>,
    /// Why, as the revoker said.
    pub revoke_reason: String,
    /// How many times it was modified.
    pub version: u64,
    /// The event position of its latest revision (0 if none): a device that resumes from
    /// before it is told of the revision again.
    pub pos: u64,
}

impl MessageRecord {
    /// Whether the message was revoked.
    pub fn is_revoked(&self) -> bool {
        self.revision.revoked_by.is_some()
    }
}

/// A user's read position in a conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadStateRecord {
    /// The app.
    pub sdkappid: u64,
    /// The user.
    pub user: UserId,
    /// The conversation.
    pub conv: ConvKey,
    /// Messages up to this seq are read.
    pub read_seq: u64,
    /// When it moved, in seconds.
    pub read_time: u64,
    /// The position others may know of (it does not follow reads made privately).
    pub published_seq: u64,
    /// When the published position moved, in seconds.
    pub published_time: u64,
}

/// The receipt bitmaps of a group message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupReceiptRecord {
    /// The app.
    pub sdkappid: u64,
    /// The group.
    pub group_id: GroupId,
    /// The message.
    pub seq: u64,
    /// The sender's member index.
    pub sender_index: Option<u32>,
    /// The group's next member index when it was sent.
    pub index_bound: u32,
    /// Public readers, portable roaring format.
    pub readers: Vec<u8>,
    /// Private readers, portable roaring format.
    pub private_readers: Vec<u8>,
}

/// An event in one user's stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserEventRecord {
    /// The app.
    pub sdkappid: u64,
    /// The user.
    pub user: UserId,
    /// Its position.
    pub pos: u64,
    /// Its push kind.
    pub kind: String,
    /// The conversation it concerns, if any.
    pub conv: Option<ConvKey>,
    /// The message it concerns, if any (0 otherwise).
    pub seq: u64,
    /// Its payload as JSON (empty when it is rebuilt from the message).
    pub payload: String,
}

/// A conversation's newest message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConvSummary {
    /// The newest message (its seq is the conversation's newest seq).
    pub last_message: MessageRecord,
}

/// A user's own message after its read position; it never counts as unread for its sender.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnMessage {
    /// The app.
    pub sdkappid: u64,
    /// The conversation.
    pub conv: ConvKey,
    /// The sender.
    pub sender: UserId,
    /// The message.
    pub seq: u64,
}

/// A message sent recently, for recognising resends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecentMessage {
    /// The app.
    pub sdkappid: u64,
    /// The conversation.
    pub conv: ConvKey,
    /// Its ID.
    pub msg_id: String,
    /// Its seq.
    pub seq: u64,
    /// When it was sent, in seconds.
    pub server_time: u64,
}

/// Everything the engine keeps in memory, as read at start.
#[derive(Clone, Debug, Default)]
pub struct LoadedState {
    /// The newest event position.
    pub head_pos: u64,
    /// Apps.
    pub apps: Vec<AppRecord>,
    /// Accounts.
    pub accounts: Vec<AccountRecord>,
    /// Groups not dismissed.
    pub groups: Vec<GroupRecord>,
    /// Pending join requests of groups not dismissed, by app, group and applicant.
    pub join_requests: Vec<JoinRequestRecord>,
    /// When each user last read its groups' join requests: (app, user, seconds), by app and user.
    pub pendency_read_times: Vec<(u64, UserId, u64)>,
    /// Current members of those groups.
    pub members: Vec<MemberRecord>,
    /// Read positions.
    pub read_states: Vec<ReadStateRecord>,
    /// Each conversation's newest message.
    pub conversations: Vec<ConvSummary>,
    /// Own messages after their sender's read position.
    pub own_messages: Vec<OwnMessage>,
    /// Messages excluded from unread counts: (app, conversation, seq).
    pub excluded: Vec<(u64, ConvKey, u64)>,
    /// Messages sent since the time given to `load`.
    pub recent_messages: Vec<RecentMessage>,
    /// Webhook events waiting to be delivered, per app.
    pub pending_callbacks: Vec<(u64, u64)>,
    /// The position of each conversation's latest message revision: (app, conversation, pos),
    /// for conversations with one.
    pub revisions: Vec<(u64, ConvKey, u64)>,
    /// Users' own settings of their conversations.
    pub conv_settings: Vec<ConvSettingsRecord>,
    /// Users' conversation groups.
    pub conv_groups: Vec<ConvGroupsRecord>,
    /// Users' app-wide receive options, of the users that set one.
    pub all_recv_opts: Vec<AllRecvOptRecord>,
    /// Profiles and subscriptions of the users that have any.
    pub profiles: Vec<ProfileRecord>,
    /// Friendships (one row per direction), by app, owner and friend.
    pub friends: Vec<FriendRecord>,
    /// Pending friend requests, by app, applicant and receiver.
    pub friend_requests: Vec<FriendRequestRecord>,
    /// Blocklist entries, by app, owner and blocked user.
    pub blocks: Vec<BlockRecord>,
    /// Follows, by app, follower and followee.
    pub follows: Vec<FollowRecord>,
    /// Users' friend groups and request read times, by app and user.
    pub friend_metas: Vec<FriendMetaRecord>,
    /// The attributes of groups not dismissed that have any, by app and group.
    pub group_attributes: Vec<GroupAttributesRecord>,
    /// The counters of groups not dismissed that have any, by app and group.
    pub group_counters: Vec<GroupCountersRecord>,
    /// Bans from groups not dismissed: (app, group, user, until in seconds), by app, group and
    /// user.
    pub group_bans: Vec<(u64, GroupId, UserId, u64)>,
}

/// One direction of a friendship: `owner` has `peer` as a friend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FriendRecord {
    /// The app.
    pub sdkappid: u64,
    /// Whose friend list.
    pub owner: UserId,
    /// The friend.
    pub peer: UserId,
    /// The owner's remark.
    pub remark: String,
    /// The owner's friend groups the friend is in.
    pub groups: Vec<String>,
    /// Custom friend fields (`Tag_SNS_Custom_*`).
    pub custom: CustomFields,
    /// The source of the request that made the friendship.
    pub add_source: String,
    /// Its wording.
    pub add_wording: String,
    /// When it was made, in seconds.
    pub add_time: u64,
}

/// A friend request waiting for its receiver's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FriendRequestRecord {
    /// The app.
    pub sdkappid: u64,
    /// The applicant.
    pub from: UserId,
    /// The receiver.
    pub to: UserId,
    /// The applicant's remark on the receiver, for when it is accepted.
    pub remark: String,
    /// The applicant's friend group for the receiver, for when it is accepted.
    pub group_name: String,
    /// The request's source.
    pub add_source: String,
    /// Its wording.
    pub add_wording: String,
    /// When it was sent, in seconds.
    pub add_time: u64,
}

/// `owner` blocks `peer`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockRecord {
    /// The app.
    pub sdkappid: u64,
    /// Who blocks.
    pub owner: UserId,
    /// Who is blocked.
    pub peer: UserId,
    /// When, in seconds.
    pub blocked_at: u64,
}

/// `follower` follows `followee`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowRecord {
    /// The app.
    pub sdkappid: u64,
    /// Who follows.
    pub follower: UserId,
    /// Who is followed.
    pub followee: UserId,
    /// Since when, in seconds.
    pub follow_time: u64,
}

/// A user's friend groups and when it last read its friend requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FriendMetaRecord {
    /// The app.
    pub sdkappid: u64,
    /// The user.
    pub owner: UserId,
    /// Its friend groups, in the order created.
    pub groups: Vec<String>,
    /// When it last marked its friend requests read, in seconds (0: never).
    pub pendency_read_time: u64,
}

impl FriendMetaRecord {
    /// Whether it holds nothing (and is removed when stored).
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.pendency_read_time == 0
    }
}

/// A user's profile and its subscriptions to other users' profile and status changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileRecord {
    /// The app.
    pub sdkappid: u64,
    /// The user.
    pub user: UserId,
    /// The profile; its app-defined fields sorted by key.
    pub profile: tincan_proto::profile::UserProfile,
    /// The users whose profile changes it is told of, oldest subscription first.
    pub info_subscriptions: Vec<UserId>,
    /// The users whose status changes it is told of, oldest subscription first.
    pub status_subscriptions: Vec<UserId>,
    /// When the profile last changed, in seconds.
    pub updated_at: u64,
}

/// A webhook event waiting to be delivered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallbackRecord {
    /// Its place in the queue, assigned by the store (0 when enqueued).
    pub id: u64,
    /// The app.
    pub sdkappid: u64,
    /// TIM's command name (`Group.CallbackAfterReadReceipt`).
    pub command: String,
    /// The event, as the engine encoded it.
    pub event: String,
    /// When it was enqueued, in milliseconds.
    pub enqueued_at: u64,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// When the next attempt is due, in milliseconds.
    pub next_at: u64,
}

/// What one user set on one of its conversations: what it deleted or cleared, its draft, pin,
/// marks, custom data and conversation groups. Only the user sees these.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConvSettings {
    /// When the user created the conversation without a message (`TIMConvCreate`), in seconds;
    /// 0 if it did not.
    pub created_at: u64,
    /// The conversation's newest seq when the user deleted it: it stays out of the user's list
    /// until a newer message comes. `None` when it is not deleted.
    pub deleted_seq: Option<u64>,
    /// Messages up to and including this seq are cleared from the user's history.
    pub cleared_seq: u64,
    /// TIM's `draftParams` as JSON; empty for no draft.
    pub draft: String,
    /// Whether it is pinned.
    pub pinned: bool,
    /// `TIMConversationMarkType` bits.
    pub marks: u64,
    /// `conv_custom_data`.
    pub custom_data: String,
    /// The names of the user's conversation groups it is in, in the order added.
    pub groups: Vec<String>,
    /// `TIMReceiveMessageOpt`: 0 receive, 1 do not receive, 2 receive without notifications,
    /// 3 receive without notifications except @-mentions.
    pub recv_opt: u32,
}

impl ConvSettings {
    /// Whether nothing is set (such settings need no record).
    pub fn is_empty(&self) -> bool {
        *self == ConvSettings::default()
    }
}

/// One user's settings of one conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConvSettingsRecord {
    /// The app.
    pub sdkappid: u64,
    /// The user.
    pub user: UserId,
    /// The conversation.
    pub conv: ConvKey,
    /// The settings; empty ones remove the record.
    pub settings: ConvSettings,
}

/// One user's conversation groups, in the order created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConvGroupsRecord {
    /// The app.
    pub sdkappid: u64,
    /// The user.
    pub user: UserId,
    /// The groups' names; an empty list removes the record.
    pub names: Vec<String>,
}

/// One user's app-wide receive option (TIM `TIMMsgSetAllReceiveMessageOpt`): a
/// `TIMReceiveMessageOpt` and the quiet period it applies in, either daily from a time of day
/// or once from a UTC time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AllRecvOpt {
    /// `TIMReceiveMessageOpt` (0, 2 or 3).
    pub level: u32,
    /// The daily period's start: hour (0-23), minute and second (0-59), in the user's time.
    pub start_hour: u32,
    /// See `start_hour`.
    pub start_minute: u32,
    /// See `start_hour`.
    pub start_second: u32,
    /// The one-time period's start, in UTC seconds; 0 for a daily period.
    pub start_time_stamp: u64,
    /// The period's length, in seconds.
    pub duration: u64,
}

impl AllRecvOpt {
    /// Whether it is the option of a user who never set one.
    pub fn is_default(&self) -> bool {
        *self == AllRecvOpt::default()
    }
}

/// One user's app-wide receive option, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllRecvOptRecord {
    /// The app.
    pub sdkappid: u64,
    /// The user.
    pub user: UserId,
    /// The option; the default one removes the record.
    pub opt: AllRecvOpt,
}

/// One key of a message's extensions, as stored: a key deleted keeps its row, with its seq
/// raised and `deleted` set, so that a change made from before the deletion is still
/// recognised as stale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageExtensionRecord {
    /// The key.
    pub key: String,
    /// The value (empty once deleted).
    pub value: String,
    /// The key's version: 1 when first set, one more at every change.
    pub seq: u64,
    /// Whether the key was deleted.
    pub deleted: bool,
}
