//! `group_get_online_member_count`: how many members have a device online (TIM
//! `TIMGroupGetOnlineMemberCount`); members only.

use serde::{Deserialize, Serialize};

use crate::ids::GroupId;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The group.
    pub group_id: GroupId,
}

/// Result: TIM's `GetOnlineMemberCountResult`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// Members with a device online.
    pub group_get_online_member_count_result: u64,
}
