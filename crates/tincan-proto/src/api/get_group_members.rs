//! `group_get_members`: pages through a group's members (TIM `TIMGroupGetMemberInfoList`).
//!
//! Members come in join order; `next_seq` 0 on the result means the last page.

use serde::{Deserialize, Serialize};

use crate::ids::{GroupId, UserId};
use crate::objects::GroupMemberInfo;

/// Parameters: TIM's `GroupGetMemberInfoListParam`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The group.
    pub group_get_members_info_list_param_group_id: GroupId,
    /// Only these members; empty for all.
    #[serde(default)]
    pub group_get_members_info_list_param_identifier_array: Vec<UserId>,
    /// 0 for the first page, then the returned cursor.
    #[serde(default)]
    pub group_get_members_info_list_param_next_seq: u64,
}

/// Result: TIM's `GroupGetMemberInfoListResult` (7.x spelling).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The cursor for the next page; 0 when this was the last.
    pub group_get_member_info_list_result_next_seq: u64,
    /// The page.
    pub group_get_member_info_list_result_info_array: Vec<GroupMemberInfo>,
}

