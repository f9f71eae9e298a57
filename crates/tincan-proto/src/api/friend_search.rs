//! `friend_search`: finds friends whose ID, nickname or remark contains keywords (TIM
//! `TIMFriendshipSearchFriends`).

use serde::{Deserialize, Serialize};

use crate::friendship::FriendProfile;

/// Parameters: TIM's `FriendSearchParam`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Keywords, 1 to 5; a friend matches when a field contains every one of them.
    pub friendship_search_param_keyword_list: Vec<String>,
    /// `TIMFriendshipSearchFieldKey`s: the fields to look in (none: all three).
    #[serde(default)]
    pub friendship_search_param_search_field_list: Vec<u32>,
}

/// The answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The friends found, in the order added.
    pub friends: Vec<FriendProfile>,
}
