//! `POST /v4/group_open_http_svc/group_msg_get_simple`: up to 20 messages at or before
//! `ReqMsgSeq` (absent or 0: the newest), newest first.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tincan_engine::Engine;
use tincan_proto::api::get_message_list;
use tincan_proto::{ApiError, Conv, GroupId, Message, limits};

use super::INVALID;
use crate::rest::{Caller, msgbody};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "ReqMsgNumber")]
    count: u32,
    #[serde(rename = "ReqMsgSeq", default)]
    before_seq: Option<u64>,
    #[serde(rename = "WithRecalledMsg", default)]
    _with_recalled: Option<u32>,
}

/// The answer; `IsFinished` is 1 when nothing older is left.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "IsFinished")]
    is_finished: u32,
    #[serde(rename = "RspMsgList")]
    rsp_msg_list: Vec<GroupMessage>,
}

/// A group message as this command answers it; the server's group tips, which REST has no
/// element type for, come as placeholders with an empty body.
#[derive(Serialize)]
struct GroupMessage {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "IsPlaceMsg")]
    is_place_msg: u32,
    #[serde(rename = "MsgBody")]
    msg_body: Value,
    #[serde(rename = "MsgPriority")]
    msg_priority: u32,
    #[serde(rename = "MsgRandom")]
    msg_random: u64,
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
    #[serde(rename = "MsgTimeStamp")]
    msg_time_stamp: u64,
    #[serde(rename = "CloudCustomData")]
    cloud_custom_data: String,
    #[serde(rename = "IsNeedReadReceipt")]
    is_need_read_receipt: u32,
}

impl GroupMessage {
    fn new(message: Message) -> GroupMessage {
        let msg_body = msgbody::to_rest(&message.message_elem_array);
        let placeholder = msg_body.as_array().is_none_or(Vec::is_empty);
        GroupMessage {
            from_account: message.message_sender,
            is_place_msg: u32::from(placeholder),
            msg_body,
            msg_priority: message.message_priority,
            msg_random: message.message_rand,
            msg_seq: message.message_seq,
            msg_time_stamp: message.message_server_time,
            cloud_custom_data: message.message_cloud_custom_str,
            is_need_read_receipt: u32::from(message.message_need_read_receipt),
        }
    }
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    if body.count == 0 || body.count > limits::GROUP_HISTORY_PAGE_MAX_REST {
        return Err(ApiError::new(
            INVALID,
            format!("ReqMsgNumber {} must be between 1 and {}", body.count, limits::GROUP_HISTORY_PAGE_MAX_REST),
        ));
    }
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    // Newest first, from ReqMsgSeq down (inclusive), as TIM answers.
    let anchor = match body.before_seq.filter(|seq| *seq != 0) {
        Some(seq) => seq,
        None => engine.group_summary(caller.sdkappid, &body.group_id)?.next_msg_seq.saturating_sub(1),
    };
    let request = get_message_list::Request {
        conv: Conv::Group(body.group_id.clone()),
        params: get_message_list::GetMsgListParams {
            msg_getmsglist_param_count: body.count.saturating_add(1),
            msg_getmsglist_param_last_msg_seq: anchor,
            ..Default::default()
        },
    };
    let mut messages = if anchor == 0 { Vec::new() } else { engine.call_op(&session, request).await?.messages };
    messages.sort_by_key(|message| std::cmp::Reverse(message.message_seq));
    let more = messages.len() > body.count as usize;
    messages.truncate(body.count as usize);
    let finished = !more || messages.last().is_none_or(|oldest| oldest.message_seq <= 1);
    Ok(Answer {
        group_id: body.group_id.as_str().to_owned(),
        is_finished: u32::from(finished),
        rsp_msg_list: messages.into_iter().map(GroupMessage::new).collect(),
    })
}
