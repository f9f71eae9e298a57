//! `group_delete`: dismisses a group (TIM `TIMGroupDelete`); only its owner may.

use serde::{Deserialize, Serialize};

use crate::ids::GroupId;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The group.
    pub group_id: GroupId,
}

/// The answer: nothing.
pub type Response = super::Empty;
