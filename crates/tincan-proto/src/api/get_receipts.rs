//! `msg_get_receipts`: the sender reads the receipt state of its messages
//! (TIM `TIMMsgGetMessageReadReceipts`).
//!
//! All messages must be in one conversation.
//! Group messages get read and unread counts; C2C messages get the peer-read state.

use serde::{Deserialize, Serialize};

use crate::message::Message;
use crate::objects::MessageReceipt;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The messages.
    pub messages: Vec<Message>,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One receipt per message that asked for receipts, in the order given.
    pub receipts: Vec<MessageReceipt>,
}

