//! `conv_pin`: pins a conversation, or unpins it (TIM `TIMConvPinConversation`); pinned
//! conversations come first in the user's lists, on every device.

use serde::{Deserialize, Serialize};

use crate::conv_manage::ConvTarget;

/// Parameters: the conversation as `conv_id` and `conv_type`, and more.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The conversation.
    #[serde(flatten)]
    pub conv: ConvTarget,
    /// Pin (`true`) or unpin.
    pub is_pinned: bool,
}
