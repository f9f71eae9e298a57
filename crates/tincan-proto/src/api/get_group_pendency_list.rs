//! `group_get_pendency_list`: the pending requests to join the groups one owns or administers
//! (TIM `TIMGroupGetPendencyList`), newest first.

use serde::{Deserialize, Serialize};

use crate::objects::GroupPendency;

/// Parameters: TIM's `PendencyPage` (`GetPendencyListParams.params`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Request {
    /// 0 for the first page, then the previous page's `group_pendency_result_next_start_time`.
    pub group_pendency_option_start_time: u64,
    /// How many to return, at most 100 (0: 100); a page may hold a few more, so that requests
    /// made in the same second are never split between pages.
    pub group_pendency_option_max_limited: u64,
}

/// Result: TIM's `GroupPendencyResult`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Response {
    /// Where the next page starts; 0 when this was the last.
    pub group_pendency_result_next_start_time: u64,
    /// When the caller last reported the requests read (`group_report_pendency_read`).
    pub group_pendency_result_read_time_seq: u64,
    /// Requests made after that.
    pub group_pendency_result_unread_num: u64,
    /// The page.
    pub group_pendency_result_pendency_array: Vec<GroupPendency>,
}
