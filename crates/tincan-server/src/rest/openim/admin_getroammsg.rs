//! `POST /v4/openim/admin_getroammsg`: the history of one C2C conversation between two times,
//! from `Operator_Account`'s side: the newest `MaxCnt` messages at or before `MaxTime` (and
//! before `LastMsgKey` when paging), oldest first, as TIM answers; `Complete` is 1 when nothing
//! older in the range is left.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tincan_engine::Engine;
use tincan_proto::api::get_message_list;
use tincan_proto::{ApiError, Conv, ErrorCode, Message, UserId, limits};

use super::{INVALID, msg_key, seq_of_key};
use crate::rest::{Caller, msgbody, session_as};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "Operator_Account", alias = "From_Account")]
    operator: UserId,
    #[serde(rename = "Peer_Account", alias = "To_Account")]
    peer: UserId,
    #[serde(rename = "MaxCnt")]
    max_count: u32,
    #[serde(rename = "MinTime")]
    min_time: u64,
    #[serde(rename = "MaxTime")]
    max_time: u64,
    #[serde(rename = "LastMsgKey", default)]
    last_msg_key: Option<String>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "Complete")]
    complete: u32,
    #[serde(rename = "MsgCnt")]
    msg_count: usize,
    #[serde(rename = "LastMsgTime")]
    last_msg_time: u64,
    #[serde(rename = "LastMsgKey")]
    last_msg_key: String,
    #[serde(rename = "MsgList")]
    msg_list: Vec<C2cMessage>,
}

/// A C2C message as this command answers it.
#[derive(Serialize)]
struct C2cMessage {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
    #[serde(rename = "MsgRandom")]
    msg_random: u64,
    #[serde(rename = "MsgTimeStamp")]
    msg_time_stamp: u64,
    #[serde(rename = "MsgFlagBits")]
    msg_flag_bits: u32,
    #[serde(rename = "IsPeerRead")]
    is_peer_read: u32,
    #[serde(rename = "IsNeedReadReceipt")]
    is_need_read_receipt: u32,
    #[serde(rename = "MsgKey")]
    msg_key: String,
    #[serde(rename = "MsgBody")]
    msg_body: Value,
    #[serde(rename = "CloudCustomData")]
    cloud_custom_data: String,
}

impl C2cMessage {
    fn new(message: &Message, operator: &UserId, peer: &UserId) -> C2cMessage {
        let from_operator = message.message_sender == operator.as_str();
        let to = if from_operator { peer } else { operator };
        let read_by_peer = message.message_receipt_peer_read || (!from_operator && message.message_has_sent_receipt);
        C2cMessage {
            from_account: message.message_sender.clone(),
            to_account: to.as_str().to_owned(),
            msg_seq: message.message_seq,
            msg_random: message.message_rand,
            msg_time_stamp: message.message_server_time,
            msg_flag_bits: 0,
            is_peer_read: u32::from(read_by_peer),
            is_need_read_receipt: u32::from(message.message_need_read_receipt),
            msg_key: msg_key(message),
            msg_body: msgbody::to_rest(&message.message_elem_array),
            cloud_custom_data: message.message_cloud_custom_str.clone(),
        }
    }
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    if body.max_count == 0 || body.max_count > limits::HISTORY_PAGE_MAX {
        return Err(ApiError::new(
            INVALID,
            format!("MaxCnt {} must be between 1 and {}", body.max_count, limits::HISTORY_PAGE_MAX),
        ));
    }
    if body.min_time > body.max_time {
        return Err(ApiError::new(INVALID, format!("MinTime {} is after MaxTime {}", body.min_time, body.max_time)));
    }
    let session = session_as(engine, caller, Some(&body.operator), true, ErrorCode::C2C_INVALID_ACCOUNT).await?;
    let anchor = body.last_msg_key.as_deref().filter(|key| !key.is_empty()).map(seq_of_key).transpose()?;
    let begin = body.min_time.max(1);
    let request = get_message_list::Request {
        conv: Conv::C2c(body.peer.clone()),
        params: get_message_list::GetMsgListParams {
            msg_getmsglist_param_last_msg: anchor.map(|seq| Message { message_seq: seq, ..Default::default() }),
            msg_getmsglist_param_count: body.max_count.saturating_add(1),
            msg_getmsglist_param_time_begin: begin,
            msg_getmsglist_param_time_period: body.max_time.saturating_sub(begin).max(1),
            ..Default::default()
        },
    };
    let mut messages: Vec<Message> = engine
        .call_op(&session, request)
        .await?
        .messages
        .into_iter()
        .filter(|message| message.message_server_time <= body.max_time)
        .collect();
    messages.sort_by_key(|message| message.message_seq);
    let complete = messages.len() <= body.max_count as usize;
    if !complete {
        messages.remove(0);
    }
    let oldest = messages.first();
    Ok(Answer {
        complete: u32::from(complete),
        msg_count: messages.len(),
        last_msg_time: oldest.map_or(0, |it| it.message_server_time),
        last_msg_key: oldest.map(msg_key).unwrap_or_default(),
        msg_list: messages.iter().map(|message| C2cMessage::new(message, &body.operator, &body.peer)).collect(),
    })
}
