//! `msg_get_list`: pages through a conversation's history (TIM `TIMMsgGetMsgList`).
//!
//! Anchor rules follow TIM: `msg_getmsglist_param_last_msg` excludes the anchor,
//! `msg_getmsglist_param_last_msg_seq` includes it (groups only), `last_msg` wins when both are
//! given, a time range applies when neither is, and `message_seq_array` (groups only) returns
//! exactly those messages.
//! Messages come newest first when paging backwards and oldest first when paging forwards.

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
    /// TIM's `Json_get_msg_param`.
    pub params: GetMsgListParams,
}

mod wire {
    use serde::{Deserialize, Serialize};

    use crate::enums::ConvType;

    #[derive(Serialize, Deserialize)]
    pub(super) struct Request {
        pub(super) conv_id: String,
        pub(super) conv_type: ConvType,
        #[serde(default)]
        pub(super) params: super::GetMsgListParams,
    }
}

impl TryFrom<wire::Request> for Request {
    type Error = ApiError;

    fn try_from(request: wire::Request) -> Result<Request, ApiError> {
        Ok(Request { conv: Conv::parse(&request.conv_id, request.conv_type)?, params: request.params })
    }
}

impl From<Request> for wire::Request {
    fn from(request: Request) -> wire::Request {
        wire::Request {
            conv_id: request.conv.conv_id().to_owned(),
            conv_type: request.conv.conv_type(),
            params: request.params,
        }
    }
}

/// TIM's `Json_get_msg_param` (`MsgGetMsgListParam`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetMsgListParams {
    /// Anchor message, excluded from the result; `""`, `null` or absent means none.
    #[serde(deserialize_with = "crate::message::empty_or_message", skip_serializing_if = "Option::is_none")]
    pub msg_getmsglist_param_last_msg: Option<Message>,
    /// How many messages; 0 means the default page.
    pub msg_getmsglist_param_count: u32,
    /// Fetch from the server; tincan always does.
    pub msg_getmsglist_param_is_ramble: bool,
    /// `true`: messages newer than the anchor; `false`: older.
    pub msg_getmsglist_param_is_forward: bool,
    /// Group anchor by seq, included in the result; 0 means none.
    pub msg_getmsglist_param_last_msg_seq: u64,
    /// Start of a time range, in seconds; 0 means none.
    pub msg_getmsglist_param_time_begin: u64,
    /// Length of the time range, in seconds; 0 means unbounded.
    pub msg_getmsglist_param_time_period: u64,
    /// Group only: exactly these seqs.
    pub msg_getmsglist_param_message_seq_array: Vec<u64>,
    /// Only messages whose first element has one of these types; empty means all.
    pub msg_getmsglist_param_message_type_array: Vec<i32>,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The page.
    pub messages: Vec<Message>,
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_page_parameters_parse() {
        // The parameters exactly as the TIM page's example writes them.
        let params: GetMsgListParams = serde_json::from_value(serde_json::json!({
            "msg_getmsglist_param_last_msg": "",
            "msg_getmsglist_param_count": 0,
            "msg_getmsglist_param_is_ramble": false,
            "msg_getmsglist_param_is_forward": false,
            "msg_getmsglist_param_last_msg_seq": 0,
            "msg_getmsglist_param_time_begin": 0,
            "msg_getmsglist_param_time_period": 0
        }))
        .unwrap();
        assert_eq!(params.msg_getmsglist_param_last_msg, None);
        let params: GetMsgListParams = serde_json::from_value(serde_json::json!({
            "msg_getmsglist_param_last_msg": {"message_seq": 5}
        }))
        .unwrap();
        assert_eq!(params.msg_getmsglist_param_last_msg.unwrap().message_seq, 5);
        assert!(
            serde_json::from_value::<GetMsgListParams>(serde_json::json!({"msg_getmsglist_param_last_msg": "x"}))
                .is_err()
        );
    }
}
