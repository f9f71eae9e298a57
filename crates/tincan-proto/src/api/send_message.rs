//! `msg_send`: sends a message (TIM `TIMMsgSendMessage`).
//!
//! The server assigns `message_seq`, `message_server_time` and `message_msg_id`.
//! A resend with the same `message_rand` and `message_client_time` by the same sender returns the
//! stored message and changes nothing.

use serde::{Deserialize, Serialize};

use crate::conv::Conv;
use crate::error::ApiError;
use crate::message::Message;

/// Parameters; on the wire the conversation is `conv_id` (the peer's user ID or the group ID)
/// and `conv_type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "wire::Request", into = "wire::Request")]
pub struct Request {
    /// The conversation.
    pub conv: Conv,
    /// The message; `message_elem_array` is required, `message_rand`, `message_client_time`,
    /// `message_need_read_receipt`, `message_cloud_custom_str`, `message_priority` and
    /// `message_is_excluded_from_unread_count` are read, other keys are ignored.
    pub message: Message,
}

mod wire {
    use serde::{Deserialize, Serialize};

    use crate::enums::ConvType;
    use crate::message::Message;

    #[derive(Serialize, Deserialize)]
    pub(super) struct Request {
        pub(super) conv_id: String,
        pub(super) conv_type: ConvType,
        pub(super) message: Message,
    }
}

impl TryFrom<wire::Request> for Request {
    type Error = ApiError;

    fn try_from(request: wire::Request) -> Result<Request, ApiError> {
        Ok(Request { conv: Conv::parse(&request.conv_id, request.conv_type)?, message: request.message })
    }
}

impl From<Request> for wire::Request {
    fn from(request: Request) -> wire::Request {
        wire::Request {
            conv_id: request.conv.conv_id().to_owned(),
            conv_type: request.conv.conv_type(),
            message: request.message,
        }
    }
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The message as stored, from the sender's point of view.
    pub message: Message,
}


impl Response {
    /// The answer as JSON, byte for byte what `serde_json::to_string` writes, with the message
    /// written by [`Message::to_json`].
    pub fn to_json(&self) -> serde_json::Result<String> {
        let mut json = Vec::with_capacity(1024 + self.message.message_cloud_custom_str.len());
        json.extend_from_slice(b"{\"message\":");
        self.message.write_json(&mut json)?;
        json.push(b'}');
        crate::message::json_text(json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_written_by_hand_is_what_serde_writes() {
        let message = Message { message_msg_id: "1-2-3".to_owned(), message_seq: 9, ..Message::default() };
        let response = Response { message };
        assert_eq!(response.to_json().unwrap(), serde_json::to_string(&response).unwrap());
    }
}
