//! `conv_get_list`: the user's conversations (TIM `TIMConvGetConvList`), newest activity first.

use serde::{Deserialize, Serialize};

use crate::objects::ConvInfo;

/// Parameters (none).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The conversations.
    pub conversations: Vec<ConvInfo>,
}

