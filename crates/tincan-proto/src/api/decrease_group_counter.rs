//! `group_decrease_counter`: takes from one counter of a group, from 0 for a new one (TIM
//! `TIMGroupDecreaseGroupCounter`); members only, not in Community groups.

use serde::{Deserialize, Serialize};

use crate::ids::GroupId;
use crate::objects::GroupCounter;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The group.
    pub group_id: GroupId,
    /// The counter.
    pub group_counter_key: String,
    /// The amount to take away.
    pub group_counter_value: i64,
}

/// Result: the counter with its value now.
pub type Response = GroupCounter;
