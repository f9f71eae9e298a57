//! `group_get_counters`: a group's counters (TIM `TIMGroupGetGroupCounters`); members only, not
//! in Community groups.

use serde::{Deserialize, Serialize};

use crate::ids::GroupId;
use crate::objects::GroupCounter;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The group.
    pub group_id: GroupId,
    /// The keys wanted; none means every counter.
    #[serde(default)]
    pub keys: Vec<String>,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The counters asked for that the group has: by key when every one was asked for, in the
    /// order asked otherwise.
    pub counters: Vec<GroupCounter>,
}
