//! `conv_set_custom_data`: sets the user's custom data of conversations (TIM
//! `TIMConvSetConversationCustomData`), at most 256 bytes.

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
    /// The data (`""` removes it).
    pub custom_data: String,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One entry per conversation named, in the order named.
    pub results: Vec<ConversationOperationResult>,
}
