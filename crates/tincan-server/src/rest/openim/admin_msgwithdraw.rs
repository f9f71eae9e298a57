//! `POST /v4/openim/admin_msgwithdraw`: the administrator revokes a C2C message, named by its
//! sender, its receiver and its `MsgKey`, with no time limit; both users are told as when a
//! client revokes it.

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::api::revoke_message;
use tincan_proto::enums::ConvType;
use tincan_proto::{ApiError, Conv, ErrorCode, Message, UserId};

use super::seq_of_key;
use crate::rest::{Caller, Empty, session_as};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    from: UserId,
    #[serde(rename = "To_Account")]
    to: UserId,
    #[serde(rename = "MsgKey")]
    key: String,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    let seq = seq_of_key(&body.key)?;
    let session = session_as(engine, caller, Some(&body.from), true, ErrorCode::C2C_INVALID_ACCOUNT).await?;
    let message = Message {
        message_conv_id: body.to.as_str().to_owned(),
        message_conv_type: ConvType::C2C,
        message_seq: seq,
        ..Default::default()
    };
    let request = revoke_message::Request { conv: Conv::C2c(body.to), message, reason: String::new() };
    engine.call_op(&session, request).await.map_err(|err| {
        // A message the key does not name is the request's fault, as TIM's other key errors are.
        if err.code == ErrorCode::INVALID_PARAMETERS {
            ApiError::new(ErrorCode::C2C_INVALID_REQUEST, err.desc)
        } else {
            err
        }
    })?;
    Ok(Empty {})
}
