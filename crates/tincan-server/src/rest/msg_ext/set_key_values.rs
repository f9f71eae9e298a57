//! `POST /v4/openim_msg_ext_http_svc/set_key_values`: sets or deletes a C2C message's
//! extensions (`OperateType` 1, 2 or 3), each key from the `Seq` given.

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::enums::ConvType;
use tincan_proto::{ApiError, ErrorCode, Message, UserId};

use super::{KeyValue, SetAnswer, operate};
use crate::rest::{Caller, session_as};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    from: UserId,
    #[serde(rename = "To_Account")]
    to: UserId,
    #[serde(rename = "MsgKey")]
    key: String,
    #[serde(rename = "OperateType")]
    operate_type: u32,
    #[serde(rename = "ExtensionList", default)]
    list: Option<Vec<KeyValue>>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<SetAnswer, ApiError> {
    let message = c2c_message(&body.to, &body.key)?;
    let session = session_as(engine, caller, Some(&body.from), true, ErrorCode::C2C_INVALID_ACCOUNT).await?;
    operate(engine, &session, message, body.operate_type, body.list).await
}

/// The C2C message with `to` that `MsgKey` names (`<MsgSeq>_<MsgRandom>_<MsgTimeStamp>`).
pub(super) fn c2c_message(to: &UserId, key: &str) -> Result<Message, ApiError> {
    let seq =
        key.split('_').next().and_then(|seq| seq.parse::<u64>().ok()).filter(|seq| *seq > 0).ok_or_else(|| {
            ApiError::new(
                ErrorCode::REST_INVALID_PARAMETERS,
                format!("MsgKey {key:?} is not a key this server returned (<MsgSeq>_<MsgRandom>_<MsgTimeStamp>)"),
            )
        })?;
    Ok(Message {
        message_conv_id: to.as_str().to_owned(),
        message_conv_type: ConvType::C2C,
        message_seq: seq,
        ..Default::default()
    })
}
