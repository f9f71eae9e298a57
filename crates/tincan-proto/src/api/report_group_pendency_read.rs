//! `group_report_pendency_read`: marks the join requests made up to a time read (TIM
//! `TIMGroupReportPendencyReaded`), which `group_get_pendency_list` counts from.

use serde::{Deserialize, Serialize};

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Seconds: requests added at or before it count as read. A time earlier than the one
    /// reported before changes nothing.
    pub time_stamp: u64,
}

/// The answer: nothing.
pub type Response = super::Empty;
