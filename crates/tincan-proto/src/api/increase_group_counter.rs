//! `group_increase_counter`: adds to one counter of a group, from 0 for a new one (TIM
//! `TIMGroupIncreaseGroupCounter`); members only, not in Community groups. Every increment
//! counts, however many members make them at once.

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
    /// The amount to add.
    pub group_counter_value: i64,
}

/// Result: the counter with its value now.
pub type Response = GroupCounter;
