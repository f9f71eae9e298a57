//! `conv_group_rename`: renames one of the user's conversation groups (TIM
//! `TIMConvRenameConversationGroup`).

use serde::{Deserialize, Serialize};

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Its name.
    pub old_name: String,
    /// Its new name (1 to 32 bytes, not another group's).
    pub new_name: String,
}
