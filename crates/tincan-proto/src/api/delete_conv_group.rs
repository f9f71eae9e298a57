//! `conv_group_delete`: deletes one of the user's conversation groups (TIM
//! `TIMConvDeleteConversationGroup`); its conversations stay in the list.

use serde::{Deserialize, Serialize};

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The conversation group.
    pub group_name: String,
}
