//! `openim`: C2C messages, their history, unread counts, C2C read receipts and who is online.
//!
//! A C2C message's `MsgKey` is `<MsgSeq>_<MsgRandom>_<MsgTimeStamp>`, the shape TIM uses; the
//! seq is the message's place in its conversation, which is what identifies it here.

use serde::Deserialize;
use serde_json::{Map, Value, json};
use tincan_engine::{Engine, Session};
use tincan_proto::api::{get_conversation_list, get_message_list, report_read, send_message, send_receipts};
use tincan_proto::conv::ConvScope;
use tincan_proto::enums::ConvType;
use tincan_proto::{ApiError, Conv, ErrorCode, Message, UserId, limits};

use super::{Caller, body_as, fields, forbidden_callbacks, given, msgbody, session_as, unknown};

/// The code for a missing or mistyped key in this service.
const INVALID: ErrorCode = ErrorCode::OPENIM_INVALID_JSON;

pub(super) async fn command(
    engine: &Engine,
    caller: &Caller,
    command: &str,
    body: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    match command {
        "sendmsg" => sendmsg(engine, caller, body).await,
        "batchsendmsg" => batchsendmsg(engine, caller, body).await,
        "admin_getroammsg" => admin_getroammsg(engine, caller, body_as(body, INVALID)?).await,
        "admin_set_msg_read" => admin_set_msg_read(engine, caller, body_as(body, INVALID)?).await,
        "get_c2c_unread_msg_num" => get_c2c_unread_msg_num(engine, caller, body_as(body, INVALID)?).await,
        "c2c_msg_read_receipt" => c2c_msg_read_receipt(engine, caller, body_as(body, INVALID)?).await,
        // `querystate` is the command's older name, still used by clients written against it.
        "query_online_status" | "querystate" => query_online_status(engine, caller, body_as(body, INVALID)?),
        _ => Err(unknown("openim", command)),
    }
}

/// A message's `MsgKey`.
pub(crate) fn msg_key(message: &Message) -> String {
    format!("{}_{}_{}", message.message_seq, message.message_rand, message.message_server_time)
}

/// The seq a `MsgKey` names.
fn seq_of_key(key: &str) -> Result<u64, ApiError> {
    let mut parts = key.split('_');
    let seq = parts.next().and_then(|seq| seq.parse::<u64>().ok());
    match (seq, parts.next(), parts.next(), parts.next()) {
        (Some(seq), Some(_), Some(_), None) if seq > 0 => Ok(seq),
        _ => Err(ApiError::new(
            ErrorCode::C2C_INVALID_REQUEST,
            format!("MsgKey {key:?} is not a key this server returned (<MsgSeq>_<MsgRandom>_<MsgTimeStamp>)"),
        )),
    }
}

#[derive(Deserialize)]
struct SendBody {
    #[serde(rename = "SyncOtherMachine", default)]
    sync_other_machine: Option<u32>,
    #[serde(rename = "From_Account", default)]
    from: Option<String>,
    #[serde(rename = "MsgLifeTime", default)]
    _life_time: Option<u64>,
    #[serde(rename = "MsgRandom", default)]
    random: Option<u32>,
    #[serde(rename = "MsgTimeStamp", default)]
    _timestamp: Option<u64>,
    #[serde(rename = "MsgBody", default)]
    body: Option<Value>,
    #[serde(rename = "CloudCustomData", default)]
    cloud_custom_data: Option<String>,
    #[serde(rename = "IsNeedReadReceipt", default)]
    need_read_receipt: Option<u32>,
    #[serde(rename = "SendMsgControl", default)]
    send_msg_control: Option<Vec<String>>,
    #[serde(rename = "OnlineOnlyFlag", default)]
    online_only: Option<u32>,
    #[serde(rename = "ForbidCallbackControl", default)]
    forbid_callback_control: Option<Vec<String>>,
}

/// The parts of `sendmsg` and `batchsendmsg` they share, checked: the sender's session and the
/// message to send (without its conversation).
async fn prepare_send(engine: &Engine, caller: &Caller, body: SendBody) -> Result<(Session, Message), ApiError> {
    let random = body.random.ok_or_else(|| {
        ApiError::new(ErrorCode::OPENIM_MSG_RANDOM_MISSING, "MsgRandom is missing; pass a random uint32")
    })?;
    let msg_body = body.body.ok_or_else(|| ApiError::new(ErrorCode::OPENIM_INVALID_MSG_BODY, "MsgBody is missing"))?;
    if !msg_body.is_array() {
        return Err(ApiError::new(ErrorCode::OPENIM_MSG_BODY_NOT_ARRAY, "MsgBody must be an array of elements"));
    }
    if let Some(sync) = body.sync_other_machine
        && sync != 1
        && sync != 2
    {
        return Err(ApiError::new(INVALID, format!("SyncOtherMachine {sync} is not 1 or 2")));
    }
    let need_receipt = match body.need_read_receipt.unwrap_or(0) {
        0 => false,
        1 => true,
        other => return Err(ApiError::new(INVALID, format!("IsNeedReadReceipt {other} is not 0 or 1"))),
    };
    if body.online_only.unwrap_or(0) != 0 {
        return Err(ApiError::new(
            ErrorCode::C2C_INVALID_REQUEST,
            "OnlineOnlyFlag 1 is not supported: every message is stored; send without it",
        ));
    }
    let elems = msgbody::from_rest(&msg_body, ErrorCode::OPENIM_INVALID_MSG_BODY)?;
    let session = session_as(engine, caller, given(body.from.as_deref()), true, ErrorCode::C2C_INVALID_ACCOUNT).await?;
    let (skip_before, skip_after) = forbidden_callbacks(body.forbid_callback_control.as_deref());
    let session = session.forbid_callbacks(skip_before, skip_after);
    let message = Message {
        message_elem_array: elems,
        message_conv_type: ConvType::C2C,
        message_rand: u64::from(random),
        message_need_read_receipt: need_receipt,
        message_cloud_custom_str: body.cloud_custom_data.unwrap_or_default(),
        message_is_excluded_from_unread_count: body
            .send_msg_control
            .unwrap_or_default()
            .iter()
            .any(|control| control == "NoUnread"),
        ..Default::default()
    };
    Ok((session, message))
}

/// Sends `message` from the session's user to `to`.
async fn send_to(engine: &Engine, session: &Session, to: &str, mut message: Message) -> Result<Message, ApiError> {
    let peer = UserId::parse(to)?;
    if !engine.account_exists(session.sdkappid(), &peer) {
        return Err(ApiError::new(
            ErrorCode::OPENIM_TO_ACCOUNT_NOT_FOUND,
            format!("To_Account {peer} does not exist; import it first"),
        ));
    }
    message.message_conv_id = to.to_owned();
    let request = send_message::Request { conv: Conv::C2c(peer), message };
    Ok(engine.call_op(session, request).await?.message)
}

async fn sendmsg(
    engine: &Engine,
    caller: &Caller,
    mut body: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let to = match body.remove("To_Account") {
        Some(Value::String(to)) => to,
        None | Some(Value::Null) => {
            return Err(ApiError::new(ErrorCode::OPENIM_TO_ACCOUNT_MISSING, "To_Account is missing"));
        }
        Some(other) => return Err(ApiError::new(INVALID, format!("To_Account must be a string, got {other}"))),
    };
    let (session, message) = prepare_send(engine, caller, body_as(body, INVALID)?).await?;
    let sent = send_to(engine, &session, &to, message).await?;
    Ok(fields(vec![
        ("MsgTime", json!(sent.message_server_time)),
        ("MsgKey", json!(msg_key(&sent))),
        ("MsgId", json!(sent.message_msg_id)),
    ]))
}

async fn batchsendmsg(
    engine: &Engine,
    caller: &Caller,
    mut body: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let targets: Vec<String> = match body.remove("To_Account") {
        None | Some(Value::Null) => {
            return Err(ApiError::new(ErrorCode::OPENIM_TO_ACCOUNT_MISSING, "To_Account is missing"));
        }
        Some(value) => serde_json::from_value(value)
            .map_err(|_| ApiError::new(INVALID, "To_Account must be an array of user IDs"))?,
    };
    if targets.is_empty() {
        return Err(ApiError::new(ErrorCode::OPENIM_TO_ACCOUNT_MISSING, "To_Account is empty"));
    }
    if targets.len() > limits::BATCH_SEND_TARGETS_MAX_REST {
        return Err(ApiError::new(
            ErrorCode::OPENIM_TOO_MANY_TARGETS,
            format!(
                "To_Account has {} receivers; at most {} are allowed",
                targets.len(),
                limits::BATCH_SEND_TARGETS_MAX_REST
            ),
        ));
    }
    let (session, message) = prepare_send(engine, caller, body_as(body, INVALID)?).await?;
    let mut errors = Vec::new();
    let mut key = String::new();
    for (index, to) in targets.iter().enumerate() {
        // One message per receiver, each with its own ID: the randoms count up from MsgRandom.
        let mut message = message.clone();
        message.message_rand = (message.message_rand + index as u64) & u64::from(u32::MAX);
        match send_to(engine, &session, to, message).await {
            Ok(sent) => key = msg_key(&sent),
            Err(err) => errors.push(json!({"To_Account": to, "ErrorCode": err.code.0})),
        }
    }
    Ok(fields(vec![("MsgKey", json!(key)), ("ErrorList", Value::Array(errors))]))
}

#[derive(Deserialize)]
struct RoamBody {
    #[serde(rename = "Operator_Account", alias = "From_Account")]
    operator: String,
    #[serde(rename = "Peer_Account", alias = "To_Account")]
    peer: String,
    #[serde(rename = "MaxCnt")]
    max_count: u32,
    #[serde(rename = "MinTime")]
    min_time: u64,
    #[serde(rename = "MaxTime")]
    max_time: u64,
    #[serde(rename = "LastMsgKey", default)]
    last_msg_key: Option<String>,
}

/// A C2C message as `admin_getroammsg` answers it.
fn c2c_message_json(message: &Message, operator: &str, peer: &str) -> Value {
    let to = if message.message_sender == operator { peer } else { operator };
    json!({
        "From_Account": message.message_sender,
        "To_Account": to,
        "MsgSeq": message.message_seq,
        "MsgRandom": message.message_rand,
        "MsgTimeStamp": message.message_server_time,
        "MsgFlagBits": 0,
        "IsPeerRead": u32::from(message.message_receipt_peer_read || (message.message_sender != operator && message.message_has_sent_receipt)),
        "IsNeedReadReceipt": u32::from(message.message_need_read_receipt),
        "MsgKey": msg_key(message),
        "MsgBody": msgbody::to_rest(&message.message_elem_array),
        "CloudCustomData": message.message_cloud_custom_str,
    })
}

/// The history of one C2C conversation between two times, from `Operator_Account`'s side:
/// the newest `MaxCnt` messages at or before `MaxTime` (and before `LastMsgKey` when paging),
/// oldest first, as TIM answers; `Complete` is 1 when nothing older in the range is left.
async fn admin_getroammsg(engine: &Engine, caller: &Caller, body: RoamBody) -> Result<Map<String, Value>, ApiError> {
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
        conv: Conv::C2c(UserId::parse(&body.peer)?),
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
    Ok(fields(vec![
        ("Complete", json!(u32::from(complete))),
        ("MsgCnt", json!(messages.len())),
        ("LastMsgTime", json!(oldest.map_or(0, |it| it.message_server_time))),
        ("LastMsgKey", json!(oldest.map(msg_key).unwrap_or_default())),
        ("MsgList", messages.iter().map(|message| c2c_message_json(message, &body.operator, &body.peer)).collect()),
    ]))
}

#[derive(Deserialize)]
struct SetReadBody {
    #[serde(rename = "Report_Account")]
    reader: String,
    #[serde(rename = "Peer_Account")]
    peer: String,
    #[serde(rename = "MsgReadTime", default)]
    read_time: Option<u64>,
}

/// Marks a C2C conversation read for `Report_Account`, up to `MsgReadTime` (default: now).
async fn admin_set_msg_read(
    engine: &Engine,
    caller: &Caller,
    body: SetReadBody,
) -> Result<Map<String, Value>, ApiError> {
    let session = session_as(engine, caller, Some(&body.reader), true, ErrorCode::C2C_INVALID_ACCOUNT).await?;
    let up_to = match body.read_time {
        None | Some(0) => None,
        Some(read_time) => {
            // The newest message at or before the time.
            let request = get_message_list::Request {
                conv: Conv::C2c(UserId::parse(&body.peer)?),
                params: get_message_list::GetMsgListParams {
                    msg_getmsglist_param_count: 1,
                    msg_getmsglist_param_time_begin: 1,
                    msg_getmsglist_param_time_period: read_time.saturating_sub(1).max(1),
                    ..Default::default()
                },
            };
            let newest = engine.call_op(&session, request).await?.messages.into_iter().max_by_key(|it| it.message_seq);
            match newest {
                Some(message) => Some(message),
                None => return Ok(Map::new()),
            }
        }
    };
    let peer = Conv::C2c(UserId::parse(&body.peer)?);
    let request = report_read::Request { scope: ConvScope::One(peer), message: up_to };
    engine.call_op(&session, request).await?;
    Ok(Map::new())
}

#[derive(Deserialize)]
struct UnreadBody {
    #[serde(rename = "To_Account")]
    user: String,
    #[serde(rename = "Peer_Account", default)]
    peers: Option<Vec<String>>,
}

async fn get_c2c_unread_msg_num(
    engine: &Engine,
    caller: &Caller,
    body: UnreadBody,
) -> Result<Map<String, Value>, ApiError> {
    let session = session_as(engine, caller, Some(&body.user), true, ErrorCode::C2C_INVALID_ACCOUNT).await?;
    let conversations = engine.call_op(&session, get_conversation_list::Request {}).await?.conversations;
    let c2c: Vec<(&str, u64)> = conversations
        .iter()
        .filter(|conv| conv.conv_type == ConvType::C2C)
        .map(|conv| (conv.conv_id.as_str(), conv.conv_unread_num))
        .collect();
    let total: u64 = c2c.iter().map(|(_, unread)| unread).sum();
    let mut answer = vec![("AllC2CUnreadMsgNum", json!(total))];
    if let Some(peers) = &body.peers {
        let mut list = Vec::new();
        let mut errors = Vec::new();
        for peer in peers {
            let exists = UserId::parse(peer).is_ok_and(|id| engine.account_exists(caller.sdkappid, &id));
            if !exists {
                errors.push(json!({"Peer_Account": peer, "ErrorCode": ErrorCode::OPENIM_TO_ACCOUNT_NOT_FOUND.0}));
                continue;
            }
            let unread = c2c.iter().find(|(id, _)| id == peer).map_or(0, |(_, unread)| *unread);
            list.push(json!({"Peer_Account": peer, "C2CUnreadMsgNum": unread}));
        }
        answer.push(("C2CUnreadMsgNumList", Value::Array(list)));
        if !errors.is_empty() {
            answer.push(("ErrorList", Value::Array(errors)));
        }
    }
    Ok(fields(answer))
}

#[derive(Deserialize)]
struct C2cMsgInfo {
    #[serde(rename = "From_Account")]
    from: String,
    #[serde(rename = "To_Account")]
    to: String,
    #[serde(rename = "MsgKey")]
    key: String,
}

#[derive(Deserialize)]
struct C2cReceiptBody {
    #[serde(rename = "Operator_Account")]
    operator: String,
    #[serde(rename = "Peer_Account")]
    peer: String,
    #[serde(rename = "C2CMsgInfo")]
    messages: Vec<C2cMsgInfo>,
}

/// `Operator_Account` (the reader) sends read receipts for messages `Peer_Account` sent it.
async fn c2c_msg_read_receipt(
    engine: &Engine,
    caller: &Caller,
    body: C2cReceiptBody,
) -> Result<Map<String, Value>, ApiError> {
    if body.messages.is_empty() || body.messages.len() > limits::RECEIPT_MESSAGES_MAX {
        return Err(ApiError::new(
            ErrorCode::C2C_INVALID_REQUEST,
            format!(
                "C2CMsgInfo has {} entries; between 1 and {} are allowed",
                body.messages.len(),
                limits::RECEIPT_MESSAGES_MAX
            ),
        ));
    }
    for (index, info) in body.messages.iter().enumerate() {
        if info.from != body.peer || info.to != body.operator {
            return Err(ApiError::new(
                ErrorCode::C2C_INVALID_REQUEST,
                format!(
                    "C2CMsgInfo[{index}] must be a message from Peer_Account {:?} to Operator_Account {:?}",
                    body.peer, body.operator
                ),
            ));
        }
    }
    let session = session_as(engine, caller, Some(&body.operator), true, ErrorCode::C2C_INVALID_ACCOUNT).await?;
    let messages = body
        .messages
        .iter()
        .map(|info| {
            Ok(Message {
                message_conv_id: body.peer.clone(),
                message_conv_type: ConvType::C2C,
                message_seq: seq_of_key(&info.key)?,
                ..Default::default()
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    engine.call_op(&session, send_receipts::Request { messages }).await?;
    Ok(Map::new())
}

#[derive(Deserialize)]
struct OnlineBody {
    #[serde(rename = "To_Account")]
    users: Vec<String>,
    #[serde(rename = "IsNeedDetail", default)]
    need_detail: Option<u32>,
}

/// TIM's REST name of a `TIMPlatform`.
fn platform_name(platform: u32) -> &'static str {
    match platform {
        1 => "PC",
        2 => "Android",
        3 => "iPhone",
        4 => "Mac",
        5 => "iPad",
        _ => "Web",
    }
}

fn query_online_status(engine: &Engine, caller: &Caller, body: OnlineBody) -> Result<Map<String, Value>, ApiError> {
    if body.users.is_empty() || body.users.len() > limits::ONLINE_QUERY_ACCOUNTS_MAX_REST {
        return Err(ApiError::new(
            INVALID,
            format!(
                "To_Account has {} entries; between 1 and {} are allowed",
                body.users.len(),
                limits::ONLINE_QUERY_ACCOUNTS_MAX_REST
            ),
        ));
    }
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for name in &body.users {
        let user = match UserId::parse(name) {
            Ok(user) if engine.account_exists(caller.sdkappid, &user) => user,
            _ => {
                errors.push(json!({"To_Account": name, "ErrorCode": ErrorCode::ACCOUNT_NOT_FOUND.0}));
                continue;
            }
        };
        let platforms = engine.online_platforms(caller.sdkappid, &user);
        let mut result = Map::new();
        result.insert("To_Account".to_owned(), json!(name));
        // TIM's documentation writes the status as `Status`; its older `querystate` answer and its
        // English documentation as `State`. Clients read one or the other: both go out.
        let status = if platforms.is_empty() { "Offline" } else { "Online" };
        result.insert("Status".to_owned(), json!(status));
        result.insert("State".to_owned(), json!(status));
        if body.need_detail == Some(1) {
            let detail: Vec<Value> = platforms
                .iter()
                .map(|platform| json!({"Platform": platform_name(*platform), "Status": "Online"}))
                .collect();
            result.insert("Detail".to_owned(), Value::Array(detail));
        }
        results.push(Value::Object(result));
    }
    Ok(fields(vec![("QueryResult", Value::Array(results)), ("ErrorList", Value::Array(errors))]))
}
