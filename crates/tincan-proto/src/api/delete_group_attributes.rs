//! `group_delete_attributes`: deletes custom attributes of a group (TIM
//! `TIMGroupDeleteGroupAttributes`); members only.

use serde::{Deserialize, Serialize};

use crate::ids::GroupId;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The group.
    pub group_id: GroupId,
    /// The keys to delete; none deletes every attribute. A key the group does not have is no
    /// error.
    #[serde(default)]
    pub keys: Vec<String>,
}

/// The answer: nothing.
pub type Response = super::Empty;
