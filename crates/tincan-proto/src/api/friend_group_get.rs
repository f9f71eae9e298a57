//! `friend_group_get`: the caller's friend groups (TIM `TIMFriendshipGetFriendGroupList`).

use serde::{Deserialize, Serialize};

use crate::friendship::FriendGroupInfo;

/// Parameters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The groups to read; none means all.
    #[serde(default)]
    pub friend_group_name_array: Vec<String>,
}

/// The answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The groups, in the order created.
    pub groups: Vec<FriendGroupInfo>,
}
