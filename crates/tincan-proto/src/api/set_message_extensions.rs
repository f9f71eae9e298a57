//! `msg_set_extensions`: sets a message's extensions (TIM `TIMMsgSetMessageExtensions`).
//!
//! The message names itself (`message_conv_id`, `message_conv_type`, and `message_msg_id` or
//! `message_seq`) and must have been sent with `message_support_message_extension`. Each
//! extension is set only if its key is still at the `message_extension_seq` given (0 for a new
//! key); a key that changed since is answered in its own result with 23001 and the key as it
//! is now, and the other keys of the call are set. Everyone in the conversation is pushed
//! `msg_extensions_changed`.

use serde::{Deserialize, Serialize};

use crate::message::Message;
use crate::objects::{MessageExtension, MessageExtensionResult};

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The message.
    pub message: Message,
    /// The extensions to set: 1 to 20.
    pub extensions: Vec<MessageExtension>,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One result per extension, in the order given.
    pub results: Vec<MessageExtensionResult>,
}
