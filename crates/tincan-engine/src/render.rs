//! Domain values turned into TIM's wire objects, from one user's point of view.

use tincan_core::conv::{ConvKey, Side};
use tincan_core::group::{Group, Member};
use tincan_core::receipts::ReceiptCounts;
use tincan_proto::enums::{ConvType, MsgStatus};
use tincan_proto::objects::{GroupDetailInfo, GroupMemberInfo, MessageReceipt};
use tincan_proto::profile::UserProfile;
use tincan_proto::push::ConvState;
use tincan_proto::{Elem, Message, UserId};
use tincan_store::MessageRecord;

use crate::state::{AppState, lock};

/// What differs between viewers of one message.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct MessageView {
    /// The viewer has read up to this message (or sent it).
    pub(crate) is_read: bool,
    /// C2C, sender's view: the peer has marked the conversation read past this message.
    pub(crate) is_peer_read: bool,
    /// The viewer has sent a receipt for it (reader side).
    pub(crate) has_sent_receipt: bool,
    /// Group, sender's view: the receipt counts.
    pub(crate) receipt_counts: Option<ReceiptCounts>,
    /// C2C, sender's view: whether the peer's message-level receipt is visible.
    pub(crate) receipt_peer_read: bool,
}

/// The conversation ID and type of `conv` as `viewer` names it.
pub(crate) fn conv_of(conv: &ConvKey, viewer: &UserId) -> (String, ConvType) {
    match conv {
        ConvKey::C2c(pair) => {
            let peer = match pair.side_of(viewer) {
                Some(side) => pair.peer_of(side),
                None => pair.low(),
            };
            (peer.as_str().to_owned(), ConvType::C2C)
        }
        ConvKey::Group(group_id) => (group_id.as_str().to_owned(), ConvType::GROUP),
    }
}

/// The stored elements; a body that does not parse (which the server never writes) shows as
/// no elements rather than failing the whole page.
fn elements(record: &MessageRecord) -> Vec<Elem> {
    serde_json::from_str(&record.body).unwrap_or_else(|err| {
        tracing::error!(msg_id = %record.msg_id, error = %err, "a stored message body does not parse");
        Vec::new()
    })
}

/// A stored message as `viewer` sees it.
pub(crate) fn message(record: &MessageRecord, viewer: &UserId, view: &MessageView) -> Message {
    let (conv_id, conv_type) = conv_of(&record.conv, viewer);
    let is_from_self = record.sender == *viewer;
    let counts = view.receipt_counts.unwrap_or_default();
    Message {
        message_elem_array: elements(record),
        message_conv_id: conv_id,
        message_conv_type: conv_type,
        message_sender: record.sender.as_str().to_owned(),
        message_priority: record.priority,
        message_client_time: record.client_time,
        message_server_time: record.server_time,
        message_is_from_self: is_from_self,
        message_platform: record.platform,
        message_is_read: is_from_self || view.is_read,
        message_is_online_msg: false,
        message_is_peer_read: view.is_peer_read,
        message_receipt_peer_read: view.receipt_peer_read,
        message_need_read_receipt: record.need_receipt,
        message_has_sent_receipt: view.has_sent_receipt,
        message_group_receipt_read_count: counts.read,
        message_group_receipt_unread_count: counts.unread,
        message_status: if record.is_revoked() { MsgStatus::REVOKED } else { MsgStatus::SEND_SUCC },
        message_unique_id: record.pos,
        message_msg_id: record.msg_id.clone(),
        message_rand: record.rand,
        message_seq: record.seq,
        message_cloud_custom_str: record.cloud_custom.clone(),
        message_custom_int: record.custom_int,
        message_custom_str: record.custom_str.clone(),
        message_is_excluded_from_unread_count: record.excluded_from_unread,
        message_sender_profile: None,
        message_version: record.revision.version,
        message_revoker_user_id: record
            .revision
            .revoked_by
            .as_ref()
            .map(|user| user.as_str().to_owned())
            .unwrap_or_default(),
        message_revoke_reason: record.revision.revoke_reason.clone(),
        message_support_message_extension: record.supports_extensions,
    }
}

/// A revoked message as TIM's revoke callback tells `viewer` of it.
pub(crate) fn revoke_info(record: &MessageRecord, viewer: &UserId) -> tincan_proto::push::MsgRevokeInfo {
    let (conv_id, conv_type) = conv_of(&record.conv, viewer);
    tincan_proto::push::MsgRevokeInfo {
        message_locator_conv_id: conv_id,
        message_locator_conv_type: conv_type,
        message_locator_is_revoked: record.is_revoked(),
        message_locator_time: record.server_time,
        message_locator_seq: record.seq,
        message_locator_is_self: record.sender == *viewer,
        message_locator_rand: record.rand,
        message_locator_unique_id: record.pos,
        message_msg_id: record.msg_id.clone(),
        message_revoker_user_id: record
            .revision
            .revoked_by
            .as_ref()
            .map(|user| user.as_str().to_owned())
            .unwrap_or_default(),
        message_revoke_reason: record.revision.revoke_reason.clone(),
    }
}

/// A stored message as `viewer` sees it, with its sender's profile as it is now (TIM's
/// `message_sender_profile`: the current nickname and avatar).
pub(crate) fn message_for(app: &AppState, record: &MessageRecord, viewer: &UserId, view: &MessageView) -> Message {
    let mut message = message(record, viewer, view);
    message.message_sender_profile = sender_profile(app, record);
    message
}

/// The sender's profile as it is now (absent when its account no longer exists), which every
/// message a client reads carries.
pub(crate) fn sender_profile(app: &AppState, record: &MessageRecord) -> Option<Box<UserProfile>> {
    app.account(&record.sender).map(|account| Box::new(lock(&account.profile).profile.clone()))
}

/// A group receipt as its sender is told.
pub(crate) fn group_receipt(group_id: &str, msg_id: &str, seq: u64, counts: ReceiptCounts) -> MessageReceipt {
    MessageReceipt {
        msg_receipt_conv_id: group_id.to_owned(),
        msg_receipt_conv_type: ConvType::GROUP,
        msg_receipt_msg_id: msg_id.to_owned(),
        msg_receipt_read_count: counts.read,
        msg_receipt_unread_count: counts.unread,
        msg_receipt_seq: seq,
        ..MessageReceipt::default()
    }
}

/// A C2C receipt as its sender is told: message level when `msg_id` is set, conversation level
/// (the peer read everything up to `time`) otherwise.
pub(crate) fn c2c_receipt(peer: &UserId, msg_id: &str, seq: u64, time: u64) -> MessageReceipt {
    MessageReceipt {
        msg_receipt_conv_id: peer.as_str().to_owned(),
        msg_receipt_conv_type: ConvType::C2C,
        msg_receipt_msg_id: msg_id.to_owned(),
        msg_receipt_time_stamp: time,
        msg_receipt_is_peer_read: true,
        msg_receipt_seq: seq,
        ..MessageReceipt::default()
    }
}

/// A group member as TIM describes one.
pub(crate) fn member_info(group: &Group, user: &UserId, member: &Member, is_online: bool) -> GroupMemberInfo {
    GroupMemberInfo {
        group_member_info_identifier: user.as_str().to_owned(),
        group_member_info_group_id: group.id().as_str().to_owned(),
        group_member_info_join_time: member.join_time,
        group_member_info_member_role: member.role,
        group_member_info_msg_seq: member.read.published_seq(),
        group_member_info_is_online: is_online,
        group_member_info_shutup_time: member.shutup_until,
        group_member_info_name_card: member.name_card.clone(),
        group_member_info_custom_info: member
            .custom
            .iter()
            .map(|(key, value)| tincan_proto::objects::GroupMemberInfoCustomString {
                group_member_info_custom_string_info_key: key.clone(),
                group_member_info_custom_string_info_value: value.clone(),
            })
            .collect(),
        ..GroupMemberInfo::default()
    }
}

/// Fills in each member's nickname and avatar from its profile as it is now; called with no
/// conversation lock held (the accounts map comes first in the lock order).
pub(crate) fn with_member_profiles(app: &AppState, members: Vec<(UserId, GroupMemberInfo)>) -> Vec<GroupMemberInfo> {
    // The accounts map is read-locked once for the page, not once for each member.
    let accounts = crate::state::read(&app.accounts);
    members
        .into_iter()
        .map(|(user, mut member)| {
            if let Some(account) = accounts.get(&user) {
                let state = lock(&account.profile);
                member.group_member_info_nick_name = state.profile.user_profile_nick_name.clone();
                member.group_member_info_face_url = state.profile.user_profile_face_url.clone();
            }
            member
        })
        .collect()
}

/// A group's details.
pub(crate) fn group_detail(group: &Group, n_online: u64) -> GroupDetailInfo {
    GroupDetailInfo {
        group_detail_info_group_id: group.id().as_str().to_owned(),
        group_detail_info_group_type: group.group_type(),
        group_detail_info_group_name: group.profile.name.clone(),
        group_detail_info_notification: group.profile.notification.clone(),
        group_detail_info_introduction: group.profile.introduction.clone(),
        group_detail_info_face_url: group.profile.face_url.clone(),
        group_detail_info_create_time: group.created_at(),
        group_detail_info_info_seq: group.info_seq(),
        group_detail_info_last_info_time: group.created_at(),
        group_detail_info_next_msg_seq: group.max_seq(),
        group_detail_info_last_msg_time: group.last_msg_time(),
        group_detail_info_member_num: group.n_members(),
        group_detail_info_max_member_num: u64::from(group.profile.max_member_num),
        group_detail_info_add_option: group.profile.add_option,
        group_detail_info_approve_option: group.profile.approve_option,
        group_detail_info_online_member_num: n_online,
        group_detail_info_is_shutup_all: group.profile.shutup_all,
        group_detail_info_owner_identifier: group.owner().map(|owner| owner.as_str().to_owned()).unwrap_or_default(),
        group_detail_info_visible: group.profile.visible,
        group_detail_info_searchable: group.profile.searchable,
        group_detail_info_custom_info: group
            .profile
            .custom
            .iter()
            .map(|(key, value)| tincan_proto::objects::GroupInfoCustomString {
                group_info_custom_string_info_key: key.clone(),
                group_info_custom_string_info_value: value.clone(),
            })
            .collect(),
    }
}

/// A member's conversation state in a group.
pub(crate) fn group_conv_state(state: &crate::state::GroupState, member: &Member) -> ConvState {
    let shown = state.shown_seq();
    ConvState { unread: state.unread_of(member), max_seq: shown, read_seq: member.read.read_seq().min(shown) }
}

/// A side's conversation state in a C2C pair.
pub(crate) fn pair_conv_state(state: &crate::state::PairState, side: Side) -> ConvState {
    let shown = state.shown_seq();
    ConvState { unread: state.unread_of(side), max_seq: shown, read_seq: state.read_of(side).read_seq().min(shown) }
}
