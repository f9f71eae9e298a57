//! `group_set_counters`: sets counters of a group, keeping the others (TIM
//! `TIMGroupSetGroupCounters`); members only, not in Community groups.

use serde::{Deserialize, Serialize};

use crate::ids::GroupId;
use crate::objects::GroupCounter;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The group.
    pub group_id: GroupId,
    /// The counters and their new values (at least one).
    pub counters: Vec<GroupCounter>,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The counters set, with their values now.
    pub counters: Vec<GroupCounter>,
}
