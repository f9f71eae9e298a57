//! `openim_msg_ext_http_svc`: message extensions, read and changed by the administrator (TIM's
//! `get_key_values`, `set_key_values`, `group_get_key_values`, `group_set_key_values`).
//!
//! A C2C message is named as in `openim` (`From_Account`, `To_Account`, `MsgKey`), a group
//! message by `GroupId` and `MsgSeq`. Every change goes through the client's operations, so the
//! version check and the pushes to the conversation are the same; an extension travels as
//! `{Key, Value, Seq}`, and a set or delete answers one `{ErrorCode, Extension}` per key.

mod get_key_values;
mod group_get_key_values;
mod group_set_key_values;
mod set_key_values;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tincan_engine::{Engine, Session};
use tincan_proto::api::{delete_message_extensions, set_message_extensions};
use tincan_proto::objects::{MessageExtension, MessageExtensionResult};
use tincan_proto::{ApiError, ErrorCode, Message};

use super::{Caller, answer, body_as, unknown};

/// The code for a missing or mistyped key in this service.
const INVALID: ErrorCode = ErrorCode::REST_INVALID_PARAMETERS;

pub(super) async fn command(
    engine: &Engine,
    caller: &Caller,
    command: &str,
    body: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    match command {
        "get_key_values" => answer(get_key_values::handle(engine, caller, body_as(body, INVALID)?).await),
        "set_key_values" => answer(set_key_values::handle(engine, caller, body_as(body, INVALID)?).await),
        "group_get_key_values" => answer(group_get_key_values::handle(engine, caller, body_as(body, INVALID)?).await),
        "group_set_key_values" => answer(group_set_key_values::handle(engine, caller, body_as(body, INVALID)?).await),
        _ => Err(unknown("openim_msg_ext_http_svc", command)),
    }
}

/// An extension as TIM's REST API writes it.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
struct KeyValue {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "Value", default)]
    value: String,
    #[serde(rename = "Seq", default)]
    seq: u64,
}

impl From<KeyValue> for MessageExtension {
    fn from(it: KeyValue) -> MessageExtension {
        MessageExtension {
            message_extension_key: it.key,
            message_extension_value: it.value,
            message_extension_seq: it.seq,
        }
    }
}

impl From<MessageExtension> for KeyValue {
    fn from(it: MessageExtension) -> KeyValue {
        KeyValue { key: it.message_extension_key, value: it.message_extension_value, seq: it.message_extension_seq }
    }
}

/// One key's result of a set or delete.
#[derive(Serialize)]
struct KeyResult {
    #[serde(rename = "ErrorCode")]
    error_code: i32,
    #[serde(rename = "Extension")]
    extension: KeyValue,
}

/// The answer of a set or delete.
#[derive(Serialize)]
pub(super) struct SetAnswer {
    #[serde(rename = "ResultList")]
    result_list: Vec<KeyResult>,
}

/// The answer of a get: every key (`StartSeq` leaves out keys last changed before it), all in
/// one answer (`Complete` 1), and the newest seq among them.
#[derive(Serialize)]
pub(super) struct GetAnswer {
    #[serde(rename = "KeyValues")]
    key_values: Vec<KeyValue>,
    #[serde(rename = "Complete")]
    complete: u32,
    #[serde(rename = "LatestSeq")]
    latest_seq: u64,
}

/// `OperateType`: 1 sets, 2 deletes the keys given, 3 deletes every key.
async fn operate(
    engine: &Engine,
    session: &Session,
    message: Message,
    operate_type: u32,
    list: Option<Vec<KeyValue>>,
) -> Result<SetAnswer, ApiError> {
    let list: Vec<MessageExtension> = list.unwrap_or_default().into_iter().map(Into::into).collect();
    let results: Vec<MessageExtensionResult> = match operate_type {
        1 => {
            let request = set_message_extensions::Request { message, extensions: list };
            engine.call_op(session, request).await?.results
        }
        2 | 3 => {
            if operate_type == 2 && list.is_empty() {
                return Err(ApiError::new(INVALID, "OperateType 2 deletes the keys of ExtensionList, which is empty"));
            }
            let extensions = if operate_type == 3 { Vec::new() } else { list };
            let request = delete_message_extensions::Request { message, extensions };
            engine.call_op(session, request).await?.results
        }
        other => {
            return Err(ApiError::new(INVALID, format!("OperateType {other} is not 1 (set), 2 (delete) or 3 (clear)")));
        }
    };
    let result_list = results
        .into_iter()
        .map(|it| KeyResult {
            error_code: it.message_extension_result_code,
            extension: it.message_extension_item.into(),
        })
        .collect();
    Ok(SetAnswer { result_list })
}

/// The keys at or after `start_seq`.
fn get_answer(extensions: Vec<MessageExtension>, start_seq: u64) -> GetAnswer {
    let latest_seq = extensions.iter().map(|it| it.message_extension_seq).max().unwrap_or(0);
    let key_values =
        extensions.into_iter().filter(|it| it.message_extension_seq >= start_seq).map(KeyValue::from).collect();
    GetAnswer { key_values, complete: 1, latest_seq }
}
