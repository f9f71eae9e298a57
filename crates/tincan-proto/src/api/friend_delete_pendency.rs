//! `friend_delete_pendency`: deletes friend requests the caller received or sent (TIM
//! `TIMFriendshipDeletePendency`).

use serde::{Deserialize, Serialize};

use crate::friendship::FriendResult;
use crate::ids::UserId;

/// Parameters: TIM's `FriendshipDeletePendencyParam`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// `TIMFriendPendencyType`: received (0), sent (1) or both (2).
    #[serde(default)]
    pub friendship_delete_pendency_param_type: u32,
    /// The other users.
    pub friendship_delete_pendency_param_identifier_array: Vec<UserId>,
}

/// The answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One result per user, in the order asked.
    pub results: Vec<FriendResult>,
}
