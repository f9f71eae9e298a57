//! `msg_get_extensions`: a message's extensions (TIM `TIMMsgGetMessageExtensions`).
//!
//! The message names itself as for `msg_set_extensions`; the answer lists its extensions in the
//! order of their keys, each with its seq.

use serde::{Deserialize, Serialize};

use crate::message::Message;
use crate::objects::MessageExtension;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The message.
    pub message: Message,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The extensions, by key.
    pub extensions: Vec<MessageExtension>,
}
