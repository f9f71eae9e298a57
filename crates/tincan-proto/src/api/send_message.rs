//! `msg_send`: sends a message (TIM `TIMMsgSendMessage`).
//!
//! The server assigns `message_seq`, `message_server_time` and `message_msg_id`.
//! A resend with the same `message_rand` and `message_client_time` by the same sender returns the
//! stored message and changes nothing.

use serde::{Deserialize, Serialize};

use crate::enums::ConvType;
use crate::message::Message;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The peer's user ID (C2C) or the group ID.
    pub conv_id: String,
    /// The conversation type.
    pub conv_type: ConvType,
    /// The message; `message_elem_array` is required, `message_rand`, `message_client_time`,
    /// `message_need_read_receipt`, `message_cloud_custom_str`, `message_priority` and
    /// `message_is_excluded_from_unread_count` are read, other keys are ignored.
    pub message: Message,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The message as stored, from the sender's point of view.
    pub message: Message,
}

