//! `conv_mark`: sets or clears a mark on conversations (TIM `TIMConvMarkConversation`).
//!
//! `mark_type` is one `TIMConversationMarkType` (star 1, unread 2, fold 4, hide 8) or an app's
//! own mark, one bit from `1 << 32` up. A conversation marked hidden leaves the list until its
//! next message, which also clears the mark.

use serde::{Deserialize, Serialize};

use crate::conv_manage::ConversationId;
use crate::ids::ListedId;
use crate::objects::ConversationOperationResult;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The conversations, `c2c_<user>` or `group_<group>` (1 to 100), each answered on its own.
    #[serde(deserialize_with = "crate::conv_manage::conversation_ids")]
    pub conversation_id_array: Vec<ListedId<ConversationId>>,
    /// The mark.
    pub mark_type: u64,
    /// Set (`true`) or clear it.
    pub enable_mark: bool,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One entry per conversation named, in the order named.
    pub results: Vec<ConversationOperationResult>,
}
