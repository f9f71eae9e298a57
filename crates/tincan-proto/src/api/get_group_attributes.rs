//! `group_get_attributes`: a group's custom attributes (TIM `TIMGroupGetGroupAttributes`);
//! members only.

use serde::{Deserialize, Serialize};

use crate::ids::GroupId;
use crate::objects::GroupAttribute;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The group.
    pub group_id: GroupId,
    /// The keys wanted; none means every attribute.
    #[serde(default)]
    pub keys: Vec<String>,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The attributes asked for that the group has: by key when every one was asked for, in the
    /// order asked otherwise.
    pub attributes: Vec<GroupAttribute>,
}
