//! `follow_get_list`: a page of the caller's followers, followings or mutual followers (TIM
//! `getMyFollowersList`, `getMyFollowingList`, `getMutualFollowersList`), newest first.

use serde::{Deserialize, Serialize};

use crate::follow::{FollowCursor, FollowEntry};

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Which list: 1 followers, 2 following, 3 mutual (`TIMFollowType`).
    pub follow_type: u32,
    /// `""` for the first page, or the `follow_list_result_next_cursor` of the page before.
    #[serde(default)]
    pub next_cursor: FollowCursor,
    /// Users per page, 1 to `limits::FOLLOW_LIST_COUNT_MAX`; 0 or left out for
    /// `limits::FOLLOW_LIST_COUNT_DEFAULT`.
    #[serde(default)]
    pub count: u32,
}

/// The answer (TIM's `FollowListResult`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The page.
    pub follow_list_result_user_info_list: Vec<FollowEntry>,
    /// The cursor of the next page, or `""` after the last.
    pub follow_list_result_next_cursor: String,
}
