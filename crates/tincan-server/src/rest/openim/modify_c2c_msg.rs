//! `POST /v4/openim/modify_c2c_msg`: the administrator changes a C2C message's body (and its
//! `CloudCustomData`, when given), named by its sender, its receiver and its `MsgKey`; both
//! users are told as when the sender modifies it.

use serde::Deserialize;
use serde_json::Value;
use tincan_engine::Engine;
use tincan_proto::api::modify_message;
use tincan_proto::enums::ConvType;
use tincan_proto::{ApiError, Conv, ErrorCode, Message, UserId};

use super::seq_of_key;
use crate::rest::{Caller, Empty, msgbody, session_as};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    from: UserId,
    #[serde(rename = "To_Account")]
    to: UserId,
    #[serde(rename = "MsgKey")]
    key: String,
    #[serde(rename = "MsgBody")]
    body: Value,
    #[serde(rename = "CloudCustomData", default)]
    cloud_custom_data: Option<String>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    let seq = seq_of_key(&body.key)?;
    let elems = msgbody::from_rest(&body.body, ErrorCode::OPENIM_INVALID_MSG_BODY)?;
    let session = session_as(engine, caller, Some(&body.from), true, ErrorCode::C2C_INVALID_ACCOUNT).await?;
    let conv = Conv::C2c(body.to.clone());
    // Without CloudCustomData the message keeps its own.
    let cloud_custom = match body.cloud_custom_data {
        Some(data) => data,
        None => match engine.message_at(&session, &conv, seq).await {
            Ok(message) => message.message_cloud_custom_str,
            Err(err) if err.code == ErrorCode::INVALID_PARAMETERS => {
                return Err(ApiError::new(ErrorCode::C2C_INVALID_REQUEST, err.desc));
            }
            Err(err) => return Err(err),
        },
    };
    let message = Message {
        message_conv_id: body.to.as_str().to_owned(),
        message_conv_type: ConvType::C2C,
        message_seq: seq,
        message_elem_array: elems,
        message_cloud_custom_str: cloud_custom,
        ..Default::default()
    };
    engine.call_op(&session, modify_message::Request { message }).await.map_err(|err| {
        if err.code == ErrorCode::INVALID_PARAMETERS {
            ApiError::new(ErrorCode::C2C_INVALID_REQUEST, err.desc)
        } else {
            err
        }
    })?;
    Ok(Empty {})
}
