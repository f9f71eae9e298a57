//! `status_subscribe`: the caller is told of these users' status changes with `user_status` pushes (TIM
//! `TIMSubscribeUserStatus`); at most 200 subscriptions, past which the oldest are dropped.

use serde::{Deserialize, Serialize};

use crate::ids::UserId;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The users (every one an existing account, not the caller).
    #[serde(default)]
    pub user_id_list: Vec<UserId>,
}

/// The answer: nothing.
pub type Response = super::Empty;
