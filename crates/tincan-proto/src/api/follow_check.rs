//! `follow_check`: the caller's follow relationship with users (TIM `checkFollowType`).

use serde::{Deserialize, Serialize};

use crate::follow::FollowTypeCheckResult;
use crate::ids::UserId;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The users (at most `limits::FOLLOW_CHECK_USERS_MAX`).
    pub user_id_list: Vec<UserId>,
}

/// The answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One result per user, in the order asked.
    pub results: Vec<FollowTypeCheckResult>,
}
