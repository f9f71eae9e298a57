//! `blocklist_delete`: unblocks users (TIM `TIMFriendshipDeleteFromBlackList`).

use serde::{Deserialize, Serialize};

use crate::friendship::FriendResult;
use crate::ids::UserId;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The users to unblock.
    pub user_id_list: Vec<UserId>,
}

/// The answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One result per user, in the order asked.
    pub results: Vec<FriendResult>,
}
