//! `friend_report_pendency_read`: marks the friend requests received up to a time read (TIM
//! `TIMFriendshipReportPendencyReaded`).

use serde::{Deserialize, Serialize};

/// Parameters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Seconds; 0 means now.
    #[serde(default)]
    pub time_stamp: u64,
}

/// The answer: nothing.
pub type Response = super::Empty;
