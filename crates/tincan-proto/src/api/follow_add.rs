//! `follow_add`: the caller follows users (TIM `followUser`); following a user followed already
//! changes nothing and succeeds, so a resend is safe.

use serde::{Deserialize, Serialize};

use crate::follow::FollowResult;
use crate::ids::UserId;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The users to follow (at most `limits::FOLLOW_USERS_PER_CALL_MAX`).
    pub user_id_list: Vec<UserId>,
}

/// The answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One result per user, in the order asked.
    pub results: Vec<FollowResult>,
}
