//! `friend_get_pendency_list`: a page of the friend requests the caller received or sent (TIM
//! `TIMFriendshipGetPendencyList`).

use serde::{Deserialize, Serialize};

use crate::friendship::{PENDENCY_BOTH, PendencyPage};

fn both() -> u32 {
    PENDENCY_BOTH
}

/// Parameters: TIM's `FriendshipGetPendencyListParam`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// `TIMFriendPendencyType`: received (0), sent (1) or both (2, the default).
    #[serde(default = "both")]
    pub friendship_get_pendency_list_param_type: u32,
    /// Not used: pages are found by `start_time`.
    #[serde(default)]
    pub friendship_get_pendency_list_param_start_seq: u64,
    /// Where the page starts: 0 for the newest, else the `pendency_page_start_time` of the
    /// page before.
    #[serde(default)]
    pub friendship_get_pendency_list_param_start_time: u64,
    /// Requests per page, at most 100 (0: 100).
    #[serde(default)]
    pub friendship_get_pendency_list_param_limited_size: u32,
}

/// The answer: the page.
pub type Response = PendencyPage;
