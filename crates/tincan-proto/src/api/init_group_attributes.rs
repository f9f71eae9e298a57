//! `group_init_attributes`: replaces every custom attribute of a group (TIM
//! `TIMGroupInitGroupAttributes`); members only.

use serde::{Deserialize, Serialize};

use crate::ids::GroupId;
use crate::objects::GroupAttribute;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The group.
    pub group_id: GroupId,
    /// The attributes the group holds afterwards (none clears them); a repeated key keeps its
    /// last value.
    pub attributes: Vec<GroupAttribute>,
}

/// The answer: nothing.
pub type Response = super::Empty;
