//! `group_join`: joins a group (TIM `TIMGroupJoin`).
//!
//! Work groups cannot be joined, only invited into; a group whose add option is Forbid (0)
//! refuses; approval (Auth, 1) is not supported yet and is treated as Forbid.

use serde::{Deserialize, Serialize};

use crate::ids::GroupId;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The group.
    pub group_id: GroupId,
    /// The greeting the owner and admins see with the request, when the group needs approval
    /// (up to 400 bytes); not stored otherwise.
    #[serde(default)]
    pub hello_msg: String,
}

/// The answer: nothing.
pub type Response = super::Empty;
