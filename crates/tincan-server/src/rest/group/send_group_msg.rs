//! `POST /v4/group_open_http_svc/send_group_msg`: sends a group message, from `From_Account`
//! (a member) or the administrator (member or not).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tincan_engine::Engine;
use tincan_proto::api::send_message;
use tincan_proto::enums::ConvType;
use tincan_proto::ids::blank_as_none;
use tincan_proto::{ApiError, Conv, ErrorCode, GroupId, Message, UserId};

use super::INVALID;
use crate::rest::{Caller, excluded_from_unread, forbidden_callbacks, msgbody, session_as};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "Random", alias = "MsgRandom", default)]
    random: Option<u32>,
    #[serde(rename = "MsgPriority", default)]
    priority: Option<String>,
    #[serde(rename = "MsgBody")]
    body: Value,
    #[serde(rename = "From_Account", default, deserialize_with = "blank_as_none")]
    from: Option<UserId>,
    #[serde(rename = "CloudCustomData", default)]
    cloud_custom_data: Option<String>,
    #[serde(rename = "NeedReadReceipt", default)]
    need_read_receipt: Option<u32>,
    #[serde(rename = "SendMsgControl", default)]
    send_msg_control: Option<Vec<String>>,
    #[serde(rename = "OnlineOnlyFlag", default)]
    online_only: Option<u32>,
    /// Messages to some members only, which tincan refuses.
    #[serde(rename = "To_Account", default)]
    to_account: Option<Value>,
    #[serde(rename = "ForbidCallbackControl", default)]
    forbid_callback_control: Option<Vec<String>>,
    #[serde(rename = "SupportMessageExtension", default)]
    support_message_extension: Option<u32>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "MsgTime")]
    msg_time: u64,
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
    /// Earlier versions of a widely used Java client read the seq under this spelling.
    #[serde(rename = "msgSeq")]
    msg_seq_lower: u64,
    #[serde(rename = "MsgDropReason")]
    msg_drop_reason: &'static str,
}

/// `MsgPriority` as TIM's REST API spells it.
fn parse_priority(name: &str) -> Result<u32, ApiError> {
    match name {
        "High" => Ok(0),
        "" | "Normal" => Ok(1),
        "Low" => Ok(2),
        "Lowest" => Ok(3),
        other => Err(ApiError::new(INVALID, format!("MsgPriority {other:?} is not High, Normal, Low or Lowest"))),
    }
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let need_read_receipt = body.need_read_receipt.unwrap_or(0);
    if need_read_receipt > 1 {
        return Err(ApiError::new(INVALID, format!("NeedReadReceipt {need_read_receipt} is not 0 or 1")));
    }
    let online_only = match body.online_only.unwrap_or(0) {
        0 => false,
        1 => true,
        other => return Err(ApiError::new(INVALID, format!("OnlineOnlyFlag {other} is not 0 or 1"))),
    };
    let targeted = match &body.to_account {
        None | Some(Value::Null) => false,
        Some(Value::String(to)) => !to.is_empty(),
        Some(Value::Array(to)) => !to.is_empty(),
        Some(other) => {
            return Err(ApiError::new(INVALID, format!("To_Account must be an array of user IDs, got {other}")));
        }
    };
    if targeted {
        return Err(ApiError::new(
            INVALID,
            "To_Account (a message to some members only) is not supported; send to the whole group",
        ));
    }
    let message = Message {
        message_elem_array: msgbody::from_rest(&body.body, INVALID)?,
        message_conv_id: body.group_id.as_str().to_owned(),
        message_conv_type: ConvType::GROUP,
        message_priority: parse_priority(body.priority.as_deref().unwrap_or_default())?,
        message_rand: u64::from(body.random.unwrap_or(0)),
        message_need_read_receipt: need_read_receipt == 1,
        message_is_online_msg: online_only,
        message_support_message_extension: crate::rest::flag(
            "SupportMessageExtension",
            body.support_message_extension,
            INVALID,
        )?,
        message_cloud_custom_str: body.cloud_custom_data.unwrap_or_default(),
        message_is_excluded_from_unread_count: excluded_from_unread(body.send_msg_control.as_deref()),
        ..Default::default()
    };
    let (skip_before, skip_after) = forbidden_callbacks(body.forbid_callback_control.as_deref());
    let session = session_as(engine, caller, body.from.as_ref(), true, ErrorCode::GROUP_ACCOUNT_NOT_FOUND)
        .await?
        .forbid_callbacks(skip_before, skip_after);
    let request = send_message::Request { conv: Conv::Group(body.group_id), message };
    let sent = engine.call_op(&session, request).await?.message;
    Ok(Answer {
        msg_time: sent.message_server_time,
        msg_seq: sent.message_seq,
        msg_seq_lower: sent.message_seq,
        msg_drop_reason: "",
    })
}
