//! `group_modify_member_info`: changes a member's role, mute, name card or custom fields (TIM
//! `TIMGroupModifyMemberInfo`).
//!
//! `group_modify_member_info_modify_flag` says which fields to change (TIM's
//! `TIMGroupMemberModifyInfoFlag`, bits OR-ed together); fields whose bit is not set are ignored.

use serde::{Deserialize, Serialize};

use crate::enums::MemberRole;
use crate::ids::{GroupId, UserId};
use crate::objects::GroupMemberInfoCustomString;

/// `kTIMGroupMemberModifyFlag_MsgFlag`.
pub const FLAG_MSG_FLAG: u32 = 0x1;
/// `kTIMGroupMemberModifyFlag_MemberRole`.
pub const FLAG_MEMBER_ROLE: u32 = 0x2;
/// `kTIMGroupMemberModifyFlag_ShutupTime`.
pub const FLAG_SHUTUP_TIME: u32 = 0x4;
/// `kTIMGroupMemberModifyFlag_NameCard`.
pub const FLAG_NAME_CARD: u32 = 0x8;
/// `kTIMGroupMemberModifyFlag_Custom`.
pub const FLAG_CUSTOM: u32 = 0x10;

/// Parameters: TIM's `ModifyMemberInfoParams.params`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The group.
    pub group_modify_member_info_group_id: GroupId,
    /// The member to change.
    pub group_modify_member_info_identifier: UserId,
    /// Which fields to change: `TIMGroupMemberModifyInfoFlag` bits.
    pub group_modify_member_info_modify_flag: u32,
    /// `TIMReceiveMessageOpt`; not applied (see docs/compatibility.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_modify_member_info_msg_flag: Option<u32>,
    /// The new role: 200 (member) or 300 (admin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_modify_member_info_member_role: Option<MemberRole>,
    /// Mute for this many seconds from now; 0 lifts a mute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_modify_member_info_shutup_time: Option<u64>,
    /// The new name card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_modify_member_info_name_card: Option<String>,
    /// Custom fields to set; an empty value deletes its field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_modify_member_info_custom_info: Option<Vec<GroupMemberInfoCustomString>>,
}

/// The answer: nothing.
pub type Response = super::Empty;
