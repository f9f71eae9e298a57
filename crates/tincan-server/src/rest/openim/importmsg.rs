//! `POST /v4/openim/importmsg`: imports one C2C message as it was sent in another system, at
//! its `MsgTimeStamp`, as history (`SyncFromOldSystem` 2) or live (5).

use serde::Deserialize;
use serde_json::Value;
use tincan_engine::{Engine, ImportMode};
use tincan_proto::enums::ConvType;
use tincan_proto::{ApiError, ErrorCode, Message, UserId};

use crate::rest::{Caller, Empty, msgbody, session_as};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "SyncFromOldSystem", default)]
    sync_from_old_system: Option<u32>,
    #[serde(rename = "From_Account")]
    from: UserId,
    #[serde(rename = "To_Account", default)]
    to: Option<UserId>,
    /// The seq the message had in the other system; tincan gives it the conversation's next.
    #[serde(rename = "MsgSeq", default)]
    _seq: Option<u64>,
    #[serde(rename = "MsgRandom", default)]
    random: Option<u32>,
    #[serde(rename = "MsgTimeStamp", default)]
    timestamp: Option<u64>,
    #[serde(rename = "MsgBody", default)]
    body: Option<Value>,
    #[serde(rename = "CloudCustomData", default)]
    cloud_custom_data: Option<String>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    let mode = match body.sync_from_old_system {
        Some(2) => ImportMode::History,
        // 1 is the value TIM's pages gave live imports before 5.
        Some(1 | 5) => ImportMode::Live,
        Some(other) => {
            return Err(ApiError::new(
                ErrorCode::OPENIM_SYNC_FROM_OLD_SYSTEM_INVALID,
                format!("SyncFromOldSystem {other} is not 2 (history) or 5 (live messages)"),
            ));
        }
        None => {
            return Err(ApiError::new(
                ErrorCode::OPENIM_SYNC_FROM_OLD_SYSTEM_INVALID,
                "SyncFromOldSystem is missing; pass 2 (history) or 5 (live)",
            ));
        }
    };
    let to = body.to.ok_or_else(|| ApiError::new(ErrorCode::OPENIM_TO_ACCOUNT_MISSING, "To_Account is missing"))?;
    let random = body.random.ok_or_else(|| {
        ApiError::new(ErrorCode::OPENIM_MSG_RANDOM_MISSING, "MsgRandom is missing; pass the message's random uint32")
    })?;
    let time = match body.timestamp {
        Some(time) if time > 0 => time,
        _ => {
            return Err(ApiError::new(
                ErrorCode::OPENIM_MSG_TIMESTAMP_INVALID,
                "MsgTimeStamp is missing or 0; pass the time the message was sent (UNIX seconds)",
            ));
        }
    };
    let msg_body = body.body.ok_or_else(|| ApiError::new(ErrorCode::OPENIM_INVALID_MSG_BODY, "MsgBody is missing"))?;
    if !msg_body.is_array() {
        return Err(ApiError::new(ErrorCode::OPENIM_MSG_BODY_NOT_ARRAY, "MsgBody must be an array of elements"));
    }
    let elems = msgbody::from_rest(&msg_body, ErrorCode::OPENIM_INVALID_MSG_BODY)?;
    if !engine.account_exists(caller.sdkappid, &to) {
        return Err(ApiError::new(
            ErrorCode::OPENIM_TO_ACCOUNT_NOT_FOUND,
            format!("To_Account {to} does not exist; import it first"),
        ));
    }
    let session = session_as(engine, caller, Some(&body.from), true, ErrorCode::C2C_INVALID_ACCOUNT).await?;
    let message = Message {
        message_elem_array: elems,
        message_conv_id: to.as_str().to_owned(),
        message_conv_type: ConvType::C2C,
        message_rand: u64::from(random),
        message_cloud_custom_str: body.cloud_custom_data.unwrap_or_default(),
        ..Default::default()
    };
    engine.import_c2c_message(&session, to, message, time, mode).await?;
    Ok(Empty {})
}
