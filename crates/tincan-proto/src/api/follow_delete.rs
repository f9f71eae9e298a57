//! `follow_delete`: the caller stops following users (TIM `unfollowUser`); a user not followed
//! succeeds with nothing changed, so a resend is safe.

use serde::{Deserialize, Serialize};

use crate::follow::FollowResult;
use crate::ids::UserId;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The users to stop following (at most `limits::FOLLOW_USERS_PER_CALL_MAX`).
    pub user_id_list: Vec<UserId>,
}

/// The answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One result per user, in the order asked.
    pub results: Vec<FollowResult>,
}
