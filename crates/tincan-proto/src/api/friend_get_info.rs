//! `friend_get_info`: the caller's relationship with users and their friend entries (TIM
//! `TIMFriendshipGetFriendsInfo`).

use serde::{Deserialize, Serialize};

use crate::friendship::FriendInfoGetResult;
use crate::ids::UserId;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The users, at most 1,000.
    pub friend_id_list: Vec<UserId>,
}

/// The answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One result per user, in the order asked.
    pub results: Vec<FriendInfoGetResult>,
}
