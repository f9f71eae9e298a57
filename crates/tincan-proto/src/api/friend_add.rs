//! `friend_add`: adds a friend (TIM `TIMFriendshipAddFriend`), one way or both; when the other
//! user's profile asks for confirmation, a request is sent instead (30539).

use serde::{Deserialize, Serialize};

use crate::friendship::{FRIEND_TYPE_BOTH, FriendResult};
use crate::ids::UserId;

fn both() -> u32 {
    FRIEND_TYPE_BOTH
}

/// Parameters: TIM's `FriendshipAddFriendParam`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The user to add.
    pub friendship_add_friend_param_identifier: UserId,
    /// `TIMFriendType`: one way (0) or both ways (1, the default).
    #[serde(default = "both")]
    pub friendship_add_friend_param_friend_type: u32,
    /// The caller's remark on the friend.
    #[serde(default)]
    pub friendship_add_friend_param_remark: String,
    /// A friend group of the caller's to put the friend in (created if need be).
    #[serde(default)]
    pub friendship_add_friend_param_group_name: String,
    /// Where the request comes from (`AddSource_Type_<name>`; the prefix may be left out).
    #[serde(default)]
    pub friendship_add_friend_param_add_source: String,
    /// A word for the other user.
    #[serde(default)]
    pub friendship_add_friend_param_add_wording: String,
}

/// The answer: the result for the user (a non-zero code does not fail the call).
pub type Response = FriendResult;
