//! `group_create`: creates a group (TIM `TIMGroupCreate`); the caller becomes its owner.

use serde::{Deserialize, Serialize};

use crate::enums::{GroupType, MemberRole};

/// Parameters: TIM's `CreateGroupParam`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Request {
    /// The group's name (required, non-empty).
    pub create_group_param_group_name: String,
    /// A custom ID, or empty for one assigned by the server (`@TGS#...`).
    pub create_group_param_group_id: String,
    /// The type; TIM's default is Public.
    pub create_group_param_group_type: GroupType,
    /// Initial members besides the owner.
    pub create_group_param_group_member_array: Vec<InitialMember>,
    /// The notice.
    pub create_group_param_notification: String,
    /// The introduction.
    pub create_group_param_introduction: String,
    /// The avatar.
    pub create_group_param_face_url: String,
    /// `TIMGroupAddOption`; default Any (2).
    pub create_group_param_add_option: Option<u32>,
    /// A member cap below the type's cap; 0 means the type's cap.
    pub create_group_param_max_member_num: u32,
}

/// An initial member: TIM's `GroupMemberInfo` with the keys that matter on creation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InitialMember {
    /// The member's user ID.
    pub group_member_info_identifier: String,
    /// Normal (200) or Admin (300); 0 means Normal.
    pub group_member_info_member_role: MemberRole,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The new group's ID.
    pub create_group_result_groupid: String,
}

