//! `msg_revoke`: revokes a message (TIM `TIMMsgRevoke`).
//!
//! The sender may revoke its own message within the app's revoke time limit; in a group, the
//! owner and the admins may revoke any member's message, and the app's administrator (REST) any
//! message at any time. The message stays in history with `message_status` revoked and without
//! its content; everyone who received it gets a `msg_revoked` push.

use serde::{Deserialize, Serialize};

use crate::conv::Conv;
use crate::error::ApiError;
use crate::message::Message;

/// Parameters; on the wire the conversation is `conv_id` and `conv_type`, as for `msg_send`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "wire::Request", into = "wire::Request")]
pub struct Request {
    /// The conversation.
    pub conv: Conv,
    /// The message, as a client holds it: its `message_msg_id` or `message_seq` names it.
    pub message: Message,
    /// Why it is revoked (optional; shown to the others as `message_revoke_reason`).
    pub reason: String,
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
        #[serde(default)]
        pub(super) reason: String,
    }
}

impl TryFrom<wire::Request> for Request {
    type Error = ApiError;

    fn try_from(request: wire::Request) -> Result<Request, ApiError> {
        Ok(Request {
            conv: Conv::parse(&request.conv_id, request.conv_type)?,
            message: request.message,
            reason: request.reason,
        })
    }
}

impl From<Request> for wire::Request {
    fn from(request: Request) -> wire::Request {
        wire::Request {
            conv_id: request.conv.conv_id().to_owned(),
            conv_type: request.conv.conv_type(),
            message: request.message,
            reason: request.reason,
        }
    }
}
