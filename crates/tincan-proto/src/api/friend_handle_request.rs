//! `friend_handle_request`: accepts or refuses a friend request (TIM
//! `TIMFriendshipHandleFriendAddRequest`).

use serde::{Deserialize, Serialize};

use crate::friendship::FriendResult;
use crate::ids::UserId;

/// Parameters: TIM's `FriendResponse`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The applicant.
    pub friend_response_identifier: UserId,
    /// `TIMFriendResponseAction`: accept (0), accept and add back (1), refuse (2).
    pub friend_response_action: u32,
    /// The caller's remark on the applicant, when it adds back.
    #[serde(default)]
    pub friend_response_remark: String,
    /// A friend group of the caller's for the applicant, when it adds back.
    #[serde(default)]
    pub friend_response_group_name: String,
}

/// The answer: the result for the applicant.
pub type Response = FriendResult;
