//! `friend_get_list`: the caller's friends with their profiles (TIM
//! `TIMFriendshipGetFriendProfileList`).

use serde::{Deserialize, Serialize};

use crate::friendship::FriendProfile;

/// Parameters: none.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {}

/// The answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// Every friend, in the order added.
    pub friends: Vec<FriendProfile>,
}
