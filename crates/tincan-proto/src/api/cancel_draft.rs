//! `conv_cancel_draft`: removes the user's draft of a conversation (TIM `TIMConvCancelDraft`).

use serde::{Deserialize, Serialize};

use crate::conv_manage::ConvTarget;

/// Parameters: the conversation as `conv_id` and `conv_type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The conversation.
    #[serde(flatten)]
    pub conv: ConvTarget,
}
