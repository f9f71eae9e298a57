//! `group_quit`: leaves a group (TIM `TIMGroupQuit`).
//!
//! The owner of a Public, Meeting, Community or AVChatRoom group cannot leave it (it may dismiss
//! it); in a Work group the owner may leave too.

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
