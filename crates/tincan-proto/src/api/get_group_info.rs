//! `group_get_info`: details of groups (TIM `TIMGroupGetGroupInfoList`).
//!
//! Each group is answered on its own: one that does not exist, or whose ID is not a group ID,
//! gets its code in its own result (10010, 10015) while the others are answered.

use serde::{Deserialize, Serialize};

use crate::ids::{GroupId, ListedId};
use crate::objects::GetGroupInfoResult;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The groups, at most 50; an item that is not a group ID fails alone.
    pub group_ids: Vec<ListedId<GroupId>>,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One entry per group, in the order asked.
    pub results: Vec<GetGroupInfoResult>,
}

