//! `msg_delete`: deletes messages for this user only (TIM `TIMMsgDelete`, `TIMMsgListDelete`).
//!
//! The messages leave this user's history on every one of its devices; the other members of
//! the conversation keep theirs. Deleting a message twice, or one already deleted, is not an
//! error.

use serde::{Deserialize, Serialize};

use crate::conv::Conv;
use crate::error::ApiError;
use crate::message::Message;

/// Parameters; on the wire the conversation is `conv_id` and `conv_type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "wire::Request", into = "wire::Request")]
pub struct Request {
    /// The conversation.
    pub conv: Conv,
    /// The messages, each named by its `message_msg_id` or `message_seq`.
    pub messages: Vec<Message>,
}

mod wire {
    use serde::{Deserialize, Serialize};

    use crate::enums::ConvType;
    use crate::message::Message;

    #[derive(Serialize, Deserialize)]
    pub(super) struct Request {
        pub(super) conv_id: String,
        pub(super) conv_type: ConvType,
        pub(super) messages: Vec<Message>,
    }
}

impl TryFrom<wire::Request> for Request {
    type Error = ApiError;

    fn try_from(request: wire::Request) -> Result<Request, ApiError> {
        Ok(Request { conv: Conv::parse(&request.conv_id, request.conv_type)?, messages: request.messages })
    }
}

impl From<Request> for wire::Request {
    fn from(request: Request) -> wire::Request {
        wire::Request {
            conv_id: request.conv.conv_id().to_owned(),
            conv_type: request.conv.conv_type(),
            messages: request.messages,
        }
    }
}
