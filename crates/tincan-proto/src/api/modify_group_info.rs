//! `group_modify_info`: changes a group's profile, or hands it to another member (TIM
//! `TIMGroupModifyGroupInfo`); the members learn of it from a group tips message.
//!
//! `group_modify_info_param_modify_flag` says which fields to change (TIM's
//! `TIMGroupModifyInfoFlag`, bits OR-ed together); fields whose bit is not set are ignored.

use serde::{Deserialize, Serialize};

use crate::ids::{GroupId, UserId};
use crate::objects::GroupInfoCustomString;

/// `kTIMGroupModifyInfoFlag_Name`.
pub const FLAG_NAME: u32 = 0x1;
/// `kTIMGroupModifyInfoFlag_Notification`.
pub const FLAG_NOTIFICATION: u32 = 0x2;
/// `kTIMGroupModifyInfoFlag_Introduction`.
pub const FLAG_INTRODUCTION: u32 = 0x4;
/// `kTIMGroupModifyInfoFlag_FaceUrl`.
pub const FLAG_FACE_URL: u32 = 0x8;
/// `kTIMGroupModifyInfoFlag_AddOption`.
pub const FLAG_ADD_OPTION: u32 = 0x10;
/// `kTIMGroupModifyInfoFlag_MaxMemberNum`.
pub const FLAG_MAX_MEMBER_NUM: u32 = 0x20;
/// `kTIMGroupModifyInfoFlag_Visible`.
pub const FLAG_VISIBLE: u32 = 0x40;
/// `kTIMGroupModifyInfoFlag_Searchable`.
pub const FLAG_SEARCHABLE: u32 = 0x80;
/// `kTIMGroupModifyInfoFlag_ShutupAll`.
pub const FLAG_SHUTUP_ALL: u32 = 0x100;
/// `kTIMGroupModifyInfoFlag_Custom`.
pub const FLAG_CUSTOM: u32 = 0x200;
/// `kTIMGroupModifyInfoFlag_ApproveOption`: the invite option.
pub const FLAG_APPROVE_OPTION: u32 = 0x1000;
/// `kTIMGroupModifyInfoFlag_Owner` (TIM's TypeScript declares it as the negative 32-bit number).
pub const FLAG_OWNER: u32 = 0x8000_0000;
/// Every flag tincan applies.
pub const FLAGS_KNOWN: u32 = FLAG_NAME
    | FLAG_NOTIFICATION
    | FLAG_INTRODUCTION
    | FLAG_FACE_URL
    | FLAG_ADD_OPTION
    | FLAG_MAX_MEMBER_NUM
    | FLAG_VISIBLE
    | FLAG_SEARCHABLE
    | FLAG_SHUTUP_ALL
    | FLAG_CUSTOM
    | FLAG_APPROVE_OPTION
    | FLAG_OWNER;

/// Parameters: TIM's `ModifyGroupParams.params`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The group.
    pub group_modify_info_param_group_id: GroupId,
    /// Which fields to change: `TIMGroupModifyInfoFlag` bits, as an unsigned or a signed 32-bit
    /// number (TIM's TypeScript writes the owner flag as -2147483648).
    pub group_modify_info_param_modify_flag: i64,
    /// The new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_modify_info_param_group_name: Option<String>,
    /// The new notification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_modify_info_param_notification: Option<String>,
    /// The new introduction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_modify_info_param_introduction: Option<String>,
    /// The new avatar URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_modify_info_param_face_url: Option<String>,
    /// The new `TIMGroupAddOption`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_modify_info_param_add_option: Option<u32>,
    /// The new invite option (TIM's approve option), a `TIMGroupAddOption`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_modify_info_param_approve_option: Option<u32>,
    /// The new member cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_modify_info_param_max_member_num: Option<u32>,
    /// 1 to let non-members see the member list, 0 not to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_modify_info_param_visible: Option<u32>,
    /// 1 to let group search find the group, 0 not to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_modify_info_param_searchable: Option<u32>,
    /// Mute everyone but the owner and admins, or stop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_modify_info_param_is_shutup_all: Option<bool>,
    /// The new owner, a member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_modify_info_param_owner: Option<UserId>,
    /// Custom fields to set; an empty value deletes its field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_modify_info_param_custom_info: Option<Vec<GroupInfoCustomString>>,
}

impl Request {
    /// A change of `group_id` with `flags` set and no field filled in yet.
    pub fn new(group_id: GroupId, flags: u32) -> Request {
        Request {
            group_modify_info_param_group_id: group_id,
            group_modify_info_param_modify_flag: i64::from(flags),
            group_modify_info_param_group_name: None,
            group_modify_info_param_notification: None,
            group_modify_info_param_introduction: None,
            group_modify_info_param_face_url: None,
            group_modify_info_param_add_option: None,
            group_modify_info_param_approve_option: None,
            group_modify_info_param_max_member_num: None,
            group_modify_info_param_visible: None,
            group_modify_info_param_searchable: None,
            group_modify_info_param_is_shutup_all: None,
            group_modify_info_param_owner: None,
            group_modify_info_param_custom_info: None,
        }
    }

    /// The flag as TIM's 32 bits, or `None` when it is not a 32-bit number.
    pub fn flags(&self) -> Option<u32> {
        let flag = self.group_modify_info_param_modify_flag;
        u32::try_from(flag).ok().or_else(|| i32::try_from(flag).ok().map(|signed| u32::from_ne_bytes(signed.to_ne_bytes())))
    }
}

/// The answer: nothing.
pub type Response = super::Empty;
