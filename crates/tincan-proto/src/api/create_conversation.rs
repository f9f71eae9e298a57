//! `conv_create`: puts a conversation in the user's list without a message (TIM
//! `TIMConvCreate`); a deleted one comes back. A C2C peer must be an account; a group, one the
//! user is in.

use serde::{Deserialize, Serialize};

use crate::conv_manage::ConvTarget;
use crate::objects::ConvInfo;

/// Parameters: the conversation as `conv_id` and `conv_type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The conversation.
    #[serde(flatten)]
    pub conv: ConvTarget,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The conversation as it now is.
    pub conversation: ConvInfo,
}
