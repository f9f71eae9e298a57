//! `profile_get`: users' profiles (TIM `TIMProfileGetUserProfileList`); any user's, one's own
//! included. Accounts that do not exist are left out of the answer.

use serde::{Deserialize, Serialize};

use crate::ids::UserId;
use crate::profile::UserProfile;

/// Parameters: TIM's `FriendShipGetProfileListParam`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The users, at most 100.
    pub friendship_getprofilelist_param_identifier_array: Vec<UserId>,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One profile per existing user, in the order asked.
    pub profiles: Vec<UserProfile>,
}
