//! The events the server pushes.
//!
//! Every push of the user's event stream carries `pos`, its position in that stream; positions
//! only grow, so a device that remembers the last position it delivered can resume from it and
//! recognise anything it has already seen.
//! Pushes carry state, not deltas (an unread count, a read count), so replaying one is harmless.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::enums::ConvType;
use crate::message::Message;
use crate::objects::MessageReceipt;

/// `push` kind of [`MessagePush`].
pub const MESSAGE: &str = "message";
/// `push` kind of [`ReceiptPush`].
pub const RECEIPT: &str = "receipt";
/// `push` kind of [`ReceiptSentPush`].
pub const RECEIPT_SENT: &str = "receipt_sent";
/// `push` kind of [`ConvReadPush`].
pub const CONV_READ: &str = "conv_read";
/// `push` kind of [`GroupPush`].
pub const GROUP: &str = "group";
/// `push` kind of [`ProfilePush`].
pub const PROFILE: &str = "profile";
/// `push` kind of [`FriendPush`].
pub const FRIEND: &str = "friend";
/// `push` kind of [`FollowPush`].
pub const FOLLOW: &str = "follow";
/// `push` kind of [`UserStatusPush`]; not an event of the stream (`pos` 0): status is live
/// state, which a device that was away asks for again (`status_get`).
pub const USER_STATUS: &str = "user_status";
/// `push` kind of [`GroupAttributesPush`]; not an event of the stream (`pos` 0): attributes are
/// live state, which a device that was away reads again (`group_get_attributes`).
pub const GROUP_ATTRIBUTES: &str = "group_attributes";
/// `push` kind of [`GroupCountersPush`]; not an event of the stream (`pos` 0): counters are live
/// state, which a device that was away reads again (`group_get_counters`).
pub const GROUP_COUNTERS: &str = "group_counters";
/// `push` kind of [`SyncedPush`]; not an event of the stream (`pos` 0).
pub const SYNCED: &str = "synced";
/// `push` kind of [`KickedPush`]; not an event of the stream (`pos` 0); the server closes the
/// connection after it.
pub const KICKED: &str = "kicked";

/// The state of one conversation for the user, taken when the push was written.
///
/// `max_seq` and `read_seq` only grow, so of two states the one with both values at least as
/// large is the newer; a client keeps the newer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvState {
    /// Unread messages for the user.
    pub unread: u64,
    /// The conversation's newest seq.
    pub max_seq: u64,
    /// The user's read position.
    pub read_seq: u64,
}

/// A new message in one of the user's conversations (TIM `TIMRecvNewMsgCallback`), also sent to
/// the sender's other devices.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MessagePush {
    /// The message, from the receiving user's point of view; shared, since a client also keeps
    /// it as its conversation's last message.
    pub message: Arc<Message>,
    /// The conversation's state for the receiving user.
    pub conv: ConvState,
}

/// Read receipts for the user's own messages (TIM `TIMMsgReadedReceiptCallback`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReceiptPush {
    /// The current receipt state of each message.
    pub receipts: Vec<MessageReceipt>,
}

/// The user, on another device, sent receipts for these messages (`message_has_sent_receipt`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReceiptSentPush {
    /// The peer's user ID (C2C) or the group ID.
    pub conv_id: String,
    /// The conversation type.
    pub conv_type: ConvType,
    /// The messages.
    pub msg_ids: Vec<String>,
    /// Their seqs, in the same order.
    pub seqs: Vec<u64>,
}

/// The user's read position moved in a conversation (from any of its devices).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConvReadPush {
    /// The peer's user ID (C2C) or the group ID.
    pub conv_id: String,
    /// The conversation type.
    pub conv_type: ConvType,
    /// The conversation's state for the user.
    pub conv: ConvState,
    /// The position moved back (the administrator set the user's unread count higher): the
    /// state replaces what a client holds although its read seq is lower.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub moved_back: bool,
}

/// Something happened to a group the user is, or was, in.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupPush {
    /// The group.
    pub group_id: String,
    /// `created`, `joined`, `removed`, `left` or `dismissed`; sent to the users whose membership
    /// changed (other members see a group tips message in the group).
    pub event: String,
    /// Who did it.
    pub operator: String,
    /// The members concerned (for additions and removals). A user among them is told of itself
    /// alone (the others are in the group's tips message); the operator and the administrators
    /// asked to approve get the whole list.
    pub members: Vec<String>,
    /// The group's member count afterwards.
    pub member_count: u64,
    /// The group's name, in the events whose receivers may not hold the group (`join_refused`,
    /// `invite_refused`, `removed`, `dismissed`); left out of the others.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group_name: String,
}

/// A group's attributes changed (TIM `TIMGroupAttributeChangedCallback`); sent to the members
/// online, the one who changed them included.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupAttributesPush {
    /// The group.
    pub group_id: String,
    /// Every attribute of the group as it is now.
    pub attributes: Vec<crate::objects::GroupAttribute>,
}

/// Counters of a group changed (TIM `TIMGroupCounterChangedCallback`, once per counter); sent to
/// the members online, the one who changed them included.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupCountersPush {
    /// The group.
    pub group_id: String,
    /// The counters that changed, with their values now.
    pub counters: Vec<crate::objects::GroupCounter>,
}

/// A user's profile changed: the user's own (TIM `TIMSelfInfoUpdatedCallback`) or that of a
/// user it subscribed to (TIM `TIMUserInfoChangedCallback`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProfilePush {
    /// The profile as it is now.
    pub profile: crate::profile::UserProfile,
}

/// Users' status changed (TIM `TIMUserStatusChangedCallback`): users the receiver subscribed
/// to, or the receiver itself.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UserStatusPush {
    /// Each user's status as it is now.
    pub statuses: Vec<crate::profile::UserStatus>,
}

/// The replay of missed events after a resume is complete; live pushes follow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncedPush {
    /// The last position replayed (or the resume position if there was nothing to replay).
    pub pos: u64,
}

/// The server is closing the connection, and why (a slow connection, a logout by the
/// administrator, the server shutting down).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KickedPush {
    /// The reason's error code.
    pub code: crate::ErrorCode,
    /// What happened.
    pub desc: String,
}

/// `push` kind of [`MsgRevokedPush`].
pub const MSG_REVOKED: &str = "msg_revoked";
/// `push` kind of [`MsgUpdatedPush`].
pub const MSG_UPDATED: &str = "msg_updated";

/// A message of one of the user's conversations was revoked (TIM `TIMMsgRevokeCallback`).
///
/// Sent to everyone who received the message, the revoker's other devices included; a replay
/// sends it again, which changes nothing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MsgRevokedPush {
    /// The message, as TIM's revoke callback names it.
    pub revoked: MsgRevokeInfo,
    /// The conversation's state for the user now: a revoked message no longer counts as unread.
    pub conv: ConvState,
}

/// A revoked message: TIM's message locator (`MsgLocator`), its ID, and who revoked it and why.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MsgRevokeInfo {
    /// The peer's user ID (C2C) or the group ID.
    pub message_locator_conv_id: String,
    /// The conversation type.
    pub message_locator_conv_type: ConvType,
    /// Always true here.
    pub message_locator_is_revoked: bool,
    /// The message's server time, in seconds.
    pub message_locator_time: u64,
    /// The message's seq.
    pub message_locator_seq: u64,
    /// Whether the receiving user sent the message.
    pub message_locator_is_self: bool,
    /// The message's random number.
    pub message_locator_rand: u64,
    /// The message's unique number (`message_unique_id`).
    pub message_locator_unique_id: u64,
    /// The message's ID.
    pub message_msg_id: String,
    /// Who revoked it.
    pub message_revoker_user_id: String,
    /// Why, as the revoker said.
    pub message_revoke_reason: String,
}

/// A message of one of the user's conversations was modified (TIM `TIMMsgUpdateCallback`);
/// carries the message as it is now.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MsgUpdatedPush {
    /// The message, from the receiving user's point of view.
    pub message: Message,
}

/// A change of the user's relationship chain (TIM's `FriendChangeElem`), pushed to every device
/// of each user whose lists changed; the keys that do not concern the change are left out.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FriendPush {
    /// `TIMFriendChangeType` (`crate::friendship::CHANGE_*`).
    pub friend_change_elem_change_type: u32,
    /// Friends added.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub friend_change_elem_friend_add_identifier_array: Vec<String>,
    /// Friends deleted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub friend_change_elem_friend_del_identifier_array: Vec<String>,
    /// Friend requests received.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub friend_change_elem_friend_add_pendency_array: Vec<crate::friendship::FriendAddPendency>,
    /// Friend requests gone: the other users.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub friend_change_elem_pendency_del_identifier_array: Vec<String>,
    /// Friend requests marked read up to this time, in seconds.
    #[serde(skip_serializing_if = "is_zero")]
    pub friend_change_elem_pendency_readed_report_timestamp: u64,
    /// Users blocked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub friend_change_elem_blacklist_add_identifier_array: Vec<String>,
    /// Users unblocked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub friend_change_elem_blacklist_del_identifier_array: Vec<String>,
    /// Friends whose entries changed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub friend_change_elem_friend_profile_update_item_array: Vec<crate::friendship::FriendProfileUpdate>,
    /// Friend groups created.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub friend_change_elem_friend_group_add_array: Vec<String>,
    /// Friend groups deleted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub friend_change_elem_friend_group_del_array: Vec<String>,
    /// Friend groups renamed or changed (their names now).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub friend_change_elem_friend_group_update_array: Vec<String>,
}

fn is_zero(value: &u64) -> bool {
    *value == 0
}

/// `push` kind of a [`MsgExtensionsPush`] of keys set or changed (TIM
/// `TIMMsgExtensionsChangedCallback`).
pub const MSG_EXTENSIONS_CHANGED: &str = "msg_extensions_changed";
/// `push` kind of a [`MsgExtensionsPush`] of keys deleted (TIM
/// `TIMMsgExtensionsDeletedCallback`).
pub const MSG_EXTENSIONS_DELETED: &str = "msg_extensions_deleted";

/// A message's extensions changed: sent to everyone in the conversation (its current members,
/// for a group), the changer's other devices included.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MsgExtensionsPush {
    /// The message's ID.
    pub message_msg_id: String,
    /// The peer's user ID (C2C, from the receiver's point of view) or the group ID.
    pub conv_id: String,
    /// The conversation type.
    pub conv_type: ConvType,
    /// The message's seq.
    pub message_seq: u64,
    /// The keys as they are now: set ones with their values, deleted ones with empty values.
    pub extensions: Vec<crate::objects::MessageExtension>,
}

/// `push` kind of [`MsgDeletedPush`].
pub const MSG_DELETED: &str = "msg_deleted";

/// The user deleted messages for itself on another device (`TIMMsgDelete`, `TIMMsgListDelete`):
/// they left its history, and a client drops them from what it shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MsgDeletedPush {
    /// The peer's user ID (C2C) or the group ID.
    pub conv_id: String,
    /// The conversation type.
    pub conv_type: ConvType,
    /// The messages' IDs.
    pub msg_ids: Vec<String>,
    /// Their seqs, in the same order.
    pub seqs: Vec<u64>,
}

/// A change of one of the user's follow lists, pushed to every device of each user whose lists
/// changed (the device that made the change excepted): TIM's Web SDK raises it as
/// `onMyFollowersListUpdated`, `onMyFollowingListUpdated` or `onMutualFollowersListUpdated`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FollowPush {
    /// Which list: 1 followers, 2 following, 3 mutual (`crate::follow::FOLLOW_TYPE_*`).
    pub follow_change_elem_follow_type: u32,
    /// Whether the users joined the list (`true`) or left it.
    pub follow_change_elem_is_add: bool,
    /// The users.
    pub follow_change_elem_user_id_list: Vec<String>,
    /// Their profiles, for users who joined the list; empty for users who left it.
    pub follow_change_elem_user_profile_list: Vec<crate::profile::UserProfile>,
}
