//! `status_unsubscribe`: ends subscriptions to users' status changes (TIM `TIMUnsubscribeUserStatus`).

use serde::{Deserialize, Serialize};

use crate::ids::UserId;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The users; none means every subscription.
    #[serde(default)]
    pub user_id_list: Vec<UserId>,
}

/// The answer: nothing.
pub type Response = super::Empty;
