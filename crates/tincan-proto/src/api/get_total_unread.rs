//! `conv_get_total_unread`: the sum of the user's unread counts
//! (TIM `TIMConvGetTotalUnreadMessageCount`).

use serde::{Deserialize, Serialize};

/// Parameters (none).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {}

/// Result, with TIM's key.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The total.
    pub conv_get_total_unread_message_count_result_unread_count: u64,
}

