//! `conv_set_draft`: sets the user's draft of a conversation (TIM `TIMConvSetDraft`), shown on
//! every device of the user.

use serde::{Deserialize, Serialize};

use crate::conv_manage::ConvTarget;
use crate::conv_manage::Draft;

/// Parameters: the conversation as `conv_id` and `conv_type`, and more.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The conversation.
    #[serde(flatten)]
    pub conv: ConvTarget,
    /// The draft; its `draft_edit_time` is set by the server.
    pub draft_param: Draft,
}
