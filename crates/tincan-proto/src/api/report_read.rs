//! `msg_report_read`: marks a conversation read up to a message (TIM `TIMMsgReportReaded`,
//! deprecated in TIM in favour of `conv_clean_unread`, kept for old apps).
//!
//! An empty `conv_id` marks every conversation of `conv_type` read.

use serde::{Deserialize, Serialize};

use crate::conv::ConvScope;
use crate::error::ApiError;
use crate::message::Message;

/// Parameters; on the wire the conversation is `conv_id` (`""` or absent for every conversation
/// of the type) and `conv_type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "wire::Request", into = "wire::Request")]
pub struct Request {
    /// The conversation, or every conversation of a kind.
    pub scope: ConvScope,
    /// Read up to this message; absent means up to the newest.
    pub message: Option<Message>,
}

mod wire {
    use serde::{Deserialize, Serialize};

    use crate::enums::ConvType;
    use crate::message::Message;

    #[derive(Serialize, Deserialize)]
    pub(super) struct Request {
        #[serde(default)]
        pub(super) conv_id: String,
        pub(super) conv_type: ConvType,
        #[serde(default)]
        pub(super) message: Option<Message>,
    }
}

impl TryFrom<wire::Request> for Request {
    type Error = ApiError;

    fn try_from(request: wire::Request) -> Result<Request, ApiError> {
        Ok(Request { scope: ConvScope::parse(&request.conv_id, request.conv_type)?, message: request.message })
    }
}

impl From<Request> for wire::Request {
    fn from(request: Request) -> wire::Request {
        wire::Request {
            conv_id: request.scope.conv_id().to_owned(),
            conv_type: request.scope.conv_type(),
            message: request.message,
        }
    }
}

/// The answer: nothing.
pub type Response = super::Empty;
