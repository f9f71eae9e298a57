//! `POST /v4/openim/c2c_msg_read_receipt`: `Operator_Account` (the reader) sends read receipts
//! for messages `Peer_Account` sent it.

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::api::send_receipts;
use tincan_proto::enums::ConvType;
use tincan_proto::{ApiError, ErrorCode, Message, UserId, limits};

use super::seq_of_key;
use crate::rest::{Caller, Empty, session_as};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "Operator_Account")]
    operator: UserId,
    #[serde(rename = "Peer_Account")]
    peer: UserId,
    #[serde(rename = "C2CMsgInfo")]
    messages: Vec<C2cMsgInfo>,
}

/// A message to acknowledge. Its accounts stay text: they only have to be the two of the
/// request, and an entry that names any other account, or text that is not one, is a message
/// outside the conversation (20001).
#[derive(Deserialize)]
struct C2cMsgInfo {
    #[serde(rename = "From_Account")]
    from: String,
    #[serde(rename = "To_Account")]
    to: String,
    #[serde(rename = "MsgKey")]
    key: String,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
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
        if info.from != body.peer.as_str() || info.to != body.operator.as_str() {
            return Err(ApiError::new(
                ErrorCode::C2C_INVALID_REQUEST,
                format!(
                    "C2CMsgInfo[{index}] must be a message from Peer_Account {:?} to Operator_Account {:?}",
                    body.peer.as_str(),
                    body.operator.as_str()
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
                message_conv_id: body.peer.as_str().to_owned(),
                message_conv_type: ConvType::C2C,
                message_seq: seq_of_key(&info.key)?,
                ..Default::default()
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    engine.call_op(&session, send_receipts::Request { messages }).await?;
    Ok(Empty {})
}
