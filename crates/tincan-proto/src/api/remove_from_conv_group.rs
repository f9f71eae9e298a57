//! `conv_group_remove`: takes conversations out of one of the user's conversation groups (TIM
//! `TIMConvDeleteConversationsFromGroup`).

use serde::{Deserialize, Serialize};

use crate::conv_manage::ConversationId;
use crate::ids::ListedId;
use crate::objects::ConversationOperationResult;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The conversation group.
    pub group_name: String,
    /// The conversations, `c2c_<user>` or `group_<group>` (1 to 100), each answered on its own.
    #[serde(deserialize_with = "crate::conv_manage::conversation_ids")]
    pub conversation_id_array: Vec<ListedId<ConversationId>>,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One entry per conversation named, in the order named.
    pub results: Vec<ConversationOperationResult>,
}
