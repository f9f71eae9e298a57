//! `conv_clean_unread`: clears unread counts (TIM `TIMConvCleanConversationUnreadMessageCount`).
//!
//! `conversation_id` is `c2c_<user>`, `group_<group>`, `c2c` (every C2C conversation), `group`
//! (every group) or `""` (everything).
//! `clean_timestamp` (C2C, seconds) and `clean_sequence` (groups) clear up to that point; 0 clears
//! everything.
//! In a C2C conversation the peer learns that its messages were read: its messages show
//! `message_is_peer_read` and its devices get a receipt push.

use serde::{Deserialize, Serialize};

use crate::conv::ConvSelector;
use crate::objects::ConversationOperationResult;

/// Parameters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Which conversations.
    #[serde(default)]
    pub conversation_id: ConvSelector,
    /// C2C: clear messages up to this time (seconds); 0 = all.
    #[serde(default)]
    pub clean_timestamp: u64,
    /// Group: clear messages up to this seq; 0 = all.
    #[serde(default)]
    pub clean_sequence: u64,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One entry per conversation cleaned.
    pub results: Vec<ConversationOperationResult>,
}

