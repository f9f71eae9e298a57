//! `openim`: C2C messages, their history, unread counts, C2C read receipts and who is online.
//!
//! A C2C message's `MsgKey` is `<MsgSeq>_<MsgRandom>_<MsgTimeStamp>`, the shape TIM uses; the
//! seq is the message's place in its conversation, which is what identifies it here.

mod admin_getroammsg;
mod admin_msgwithdraw;
mod admin_set_msg_read;
mod batchsendmsg;
mod c2c_msg_read_receipt;
mod get_c2c_unread_msg_num;
mod importmsg;
mod modify_c2c_msg;
mod query_online_status;
mod sendmsg;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tincan_engine::{Engine, Session};
use tincan_proto::api::send_message;
use tincan_proto::enums::ConvType;
use tincan_proto::ids::blank_as_none;
use tincan_proto::{ApiError, Conv, ErrorCode, Message, UserId};

use super::{Caller, answer, body_as, excluded_from_unread, forbidden_callbacks, msgbody, session_as, unknown};

/// The code for a missing or mistyped key in this service.
const INVALID: ErrorCode = ErrorCode::OPENIM_INVALID_JSON;

pub(super) async fn command(
    engine: &Engine,
    caller: &Caller,
    command: &str,
    body: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    match command {
        "sendmsg" => answer(sendmsg::handle(engine, caller, body_as(body, INVALID)?).await),
        "batchsendmsg" => answer(batchsendmsg::handle(engine, caller, body_as(body, INVALID)?).await),
        "importmsg" => answer(importmsg::handle(engine, caller, body_as(body, INVALID)?).await),
        "admin_getroammsg" => answer(admin_getroammsg::handle(engine, caller, body_as(body, INVALID)?).await),
        "admin_set_msg_read" => answer(admin_set_msg_read::handle(engine, caller, body_as(body, INVALID)?).await),
        "get_c2c_unread_msg_num" => {
            answer(get_c2c_unread_msg_num::handle(engine, caller, body_as(body, INVALID)?).await)
        }
        "c2c_msg_read_receipt" => answer(c2c_msg_read_receipt::handle(engine, caller, body_as(body, INVALID)?).await),
        // `querystate` is the command's older name, still used by clients written against it.
        "query_online_status" | "querystate" => {
            answer(query_online_status::handle(engine, caller, body_as(body, INVALID)?))
        }
        "admin_msgwithdraw" => answer(admin_msgwithdraw::handle(engine, caller, body_as(body, INVALID)?).await),
        "modify_c2c_msg" => answer(modify_c2c_msg::handle(engine, caller, body_as(body, INVALID)?).await),
        _ => Err(unknown("openim", command)),
    }
}

/// A message's `MsgKey`.
fn msg_key(message: &Message) -> String {
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

/// The body of `sendmsg` (`To` a `UserId`) and of `batchsendmsg` (a list of them).
#[derive(Deserialize)]
struct SendBody<To> {
    /// The receiver, or the receivers; checked before anything else but the body's shape.
    #[serde(rename = "To_Account", default = "Option::default")]
    to: Option<To>,
    #[serde(rename = "SyncOtherMachine", default)]
    sync_other_machine: Option<u32>,
    #[serde(rename = "From_Account", default, deserialize_with = "blank_as_none")]
    from: Option<UserId>,
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
    #[serde(rename = "SupportMessageExtension", default)]
    support_message_extension: Option<u32>,
}

impl<To> SendBody<To> {
    /// Takes the receiver, or receivers, out of the body (90003 when there is none); what is
    /// left is the message.
    fn take_to(&mut self) -> Result<To, ApiError> {
        self.to.take().ok_or_else(|| ApiError::new(ErrorCode::OPENIM_TO_ACCOUNT_MISSING, "To_Account is missing"))
    }
}

/// An account a command could not answer for, in an `ErrorList`.
#[derive(Serialize)]
struct AccountFailed {
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "ErrorCode")]
    error_code: u32,
}

/// The message keys of `sendmsg` and `batchsendmsg`, checked: the sender's session and the
/// message to send (without its conversation).
async fn prepare_send<To>(
    engine: &Engine,
    caller: &Caller,
    body: SendBody<To>,
) -> Result<(Session, Message), ApiError> {
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
    let online_only = match body.online_only.unwrap_or(0) {
        0 => false,
        1 => true,
        other => return Err(ApiError::new(INVALID, format!("OnlineOnlyFlag {other} is not 0 or 1"))),
    };
    let supports_extensions = super::flag("SupportMessageExtension", body.support_message_extension, INVALID)?;
    let elems = msgbody::from_rest(&msg_body, ErrorCode::OPENIM_INVALID_MSG_BODY)?;
    let session = session_as(engine, caller, body.from.as_ref(), true, ErrorCode::C2C_INVALID_ACCOUNT).await?;
    let (skip_before, skip_after) = forbidden_callbacks(body.forbid_callback_control.as_deref());
    let session = session.forbid_callbacks(skip_before, skip_after);
    let message = Message {
        message_elem_array: elems,
        message_conv_type: ConvType::C2C,
        message_rand: u64::from(random),
        message_need_read_receipt: need_receipt,
        message_cloud_custom_str: body.cloud_custom_data.unwrap_or_default(),
        message_is_excluded_from_unread_count: excluded_from_unread(body.send_msg_control.as_deref()),
        message_is_online_msg: online_only,
        message_support_message_extension: supports_extensions,
        ..Default::default()
    };
    Ok((session, message))
}

/// Sends `message` from the session's user to `to`.
async fn send_to(engine: &Engine, session: &Session, to: &UserId, mut message: Message) -> Result<Message, ApiError> {
    if !engine.account_exists(session.sdkappid(), to) {
        return Err(ApiError::new(
            ErrorCode::OPENIM_TO_ACCOUNT_NOT_FOUND,
            format!("To_Account {to} does not exist; import it first"),
        ));
    }
    message.message_conv_id = to.as_str().to_owned();
    let request = send_message::Request { conv: Conv::C2c(to.clone()), message };
    Ok(engine.call_op(session, request).await?.message)
}
