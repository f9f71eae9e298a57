//! `friend_group_create`: creates friend groups, with friends in them (TIM
//! `TIMFriendshipCreateFriendGroup`).

use serde::{Deserialize, Serialize};

use crate::friendship::FriendResult;
use crate::ids::UserId;

/// Parameters: TIM's `CreateFriendGroupParam`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The new groups' names.
    pub friendship_create_friend_group_param_name_array: Vec<String>,
    /// Friends to put in each of them.
    #[serde(default)]
    pub friendship_create_friend_group_param_identifier_array: Vec<UserId>,
}

/// The answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One result per friend named.
    pub results: Vec<FriendResult>,
}
