//! `msg_send_receipts`: the reader reports that it has read messages
//! (TIM `TIMMsgSendMessageReadReceipts`).
//!
//! All messages must be in one conversation.
//! The caller's own messages and messages that did not ask for receipts are skipped, as TIM's SDK
//! does; if nothing is left the call fails with 6017.
//! A repeated receipt changes nothing and notifies no one; no unread count changes.

use serde::{Deserialize, Serialize};

use crate::message::Message;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The messages, as received (`message_msg_id`, `message_conv_id`, `message_conv_type` and,
    /// for groups, `message_seq` are read).
    pub messages: Vec<Message>,
}

/// The answer: nothing.
pub type Response = super::Empty;
