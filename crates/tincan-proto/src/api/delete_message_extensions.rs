//! `msg_delete_extensions`: deletes a message's extensions (TIM
//! `TIMMsgDeleteMessageExtensions`).
//!
//! Each key is deleted only if it is still at the `message_extension_seq` given (a key that
//! changed since is answered with 23001 and the key as it is now; one that does not exist,
//! 23004); no extensions at all deletes every one the message has. Everyone in the
//! conversation is pushed `msg_extensions_deleted`.

use serde::{Deserialize, Serialize};

use crate::message::Message;
use crate::objects::{MessageExtension, MessageExtensionResult};

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The message.
    pub message: Message,
    /// The keys to delete, with the seq each was read at (values are ignored): at most 20;
    /// none deletes them all.
    #[serde(default)]
    pub extensions: Vec<MessageExtension>,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One result per key deleted (every key the message had, when none was named).
    pub results: Vec<MessageExtensionResult>,
}
