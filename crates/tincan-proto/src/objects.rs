//! TIM's objects other than `Message`, with TIM's JSON keys.
//!
//! Keys follow TIM's 7.x/8.x native SDK, which the Electron SDK wraps; where the older 5.x SDK
//! spelled a key differently (`group_detial_info_*`, `group_get_memeber_info_list_result_*`),
//! tincan writes the newer spelling.
//! `docs/compatibility.md` lists each such choice.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::enums::{ConvType, GroupType, HandleMemberResult, MemberRole};
use crate::message::Message;

/// `ConvInfo`: one conversation of the user.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConvInfo {
    /// The peer's user ID (C2C) or the group ID.
    pub conv_id: String,
    /// The conversation type.
    pub conv_type: ConvType,
    /// Deprecated in TIM; always empty.
    pub conv_owner: String,
    /// Messages from others after the user's read position.
    pub conv_unread_num: u64,
    /// When the conversation last changed, in seconds.
    pub conv_active_time: u64,
    /// Whether `conv_last_msg` is set.
    pub conv_is_has_lastmsg: bool,
    /// The newest message; shared, since a client's copy of the list and each change it reports
    /// hold the same message.
    pub conv_last_msg: Option<Arc<Message>>,
    /// Whether the user has a draft in it (`conv_draft`).
    pub conv_is_has_draft: bool,
    /// `TIMReceiveMessageOpt`; tincan always receives (0).
    pub conv_recv_opt: u32,
    /// Whether the user pinned it; pinned conversations come first in lists.
    pub conv_is_pinned: bool,
    /// The group's name, or the peer's nickname (its user ID when it has none).
    pub conv_show_name: String,
    /// The group's face URL, or the peer's avatar.
    pub conv_face_url: String,
    /// The group's type (group conversations only).
    pub conv_group_type: Option<GroupType>,
    /// C2C: when the peer last marked the conversation read, in seconds (0 if never).
    pub conv_c2c_read_timestamp: u64,
    /// Group: the user's read position.
    pub conv_group_read_sequence: u64,
    /// tincan: the conversation's newest seq when this state was taken.
    pub conv_max_seq: u64,
    /// tincan: the user's read position when this state was taken (C2C and group).
    pub conv_read_seq: u64,
    /// The user's draft, shown on all of its devices (`None` for none).
    pub conv_draft: Option<crate::conv_manage::Draft>,
    /// `TIMConversationMarkType` values the user set, lowest first.
    pub conv_mark_array: Vec<u64>,
    /// The user's custom data of the conversation.
    pub conv_custom_data: String,
    /// The user's conversation groups it is in.
    pub conv_conversation_group_array: Vec<String>,
}

/// `MessageReceipt`: the read state of one message, as the sender sees it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MessageReceipt {
    /// The peer's user ID (C2C) or the group ID.
    pub msg_receipt_conv_id: String,
    /// The conversation type.
    pub msg_receipt_conv_type: ConvType,
    /// The message; empty for a C2C conversation-level read report.
    pub msg_receipt_msg_id: String,
    /// C2C: when the peer read (message-level receipt or conversation read report), in seconds.
    pub msg_receipt_time_stamp: u64,
    /// C2C: whether the peer has read.
    pub msg_receipt_is_peer_read: bool,
    /// Group: members who have read.
    pub msg_receipt_read_count: u64,
    /// Group: members who have not read.
    pub msg_receipt_unread_count: u64,
    /// tincan: the message's seq, so that a client can match receipts to messages without ids.
    pub msg_receipt_seq: u64,
}

/// `GroupMemberInfo`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupMemberInfo {
    /// The member's user ID.
    pub group_member_info_identifier: String,
    /// The group.
    pub group_member_info_group_id: String,
    /// When the member joined, in seconds.
    pub group_member_info_join_time: u64,
    /// The member's role.
    pub group_member_info_member_role: MemberRole,
    /// `TIMReceiveMessageOpt`; always 0.
    pub group_member_info_msg_flag: u32,
    /// The member's read position in the group.
    pub group_member_info_msg_seq: u64,
    /// Muted until, in seconds (0: not muted).
    pub group_member_info_shutup_time: u64,
    /// The member's name card in the group.
    pub group_member_info_name_card: String,
    /// The member's nickname.
    pub group_member_info_nick_name: String,
    /// The member's avatar.
    pub group_member_info_face_url: String,
    /// Whether the member has a device online.
    pub group_member_info_is_online: bool,
    /// The member's custom fields (`AppMemberDefinedData`).
    pub group_member_info_custom_info: Vec<GroupMemberInfoCustomString>,
}

/// `GroupMemberInfoCustemString` (TIM's spelling of the type; its keys are spelt right): one
/// custom field of a member.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupMemberInfoCustomString {
    /// The key.
    pub group_member_info_custom_string_info_key: String,
    /// The value.
    pub group_member_info_custom_string_info_value: String,
}

/// `GroupInfoCustomString`: one custom field of a group (`AppDefinedData`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupInfoCustomString {
    /// The key.
    pub group_info_custom_string_info_key: String,
    /// The value.
    pub group_info_custom_string_info_value: String,
}

/// `GroupAttributes`: one custom attribute of a group (TIM's group attributes).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupAttribute {
    /// The key.
    pub group_attribute_key: String,
    /// The value.
    #[serde(default)]
    pub group_attribute_value: String,
}

/// `GroupCounter`: one counter of a group (TIM's group counters).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCounter {
    /// The key.
    pub group_counter_key: String,
    /// The value: a set value, an amount to add or take away, or the value now.
    pub group_counter_value: i64,
}

/// `GroupTipGroupChangeInfo`: one change of a group tips message of type 6 (group info changed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupTipGroupChangeInfo {
    /// `TIMGroupTipGroupChangeFlag`: what changed.
    pub group_tips_group_change_info_flag: u32,
    /// The new value as text (the name, the notification, the new owner, a custom field's value).
    pub group_tips_group_change_info_value: String,
    /// The custom field's key, for flag 6 (custom).
    pub group_tips_group_change_info_key: String,
    /// The new mute-all state, for flag 8 (mute all).
    pub group_tips_group_change_info_bool_value: bool,
    /// The new add option, for flag 11.
    pub group_tips_group_change_info_int_value: u32,
}

/// `GroupPendency`: a request to join a group.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupPendency {
    /// The group.
    pub group_pendency_group_id: String,
    /// The applicant, or for an invitation the member who invited (TIM's spelling).
    pub group_pendency_form_identifier: String,
    /// When it asked or invited, in seconds.
    pub group_pendency_add_time: u64,
    /// `""` for a request to join; the user invited for an invitation.
    pub group_pendency_to_identifier: String,
    /// `TIMGroupPendencyType`: 0 a request to join, 1 an invitation waiting for approval.
    pub group_pendency_pendency_type: u32,
    /// `TIMGroupPendencyHandle`: 0, not handled (handled requests leave the list).
    pub group_pendency_handled: u32,
    /// `TIMGroupPendencyHandleResult`: 0 until handled.
    pub group_pendency_handle_result: u32,
    /// What the applicant wrote.
    pub group_pendency_apply_invite_msg: String,
    /// The applicant's custom data: empty.
    pub group_pendency_form_user_defined_data: String,
    /// The decision's message: empty until handled.
    pub group_pendency_approval_msg: String,
    /// The decider's custom data: empty.
    pub group_pendency_to_user_defined_data: String,
    /// The caller.
    pub group_pendency_self_identifier: String,
}

/// One member's change in a group tips message of type 7 (member info changed): its mute.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupTipMemberChangeInfo {
    /// The member.
    pub group_tips_member_change_info_identifier: String,
    /// How many seconds the mute lasts from the tip's time (0: the mute was lifted).
    #[serde(rename = "group_tips_member_change_info_shutupTime")]
    pub group_tips_member_change_info_shutup_time: u64,
}

/// `GroupSelfInfo`: the caller's own membership, inside [`GroupBaseInfo`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupSelfInfo {
    /// When the caller joined, in seconds.
    pub group_self_info_join_time: u64,
    /// The caller's role.
    pub group_self_info_role: MemberRole,
    /// Unread messages for the caller.
    pub group_self_info_unread_num: u64,
    /// `TIMReceiveMessageOpt`; always 0.
    pub group_self_info_msg_flag: u32,
}

/// `GroupBaseInfo`: one entry of the joined-group list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupBaseInfo {
    /// The group.
    pub group_base_info_group_id: String,
    /// Its name.
    pub group_base_info_group_name: String,
    /// Its type.
    pub group_base_info_group_type: GroupType,
    /// Its avatar.
    pub group_base_info_face_url: String,
    /// The profile version (incremented on each change).
    pub group_base_info_info_seq: u64,
    /// The newest message seq.
    pub group_base_info_latest_seq: u64,
    /// The caller's read position.
    pub group_base_info_readed_seq: u64,
    /// `TIMReceiveMessageOpt`; always 0.
    pub group_base_info_msg_flag: u32,
    /// Whether only the owner and admins may speak.
    pub group_base_info_is_shutup_all: bool,
    /// The caller's membership.
    pub group_base_info_self_info: GroupSelfInfo,
}

/// `GroupDetailInfo`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupDetailInfo {
    /// The group.
    pub group_detail_info_group_id: String,
    /// Its type.
    pub group_detail_info_group_type: GroupType,
    /// Its name.
    pub group_detail_info_group_name: String,
    /// Its notice.
    pub group_detail_info_notification: String,
    /// Its introduction.
    pub group_detail_info_introduction: String,
    /// Its avatar.
    pub group_detail_info_face_url: String,
    /// When it was created, in seconds.
    pub group_detail_info_create_time: u64,
    /// The profile version.
    pub group_detail_info_info_seq: u64,
    /// When the profile last changed, in seconds.
    pub group_detail_info_last_info_time: u64,
    /// The newest message seq.
    pub group_detail_info_next_msg_seq: u64,
    /// When the newest message was sent, in seconds.
    pub group_detail_info_last_msg_time: u64,
    /// Current members.
    pub group_detail_info_member_num: u64,
    /// The member cap.
    pub group_detail_info_max_member_num: u64,
    /// `TIMGroupAddOption`.
    pub group_detail_info_add_option: u32,
    /// The invite option (TIM's approve option), a `TIMGroupAddOption`: 0 no invitations from
    /// clients, 1 invitations by ordinary members wait for approval, 2 invitations take effect.
    pub group_detail_info_approve_option: u32,
    /// Members with a device online.
    pub group_detail_info_online_member_num: u64,
    /// Whether only the owner and admins may speak.
    pub group_detail_info_is_shutup_all: bool,
    /// The owner (empty for groups without one).
    pub group_detail_info_owner_identifier: String,
    /// 1 when non-members may see the member list, 0 when not.
    pub group_detail_info_visible: u32,
    /// 1 when group search finds the group, 0 when not.
    pub group_detail_info_searchable: u32,
    /// The group's custom fields (`AppDefinedData`).
    pub group_detail_info_custom_info: Vec<GroupInfoCustomString>,
}

/// `GetGroupInfoResult`: one group of a group-info query.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetGroupInfoResult {
    /// 0, or why this group could not be read.
    pub get_groups_info_result_code: u32,
    /// What was wrong.
    pub get_groups_info_result_desc: String,
    /// The group, when the code is 0.
    pub get_groups_info_result_info: Option<GroupDetailInfo>,
}

/// `GroupInviteMemberResult`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupInviteMemberResult {
    /// The invited user.
    pub group_invite_member_result_identifier: String,
    /// The outcome for that user.
    pub group_invite_member_result_result: HandleMemberResult,
}

/// `GroupDeleteMemberResult`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupDeleteMemberResult {
    /// The removed user.
    pub group_delete_member_result_identifier: String,
    /// The outcome for that user.
    pub group_delete_member_result_result: HandleMemberResult,
}

/// `TIMConversationOperationResult`: the outcome of cleaning one conversation's unread count.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConversationOperationResult {
    /// `c2c_<user>` or `group_<group>`.
    pub conversation_operation_result_conversation_id: String,
    /// 0, or the error code for this conversation.
    pub conversation_operation_result_result_code: u32,
    /// What was wrong.
    pub conversation_operation_result_result_info: String,
}

/// One extension of a message (TIM `MessageExtension`): an app-defined key and value.
///
/// `message_extension_seq` is tincan's addition: the key's version, which every change raises
/// by one. A change carries the seq it was made from (0 for a key that does not exist yet), and
/// one made from an older seq is refused for that key with 23001, which is how two users
/// changing one key at once cannot overwrite each other unseen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MessageExtension {
    /// The key: 1 to 100 bytes.
    pub message_extension_key: String,
    /// The value: at most 1 KB.
    pub message_extension_value: String,
    /// The key's version.
    pub message_extension_seq: u64,
}

/// The result of one key of a set or delete (TIM `MessageExtensionResult`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MessageExtensionResult {
    /// 0, or 23001 when the key changed since the seq given, or 23004 when a key to delete does
    /// not exist.
    pub message_extension_result_code: i32,
    /// What went wrong, or empty.
    pub message_extension_result_info: String,
    /// The key as it is now (after the change when it was made); a deleted key has an empty
    /// value.
    pub message_extension_item: MessageExtension,
}
