//! `msg_report_read`: marks a conversation read up to a message (TIM `TIMMsgReportReaded`,
//! deprecated in TIM in favour of `conv_clean_unread`, kept for old apps).
//!
//! An empty `conv_id` marks every conversation of `conv_type` read.

use serde::{Deserialize, Serialize};

use crate::enums::ConvType;
use crate::message::Message;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The conversation, or `""` for all of `conv_type`.
    #[serde(default)]
    pub conv_id: String,
    /// The conversation type.
    pub conv_type: ConvType,
    /// Read up to this message; absent means up to the newest.
    #[serde(default)]
    pub message: Option<Message>,
}

/// The answer: nothing.
pub type Response = super::Empty;
