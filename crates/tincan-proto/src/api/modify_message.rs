//! `msg_modify`: changes a sent message (TIM `TIMMsgModifyMessage`).
//!
//! Only the sender may modify its message, and a revoked message cannot be modified. The
//! message names itself (`message_conv_id`, `message_conv_type`, and `message_msg_id` or
//! `message_seq`) and carries its new `message_elem_array` and `message_cloud_custom_str`, and
//! the `message_version` it was read at: if the message changed since, the modification is
//! refused with 8006 and the client reloads it. A modification that succeeds raises the
//! version by one and reaches everyone who received the message as a `msg_updated` push.

use serde::{Deserialize, Serialize};

use crate::message::Message;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The message with its new content.
    pub message: Message,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The message as stored now, from the sender's point of view.
    pub message: Message,
}
