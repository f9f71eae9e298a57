//! `follow_get_info`: users' follower, following and mutual counts (TIM `getUserFollowInfo`).

use serde::{Deserialize, Serialize};

use crate::follow::FollowInfo;
use crate::ids::UserId;

/// Parameters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The users (at most `limits::FOLLOW_USERS_PER_CALL_MAX`); empty for the caller.
    #[serde(default)]
    pub user_id_list: Vec<UserId>,
}

/// The answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One entry per user, in the order asked.
    pub infos: Vec<FollowInfo>,
}
