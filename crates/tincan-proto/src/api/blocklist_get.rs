//! `blocklist_get`: the users the caller blocks (TIM `TIMFriendshipGetBlackList`).

use serde::{Deserialize, Serialize};

use crate::friendship::FriendProfile;

/// Parameters: none.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {}

/// The answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// Each blocked user as a `FriendProfile` (its identifier, profile and when it was blocked),
    /// in the order blocked.
    pub blocked: Vec<FriendProfile>,
}
