//! `group_set_attributes`: sets custom attributes of a group, keeping the others (TIM
//! `TIMGroupSetGroupAttributes`); members only.

use serde::{Deserialize, Serialize};

use crate::ids::GroupId;
use crate::objects::GroupAttribute;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The group.
    pub group_id: GroupId,
    /// The attributes to add or change (at least one); a repeated key keeps its last value.
    pub attributes: Vec<GroupAttribute>,
}

/// The answer: nothing.
pub type Response = super::Empty;
