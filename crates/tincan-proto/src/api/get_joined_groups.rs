//! `group_get_joined`: the groups the user is in (TIM `TIMGroupGetJoinedGroupList`).

use serde::{Deserialize, Serialize};

use crate::objects::GroupBaseInfo;

/// Parameters (none).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The groups.
    pub groups: Vec<GroupBaseInfo>,
}

