//! `group_invite_member`: adds users to a group (TIM `TIMGroupInviteMember`).
//!
//! Members of Work groups may invite; in other types only the owner and admins may.
//! AVChatRoom groups take no invitations.

use serde::{Deserialize, Serialize};

use crate::ids::{GroupId, UserId};
use crate::objects::GroupInviteMemberResult;

/// Parameters: TIM's `GroupInviteMemberParam`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The group.
    pub group_invite_member_param_group_id: GroupId,
    /// The users to add.
    pub group_invite_member_param_identifier_array: Vec<UserId>,
    /// App data, passed along.
    #[serde(default)]
    pub group_invite_member_param_user_data: String,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One outcome per user.
    pub results: Vec<GroupInviteMemberResult>,
}

