//! `friend_group_modify`: renames a friend group or changes who is in it (TIM
//! `TIMFriendshipModifyFriendGroup`).

use serde::{Deserialize, Serialize};

use crate::friendship::FriendResult;
use crate::ids::UserId;

/// Parameters: TIM's `FriendshipModifyFriendGroupParam`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The group.
    pub friendship_modify_friend_group_param_name: String,
    /// Its new name, if it changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub friendship_modify_friend_group_param_new_name: Option<String>,
    /// Friends to take out of it.
    #[serde(default)]
    pub friendship_modify_friend_group_param_delete_identifier_array: Vec<UserId>,
    /// Friends to put in it.
    #[serde(default)]
    pub friendship_modify_friend_group_param_add_identifier_array: Vec<UserId>,
}

/// The answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One result per friend named.
    pub results: Vec<FriendResult>,
}
