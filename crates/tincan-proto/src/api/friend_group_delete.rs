//! `friend_group_delete`: deletes friend groups (TIM `TIMFriendshipDeleteFriendGroup`); their
//! friends stay friends.

use serde::{Deserialize, Serialize};

/// Parameters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The groups' names.
    pub friend_group_name_array: Vec<String>,
}

/// The answer: nothing.
pub type Response = super::Empty;
