//! `status_get`: users' status (TIM `TIMGetUserStatus`): online, offline or not logged in, and
//! the text each set. Accounts that do not exist are left out of the answer.

use serde::{Deserialize, Serialize};

use crate::ids::UserId;
use crate::profile::UserStatus;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The users, at most 100.
    pub user_id_list: Vec<UserId>,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One status per existing user, in the order asked.
    pub statuses: Vec<UserStatus>,
}
