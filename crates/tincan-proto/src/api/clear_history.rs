//! `msg_clear_history`: clears the user's history of a conversation (TIM
//! `TIMMsgClearHistoryMessage`).
//!
//! Messages up to now leave the user's history and its conversation's last message, on all of
//! its devices, and its unread count goes to 0 without telling the peer; the conversation stays
//! in the list, and the peer's or the other members' copies are not touched.

use serde::{Deserialize, Serialize};

use crate::conv_manage::ConvTarget;

/// Parameters: the conversation as `conv_id` and `conv_type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The conversation.
    #[serde(flatten)]
    pub conv: ConvTarget,
}
