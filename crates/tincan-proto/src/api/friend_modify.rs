//! `friend_modify`: changes a friend's remark, friend groups or custom fields (TIM
//! `TIMFriendshipModifyFriendProfile`).

use serde::{Deserialize, Serialize};

use crate::friendship::FriendProfileItem;
use crate::ids::UserId;

/// Parameters: TIM's `FriendshipModifyFriendProfileParam`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The friend.
    pub friendship_modify_friend_profile_param_identifier: UserId,
    /// What to change.
    pub friendship_modify_friend_profile_param_item: FriendProfileItem,
}

/// The answer: nothing.
pub type Response = super::Empty;
