//! `conv_group_get_list`: the user's conversation groups (TIM `TIMConvGetConversationGroupList`),
//! in the order created.

use serde::{Deserialize, Serialize};

/// Parameters (none).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {}

/// Result: TIM's `convGroupListResult`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The groups' names.
    pub conv_group_array: Vec<String>,
}
