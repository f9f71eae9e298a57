//! `group_delete_member`: removes members (TIM `TIMGroupDeleteMember`).
//!
//! The owner may remove anyone but itself, an admin may remove normal members.

use serde::{Deserialize, Serialize};

use crate::ids::{GroupId, UserId};
use crate::objects::GroupDeleteMemberResult;

/// Parameters: TIM's `GroupDeleteMemberParam`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The group.
    pub group_delete_member_param_group_id: GroupId,
    /// The members to remove.
    pub group_delete_member_param_identifier_array: Vec<UserId>,
    /// App data (TIM uses it as the reason).
    #[serde(default)]
    pub group_delete_member_param_user_data: String,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One outcome per user.
    pub results: Vec<GroupDeleteMemberResult>,
}

