//! `friend_delete`: deletes friends (TIM `TIMFriendshipDeleteFriend`), from the caller's list
//! only or from both lists; each user is answered on its own.

use serde::{Deserialize, Serialize};

use crate::friendship::{FRIEND_TYPE_BOTH, FriendResult};
use crate::ids::UserId;

fn both() -> u32 {
    FRIEND_TYPE_BOTH
}

/// Parameters: TIM's `FriendshipDeleteFriendParam`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// `TIMFriendType`: the caller's list only (0) or both (1, the default).
    #[serde(default = "both")]
    pub friendship_delete_friend_param_friend_type: u32,
    /// The friends to delete.
    pub friendship_delete_friend_param_identifier_array: Vec<UserId>,
}

/// The answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One result per user, in the order asked.
    pub results: Vec<FriendResult>,
}
