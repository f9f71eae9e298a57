//! `conv_delete`: deletes conversations from the user's list (TIM `TIMConvDelete`,
//! `TIMConvDeleteConversationList`).
//!
//! A deleted conversation leaves the user's list, on every device of the user, until a new
//! message comes; its unread count goes to 0 without telling the peer. With `clearMessage`, its
//! history up to now is cleared for the user too (as `msg_clear_history`). The other side's
//! conversation is not touched.

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
    /// Whether to clear the user's history of them too.
    #[serde(rename = "clearMessage", default)]
    pub clear_message: bool,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One entry per conversation named, in the order named.
    pub results: Vec<ConversationOperationResult>,
}
