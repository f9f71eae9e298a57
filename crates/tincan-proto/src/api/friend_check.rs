//! `friend_check`: the caller's relationship with users (TIM `TIMFriendshipCheckFriendType`).

use serde::{Deserialize, Serialize};

use crate::friendship::{CheckResult, FRIEND_TYPE_BOTH};
use crate::ids::UserId;

fn both() -> u32 {
    FRIEND_TYPE_BOTH
}

/// Parameters: TIM's `FriendshipCheckFriendTypeParam`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// `TIMFriendType`: 0 checks only the caller's list, 1 (the default) both.
    #[serde(default = "both")]
    pub friendship_check_friendtype_param_check_type: u32,
    /// The users.
    pub friendship_check_friendtype_param_identifier_array: Vec<UserId>,
}

/// The answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One result per user, in the order asked.
    pub results: Vec<CheckResult>,
}
